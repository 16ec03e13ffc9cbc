"""From per-character label probabilities to consistent spans (a CRF-style Viterbi decode).

The classifier scores every character alone; a span's characters then sometimes disagree
(one character of a narrative line read as a row header). Decoding fixes that the way a CRF
layer would, with transitions set by the label scheme instead of learned: whitespace and
markers are always ``O``, and inside a run of characters changing class costs
``switch_cost`` nats, so a class changes mid-run only where the evidence for it is
consistent (an inline sub-heading followed by its text, values glued to a row label).

Example:
    >>> import numpy as np
    >>> from models.labels import LABELS
    >>> p = np.full((4, len(LABELS)), 0.01)
    >>> p[:, LABELS.index("I-TXT")] = [0.9, 0.4, 0.9, 0.9]
    >>> p[1, LABELS.index("I-ROW")] = 0.55
    >>> decode_classes("正文正文", p, LABELS)
    ['TXT', 'TXT', 'TXT', 'TXT']
"""
from __future__ import annotations

import re

import numpy as np

from .labels import BREAKS, CLASSES

_NAMES = ["O", *CLASSES]
SWITCH_COST, SOFT_COST = 8.0, 2.0
"""Nats a class change inside a run of characters costs, anywhere and at a soft place (chosen by grid
search on 60 documents of the *training* templates with unseen seeds, never on the test templates:
soft 2 lifted sub-heading F1 there from 0.81 to 0.93 and overall F1 from 0.9855 to 0.9884)."""
SUB_PAST_STOP, SUB_EXIT = 30.0, 16.0
"""An inline sub-heading ends at its first 。：；, so ``SUB`` going on past one costs ``SUB_PAST_STOP``
and leaving ``SUB`` anywhere else costs ``SUB_EXIT`` (chosen on 120 documents of the training
templates with unseen seeds: sub-heading F1 there 0.912 → 0.952, overall 0.9928 → 0.9937, with the
checkpoint they were chosen on; 0.922 → 0.943 with the shipped nianbao-tc-v3)."""


def class_probs(probs: np.ndarray, labels: list[str]) -> np.ndarray:
    """BIO label probabilities summed per class: shape (n, 1 + len(CLASSES)), column 0 is ``O``."""
    out = np.zeros((probs.shape[0], len(_NAMES)), dtype=np.float64)
    for j, lab in enumerate(labels):
        out[:, _NAMES.index(lab[2:] if lab != "O" else "O")] += probs[:, j]
    return out


_SOFT_AFTER = frozenset("。:：;；")
ENUM_COST = 4.0
"""Nats against ``VAL`` for a digit that numbers an item (``2.其他…``: one digit, a dot or 、, then text).
Glued after a row's values in a flattened table (``…00000532.其他法律…``) it reads like one more value.
Chosen among 0, 2, 4, 8 on 120 documents of the *training* templates with unseen seeds: row-header F1
there 0.970 → 0.995, overall 0.9892 → 0.9953 (4 and 8 tie)."""


SUB_MARK_BONUS, SUB_MARK_REACH = 4.0, 40
"""Nats per character for ``SUB`` from a sub-heading's mark to its first 。：；, or to its line's end
(when either comes within ``SUB_MARK_REACH`` characters), where a line or a sentence opens with a mark
(（一） (2) 三是 4、). The model reads the words of an unseen sub-heading as prose; its place and mark
say otherwise. Chosen among 0, 0.5, 1, 1.5, 2, 3, 4, 6, 10 on 160 documents of the *training* templates
with unseen seeds (seed 1013): sub-heading F1 there 0.951 → 0.968 (3–6 tie, 10 worse), narrative
0.970 → 0.977, row headers unchanged at 0.998."""
_SUB_MARK = re.compile(r"(?:^|(?<=。))(?:[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)]|[一二三四五六七八九十]{1,3}是|\d{1,2}[.．、](?!\d))",
                       re.M)
_SUB_STOPS = "。:：;；"
_ROW_NEXT = re.compile(r"[ \t\n\u3000]*[\d\x1f\x1e\x1d]")


