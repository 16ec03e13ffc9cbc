"""Extracted reports as a dataset: Parquet / CSV tables, cross-report checks, a summary.

``nianbao extract`` writes one JSON per input. This module turns a set of those report
dicts into three flat tables that pandas, DuckDB, Polars, Excel and Hugging Face
``datasets`` read directly:

``reports``  one row per report
    doc_id, source, sha256, status, error, kind, model (the token classifier that ran, when the
    report names one), layout, agency, year, pages, n_errors, n_warnings, n_info, time_total,
    time_read, time_tables (seconds), then one column per key of ``extra`` (e.g. ``duplicate_of``).
``cells``    one row per (report, canonical cell key), long format
    doc_id, key, table_id, row, col, value, confidence, how, page, provenance.
    ``t3.denied.state_secret.total`` → table_id ``t3``, row ``denied.state_secret``,
    col ``total``. (``table`` and ``column`` are reserved words in SQL / DuckDB, so
    the split columns are ``table_id``, ``row`` and ``col``.) ``value`` is float64 with
    nulls (printed empty or unreadable); ``provenance`` is the cell's provenance entry
    as compact JSON.
``findings`` one row per finding of a report
    doc_id, rule, severity, cells (list<string>; a JSON array string in CSV), message,
    expected, found (compact JSON, null when the finding has none).

Every table has a fixed pyarrow schema (``REPORTS_SCHEMA``, ``CELLS_SCHEMA``,
``FINDINGS_SCHEMA``), so the dtypes are the same whether a column is all null or the
input is empty. Files are written to a temporary file in the output folder and moved
into place with ``os.replace``: a reader sees the old file or the whole new one.

CSV is written as UTF-8 with a byte order mark (``utf-8-sig``): Excel, which many
readers of these reports use, reads a CSV without a BOM in the system code page
(GBK on Chinese Windows) and garbles every Chinese character; pandas, DuckDB, pyarrow
and Python's ``csv`` with ``encoding="utf-8-sig"`` all skip the BOM. An empty field is
null; an empty string is written as ``""``.

Example:
    >>> import tempfile
    >>> from extract.pipeline import extract_report
    >>> reports = [extract_report(b"", name="empty.txt").to_dict()]
    >>> out = Path(tempfile.mkdtemp())
    >>> paths = write_dataset(reports, out, extra={"empty": {"sha256": "e3b0c442"}})
    >>> sorted(paths)
    ['cells', 'findings', 'reports']
    >>> import pyarrow.parquet as pq
    >>> pq.read_table(paths["reports"]).select(["doc_id", "status", "sha256"]).to_pylist()
    [{'doc_id': 'empty', 'status': 'failed', 'sha256': 'e3b0c442'}]
    >>> split_key("t3.denied.state_secret.total")
    ('t3', 'denied.state_secret', 'total')
"""
from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .report import SCHEMA_VERSION

log = logging.getLogger(__name__)

Format = Literal["parquet", "csv"]
TABLES = ("reports", "cells", "findings")
SEVERITIES = ("error", "warning", "info")
CARRIED_FORWARD = "t3.carried_forward.total"  # 四、结转下年度继续办理 (year N)
CARRIED_OVER = "t3.carried_over.total"  # 二、上年结转政府信息公开申请数量 (year N+1)
BATCH_REPORTS = 500  # reports per written batch (a Parquet row group per table)

