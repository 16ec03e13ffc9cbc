"""Turning a row's slots into column values, using the format's arithmetic to decide.

A row whose slots match its columns one to one is read as printed. Otherwise the
row has *candidates*: digit runs split into cells (``230`` → 23 | 0), empty cells
trimmed, values placed into columns when cells were lost. Each candidate has a cost
(how far it strays from what is printed, plus priors of the format such as 本年增/减
being usually 0); the arithmetic of the table then picks among them. Cells on which
equally good candidates disagree are left ``None`` with a finding: never a guess
presented as certain.

Example:
    >>> from extract.slots import read_slots
    >>> cands = row_candidates(read_slots("230 000023"), ("count",) * 7, sum_last=True)
    >>> [c.values for c in cands]
    [[23, 0, 0, 0, 0, 0, 23]]
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Callable, Iterator
from dataclasses import dataclass, field

from .normalize import parse_number
from .slots import Slot

MAX_CANDIDATES = 400  # readings kept per row
MAX_READINGS = 60000  # readings examined per row (run-together digits)
MAX_LOST = 2  # cells a printed row may have lost and still be placed
_VALID_PART = re.compile(r"0|[1-9]\d*|(?:0|[1-9]\d*)\.\d+")


class _Missing:
    """A cell the document lost (not printed empty): to be inferred or left None."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


@dataclass
class Candidate:
    values: list  # int | float | None (printed empty) | MISSING
    cost: float
    how: str  # printed | soft-empty | trimmed | window | split | placed
    spans: list[tuple[int, int] | None] = field(default_factory=list)


def _splits(s: str, k: int, bound: float | None = None, exact: bool = False) -> Iterator[list[tuple[int, int]]]:
    """Ways to cut digit string s into k valid numbers, as (start, end) offsets.

    With ``bound``, only cuts whose parts add up to at most ``bound`` (exactly, with
    ``exact``); partial sums above it are pruned.
    """
    yield from (list(c) for c in _cuts(s, k, bound, exact))


@lru_cache(maxsize=65536)
def _cuts(s: str, k: int, bound: float | None, exact: bool) -> tuple[tuple[tuple[int, int], ...], ...]:
    if k == 1:
        if not _VALID_PART.fullmatch(s):
            return ()
        if bound is not None:
            v = _number(s)
            if v > bound + 1e-9 or (exact and abs(v - bound) > 1e-9):
                return ()
        return (((0, len(s)),),)
    out = []
    for i in range(1, len(s) - k + 2):
        head = s[:i]
        if not _VALID_PART.fullmatch(head):
            continue
        v = _number(head)
        if bound is not None and v > bound + 1e-9:
            break  # longer heads are larger still
        for rest in _cuts(s[i:], k - 1, None if bound is None else bound - v, exact):
            out.append(((0, i),) + tuple((a + i, b + i) for a, b in rest))
    return tuple(out)


def _number(part: str) -> int | float:
    return float(part) if "." in part else int(part)