def sub_mark_spans(text: str, reach: int = SUB_MARK_REACH) -> list[tuple[int, int]]:
    """``(start, end)`` of the text a sub-heading mark opens: the mark, then up to its first 。：；
    or its line's end when that comes within ``reach`` characters. A line that a cell or a number
    follows is a table's row label and opens none.

    >>> t = "正文。\\n（一）概况。正文\\n(2)平台建设\\n(一)予以公开\\n5\\n"
    >>> [t[a:b] for a, b in sub_mark_spans(t)]
    ['（一）概况。', '(2)平台建设']
    """
    out = []
    for m in _SUB_MARK.finditer(text):
        a, end = m.start(), m.end()
        stop = len(text)
        for j in range(end, min(len(text), end + reach + 1)):
            if text[j] in _SUB_STOPS:
                stop = j + 1
                break
            if text[j] in "\n\x1f\x1e\x1d":
                stop = j
                break
        else:
            stop = end
        if stop - a > reach:
            stop = end
        if text[stop - 1] not in _SUB_STOPS and _ROW_NEXT.match(text, stop):
            continue  # a table's row label (its values or cells follow), not a heading
        out.append((a, _at_heading_end(text, a, stop, reach)))
    return out


_HEADING_END = re.compile("情况|方面|措施|问题")
"""The words sub-headings end with (（二）依申请公开办理情况, 二是制度建设方面, （二）改进措施). Run together
with their text (``（一）基本情况今年，我区…``, a report flattened by a crawler) they are where the
heading stops, as a 。 would be. Measured on 240 documents of the *training* templates with an unseen
seed (4021), nianbao-tc-v6 / nianbao-tc-v7: sub-heading F1 there 0.9776 → 0.9792 / 0.9771 → 0.9797,
narrative 0.9838 → 0.9843 / 0.9834 → 0.9843 (v7 on a second seed, 4023: 0.9784 → 0.9805); with 情况
alone half of that."""


def _at_heading_end(text: str, a: int, stop: int, reach: int) -> int:
    """The end of a sub-heading's span: ``stop``, or the end of a heading's last word
    (:data:`_HEADING_END`) that text without a stop follows, where that comes first; a bare mark
    (no stop within reach) reaches to such a word ahead.

    >>> t = "（一）基本情况今年，我区公布政府信息。"
    >>> t[:_at_heading_end(t, 0, len(t), 40)]
    '（一）基本情况'
    >>> t = "（一）主动公开情况。正文"
    >>> t[:_at_heading_end(t, 0, 10, 40)]
    '（一）主动公开情况。'
    """
    m = _HEADING_END.search(text, a, min(len(text), a + reach))
    if m is None or (m.end() < len(text) and text[m.end()] in _SUB_STOPS + "\n"):
        return stop
    if m.end() < stop or stop - a <= 6:
        return m.end()
    return stop


_GLUED_N_OF_M = (r"|(?<=[^\d\s/.:\-\x1d-\x1f比约占达第共为年于])\d{1,3}/\d{1,3}"
                 r"(?=[^\d\s/.:\-\x1d-\x1f。，,；;：、%日号月分批以左])")
"""A browser's ``3/8`` footer run into the text on both sides (``…第(五)项3/4信息内容``): between two
characters that are neither digits, separators nor markers (not a date's ``2021/3/4``, not a value),
nor the words around a fraction or a date in prose (``占比1/3的``, ``于3/15日``); and ``n`` ≤ ``m``
(:func:`page_spans`)."""

PAGE_BONUS = 8.0
"""Nats per character for ``FUR`` on a page number's forms (``- 3 -``, ``第3页/共8页``, ``Page 3``, a
line of ``3/8``), wherever they stand: glued after a row's values they read like more values.
Chosen among 0, 1, 2, 4, 6, 8, 12, 20 on the same 160 training-template documents: furniture F1
there 0.968 → 0.979 (8–20 tie), whole reports run together (``flat_run``) 0.933 → 0.954. The glued
``n/m`` form, the guard on ``Page`` and the cheap change at a page number's edges came later (see
``_GLUED_N_OF_M`` and :func:`decode_classes`), measured on 240 training-template documents of an unseen
seed: furniture F1 there 0.9745 → 0.9775 with nianbao-tc-v5."""
_PAGE = re.compile(r"[-—–][ \u3000]+\d{1,3}[ \u3000]+[-—–]|—\d{1,3}—|第[ \u3000]*\d{1,3}[ \u3000]*页"
                   r"(?:[ \u3000]*[,/，]?[ \u3000]*共[ \u3000]*\d{1,3}[ \u3000]*页)?"
                   r"|Page[ \u3000]*(?:\d{1,2}(?=\d[.．、]\D)|\d{1,3}(?!\d))"
                   r"|^[ \u3000]*\d{1,3}[ \u3000]*/[ \u3000]*\d{1,3}[ \u3000]*$" + _GLUED_N_OF_M, re.M)
"""Not across a cell marker: ``—|3|—`` is a row's empty cells around a value. ``Page 52.没有…`` is
page 5 before item 2 (a page number does not take an item's number)."""
_N_OF_M = re.compile(r"(\d{1,3})[ \u3000]*/[ \u3000]*(\d{1,3})")


