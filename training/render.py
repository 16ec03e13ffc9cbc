"""Fixture renderer: annual reports as text-layer PDFs and as scans, each with its gold label.

A report is first described as a :class:`ReportSpec` (title, meta, blocks: headings,
paragraphs and tables of :class:`TCell` with real row/column spans, signature), built
from a gold JSON (``shared/gold/FORMAT.md``) with :func:`spec_from_gold` or from a
synthetic report with :func:`spec_from_synth`. :func:`render_pdf` typesets it with
reportlab the way Word ("word") or a browser's print dialog ("browser") exports it: A4,
CJK font, bordered tables with merged cells, long tables split across pages with their
header rows repeated, page numbers. :func:`render_scan` turns a PDF into degraded page
images (skew, blur, noise, JPEG, a red seal over the signature); :func:`scan_to_pdf` and
:func:`scan_to_tiff` package them. :func:`build_fixture_set` writes a folder the eval
harness can score (``nianbao eval OUT/pdf``).

Nothing here is stored in git: fixtures are generated at test time, deterministically
from a seed.

Example:
    >>> gold = {"doc_id": "x", "layout": "2021", "meta": {"agency": "某县民政局", "year": 2024},
    ...         "sections": ["一、总体情况"], "cells": {"t4.review.upheld": 1}}
    >>> spec = spec_from_gold(gold)
    >>> spec.title, spec.headings()
    ('某县民政局2024年政府信息公开工作年度报告', ['一、总体情况'])
    >>> [b.id for b in spec.tables()]
    ['t4']
    >>> pdf = render_pdf(spec)                                   # doctest: +SKIP
    >>> pages = render_scan(pdf, dpi=200, seed=1)                # doctest: +SKIP
    >>> pages[0].size                                            # doctest: +SKIP
    (1654, 2339)

CLI:
    python -m training.render GOLD_DIR OUT_DIR --kinds pdf,scan --synth 5 --seed 0
"""
from __future__ import annotations

import argparse
import dataclasses
import io
import json
import math
import random
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence, Union

from extract.schema import LAYOUTS, SECTIONS, T3_COLUMNS, T4_OUTCOMES

FONT_FILES: dict[str, tuple[str, int]] = {
    "wqy-zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
}
STYLES = ("word", "browser")
NUMERALS = "一二三四五六"
KINDS = ("pdf", "scan", "tiff", "scan_low", "pdf_unruled", "scan_unruled", "text_pdf", "text_scan", "source_scan",
         "source_scan_low")


def font_available(font: str = "wqy-zenhei") -> bool:
    """Whether the font file ``render_pdf(font=...)`` needs is installed.

    >>> font_available("no-such-font")
    False
    """
    return font in FONT_FILES and Path(FONT_FILES[font][0]).is_file()


# ====================================================================== the spec
@dataclass(frozen=True)
class TCell:
    """One printed table cell. ``row_span``/``col_span`` > 1 make a merged cell.

    ``kind`` says how it is typeset: ``head`` (column header, centred), ``label`` (row
    label, left), ``group`` (row-group label spanning rows, centred), ``band`` (a
    "第二十条第(一)项" band row) or ``value`` (a number, centred).

    >>> TCell("法人或其他组织", col_span=5, kind="head")
    TCell(text='法人或其他组织', row_span=1, col_span=5, kind='head')
    """
    text: str = ""
    row_span: int = 1
    col_span: int = 1
    kind: str = "value"


@dataclass
class Heading:
    """A top-level section heading as printed (``一、总体情况``)."""
    text: str


@dataclass
class Para:
    """A narrative paragraph."""
    text: str


