"""Throughput of the text/HTML path on one core: ``python -m eval.throughput FILES... [--repeat N]``.

Writes ``results.json`` (to ``--out``, default ``bench_out/``) and prints a table:
reports/s overall and the median milliseconds per report, per input.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from extract.pipeline import extract_report


def measure(paths: list[Path], repeat: int = 5) -> dict:
    """Extract every file ``repeat`` times in this process; returns timings and reports/s."""
    data = [(p.read_bytes(), p.name) for p in paths]
    for d, n in data:  # warm-up: imports, OpenCC dictionaries
        extract_report(d, name=n)
    per: dict[str, list[float]] = {n: [] for _, n in data}
    t0 = time.perf_counter()
    for _ in range(repeat):
        for d, n in data:
            t = time.perf_counter()
            extract_report(d, name=n)
            per[n].append(time.perf_counter() - t)
    wall = time.perf_counter() - t0
    return {"reports": len(data) * repeat, "seconds": round(wall, 4), "reports_per_s": round(len(data) * repeat / wall, 2),
            "median_ms": {n: round(statistics.median(v) * 1000, 2) for n, v in per.items()},
            "cpu": os.cpu_count(), "pinned_to_one_core": hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) == 1}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=Path("bench_out"))
    a = ap.parse_args()
    files = [f for p in a.files for f in (sorted(p.iterdir()) if p.is_dir() else [p])
             if f.suffix.lower() in (".txt", ".md", ".html", ".htm", ".shtml")]
    r = measure(files, a.repeat)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "results.json").write_text(json.dumps(r, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{'input':<24}{'median ms':>10}")
    for n, ms in r["median_ms"].items():
        print(f"{n:<24}{ms:>10.1f}")
    print(f"{r['reports']} reports in {r['seconds']} s: {r['reports_per_s']} reports/s "
          f"({'one core' if r['pinned_to_one_core'] else 'run under taskset -c 0 for one core'})")


if __name__ == "__main__":
    main()