def _readings(slots: list[Slot], kinds: tuple[str, ...], budget: int | None = None) -> Iterator[tuple[list, list]]:
    """Every reading of the slots as exactly len(kinds) cells: (values, spans).

    With ``budget``, only readings whose values add up to exactly ``budget`` (partial
    sums above it are cut early: that is what makes long digit runs tractable).
    """
    n = len(kinds)
    sizes = []
    for s in slots:
        d = s.digits.lstrip("-")
        sizes.append(len(d.replace(".", "")) if s.kind == "num" and len(d.replace(".", "")) > 1 else 1)

    def parts(s: Slot, k: int, col: int, left, last: bool) -> Iterator[tuple[list, list]]:
        if s.kind != "num":
            yield [None], [None]
            return
        d = s.digits
        sign = -1 if d.startswith("-") else 1
        body, off = (d[1:], s.start + 1) if sign < 0 else (d, s.start)
        prune = left is not None and sign > 0 and "." not in body
        for cut in (_splits(body, k, left, last) if prune else _splits(body, k)):
            vals = [_number(body[a:b]) for a, b in cut]
            vals[0] *= sign
            if any(v < 0 and kinds[col + j] != "change" for j, v in enumerate(vals)):
                continue  # only 本年增/减 may be negative
            if any(isinstance(v, float) and kinds[col + j] != "money" for j, v in enumerate(vals)):
                continue
            yield vals, [(off + a - (1 if (j == 0 and sign < 0) else 0), off + b) for j, (a, b) in enumerate(cut)]

    def walk(i: int, col: int, left) -> Iterator[tuple[list, list]]:
        if i == len(slots):
            if col == n and (left is None or abs(left) < 1e-9):
                yield [], []
            return
        rest_min = len(slots) - i - 1
        for k in range(1, min(sizes[i], n - col - rest_min) + 1):
            for vals, spans in parts(slots[i], k, col, left, i == len(slots) - 1):
                new_left = None if left is None else left - sum(v or 0 for v in vals)
                if new_left is not None and new_left < -1e-9:
                    continue
                for tv, ts in walk(i + 1, col + k, new_left):
                    yield vals + tv, spans + ts

    yield from walk(0, 0, budget)


def _readings_with_total(slots: list[Slot], kinds: tuple[str, ...]) -> Iterator[tuple[list, list]]:
    """Readings of a row whose last column is the sum of the others: choose the total first."""
    last = slots[-1]
    if last.kind != "num" or "." in last.digits or last.digits.startswith("-"):
        yield from ((v, sp) for v, sp in _readings(slots, kinds) if abs(sum(x or 0 for x in v[:-1]) - (v[-1] or 0)) < 1e-9)
        return
    d = last.digits
    rest = sum(len(x.digits) for x in slots[:-1] if x.kind == "num")
    for j in range(len(d) - 1, -1, -1):
        tail = d[j:]
        if not _VALID_PART.fullmatch(tail):
            continue
        # every part is at most the total, and the total at most one digit longer than the longest part
        r, t = rest + j, len(tail)
        if (tail != "0" and r > (len(kinds) - 1) * t) or t > r + 1:
            continue
        head = slots[:-1] + ([Slot("num", d[:j], last.start, last.start + j)] if j else [])
        for vals, spans in _readings(head, kinds[:-1], budget=int(tail)):
            yield vals + [int(tail)], spans + [(last.start + j, last.end)]


def _cut_slot(s: Slot, o: int) -> tuple[Slot, Slot]:
    return Slot("num", s.digits[:o], s.start, s.start + o), Slot("num", s.digits[o:], s.start + o, s.end)


def _grouped_readings(slots: list[Slot], kinds: tuple[str, ...], size: int) -> Iterator[tuple[list, list]]:
    """Readings of a row made of groups of ``size`` columns, each ending in its own total (表四)."""
    if len(kinds) == size:
        yield from _group_readings(tuple(slots), kinds)
        return
    if not slots:
        return
    # the first group ends somewhere: between two slots or inside one
    for i, s in enumerate(slots):
        cuts = range(1, len(s.digits)) if s.kind == "num" and "." not in s.digits and not s.digits.startswith("-") else ()
        for o in cuts:
            a, b = _cut_slot(s, o)
            yield from _join(slots[:i] + [a], [b] + slots[i + 1:], kinds, size)
        yield from _join(slots[:i + 1], slots[i + 1:], kinds, size)


@lru_cache(maxsize=4096)
def _group_readings(head: tuple[Slot, ...], kinds: tuple[str, ...]) -> tuple:
    return tuple(itertools.islice(_readings_with_total(list(head), kinds), MAX_CANDIDATES))


def _join(head: list[Slot], tail: list[Slot], kinds: tuple[str, ...], size: int) -> Iterator[tuple[list, list]]:
    if not tail or len(head) > size * 8:
        return
    firsts = _group_readings(tuple(head), kinds[:size])
    if not firsts:
        return
    for rv, rs in _grouped_readings(tail, kinds[size:], size):
        for fv, fs in firsts:
            yield fv + rv, fs + rs