_BASE_REPORT_FIELDS = [
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("source", pa.string()),
    pa.field("sha256", pa.string()),
    pa.field("status", pa.string()),
    pa.field("error", pa.string()),
    pa.field("kind", pa.string()),
    pa.field("model", pa.string()),
    pa.field("layout", pa.string()),
    pa.field("agency", pa.string()),
    pa.field("year", pa.int32()),
    pa.field("pages", pa.int32()),
    pa.field("n_errors", pa.int32()),
    pa.field("n_warnings", pa.int32()),
    pa.field("n_info", pa.int32()),
    pa.field("time_total", pa.float64()),
    pa.field("time_read", pa.float64()),
    pa.field("time_tables", pa.float64()),
]
_META = {b"nianbao.report_schema_version": SCHEMA_VERSION.encode()}
REPORTS_SCHEMA = pa.schema(_BASE_REPORT_FIELDS, metadata={**_META, b"nianbao.table": b"reports"})
CELLS_SCHEMA = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("key", pa.string(), nullable=False),
    pa.field("table_id", pa.string(), nullable=False),
    pa.field("row", pa.string(), nullable=False),
    pa.field("col", pa.string(), nullable=False),
    pa.field("value", pa.float64()),
    pa.field("confidence", pa.float64()),
    pa.field("how", pa.string()),
    pa.field("page", pa.int32()),
    pa.field("provenance", pa.string()),
], metadata={**_META, b"nianbao.table": b"cells"})
FINDINGS_SCHEMA = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("rule", pa.string(), nullable=False),
    pa.field("severity", pa.string(), nullable=False),
    pa.field("cells", pa.list_(pa.string())),
    pa.field("message", pa.string()),
    pa.field("expected", pa.string()),
    pa.field("found", pa.string()),
], metadata={**_META, b"nianbao.table": b"findings"})
# the types of extra columns nianbao itself produces; any other extra column gets its type from its values
KNOWN_EXTRA_TYPES: dict[str, pa.DataType] = {"sha256": pa.string(), "duplicate_of": pa.string()}

_WS = re.compile(r"\s+")


# ------------------------------------------------------------------ helpers
@lru_cache(maxsize=4096)
def split_key(key: str) -> tuple[str, str, str]:
    """Split a canonical cell key into (table, row, column).

    Example:
        >>> split_key("t2.fees.amount"), split_key("t4.review.upheld")
        (('t2', 'fees', 'amount'), ('t4', 'review', 'upheld'))
        >>> split_key("t3.other.no_fee.total")
        ('t3', 'other.no_fee', 'total')
    """
    parts = key.split(".")
    if len(parts) < 3 or not all(parts):
        raise ValueError(f"not a canonical cell key (t<n>.<row>.<column>): {key!r}")
    return parts[0], ".".join(parts[1:-1]), parts[-1]


def normalize_agency(agency: str | None) -> str | None:
    """The agency name with all whitespace removed (None or blank → None).

    Example:
        >>> normalize_agency(" 长治市\u3000人民政府 ")
        '长治市人民政府'
    """
    if agency is None:
        return None
    a = _WS.sub("", agency)
    return a or None


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json(v: Any) -> str:
    return _ENCODER.encode(v)


def _number(v: Any, doc_id: str, key: str) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"{doc_id}: cell {key} is {v!r}, not a number or null")
    return float(v)


def _is_report(d: Any) -> bool:
    return isinstance(d, dict) and "doc_id" in d and "status" in d and "cells" in d


def _as_dict(r: Any) -> dict:
    return r.to_dict() if hasattr(r, "to_dict") else r


def _extra_type(name: str, values: list[Any]) -> tuple[pa.DataType, bool]:
    """(arrow type, values-as-JSON) for an extra column, from its values."""
    if name in KNOWN_EXTRA_TYPES:
        return KNOWN_EXTRA_TYPES[name], False
    vals = [v for v in values if v is not None]
    if vals and all(isinstance(v, bool) for v in vals):
        return pa.bool_(), False
    if vals and all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
        return pa.int64(), False
    if vals and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
        return pa.float64(), False
    if all(isinstance(v, str) for v in vals):  # also: all null
        return pa.string(), False
    return pa.string(), True  # lists, dicts, mixed: compact JSON


def reports_schema(extra: dict[str, dict] | None = None) -> tuple[pa.Schema, dict[str, bool]]:
    """The ``reports`` schema for a given ``extra``, and which extra columns are stored as JSON.

    ``sha256`` is always a column (null unless ``extra`` gives it); other extra keys are
    appended in first-seen order.

    Example:
        >>> s, _ = reports_schema({"a": {"duplicate_of": "b", "bytes": 10}})
        >>> s.names[-2:], str(s.field("bytes").type)
        (['duplicate_of', 'bytes'], 'int64')
    """
    base = {f.name for f in _BASE_REPORT_FIELDS}
    names: list[str] = []
    for cols in (extra or {}).values():
        for k in cols:
            if k not in names and k != "sha256":
                if k in base:
                    raise ValueError(f"extra column {k!r} would replace a report column")
                names.append(k)
    fields, as_json = list(_BASE_REPORT_FIELDS), {}
    for k in names:
        typ, js = _extra_type(k, [cols.get(k) for cols in (extra or {}).values()])
        fields.append(pa.field(k, typ))
        as_json[k] = js
    return pa.schema(fields, metadata=REPORTS_SCHEMA.metadata), as_json


