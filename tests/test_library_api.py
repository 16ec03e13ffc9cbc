"""The library surface: extract_report / extract_reports / Report round trip, and the README example."""
from __future__ import annotations

import random
import re
from pathlib import Path

from extract import Report, extract_report, extract_reports
from training.synth import random_report, render

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_example_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102


def test_extract_reports_in_workers_keeps_order_and_matches_in_process(tmp_path):
    paths = []
    for i in range(5):
        rep = random_report(random.Random(i))
        p = tmp_path / f"r{i}.txt"
        p.write_text(render(rep, "pipe", random.Random(i)), encoding="utf-8")
        paths.append(p)
    paths.append(tmp_path / "missing.txt")
    serial = list(extract_reports(paths))
    parallel = list(extract_reports(paths, workers=2, timeout=60))
    assert [r.doc_id for r in parallel] == [p.stem for p in paths]
    assert [r.cells for r in parallel] == [r.cells for r in serial]
    assert parallel[-1].status == "failed" and "not a file" in parallel[-1].error


def test_report_round_trips_through_dict():
    rep = random_report(random.Random(3))
    r = extract_report(render(rep, "tab", random.Random(3)).encode(), name="x.txt")
    again = Report.from_dict(r.to_dict())
    assert again.to_dict() == r.to_dict()
    assert again.cells == rep.cells
