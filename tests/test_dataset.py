"""extract.dataset: Parquet / CSV tables of extracted reports, read back by pyarrow, pandas,
DuckDB and Hugging Face datasets; cross-report checks; the summary."""
from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from extract.dataset import (CELLS_SCHEMA, FINDINGS_SCHEMA, REPORTS_SCHEMA, cross_report_findings, load_reports,
                             split_key, summarize, summary_dict, write_dataset)
from extract.pipeline import extract_report
from extract.schema import T3_COLUMNS
from training.synth import SynthReport, random_report, render

APPLICANTS = [c.key for c in T3_COLUMNS[:-1]]


def extract(rep: SynthReport, doc_id: str, seed: int = 0, shape: str = "pipe") -> dict:
    ext = "html" if shape == "html" else "txt"
    return extract_report(render(rep, shape, random.Random(seed)).encode(), name=f"{doc_id}.{ext}").to_dict()


def set_carried_forward(rep: SynthReport, values: dict[str, int]) -> None:
    """Give the report these 结转下年度 numbers per applicant column, keeping every equation."""
    c = rep.cells
    for col in APPLICANTS:
        c[f"t3.carried_forward.{col}"] = values[col]
        c[f"t3.carried_over.{col}"] = 0
        c[f"t3.new_received.{col}"] = c[f"t3.total.{col}"] + values[col]
    for row in ("carried_forward", "carried_over", "new_received"):
        c[f"t3.{row}.total"] = sum(c[f"t3.{row}.{col}"] for col in APPLICANTS)


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    rng = random.Random(7)
    out = [extract(random_report(rng, "2021", consistent=True), "good"),
           extract(random_report(rng, "2019", consistent=True), "old", seed=1),
           extract(random_report(rng, "2021", consistent=False), "broken", seed=2),
           extract_report(b"", name="empty.txt").to_dict()]
    assert [r["status"] for r in out] == ["ok", "ok", "ok", "failed"]
    assert out[2]["findings"] and any(f["severity"] == "error" for f in out[2]["findings"])
    return out


