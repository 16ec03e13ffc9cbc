"""Resuming, duplicates, zip archives and a full disk: every input ends with exactly one result."""
from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import extract.batch
from extract.batch import load_manifest, run_extract
from extract.cli import main
from training.synth import random_report, render


def make_inputs(folder: Path, n: int, seed: int = 0) -> dict[str, object]:
    folder.mkdir(parents=True, exist_ok=True)
    reps = {}
    for i in range(n):
        rep = random_report(random.Random(seed + i))
        shape = ("tab", "pipe", "html", "lines")[i % 4]
        ext = "html" if shape == "html" else "txt"
        (folder / f"r{i:03d}.{ext}").write_text(render(rep, shape, random.Random(i)), encoding="utf-8")
        reps[f"r{i:03d}"] = rep
    return reps


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*.json")}


def manifest(folder: Path) -> list[dict]:
    return [json.loads(l) for l in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
            if l.strip().endswith("}")]


def test_kill_9_then_rerun_gives_the_same_outputs_exactly_once(tmp_path):
    src = tmp_path / "in"
    make_inputs(src, 60)
    whole = tmp_path / "whole"
    run_extract([src], whole, workers=2)
    cut = tmp_path / "cut"
    cmd = [sys.executable, "-m", "extract.cli", "extract", str(src), "-o", str(cut), "--workers", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and len(list(cut.glob("*.json"))) < 10:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = len(list(cut.glob("*.json")))
    assert 10 <= partial < 60, "the kill should land mid-run"
    res = CliRunner().invoke(main, ["extract", str(src), "-o", str(cut), "--workers", "2"])
    assert res.exit_code == 0, res.output
    assert outputs(cut) == outputs(whole)
    recs = [r for r in manifest(cut) if r["status"] != "duplicate"]
    assert sorted(r["input"] for r in recs) == sorted(str(p) for p in src.iterdir())
    assert not list(cut.glob(".*.tmp"))


def test_rename_is_not_redone_change_is_and_duplicates_are_recorded(tmp_path):
    src = tmp_path / "in"
    make_inputs(src, 3)
    out = tmp_path / "out"
    s1 = run_extract([src], out)
    assert sum(s1.counts.values()) == 3
    (src / "r000.txt").rename(src / "renamed.txt")
    (src / "copy.txt").write_bytes((src / "r001.txt").read_bytes())
    changed = src / "r002.html"
    changed.write_text(render(random_report(random.Random(99)), "html", random.Random(1)), encoding="utf-8")
    s2 = run_extract([src], out)
    assert s2.skipped == 3  # renamed.txt, r001.txt and its copy: bytes done in run 1
    assert s2.counts["ok"] + s2.counts["partial"] == 1  # only the changed file is redone
    assert s2.duplicates == 0  # copy.txt duplicates r001's bytes, which were done in run 1: skipped
    s3 = run_extract([src / "copy.txt", src / "r001.txt"], tmp_path / "fresh")
    assert s3.duplicates == 1 and sum(s3.counts.values()) == 1
    dup = [r for r in manifest(tmp_path / "fresh") if r["status"] == "duplicate"]
    assert dup and dup[0]["input"].endswith("r001.txt") and dup[0]["duplicate_of"].endswith("copy.txt")


def test_zip_members_and_a_corrupt_zip(tmp_path):
    src = tmp_path / "in"
    reps = make_inputs(src / "loose", 2)
    with zipfile.ZipFile(src / "archive.zip", "w") as z:
        for p in sorted((src / "loose").iterdir()):
            z.write(p, f"inner/{p.stem}_z{p.suffix}")
        z.writestr("notes.bin", b"\x00\x01")
    (src / "broken.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    out = tmp_path / "out"
    s = run_extract([src / "archive.zip", src / "broken.zip"], out)
    docs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}
    assert docs["broken"]["status"] == "failed" and "corrupt zip" in docs["broken"]["error"]
    for stem, rep in reps.items():
        d = docs[f"{stem}_z"]
        assert d["cells"] == rep.cells and d["source"].endswith(f"!inner/{stem}_z" + (".html" if "html" in d["kind"] else ".txt"))
    assert s.counts["failed"] == 1


def test_disk_full_leaves_no_half_file_and_a_rerun_finishes(tmp_path, monkeypatch):
    src = tmp_path / "in"
    make_inputs(src, 6)
    out = tmp_path / "out"
    real_replace, calls = os.replace, {"n": 0}

    def replace(src, dst):  # the 5th output cannot be written: the disk is full
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(extract.batch.os, "replace", replace)
    res = CliRunner().invoke(main, ["extract", str(src), "-o", str(out), "--workers", "1"])
    assert res.exit_code != 0 and "No space left on device" in res.output and "rerun to resume" in res.output
    assert not list(out.glob(".*.tmp"))
    done = load_manifest(out)
    for rec in done.values():  # everything the manifest calls done is a whole JSON file
        json.loads((out / rec["output"]).read_text(encoding="utf-8"))
    monkeypatch.setattr(extract.batch.os, "replace", real_replace)
    res = CliRunner().invoke(main, ["extract", str(src), "-o", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert len(list(out.glob("*.json"))) == 6