@dataclass
class TableBlock:
    """A bordered table. ``rows`` are HTML-like: each row lists only the cells that *start*
    in it (left to right); a cell with ``row_span`` covers the slots below it. The first
    ``header_rows`` rows repeat at the top of every page the table continues on.

    >>> t = TableBlock("t4", [[TCell("A", col_span=2), TCell("B", row_span=2)], [TCell("1"), TCell("2")]], 1)
    >>> t.shape(), [(r, c, cell.text) for r, c, cell in t.placed()]
    ((2, 3), [(0, 0, 'A'), (0, 2, 'B'), (1, 0, '1'), (1, 1, '2')])
    >>> [(r, c) for r, c, _ in t.merged()]
    [(0, 0), (0, 2)]
    """
    id: str
    rows: list[list[TCell]]
    header_rows: int = 0
    col_widths: tuple[float, ...] = ()  # relative weights, one per grid column

    def placed(self) -> list[tuple[int, int, TCell]]:
        """(row, column, cell) of every cell on the grid; raises ValueError for a ragged table."""
        taken: set[tuple[int, int]] = set()
        out = []
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                for dr in range(cell.row_span):
                    for dc in range(cell.col_span):
                        if (r + dr, c + dc) in taken:
                            raise ValueError(f"{self.id}: cell {cell.text!r} overlaps at row {r + dr} col {c + dc}")
                        taken.add((r + dr, c + dc))
                out.append((r, c, cell))
                c += cell.col_span
        nrows, ncols = len(self.rows), max((c + 1 for _, c in taken), default=0)
        if len(taken) != nrows * ncols or any(r >= nrows for r, _ in taken):
            raise ValueError(f"{self.id}: not a rectangular grid ({len(taken)} slots for {nrows}x{ncols})")
        return out

    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the grid."""
        placed = self.placed()
        return len(self.rows), max((c + cell.col_span for _, c, cell in placed), default=0)

    def merged(self) -> list[tuple[int, int, TCell]]:
        """The merged cells (a span over more than one slot)."""
        return [(r, c, cell) for r, c, cell in self.placed() if cell.row_span > 1 or cell.col_span > 1]

    def texts(self) -> list[list[str]]:
        """The rows as printed texts (merged cells once, where they start)."""
        return [[c.text for c in row] for row in self.rows]


Block = Union[Heading, Para, TableBlock]


@dataclass
class ReportSpec:
    """A whole report, ready to typeset.

    ``meta`` is the gold ``meta`` (agency, year); ``signature`` the lines printed
    right-aligned at the end (issuing body, date), where a scan puts its seal.
    """
    title: str
    meta: dict
    blocks: list[Block] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    layout: str = "2021"

    def headings(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Heading)]

    def tables(self) -> list[TableBlock]:
        return [b for b in self.blocks if isinstance(b, TableBlock)]

    def table(self, tid: str) -> TableBlock | None:
        return next((t for t in self.tables() if t.id == tid), None)


# ====================================================================== tables from cells
_FULLWIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，"})


def printed_label(label: str) -> str:
    """A schema label as the official template prints it (full-width brackets and commas).

    >>> printed_label("(二)部分公开(区分处理的,只计这一情形,不计其他情形)")
    '（二）部分公开（区分处理的，只计这一情形，不计其他情形）'
    """
    return label.translate(_FULLWIDTH)


def fmt_value(v: Any) -> str:
    """A gold cell value as printed: ``None`` -> empty, floats without exponent.

    >>> fmt_value(None), fmt_value(0), fmt_value(4068.208), fmt_value(75394432.52), fmt_value(1e-05)
    ('', '0', '4068.208', '75394432.52', '0.00001')
    """
    if v is None:
        return ""
    if isinstance(v, float):
        s = repr(v)
        if "e" in s or "E" in s:
            s = f"{v:.10f}".rstrip("0").rstrip(".")
        return s
    return str(v)


T2_GROUPS = {
    "2021": (("一", ("regulations", "normative")), ("五", ("licensing",)), ("六", ("punishment", "coercion")),
             ("八", ("fees",))),
    "2019": (("一", ("regulations", "normative")), ("五", ("licensing", "other_services")),
             ("六", ("punishment", "coercion")), ("八", ("fees",)), ("九", ("procurement",))),
}
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_SUBGROUPS = {"denied": "（三）不予公开", "unable": "（四）无法提供", "rejected": "（五）不予处理", "other": "（六）其他处理"}
T3_RESULT_GROUP = "三、本年度办理结果"


def _present(cells: dict, keys: Sequence[str]) -> bool:
    return any(k in cells for k in keys)


def _val(cells: dict, key: str, col_span: int = 1) -> TCell:
    return TCell(fmt_value(cells.get(key)), col_span=col_span, kind="value")


def table_two(layout: str, cells: dict) -> TableBlock | None:
    """表二 in the official layout: per 第二十条第(X)项 a band row, its header row and its rows.

    >>> t = table_two("2021", {"t2.fees.amount": 4068.208})
    >>> t.texts()
    [['第二十条第（八）项'], ['信息内容', '本年收费金额（单位：万元）'], ['行政事业性收费', '4068.208']]
    >>> t.shape()
    (3, 4)
    """
    spec = LAYOUTS[layout].table("t2")
    rows: list[list[TCell]] = []
    for number, keys in T2_GROUPS[layout]:
        present = [spec.row(k) for k in keys if _present(cells, spec.row(k).keys("t2"))]
        if not present:
            continue
        cols = present[0].columns
        last = 3 - len(cols)  # the last column spans what the group does not use
        rows.append([TCell(f"第二十条第（{number}）项", col_span=4, kind="band")])
        rows.append([TCell("信息内容", kind="head")] + [
            TCell(printed_label(c.label), col_span=1 + (last if i == len(cols) - 1 else 0), kind="head")
            for i, c in enumerate(cols)])
        for row in present:
            rows.append([TCell(printed_label(row.label), kind="label")] + [
                _val(cells, f"t2.{row.key}.{c.key}", 1 + (last if i == len(row.columns) - 1 else 0))
                for i, c in enumerate(row.columns)])
    return TableBlock("t2", rows, 0, (0.34, 0.22, 0.22, 0.22)) if rows else None


def table_three(layout: str, cells: dict) -> TableBlock | None:
    """表三 with its two-level header and row groups spanning rows; rows whose keys are all
    absent from ``cells`` are left out (and the spans shrink).

    >>> t = table_three("2019", {f"t3.{r}.total": 1 for r in ("new_received", "granted", "denied.state_secret", "other")})
    >>> t.shape(), [row[0].text for row in t.rows[3:]]
    ((7, 10), ['一、本年新收政府信息公开申请数量', '三、本年度办理结果', '（三）不予公开', '（六）其他处理'])
    >>> t.rows[4][0].row_span, t.rows[3][0].col_span
    (3, 3)
    """
    spec = LAYOUTS[layout].table("t3")
    present = [r for r in spec.rows if not r.extra and _present(cells, r.keys("t3"))]
    if not present:
        return None
    head = [
        [TCell(T3_NOTE, row_span=3, col_span=3, kind="head"), TCell("申请人情况", col_span=7, kind="head")],
        [TCell("自然人", row_span=2, kind="head"), TCell("法人或其他组织", col_span=5, kind="head"),
         TCell("总计", row_span=2, kind="head")],
        [TCell(c.label, kind="head") for c in T3_COLUMNS[1:-1]],
    ]
    flow = ("new_received", "carried_over", "carried_forward")
    in_results = [r for r in present if r.key not in flow]
    sub_of = {r.key: r.key.split(".")[0] for r in in_results if "." in r.key}
    sub_count: dict[str, int] = {}
    for g in sub_of.values():
        sub_count[g] = sub_count.get(g, 0) + 1
    body: list[list[TCell]] = []
    seen_results, seen_subs = False, set()
    for r in present:
        values = [_val(cells, f"t3.{r.key}.{c.key}") for c in T3_COLUMNS]
        if r.key in flow:
            body.append([TCell(printed_label(r.label), col_span=3, kind="label")] + values)
            continue
        lead: list[TCell] = []
        if not seen_results:
            lead.append(TCell(T3_RESULT_GROUP, row_span=len(in_results), kind="group"))
            seen_results = True
        g = sub_of.get(r.key)
        if g is None:
            lead.append(TCell(printed_label(r.label), col_span=2, kind="label"))
        else:
            if g not in seen_subs:
                lead.append(TCell(T3_SUBGROUPS[g], row_span=sub_count[g], kind="group"))
                seen_subs.add(g)
            lead.append(TCell(printed_label(r.label), kind="label"))
        body.append(lead + values)
    widths = (0.062, 0.098, 0.29) + (0.55 / 7,) * 7
    return TableBlock("t3", head + body, 3, widths)


def table_four(cells: dict) -> TableBlock | None:
    """表四: 行政复议 (5 columns) | 行政诉讼 (未经复议直接起诉 5 | 复议后起诉 5), one row of 15 values.

    >>> t = table_four({"t4.review.total": 3})
    >>> t.shape(), t.texts()[0], t.texts()[3][4]
    ((4, 15), ['行政复议', '行政诉讼'], '3')
    """
    groups = LAYOUTS["2021"].table("t4").rows
    keys = [k for g in groups for k in g.keys("t4")]
    if not _present(cells, keys):
        return None
    outcomes = [o.label for o in T4_OUTCOMES]
    rows = [
        [TCell("行政复议", col_span=5, kind="head"), TCell("行政诉讼", col_span=10, kind="head")],
        [TCell(o, row_span=2, kind="head") for o in outcomes]
        + [TCell("未经复议直接起诉", col_span=5, kind="head"), TCell("复议后起诉", col_span=5, kind="head")],
        [TCell(o, kind="head") for o in outcomes * 2],
        [_val(cells, k) for k in keys],
    ]
    return TableBlock("t4", rows, 3, (1 / 15,) * 15)


def tables_for(layout: str, cells: dict) -> dict[str, TableBlock]:
    """The three tables (those with any key in ``cells``) by id."""
    out = {"t2": table_two(layout, cells), "t3": table_three(layout, cells), "t4": table_four(cells)}
    return {k: v for k, v in out.items() if v is not None}


# ====================================================================== narrative
_FILLER = {
    "intro": ("本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
              "（{fmt}）要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和"
              "行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限自{year}年1月1日起至{year}年"
              "12月31日止。如对本报告有疑问，请与{body}联系。",),
    "一": ("（一）主动公开情况。{year}年，{body}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《条例》各项要求，"
          "围绕中心工作，持续深化政务公开，全年通过政府门户网站主动公开政府信息{n1}条，发布政策解读材料{n2}篇，"
          "及时回应社会关切，不断提升政府信息公开质量和实效。",
          "（二）依申请公开情况。进一步规范依申请公开办理流程，严格按照法定时限和程序答复，做到接收、登记、审核、答复全流程留痕。"
          "全年办理政府信息公开申请均在法定期限内答复，未发生因答复不规范引发的纠纷。",
          "（三）政府信息管理情况。严格落实“先审查、后公开”和“一事一审”制度，规范信息发布审核流程，对已公开信息开展常态化"
          "排查，全年清理更新过期信息{n3}条，确保公开信息准确、规范。",
          "（四）政府信息公开平台建设情况。持续优化政府网站政府信息公开专栏，完善栏目设置，加强政务新媒体管理，全年通过政务新媒体"
          "发布信息{n4}条，拓宽了群众获取信息的渠道。",
          "（五）监督保障情况。将政务公开工作纳入年度绩效考核，组织开展业务培训{n5}次，参训人员{n6}人次，"
          "主动接受社会评议和监督，全年未发生因政府信息公开工作被责任追究的情况。"),
    "五": ("（一）存在的主要问题。一是政策解读形式还比较单一，图解、视频等多样化解读偏少；二是部分栏目信息更新不够及时，"
          "公开内容的针对性和实用性有待进一步增强。",
          "（二）改进情况。下一步，将进一步健全政务公开工作机制，丰富政策解读形式，加强对各类公开栏目的日常检查和动态更新，"
          "加大业务培训力度，不断提升政府信息公开工作的规范化、标准化水平。"),
    "六": ("本年度未收取信息处理费。{body}无其他需要报告的事项。",),
}
_EXTRA = ("（{k}）政务公开专项工作情况。围绕优化营商环境、乡村振兴、民生保障等重点领域，持续加大信息公开力度，"
          "及时公开相关政策文件和工作动态{n1}条，组织开展政府开放日、政策宣讲等活动{n2}场次，"
          "进一步增强了政策的知晓度和群众的获得感、满意度，为推动各项工作落地见效营造了良好氛围。")
_NOISE_MARKS = ("扫一扫", "打印本页", "关闭窗口", "当前位置", "当前页面", "首页", "来源:", "来源：", "发布时间", "原文链接",
                "本地目录", "links.tsv", "浏览次数", "字号", "====", "标题:", "标题：", "发布机构", "文号")
_BAD_CHARS = re.compile(r"[|\t｜]")


@lru_cache(maxsize=1)
def _table_terms() -> tuple[str, ...]:
    terms = {"第二十条", "信息内容", "申请人情况", "勾稽", "法人或其他组织", "本列数据", "结果维持", "结果纠正", "尚未审结"}
    for lay in LAYOUTS.values():
        for t in lay.tables:
            terms.update(x for x in t.header_terms if len(x) >= 3)
            for r in t.rows:
                terms.update(m for m in r.match if not m.startswith("re:") and len(m) >= 4)
    return tuple(sorted(terms))


def _simplified(text: str) -> str:
    try:
        from extract.normalize import to_simplified
        return to_simplified(text)
    except Exception:  # opencc missing: keep the text as it is
        return text


def _prose(par: str, in_table_section: bool) -> bool:
    """Whether a chunk of source text reads as a narrative paragraph (not table debris or page chrome)."""
    if len(par) < 15 or _BAD_CHARS.search(par) or any(m in par for m in _NOISE_MARKS):
        return False
    if not re.search(r"[，。；,;]", par):
        return False
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in par)
    if cjk < 0.5 * len(par):
        return False
    if re.match(r"^[一二三四五六七八九十]、", par) and len(par) < 40:  # a stray top-level heading
        return False
    hits = sum(t in par for t in _table_terms())
    if hits >= (2 if in_table_section else 3) or (hits >= 2 and "，" not in par and "," not in par):
        return False
    if in_table_section and hits and (len(par) < 40 or "。" not in par):  # a table row label
        return False
    if re.search(r"\d{9,}", par):  # numbers run together: table cells
        return False
    return True


def _chunks(text: str, limit: int = 360) -> list[str]:
    """Split a long run of text into paragraph-sized pieces at sentence ends."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip().lstrip("#*> ").strip()
        if len(line) <= limit:
            if line:
                out.append(line)
            continue
        cur = ""
        for sent in re.findall(r"[^。！？]*[。！？]?", line):
            if not sent:
                continue
            if cur and len(cur) + len(sent) > limit:
                out.append(cur)
                cur = ""
            cur += sent
        if cur:
            out.append(cur)
    merged: list[str] = []
    for chunk in out:  # a hard line break inside a sentence: join it back
        if (merged and len(merged[-1]) >= 20 and re.search(r"[，。,]", merged[-1]) and not re.search(r"[。！？：:；;”）)】]$", merged[-1])
                and not re.match(r"^[（(【0-9一二三四五六七八九十]", chunk)):
            merged[-1] += chunk
        else:
            merged.append(chunk)
    return merged


