"""Reading the values that follow a row label in the flat text.

A row's values are *slots*: a printed number (possibly several cells run together,
``0000000``), a cell printed empty, or a blank line that may stand for an empty cell.
Reading starts after the label's own text and stops at the next text that is not a
value, so group labels, repeated headers and page furniture end a row.

Example:
    >>> [s.raw for s in read_slots("本年新收政府信息公开申请数量230 000023二、上年")]
    ['230', '000023']
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .flat import EMPTY, SEP, SOFT

_NUM = re.compile(r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:万元|元)?")
# a number followed by one of these is narrative ("13件", "2024年"), not a table cell
_NARRATIVE_UNIT = re.compile(r"[件条个项人次年月日号万亿余多家名所份期批起宗例天%]")
_CELL_END = set(f"{SEP}{EMPTY}{SOFT}\n")
_SKIP = set(" \n\t,，;；" + SEP)
_HAS_VALUE = re.compile(rf"[0-9{SOFT}]")
_VALUE_START = re.compile(rf"[0-9{EMPTY}{SOFT}]|[-−]\d")
_ITEM = re.compile(r"\s*[(（]?[一二三四五六七八九十\d]{1,2}[)）.．、·・•]")  # a row's own number: 3. (六) 四、 (2· as OCR reads 2、)
_ITEM_AFTER = re.compile(r"\s*[.．、·・•]\s*[\u4e00-\u9fff“\"]")
"""What follows a digit that numbers the next row's label (``3.危及…``, ``2·其他…`` as OCR reads
``2、``), when that label was not recognized: the digit is no value of this row. Not a comma: a
table flattened with commas between its cells puts one after its last value."""


@dataclass(frozen=True)
class Slot:
    kind: str  # num | empty | soft
    raw: str
    start: int  # position in the flat text
    end: int
    dirty: bool = False  # followed by a narrative unit: probably prose, not a cell

    @property
    def digits(self) -> str:
        return re.sub(r"万元|元|,", "", self.raw).replace("−", "-")


def read_slots(text: str, start: int = 0, end: int | None = None) -> list[Slot]:
    """Slots of one row: skip the label's tail, then read values until other text."""
    end = len(text) if end is None else end
    # empty cells on the next label's own line (its indentation, a group label) are not this row's
    nl = text.rfind("\n", start, end)
    if nl != -1 and not _HAS_VALUE.search(text, nl, end):
        end = nl
    m = _VALUE_START.search(text, start, end)
    if not m:
        return []
    slots = scan_values(text, m.start(), end, stop_at_text=True)
    stop = slots[-1].end if slots else m.start()
    while stop < end and text[stop] in _SKIP:
        stop += 1
    line = text.rfind("\n", slots[0].start if slots else start, stop) if stop < end else -1
    if line == -1:
        return slots  # the row ends where the range does, or inside its own line
    # the text that ended the row starts a new line
    nxt = line + 1
    while nxt < end and (text[nxt] in _SKIP or text[nxt] == EMPTY):  # the line's empty first cells
        nxt += 1
    if all(x.kind != "num" for x in slots) and not _ITEM.match(text, nxt):
        # a label printed over several lines (an unruled scan): its values stand beside a later line
        later = read_slots(text, nxt, end)
        if any(x.kind == "num" for x in later):
            return later
    if any(x.start < line for x in slots):  # empty cells before that line's text are its own
        while slots[-1].kind == "empty" and slots[-1].start > line:
            slots.pop()
    return slots


def scan_values(text: str, start: int, end: int, *, stop_at_text: bool) -> list[Slot]:
    """Value slots in text[start:end]; with ``stop_at_text`` False, text between them is skipped."""
    out: list[Slot] = []
    i = start
    while i < end:
        ch = text[i]
        if ch in _SKIP:
            i += 1
        elif ch == EMPTY:
            out.append(Slot("empty", "", i, i + 1))
            i += 1
        elif ch == SOFT:
            out.append(Slot("soft", "", i, i + 1))
            i += 1
        else:
            m = _NUM.match(text, i, end)
            if m and (ch.isdigit() or ch in "-−"):
                j = m.end()
                if len(m.group()) == 1 and _ITEM_AFTER.match(text, j, end):  # an item number
                    if stop_at_text:
                        break
                    i = j
                    continue
                dirty = j < end and bool(_NARRATIVE_UNIT.match(text, j))
                if dirty and (j + 1 >= end or text[j + 1] in _CELL_END):
                    j, dirty = j + 1, False  # "5件" alone in a cell: the unit belongs to the value
                if j < end and text[j] == "." and j + 1 < end and text[j + 1].isdigit():
                    dirty = True  # a date or version number such as 2024.1.5
                out.append(Slot("num", m.group(), i, m.end(), dirty))
                i = j
            elif stop_at_text:
                break
            else:
                i += 1
    return out
