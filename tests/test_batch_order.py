"""Dataset tables do not depend on the order documents finish in; --no-model and --device reach the workers."""
from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

import extract.batch
import extract.dataset
import extract.runs
from extract.batch import run_extract
from extract.cli import main
from extract.pipeline import extract_report as real_extract
from extract.report import Report
from training.synth import random_report, render

TIMED = ["time_total", "time_read", "time_tables"]


def _jittery(path, doc_id=None, **kw):
    time.sleep(random.random() * 0.05)  # documents finish in a different order on every run
    return real_extract(path, doc_id=doc_id, **kw)


def test_two_runs_write_the_same_table_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(extract.dataset, "BATCH_REPORTS", 5)  # several sorted runs to merge
    monkeypatch.setattr(extract.batch, "extract_report", _jittery)
    src = tmp_path / "in"
    (src / "b").mkdir(parents=True)
    for i in range(23):
        rep = random_report(random.Random(i))
        shape = ("tab", "pipe", "html")[i % 3]
        folder = src / "b" if i % 2 else src  # path order is not doc_id order
        (folder / f"{'zyx'[i % 3]}{i:02d}.{'html' if shape == 'html' else 'txt'}").write_text(
            render(rep, shape, random.Random(i)), encoding="utf-8")
    (src / "a_bad.txt").write_bytes(b"\x00" * 10)
    runs = []
    for n, workers in enumerate((2, 2, 1)):
        out = tmp_path / f"out{n}"
        if n == 2:  # the sorted runs go through temporary files instead of memory
            monkeypatch.setattr(extract.runs, "MEMORY", 0)
        run_extract([src], out, workers=workers, use_model=False)
        runs.append(out)
    first = runs[0]
    ids = pq.read_table(first / "reports.parquet").column("doc_id").to_pylist()
    assert ids == sorted(ids) and len(ids) == 24
    cells = pq.read_table(first / "cells.parquet").column("doc_id").to_pylist()
    assert cells == sorted(cells)
    assert pq.ParquetFile(first / "cells.parquet").metadata.num_row_groups == 5  # 5 reports per row group
    for other in runs[1:]:
        for table in ("cells", "findings"):
            assert (other / f"{table}.parquet").read_bytes() == (first / f"{table}.parquet").read_bytes(), table
        a, b = (pq.read_table(o / "reports.parquet").drop_columns(TIMED) for o in (first, other))
        assert a.equals(b)  # reports differ only in the seconds each document took


def test_resumed_run_writes_the_same_cells_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(extract.dataset, "BATCH_REPORTS", 3)
    src = tmp_path / "in"
    src.mkdir()
    for i in range(8):
        rep = random_report(random.Random(i))
        (src / f"r{7 - i}.txt").write_text(render(rep, "tab", random.Random(i)), encoding="utf-8")
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    run_extract([src], whole, use_model=False)
    run_extract(sorted(src.iterdir())[::2], cut, use_model=False)  # half, as if a run had been killed
    s = run_extract([src], cut, workers=2, use_model=False)
    assert s.skipped == 4
    assert (cut / "cells.parquet").read_bytes() == (whole / "cells.parquet").read_bytes()


def _probe(path, doc_id=None, use_model=True, device="auto", **kw):
    if "probe" in Path(path).name:
        return Report(doc_id=doc_id, source=str(path), status="failed", error=f"use_model={use_model} device={device}")
    return real_extract(path, doc_id=doc_id, use_model=use_model, device=device, **kw)


def test_no_model_and_device_reach_the_worker_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(extract.batch, "extract_report", _probe)  # inherited by the forked workers
    src = tmp_path / "in"
    src.mkdir()
    (src / "probe.txt").write_text("x", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["extract", str(src), "-o", str(out), "--workers", "2", "--timeout", "30",
                                    "--no-model", "--device", "cpu"])
    assert res.exit_code == 0, res.output
    assert json.loads((out / "probe.json").read_text(encoding="utf-8"))["error"] == "use_model=False device=cpu"
    rec = json.loads((out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert rec["use_model"] is False and rec["device"] == "cpu"
    bad = CliRunner().invoke(main, ["extract", str(src), "-o", str(out), "--device", "tpu"])
    assert bad.exit_code != 0 and "expected auto, cpu, cuda or cuda:N" in bad.output
