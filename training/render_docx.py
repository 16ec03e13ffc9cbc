"""Synthetic reports as Word documents, with the tables merged like the official format.

The three tables are real Word tables; their merged cells follow the State Council
template (表三: 申请人情况 over the seven columns, 法人或其他组织 over five, the row
groups 三、本年度办理结果 / (三)不予公开 / (四)无法提供 / (五)不予处理 / (六)其他处理
merged down their rows; 表四: 行政复议 over five columns, 行政诉讼 over ten).
``table_layout`` gives every table as placed cells (each merged cell once, at its
top-left), which is what a reader must recover; read row by row, a table prints the
same texts as ``training.synth.table_rows``.

The seed varies what does not change the content: headings as Word heading styles, as
bold paragraphs, or automatically numbered (``一、`` made by Word's list numbering),
text split into several runs, blank paragraphs, page header and footer, and the whole
report inside a one-cell layout table.

Example:
    >>> import random
    >>> from training.synth import random_report
    >>> rep = random_report(random.Random(0), layout="2021")
    >>> data = render_docx(rep, seed=1)
    >>> data[:2]
    b'PK'
    >>> [c for c in table_layout(rep)["t4"] if c.text == "行政诉讼"]
    [PlacedCell(text='行政诉讼', row=0, col=5, row_span=1, col_span=10)]
"""
from __future__ import annotations

import io
import random
from dataclasses import dataclass

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.table import _Cell

from extract.schema import LAYOUTS, SECTIONS
from training.synth import SynthReport, _narrative, table_rows

_FLOW = ("new_received", "carried_over", "carried_forward")
_GROUPS = ("denied", "unable", "rejected", "other")  # keys "denied.state_secret" … sit in a merged group
_NUM_ID = 90  # the list used for automatically numbered headings


@dataclass(frozen=True)
class PlacedCell:
    """A cell of a rendered table: its text and the grid rectangle it covers."""

    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1


def _t2(rows: list[list[str]]) -> list[PlacedCell]:
    n = max(len(r) for r in rows)
    # a row with fewer cells than the table has columns stretches its last cell (第二十条第(一)项 over all)
    return [PlacedCell(text, i, j, 1, n - j if j == len(r) - 1 else 1) for i, r in enumerate(rows)
            for j, text in enumerate(r)]


def _t3(rep: SynthReport, rows: list[list[str]]) -> list[PlacedCell]:
    note, applicants = rows[0]
    person, org, total = rows[1]
    out = [PlacedCell(note, 0, 0, 3, 3), PlacedCell(applicants, 0, 3, 1, 7),
           PlacedCell(person, 1, 3, 2, 1), PlacedCell(org, 1, 4, 1, 5), PlacedCell(total, 1, 9, 2, 1)]
    out += [PlacedCell(t, 2, 4 + j) for j, t in enumerate(rows[2])]
    keys = [r.key for r in LAYOUTS[rep.layout].table("t3").rows if not r.extra]
    data = rows[3:]
    assert len(data) == len(keys), (len(data), len(keys))
    results = keys[keys.index("granted"):keys.index("total") + 1]

    def group(key: str) -> str | None:
        head = key.split(".")[0]
        return head if "." in key and head in _GROUPS else None

    for i, (key, texts) in enumerate(zip(keys, data)):
        r, texts = 3 + i, list(texts)
        if key in _FLOW:
            out.append(PlacedCell(texts.pop(0), r, 0, 1, 3))
        else:
            if key == "granted":
                out.append(PlacedCell(texts.pop(0), r, 0, len(results), 1))
            g = group(key)
            if g is None:
                out.append(PlacedCell(texts.pop(0), r, 1, 1, 2))
            else:
                if i == 0 or group(keys[i - 1]) != g:
                    out.append(PlacedCell(texts.pop(0), r, 1, sum(1 for k in keys if group(k) == g), 1))
                out.append(PlacedCell(texts.pop(0), r, 2))
        assert len(texts) == 7, (key, texts)
        out += [PlacedCell(t, r, 3 + j) for j, t in enumerate(texts)]
    return out


def _t4(rows: list[list[str]]) -> list[PlacedCell]:
    review, suit = rows[0]
    out = [PlacedCell(review, 0, 0, 1, 5), PlacedCell(suit, 0, 5, 1, 10)]
    out += [PlacedCell(t, 1, j, 2, 1) for j, t in enumerate(rows[1][:5])]
    out += [PlacedCell(t, 1, 5 + 5 * j, 1, 5) for j, t in enumerate(rows[1][5:])]
    out += [PlacedCell(t, 2, 5 + j) for j, t in enumerate(rows[2])]
    out += [PlacedCell(t, 3, j) for j, t in enumerate(rows[3])]
    return out


