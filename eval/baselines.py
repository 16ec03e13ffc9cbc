"""The generic-extractor baseline: what a user would try before nianbao, mapped to cell keys.

Tables come from the tool a user would reach for first, with no nianbao logic at all:

* PDF (text layer): pdfplumber ``page.extract_tables()`` on every page.
* HTML: lxml on the file decoded as UTF-8 (else lxml's guess from ``<meta charset>``), every
  ``<table>`` as rows of ``<td>/<th>`` texts (spans not expanded).
* text: one row per line, split on tabs if the line has any, else on ``|`` (Markdown), else
  on runs of whitespace (``str.split()``).
* scan: rapidocr (the same PP-OCRv6 engine nianbao uses) text lines, rotated back by the
  median angle of the line boxes, grouped into rows by vertical overlap; each line is a cell.

The rows are mapped to canonical keys (``shared/gold/FORMAT.md``) by **exact label
matching** only: a row whose cell equals an official row label of table 二 or 三 (as
``extract.schema`` spells it; after NFKC and removing whitespace, so full-width brackets
match) gives its next cells, in order, to that row's columns (pdfplumber's ``None`` slots of
merged cells skipped; an empty cell is ``null``). Table 四 has no row labels: the first row
after a cell ``行政复议`` that holds exactly 15 numeric-or-empty cells gives the 15 values in
the format's order. A cell's text is its value only if ``int()``/``float()`` reads it whole.
The layout is taken from gold (an oracle: the baseline is not asked to tell 2019 from 2021),
which can only flatter it.

Example:
    >>> rows = [["三、本年度办理结果", "(一)予以公开", None, "1", "0", "0", "0", "0", "0", "1"]]
    >>> cells = map_rows(rows, "2021")
    >>> cells["t3.granted.natural_person"], cells["t3.granted.total"]
    (1, 1)
    >>> map_rows([["（一） 予以公开", "2"]], "2021")["t3.granted.natural_person"]
    2
"""
from __future__ import annotations

import logging
import math
import re
import unicodedata
from functools import lru_cache
from typing import Any, Sequence

from extract.schema import LAYOUTS, Row

log = logging.getLogger(__name__)

Rows = list[list[str | None]]
T4_ANCHOR = "行政复议"
T4_WIDTH = 15