def source_sections(source_text: str, headings: Sequence[str]) -> dict[str, list[str]]:
    """Narrative paragraphs of a source report by section: ``"intro"`` (before the first
    heading) and ``"一"`` … ``"六"``; headings found by their gold text, table debris and
    page chrome dropped.

    >>> src = "标题: 某报告\\n前言一句话，说明本报告的编制依据和统计期限。\\n一、总体情况\\n今年我局认真落实条例，公开信息100条。\\n"
    >>> src += "二、主动公开政府信息情况\\n第二十条第（一）项|信息内容|本年制发件数\\n规章|0|0|0\\n"
    >>> source_sections(src, ["一、总体情况", "二、主动公开政府信息情况"])
    {'intro': ['前言一句话，说明本报告的编制依据和统计期限。'], '一': ['今年我局认真落实条例，公开信息100条。'], '二': []}
    """
    lines = [re.sub(r"\s+", "", ln) for ln in _simplified(source_text).splitlines()]
    s = "\n".join(lines)
    cuts: list[tuple[int, int, str]] = []
    start = 0
    for h in headings:
        num = h[:1] if h[:1] in NUMERALS else None
        if num is None:
            continue
        i = s.find(h, start)
        if i < 0:
            m = re.compile(rf"(?:^|\n|[。\s]){num}[、.．]").search(s, start)
            i = -1 if m is None else m.start() + (0 if m.group(0)[0] == num else 1)
            j = -1 if i < 0 else s.find("\n", i)
            end = i + len(h) if i >= 0 and (j < 0 or j - i > 60) else j
        else:
            end = i + len(h)
        if i < 0:
            continue
        cuts.append((i, end, num))
        start = end
    out: dict[str, list[str]] = {"intro": []}
    bounds = [(0, "intro")] + [(e, n) for _, e, n in cuts]
    ends = [b for b, _, _ in cuts] + [len(s)]
    for (b, name), e in zip(bounds, ends):
        out[name] = [p for p in _chunks(s[b:e]) if _prose(p, name in ("二", "三", "四"))]
    return out


def source_text_of(path: Path) -> str | None:
    """The readable text of a report file (.txt/.md, .html, text-layer .pdf), tables dropped
    where the format shows them; None for anything else or on failure."""
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
        if suffix in (".txt", ".md", ".text", ".markdown"):
            from extract.readers.encoding import decode
            return decode(data)[0]
        if suffix in (".html", ".htm", ".shtml", ".xhtml"):
            return _html_text(data)
        if suffix == ".pdf":
            return _pdf_text(data)
    except Exception:
        return None
    return None


def _html_text(data: bytes) -> str:
    import lxml.html
    from extract.readers.encoding import decode
    root = lxml.html.fromstring(decode(data)[0])
    for el in root.xpath("//table|//script|//style|//head"):
        if el.getparent() is not None:
            el.drop_tree()
    blocks = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "title"}
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in blocks:
            el.tail = "\n" + (el.tail or "")
    return root.text_content()


def _pdf_text(data: bytes) -> str:
    import pdfplumber
    out: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages[:60]:
            boxes = [t.bbox for t in page.find_tables()]

            def outside(obj: dict, boxes=boxes) -> bool:
                if obj.get("object_type") != "char":
                    return True
                x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            lines = [ln.strip() for ln in (page.filter(outside).extract_text() or "").splitlines()]
            lines = [ln for ln in lines if ln and not re.fullmatch(r"[-—–\s\d]+", ln)]
            width = max((len(ln) for ln in lines), default=0)
            for ln in lines:  # a line shorter than the page's full lines ends its paragraph
                out.append(ln + ("\n" if len(ln) < 0.8 * width or re.match(r"^[一二三四五六]、", ln) else ""))
    return "".join(out)


# ====================================================================== building specs
def _filler(key: str, rng: random.Random, body: str, year: int | None, layout: str) -> list[str]:
    fmt = "国办公开办函〔2021〕30号" if layout == "2021" else "国办公开办函〔2019〕60号"
    nums = {f"n{i}": rng.randint(3, 900 if i < 5 else 90) for i in range(1, 7)}
    return [t.format(body=body, year=year or "本", fmt=fmt, **nums) for t in _FILLER.get(key, ())]


def _heading_number(text: str, index: int) -> str:
    if text[:1] in NUMERALS:
        return text[:1]
    for num, words, _ in SECTIONS:
        if any(w in text for w in words):
            return num
    return NUMERALS[min(index, 5)]


def _cap(pars: list[str], n: int, chars: int) -> list[str]:
    out, total = [], 0
    for p in pars[:n]:
        if total + len(p) > chars and out:
            break
        out.append(p)
        total += len(p)
    return out