def _split_candidates(slots: list[Slot], kinds: tuple[str, ...], base: float,
                      accept: Callable[[list], bool] | None, sum_last: bool, group: int | None = None
                      ) -> list[Candidate]:
    accepted: list[Candidate] = []
    rejected: list[Candidate] = []
    if group:
        readings = _grouped_readings(slots, kinds, group)
    elif sum_last:
        readings = _readings_with_total(slots, kinds)
    else:
        readings = _readings(slots, kinds)
    for n, (vals, spans) in enumerate(readings):
        if n >= MAX_READINGS or len(accepted) >= MAX_CANDIDATES:
            break
        c = Candidate(vals, base + 1.0, "split", spans)
        if accept is None or accept(vals):
            accepted.append(c)
        elif len(rejected) < 5:
            rejected.append(c)
    return accepted or rejected


def _as_printed(slots: list[Slot], cost: float, how: str) -> Candidate:
    vals = [parse_number(s.digits) if s.kind == "num" else None for s in slots]
    return Candidate(vals, cost, how, [(s.start, s.end) if s.kind == "num" else None for s in slots])


def _placed(vs: list[Slot], n: int, base: float) -> list[Candidate]:
    """The printed values placed into n columns in order, the other columns lost (MISSING)."""
    out = []
    m = len(vs)
    for pos in itertools.combinations(range(n), m):
        c = _as_printed(vs, 0, "placed")
        vals: list = [MISSING] * n
        spans: list = [None] * n
        for p, v, sp in zip(pos, c.values, c.spans):
            vals[p], spans[p] = v, sp
        shift = sum(p - i for i, p in enumerate(pos))
        cost = base + 3.0 + (0.0 if pos[-1] == n - 1 else 1.0) + 0.05 * shift
        out.append(Candidate(vals, cost, "placed", spans))
    return out


LONG_RUN = 6
"""Digits in a run that OCR or a copy more likely ran together from several cells than printed as one
count (a 表三 row's 160 22 37 13 read as 160223713)."""


def _one_number(s: Slot) -> bool:
    """Whether a slot can be a single cell: not a run like ``00`` (no count starts with 0)."""
    return s.kind != "num" or bool(_VALID_PART.fullmatch(s.digits.lstrip("-")))


def _capacity(s: Slot) -> int:
    """The most cells a slot can hold: one per digit of a run, one otherwise."""
    d = s.digits.lstrip("-")
    return len(d) if s.kind == "num" and d.isdigit() else 1


def _soft_runs(slots: list[Slot]) -> list[list[int]]:
    """Indices of the slots that may be empty, one list per blank run (adjacent soft slots)."""
    runs: list[list[int]] = []
    for i, s in enumerate(slots):
        if s.kind == "soft":
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    return runs


