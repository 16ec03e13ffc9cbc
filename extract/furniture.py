"""Page furniture shared by the readers: margin lines that repeat from page to page.

A running header, a browser's print header (date, time, the page's title) or its URL footer is
printed on most pages of a report; the PDF reader (text layer or OCR) and the image reader mark
such margin lines ``role="furniture"``. On a scan the OCR reads the same line with a different
slip on each page, so a line of an OCR'd page counts as the one it is nearly equal to.
"""
from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

OCR_REPEAT_RATIO = 0.9  # an OCR'd margin line repeats another when this similar (a misread character or space)


def margin_key(text: str) -> str:
    """A margin line with its numbers as ``#`` (page numbers, dates and times change from page to page).

    >>> margin_key("2022/1/19 13:30 某局 1/3")
    '#/#/# #:# 某局 #/#'
    """
    return re.sub(r"\d+", "#", text)


def bare_number_fits(text: str, page: int) -> bool:
    """Whether a margin line that may be a page number could be page ``page``'s: a bare number
    (no dashes, no 第…页) only when it is the page's number or one or two less (a cover or a
    contents page left unnumbered); any other form, yes. A bare ``0`` at a page's head is the last
    value of a table cell printed one per line, not a page number; ``01`` is one only on page 1
    (on a scan it is more often ``0|``, a cell and its bar).

    >>> bare_number_fits("0", 6), bare_number_fits("5", 6), bare_number_fits("- 0 -", 6), bare_number_fits("12", 6)
    (False, True, True, False)
    >>> bare_number_fits("01", 2), bare_number_fits("02", 2)
    (False, True)
    """
    t = text.strip()
    if not t.isdigit():
        return True
    if t.startswith("0") and len(t) > 1:
        return int(t) == page
    return page - 2 <= int(t) <= page and int(t) >= 1


def repeats(pages: list[tuple[set[str], bool]]) -> Counter:
    """On how many pages each margin line (its :func:`margin_key`) appears. A line of an OCR'd page
    (``True`` beside its lines) also counts as the line it is within a few misread characters of:
    a browser's print header read as ``政府值息`` on one page and ``政府信息`` on the next.

    >>> n = repeats([({"#/#/# #:# 某局#年政府信息公开工作年度报告"}, True), ({"#/#/#:# 某局#年政府值息公开工作年度报告"}, True),
    ...               ({"某局#年政府信息公开工作年度报告"}, True)])
    >>> sorted(n.values())
    [1, 2, 2]
    """
    groups: list[tuple[str, set[int]]] = []  # a first line, and the pages its group is on
    of: dict[tuple[int, str], set[int]] = {}
    for i, (keys, ocr) in enumerate(pages):
        for k in keys:
            for first, on in groups:
                if k == first or (ocr and abs(len(k) - len(first)) <= 0.2 * len(first)
                                  and SequenceMatcher(None, k, first).ratio() >= OCR_REPEAT_RATIO):
                    break
            else:
                first, on = k, set()
                groups.append((first, on))
            on.add(i)
            of[(i, k)] = on
    out: Counter = Counter()
    for (_, k), on in of.items():
        out[k] = max(out[k], len(on))
    return out
