"""Inputs and OUTDIR as URIs: file:// through pyarrow's LocalFileSystem (worker processes), memory:// through
fsspec (in-process, an object-store-like filesystem without rename or append)."""
from __future__ import annotations

import json
import random
import zipfile
from io import BytesIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from extract.batch import load_manifest, run_extract
from extract.storage import Folder, Lines, list_files, resolve
from training.synth import random_report, render


def make_inputs(folder: Path, n: int) -> dict[str, object]:
    (folder / "sub").mkdir(parents=True, exist_ok=True)
    reps = {}
    for i in range(n):
        rep = random_report(random.Random(i))
        (folder / ("sub" if i % 2 else "") / f"r{i}.txt").write_text(render(rep, "tab", random.Random(i)),
                                                                     encoding="utf-8")
        reps[f"r{i}"] = rep
    (folder / "bad.txt").write_bytes(b"")
    return reps


def docs(folder: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}


def test_file_uris_in_and_out_with_worker_processes(tmp_path):
    src = tmp_path / "in"
    reps = make_inputs(src, 4)
    plain, viauri = tmp_path / "plain", tmp_path / "uri"
    run_extract([src], plain, workers=2, use_model=False)
    s = run_extract([src.as_uri()], viauri.as_uri(), workers=2, timeout=60, use_model=False, device="cpu")
    assert s.counts["failed"] == 1 and sum(s.counts.values()) == 5
    a, b = docs(plain), docs(viauri)
    assert set(a) == set(b) == {*reps, "bad"}
    for name in a:  # the same reports; only the source names the input as it was given
        assert b[name]["source"] == (src / ("sub" if name in ("r1", "r3") else "") / f"{name}.txt").as_uri()
        assert {**b[name], "source": None} == {**a[name], "source": None}
    recs = [json.loads(line) for line in (viauri / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["use_model"] for r in recs} == {False} and {r["device"] for r in recs} == {"cpu"}
    assert pq.read_table(viauri / "cells.parquet").equals(pq.read_table(plain / "cells.parquet"))
    assert not list(viauri.glob(".*.tmp"))
    again = run_extract([src.as_uri()], viauri.as_uri(), workers=2, use_model=False)
    assert again.skipped == 5 and sum(again.counts.values()) == 0


def test_uri_glob_and_zip(tmp_path):
    src = tmp_path / "in"
    make_inputs(src, 3)
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.write(src / "r0.txt", "inner/z0.txt")
    (src / "arch.zip").write_bytes(buf.getvalue())
    got = list_files(src.as_uri() + "/**/*.txt", {".txt"})
    assert [Path(u).name for u in got] == ["bad.txt", "r0.txt", "r2.txt", "r1.txt"]
    assert [Path(u).name for u in list_files(src.as_uri() + "/sub/*.txt", {".txt"})] == ["r1.txt"]
    out = tmp_path / "out"
    s = run_extract([(src / "arch.zip").as_uri(), src.as_uri() + "/sub/*.txt"], out, use_model=False)
    assert s.counts["ok"] + s.counts["partial"] == 2
    d = docs(out)
    assert d["z0"]["source"] == (src / "arch.zip").as_uri() + "!inner/z0.txt" and d["z0"]["status"] != "failed"


def test_memory_filesystem_is_written_whole_and_resumes(tmp_path):
    fsspec = pytest.importorskip("fsspec")
    mem = fsspec.filesystem("memory")
    root = f"/nianbao-test-{random.getrandbits(32):08x}"
    reps = {}
    for i in range(3):
        rep = random_report(random.Random(i))
        mem.pipe(f"{root}/in/r{i}.txt", render(rep, "pipe", random.Random(i)).encode())
        reps[f"r{i}"] = rep
    mem.pipe(f"{root}/in/bad.txt", b"")
    out_uri = f"memory:/{root}/out"
    s = run_extract([f"memory:/{root}/in"], out_uri, workers=1, use_model=False)
    assert s.counts["failed"] == 1 and sum(s.counts.values()) == 4
    names = {Path(p).name for p in mem.ls(f"{root}/out", detail=False)}
    assert names == {"r0.json", "r1.json", "r2.json", "bad.json", "manifest.jsonl",
                     "reports.parquet", "cells.parquet", "findings.parquet"}  # no temporary file left
    for name, rep in reps.items():
        assert json.loads(mem.cat(f"{root}/out/{name}.json"))["cells"] == rep.cells
    assert len(load_manifest(out_uri)) == 4
    fs, path = resolve(out_uri + "/reports.parquet")
    t = pq.read_table(path, filesystem=fs)
    assert t.column("doc_id").to_pylist() == ["bad", "r0", "r1", "r2"]
    again = run_extract([f"memory:/{root}/in"], out_uri, workers=1, use_model=False)
    assert again.skipped == 4 and sum(again.counts.values()) == 0
    assert pq.read_table(path, filesystem=fs).num_rows == 4
    mem.rm(root, recursive=True)


def test_manifest_without_append_is_rewritten_whole_and_keeps_a_cut_line_apart(tmp_path):
    fsspec = pytest.importorskip("fsspec")
    mem = fsspec.filesystem("memory")
    root = f"/nianbao-lines-{random.getrandbits(32):08x}"
    mem.pipe(f"{root}/m.jsonl", b'{"a": 1}\n{"cut')  # a line cut by a kill
    folder = Folder(f"memory:/{root}")
    lines = Lines(folder, "m.jsonl", every=3600)
    assert not lines.append_ok
    lines.append('{"b": 2}')
    assert mem.cat(f"{root}/m.jsonl") == b'{"a": 1}\n{"cut'  # held until the interval or a flush
    lines.flush()
    assert mem.cat(f"{root}/m.jsonl").decode().splitlines() == ['{"a": 1}', '{"cut', '{"b": 2}']
    mem.rm(root, recursive=True)


def test_object_store_path_puts_each_file_once_without_temporary_names(tmp_path, monkeypatch):
    """s3:// as pyarrow sees it, stood in for by fsspec's memory filesystem under an S3 type name."""
    fsspec = pytest.importorskip("fsspec")
    import pyarrow.fs as pafs

    import extract.storage

    class S3Like(pafs.FSSpecHandler):
        def get_type_name(self):
            return "fsspec+s3"

        def move(self, src, dest):  # an object store has no rename: the code must not need one
            raise AssertionError(f"move {src} -> {dest}")

    mem = fsspec.filesystem("memory")
    root = f"/nianbao-s3-{random.getrandbits(32):08x}"
    fs = pafs.PyFileSystem(S3Like(mem))
    real_root = extract.storage._root
    monkeypatch.setattr(extract.storage, "_root",
                        lambda scheme, netloc, query: (fs, f"{root}/{netloc}") if scheme == "s3"
                        else real_root(scheme, netloc, query))
    src = tmp_path / "in"
    make_inputs(src, 2)
    s = run_extract([src], "s3://bucket/out", use_model=False)
    assert sum(s.counts.values()) == 3
    names = {Path(p).name for p in mem.ls(f"{root}/bucket/out", detail=False)}
    assert names == {"r0.json", "r1.json", "bad.json", "manifest.jsonl", "reports.parquet", "cells.parquet",
                     "findings.parquet"}
    assert len(load_manifest("s3://bucket/out")) == 3
    again = run_extract([src], "s3://bucket/out", use_model=False)
    assert again.skipped == 3
    mem.rm(root, recursive=True)