def row_candidates(slots: list[Slot], kinds: tuple[str, ...], accept: Callable[[list], bool] | None = None,
                   sum_last: bool = False, group: int | None = None) -> list[Candidate]:
    """Every reasonable reading of a row's slots into ``len(kinds)`` columns, cheapest first.

    ``accept`` (the row's own arithmetic, when it has one) filters the splits of
    run-together digits; if no split passes, a few that fail are returned. With
    ``sum_last`` the last column is the sum of the others, and only splits that add
    up are enumerated; with ``group`` that holds for each group of that many columns.
    """
    n = len(kinds)
    variants = [([s for s in slots if s.kind != "soft"], 0.0, "printed")]
    if any(s.kind == "soft" for s in slots):
        variants.append(([s if s.kind != "soft" else Slot("empty", "", s.start, s.end) for s in slots], 0.3,
                         "soft-empty"))
        runs = _soft_runs(slots)
        need = n - len(variants[0][0])
        if len(runs) == 1 and 0 < need < len(runs[0]):  # one blank run longer than the cells it can be
            drop = set(runs[0][need:])  # (a copy that spaces every cell by a blank line: two per empty cell)
            variants.append(([s if s.kind != "soft" else Slot("empty", "", s.start, s.end)
                              for i, s in enumerate(slots) if i not in drop], 0.3, "soft-empty"))
    for vs, base, _ in list(variants):  # runs like 000 that must be split and fill the row, then empty
        core = vs[next((i for i, x in enumerate(vs) if x.kind != "empty"), len(vs)):]  # cells (an unruled grid's)
        while core and core[-1].kind == "empty":
            core = core[:-1]
        if not core or len(core) >= min(len(vs), n) or sum(map(_capacity, core)) < n:
            continue
        if not all(map(_one_number, core)):  # 00: cells run together
            variants.append((core, base + 0.5, "trimmed"))
        elif any(_capacity(x) >= LONG_RUN for x in core) or (  # 160223713; or the grid's empty cells read as
                accept and len(vs) == n and not accept(_as_printed(vs, 0, "printed").values)):  # cells break the sums
            variants.append((core, base + 0.5, "trimmed-split"))
    out: list[Candidate] = []
    for vs, base, how in variants:
        if how == "trimmed-split":  # only splits of its runs that fill the row and add up: the empty cells
            out.extend(c for c in _split_candidates(vs, kinds, base, accept, sum_last, group)  # dropped, no cell
                       if accept is None or accept(c.values))  # may be inferred in their place
            continue
        m = len(vs)
        if m == n:
            out.append(_as_printed(vs, base, how))
            continue
        if m > n:
            trimmed = list(vs)
            while len(trimmed) > n and trimmed[-1].kind == "empty":
                trimmed.pop()
            while len(trimmed) > n and trimmed[0].kind == "empty":
                trimmed.pop(0)
            nums = [x for x in trimmed if x.kind == "num"]
            if len(trimmed) == n:
                out.append(_as_printed(trimmed, base + 0.5, "trimmed"))
            elif len(nums) == n:  # as many numbers as columns, empty cells between them: a column
                out.append(_as_printed(nums, base + 1.0, "trimmed"))  # an unruled header opened
            else:
                for i in range(len(trimmed) - n + 1):
                    out.append(_as_printed(trimmed[i:i + n], base + 2.0 + 0.1 * i, "window"))
            continue
        if not vs:
            continue
        # with a sum rule, a run that no split makes add up stays unread (the caller reports it)
        out.extend(_split_candidates(vs, kinds, base, accept, sum_last, group))
        if n - m > MAX_LOST:
            if m == 2 and sum_last and all(x.kind == "num" and _one_number(x) for x in vs) and \
                    parse_number(vs[0].digits) == parse_number(vs[1].digits):
                # two values under seven columns whose empty cells left no trace (a PDF or OCR
                # line): the usual reading is 自然人 … 总计 with the legal-person columns empty
                c = _as_printed(vs, 0, "placed-edges")
                out.append(Candidate([c.values[0]] + [None] * (n - 2) + [c.values[1]], base + 4.5, "placed-edges",
                                     [c.spans[0]] + [None] * (n - 2) + [c.spans[1]]))
            # few slots, but runs of digits (OCR's 000000 for six cells) too short to fill the row:
            # a cell or two lost besides, as below
            if not 0 < n - sum(map(_capacity, vs)) <= MAX_LOST:
                continue
        elif all(map(_one_number, vs)):  # "00" is two cells run together, never one value
            out.extend(_placed(vs, n, base))
        # a run of digits that lost its separators *and* a row that lost a cell (OCR "00" for "0 0")
        for k in range(1, MAX_LOST + 1):
            if n - k <= m or not sum_last:
                continue
            for vals, spans in itertools.islice(_readings(vs, kinds[:n - k]), 50):
                parts = [Slot("num", str(v), a, b) if v is not None else Slot("empty", "", 0, 0)
                         for v, (a, b) in zip(vals, [sp or (0, 0) for sp in spans])]
                out.extend(_placed(parts, n, base + 1.0))
    out.sort(key=lambda c: c.cost)
    return out