def table_layout(rep: SynthReport) -> dict[str, list[PlacedCell]]:
    """Tables 二, 三 and 四 as placed cells (row-major, each merged cell once at its top-left)."""
    rows = table_rows(rep)
    return {"t2": _t2(rows["t2"]), "t3": _t3(rep, rows["t3"]), "t4": _t4(rows["t4"])}


# ------------------------------------------------------------------ writing the .docx
def _runs(p, text: str, rng: random.Random, *, bold: bool = False, split: bool = False) -> None:
    """Add ``text`` to paragraph ``p``, cut into a few runs when ``split``."""
    cuts = sorted(rng.sample(range(1, len(text)), min(3, len(text) - 1))) if split and len(text) > 1 else []
    for a, b in zip([0, *cuts], [*cuts, len(text)]):
        run = p.add_run(text[a:b])
        run.bold = bold or None


def _add_heading_numbering(d) -> None:
    numbering = d.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{_NUM_ID}"><w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
        '<w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>')
    nums = numbering.findall(f"{{{numbering.nsmap['w']}}}num")
    if nums:
        nums[0].addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{_NUM_ID}"><w:abstractNumId w:val="{_NUM_ID}"/>'
                               '</w:num>'))


def _tc_at(tbl, row: int, col: int):
    """The ``w:tc`` of row ``row`` that starts at grid column ``col`` (no ``table.cell``: it is slow)."""
    at = 0
    for tc in tbl.tr_lst[row].tc_lst:
        if at == col:
            return tc
        at += tc.grid_span
    raise IndexError((row, col))


def _table(container, cells: list[PlacedCell], rng: random.Random, split: bool) -> None:
    n_rows = max(c.row + c.row_span for c in cells)
    n_cols = max(c.col + c.col_span for c in cells)
    t = container.add_table(rows=n_rows, cols=n_cols)
    t.style = "Table Grid"
    tbl = t._tbl
    for c in cells:  # merge with python-docx's cell.merge, one disjoint rectangle at a time
        if c.row_span > 1 or c.col_span > 1:
            _Cell(_tc_at(tbl, c.row, c.col), t).merge(
                _Cell(_tc_at(tbl, c.row + c.row_span - 1, c.col + c.col_span - 1), t))
    for c in cells:
        p = _Cell(_tc_at(tbl, c.row, c.col), t).paragraphs[0]
        if c.text:
            _runs(p, c.text, rng, split=split and rng.random() < 0.3)
        if c.text[:1].isdigit():
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def render_docx(rep: SynthReport, seed: int = 0, *, headings: str | None = None, layout_table: bool | None = None,
                furniture: bool | None = None) -> bytes:
    """The report as a .docx file (bytes). ``headings`` is ``style`` | ``bold`` | ``numbered``;
    ``None`` for these options lets the seed choose."""
    rng = random.Random(seed)
    headings = headings or rng.choice(("style", "bold", "numbered"))
    layout_table = rng.random() < 0.25 if layout_table is None else layout_table
    furniture = rng.random() < 0.6 if furniture is None else furniture
    split = rng.random() < 0.5
    d = docx.Document()
    if headings == "numbered":
        _add_heading_numbering(d)
    body = d.add_table(rows=1, cols=1).cell(0, 0) if layout_table else d
    first = [True]

    def para(text: str = "", style: str | None = None):
        if layout_table and first[0]:  # a new cell already holds one empty paragraph
            first[0] = False
            p = body.paragraphs[0]
            if style:
                p.style = d.styles[style]
        else:
            p = body.add_paragraph(style=style)
        if text:
            _runs(p, text, rng, split=split)
        return p

    title = para()
    _runs(title, f"{rep.agency}{rep.year}年政府信息公开工作年度报告", rng, bold=True, split=split)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para(_narrative(rng, 2))
    tables = table_layout(rep)
    for number, _, heading in SECTIONS:
        if rng.random() < 0.3:
            para()  # a blank paragraph
        if headings == "style":
            para(heading, "Heading 1")
        elif headings == "bold":
            _runs(para(), heading, rng, bold=True, split=split)
        else:
            p = para()
            num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = _NUM_ID
            _runs(p, heading[2:], rng, bold=True, split=split)
        tid = {"二": "t2", "三": "t3", "四": "t4"}.get(number)
        if tid:
            _table(body, tables[tid], rng, split)
            if layout_table:
                para()  # Word keeps a paragraph after a table in a cell
        else:
            para(_narrative(rng))
    if furniture:
        section = d.sections[0]
        section.header.paragraphs[0].text = f"{rep.agency}政务公开"
        section.footer.paragraphs[0].text = rng.choice(("- 1 -", "第 1 页", "1"))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
