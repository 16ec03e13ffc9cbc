"""--engine ray on a local Ray instance writes the same JSON as the local engine."""
from __future__ import annotations

import random

import pytest

from extract.batch import run_extract
from training.synth import random_report, render

ray = pytest.importorskip("ray")


def test_ray_engine_matches_local_engine_byte_for_byte(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(8):
        rep = random_report(random.Random(i))
        (src / f"r{i}.txt").write_text(render(rep, ("tab", "pipe")[i % 2], random.Random(i)), encoding="utf-8")
    (src / "bad.txt").write_bytes(b"")
    local, viaray = tmp_path / "local", tmp_path / "ray"
    run_extract([src], local, workers=1)
    try:
        s = run_extract([src], viaray, workers=2, engine="ray")
    finally:
        ray.shutdown()
    assert s.counts["failed"] == 1 and sum(s.counts.values()) == 9
    a = {p.name: p.read_bytes() for p in local.glob("*.json")}
    b = {p.name: p.read_bytes() for p in viaray.glob("*.json")}
    assert a == b and len(a) == 9
