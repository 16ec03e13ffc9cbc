"""OCR digit misreads that the table's own arithmetic pins down.

A scan read at low resolution turns a 0 into a 6 or a 9, 131 into 181, 53 into 58. In table 三
every cell stands in at least two equations (its row's 总计, and its column: the results add up
to (七)总计, or 一+二 = (七)总计+四). A misread cell breaks every one of them, and each asks
for the same number. When OCR may have read that number as what it read (one digit taken for a
look-alike, a table rule read as a 1), the misread is the simplest account of the page, and the
cell takes it, with a lower confidence and a finding that keeps what OCR read.

Only cells OCR read and was unsure of (a score under :data:`OCR_SURE`) are corrected: a text layer
prints what the report says, and a report whose printed numbers break its arithmetic keeps them
(FORMAT.md); a sure OCR read is as good as a text layer. On 24 held-out synthetic reports scanned
at 150 dpi every misread cell scored under 0.99, while the cells of reports printed with broken
arithmetic, which the arithmetic alone would "correct", scored 0.998 to 1.0; scanned as printed
text, where OCR scores whole lines, such cells scored 0.5 to 0.92 and the look-alike rule alone
turned them away (7 for 5, 3 for 0, 1 for 0 are no look-alikes). A cell read as printed
empty is never filled (nothing was read there to be misread); table 四's cells stand in one
equation each, so nothing there pins a single cell.

Example:
    >>> cells = {f"t3.{r}.{c}": 0 for r in ("new_received", "carried_over", "total", "carried_forward")
    ...          for c in ("natural_person", "commercial", "research", "social_org", "legal_service",
    ...                    "other_org", "total")}
    >>> cells.update({"t3.new_received.natural_person": 5, "t3.new_received.total": 5,
    ...               "t3.total.natural_person": 6, "t3.total.total": 5})  # OCR read the 5 of 总计 as 6
    >>> [(c.key, c.read, c.value) for c in find_misreads(cells, "2021", {"t3"}, frozenset(), set(cells))]
    [('t3.total.natural_person', 6, 5)]
"""
from __future__ import annotations

from dataclasses import dataclass

from .equations import Equation, equations, holds, solve

OCR_SURE = 0.99
"""An OCR score at or above which a cell is read as printed, never corrected."""
MAX_PASSES = 4
"""Rounds of correction: a cell fixed can leave its neighbour's equations pinned."""


@dataclass(frozen=True)
class Misread:
    """One cell OCR misread, the value its equations agree on and those equations."""

    key: str
    read: int
    value: int
    equations: tuple[str, ...]


CONFUSED_DIGITS = frozenset(frozenset(p) for p in ("06", "08", "09", "35", "38", "56", "58", "68", "89", "17"))
"""Digits OCR takes for one another (closed and open loops: 0/6/8/9, 3/5/8; a stroke: 1/7)."""


def ocr_confusable(read: int, value: int) -> bool:
    """Whether OCR may have read ``value`` as ``read``: one digit taken for a look-alike
    (:data:`CONFUSED_DIGITS`), or a table rule beside the number read as a 1 (``125|`` as 1251).

    >>> ocr_confusable(181, 131), ocr_confusable(6, 0), ocr_confusable(1251, 125), ocr_confusable(33, 35)
    (True, True, True, True)
    >>> ocr_confusable(107, 103), ocr_confusable(3, 0), ocr_confusable(15, 51), ocr_confusable(32, 2)
    (False, False, False, False)
    """
    x, y = str(read), str(value)
    if len(x) == len(y):
        diff = [frozenset((p, q)) for p, q in zip(x, y) if p != q]
        return len(diff) == 1 and diff[0] in CONFUSED_DIGITS
    return len(x) == len(y) + 1 and (x == y + "1" or x == "1" + y)


def find_misreads(cells: dict, layout: str, present: set[str], unknown: frozenset[str], ocr_keys: set[str]
                  ) -> list[Misread]:
    """The OCR'd cells whose every equation is broken and asks for one value OCR may have misread as the read.

    ``cells`` is not changed; ``unknown`` are cells the parser could not read (an equation over one
    is not judged); ``ocr_keys`` the cells OCR read with a score under :data:`OCR_SURE`. Cells are
    fixed one round at a time, and a round fixes only cells that share no broken equation (two
    candidates in one row are a doubt).
    """
    cells = dict(cells)
    eqs = [e for e in equations(layout) if e.id[:2] in present and not any(k in unknown for k in e.keys)
           and all(k in cells for k in e.keys)]
    by_key: dict[str, list[Equation]] = {}
    for e in eqs:
        for k in e.keys:
            by_key.setdefault(k, []).append(e)
    out: list[Misread] = []
    for _ in range(MAX_PASSES):
        found = []
        for k, mine in by_key.items():
            read = cells.get(k)
            if k not in ocr_keys or not isinstance(read, int) or isinstance(read, bool) or read < 0 or len(mine) < 2:
                continue
            if any(holds(e, cells) is not False for e in mine):
                continue
            wanted = {solve(e, k, cells) for e in mine}
            if len(wanted) != 1:
                continue
            v = wanted.pop()
            if v >= 0 and v == int(v) and ocr_confusable(read, int(v)):
                found.append(Misread(k, read, int(v), tuple(e.id for e in mine)))
        shared = [e for m in found for e in m.equations]
        found = [m for m in found if all(shared.count(e) == 1 for e in m.equations)]
        if not found:
            break
        for m in found:
            cells[m.key] = m.value
        out.extend(found)
    return out