# ------------------------------------------------------------------ rows
def _report_row(r: dict, extra: dict[str, Any], as_json: dict[str, bool]) -> dict[str, Any]:
    sev = Counter(f.get("severity") for f in r.get("findings") or [])
    meta, timings = r.get("meta") or {}, r.get("timings") or {}
    row = {
        "doc_id": r["doc_id"], "source": r.get("source"), "sha256": extra.get("sha256"),
        "status": r.get("status"), "error": r.get("error"), "kind": r.get("kind"), "model": r.get("model"),
        "layout": r.get("layout"),
        "agency": meta.get("agency"), "year": meta.get("year"), "pages": r.get("pages"),
        "n_errors": sev["error"], "n_warnings": sev["warning"], "n_info": sev["info"],
        "time_total": timings.get("total"), "time_read": timings.get("read"), "time_tables": timings.get("tables"),
    }
    for k, js in as_json.items():
        v = extra.get(k)
        row[k] = _json(v) if js and v is not None else v
    return row


def _add_cells(cols: dict[str, list[Any]], r: dict) -> None:
    """Append the report's cells to the column lists of the ``cells`` table."""
    doc_id, prov = r["doc_id"], r.get("provenance") or {}
    (c_doc, c_key, c_tab, c_row, c_col, c_val, c_conf, c_how, c_page, c_prov) = (cols[n] for n in CELLS_SCHEMA.names)
    for key, value in (r.get("cells") or {}).items():
        table, row, col = split_key(key)
        p = prov.get(key) or {}
        c_doc.append(doc_id)
        c_key.append(key)
        c_tab.append(table)
        c_row.append(row)
        c_col.append(col)
        c_val.append(_number(value, doc_id, key))
        c_conf.append(p.get("confidence"))
        c_how.append(p.get("how"))
        c_page.append(p.get("page"))
        c_prov.append(_json(p) if p else None)


def _finding_rows(r: dict) -> Iterator[dict[str, Any]]:
    for f in r.get("findings") or []:
        yield {"doc_id": r["doc_id"], "rule": f["rule"], "severity": f["severity"], "cells": list(f.get("cells") or []),
               "message": f.get("message"),
               "expected": _json(f["expected"]) if f.get("expected") is not None else None,
               "found": _json(f["found"]) if f.get("found") is not None else None}


