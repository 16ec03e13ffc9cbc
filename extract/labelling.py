"""The token classifier's labels put to work: what the assembler reads, and what it skips.

Given the flat text *with* furniture and one predicted class per character:

* a line or cell is **furniture** when the rules say so (page numbers, margins repeated on
  every page, site chrome) **or** when the model labels it ``FUR`` with confidence; a run
  of confident ``FUR`` characters inside a longer line (crawler debris glued to a row)
  goes too. What is left is the text the tables and sections are read from.
* a **section heading** the rules missed (an OCR'd ``二`` read as ``=``, a heading glued
  to its text) is taken from a confident ``SEC`` span whose words match a heading of the
  format.

Example:
    >>> from extract.flat import FlatText, Origin
    >>> o = lambda s: Origin(1, "segment", None, s, 1.0)
    >>> flat = FlatText("规章\\x1f1\\x1f\\n- 3 -\\n", [0, 6], [o((0, 5)), o((6, 11))])
    >>> kept, labels, conf = drop_furniture(flat, ["ROW"] * 2 + ["O", "VAL", "O", "O"] + ["FUR"] * 5 + ["O"], [0.99] * 12)
    >>> kept.text
    '规章\\x1f1\\x1f\\n'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from difflib import SequenceMatcher

from .flat import _PAGE_NUMBER, FlatText
from .schema import HEADING_VARIANTS, LAYOUTS, SECTIONS
from .sections import Heading, find_sections

_BREAK = " \t\n\u3000\x1f\x1e\x1d"
UNIT_SHARE, UNIT_CONF, RUN_LEN, RUN_CONF = 0.8, 0.8, 4, 0.9


_NUMBER = re.compile(r"^[\d.,，%\s\x1f\x1e\x1d-]+$")
_TITLE = re.compile(r"(政府信息公开|政务公开).{0,12}(年度|年)?报告")


def _structure(text: str) -> bool:
    return bool(_TITLE.search(text) or find_sections(text))


@lru_cache(maxsize=1)
def _row_label() -> re.Pattern:
    """Any table row's label words of either layout (予以公开, 总计, 行政许可 …)."""
    words = {m for lay in LAYOUTS.values() for t in lay.tables for r in t.rows for m in r.match if not m.startswith("re:")}
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))


_TITLE_TAIL = re.compile(r"\s*(?:19|20)\d{2}\s*年")


def _title_head(text: str, following: str) -> bool:
    """The agency's name on its own line above the rest of a title (``某局`` / ``2021年…年度报告``)."""
    return len(text) <= 30 and not re.search(r"[。，,；;：:]", text) and bool(
        _TITLE_TAIL.match(following) and _TITLE.search(following))


def _furniture_ranges(flat: FlatText, classes: list[str], conf) -> list[tuple[int, int]]:
    out = []
    units = flat.units()
    for k, ((a, b), o) in enumerate(zip(units, flat.origins)):
        text = flat.text[a:b].strip(_BREAK)
        if o.role != "body" or (len(text) < 16 and _PAGE_NUMBER.match(text)):
            out.append((a, b))
            continue
        idx = [i for i in range(a, b) if flat.text[i] not in _BREAK]
        if not idx:
            continue
        fur = [i for i in idx if classes[i] == "FUR"]
        following = flat.text[units[k + 1][0]:units[k + 1][1]].strip(_BREAK) if k + 1 < len(units) else ""
        if not fur or o.kind == "cell" or _NUMBER.match(text) or _structure(text) or _title_head(text, following):
            continue  # the model never removes a table cell, a bare number, a heading or the title
        label = _row_label().search(text)  # nor a table's row as a line, nor a row's label alone on one (one cell per line)
        row = bool(label) and (any(ch.isdigit() for ch in text) or len(label.group()) >= 0.6 * len(text))
        if not row and len(fur) >= UNIT_SHARE * len(idx) and sum(conf[i] for i in fur) / len(fur) >= UNIT_CONF:
            out.append((a, b))
            continue
        i = a
        while i < b:  # confident furniture runs inside a kept line
            if classes[i] != "FUR":
                i += 1
                continue
            j = i
            while j < b and classes[j] == "FUR":
                j += 1
            if j - i >= RUN_LEN and min(conf[i:j]) >= RUN_CONF and not (
                    row and (flat.text[i:j].isdigit() or _row_label().search(flat.text, i, j))):
                out.append((i, _page_number_tail(flat.text, classes, j, b)))
            i = j
    return out + _rest_of_furniture_lines(flat, units, out)