@pytest.fixture(scope="module")
def parquet_dir(reports: list[dict], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pq")
    write_dataset(reports, out, extra={"good": {"sha256": "ab" * 32}, "old": {"duplicate_of": "good"}})
    return out


def n_cells(reports: list[dict]) -> int:
    return sum(len(r["cells"]) for r in reports)


def n_findings(reports: list[dict]) -> int:
    return sum(len(r["findings"]) for r in reports)


def test_split_key() -> None:
    assert split_key("t3.denied.state_secret.total") == ("t3", "denied.state_secret", "total")
    assert split_key("t2.fees.amount") == ("t2", "fees", "amount")
    assert split_key("t4.review.upheld") == ("t4", "review", "upheld")
    with pytest.raises(ValueError):
        split_key("t3.total")


def test_parquet_pyarrow(reports: list[dict], parquet_dir: Path) -> None:
    rt, ct, ft = (pq.read_table(parquet_dir / f"{t}.parquet") for t in ("reports", "cells", "findings"))
    assert rt.num_rows == 4 and ct.num_rows == n_cells(reports) > 300 and ft.num_rows == n_findings(reports) > 0
    assert ct.schema.equals(CELLS_SCHEMA) and ft.schema.equals(FINDINGS_SCHEMA)
    assert rt.schema.names[:len(REPORTS_SCHEMA)] == REPORTS_SCHEMA.names and rt.schema.names[-1] == "duplicate_of"
    rows = {r["doc_id"]: r for r in rt.to_pylist()}
    good, empty = rows["good"], rows["empty"]
    assert good["sha256"] == "ab" * 32 and rows["old"]["sha256"] is None and rows["old"]["duplicate_of"] == "good"
    assert (good["agency"], good["year"], good["layout"]) == (reports[0]["meta"]["agency"], reports[0]["meta"]["year"],
                                                              "2021")
    assert rows["broken"]["n_errors"] == sum(f["severity"] == "error" for f in reports[2]["findings"]) > 0
    assert empty["status"] == "failed" and empty["error"] == "empty file" and empty["time_read"] is None
    assert good["time_total"] == pytest.approx(reports[0]["timings"]["total"])
    # a given cell, and its provenance, as in the report
    key = "t3.denied.state_secret.total"
    row = ct.filter(pc.and_(pc.equal(ct["doc_id"], "good"), pc.equal(ct["key"], key)))
    assert row.num_rows == 1
    r = row.to_pylist()[0]
    assert (r["table_id"], r["row"], r["col"]) == ("t3", "denied.state_secret", "total")
    assert r["value"] == reports[0]["cells"][key]
    assert json.loads(r["provenance"]) == reports[0]["provenance"][key]
    src = reports[0]["provenance"][key]
    assert r["how"] == src["how"] and r["confidence"] == src["confidence"] and r["page"] == src.get("page")
    # findings: list<string> cells kept in order
    f0 = ft.filter(pc.equal(ft["doc_id"], "broken")).to_pylist()[0]
    assert f0["cells"] == reports[2]["findings"][0]["cells"] and f0["rule"] == reports[2]["findings"][0]["rule"]


def test_parquet_pandas_duckdb(reports: list[dict], parquet_dir: Path) -> None:
    pd = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    cells = pd.read_parquet(parquet_dir / "cells.parquet")
    assert len(cells) == n_cells(reports) and str(cells["value"].dtype) == "float64"
    v = cells.loc[(cells.doc_id == "old") & (cells.key == "t2.procurement.amount"), "value"]  # 2019 layout
    assert v.tolist() == [float(reports[1]["cells"]["t2.procurement.amount"])]
    con = duckdb.connect()
    path = str(parquet_dir / "cells.parquet")
    assert con.execute(f"select count(*) from '{path}'").fetchall()[0][0] == n_cells(reports)
    got = con.execute(f"select value from '{path}' where doc_id = 'good' and table_id = 't4' and row = 'review' "
                      f"and col = 'total'").fetchall()
    assert got == [(float(reports[0]["cells"]["t4.review.total"]),)]
    rp = str(parquet_dir / "reports.parquet")
    status = dict(con.execute(f"select status, count(*) from '{rp}' group by status").fetchall())
    assert status == {"ok": 3, "failed": 1}
    fp = str(parquet_dir / "findings.parquet")
    assert con.execute(f"select count(*) from '{fp}' where severity = 'error' and len(cells) > 0").fetchall()[0][0] == \
        sum(f["severity"] == "error" for r in reports for f in r["findings"])


def test_parquet_hf_datasets(reports: list[dict], parquet_dir: Path, tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("parquet", data_files=str(parquet_dir / "cells.parquet"), split="train",
                               cache_dir=str(tmp_path / "hf"))
    assert ds.num_rows == n_cells(reports)
    assert ds.features["value"].dtype == "float64"
    i = ds["key"].index("t3.total.total")
    assert ds[i]["doc_id"] == "good" and ds[i]["value"] == reports[0]["cells"]["t3.total.total"]
    rs = datasets.load_dataset("parquet", data_files={"reports": str(parquet_dir / "reports.parquet")},
                               cache_dir=str(tmp_path / "hf"))["reports"]
    assert sorted(rs["doc_id"]) == ["broken", "empty", "good", "old"]


def test_null_cells_stay_null(reports: list[dict], tmp_path: Path) -> None:
    r = json.loads(json.dumps(reports[0]))
    r["cells"]["t3.granted.natural_person"] = None
    r["cells"]["t2.fees.amount"] = 12.5
    write_dataset([r], tmp_path)
    cells = {c["key"]: c["value"] for c in pq.read_table(tmp_path / "cells.parquet").to_pylist()}
    assert cells["t3.granted.natural_person"] is None and cells["t2.fees.amount"] == 12.5
    write_dataset([r], tmp_path, fmt="csv")
    rows = {row["key"]: row["value"] for row in csv.DictReader(open(tmp_path / "cells.csv", encoding="utf-8-sig"))}
    assert rows["t3.granted.natural_person"] == "" and float(rows["t2.fees.amount"]) == 12.5


def test_csv(reports: list[dict], tmp_path: Path) -> None:
    paths = write_dataset(reports, tmp_path, fmt="csv", extra={"good": {"sha256": "00ff"}})
    assert {t: p.name for t, p in paths.items()} == {"reports": "reports.csv", "cells": "cells.csv",
                                                     "findings": "findings.csv"}
    raw = paths["reports"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and reports[0]["meta"]["agency"].encode() in raw  # utf-8-sig, for Excel
    with open(paths["reports"], encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["doc_id"] for r in rows] == ["good", "old", "broken", "empty"] and rows[0]["sha256"] == "00ff"
    cells = pacsv.read_csv(paths["cells"])  # pyarrow skips the BOM too
    assert cells.num_rows == n_cells(reports) and cells.schema.names[0] == "doc_id"
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(paths["cells"])
    v = df.loc[(df.doc_id == "good") & (df.key == "t3.carried_forward.total"), "value"].tolist()
    assert v == [reports[0]["cells"]["t3.carried_forward.total"]]
    fdf = pd.read_csv(paths["findings"])
    assert len(fdf) == n_findings(reports)
    assert json.loads(fdf.loc[fdf.doc_id == "broken", "cells"].iloc[0]) == reports[2]["findings"][0]["cells"]
    duckdb = pytest.importorskip("duckdb")
    assert duckdb.sql(f"select count(*) from '{paths['reports']}' where status = 'ok'").fetchall()[0][0] == 3


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_empty_input_keeps_schema(tmp_path: Path, fmt: str) -> None:
    paths = write_dataset(iter([]), tmp_path, fmt=fmt)
    if fmt == "parquet":
        for t, schema in (("reports", REPORTS_SCHEMA), ("cells", CELLS_SCHEMA), ("findings", FINDINGS_SCHEMA)):
            got = pq.read_table(paths[t])
            assert got.num_rows == 0 and got.schema.equals(schema)
        duckdb = pytest.importorskip("duckdb")
        assert duckdb.sql(f"select count(*) from '{paths['cells']}'").fetchall()[0][0] == 0
    else:
        header = paths["cells"].read_text(encoding="utf-8-sig").strip()
        assert header.replace('"', "").split(",") == CELLS_SCHEMA.names


def test_all_null_columns_keep_types(tmp_path: Path) -> None:
    failed = extract_report(b"", name="a.txt").to_dict()
    r = {"doc_id": "b", "source": "b.txt", "status": "partial", "error": None, "layout": "2021", "meta": {},
         "cells": {"t4.review.upheld": None}, "findings": [], "provenance": {}}
    write_dataset([failed, r], tmp_path)
    rt, ct = pq.read_table(tmp_path / "reports.parquet"), pq.read_table(tmp_path / "cells.parquet")
    assert rt.schema.field("year").type == pa.int32() and rt.schema.field("sha256").type == pa.string()
    assert ct.schema.field("value").type == pa.float64() and ct.column("value").null_count == 1
    assert ct.schema.field("page").type == pa.int32() and ct.to_pylist()[0]["provenance"] is None


def test_extra_columns(reports: list[dict], tmp_path: Path) -> None:
    extra = {"good": {"sha256": "aa", "bytes": 1200, "score": 0.5, "gold": True, "tags": ["a", "b"]},
             "old": {"bytes": 7, "score": 2, "gold": None, "tags": None}}
    write_dataset(reports, tmp_path, extra=extra)
    t = pq.read_table(tmp_path / "reports.parquet")
    assert t.schema.names[-4:] == ["bytes", "score", "gold", "tags"]
    assert [str(t.schema.field(n).type) for n in ("bytes", "score", "gold", "tags")] == ["int64", "double", "bool",
                                                                                          "string"]
    rows = {r["doc_id"]: r for r in t.to_pylist()}
    assert json.loads(rows["good"]["tags"]) == ["a", "b"] and rows["old"]["score"] == 2.0
    assert rows["broken"]["bytes"] is None and rows["good"]["sha256"] == "aa"
    write_dataset(reports, tmp_path, fmt="csv", extra=extra)
    with open(tmp_path / "reports.csv", encoding="utf-8-sig", newline="") as f:
        assert next(r for r in csv.DictReader(f) if r["doc_id"] == "good")["bytes"] == "1200"


def test_atomic_replace_and_bad_input(reports: list[dict], tmp_path: Path) -> None:
    write_dataset(reports, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    bad = json.loads(json.dumps(reports[0]))
    bad["cells"]["t3.total.total"] = "12"
    with pytest.raises(TypeError, match="t3.total.total"):
        write_dataset([reports[1], bad], tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing replaced, no temp files left
    with pytest.raises(ValueError):
        write_dataset(reports, tmp_path, extra={"good": {"status": "x"}})  # would shadow a report column
    with pytest.raises(ValueError):
        write_dataset(reports, tmp_path, fmt="xlsx")  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cells.parquet", "findings.parquet", "reports.parquet"]


def test_load_reports_skips_other_json(reports: list[dict], tmp_path: Path) -> None:
    for r in reports:
        (tmp_path / f"{r['doc_id']}.json").write_text(json.dumps(r, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({"files": ["good.json"], "status": "done"}))
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "torn.json").write_text('{"doc_id": "x", "sta')
    (tmp_path / "notes.txt").write_text("{}")
    got = list(load_reports(tmp_path))
    assert sorted(r["doc_id"] for r in got) == ["broken", "empty", "good", "old"]
    assert next(r for r in got if r["doc_id"] == "good") == reports[0]


# ------------------------------------------------------------------ cross-report checks
@pytest.fixture(scope="module")
def series() -> dict[str, dict]:
    """One agency: 2023 whose carry-forward matches 2024's carry-over, a 2023 copy that does not,
    a duplicate 2024 with other numbers, an identical 2024 re-crawl, and a failed report."""
    rng = random.Random(11)
    y24 = random_report(rng, "2021", consistent=True)
    y24.agency, y24.year = "长治市民政局", 2024
    y24.cells["t3.carried_over.natural_person"] += 3  # keep 2024's carry-over non-zero, the equations intact
    y24.cells["t3.new_received.natural_person"] -= 3
    if y24.cells["t3.new_received.natural_person"] < 0:
        y24.cells["t3.new_received.natural_person"] += 3
        y24.cells["t3.total.natural_person"] += 3
        y24.cells["t3.granted.natural_person"] += 3
        for row in ("total", "granted"):
            y24.cells[f"t3.{row}.total"] += 3
    y24.cells["t3.carried_over.total"] = sum(y24.cells[f"t3.carried_over.{c}"] for c in APPLICANTS)
    y24.cells["t3.new_received.total"] = sum(y24.cells[f"t3.new_received.{c}"] for c in APPLICANTS)
    over = {c: y24.cells[f"t3.carried_over.{c}"] for c in APPLICANTS}
    y23 = random_report(rng, "2021", consistent=True)
    y23.agency, y23.year = "长治市 民政局", 2023  # whitespace: the same agency
    set_carried_forward(y23, over)
    y23b = random_report(rng, "2021", consistent=True)
    y23b.agency, y23b.year = " 长治市\u3000民政局", 2023  # the mismatch must be found across the spelling
    set_carried_forward(y23b, {**over, "natural_person": over["natural_person"] + 2})
    y24b = random_report(rng, "2021", consistent=True)
    y24b.agency, y24b.year = "长治市民政局", 2024
    set_carried_forward(y24b, {c: 0 for c in APPLICANTS})
    out = {"a23": extract(y23, "a23"), "b23": extract(y23b, "b23"), "a24": extract(y24, "a24"),
           "c24": extract(y24b, "c24"), "a24copy": extract(y24, "a24copy", seed=5, shape="html"),
           "failed": extract_report(b"", name="failed.txt").to_dict()}
    for k in ("a23", "b23", "a24", "c24", "a24copy"):
        assert out[k]["status"] == "ok" and not [f for f in out[k]["findings"] if f["severity"] == "error"], k
    assert out["a24"]["cells"]["t3.carried_over.total"] == sum(over.values()) > 0
    assert out["a23"]["cells"]["t3.carried_forward.total"] == sum(over.values())
    return out


def by_rule(findings: list[dict], rule: str) -> list[dict]:
    return [f for f in findings if f["rule"] == rule]


def test_carry_over_match_and_mismatch(series: dict[str, dict]) -> None:
    ok = cross_report_findings([series["a23"], series["a24"], series["failed"]])
    assert ok == []
    bad = cross_report_findings([series["b23"], series["a24"]])
    assert len(bad) == 1
    f = bad[0]
    assert (f["rule"], f["severity"], f["years"], f["doc_ids"]) == ("cross.carry_over", "warning", [2023, 2024],
                                                                    ["b23", "a24"])
    assert f["agency"] == "长治市民政局"
    assert f["expected"] == series["a24"]["cells"]["t3.carried_over.total"] + 2
    assert f["found"] == series["a24"]["cells"]["t3.carried_over.total"]
    assert "结转下年度" in f["message"] and "上年结转" in f["message"]
    spaced = json.loads(json.dumps(series["a24"]))
    spaced["meta"]["agency"] = " 长治市\u3000民政局 "  # as a report dict from another extractor might spell it
    assert [f["rule"] for f in cross_report_findings([series["b23"], spaced])] == ["cross.carry_over"]


def test_carry_over_skips_missing_values(series: dict[str, dict]) -> None:
    b23 = json.loads(json.dumps(series["b23"]))
    b23["cells"]["t3.carried_forward.total"] = None
    assert cross_report_findings([b23, series["a24"]]) == []
    gap = json.loads(json.dumps(series["b23"]))
    gap["meta"]["year"] = 2022  # 2022 → 2024 is not a carry-over pair
    assert cross_report_findings([gap, series["a24"]]) == []


def test_duplicates(series: dict[str, dict]) -> None:
    conflict = cross_report_findings([series["a24"], series["c24"]])
    assert [f["rule"] for f in conflict] == ["cross.duplicate_conflict"]
    f = conflict[0]
    assert f["severity"] == "warning" and f["years"] == [2024] and f["doc_ids"] == ["a24", "c24"]
    assert "t3.carried_over.total" in f["cells"]
    assert f["expected"]["t3.carried_over.total"] == series["a24"]["cells"]["t3.carried_over.total"]
    assert f["found"]["t3.carried_over.total"] == 0
    same = cross_report_findings([series["a24"], series["a24copy"]])
    assert [(f["rule"], f["severity"]) for f in same] == [("cross.duplicate", "info")]
    failed_dup = dict(series["failed"], meta={"agency": "长治市民政局", "year": 2024})
    assert cross_report_findings([series["a24"], failed_dup]) == []


def test_summarize(reports: list[dict], series: dict[str, dict], tmp_path: Path) -> None:
    for r in [*reports, *series.values()]:
        (tmp_path / f"{r['doc_id']}.json").write_text(json.dumps(r, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "manifest.json").write_text("{}")
    write_dataset(load_reports(tmp_path), tmp_path)  # parquet files beside the JSON do not disturb loading
    s = summary_dict(tmp_path)
    assert s["reports"] == 10 and s["status"] == {"ok": 8, "failed": 2}
    assert s["layout"] == {"2021": 7, "2019": 1, "unknown": 2}
    assert s["top_errors"][0]["doc_id"] == "broken"
    assert s["top_errors"][0]["errors"] == sum(f["severity"] == "error" for f in reports[2]["findings"])
    severities = [r["severity"] for r in s["rules"]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)  # errors first
    rules = {f["rule"] for f in s["cross"]}
    assert {"cross.carry_over", "cross.duplicate_conflict", "cross.duplicate"} <= rules
    text = summarize(tmp_path)
    assert "status: ok 8, failed 2" in text and "10 report(s)" in text
    assert "cross.carry_over" in text and "broken" in text