# ------------------------------------------------------------------ writing
def _append(cols: dict[str, list[Any]], rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        for name, values in cols.items():
            values.append(row[name])


def _csv_schema(schema: pa.Schema) -> pa.Schema:
    """The schema as written to CSV: list columns become JSON array strings."""
    return pa.schema([pa.field(f.name, pa.string(), f.nullable) if pa.types.is_list(f.type) else f for f in schema],
                     metadata=schema.metadata)


class _Sink:
    """One table written in batches to a temporary file, moved into place on ``commit``."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: Format) -> None:
        self.path, self.fmt, self.schema = path, fmt, schema
        self.out_schema = schema if fmt == "parquet" else _csv_schema(schema)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        self.tmp = Path(tmp)
        self.file = os.fdopen(fd, "wb")
        self.rows = 0
        if fmt == "parquet":
            self.writer: Any = pq.ParquetWriter(self.file, self.out_schema, compression="zstd")
        else:
            self.file.write("\ufeff".encode())  # utf-8-sig: see the module docstring
            self.writer = pacsv.CSVWriter(self.file, self.out_schema)

    def columns(self) -> dict[str, list[Any]]:
        """Empty column lists for a batch of this table."""
        return {n: [] for n in self.schema.names}

    def write(self, cols: dict[str, list[Any]]) -> None:
        n = len(cols[self.schema.names[0]])
        if not n:
            return
        if self.fmt == "csv":
            for f in self.schema:
                if pa.types.is_list(f.type):
                    cols = {**cols, f.name: [None if v is None else _json(v) for v in cols[f.name]]}
        self.writer.write_table(pa.Table.from_pydict(cols, schema=self.out_schema))
        self.rows += n

    def write_table(self, tbl: pa.Table) -> None:
        """Write an Arrow table of this table's schema (list columns become JSON text in CSV)."""
        if not tbl.num_rows:
            return
        if self.fmt == "csv":
            for i, f in enumerate(tbl.schema):
                if pa.types.is_list(f.type):
                    text = [None if v is None else _json(v) for v in tbl.column(i).to_pylist()]
                    tbl = tbl.set_column(i, pa.field(f.name, pa.string(), f.nullable), pa.array(text, pa.string()))
        self.writer.write_table(tbl)
        self.rows += tbl.num_rows

    def commit(self) -> None:
        self.writer.close()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        for close in (self.writer.close, self.file.close):
            try:
                close()
            except Exception:  # already failing: the first error is the one to report
                pass
        self.tmp.unlink(missing_ok=True)


def write_dataset(reports: Iterable[dict], outdir: Path, *, fmt: Format = "parquet",
                  extra: dict[str, dict] | None = None) -> dict[str, Path]:
    """Write ``reports``, ``cells`` and ``findings`` tables of the reports into ``outdir``.

    ``reports`` are ``Report.to_dict()`` dicts (``Report`` objects are accepted too) and
    are consumed in one pass, in batches, so memory stays bounded. ``extra`` maps a
    doc_id to more columns of its ``reports`` row (``sha256``, ``duplicate_of``, …).
    Returns ``{"reports": path, "cells": path, "findings": path}``; the files are
    ``<table>.parquet`` or ``<table>.csv``. Each file is replaced atomically (temporary
    file in ``outdir``, then ``os.replace``), the three one after another once every
    report has been written; an error in the reports (a cell that is not a number, a
    bad key, no doc_id) raises and replaces nothing, leaving no temporary file.

    Example:
        >>> import tempfile, pyarrow.parquet as pq
        >>> out = Path(tempfile.mkdtemp())
        >>> r = {"doc_id": "a", "source": "a.txt", "status": "ok", "error": None, "layout": "2021",
        ...      "meta": {"agency": "长治市人民政府", "year": 2023}, "cells": {"t4.review.upheld": 2},
        ...      "findings": [], "provenance": {"t4.review.upheld": {"confidence": 1.0, "how": "printed"}}}
        >>> paths = write_dataset([r], out)
        >>> pq.read_table(paths["cells"]).select(["table_id", "row", "col", "value", "how"]).to_pylist()
        [{'table_id': 't4', 'row': 'review', 'col': 'upheld', 'value': 2.0, 'how': 'printed'}]
        >>> write_dataset([r], out, fmt="csv")["reports"].name
        'reports.csv'
    """
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"fmt must be 'parquet' or 'csv', not {fmt!r}")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    extra = extra or {}
    rschema, as_json = reports_schema(extra)
    schemas = {"reports": rschema, "cells": CELLS_SCHEMA, "findings": FINDINGS_SCHEMA}
    paths = {t: outdir / f"{t}.{fmt}" for t in TABLES}
    sinks: dict[str, _Sink] = {}
    seen: set[str] = set()
    dupes = 0
    try:
        for t in TABLES:
            sinks[t] = _Sink(paths[t], schemas[t], fmt)
        batch = {t: sinks[t].columns() for t in TABLES}
        n = 0
        for r in map(_as_dict, reports):
            doc_id = r.get("doc_id")
            if not isinstance(doc_id, str) or not doc_id:
                raise ValueError(f"report without a doc_id: source {r.get('source')!r}")
            if doc_id in seen:
                dupes += 1
                log.warning("doc_id %s appears more than once (inputs sharing a stem?): rows share the id", doc_id)
            seen.add(doc_id)
            _append(batch["reports"], [_report_row(r, extra.get(doc_id, {}), as_json)])
            _add_cells(batch["cells"], r)
            _append(batch["findings"], _finding_rows(r))
            n += 1
            if n % BATCH_REPORTS == 0:
                for t in TABLES:
                    sinks[t].write(batch[t])
                    batch[t] = sinks[t].columns()
        for t in TABLES:
            sinks[t].write(batch[t])
        for t in TABLES:
            sinks[t].commit()
    except BaseException:
        for s in sinks.values():
            s.abort()
        raise
    unused = set(extra) - seen
    if unused:
        log.debug("extra given for %d doc_id(s) not among the reports", len(unused))
    log.info("wrote %d reports, %d cells, %d findings as %s to %s%s", sinks["reports"].rows, sinks["cells"].rows,
             sinks["findings"].rows, fmt, outdir, f" ({dupes} repeated doc_id)" if dupes else "")
    return paths