def norm_label(text: str | None) -> str:
    """NFKC, whitespace removed: the only normalization the baseline applies to labels.

    >>> norm_label(" （二）部分 公开 ")
    '(二)部分公开'
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def parse_cell(text: str | None) -> Any:
    """A cell's value as a naive reader sees it: empty -> ``None``; ``int``/``float`` of the
    stripped text; anything else stays a string (and so never equals a gold number).

    >>> parse_cell(" 12 "), parse_cell(""), parse_cell("4068.208"), parse_cell("12件")
    (12, None, 4068.208, '12件')
    """
    s = (text or "").strip()
    if not s:
        return None
    for cast in (int, float):
        try:
            v = cast(s)
        except ValueError:
            continue
        return v if not (isinstance(v, float) and not math.isfinite(v)) else s
    return s


@lru_cache(maxsize=4)
def _label_index(layout: str) -> dict[str, tuple[str, Row]]:
    out: dict[str, tuple[str, Row]] = {}
    for tid in ("t2", "t3"):
        for row in LAYOUTS[layout].table(tid).rows:
            if not row.extra:
                out.setdefault(norm_label(row.label), (tid, row))
    return out


def _t4_values(row: Sequence[str | None]) -> list[Any] | None:
    cells = [c for c in row if c is not None]
    if len(cells) != T4_WIDTH:
        return None
    vals = [parse_cell(c) for c in cells]
    return vals if all(v is None or isinstance(v, (int, float)) for v in vals) else None


def map_rows(rows: Rows, layout: str, *, tables: Sequence[Rows] | None = None) -> dict[str, Any]:
    """Canonical cells from generic table rows by exact label matching (see the module doc).

    ``rows`` is every row of every table in document order; ``tables`` (optional) the same
    rows grouped per table, used only to look for table 四 inside the table that names
    行政复议 (without it the whole row list is one table). The first row matching a label wins.
    """
    index = _label_index(layout)
    out: dict[str, Any] = {}
    seen: set[str] = set()
    for row in rows:
        for i, cell in enumerate(row):
            hit = index.get(norm_label(cell)) if cell is not None else None
            if hit is None:
                continue
            tid, spec = hit
            if spec.key not in seen:
                seen.add(spec.key)
                values = [c for c in row[i + 1:] if c is not None]
                for col, text in zip(spec.columns, values):
                    out[f"{tid}.{spec.key}.{col.key}"] = parse_cell(text)
            break
    keys = [k for r in LAYOUTS[layout].table("t4").rows for k in r.keys("t4")]
    for table in tables if tables is not None else [rows]:
        after = False
        for row in table:
            after = after or any(norm_label(c) == T4_ANCHOR for c in row if c is not None)
            vals = _t4_values(row) if after else None
            if vals is not None:
                out.update(zip(keys, vals))
                return out
    return out


# ---------------------------------------------------------------- generic table readers
def pdf_tables(data: bytes) -> list[Rows]:
    """pdfplumber ``extract_tables()`` of every page, default settings."""
    import io

    import pdfplumber

    out: list[Rows] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            out.extend(page.extract_tables())
    return out


def html_tables(data: bytes) -> list[Rows]:
    """Every ``<table>`` as rows of cell texts (lxml; ``colspan``/``rowspan`` not expanded).

    >>> html_tables(b"<table><tr><th>a</th><td> 1 </td></tr><tr><td>b</td><td></td></tr></table>")
    [[['a', '1'], ['b', '']]]
    """
    import lxml.html

    if not data.strip():
        return []
    try:  # UTF-8 as a user would read the file; else lxml's own guess from <meta charset>
        root = lxml.html.fromstring(data.decode("utf-8"))
    except UnicodeDecodeError:
        root = lxml.html.fromstring(data)
    out: list[Rows] = []
    for table in root.iter("table"):
        rows: Rows = []
        for tr in table.iter("tr"):
            if tr.getparent() is not None and _nearest_table(tr) is not table:
                continue  # a row of a nested table belongs to that table
            rows.append([td.text_content().strip() for td in tr if td.tag in ("td", "th")])
        out.append(rows)
    return out


def _nearest_table(el: Any) -> Any:
    p = el.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def text_rows(text: str) -> Rows:
    """One row per line: split on tabs, else on ``|`` (outer empty cells dropped), else on whitespace.

    >>> text_rows("规章\\t1\\t0\\n| 行政许可 | 5 |\\n(七)总计  3 4")
    [['规章', '1', '0'], ['行政许可', '5'], ['(七)总计', '3', '4']]
    """
    rows: Rows = []
    for line in text.splitlines():
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
        elif "|" in line:
            cells = [c.strip() for c in line.strip().split("|")]
            if cells and cells[0] == "":
                cells = cells[1:]
            if cells and cells[-1] == "":
                cells = cells[:-1]
        else:
            cells = line.split()
        if cells:
            rows.append(list(cells))
    return rows


def ocr_rows(lines: Sequence[tuple[str, tuple[float, float, float, float], float]]) -> Rows:
    """OCR text lines ``(text, (x0, y0, x1, y1), angle_degrees)`` grouped into table rows.

    The boxes are turned back by the median line angle (about the origin), then a line joins
    the current row when its vertical span overlaps the row's by half its own height; rows
    are read left to right, each line a cell.

    >>> ocr_rows([("规章", (10, 100, 60, 130), 0.0), ("3", (200, 104, 215, 132), 0.0),
    ...           ("行政许可", (10, 160, 90, 190), 0.0)])
    [['规章', '3'], ['行政许可']]

    Rows 30 px apart, tilted 1.5° (26 px of rise over 1000 px), still come apart:

    >>> tilt = math.tan(math.radians(1.5))
    >>> ocr_rows([(t, (x, y - x * tilt, x + 40, y - x * tilt + 24), 1.5)
    ...           for y in (100, 130) for x, t in ((0, f"r{y}"), (1000, f"v{y}"))])
    [['r100', 'v100'], ['r130', 'v130']]
    """
    if not lines:
        return []
    angles = sorted(a for _, _, a in lines)
    theta = math.radians(angles[len(angles) // 2])
    cos, sin = math.cos(theta), math.sin(theta)
    placed = []
    for text, (x0, y0, x1, y1), _ in lines:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        ux, uy = cx * cos - cy * sin, cx * sin + cy * cos  # a line rising at theta becomes level
        h = max(y1 - y0, 1.0)
        placed.append((uy - h / 2, uy + h / 2, ux, text))
    placed.sort()
    rows: list[list[tuple[float, str]]] = []
    top = bottom = -math.inf
    for y0, y1, x, text in placed:
        overlap = min(bottom, y1) - max(top, y0)
        if rows and overlap >= 0.5 * (y1 - y0):
            rows[-1].append((x, text))
            top, bottom = min(top, y0), max(bottom, y1)
        else:
            rows.append([(x, text)])
            top, bottom = y0, y1
    return [[t for _, t in sorted(r)] for r in rows]


def line_angle_of_words(words: Sequence[Any]) -> float:
    """A text line's angle in degrees from its first and last character boxes (``.box`` =
    x0, y0, x1, y1 in image pixels, y down), positive when the line rises to the right.

    >>> from types import SimpleNamespace as W
    >>> round(line_angle_of_words([W(box=(0, 10, 10, 20)), W(box=(100, 0, 110, 10))]), 2)
    5.71
    >>> line_angle_of_words([W(box=(0, 0, 5, 5))])
    0.0
    """
    if len(words) < 2:
        return 0.0
    (a0, b0, a1, b1), (c0, d0, c1, d1) = words[0].box, words[-1].box
    dx = (c0 + c1 - a0 - a1) / 2
    return math.degrees(math.atan2((b0 + b1 - d0 - d1) / 2, dx)) if dx > 0 else 0.0


def baseline_cells(kind: str, data: bytes, layout: str, *, ocr_pages: Sequence | None = None) -> dict[str, Any]:
    """The generic baseline's canonical cells for one input of ``kind`` (``text``, ``html``,
    ``pdf``, ``scan``, ``docx``); ``scan`` needs ``ocr_pages``: per page, the OCR lines as
    :func:`ocr_rows` takes them (``data`` is then unused).

    Raises ``ValueError`` for a kind with no generic baseline.
    """
    if kind == "pdf":
        tables = pdf_tables(data)
    elif kind == "html":
        tables = html_tables(data)
    elif kind == "text":
        tables = [text_rows(data.decode("utf-8", errors="replace"))]
    elif kind == "docx":
        tables = docx_tables(data)
    elif kind == "scan":
        if ocr_pages is None:
            raise ValueError("the scan baseline needs the OCR lines of the pages")
        tables = [[row for page in ocr_pages for row in ocr_rows(page)]]
    else:
        raise ValueError(f"no generic baseline for kind {kind!r}")
    rows = [r for t in tables for r in t]
    return map_rows(rows, layout, tables=tables)


def docx_tables(data: bytes) -> list[Rows]:
    """python-docx ``Document.tables``, every row's ``cell.text`` (a merged cell repeats, as
    python-docx returns it once per grid slot; repeats of the same cell are dropped)."""
    import io

    import docx

    out: list[Rows] = []
    for table in docx.Document(io.BytesIO(data)).tables:
        rows: Rows = []
        for tr in table.rows:
            cells, last = [], None
            for c in tr.cells:
                if last is not None and c._tc is last:
                    continue
                last = c._tc
                cells.append(c.text.strip())
            rows.append(cells)
        out.append(rows)
    return out