def page_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the page numbers in ``text`` (``_PAGE``'s forms; an ``n/m`` only with n ≤ m).

    >>> t = "数量3/7行政许可，占比1/3的，于3/15日，5/2项Page 52.没有；Page 7.然后"
    >>> [t[a:b] for a, b in page_spans(t)]
    ['3/7', 'Page 5', 'Page 7']
    """
    out = []
    for m in _PAGE.finditer(text):
        nm = _N_OF_M.fullmatch(m.group().strip(" \u3000"))
        if nm and int(nm.group(1)) > int(nm.group(2)):
            continue
        out.append((m.start(), m.end()))
    return out


SEC_OFF_MARK = 2.0
"""Nats per character against ``SEC`` outside the reach of a section's number (一、 二. 三，): the words
of a heading inside prose (本机关无其他需要报告的事项) are prose. Chosen among 0, 1, 2, 4, 8 on the same
160 training-template documents: section F1 there 0.995 → 0.997, narrative 0.979 → 0.982 (2–8 tie)."""
_SEC_MARK = re.compile(r"[一二三四五六七=][、.．，,]")


def sec_zones(text: str, reach: int = SUB_MARK_REACH) -> np.ndarray:
    """True for characters within ``reach`` of a section number (一、 …), up to their line's end."""
    zone = np.zeros(len(text), dtype=bool)
    for m in _SEC_MARK.finditer(text):
        end = text.find("\n", m.start())
        zone[m.start(): min(m.start() + reach, len(text) if end < 0 else end)] = True
    return zone


SUB_OFF_MARK = 4.0
"""Nats per character against ``SUB`` beyond the reach of any sub-heading mark: a line of unknown words
after a heading (crawler chrome, most often) is no sub-heading unless numbered, as the format's
sub-headings are. Chosen among 0, 1, 2, 4, 8 on the same 160 training-template documents: sub-heading
F1 there 0.974 → 0.984 (4 and 8 tie), narrative 0.982 → 0.985."""
_ANY_SUB_MARK = re.compile(_SUB_MARK.pattern.split("(?:^|(?<=。))", 1)[1])


def sub_zones(text: str, reach: int = SUB_MARK_REACH) -> np.ndarray:
    """True for characters within ``reach`` of a sub-heading mark anywhere, up to their line's end."""
    zone = np.zeros(len(text), dtype=bool)
    for m in _ANY_SUB_MARK.finditer(text):
        end = text.find("\n", m.start())
        zone[m.start(): min(m.start() + reach, len(text) if end < 0 else end)] = True
    return zone


_ENUMERATOR = re.compile(r"\d(?=[.．、][^\d" + re.escape("".join(sorted(BREAKS))) + "])")
"""The digit of an item number such as ``2.`` or ``3、`` before text."""


HEADING_ENTRY = 8.0
"""Nats a change *into* a heading class costs where no number of that class starts: the format's
sections open with 一、 and its sub-headings with （一） 二是 3、, so glued text becomes a heading only at
its number (``…本机关无其他需要报告的事项`` stays prose). Chosen among 0, 2, 4, 8 on the same 160
training-template documents: section F1 there 0.9974 → 0.9984, sub-heading 0.9841 → 0.9863,
narrative 0.9848 → 0.9856 (8 best)."""


def mark_starts(text: str) -> dict[int, str]:
    """Where a section's (``"SEC"``) or a sub-heading's (``"SUB"``) number starts, by position.

    >>> mark_starts("正文一、总体情况（一）概况")
    {2: 'SEC', 8: 'SUB'}
    """
    out = {m.start(): "SUB" for m in _ANY_SUB_MARK.finditer(text)}
    out.update({m.start(): "SEC" for m in _SEC_MARK.finditer(text)})
    return dict(sorted(out.items()))


def _with_marks(moves: dict, heading_entry: float) -> dict:
    """The transition matrices keyed by (soft place, the heading number starting here or None):
    a change into ``SEC`` or ``SUB`` costs ``heading_entry`` more except at that class's number."""
    out = {}
    for soft, m in moves.items():
        for mark in (None, "SEC", "SUB"):
            t = m.copy()
            for name in ("SEC", "SUB"):
                c = _NAMES.index(name) - 1
                if mark != name:
                    t[np.arange(len(t)) != c, c] -= heading_entry
            out[soft, mark] = t
    return out


def _soft(prev: str, ch: str) -> str | None:
    """Where glued text may change class cheaply: ``"stop"`` after 。：； (a heading ends there),
    ``"digit"`` where digits meet text (values glued to a row label); else None."""
    if prev in _SOFT_AFTER:
        return "stop"
    if prev.isdigit() != ch.isdigit() and prev not in ".-" and ch not in ".-%":
        return "digit"
    return None


def decode_classes(text: str, probs: np.ndarray, labels: list[str], switch_cost: float = SWITCH_COST,
                   soft_cost: float = SOFT_COST, sub_past_stop: float = SUB_PAST_STOP,
                   sub_exit: float = SUB_EXIT, enum_cost: float = ENUM_COST,
                   sub_mark_bonus: float = SUB_MARK_BONUS, page_bonus: float = PAGE_BONUS,
                   sec_off_mark: float = SEC_OFF_MARK, sub_off_mark: float = SUB_OFF_MARK,
                   heading_entry: float = HEADING_ENTRY, page_edge: bool = True) -> list[str]:
    """The best class sequence under per-character scores and the switch penalty: ``soft_cost``
    after 。：； for any change, and where digits meet text for a change into or out of ``VAL``;
    a sub-heading ends at its first 。：； (``sub_past_stop``) and hardly anywhere else (``sub_exit``);
    an item number's digit is not a value (``enum_cost``); with ``page_edge`` (and ``page_bonus``) a
    change costs at most ``soft_cost`` where a page number's form starts or ends (run into text, it is
    a span of its own).

    >>> import numpy as np
    >>> from models.labels import LABELS
    >>> text = "（一）概况。正文"
    >>> p = np.full((len(text), len(LABELS)), 0.01)
    >>> p[:, LABELS.index("I-SUB")] = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.6, 0.6]
    >>> p[:, LABELS.index("I-TXT")] = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.4, 0.4]
    >>> "".join(c[1] for c in decode_classes(text, p, LABELS))
    'UUUUUUXX'
    >>> "".join(c[1] for c in decode_classes(text, p, LABELS, sub_past_stop=0))
    'UUUUUUUU'
    """
    cp = np.log(np.clip(class_probs(probs, labels), 1e-9, None))
    k = len(_NAMES)
    if enum_cost:
        cp[[m.start() for m in _ENUMERATOR.finditer(text)], _NAMES.index("VAL")] -= enum_cost
    if sub_mark_bonus:
        for a, b in sub_mark_spans(text):
            cp[a:b, _NAMES.index("SUB")] += sub_mark_bonus
    edges: set[int] = set()
    if page_bonus:
        for a, b in page_spans(text):
            cp[a:b, _NAMES.index("FUR")] += page_bonus
            if page_edge:
                edges.update((a, b))
    if sec_off_mark:
        cp[~sec_zones(text), _NAMES.index("SEC")] -= sec_off_mark
    if sub_off_mark:
        cp[~sub_zones(text), _NAMES.index("SUB")] -= sub_off_mark
    hard = np.full((k - 1, k - 1), -float(switch_cost))
    np.fill_diagonal(hard, 0.0)
    stop = np.full((k - 1, k - 1), -float(soft_cost))
    np.fill_diagonal(stop, 0.0)
    digit = hard.copy()
    v = _NAMES.index("VAL") - 1
    digit[v, :] = digit[:, v] = -soft_cost
    digit[v, v] = 0.0
    s = _NAMES.index("SUB") - 1
    stop[s, s] = -sub_past_stop
    hard[s, :] = -sub_exit
    hard[s, s] = 0.0
    moves = {None: hard, "stop": stop, "digit": digit}
    for place in (None, "stop", "digit"):  # where a page number starts or ends a change costs at most soft_cost
        e = np.maximum(moves[place], -soft_cost)
        np.fill_diagonal(e, np.diag(moves[place]))
        moves["edge", place] = e
    marks = mark_starts(text) if heading_entry else None
    if marks is not None:
        moves = _with_marks(moves, heading_entry)
    out = ["O"] * len(text)
    i, n = 0, len(text)
    while i < n:
        if text[i] in BREAKS:
            i += 1
            continue
        j = i
        while j < n and text[j] not in BREAKS:
            j += 1
        score = cp[i, 1:].copy()  # a run's characters are never O
        back = []
        for p in range(i + 1, j):
            place = _soft(text[p - 1], text[p])
            if p in edges:
                place = "edge", place
            cand = score[:, None] + (moves[place] if marks is None else moves[place, marks.get(p)])
            arg = cand.argmax(0)
            back.append(arg)
            score = cand[arg, np.arange(k - 1)] + cp[p, 1:]
        best = int(score.argmax())
        path = [best]
        for arg in reversed(back):
            best = int(arg[best])
            path.append(best)
        path.reverse()
        out[i:j] = [_NAMES[1 + c] for c in path]
        i = j
    return out