# ------------------------------------------------------------------ reading
def load_reports(outdir: Path) -> Iterator[dict]:
    """The report dicts among the ``*.json`` files of an output folder, in file name order.

    Other JSON (a manifest, a results file), hidden files and unreadable JSON are skipped
    (the last with a warning). A report dict has ``doc_id``, ``status`` and ``cells``.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "a.json").write_text('{"doc_id": "a", "status": "failed", "cells": {}}')
        >>> _ = (d / "manifest.json").write_text('{"files": ["a.json"]}')
        >>> [r["doc_id"] for r in load_reports(d)]
        ['a']
    """
    for p in sorted(Path(outdir).glob("*.json")):
        if p.name.startswith(".") or not p.is_file():
            continue
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as e:
            log.warning("skipping %s: %s", p, e)
            continue
        if _is_report(d):
            yield d
        else:
            log.debug("skipping %s: not a report", p)


# ------------------------------------------------------------------ cross-report checks
def _usable(r: dict) -> tuple[str, int] | None:
    if r.get("status") == "failed":
        return None
    meta = r.get("meta") or {}
    agency, year = normalize_agency(meta.get("agency")), meta.get("year")
    if agency is None or not isinstance(year, int) or isinstance(year, bool):
        return None
    return agency, year


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def cross_report_findings(reports: list[dict]) -> list[dict]:
    """Checks across reports that no single report can make.

    * ``cross.carry_over`` (warning): for one agency, 四、结转下年度继续办理 of year N
      (``t3.carried_forward.total``) should equal 二、上年结转 of year N+1
      (``t3.carried_over.total``).
    * ``cross.duplicate_conflict`` (warning): two reports of one agency and year whose
      numbers differ in a cell both print; ``cross.duplicate`` (info) when they agree.

    Failed reports, reports without agency or year, and null cells are skipped. Agencies
    are compared with whitespace removed. Each finding has rule, severity, agency, years,
    doc_ids, cells, expected, found, message; results are ordered by agency and year.

    Example:
        >>> def rep(i, year, fwd, over):
        ...     return {"doc_id": i, "status": "ok", "meta": {"agency": "长治市 民政局", "year": year},
        ...             "cells": {"t3.carried_forward.total": fwd, "t3.carried_over.total": over}}
        >>> [(f["rule"], f["expected"], f["found"]) for f in cross_report_findings([rep("a", 2023, 5, 0),
        ...                                                                          rep("b", 2024, 0, 3)])]
        [('cross.carry_over', 5, 3)]
        >>> cross_report_findings([rep("a", 2023, 5, 0), rep("b", 2024, 0, 5)])
        []
    """
    groups: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in map(_as_dict, reports):
        k = _usable(r)
        if k is not None:
            groups[k].append(r)
    out: list[dict] = []
    for (agency, year) in sorted(groups):
        group = groups[(agency, year)]
        for a, b in combinations(group, 2):
            ca, cb = a.get("cells") or {}, b.get("cells") or {}
            common = [k for k in ca if k in cb and ca[k] is not None and cb[k] is not None]
            diff = [k for k in common if ca[k] != cb[k]]
            ids = [a["doc_id"], b["doc_id"]]
            if diff:
                shown = ", ".join(f"{k} {_num(ca[k])}≠{_num(cb[k])}" for k in diff[:5])
                out.append({"rule": "cross.duplicate_conflict", "severity": "warning", "agency": agency,
                            "years": [year], "doc_ids": ids, "cells": diff,
                            "expected": {k: ca[k] for k in diff}, "found": {k: cb[k] for k in diff},
                            "message": f"{agency} {year}: two reports ({ids[0]}, {ids[1]}) differ in {len(diff)} of "
                                       f"{len(common)} cells: {shown}{' …' if len(diff) > 5 else ''}"})
            else:
                out.append({"rule": "cross.duplicate", "severity": "info", "agency": agency, "years": [year],
                            "doc_ids": ids, "cells": [], "expected": None, "found": None,
                            "message": f"{agency} {year}: two reports ({ids[0]}, {ids[1]}) agree on all "
                                       f"{len(common)} cells both print"})
        for a in group:
            fwd = (a.get("cells") or {}).get(CARRIED_FORWARD)
            if fwd is None:
                continue
            for b in groups.get((agency, year + 1), []):
                over = (b.get("cells") or {}).get(CARRIED_OVER)
                if over is None or over == fwd:
                    continue
                out.append({"rule": "cross.carry_over", "severity": "warning", "agency": agency,
                            "years": [year, year + 1], "doc_ids": [a["doc_id"], b["doc_id"]],
                            "cells": [CARRIED_FORWARD, CARRIED_OVER], "expected": fwd, "found": over,
                            "message": f"{agency}: 结转下年度继续办理 of {year} ({a['doc_id']}) = {_num(fwd)} but "
                                       f"上年结转 of {year + 1} ({b['doc_id']}) = {_num(over)}"})
    return out