def _rest_of_furniture_lines(flat: FlatText, units: list[tuple[int, int]], dropped: list[tuple[int, int]]
                             ) -> list[tuple[int, int]]:
    """The other cells of a line of cells most of which are furniture (``网站地图|联系我们|网站声明``,
    the model unsure of one link): words without a digit, a row label or a heading go with them."""
    gone = set(dropped)
    out: list[tuple[int, int]] = []
    line: list[int] = []  # indices of the units of the current line
    for k, (a, b) in enumerate(units):
        line.append(k)
        if not flat.text[a:b].endswith("\n") and b < len(flat.text):
            continue
        cells = [i for i in line if flat.text[units[i][0]:units[i][1]].strip(_BREAK)]
        rest = [i for i in cells if units[i] not in gone]
        if len(cells) >= 3 and 0 < len(rest) <= (len(cells) - len(rest)) / 2 and all(
                flat.origins[i].kind != "cell" and not re.search(r"\d", t) and not _row_label().search(t)
                and not _structure(t) for i, t in ((i, flat.text[units[i][0]:units[i][1]]) for i in rest)):
            out += [units[i] for i in rest]
        line = []
    return out


def _page_number_tail(text: str, classes: list[str], j: int, b: int) -> int:
    """Where furniture ending at ``j`` really ends: past a page number after a space
    (``Page 3``, ``第 3 页``) that the model also calls furniture, however unsure of it."""
    k = j
    while k < b and text[k] in " \u3000":
        k += 1
    m = re.match(r"\d{1,3}(?:\s*页)?", text[k:b])
    if k > j and m and all(c == "FUR" for c in classes[k:k + m.end()]) and \
            (k + m.end() == b or text[k + m.end()] in _BREAK):
        return k + m.end()
    return j


def drop_furniture(flat: FlatText, classes: list[str], conf) -> tuple[FlatText, list[str], list[float]]:
    """The flat text without furniture (rules or model), and the classes and confidences kept."""
    ranges = _furniture_ranges(flat, classes, conf)
    keep = [True] * len(flat.text)
    for a, b in ranges:
        keep[a:b] = [False] * (b - a)
    kept = flat.drop(ranges)
    return kept, [c for c, k in zip(classes, keep) if k], [float(c) for c, k in zip(conf, keep) if k]


@dataclass
class Span:
    start: int
    end: int
    text: str


def spans(text: str, classes: list[str], cls: str) -> list[Span]:
    """Maximal runs of one class within a line (whitespace inside a run is kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if classes[i] != cls:
            i += 1
            continue
        j = i
        while j < n and text[j] != "\n" and (classes[j] == cls or text[j] in " \u3000"):
            j += 1
        out.append(Span(i, j, text[i:j].strip()))
        i = j
    return out


def _number_of(head: str) -> tuple[str | None, float]:
    """The section number a heading's words say, and how well they match a known heading."""
    body = re.sub(r"^\s*\S?\s*[、.．,，]?\s*", "", head)
    best, score = None, 0.0
    for known in HEADING_VARIANTS:
        r = SequenceMatcher(None, body, known[2:]).ratio()
        if r > score:
            best, score = known[0], r
    return best, score


def trim_headings(text: str, classes: list[str], found: list[Heading]) -> list[Heading]:
    """Cut a heading the rules ran on into the next text (``五、…措施(四)…``) where the SEC span
    ends, when the cut reads more like a heading of the format than the whole did."""
    out = []
    for h in found:
        j = h.start
        while j < h.end and (classes[j] == "SEC" or text[j] in _BREAK):  # a heading may wrap
            j += 1
        cut = re.sub(r"\s+", "", text[h.start:j])
        if len(cut) >= 4 and j < h.end and _number_of(cut)[1] >= max(0.75, _number_of(h.text)[1] + 0.05):
            h = Heading(h.number, cut, h.start, j)
        out.append(h)
    return out


def rescue_headings(text: str, classes: list[str], found: list[Heading], min_ratio: float = 0.75) -> list[Heading]:
    """Add the section headings the model labels ``SEC`` that the rules did not find, in order."""
    have = {h.number for h in found}
    order = [n for n, _, _ in SECTIONS]
    out = list(found)
    for s in spans(text, classes, "SEC"):
        if len(s.text) < 4 or len(s.text) > 40:
            continue
        number, score = _number_of(s.text)
        if number is None or number in have or score < min_ratio:
            continue
        before = [h for h in out if order.index(h.number) < order.index(number)]
        after = [h for h in out if order.index(h.number) > order.index(number)]
        if (before and before[-1].end > s.start) or (after and after[0].start < s.end):
            continue  # out of the document's order
        out.append(Heading(number, re.sub(r"\s+", "", s.text), s.start, s.end))
        out.sort(key=lambda h: h.start)
        have.add(number)
    return out
