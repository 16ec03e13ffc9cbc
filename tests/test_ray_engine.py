"""--engine ray on a local Ray instance: the same JSON as the local engine, per-document timeouts, URIs."""
from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import pytest

from extract.batch import Item, run_extract
from training.synth import random_report, render

ray = pytest.importorskip("ray")
TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray instance for the module; its workers can import tests/ray_faults.py."""
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(TESTS), old) if p)  # inherited by the raylet
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        yield ray
    finally:
        ray.shutdown()
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def make_inputs(src: Path, n: int) -> None:
    src.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        rep = random_report(random.Random(i))
        (src / f"r{i}.txt").write_text(render(rep, ("tab", "pipe")[i % 2], random.Random(i)), encoding="utf-8")
    (src / "bad.txt").write_bytes(b"")


def jsons(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*.json")}


def test_ray_engine_matches_local_engine_byte_for_byte(tmp_path, local_ray):
    src = tmp_path / "in"
    make_inputs(src, 8)
    local, viaray = tmp_path / "local", tmp_path / "ray"
    run_extract([src], local, workers=1)
    s = run_extract([src], viaray, workers=2, engine="ray")
    assert s.counts["failed"] == 1 and sum(s.counts.values()) == 9
    a, b = jsons(local), jsons(viaray)
    assert a == b and len(a) == 9
    assert (viaray / "cells.parquet").read_bytes() == (local / "cells.parquet").read_bytes()


def test_ray_engine_with_file_uris_writes_from_the_actors(tmp_path, local_ray):
    src = tmp_path / "in"
    make_inputs(src, 4)
    local, viaray = tmp_path / "local", tmp_path / "ray"
    run_extract([src.as_uri()], local.as_uri(), workers=1, use_model=False)
    s = run_extract([src.as_uri()], viaray.as_uri(), workers=2, engine="ray", use_model=False, device="cpu")
    assert s.counts["failed"] == 1 and sum(s.counts.values()) == 5
    assert jsons(local) == jsons(viaray) and len(jsons(local)) == 5
    assert (viaray / "findings.parquet").read_bytes() == (local / "findings.parquet").read_bytes()
    recs = [json.loads(line) for line in (viaray / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["use_model"] for r in recs} == {False} and {r["device"] for r in recs} == {"cpu"}
    assert not list(viaray.glob(".*.tmp"))


def test_ray_engine_timeout_crash_and_options_per_document(tmp_path, local_ray):
    import ray_faults

    from extract.ray_engine import run_ray

    src = tmp_path / "in"
    make_inputs(src, 3)
    for name in ("hang.txt", "crash.txt", "probe.txt"):
        (src / name).write_text(name, encoding="utf-8")
    jobs = [(Item(str(p)), p.stem) for p in sorted(src.iterdir())]
    out = tmp_path / "out"
    out.mkdir()
    t = time.perf_counter()
    got = {it.name: r for it, r in run_ray(jobs, str(out), workers=2, timeout=3, use_model=False, device="cpu",
                                           work=ray_faults.work)}
    assert time.perf_counter() - t < 300  # the hang (900 s) was cut at its 3 s timeout, not waited for
    assert set(got) == {"r0.txt", "r1.txt", "r2.txt", "bad.txt", "hang.txt", "crash.txt", "probe.txt"}
    assert got["hang.txt"]["status"] == "failed" and "timed out after 3 s" in got["hang.txt"]["error"]
    assert got["crash.txt"]["status"] == "failed" and "worker process died" in got["crash.txt"]["error"]
    assert got["probe.txt"]["error"] == "use_model=False device=cpu"
    for i in range(3):  # the others finished, written by the actors' child processes
        assert got[f"r{i}.txt"]["written"] and got[f"r{i}.txt"]["status"] in ("ok", "partial")
        assert json.loads((out / f"r{i}.json").read_text(encoding="utf-8"))["status"] == got[f"r{i}.txt"]["status"]