# ------------------------------------------------------------------ summary
def _counts(values: Iterable[Any]) -> dict[str, int]:
    c = Counter("unknown" if v is None else str(v) for v in values)
    return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def summary_dict(outdir: Path, *, top: int = 10) -> dict[str, Any]:
    """The numbers of ``summarize``, from the report JSON files of ``outdir``.

    Keys: ``reports`` (count), ``status`` / ``layout`` / ``year`` / ``kind`` (value →
    count, most frequent first, a missing value counted as ``"unknown"``),
    ``findings`` (count per severity), ``rules`` (list of {rule, severity, count,
    reports}, errors first, then most frequent), ``top_errors`` (the ``top`` reports
    with the most error findings: {doc_id, source, errors}), ``cross`` (the
    ``cross_report_findings``).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "a.json").write_text('{"doc_id": "a", "status": "failed", "cells": {}}')
        >>> summary_dict(d)["status"]
        {'failed': 1}
    """
    reports = list(load_reports(outdir))
    rules: dict[tuple[str, str], list[int]] = {}
    sev: Counter[str] = Counter()
    errs: list[tuple[int, str, str]] = []
    for r in reports:
        fs = r.get("findings") or []
        for f in fs:
            sev[f["severity"]] += 1
        per = Counter((f["severity"], f["rule"]) for f in fs)
        for k, n in per.items():
            c = rules.setdefault(k, [0, 0])
            c[0] += n
            c[1] += 1
        n_err = sum(n for (sv, _), n in per.items() if sv == "error")
        if n_err:
            errs.append((n_err, r["doc_id"], r.get("source") or ""))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    ranked = sorted(rules.items(), key=lambda kv: (order.get(kv[0][0], 9), -kv[1][0], kv[0][1]))
    rule_list = [{"rule": rule, "severity": sv, "count": c[0], "reports": c[1]} for (sv, rule), c in ranked]
    errs.sort(key=lambda e: (-e[0], e[1]))
    return {
        "reports": len(reports),
        "status": _counts(r.get("status") for r in reports),
        "layout": _counts(r.get("layout") for r in reports),
        "year": _counts((r.get("meta") or {}).get("year") for r in reports),
        "kind": _counts(r.get("kind") for r in reports),
        "findings": {s: sev[s] for s in SEVERITIES},
        "rules": rule_list,
        "top_errors": [{"doc_id": d, "source": s, "errors": n} for n, d, s in errs[:top]],
        "cross": cross_report_findings(reports),
    }


def summarize(outdir: Path, *, top: int = 10, max_cross: int = 50) -> str:
    """A readable summary of the reports in ``outdir`` (see ``summary_dict``), for printing.

    At most ``max_cross`` cross-report findings are listed (all are counted).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "a.json").write_text('{"doc_id": "a", "status": "failed", "cells": {}}')
        >>> print(summarize(d).splitlines()[1])
        status: failed 1
    """
    s = summary_dict(outdir, top=top)

    def line(name: str, counts: dict[str, int]) -> str:
        return f"{name}: " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "-")

    out = [f"{s['reports']} report(s) in {outdir}",
           line("status", s["status"]), line("layout", s["layout"]), line("year", s["year"]), line("kind", s["kind"]),
           line("findings", s["findings"])]
    if s["rules"]:
        out.append("findings by rule:")
        w = max(len(r["rule"]) for r in s["rules"])
        out += [f"  {r['severity']:<7} {r['rule']:<{w}} {r['count']:>6} in {r['reports']} report(s)"
                for r in s["rules"]]
    if s["top_errors"]:
        out.append(f"most error findings (top {top}):")
        out += [f"  {e['errors']:>4}  {e['doc_id']}  {e['source']}" for e in s["top_errors"]]
    cross = s["cross"]
    out.append(line("cross-report findings", _counts(f["rule"] for f in cross)) if cross
               else "cross-report findings: none")
    out += [f"  {f['severity']:<7} {f['rule']}: {f['message']}" for f in cross[:max_cross]]
    if len(cross) > max_cross:
        out.append(f"  … and {len(cross) - max_cross} more")
    return "\n".join(out)


