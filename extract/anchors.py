"""Tables found by their titles: lines below 表三's or 表四's heading that no layout region covers.

The layout model misses small unruled table pieces: the header and first row of 表三 that a page
break leaves at the foot of a page, or 表四 printed as a header and a single row of values. Their
lines would be read as text, and a row of five printed numbers cannot be spread over seven or
fifteen columns from text alone. The format fixes the headings above the two tables, so a
heading of section 三 or 四 anchors a block: the lines below it, down to a later section's
heading, a sentence, or a table already found, and no further than its last row of values. :func:`extract.scan.table_from_alignment` then reads the block as any unruled table.

Example:
    >>> line = lambda t, x, y: OcrLine(t, (x, y, x + 20 * len(t), y + 20), 1.0)
    >>> lines = [line("四、政府信息公开行政复议、行政诉讼情况", 0, 0), line("行政复议", 0, 40), line("行政诉讼", 300, 40),
    ...          line("0", 0, 80), line("3", 300, 80), line("五、存在的主要问题及改进情况", 0, 120)]
    >>> [[l.text for l in block] for block in title_blocks(lines)]
    [['行政复议', '行政诉讼', '0', '3']]
"""
from __future__ import annotations

import re
from typing import Sequence

from .document import Box
from .normalize import to_simplified
from .ocr import OcrLine
from .ocr.hygiene import looks_numeric
from .schema import SECTIONS

_NUMBERED = re.compile(r"^(?P<n>[一二三四五六])[、.．,，](?P<rest>.*)$")
_WORDS = {number: words for number, words, _ in SECTIONS}
_ORDER = "一二三四五六"
_HEAD_END = re.compile(r"(情况|事项)$")
_T3_HEADER = re.compile(r"^申请人情况")
MAX_PROSE_ROWS = 8
"""Rows of text (sentences) between a table's heading and its first row that are passed over."""
TABLE_SECTIONS = ("三", "四")
"""The sections whose tables have more columns than a row of text can tell apart."""


def _numbered(text: str) -> tuple[str, str] | None:
    m = _NUMBERED.match(re.sub(r"\s+", "", to_simplified(text)))
    if not m or not any(w in m.group("rest")[:24] for w in _WORDS[m.group("n")]):
        return None
    return m.group("n"), m.group(0)


def table_heading(text: str) -> str | None:
    """The section number (三 or 四) when ``text`` is the heading above 表三 or 表四: numbered as
    a section, holding that section's words (traditional characters too), no digit, short.
    表三's row labels 三、本年度办理结果 and 四、结转下年度继续办理 are numbered so but lack the words.

    >>> [table_heading(t) for t in ("四、结转下年度继续办理", "四、政府信息公开 行政复议、行政訴訟情况",
    ...                             "三、收到和处理政府信息公开申请情况", "五、存在的主要问题及改进情况")]
    [None, '四', '三', None]
    """
    found = _numbered(text)
    if not found or found[0] not in TABLE_SECTIONS or re.search(r"\d", found[1]) or len(found[1]) > 48:
        return None
    return found[0]


def _rows(lines: Sequence[OcrLine]) -> list[list[OcrLine]]:
    """Lines grouped into rows (a line joins a row it overlaps vertically by half its height),
    top to bottom, each left to right."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda l: (l.box[1], l.box[0])):
        h = max(1.0, line.box[3] - line.box[1])
        row = rows[-1] if rows else None
        if row and min(row[-1].box[3], line.box[3]) - max(row[0].box[1], line.box[1]) > 0.5 * h:
            row.append(line)
        else:
            rows.append([line])
    return [sorted(r, key=lambda l: l.box[0]) for r in rows]


def _text(row: list[OcrLine]) -> str:
    return "".join(l.text for l in row)


def _ends_block(row: list[OcrLine], number: str, title: Box, tables: Sequence[Box]) -> str | None:
    """Why the block ends at this row: a later section's ``heading`` (even split by OCR or beside
    other text), a ``sentence``, or a ``table`` already found that reaches down to this row; None."""
    later = _numbered(_text(row))
    if later and _ORDER.index(later[0]) > _ORDER.index(number):
        return "heading"
    if any("。" in l.text and not looks_numeric(l.text) for l in row):  # a lone 。 is a blurred 0
        return "sentence"
    top = min(l.box[1] for l in row)
    return "table" if any(box[1] <= top and box[3] > title[3] for box in tables) else None


def _has_number(row: list[OcrLine]) -> bool:
    return any(looks_numeric(w) for l in row for w in l.text.split())


def title_blocks(lines: Sequence[OcrLine], tables: Sequence[Box] = ()) -> list[list[OcrLine]]:
    """Blocks of ``lines`` that stand below the heading of 表三 or 表四 (:func:`table_heading`,
    its row read as one text), each ending before a later section's heading, a sentence (。) or a
    table in ``tables`` (boxes) and cut after its last row with a number (a paragraph of up to
    ``MAX_PROSE_ROWS`` rows between the heading and the table's first row is passed over); blocks without a
    number are left out. The heading, and its second line when it wraps, are not in the blocks.
    表三's header row (申请人情况 …) that no earlier block holds anchors a block too, itself in it:
    the table printed on after a page break, its header repeated."""
    rows = _rows(lines)
    blocks: list[list[OcrLine]] = []
    taken: set[int] = set()
    for i, head in enumerate(rows):
        number = table_heading(_text(head))
        header = number is None and bool(_T3_HEADER.match(re.sub(r"\s+", "", to_simplified(_text(head)))))
        if header and not any(id(l) in taken for l in head):
            number = "三"  # 表三's header printed again where a page break cut the table: its rows go on below
        if number is None:
            continue
        title = (min(l.box[0] for l in head), min(l.box[1] for l in head),
                 max(l.box[2] for l in head), max(l.box[3] for l in head))
        below = rows[i + 1:]
        if not header and below and not _HEAD_END.search(_text(head)) and not re.search(r"\d", _text(below[0])) \
                and len(_text(below[0])) <= 20 and _HEAD_END.search(_text(below[0])):
            below = below[1:]  # the heading's second line (…提起 / 行政诉讼情况)
        block: list[list[OcrLine]] = [head] if header else []
        prose = 0  # rows of a paragraph between the heading and its table
        for row in below:
            why = _ends_block(row, number, title, tables)
            if why == "sentence" and not header and prose + len(block) < MAX_PROSE_ROWS \
                    and not any(map(_has_number, block)):
                prose, block = prose + len(block) + 1, []  # the paragraph ends; the table may follow
                continue
            if why:
                break
            block.append(row)
        numbered = [k for k, row in enumerate(block) if _has_number(row)]
        if numbered:
            blocks.append([l for row in block[:numbered[-1] + 1] for l in row])
            taken.update(id(l) for l in blocks[-1])
    return blocks
