"""Post-validation: the format's arithmetic, value types and structure, as findings.

A broken arithmetic rule of the format is an ``error``; a doubt (a cell left empty, a
digit run split by the parser, a missing row) is a ``warning`` or ``info``.

Example:
    >>> cells = {k: 0 for k in cell_keys("2021")}
    >>> cells["t4.review.total"] = 3
    >>> [f.rule for f in arithmetic_findings(cells, "2021", {"t4"})]
    ['t4.total.review']
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .equations import equations, holds
from .schema import LAYOUTS, SECTIONS, cell_keys, column_kind


@dataclass
class Finding:
    rule: str
    severity: str  # error | warning | info
    cells: list[str]
    message: str
    expected: object = None
    found: object = None

    def to_dict(self) -> dict:
        d = {"rule": self.rule, "severity": self.severity, "cells": self.cells, "message": self.message}
        if self.expected is not None or self.found is not None:
            d["expected"], d["found"] = self.expected, self.found
        return d


def _fmt(v) -> str:
    return "∅" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def arithmetic_findings(cells: dict, layout: str, present: set[str], unknown: frozenset[str] = frozenset()
                        ) -> list[Finding]:
    """Every equation of the layout that the cells break (tables not printed are skipped).

    ``unknown`` are cells the parser could not read: an equation over them is not judged.
    """
    out = []
    for eq in equations(layout):
        if eq.id[:2] not in present or any(k in unknown for k in eq.keys):
            continue
        if any(k not in cells for k in eq.keys) or holds(eq, cells) is not False:
            continue
        lhs = sum(cells[k] or 0 for k in eq.lhs)
        rhs = sum(cells[k] or 0 for k in eq.rhs)
        names = " + ".join(k.split(".", 1)[1] for k in eq.lhs)
        out.append(Finding(eq.id, "error", list(eq.keys),
                           f"{eq.description}: {names} = {_fmt(lhs)} but {' + '.join(k.split('.', 1)[1] for k in eq.rhs)}"
                           f" = {_fmt(rhs)}", expected=lhs, found=rhs))
    return out


def type_findings(cells: dict) -> list[Finding]:
    """Counts must be non-negative integers; money may be decimal; 本年增/减 may be negative."""
    out = []
    for k, v in cells.items():
        if v is None:
            continue
        kind = column_kind(k)
        if kind == "count" and (v < 0 or not float(v).is_integer()):
            out.append(Finding("type.count", "error", [k], f"{k} must be a non-negative whole number, found {_fmt(v)}",
                               expected="non-negative integer", found=v))
        elif kind == "money" and v < 0:
            out.append(Finding("type.money", "error", [k], f"{k} is a negative amount: {_fmt(v)}", found=v))
    return out


@dataclass
class Structure:
    """What the parser saw of the document's structure, for the structure rules."""

    layout: str
    present: set[str]
    rows_found: set[str]
    sections: list[str]
    extras: dict = field(default_factory=dict)
    layout_scores: dict = field(default_factory=dict)
    title_year: int | None = None
    period_year: int | None = None


def structure_findings(s: Structure) -> list[Finding]:
    """Missing tables, rows and sections; a layout mix-up; a year mismatch."""
    out = []
    for t in LAYOUTS[s.layout].tables:
        if t.id not in s.present:
            out.append(Finding("structure.missing_table", "warning", [], f"table {t.id} ({t.title}) not found"))
            continue
        missing = [r for r in t.rows if not r.extra and f"{t.id}.{r.key}" not in s.rows_found]
        if missing:
            out.append(Finding("structure.missing_row", "warning", [k for r in missing for k in r.keys(t.id)],
                               f"table {t.id}: row(s) not printed: {', '.join(r.label for r in missing)}"))
    heads = {h[:1] for h in s.sections}
    lost = [off for num, _, off in SECTIONS if num not in heads]
    if lost:
        out.append(Finding("structure.missing_section", "warning", [], f"section heading(s) not found: {', '.join(lost)}"))
    if s.extras:
        out.append(Finding("structure.layout_mix", "warning", sorted(s.extras),
                           f"a {s.layout} report prints rows of the other layout: "
                           + "; ".join(f"{k} = {v}" for k, v in s.extras.items())))
    other = "2019" if s.layout == "2021" else "2021"
    if s.layout_scores.get(other) and s.layout_scores.get(s.layout):
        out.append(Finding("structure.layout_mix", "info", [],
                           f"labels of both layouts appear ({s.layout_scores}); read as {s.layout}"))
    if s.title_year and s.period_year and s.title_year != s.period_year:
        out.append(Finding("structure.year_mismatch", "warning", [],
                           f"the title reports on {s.title_year} but the statistics period is {s.period_year}",
                           expected=s.title_year, found=s.period_year))
    return out


def empty_cell_findings(cells: dict, present: set[str]) -> list[Finding]:
    """Cells printed empty in tables that are present: not an error, but a doubt worth knowing."""
    empty = [k for k in cells if cells[k] is None and k[:2] in present]
    if not empty:
        return []
    return [Finding("value.empty", "info", empty, f"{len(empty)} cell(s) printed empty (read as null)")]


__all__ = ["Finding", "Structure", "arithmetic_findings", "type_findings", "structure_findings",
           "empty_cell_findings", "cell_keys"]