# ------------------------------------------------------------------ incremental writing (batch runs)
def report_rows(r: dict) -> dict[str, Any]:
    """The rows one report adds to the three tables (its ``reports`` row without extra columns).

    Computed where the report is made (a worker process), so the process that writes the
    tables only appends.

    Example:
        >>> rows = report_rows({"doc_id": "a", "status": "ok", "cells": {"t4.review.total": 1}, "findings": []})
        >>> rows["cells"]["col"], rows["reports"][0]["status"]
        (['total'], 'ok')
    """
    cols: dict[str, list[Any]] = {n: [] for n in CELLS_SCHEMA.names}
    _add_cells(cols, r)
    return {"reports": [_report_row(r, {}, {})], "cells": cols, "findings": list(_finding_rows(r))}


class DatasetWriter:
    """The three tables of a batch run, in doc_id order whatever order the reports arrive in.

    Reports are held ``BATCH_REPORTS`` at a time and spilled as sorted runs to temporary
    files in ``outdir`` (see ``extract.runs``); ``close`` merges them into the final files,
    ``BATCH_REPORTS`` reports per Parquet row group, and moves each into place atomically.
    So memory stays bounded, and two runs over the same inputs write the same bytes
    (``reports`` differs only in its ``time_*`` columns). ``extra`` (doc_id → extra
    ``reports`` columns such as sha256) must be known up front: it fixes the schema.
    """

    def __init__(self, outdir: Path, fmt: Format = "parquet", extra: dict[str, dict] | None = None) -> None:
        if fmt not in ("parquet", "csv"):
            raise ValueError(f"fmt must be 'parquet' or 'csv', not {fmt!r}")
        from .runs import KeyedRuns

        self.outdir, self.fmt, self.extra = Path(outdir), fmt, extra or {}
        rschema, self.as_json = reports_schema(self.extra)
        self.schemas = {"reports": rschema, "cells": CELLS_SCHEMA, "findings": FINDINGS_SCHEMA}
        self.outdir.mkdir(parents=True, exist_ok=True)
        self.paths = {t: self.outdir / f"{t}.{fmt}" for t in TABLES}
        self.runs = KeyedRuns(self.schemas, self.outdir, BATCH_REPORTS)
        self.n = 0

    def add(self, rows: dict[str, Any]) -> None:
        """Add one report's :func:`report_rows`."""
        reports = []
        for row in rows["reports"]:
            ex = self.extra.get(row["doc_id"], {})
            row = {**row, "sha256": ex.get("sha256")}
            for k, js in self.as_json.items():
                v = ex.get(k)
                row[k] = _json(v) if js and v is not None else v
            reports.append(row)
        cols = {t: {n: [] for n in self.schemas[t].names} for t in ("reports", "findings")}
        _append(cols["reports"], reports)
        _append(cols["findings"], rows["findings"])
        self.runs.add(reports[0]["doc_id"], {**cols, "cells": rows["cells"]})
        self.n += 1

    def close(self) -> dict[str, Path]:
        """Write the three files in doc_id order and move them into place; returns their paths."""
        sinks: dict[str, _Sink] = {}
        try:
            for t in TABLES:
                sinks[t] = _Sink(self.paths[t], self.schemas[t], self.fmt)
            for chunk in self.runs.merged():
                for t in TABLES:
                    sinks[t].write_table(chunk[t])
            for t in TABLES:
                sinks[t].commit()
        except BaseException:
            for sink in sinks.values():
                sink.abort()
            raise
        finally:
            self.runs.cleanup()
        return self.paths

    def abort(self) -> None:
        """Drop everything added: no table is replaced, no temporary file is left."""
        self.runs.cleanup()
