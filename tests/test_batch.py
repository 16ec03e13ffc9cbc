"""The batch survives a document that hangs and a worker that dies; the others finish."""
from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

from click.testing import CliRunner

import extract.batch
from extract.cli import main
from extract.pipeline import extract_report as real_extract
from training.synth import random_report, render


def _faulty(path, doc_id=None, **kw):
    name = Path(path).name
    if "hang" in name:
        time.sleep(60)
    if "crash" in name:
        os._exit(3)  # a native crash: the worker process is gone
    return real_extract(path, doc_id=doc_id, **kw)


def test_hang_and_crash_are_failed_records_and_the_rest_finish(tmp_path, monkeypatch):
    monkeypatch.setattr(extract.batch, "extract_report", _faulty)  # inherited by the forked workers
    src = tmp_path / "in"
    src.mkdir()
    reps = {}
    for i in range(3):
        rep = random_report(random.Random(i))
        reps[f"good{i}"] = rep
        (src / f"good{i}.txt").write_text(render(rep, "tab", random.Random(i)), encoding="utf-8")
    (src / "hang.txt").write_text("hang", encoding="utf-8")
    (src / "crash.txt").write_text("crash", encoding="utf-8")
    out = tmp_path / "out"
    t = time.perf_counter()
    res = CliRunner().invoke(main, ["extract", str(src), "-o", str(out), "--workers", "2", "--timeout", "3"])
    assert res.exit_code == 0, res.output
    assert time.perf_counter() - t < 30
    docs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}
    assert set(docs) == {"good0", "good1", "good2", "hang", "crash"}
    assert docs["hang"]["status"] == "failed" and "timed out after 3 s" in docs["hang"]["error"]
    assert docs["crash"]["status"] == "failed" and "worker process died" in docs["crash"]["error"]
    for name, rep in reps.items():
        assert docs[name]["status"] in ("ok", "partial") and docs[name]["cells"] == rep.cells
    assert not list(out.glob(".*.tmp"))