def spec_from_gold(gold: dict, source_text: str | None = None, *, seed: int = 0) -> ReportSpec:
    """The report a gold JSON describes: its title, its headings as printed, the three tables
    in the official layout of ``gold["layout"]`` with the gold values (``null`` -> empty cell,
    absent keys -> row/table left out), and narrative paragraphs taken from ``source_text``
    (else neutral filler). Deterministic for (doc_id, seed).

    >>> g = {"doc_id": "d", "layout": "2021", "meta": {"agency": None, "year": 2023},
    ...      "sections": ["一、总体情况", "三、收到和处理政府信息公开申请情况"],
    ...      "cells": {"t3.new_received.natural_person": 5, "t3.new_received.total": None}}
    >>> s = spec_from_gold(g)
    >>> s.title, s.headings(), s.table("t3").texts()[3][:3]
    ('2023年政府信息公开工作年度报告', ['一、总体情况', '三、收到和处理政府信息公开申请情况'], ['一、本年新收政府信息公开申请数量', '5', ''])
    """
    layout = gold.get("layout") or "2021"
    meta = dict(gold.get("meta") or {})
    agency, year = meta.get("agency"), meta.get("year")
    title = f"{agency or ''}{f'{year}年' if year else ''}政府信息公开工作年度报告"
    rng = random.Random(f"{gold.get('doc_id', '')}:{seed}")
    body = agency or "本机关"
    headings = [h for h in gold.get("sections") or [] if h]
    src = source_sections(source_text, headings) if source_text else {}
    tables = tables_for(layout, gold.get("cells") or {})

    def narrative(key: str, n: int, chars: int) -> list[str]:
        got = _cap(src.get(key) or [], n, chars)
        if got or key in ("二", "三", "四"):
            return got
        return _filler(key, rng, body, year, layout)

    blocks: list[Block] = [Para(p) for p in narrative("intro", 2, 600)]
    by_number: dict[str, str] = {}
    for i, h in enumerate(headings):
        by_number.setdefault(_heading_number(h, i), h)
    for num in NUMERALS:
        h = by_number.get(num)
        if h is not None:
            blocks.append(Heading(h))
            blocks.extend(Para(p) for p in narrative(num, 8 if num == "一" else 3, 2400 if num == "一" else 900))
        tid = {"二": "t2", "三": "t3", "四": "t4"}.get(num)
        if tid in tables:
            blocks.append(tables[tid])
    sig_year = (year or 2024) + 1
    signature = [x for x in (agency, f"{sig_year}年1月{rng.randint(10, 31)}日") if x]
    return ReportSpec(title=title, meta=meta, blocks=blocks, signature=signature, layout=layout)


def spec_from_synth(rep: Any, *, seed: int = 0, doc_id: str = "synth") -> ReportSpec:
    """The spec of a :class:`training.synth.SynthReport` (filler narrative, its cells).

    >>> import random as _r
    >>> from training.synth import random_report
    >>> s = spec_from_synth(random_report(_r.Random(0), layout="2019"))
    >>> [t.id for t in s.tables()], s.layout
    (['t2', 't3', 't4'], '2019')
    """
    return spec_from_gold(rep.gold(doc_id), None, seed=seed)


