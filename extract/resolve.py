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
    >>> [c.values for c in row_candidates(read_slots("3960181"), ("count", "change", "count"))][:1]
    [[396, 0, 181]]
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .normalize import parse_number
from .slots import Slot

MAX_CANDIDATES = 400
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


def _splits(s: str, k: int) -> list[list[tuple[int, int]]]:
    """Ways to cut digit string s into k valid numbers, as (start, end) offsets."""
    if k == 1:
        return [[(0, len(s))]] if _VALID_PART.fullmatch(s) else []
    out = []
    for i in range(1, len(s) - k + 2):
        if not _VALID_PART.fullmatch(s[:i]):
            continue
        for rest in _splits(s[i:], k - 1):
            out.append([(0, i)] + [(a + i, b + i) for a, b in rest])
            if len(out) > MAX_CANDIDATES:
                return out
    return out


def _value(raw: str):
    v = parse_number(raw)
    return v


def _split_candidates(slots: list[Slot], kinds: tuple[str, ...], base: float) -> list[Candidate]:
    n = len(kinds)
    # how many parts each slot may take
    ranges = []
    for s in slots:
        d = s.digits
        if s.kind == "num" and not d.startswith("-") and len(d.replace(".", "")) > 1:
            ranges.append(range(1, len(d.replace(".", "")) + 1))
        else:
            ranges.append(range(1, 2))
    out: list[Candidate] = []

    def compose(i: int, left: int, acc: list[int]) -> None:
        if len(out) > MAX_CANDIDATES:
            return
        if i == len(slots):
            if left == 0:
                expand(acc)
            return
        for k in ranges[i]:
            if k <= left - (len(slots) - i - 1):
                compose(i + 1, left - k, acc + [k])

    def expand(parts: list[int]) -> None:
        per_slot = []
        for s, k in zip(slots, parts):
            if s.kind != "num":
                per_slot.append([[(None, None)]])
            elif k == 1:
                per_slot.append([[(s.digits, (s.start, s.end))]])
            else:
                d = s.digits
                per_slot.append([[(d[a:b], (s.start + a, s.start + b)) for a, b in cut] for cut in _splits(d, k)])
        for combo in itertools.product(*per_slot):
            flat = [p for chunk in combo for p in chunk]
            vals, spans, ok = [], [], True
            for (raw, span), kind in zip(flat, kinds):
                v = None if raw is None else _value(raw)
                if raw is not None and v is None:
                    ok = False
                    break
                if isinstance(v, float) and kind != "money":
                    ok = False
                    break
                vals.append(v)
                spans.append(span)
            if ok:
                out.append(Candidate(vals, base + 1.0, "split", spans))
            if len(out) > MAX_CANDIDATES:
                return

    compose(0, n, [])
    return out


def _as_printed(slots: list[Slot], cost: float, how: str) -> Candidate:
    vals = [_value(s.digits) if s.kind == "num" else None for s in slots]
    return Candidate(vals, cost, how, [(s.start, s.end) if s.kind == "num" else None for s in slots])


def row_candidates(slots: list[Slot], kinds: tuple[str, ...]) -> list[Candidate]:
    """Every reasonable reading of a row's slots into ``len(kinds)`` columns, cheapest first."""
    n = len(kinds)
    variants = [([s for s in slots if s.kind != "soft"], 0.0, "printed")]
    if any(s.kind == "soft" for s in slots):
        variants.append(([s if s.kind != "soft" else Slot("empty", "", s.start, s.end) for s in slots], 0.3,
                         "soft-empty"))
    out: list[Candidate] = []
    for vs, base, how in variants:
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
            if len(trimmed) == n:
                out.append(_as_printed(trimmed, base + 0.5, "trimmed"))
            else:
                for i in range(len(trimmed) - n + 1):
                    out.append(_as_printed(trimmed[i:i + n], base + 2.0 + 0.1 * i, "window"))
            continue
        if not vs:
            continue
        out.extend(_split_candidates(vs, kinds, base))
        for pos in itertools.combinations(range(n), m):
            if len(out) > 2 * MAX_CANDIDATES:
                break
            c = _as_printed(vs, 0, "placed")
            vals: list = [MISSING] * n
            spans: list = [None] * n
            for p, v, sp in zip(pos, c.values, c.spans):
                vals[p], spans[p] = v, sp
            shift = sum(p - i for i, p in enumerate(pos))
            cost = base + 3.0 + (0.0 if pos[-1] == n - 1 else 1.0) + 0.05 * shift
            out.append(Candidate(vals, cost, "placed", spans))
    out.sort(key=lambda c: c.cost)
    return out
