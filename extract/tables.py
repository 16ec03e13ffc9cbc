"""Recovering tables 二, 三 and 四 from the flat text of any input kind.

1. **Anchors.** Every row label of the layout (with its variants) is searched for in
   the table's region; a small dynamic programme picks one occurrence per row, in
   order, preferring the occurrence followed by as many values as the row has
   columns (so a label repeated in a heading, a narrative sentence or a repeated
   header row is skipped).
2. **Slots.** The values between a label and the next one are read (``extract.slots``);
   the item number of the next label (``2.其他法律…``) is cut off first.
3. **Resolution.** Rows become column values (``extract.resolve``); the arithmetic of
   ``extract.equations`` chooses among ambiguous readings, table-wide.
4. **Inference.** Cells the document lost are inferred only when the arithmetic
   forces them; otherwise they are ``None`` with a finding.

Example:
    >>> from extract.flat import FlatText
    >>> flat = FlatText(text="二、主动公开政府信息情况规章000行政规范性文件008行政许可1")
    >>> parsed = parse_tables(flat, "2021", {"t2": (0, len(flat.text))})
    >>> [parsed.cells[k].value for k in ("t2.normative.in_force", "t2.licensing.decisions")]
    [8, 1]
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .equations import equations, holds, solve
from .flat import FlatText
from .normalize import parse_number
from .resolve import MISSING, Candidate, row_candidates
from .schema import LAYOUTS, T4, Column, Row, TableSpec
from .slots import Slot, read_slots, scan_values

log = logging.getLogger(__name__)

VIOLATION_COST = 10.0
AMBIGUITY_MARGIN = 1.0
# an item number before a label: "1." "2、" "(3)", and "2·" where OCR took 、 for a middle dot; items never pass 8, so one digit (in "002." the
# "00" are the previous row's values)
_NUMBERING = re.compile(r"(?:[(（]\s*)?(\d)\s*(?:[)）]\s*|[.、,，．:·・•]\s*)[\s\x1f]*$")


@dataclass
class CellValue:
    """One extracted cell: the value, where it came from and how sure we are."""

    key: str
    value: int | float | None
    confidence: float
    how: str  # printed | empty | split | placed | inferred | corrected | ambiguous | lost | trimmed | window | soft-empty | by-position
    span: tuple[int, int] | None = None  # in the flat text
    raw: str | None = None
    rule: str | None = None  # for inferred cells: the equation that gave the value


@dataclass
class Note:
    """Something the parser wants reported as a finding."""

    rule: str
    severity: str
    cells: list[str]
    message: str
    expected: object = None
    found: object = None


@dataclass
class ParsedTables:
    cells: dict[str, CellValue] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)  # t2 / t3 / t4 found in the document
    rows_found: set[str] = field(default_factory=set)  # "t3.granted" ...
    extras: dict[str, list] = field(default_factory=dict)  # rows of the other layout, e.g. "t3.other"
    notes: list[Note] = field(default_factory=list)


# ------------------------------------------------------------------ anchors
@lru_cache(maxsize=None)
def _row_regex(row: Row) -> re.Pattern:
    alts = []
    for m in row.match:
        if m.startswith("re:"):
            alts.append(m[3:])
        else:
            alts.append(_LABEL_GAP.join(re.escape(ch) for ch in m))
    return re.compile("|".join(f"(?:{a})" for a in alts))


_FRAGMENT = r"[^\x1f\x1e\x1d\n\d]{1,6}"
"""A fragment of the group label column (三、本年, 果): a few characters without a digit, in one cell."""
_LINE_OPENING_FRAGMENT = r"\n(?:\x1e\x1f)*" + _FRAGMENT + r"\x1f"
"""Such a fragment opening a line, alone in its cell after any empty cells."""
_LABEL_GAP = (r"(?:[ \n\x1f]*(?:[\d.,\x1e\x1d]+[ \n\x1f]+)*"
              r"|[ \x1f]*(?:[\d.,\x1e\x1d]+[ \x1f]+)*" + _LINE_OPENING_FRAGMENT + r"(?:[\d.,\x1e\x1d]+[ \n\x1f]+)*)")
"""What may stand between two characters of a printed label: line breaks and cell markers, the row's
own values where an unruled table wraps the label around them (``确认或重`` / ``14 10 0`` / ``新出具``),
and a fragment of the group label column opening the label's next line, alone in its cell
(``理结|5、要求行政机关确认或重`` / ``果|新出具已获取信息|11``)."""
_INNER_NUMBER = re.compile(r"(?<=[ \n\x1f])\d[\d.,]*(?=[ \n\x1f\x1e\x1d])")


_TAIL_GAP = (r"[ \n\x1f\x1e\x1d]*(?:(?:[(（][一二三四五六七][)）]|(?<=[\n\x1f\x1e\x1d])" + _FRAGMENT
             + r"(?=\x1f))[ \n\x1f\x1e\x1d]*)?")
"""What may stand between two characters of a label's rest: line breaks and cells, a group's number
(（五）), or a fragment of the group label column alone in its cell (``三、本年`` beside a label's second
line, where an unruled scan puts the row's values)."""


_LINE_FRAGMENT = re.compile(_LINE_OPENING_FRAGMENT)


@lru_cache(maxsize=None)
def _tail_regex(rest: str) -> re.Pattern:
    """The longest printed prefix of ``rest``, its characters apart by line breaks, cells or a group's
    number (the group label column of an unruled table read into the same cell)."""
    pat = ""
    for ch in reversed(rest):
        pat = f"(?:{_TAIL_GAP}{re.escape(ch)}{pat})?"
    return re.compile(pat)


def label_end(text: str, row: Row, start: int, end: int, hi: int) -> int:
    r"""Where the printed label whose matched words are ``text[start:end]`` ends: over the rest of
    the row's label when it follows, wrapped onto later lines or cells.

    >>> from extract.schema import LAYOUTS
    >>> row = next(r for t in LAYOUTS["2021"].tables for r in t.rows if r.key == "unable.not_held")
    >>> t = "|1.本机关不掌握相关政府信|||\n|(四)息|38|0|52|".replace("|", "\x1f")  # cells as flattened
    >>> m = _row_regex(row).search(t)
    >>> t[label_end(t, row, m.start(), m.end(), len(t)):].replace("\x1f", "|")
    '|38|0|52|'

    A fragment of the group label column may stand between the label's two lines, alone in its cell:

    >>> row = next(r for t in LAYOUTS["2021"].tables for r in t.rows if r.key == "unable.unclear")
    >>> t = "|3、补正后申请内容仍不明|||\n三、本年|确|44|0|".replace("|", "\x1f")
    >>> m = _row_regex(row).search(t)
    >>> t[label_end(t, row, m.start(), m.end(), len(t)):].replace("\x1f", "|")
    '|44|0|'

    Or open the line that carries the rest of the label's key words, after the group label's
    first fragment beside its first line:

    >>> row = next(r for t in LAYOUTS["2021"].tables for r in t.rows if r.key == "rejected.confirm")
    >>> t = "理结|5、要求行政机关确认或重||\n果|新出具已获取信息|11|0|".replace("|", "\x1f")
    >>> m = _row_regex(row).search(t)
    >>> t[label_end(t, row, m.start(), m.end(), len(t)):].replace("\x1f", "|")
    '|11|0|'
    """
    core = re.sub(r"[\s\x1f\x1e\x1d\d.,]", "", _LINE_FRAGMENT.sub("\n", text[start:end]))
    i = row.label.find(core) if core else -1
    rest = row.label[i + len(core):] if i >= 0 else ""
    if not rest:
        return end
    m = _tail_regex(rest).match(text, end, hi)
    return m.end() if m else end


def row_slots(text: str, row: Row, start: int, end: int, value_end: int) -> list[Slot]:
    r"""The slots of a row whose label was matched at ``text[start:end]``: the values after the label,
    after any values the label's lines were wrapped around.

    >>> from extract.schema import LAYOUTS
    >>> row = next(r for t in LAYOUTS["2021"].tables for r in t.rows if r.key == "rejected.confirm")
    >>> t = "5.要求行政机关确认或重\n14 10 0 27 0 0 51\n新出具已获取信息\n"
    >>> m = _row_regex(row).search(t)
    >>> [x.raw for x in row_slots(t, row, m.start(), m.end(), len(t))]
    ['14', '10', '0', '27', '0', '0', '51']
    """
    after = read_slots(text, end, value_end)
    m = None
    for m in _row_regex(row).finditer(text, start, end):  # the last: the one the label's range ends with
        pass
    # numbers between the label's own characters (not the item number 3. that opens a pattern)
    first = next((i for i in range(m.start(), m.end()) if "\u4e00" <= text[i] <= "\u9fff"), None) if m else None
    inner = list(_INNER_NUMBER.finditer(text, first, m.end())) if first is not None else []
    if not inner:
        return after
    if not any(x.kind == "num" for x in after):
        after = []  # the empty cells beside the label's last line: the row's values were inside it
    return [x for x in scan_values(text, inner[0].start(), inner[-1].end(), stop_at_text=False)
            if x.kind == "num"] + after


def _label_start(text: str, pos: int, number: int | None, lo: int) -> int:
    """Extend a label match backwards over its own text and item number (``1.属于``)."""
    i = pos
    while i > lo and i > pos - 12 and "\u4e00" <= text[i - 1] <= "\u9fff":
        i -= 1
    if number is not None:
        m = _NUMBERING.search(text, max(lo, i - 8), i)
        if m and int(m.group(1)) == number:
            return m.start()
    return i if i < pos else pos


def _quality(slots: list[Slot], n: int) -> float:
    good = [s for s in slots if not s.dirty]
    if len(good) < len(slots):
        return 0.05
    k = len(good)
    if k == 0:
        return 0.1
    # of two full readings, the one with numbers: a label wrapped over three lines (an unruled
    # scan) matches twice, the first time over its empty first line
    return 3.0 + 0.01 * sum(s.kind == "num" for s in good) / n if k == n else 2.0 - min(1.5, abs(k - n) / n)


def find_rows(text: str, spec: TableSpec, lo: int, hi: int) -> list[tuple[Row, int, int, int]]:
    """Pick one label occurrence per row in order: (row, label_start, label_end, value_end)."""
    rows = list(spec.rows)
    occ: list[list[tuple[int, int, int]]] = []  # per row: (label start, match start, match end)
    for row in rows:
        found = []
        for m in _row_regex(row).finditer(text, lo, hi):
            found.append((_label_start(text, m.start(), row.number, lo), m.start(),
                          label_end(text, row, m.start(), m.end(), hi)))
            if len(found) > 40:
                break
        occ.append(found)
    starts = sorted({s for o in occ for s, _, _ in o} | {hi})

    def next_start(after: int) -> int:
        for s in starts:
            if s >= after:
                return s
        return hi

    # quality of each occurrence, reading values up to the next label occurrence of any row
    qual = [[_quality(row_slots(text, r, ms, e, next_start(e)), len(r.columns)) for _, ms, e in o]
            for r, o in zip(rows, occ)]
    # DP over rows: best[i][j] = best score with row i at occurrence j (strictly increasing positions)
    best: list[list[tuple[float, tuple | None]]] = []
    for i, o in enumerate(occ):
        cur = []
        for j, (s, _, e) in enumerate(o):
            prev_best, prev_ptr = 0.0, None
            for pi in range(i):
                for pj, (ps, _, pe) in enumerate(occ[pi]):
                    if pe <= s and best[pi][pj][0] > prev_best:
                        prev_best, prev_ptr = best[pi][pj][0], (pi, pj)
            cur.append((prev_best + qual[i][j], prev_ptr))
        best.append(cur)
    end = max(((best[i][j][0], (i, j)) for i in range(len(rows)) for j in range(len(occ[i]))), default=None)
    chosen: list[tuple[int, int]] = []
    ptr = end[1] if end else None
    while ptr is not None:
        chosen.append(ptr)
        ptr = best[ptr[0]][ptr[1]][1]
    chosen.reverse()
    out = []
    for n, (i, j) in enumerate(chosen):
        s, _, e = occ[i][j]
        nxt = occ[chosen[n + 1][0]][chosen[n + 1][1]][0] if n + 1 < len(chosen) else hi
        gap = [r for r in rows[i + 1:chosen[n + 1][0]] if not r.extra] if n + 1 < len(chosen) else []
        placed = _rows_by_position(text, gap, e, min(nxt, next_start(e))) if gap else None
        if placed:
            out.append((rows[i], s, e, placed[0][1]))
            out.extend(placed)
        else:
            out.append((rows[i], s, e, min(nxt, next_start(e))))
    if chosen:  # rows before the first that matched (a poor scan reads 规章 as 章)
        first = chosen[0][0]
        lead = [r for r in rows[:first] if not r.extra]
        placed = _rows_by_position(text, lead, lo, occ[first][chosen[0][1]][0]) if lead else None
        out = (placed or []) + out
    return out


_VALUE_CELL = re.compile(r"^[\s\d.,，%\x1e\x1d-]*$")


def _rows_by_position(text: str, gap: list[Row], start: int, end: int) -> list[tuple[Row, int, int, int]] | None:
    """Rows of the layout whose printed labels no pattern matched (a poor scan reads
    ``4.保护第三方合法权益`` as ``合法权益``), placed by position: between two rows that did
    match, the text holds exactly one line with values per layout row that should stand there,
    each a label that is not a number followed by as many value cells as the row has columns.
    When the lines with values do not fit that pattern exactly (a row of the other layout stands
    between, or a group label opens the next row's line), a row is placed only on a line whose label is its
    own but for one misread character (:func:`_like_label`). Returns (row, line start, label end,
    line end) per placed row, or None when no row could be placed."""
    lines, pos = [], text.find("\n", start, end)
    while pos != -1 and pos < end:
        nxt = text.find("\n", pos + 1, end)
        stop = nxt if nxt != -1 else end
        if text[pos + 1:stop].strip(" \x1f"):
            lines.append((pos + 1, stop))
        pos = nxt
    parsed = [_label_and_values(text, a, b) for a, b in lines]
    # lines without values are no rows: the table's title and header before the first row, a group label
    # on a line of its own ((三)不予公开 before 1.属于国家秘密), the first line of a wrapped label
    lines, parsed = [ln for ln, p in zip(lines, parsed) if p and p[2]], [p for p in parsed if p and p[2]]
    if len(lines) == len(gap) and all(p and len(p[2]) == len(row.columns) for row, p in zip(gap, parsed)):
        return [(row, a, p[1], b) for row, (a, b), p in zip(gap, lines, parsed)]
    out, k = [], 0
    for row in gap:  # in order, each line at most once
        for j in range(k, len(lines)):
            p = parsed[j]
            if p and len(p[2]) == len(row.columns) and _like_label(p[0], row.label):
                out.append((row, lines[j][0], p[1], lines[j][1]))
                k = j + 1
                break
    return out or None


def _label_and_values(text: str, a: int, b: int) -> tuple[str, int, list[str]] | None:
    """A table line's label (its cells before the values, joined), where its values start and
    the values; None for a line without a label or without values."""
    cells, offsets, k = text[a:b].split("\x1f"), [], a
    for c in cells:
        offsets.append(k)
        k += len(c) + 1
    first_value = next((i for i in range(len(cells)) if all(_VALUE_CELL.match(c) for c in cells[i:])), None)
    if not first_value or not any(re.search(r"[^\W\d_]", c) for c in cells[:first_value]):
        return None
    # a cell printed empty (EMPTY) is a cell: str.strip() would take \x1e for whitespace
    return "".join(cells[:first_value]), offsets[first_value], [c for c in cells[first_value:] if c.strip(" \t\u3000")]


_LABEL_NUMBER = re.compile(r"^\s*(?:[(（][一二三四五六七八九十]+[)）]|\d+\s*[.,，、．·・•]?)\s*")


def _like_label(printed: str, label: str) -> bool:
    """Whether a printed label ends with the layout's label (its numbering aside) but for at most
    one misread character, for labels of four characters or more (a poor scan's 属于行政造询事项,
    行政理制).

    >>> _like_label("8. 属于行政造询事项", "8.属于行政查询事项"), _like_label("(五)不予处理1. 要求提供公开出版统", "3.要求提供公开出版物")
    (True, True)
    >>> _like_label("行政理制", "行政强制"), _like_label("行政许可", "行政强制"), _like_label("行政", "行政强制")
    (True, False, False)

    A short label numbered as a group (``(七)总计``) counts its number: one misread character of
    the rest, the number printed right.

    >>> _like_label("(七)意计", "(七)总计"), _like_label("(六)总计", "(七)总计"), _like_label("意计", "(七)总计")
    (True, False, False)
    """
    core = _LABEL_NUMBER.sub("", label)
    group = _GROUP_NUMBER.match(label)
    if len(core) < 4 and group:  # (七)总计 read as (七)意计: the group's number, printed right, is part of it
        full, seen = _parens(label), _parens(printed)
        tail = seen[-len(full):]
        return (len(tail) == len(full) and tail.startswith(full[:len(_parens(group.group()))])
                and sum(x != y for x, y in zip(tail, full)) <= 1)
    tail = re.sub(r"\s+", "", printed)[-len(core):]
    return len(core) >= 4 and len(tail) == len(core) and sum(x != y for x, y in zip(tail, core)) <= 1


_GROUP_NUMBER = re.compile(r"\s*[(（][一二三四五六七八九十]+[)）]")


def _parens(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")


# ------------------------------------------------------------------ priors and row rules
def _prior(table: str, row: Row, values: list) -> float:
    """Soft knowledge of the format used only to rank splits of run-together digits."""
    cost = 0.0
    for col, v in zip(row.columns, values):
        if col.kind == "change" and v == 0:
            cost -= 1.5  # 本年增/减 is 0 in most reports
    if table == "t2" and row.columns[0].key == "made" and values[0] is not None and values[0] == values[1]:
        cost -= 1.5  # 本年新制作 and 本年新公开 are usually the same count
    return cost


def _row_total_ok(table: str, values: list) -> bool | None:
    """The row's own rule: the last column is the sum of the others (per group of 5 for 表四)."""
    if table not in ("t3", "t4") or any(v is MISSING for v in values):
        return None
    return all(abs(sum(values[i] or 0 for i in g[:-1]) - (values[g[-1]] or 0)) < 1e-6
               for g in _sum_groups(table, len(values)))


def _sum_groups(table: str, n: int) -> list[range]:
    """The column groups of a row that add up (the last of each is the sum of the others)."""
    if table == "t3":
        return [range(n)]
    return [range(i, i + 5) for i in range(0, n, 5)] if table == "t4" and n % 5 == 0 else []


def _fill_from_row_total(table: str, c: Candidate) -> bool:
    """A placed row that lost one cell of a group gets it back from the group's total (表三's row,
    each of 表四's three groups), when that is possible; False when a group would need a negative count.

    >>> c = Candidate([2, 0, 0, 0, 2, 0, 0, 18, 0, 18, 27, 0, 20, 2, MISSING], 0.0, "placed", [])
    >>> _fill_from_row_total("t4", c), c.values[-1]
    (True, 49)
    >>> _fill_from_row_total("t4", Candidate([MISSING, 27, 0, 20, 2], 0.0, "placed", []))
    False
    """
    vals, ok = list(c.values), True
    for g in _sum_groups(table, len(vals)):
        lost = [i for i in g if vals[i] is MISSING]
        if len(lost) != 1:
            continue
        i, last = lost[0], g[-1]
        known = sum(vals[j] or 0 for j in g[:-1] if j != i)
        v = (vals[last] or 0) - known if i != last else known
        if v >= 0:
            vals[i] = v
        else:
            ok = False
    if any(a is not b for a, b in zip(vals, c.values)):
        c.values, c.how = vals, "placed"
    return ok


def _candidates(table: str, row: Row, slots: list[Slot]) -> list[Candidate]:
    kinds = tuple(c.kind for c in row.columns)
    if not slots:
        return [Candidate([None] * len(kinds), 0.0, "empty", [None] * len(kinds))]
    seen, out = set(), []
    def accept(values: list) -> bool:
        return _row_total_ok(table, values) is not False

    sum_rule = table == "t3" or (table == "t4" and len(kinds) == 5)
    group = 5 if table == "t4" and len(kinds) == 15 else None
    for c in row_candidates(slots, kinds, accept if table in ("t3", "t4") else None, sum_rule, group):
        if c.how == "placed" and not _fill_from_row_total(table, c):
            c.cost += VIOLATION_COST  # a placement that leaves a group short of its printed total
        key = tuple(id(v) if v is MISSING else v for v in c.values)
        if key in seen:
            continue
        seen.add(key)
        if c.how == "split":
            c.cost += _prior(table, row, c.values)
        if _row_total_ok(table, c.values) is False:
            c.cost += VIOLATION_COST
        out.append(c)
    if not out:  # no reading of the printed digits fits the row: read nothing rather than guess
        return [Candidate([MISSING] * len(kinds), 5.0, "unreadable", [None] * len(kinds))]
    out.sort(key=lambda c: c.cost)
    return out[:60]


# ------------------------------------------------------------------ table-wide choice
def _cells_of(choice: dict[str, Candidate], rows: dict[str, Row], table: str) -> dict:
    cells = {}
    for rk, cand in choice.items():
        for col, v in zip(rows[rk].columns, cand.values):
            cells[_key(table, rk, col.key)] = v
    return cells


def _table_cost(choice: dict[str, Candidate], rows: dict[str, Row], table: str, eqs) -> float:
    cells = _cells_of(choice, rows, table)
    # an equation that a lost cell leaves open counts half: losing cells is no way out of the arithmetic
    bad = sum({False: 1.0, None: 0.5, True: 0.0}[holds(e, cells)] for e in eqs)
    return sum(c.cost for c in choice.values()) + VIOLATION_COST * bad


def _choose(cands: dict[str, list[Candidate]], rows: dict[str, Row], table: str, layout: str):
    eqs = [e for e in equations(layout) if e.id.startswith(table) and not e.id.startswith(f"{table}.row_total")
           and not e.id.startswith("t4.")]
    choice = {rk: cs[0] for rk, cs in cands.items()}
    ambiguous = [rk for rk, cs in cands.items() if len(cs) > 1]
    if not ambiguous or not eqs:
        return choice, ambiguous, eqs
    cost = _table_cost(choice, rows, table, eqs)
    for _ in range(4):
        improved = False
        for rk in ambiguous:
            for c in cands[rk][1:]:
                trial = dict(choice)
                trial[rk] = c
                tc = _table_cost(trial, rows, table, eqs)
                if tc < cost - 1e-9:
                    choice, cost, improved = trial, tc, True
        if not improved:
            break
    return choice, ambiguous, eqs


# ------------------------------------------------------------------ main entry
def _slots_by_row(text: str, spec: TableSpec, lo: int, hi: int,
                  by_position: dict[str, str] | None = None) -> dict[str, list[Slot]]:
    found = find_rows(text, spec, lo, hi)
    if by_position is not None:  # rows whose printed label matched no pattern: row key -> printed label
        by_position.update({row.key: text[s:e].replace("\x1f", " ").strip() for row, s, e, _ in found
                            if not _row_regex(row).search(text, s, e)})
    slots = {row.key: row_slots(text, row, s, e, vend) for row, s, e, vend in found}
    if spec.id != "t4":
        return slots
    # table 四 is grouped (label, header, values per group) or, most often, one row of 15
    # values under a two-level header that holds the group names
    if len(slots) == 3 and all(any(x.kind == "num" for x in sl) for sl in slots.values()):
        return slots
    values = [s for s in scan_values(text, lo, hi, stop_at_text=False) if not s.dirty]
    head = re.search(r"结果维持|结果纠正|尚未审结", text[lo:hi])
    if head:  # numbers before the header are narrative
        values = [s for s in values if s.start >= lo + head.start()]
    value_lines = _value_lines(text, lo, hi)
    if value_lines:  # a table's row of values: the empty cells of its header's lines are not values
        values = [s for s in values if any(a <= s.start < b for a, b in value_lines)]
    nums = [k for k, s in enumerate(values) if s.kind != "soft"]  # a blank line may be an empty cell between values
    values = values[nums[0]:nums[-1] + 1] if nums else []
    return {ALL_T4: values} if values else {}


def _value_lines(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    r"""``(start, end)`` of the lines in ``text[lo:hi]`` that hold nothing but cells of values, a number
    among them (表四's row under a header stacked over several lines of cells).

    >>> t = "结果\x1f尚未\x1f\x1e\x1f\n维持\x1f审结\x1f\x1e\x1f\n5\x1f\x1e\x1f7\x1f\n"
    >>> [t[a:b] for a, b in _value_lines(t, 0, len(t))]
    ['5\x1f\x1e\x1f7\x1f']
    """
    out, a = [], lo
    for line in text[lo:hi].split("\n"):
        b = a + len(line)
        cells = [c.strip() for c in line.split("\x1f") if c.strip()]  # strip() takes EMPTY and SOFT marks too
        if cells and all(re.fullmatch(r"[\d.,\x1e-]+", c) for c in cells) and any(c[0].isdigit() for c in cells):
            out.append((a, b))
        a = b + 1
    return out


ALL_T4 = "*"
_T4_ALL = Row(ALL_T4, "表四", (), tuple(Column(f"{g.key}.{c.key}", c.label, c.kind) for g in T4.rows for c in g.columns))


def _parse_table(flat: FlatText, spec: TableSpec, layout: str, lo: int, hi: int, out: ParsedTables) -> None:
    text = flat.text
    by_position: dict[str, str] = {}
    slots_by_row = _slots_by_row(text, spec, lo, hi, by_position)
    rows = {r.key: r for r in spec.rows}
    rows[ALL_T4] = _T4_ALL
    real = {rk: sl for rk, sl in slots_by_row.items() if not rows[rk].extra}
    for rk, sl in slots_by_row.items():
        if rows[rk].extra and any(x.kind == "num" for x in sl):
            out.extras[f"{spec.id}.{rk}"] = _candidates(spec.id, rows[rk], sl)[0].values
    if not any(any(x.kind == "num" for x in sl) for sl in real.values()):
        return
    out.present.add(spec.id)
    cands = {rk: _candidates(spec.id, rows[rk], sl) for rk, sl in real.items()}
    choice, ambiguous, eqs = _choose(cands, rows, spec.id, layout)
    for rk, cand in choice.items():
        row = rows[rk]
        out.rows_found |= {f"{spec.id}.{g.key}" for g in spec.rows} if rk == ALL_T4 else {f"{spec.id}.{rk}"}
        # cells on which another equally good reading disagrees are not certain
        doubtful: set[int] = set()
        if rk in ambiguous:
            base = _table_cost(choice, rows, spec.id, eqs)
            for alt in cands[rk]:
                if alt is not cand and _table_cost({**choice, rk: alt}, rows, spec.id, eqs) <= base + AMBIGUITY_MARGIN:
                    doubtful |= {i for i, (a, b) in enumerate(zip(cand.values, alt.values)) if a != b}
        keys = [_key(spec.id, rk, col.key) for col in row.columns]
        nums = [(x.start, x.end) for x in real.get(rk, []) if x.kind == "num"]
        verbatim = len(nums) == len(keys) and list(cand.spans) == nums  # every printed number, in order, no guess
        if cand.how != "printed" and not verbatim and _row_total_ok(spec.id, cand.values) is False:
            doubtful = set(range(len(keys)))  # no reading of the printed digits adds up: do not guess
        # a split that only the format's priors (本年增/减 = 0 ...) preferred over another split
        rivals = [a for a in cands[rk] if a is not cand and a.how == "split"]
        by_prior = cand.how == "split" and any(a.cost - cand.cost < VIOLATION_COST / 2 for a in rivals)
        for i, (key, v) in enumerate(zip(keys, cand.values)):
            span = cand.spans[i] if i < len(cand.spans) else None
            raw = text[span[0]:span[1]] if span else None
            if i in doubtful:
                out.cells[key] = CellValue(key, None, 0.0, "ambiguous", span, raw)
            elif v is MISSING:
                out.cells[key] = CellValue(key, None, 0.0, "lost", None, None)
            else:
                how = "empty" if v is None else cand.how
                conf = _CONFIDENCE.get(how, 0.8)
                if by_prior:
                    conf, how = 0.5, "split-by-prior"
                rule = None
                if v is not None and span is None:  # a lost cell given back by the row's own total
                    group = key.split(".")[1]  # 表四: the group's own total
                    conf, how, rule = 0.6, "inferred", f"t4.total.{group}" if spec.id == "t4" else f"t3.row_total.{rk}"
                if rk in by_position:
                    conf, how = min(conf, 0.7), "by-position"
                out.cells[key] = CellValue(key, v, conf, how, span, raw, rule)
        if rk in by_position:
            out.notes.append(Note("parse.row_by_position", "warning", keys,
                                  f"{row.label}: printed label {by_position[rk]!r} matches no row label; its values were "
                                  "placed by the row's position between the rows around it", found=by_position[rk]))
        printed = [s.raw or "∅" for s in real[rk] if s.kind != "soft"]
        if cand.how == "unreadable":
            out.notes.append(Note(f"{spec.id}.unsplittable", "error" if spec.id in ("t3", "t4") else "warning", keys,
                                  f"{row.label}: no reading of the printed digits {printed} makes the row add up "
                                  "(总计 = the sum of the other columns): the printed row breaks the arithmetic or is garbled",
                                  found=printed))
        elif doubtful:
            alts = sorted({tuple(a.values) for a in cands[rk][:6]}, key=str)[:4]
            out.notes.append(Note("parse.ambiguous", "warning", [keys[i] for i in sorted(doubtful)],
                                  f"{row.label}: the printed digits {printed} can be read several ways "
                                  f"({'; '.join(map(str, alts))}); left empty", found=printed))
        elif cand.how == "placed-edges":
            out.notes.append(Note("parse.placed_by_pattern", "warning", keys,
                                  f"{row.label}: only two values printed {printed}, read as 自然人 and 总计 with the other "
                                  "columns empty (their empty cells left no trace); check the source", found=printed))
        elif by_prior and not doubtful:
            out.notes.append(Note("parse.split_by_prior", "warning", keys,
                                  f"{row.label}: run-together digits {printed} read as {cand.values} only because "
                                  "that reading fits the usual pattern (e.g. 本年增/减 = 0); check the source", found=printed))
        elif cand.how in ("split", "window", "placed", "trimmed"):
            out.notes.append(Note(f"parse.{cand.how}", "info", keys,
                                  f"{row.label}: printed {printed} read as {cand.values}", found=printed))


_CONFIDENCE = {"printed": 1.0, "empty": 1.0, "soft-empty": 0.85, "trimmed": 0.95, "split": 0.9, "window": 0.7,
               "placed": 0.75, "placed-edges": 0.5}


def _key(table: str, row: str, col: str) -> str:
    return f"{table}.{col}" if row == ALL_T4 else f"{table}.{row}.{col}"


def parse_tables(flat: FlatText, layout: str, regions: dict[str, tuple[int, int]]) -> ParsedTables:
    """Parse the layout's tables in their regions (``{"t2": (start, end), ...}``) of the flat text."""
    out = ParsedTables()
    for spec in LAYOUTS[layout].tables:
        if spec.id in regions:
            _parse_table(flat, spec, layout, *regions[spec.id], out)
    _infer_lost(out, layout)
    return out


# ------------------------------------------------------------------ inference of lost cells
def _infer_lost(out: ParsedTables, layout: str) -> None:
    """Fill lost cells (a printed row with fewer values than columns) that an equation forces.

    Ambiguous cells are not filled this way: in a report that breaks its arithmetic the
    "forced" value would be a guess.
    """
    lost = {k for k, c in out.cells.items() if c.how == "lost"}
    if not lost:
        return
    vals = {k: (MISSING if k in lost or c.how == "ambiguous" else c.value) for k, c in out.cells.items()}
    changed = True
    while changed:
        changed = False
        for eq in equations(layout):
            unknown = [k for k in eq.keys if vals.get(k) is MISSING]
            if len(unknown) != 1 or any(k not in vals for k in eq.keys):
                continue
            k = unknown[0]
            v = solve(eq, k, vals)
            if v < 0 or k not in lost:
                continue
            vals[k] = int(v) if float(v).is_integer() else v
            out.cells[k] = CellValue(k, vals[k], 0.6, "inferred", rule=eq.id)
            changed = True
    still = sorted(k for k in lost if vals[k] is MISSING and out.cells[k].how == "lost")
    inferred = sorted(k for k in lost if vals[k] is not MISSING)
    if inferred:
        out.notes.append(Note("parse.inferred", "info", inferred,
                              "cells missing from the printed row were inferred from the table's arithmetic"))
    if still:
        out.notes.append(Note("parse.lost_cells", "warning", still,
                              "the printed row has fewer values than columns and the arithmetic cannot place them"))
    _settle_unreadable_rows(out)


def _in_order(printed: list[str], values: list) -> bool:
    """Whether the printed numbers appear, in order, among a row's values (empties skipped).

    >>> _in_order(["32", "0", "∅", "0"], [32, 0, 0, 0, 0, 0, 32]), _in_order(["35", "0"], [32, 0, 32])
    (True, False)
    """
    it = iter(values)
    for raw in printed:
        n = parse_number(raw) if raw != "∅" else None
        if n is None:
            continue
        if not any(v == n for v in it):
            return False
    return True


def _settle_unreadable_rows(out: ParsedTables) -> None:
    """An unreadable row (a scan that lost most of a row's values) whose every cell the table's
    other equations gave back is no broken arithmetic: when those values keep the row's own total
    and hold its printed numbers in order, its error becomes a warning (the arithmetic rules still
    check the row with the inferred values)."""
    for i, n in enumerate(out.notes):
        if not n.rule.endswith(".unsplittable") or n.severity != "error":
            continue
        cells = [out.cells.get(k) for k in n.cells]
        if not all(c is not None and c.how == "inferred" for c in cells):
            continue
        values = [c.value for c in cells]
        if _row_total_ok(n.rule.split(".")[0], values) and _in_order(n.found or [], values):
            out.notes[i] = Note("parse.row_inferred", "warning", n.cells,
                                f"{n.message.split(':')[0]}: only {n.found} could be read; every value was inferred "
                                f"from the table's other equations ({values}), which agree with the row's total "
                                "and its printed numbers", found=n.found)