# ====================================================================== PDF
@lru_cache(maxsize=None)
def _register(font: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    if font not in FONT_FILES:
        raise ValueError(f"unknown font {font!r}; one of {sorted(FONT_FILES)}")
    path, index = FONT_FILES[font]
    if not Path(path).is_file():
        raise FileNotFoundError(f"font file {path} not installed")
    name = {"wqy-zenhei": "WQYZenHei", "uming": "ARPLUMing"}[font]
    pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    return name


@dataclass
class _Look:
    """Typesetting choices for one rendering (drawn from the seed)."""
    style: str
    body_font: str
    head_font: str
    body_size: float
    leading: float
    title_size: float
    table_size: float
    margins: tuple[float, float, float, float]  # left, right, top, bottom
    title_split: bool
    band_shade: bool
    page_no_outside: bool
    url: str
    stamp: str
    rules: str = "grid"
    numbering: str = "official"


def _look(style: str, font: str, seed: int) -> _Look:
    rng = random.Random(f"look:{seed}")
    body = _register(font)
    head = _register("wqy-zenhei") if font_available("wqy-zenhei") else body
    if style == "word":
        size = rng.choice((14.0, 15.0, 16.0))
        margins = rng.choice(((79.0, 74.0, 105.0, 99.0), (90.0, 90.0, 72.0, 72.0), (80.0, 80.0, 80.0, 80.0)))
        return _Look(style, body, head, size, round(size * rng.uniform(1.6, 1.8), 1), rng.choice((20.0, 22.0)),
                     rng.choice((9.0, 9.5, 10.0)), margins, rng.random() < 0.5, rng.random() < 0.5,
                     rng.random() < 0.4, "", "")
    if style == "browser":
        size = rng.choice((10.5, 11.0, 12.0))
        host = rng.choice(("www.gov.cn", "xxgk.example.gov.cn", "zwgk.city.gov.cn"))
        return _Look(style, body, head, size, round(size * 1.7, 1), 16.0, rng.choice((8.5, 9.0)),
                     (36.0, 36.0, 40.0, 40.0), False, rng.random() < 0.3, False,
                     f"https://{host}/zwgk/zfxxgkml/ndbg/t{rng.randint(20200101, 20251231)}_{rng.randint(1000, 99999)}.html",
                     f"{rng.randint(2020, 2025)}/1/{rng.randint(1, 28)} {rng.randint(8, 18)}:{rng.randint(0, 59):02d}")
    raise ValueError(f"unknown style {style!r}; one of {STYLES}")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


RULES: dict[str, Callable[[int], list[tuple]]] = {
    # every cell boxed, as Word and most HTML tables print
    "grid": lambda nh: [("GRID", (0, 0), (-1, -1), 0.5, "black")],
    # a line under every row and none between columns (web tables styled with row borders)
    "rows": lambda nh: [("LINEABOVE", (0, 0), (-1, 0), 0.8, "black"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, "black")],
    # no ruling at all (a borderless web table printed from the browser)
    "none": lambda nh: [],
}
"""Table ruling styles for ``render_pdf(..., rules=)``."""

NUMBERING: dict[str, Callable[[str], str]] = {
    "official": lambda text: text,
    # 1、属于国家秘密 for the template's 1.属于国家秘密: the enumeration comma many reports type instead
    "dunhao": lambda text: re.sub(r"^(\d+)[.．]", r"\1、", text),
}
"""How row labels number their items, for ``render_pdf(..., numbering=)``."""


class _Log(list):
    """(tag, page) of every table piece drawn."""


def _table_classes():
    from reportlab.platypus import Flowable, Table

    class RecTable(Table):
        def __init__(self, *a: Any, tag: str = "", log: _Log | None = None, **k: Any) -> None:
            super().__init__(*a, **k)
            self._tag, self._log = tag, log

        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            if self._log is not None:
                self._log.append((self._tag, canvas.getPageNumber()))
            super().drawOn(canvas, x, y, _sW)

    class GridTable(Flowable):
        """A table whose row-spanning cells may be cut at a page break (reportlab's Table
        refuses to split inside a SPAN). Each piece repeats the header rows; a cut merged
        cell keeps its text in the larger piece."""

        def __init__(self, header: list, nh: int, body: list, nb: int, widths: list[float],
                     make_cell: Callable[[TCell, float], Any], band_shade: bool, tag: str, log: _Log,
                     rules: str = "grid") -> None:
            super().__init__()
            self.header, self.nh, self.body, self.nb = header, nh, body, nb
            self.widths, self.make_cell, self.band_shade, self.tag, self.log = widths, make_cell, band_shade, tag, log
            self.rules = rules
            self.hAlign = "CENTER"
            self._t: Any = None

        def _make(self, body: list, nb: int) -> Any:
            ncols = len(self.widths)
            data: list[list[Any]] = [[""] * ncols for _ in range(self.nh + nb)]
            cmds: list[tuple] = [*RULES[self.rules](self.nh), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
                                 ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
            for offset, cells in ((0, self.header), (self.nh, body)):
                for r, c, rs, cs, cell, show in cells:
                    r += offset
                    width = sum(self.widths[c:c + cs])
                    data[r][c] = self.make_cell(cell, width) if show and cell.text else ""
                    if rs > 1 or cs > 1:
                        cmds.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
                    if cell.kind == "band" and self.band_shade:
                        cmds.append(("BACKGROUND", (c, r), (c + cs - 1, r + rs - 1), "#d9e2f3"))
            return RecTable(data, colWidths=self.widths, style=cmds, tag=self.tag, log=self.log)

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            self._t = self._make(self.body, self.nb)
            self.width, self.height = self._t.wrap(aw, ah)
            return self.width, self.height

        def draw(self) -> None:
            self._t.drawOn(self.canv, 0, 0)

        def _cut(self, k: int) -> tuple[list, list]:
            first, rest = [], []
            for r, c, rs, cs, cell, show in self.body:
                if r + rs <= k:
                    first.append((r, c, rs, cs, cell, show))
                elif r >= k:
                    rest.append((r - k, c, rs, cs, cell, show))
                else:
                    before, after = k - r, r + rs - k
                    keep = before >= after
                    first.append((r, c, before, cs, cell, show and keep))
                    rest.append((0, c, after, cs, cell, show and not keep))
            return first, rest

        def split(self, aw: float, ah: float) -> list:
            full = self._make(self.body, self.nb)
            full.wrap(aw, 1e7)  # every row's height (a long table stops measuring at the frame's end)
            heights = full._rowHeights
            used, k = sum(heights[:self.nh]), 0
            while k < self.nb and used + heights[self.nh + k] <= ah:
                used += heights[self.nh + k]
                k += 1
            if k >= self.nb:
                k = self.nb - 1
            while k >= 1:
                first, rest = self._cut(k)
                piece = self._make(first, k)
                _, h = piece.wrap(aw, ah)
                if h <= ah + 0.01:
                    return [piece, GridTable(self.header, self.nh, rest, self.nb - k, self.widths, self.make_cell,
                                             self.band_shade, self.tag, self.log, self.rules)]
                k -= 1
            return []

    return RecTable, GridTable


def _story(spec: ReportSpec, look: _Look, width: float, log: _Log, extra: list[str]) -> list:
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

    _, GridTable = _table_classes()
    fs = look.body_size
    body = ParagraphStyle("body", fontName=look.body_font, fontSize=fs, leading=look.leading, wordWrap="CJK",
                          firstLineIndent=2 * fs, alignment=TA_LEFT)
    head = ParagraphStyle("head", parent=body, fontName=look.head_font, spaceBefore=fs * 0.3)
    title = ParagraphStyle("title", parent=body, fontName=look.head_font, fontSize=look.title_size,
                           leading=look.title_size * 1.5, alignment=TA_CENTER, firstLineIndent=0,
                           spaceAfter=look.title_size * 0.8)
    sign = ParagraphStyle("sign", parent=body, alignment=TA_RIGHT, firstLineIndent=0, rightIndent=2 * fs)
    ts = look.table_size
    cell_styles = {
        k: ParagraphStyle(f"cell_{k}", fontName=look.body_font, fontSize=ts, leading=ts * 1.25, wordWrap="CJK",
                          alignment=TA_LEFT if k == "label" or k == "band" else TA_CENTER)
        for k in ("head", "label", "group", "band", "value")}

    def make_cell(cell: TCell, w: float) -> Any:
        st = cell_styles.get(cell.kind, cell_styles["value"])
        if cell.kind in ("label", "group"):
            cell = dataclasses.replace(cell, text=NUMBERING[look.numbering](cell.text))
        if cell.kind == "value":  # a number must not wrap: shrink it to fit its cell
            need = stringWidth(cell.text, look.body_font, ts)
            if need > w - 6:
                size = max(5.0, ts * (w - 6) / need)
                st = ParagraphStyle("cell_small", parent=st, fontSize=size, leading=size * 1.25)
        return Paragraph(_esc(cell.text), st)

    story: list = []
    too_long = stringWidth(spec.title, look.head_font, look.title_size) > width - 4
    if ((look.title_split or too_long) and spec.meta.get("agency")  # break after the body's name, as people do
            and spec.title.startswith(spec.meta["agency"])):
        agency = spec.meta["agency"]
        story.append(Paragraph(_esc(agency) + "<br/>" + _esc(spec.title[len(agency):]), title))
    else:
        story.append(Paragraph(_esc(spec.title), title))
    for block in spec.blocks:
        if isinstance(block, Heading):
            if block.text[:1] == "二" and extra:  # extra narrative closes section 一
                story.extend(Paragraph(_esc(p), body) for p in extra)
                extra = []
            story.append(CondPageBreak(look.leading * 3))
            story.append(Paragraph(_esc(block.text), head))
        elif isinstance(block, Para):
            story.append(Paragraph(_esc(block.text), body))
        else:
            if extra:  # no heading 二 to put the extra paragraphs before
                story.extend(Paragraph(_esc(p), body) for p in extra)
                extra = []
            placed = block.placed()
            nh = block.header_rows
            cells = [(r, c, cell.row_span, cell.col_span, cell, True) for r, c, cell in placed]
            header = [x for x in cells if x[0] < nh]
            rows = [(r - nh, c, rs, cs, cell, show) for r, c, rs, cs, cell, show in cells if r >= nh]
            ncols = max(c + cs for _, c, _, cs, _, _ in cells)
            weights = block.col_widths if len(block.col_widths) == ncols else (1.0,) * ncols
            widths = [width * w / sum(weights) for w in weights]
            story.append(Spacer(1, fs * 0.3))
            story.append(GridTable(header, nh, rows, len(block.rows) - nh, widths, make_cell, look.band_shade,
                                   block.id, log, look.rules))
            story.append(Spacer(1, fs * 0.6))
    story.extend(Paragraph(_esc(p), body) for p in extra)
    if spec.signature:  # the body's name and the date stay together, and with the last paragraph
        last = [story.pop()] if isinstance(story[-1], Paragraph) else []
        story.append(KeepTogether(last + [Spacer(1, look.leading * 1.5)]
                                  + [Paragraph(_esc(s), sign) for s in spec.signature]))
    return story


def _canvas_maker(look: _Look, title: str) -> type:
    from reportlab.pdfgen.canvas import Canvas

    def furniture(c: Any, n: int, total: int) -> None:
        w, h = c._pagesize
        c.saveState()
        if look.style == "word":
            c.setFont(look.body_font, 12)
            text = f"- {n} -"
            if look.page_no_outside:  # GB/T 9704: odd pages right, even pages left
                x = w - look.margins[1] - 12 if n % 2 else look.margins[0] + 12
                (c.drawRightString if n % 2 else c.drawString)(x, h * 0.075, text)
            else:
                c.drawCentredString(w / 2, h * 0.075, text)
        else:
            c.setFont(look.body_font, 8)
            c.drawString(22, h - 20, look.stamp)
            c.drawCentredString(w / 2, h - 20, title[:40])
            c.drawString(22, 16, look.url)
            c.drawRightString(w - 22, 16, f"{n}/{total}")
        c.restoreState()

    class FurnishedCanvas(Canvas):
        def __init__(self, *a: Any, **k: Any) -> None:
            super().__init__(*a, **k)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                furniture(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return FurnishedCanvas


def _build(spec: ReportSpec, look: _Look, extra: list[str]) -> tuple[bytes, _Log]:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    left, right, top, bottom = look.margins
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
                            title=spec.title, author=spec.meta.get("agency") or "",
                            creator="Microsoft® Word 2016" if look.style == "word" else "Mozilla/5.0 Chrome/120.0",
                            invariant=1)
    log = _Log()
    story = _story(spec, look, doc.width, log, list(extra))
    doc.build(story, canvasmaker=_canvas_maker(look, spec.title))
    return buf.getvalue(), log


def render_pdf(spec: ReportSpec, *, font: str = "wqy-zenhei", seed: int = 0, style: str = "word",
               t3_across_pages: bool = True, rules: str = "grid", numbering: str = "official") -> bytes:
    """Typeset a report as a text-layer A4 PDF (reportlab platypus); deterministic bytes.

    ``style="word"`` prints like a Word export (large body text, ``- N -`` page numbers);
    ``"browser"`` like a browser's "Save as PDF" (small text, narrow margins, date/title
    header, URL and ``N/M`` footer). ``seed`` varies font sizes, margins and the like.
    ``rules`` is the tables' ruling (see ``RULES``): ``grid``, ``rows`` or ``none``;
    ``numbering`` how row labels number their items (see ``NUMBERING``).
    With ``t3_across_pages`` (and a 表三 in the spec) extra narrative is added to section
    一 until 表三 is cut by a page break, so its header rows repeat (up to 6 tries).

    >>> pdf = render_pdf(spec_from_gold({"doc_id": "a", "layout": "2021", "meta": {}, "sections": [],
    ...                                  "cells": {}}))      # doctest: +SKIP
    >>> pdf[:5]                                                  # doctest: +SKIP
    b'%PDF-'
    """
    if rules not in RULES or numbering not in NUMBERING:
        raise ValueError(f"unknown rules {rules!r} or numbering {numbering!r}; one of {sorted(RULES)}, {sorted(NUMBERING)}")
    look = dataclasses.replace(_look(style, font, seed), rules=rules, numbering=numbering)
    rng = random.Random(f"extra:{seed}")
    extra: list[str] = []
    data, log = _build(spec, look, extra)
    if not t3_across_pages or spec.table("t3") is None:
        return data
    for k in range(6):
        if len({p for tag, p in log if tag == "t3"}) >= 2:
            break
        extra.append(_EXTRA.format(k="一二三四五六七八九十"[min(k + 5, 9)] if k < 5 else "十",
                                   n1=rng.randint(20, 400), n2=rng.randint(2, 30)))
        data, log = _build(spec, look, extra)
    return data


def print_text_pdf(text: str, *, font: str = "wqy-zenhei", size: float = 10.5, leading: float = 1.6) -> bytes:
    """A plain-text report printed as it is: A4, each line wrapped at the margin, blank lines kept,
    ``- N -`` page numbers; as a crawl or a copy-paste is printed or saved as a PDF.

    >>> print_text_pdf("一、总体情况\\n\\n规章 3")[:5]                  # doctest: +SKIP
    b'%PDF-'
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    name = _register(font)
    width, height = A4
    left, top, usable = 60.0, height - 60.0, width - 120.0
    lines: list[str] = []
    for raw in text.replace("\t", "    ").splitlines():
        cur = ""
        for ch in raw:
            if cur and stringWidth(cur + ch, name, size) > usable:
                lines.append(cur)
                cur = ""
            cur += ch
        lines.append(cur)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    page, y = 1, top
    c.setFont(name, size)
    for line in lines:
        if y < 70:
            c.drawCentredString(width / 2, 35, f"- {page} -")
            c.showPage()
            c.setFont(name, size)
            page, y = page + 1, top
        c.drawString(left, y, line)
        y -= size * leading
    c.drawCentredString(width / 2, 35, f"- {page} -")
    c.showPage()
    c.save()
    return buf.getvalue()


def page_frame(style: str, seed: int = 0, font: str = "wqy-zenhei") -> tuple[float, float, float, float]:
    """The margins ``(left, right, top, bottom)`` in points of what :func:`render_pdf` prints with
    these arguments: its body text stays inside them, its page furniture (page numbers, a browser's
    date/title header and URL/``N/M`` footer) is drawn in the top and bottom margins (the top of a
    Word ``- n -`` can reach a point past a 72 pt bottom margin).

    >>> page_frame("browser", seed=3)
    (36.0, 36.0, 40.0, 40.0)
    """
    return _look(style, font, seed).margins


def table_pages(pdf: bytes, tid: str = "t3") -> list[int]:
    """1-based pages a table of the spec was drawn on (re-derived from the text layer):
    for 表三 the pages that print its header term 申请人情况.

    >>> table_pages(render_pdf(spec))                            # doctest: +SKIP
    [3, 4]
    """
    import pypdfium2 as pdfium
    term = {"t2": "第二十条", "t3": "申请人情况", "t4": "未经复议直接起诉"}[tid]
    doc = pdfium.PdfDocument(pdf)
    try:
        return [i + 1 for i in range(len(doc)) if term in doc[i].get_textpage().get_text_range().replace("\r\n", "")]
    finally:
        doc.close()


# ====================================================================== scans
def _pil_font(size: int) -> Any:
    from PIL import ImageFont
    for name in ("wqy-zenhei", "uming"):
        path, index = FONT_FILES[name]
        if Path(path).is_file():
            return ImageFont.truetype(path, size, index=index)
    return None


def seal_image(text: str, diameter: int, rng: random.Random) -> Any:
    """A red official seal (ring, star, the body's name along the upper arc) as an RGBA image
    whose alpha is the ink (uneven, like a real stamp).

    >>> seal_image("某县人民政府", 300, random.Random(0)).size
    (300, 300)
    """
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    d = diameter
    mask = Image.new("L", (d, d), 0)
    draw = ImageDraw.Draw(mask)
    ring = max(3, int(d * 0.035))
    draw.ellipse((ring, ring, d - ring, d - ring), outline=255, width=ring)
    cx = cy = d / 2
    rs, ri = d * 0.15, d * 0.15 * 0.382
    pts = [(cx + (rs if i % 2 == 0 else ri) * math.sin(math.pi * i / 5),
            cy - (rs if i % 2 == 0 else ri) * math.cos(math.pi * i / 5)) for i in range(10)]
    draw.polygon(pts, fill=255)
    chars = list(text)[:20]
    font = _pil_font(max(8, int(d * (0.13 if len(chars) <= 12 else 0.1))))
    if font is not None and chars:
        span = min(250.0, 22.0 * len(chars))  # degrees of arc the text covers, centred at the top
        r = d / 2 - ring * 2 - d * 0.075
        for i, ch in enumerate(chars):
            phi = -span / 2 + span * (i + 0.5) / len(chars)
            size = int(d * 0.16)
            glyph = Image.new("L", (size, size), 0)
            ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, fill=255, font=font, anchor="mm")
            glyph = glyph.rotate(-phi, resample=Image.BICUBIC)
            x = cx + r * math.sin(math.radians(phi)) - size / 2
            y = cy - r * math.cos(math.radians(phi)) - size / 2
            mask.paste(255, (int(x), int(y)), glyph)
        label = "政务公开专用章" if len(chars) < 16 else ""
        if label:
            small = _pil_font(max(8, int(d * 0.065)))
            draw.text((cx, cy + d * 0.25), label, fill=255, font=small, anchor="mm")
    arr = np.asarray(mask, dtype=np.float32) / 255.0
    nrng = np.random.default_rng(rng.randrange(2**32))
    texture = Image.fromarray((nrng.random((d // 4 + 1, d // 4 + 1)) * 255).astype("uint8")).resize((d, d), Image.BICUBIC)
    texture = np.asarray(texture.filter(ImageFilter.GaussianBlur(2)), dtype=np.float32) / 255.0
    ink = np.clip(arr * (0.55 + 0.6 * texture), 0, 1)
    alpha = Image.fromarray((ink * 255).astype("uint8")).filter(ImageFilter.GaussianBlur(0.8))
    out = Image.new("RGBA", (d, d), (205, 25, 35, 0))
    out.putalpha(alpha)
    return out.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC)


def _signature_point(page: Any, height_pt: float) -> tuple[float, float] | None:
    """(x, y from the top, in points) of the lowest body text line on a page: the signature."""
    tp = page.get_textpage()
    best = None
    for i in range(tp.count_rects()):
        left, bottom, right, top = tp.get_rect(i)
        cy = (bottom + top) / 2
        if cy < height_pt * 0.11 or cy > height_pt * 0.93:  # page numbers, browser header/footer
            continue
        if best is None or bottom < best[1]:
            best = (left, bottom, right, top)
    if best is None:
        return None
    left, bottom, right, top = best
    return (left + right) / 2, height_pt - top


def _stamp(img: Any, text: str, where: tuple[float, float] | None, dpi: int, rng: random.Random) -> Any:
    import numpy as np
    w, h = img.size
    d = int(round(42 / 25.4 * dpi))  # a 42 mm seal
    seal = seal_image(text, d, rng)
    if where is None:
        cx, cy = w * 0.7, h * 0.6
    else:
        cx = where[0] * dpi / 72 + rng.uniform(-0.15, 0.15) * d
        cy = where[1] * dpi / 72 + rng.uniform(-0.1, 0.2) * d
    x0, y0 = int(cx - d / 2), int(cy - d / 2)
    x0, y0 = max(0, min(w - d, x0)), max(0, min(h - d, y0))
    base = np.asarray(img, dtype=np.float32)
    a = np.asarray(seal.getchannel("A"), dtype=np.float32)[..., None] / 255.0 * rng.uniform(0.78, 0.9)
    ink = np.array([205, 25, 35], dtype=np.float32) / 255.0
    region = base[y0:y0 + d, x0:x0 + d]
    base[y0:y0 + d, x0:x0 + d] = region * (1 - a * (1 - ink))  # multiply: text under the seal stays dark
    from PIL import Image
    return Image.fromarray(np.clip(base, 0, 255).astype("uint8"))


def render_scan(pdf: bytes, *, dpi: int = 200, seed: int = 0, seal_text: str | None = None,
                seal: bool = True, quality: str = "normal") -> list:
    """Rasterize a PDF at ``dpi`` and make it look scanned, deterministically from ``seed``:
    a red seal over the signature on the last page (``seal_text`` or the PDF's author),
    rotation of 0.3–1.5° either way, slight blur, Gaussian noise and a JPEG round trip
    (quality 70–85). ``quality="low"`` is an archive's worst: twice the blur, noise and skew
    and JPEG quality 35–50 (use with a low ``dpi``, e.g. 150).
    Returns RGB PIL images (``info["dpi"]``, ``info["rotation"]`` set).

    >>> pages = render_scan(pdf, dpi=200, seed=3)              # doctest: +SKIP
    >>> pages[0].size, 0.3 <= abs(pages[0].info["rotation"]) <= 1.5     # doctest: +SKIP
    ((1654, 2339), True)
    """
    import cv2
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(pdf)
    try:
        if seal_text is None:
            seal_text = (doc.get_metadata_dict().get("Author") or "").strip() or "政府信息公开专用章"
        out = []
        n = len(doc)
        for i in range(n):
            page = doc[i]
            rng = random.Random(f"scan:{seed}:{i}")
            img = page.render(scale=dpi / 72).to_pil().convert("RGB")
            if seal and i == n - 1:
                img = _stamp(img, seal_text, _signature_point(page, page.get_height()), dpi, rng)
            low = quality == "low"
            angle = rng.uniform(0.3, 1.5) * rng.choice((-1, 1)) * (1.6 if low else 1)
            arr = np.asarray(img)
            h, w = arr.shape[:2]
            turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)  # counter-clockwise for angle > 0, as PIL
            arr = cv2.warpAffine(arr, turn, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                                 borderValue=(255, 255, 255))
            arr = cv2.GaussianBlur(arr, (0, 0), rng.uniform(0.35, 0.8) * (2 if low else 1))
            red = rng.uniform(0.96, 1.0)
            green = red * rng.uniform(0.985, 1.0)
            tint = [red, green, green * rng.uniform(0.95, 0.99)]  # greyish to cream paper
            lut = np.stack([np.clip(np.arange(256) * t, 0, 255) for t in tint], axis=1).astype(np.uint8)
            arr = cv2.LUT(arr, lut.reshape(256, 1, 3))  # paper tint
            nrng = np.random.default_rng(rng.randrange(2**32))
            noise = nrng.standard_normal((h, w), dtype=np.float32) * np.float32(rng.uniform(3, 8) * (2 if low else 1))
            arr = cv2.add(arr, cv2.merge([noise, noise, noise]), dtype=cv2.CV_8U)  # saturating
            img = Image.fromarray(arr)
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=rng.randint(35, 50) if low else rng.randint(70, 85))
            img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
            img.info["dpi"] = (dpi, dpi)
            img.info["rotation"] = angle
            out.append(img)
            page.close()
        return out
    finally:
        doc.close()


def _dpi(images: Sequence[Any], dpi: int | None) -> int:
    if dpi:
        return dpi
    got = images[0].info.get("dpi") if images else None
    return int(round(got[0])) if got else 200


def scan_to_pdf(images: Sequence[Any], *, dpi: int | None = None, quality: int = 80) -> bytes:
    """Page images as an image-only PDF (no text layer), page size from ``dpi``.

    >>> from PIL import Image
    >>> scan_to_pdf([Image.new("RGB", (1654, 2339), "white")], dpi=200)[:5]
    b'%PDF-'
    """
    if not images:
        raise ValueError("no pages")
    buf = io.BytesIO()
    first, *rest = [im.convert("RGB") for im in images]
    first.save(buf, "PDF", save_all=True, append_images=rest, resolution=float(_dpi(images, dpi)), quality=quality)
    return buf.getvalue()


def scan_to_tiff(images: Sequence[Any], *, dpi: int | None = None) -> bytes:
    """Page images as one multi-page TIFF (JPEG-compressed pages, dpi tag set).

    >>> from PIL import Image
    >>> scan_to_tiff([Image.new("RGB", (100, 100), "white")] * 2)[:2] in (b"II", b"MM")
    True
    """
    if not images:
        raise ValueError("no pages")
    buf = io.BytesIO()
    first, *rest = [im.convert("RGB") for im in images]
    d = _dpi(images, dpi)
    first.save(buf, "TIFF", save_all=True, append_images=rest, compression="jpeg", quality=85, dpi=(d, d))
    return buf.getvalue()


# ====================================================================== fixture sets
def _source_of(gold_path: Path) -> Path | None:
    for p in sorted(gold_path.parent.glob(gold_path.stem + ".*")):
        if p.suffix.lower() != ".json" and p.is_file():
            return p
    return None


def _numbering(doc_id: str, seed: int) -> str:
    """The row-label numbering of a document: the template's ``1.`` for most, ``1、`` for a third."""
    return "dunhao" if random.Random(f"numbering:{doc_id}:{seed}").random() < 1 / 3 else "official"


def _variant(doc_id: str, seed: int) -> tuple[str, str]:
    """(style, font) for a document: mostly Word exports, some browser prints, both fonts."""
    rng = random.Random(f"variant:{doc_id}:{seed}")
    fonts = [f for f in FONT_FILES if font_available(f)] or ["wqy-zenhei"]
    return ("word" if rng.random() < 0.7 else "browser"), rng.choice(fonts)


def _rows_with_empty_cells(cells: dict) -> list[str]:
    """The keys of every row (表四: the whole table) that holds a cell printed empty beside printed
    values (a row printed wholly empty, or left out, is no puzzle: all its cells are null).

    >>> _rows_with_empty_cells({"t3.granted.total": None, "t3.granted.other_org": 1, "t3.partial.total": None})
    ['t3.granted.other_org', 't3.granted.total']
    """
    def row(key: str) -> str:
        return "t4" if key.startswith("t4.") else key.rsplit(".", 1)[0]
    empty = {row(k) for k, v in cells.items() if v is None} & {row(k) for k, v in cells.items() if v is not None}
    return sorted(k for k in cells if row(k) in empty)


def build_fixture_set(gold_dir: Path, out_dir: Path, kinds: Sequence[str] = ("pdf", "scan"), *,
                      include_synth: int = 0, heldout: int = 0, seed: int = 0, dpi: int = 200,
                      progress: Callable[[str], None] | None = None) -> list[Path]:
    """Render every gold JSON in ``gold_dir`` (narrative from the source file beside it) into
    ``out_dir/<kind>/<id>.<ext>`` with the gold JSON copied beside it, plus
    ``include_synth`` synthetic reports (``synth_NNN``) and ``heldout`` reports drawn from the token
    classifier's test split (``heldout_NNN``: :func:`training.corpus.labelled_report`, other seeds and
    templates than its training data; page furniture, sub-headings, empty cells, rows left out). Kinds: ``pdf`` (text layer,
    ``pdf/<id>.pdf``), ``scan`` (image-only PDF, ``scan/<id>.pdf``), ``tiff``
    (``tiff/<id>.tif``), ``scan_low`` (a poor 150 dpi scan, ``scan_low/<id>.pdf``), ``pdf_unruled`` and
    ``scan_unruled`` (the same report with its tables printed without any rules, and its scan),
    ``text_pdf`` and ``text_scan`` (a report that circulates as plain text, a ``.txt`` source or a
    synthetic report in one of the text shapes, printed as it is by :func:`print_text_pdf`, and its
    scan; other sources are not rendered in these kinds), ``source_scan`` and ``source_scan_low``
    (a PDF source itself scanned, its own layout and fonts, at 200 dpi and as a poor 150 dpi scan;
    other sources are not rendered in these kinds). Writes ``out_dir/manifest.json`` (style, font, pages per
    document) and returns the written report files.

    >>> build_fixture_set(Path("../shared/gold/dev"), Path("/tmp/fx"), ("pdf",))[:1]   # doctest: +SKIP
    [PosixPath('/tmp/fx/pdf/real_001.pdf')]
    """
    from training.synth import random_report

    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ValueError(f"unknown kinds {bad}; use {KINDS}")
    out_dir = Path(out_dir)
    from extract.readers.encoding import decode
    from training.synth import render as render_text

    jobs: list[tuple[str, dict, str | None, bytes | None]] = []
    plain: dict[str, str] = {}  # the text a report circulates as, where it is one: printed as it is for text_*
    source_pdf: dict[str, bytes] = {}  # a PDF source, scanned as it is for source_scan*
    for gpath in sorted(Path(gold_dir).glob("*.json")):
        try:
            gold = json.loads(gpath.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if not isinstance(gold, dict) or "cells" not in gold:
            continue
        src = _source_of(gpath)
        if src and src.suffix.lower() in (".txt", ".md"):
            plain[gpath.stem] = decode(src.read_bytes())[0]
        if src and src.suffix.lower() == ".pdf":
            source_pdf[gpath.stem] = src.read_bytes()
        jobs.append((gpath.stem, gold, source_text_of(src) if src else None, gpath.read_bytes()))
    specs: dict[str, ReportSpec] = {}  # a report drawn as a spec of its own (held-out), not from its gold
    printed_gold: dict[str, bytes] = {}  # its gold for the text_* kinds, where the printed text keeps no empty cell
    if heldout:  # training.corpus imports this module: imported here, not at the top
        from training.corpus import TEXT_SHAPES, labelled_report
        from training.corpus import render_text as render_labelled
        shapes = [s for s in TEXT_SHAPES if s != "flat_run"]  # run-together cells: the gold cannot say which are unresolvable
    for i in range(heldout):
        doc_id = f"heldout_{i:03d}"
        rng = random.Random(f"heldout:{seed}:{i}")
        rep_l = labelled_report(rng, "test")
        jobs.append((doc_id, rep_l.gold(doc_id), None, None))
        specs[doc_id] = rep_l.spec()
        shape = shapes[i % len(shapes)]
        plain[doc_id] = render_labelled(rep_l, shape, rng).text
        if shape not in ("pipe", "markdown"):  # printed, an empty cell leaves no trace: where it stood is unknown
            gold = rep_l.gold(doc_id)
            gold["unresolvable"] = _rows_with_empty_cells(gold["cells"])
            printed_gold[doc_id] = json.dumps(gold, ensure_ascii=False, indent=1).encode("utf-8")
    for i in range(include_synth):
        doc_id = f"synth_{i:03d}"
        rep = random_report(random.Random(seed * 100003 + i))
        jobs.append((doc_id, rep.gold(doc_id), None, None))
        shape = ("blank_lines", "flat_spaced", "lines", "pipe", "tab")[i % 5]
        plain[doc_id] = render_text(rep, shape, random.Random(seed * 100003 + i))
    written: list[Path] = []
    manifest = []
    for doc_id, gold, text, raw in jobs:
        if progress:
            progress(doc_id)
        style, font = _variant(doc_id, seed)
        numbering = _numbering(doc_id, seed)
        spec = specs.get(doc_id) or spec_from_gold(gold, text, seed=seed)
        pdf = render_pdf(spec, font=font, seed=seed + sum(map(ord, doc_id)), style=style, numbering=numbering)
        gold_bytes = raw if raw is not None else json.dumps(gold, ensure_ascii=False, indent=1).encode("utf-8")
        images = low = unruled = None
        for kind in kinds:
            if kind.startswith("text_") and doc_id not in plain:
                continue  # an HTML page or a PDF is not printed from a text
            if kind.startswith("source_") and doc_id not in source_pdf:
                continue  # only a PDF source is scanned as it is
            folder = out_dir / kind
            folder.mkdir(parents=True, exist_ok=True)
            if kind.endswith("_unruled"):  # the same report with tables printed without any rules
                unruled = unruled or render_pdf(spec, font=font, seed=seed + sum(map(ord, doc_id)), style=style,
                                                numbering=numbering, rules="none")
            if kind == "pdf":
                path, data = folder / f"{doc_id}.pdf", pdf
            elif kind.startswith("text_"):
                data = print_text_pdf(plain[doc_id], font=font)
                if kind == "text_scan":
                    data = scan_to_pdf(render_scan(data, dpi=dpi, seed=seed + sum(map(ord, doc_id)), seal=False), dpi=dpi)
                path = folder / f"{doc_id}.pdf"
            elif kind.startswith("source_"):
                low_q = kind.endswith("_low")
                dpi_k = 150 if low_q else dpi
                path = folder / f"{doc_id}.pdf"
                data = scan_to_pdf(render_scan(source_pdf[doc_id], dpi=dpi_k, seed=seed + sum(map(ord, doc_id)),
                                               quality="low" if low_q else "normal"), dpi=dpi_k)
            elif kind == "pdf_unruled":
                path, data = folder / f"{doc_id}.pdf", unruled
            elif kind == "scan_unruled":
                path = folder / f"{doc_id}.pdf"
                data = scan_to_pdf(render_scan(unruled, dpi=dpi, seed=seed + sum(map(ord, doc_id))), dpi=dpi)
            elif kind == "scan_low":
                low = low or render_scan(pdf, dpi=150, seed=seed + sum(map(ord, doc_id)), quality="low")
                path, data = folder / f"{doc_id}.pdf", scan_to_pdf(low, dpi=150)
            else:
                if images is None:
                    images = render_scan(pdf, dpi=dpi, seed=seed + sum(map(ord, doc_id)))
                path = folder / (f"{doc_id}.pdf" if kind == "scan" else f"{doc_id}.tif")
                data = scan_to_pdf(images, dpi=dpi) if kind == "scan" else scan_to_tiff(images, dpi=dpi)
            path.write_bytes(data)
            (folder / f"{doc_id}.json").write_bytes(printed_gold.get(doc_id, gold_bytes) if kind.startswith("text_")
                                                     else gold_bytes)
            written.append(path)
        manifest.append({"doc_id": doc_id, "style": style, "font": font, "numbering": numbering, "narrative": "source" if text else "filler",
                         "t3_pages": table_pages(pdf, "t3"), "kinds": list(kinds)})
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.render",
                                 description="Render gold-labelled reports as text-layer PDFs and scans for `nianbao eval`.")
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--kinds", default="pdf,scan", help=f"comma-separated, of {','.join(KINDS)}")
    ap.add_argument("--synth", type=int, default=0, help="also render N synthetic reports")
    ap.add_argument("--heldout", type=int, default=0,
                    help="also render N held-out synthetic reports (the token classifier's test split)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dpi", type=int, default=200)
    a = ap.parse_args(argv)
    if not a.gold_dir.is_dir():
        ap.error(f"{a.gold_dir} is not a folder")
    kinds = [k.strip() for k in a.kinds.split(",") if k.strip()]
    written = build_fixture_set(a.gold_dir, a.out_dir, kinds, include_synth=a.synth, heldout=a.heldout, seed=a.seed,
                                dpi=a.dpi,
                                progress=lambda d: print(d, file=sys.stderr, flush=True))
    print(f"{len(written)} file(s) in {a.out_dir}: " + ", ".join(f"{k}/ {sum(p.parent.name == k for p in written)}"
                                                                 for k in kinds))
    return 0


if __name__ == "__main__":
    # run as training.render, not __main__: the held-out reports' blocks are training.render's own classes
    from training.render import main as _main

    raise SystemExit(_main())
