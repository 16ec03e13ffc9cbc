"""Batch throughput: N synthetic text/HTML reports (plus corrupt files), 1 worker vs W workers.

``python -m eval.bench_batch --n 2000 --corrupt 20 --workers 2 --out bench_out/batch``
writes ``results.json`` and prints the rates and the scaling efficiency
(rate with W workers / (W × rate with 1 worker)).
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from extract.batch import run_extract
from training.synth import random_report, render


def make_corpus(folder: Path, n: int, corrupt: int, seed: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for i in range(n):
        rep = random_report(random.Random(seed * 100003 + i))
        shape = rng.choice(("pipe", "tab", "lines", "markdown", "html", "flat_spaced"))
        ext = "html" if shape == "html" else "txt"
        (folder / f"r{i:05d}.{ext}").write_text(render(rep, shape, random.Random(i)), encoding="utf-8")
    for i in range(corrupt):
        kind = i % 4
        data = [b" " * i, bytes(rng.randrange(256) for _ in range(4096)), b"\x00" * (1000 + i),
                "部门决算".encode() * (50 + i)][kind]  # distinct bytes: duplicates would be skipped
        (folder / f"corrupt{i:03d}.{('txt', 'txt', 'html', 'txt')[kind]}").write_bytes(data)


def timed(src: Path, out: Path, workers: int) -> tuple[float, dict]:
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    s = run_extract([src], out, workers=workers, dataset="parquet")
    return time.perf_counter() - t, s.counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--corrupt", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("bench_out/batch"))
    ap.add_argument("--repeat", type=int, default=2, help="alternating runs of each setting; the best counts")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    make_corpus(tmp / "in", a.n, a.corrupt)
    total = a.n + a.corrupt
    # alternate the two settings and keep the best of each: this machine's speed drifts
    runs1, runsw = [], []
    for _ in range(a.repeat):
        runs1.append(timed(tmp / "in", tmp / "out1", 1))
        runsw.append(timed(tmp / "in", tmp / "outw", a.workers))
    (t1, c1), (tw, cw) = min(runs1, key=lambda r: r[0]), min(runsw, key=lambda r: r[0])
    same = all((tmp / "out1" / p.name).read_bytes() == p.read_bytes() for p in (tmp / "outw").glob("*.json"))
    r = {"documents": total, "single_process_s": round(t1, 2), "single_rate": round(total / t1, 1),
         f"workers_{a.workers}_s": round(tw, 2), f"workers_{a.workers}_rate": round(total / tw, 1),
         "scaling_efficiency": round((total / tw) / (a.workers * total / t1), 3), "counts_single": c1,
         "counts_workers": cw, "identical_json": same, "all_runs_s": {"1": [round(t, 2) for t, _ in runs1],
                                                                       str(a.workers): [round(t, 2) for t, _ in runsw]}}
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "results.json").write_text(json.dumps(r, indent=1), encoding="utf-8")
    print(json.dumps(r, indent=1))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
