"""Tables found by their titles: lines below 表三's or 表四's heading that no layout region covers.

The layout model misses small unruled table pieces: the header and first row of 表三 that a page
break leaves at the foot of a page, or 表四 printed as a header and a single row of values. Their
lines would be read as text, and a row of five printed numbers cannot be spread over seven or
fifteen columns from text alone. The format fixes the headings above the two tables, so a
heading of section 三 or 四, alone on its row, anchors a block: the lines below it, down to the
next section heading, a sentence, or a table already found, and no further than its last row of
values. :func:`extract.scan.table_from_alignment` then reads the block as any unruled table.

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
from .ocr import OcrLine
from .ocr.hygiene import looks_numeric
from .schema import SECTIONS

_NUMBERED = re.compile(r"^\s*(?P<n>[一二三四五六七八九十])\s*[、.．,，]\s*(?P<rest>.*)$")
_WORDS = {number: words for number, words, _ in SECTIONS}
TABLE_SECTIONS = ("三", "四")
"""The sections whose tables have more columns than a row of text can tell apart."""


def section_heading(line: OcrLine, lines: Sequence[OcrLine]) -> str | None:
    """The number of the section (一 … 六) whose heading ``line`` is: numbered as a section,
    holding that section's words, no digits, alone on its row (表三's row labels 三、本年度办理结果
    and 四、结转下年度继续办理 are numbered so too, but lack the words or stand beside values).

    >>> a = OcrLine("四、结转下年度继续办理", (0, 0, 200, 20), 1.0)
    >>> b = OcrLine("四、政府信息公开行政复议、行政诉讼情况", (0, 40, 400, 60), 1.0)
    >>> [section_heading(x, [a, b]) for x in (a, b)]
    [None, '四']
    """
    m = _NUMBERED.match(line.text)
    if not m or re.search(r"\d", line.text) or len(line.text) > 40:
        return None
    number = m.group("n")
    if not any(w in m.group("rest")[:24] for w in _WORDS.get(number, ())):
        return None
    y0, y1 = line.box[1], line.box[3]
    if any(o is not line and o.box[1] < y1 and o.box[3] > y0 for o in lines):
        return None
    return number


def title_blocks(lines: Sequence[OcrLine], tables: Sequence[Box] = ()) -> list[list[OcrLine]]:
    """Blocks of ``lines`` (top to bottom) that stand below the heading of 表三 or 表四, each
    ending before the next section heading, a line holding a sentence (。) or a table in
    ``tables`` (boxes), and cut after its last line with a number; blocks without a number are
    left out. The headings themselves are not in the blocks."""
    ordered = sorted(lines, key=lambda l: (l.box[1], l.box[0]))
    blocks: list[list[OcrLine]] = []
    for i, title in enumerate(ordered):
        if section_heading(title, ordered) not in TABLE_SECTIONS:
            continue
        block: list[OcrLine] = []
        for line in ordered[i + 1:]:
            if section_heading(line, ordered) or "。" in line.text \
                    or any(title.box[3] <= box[1] <= line.box[1] for box in tables):
                break
            block.append(line)
        numbered = [k for k, line in enumerate(block) if looks_numeric(line.text) or
                    any(looks_numeric(w) for w in line.text.split())]
        if numbered:
            blocks.append(block[:numbered[-1] + 1])
    return blocks
