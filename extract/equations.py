"""The arithmetic the format promises, as data (FORMAT.md, "勾稽关系").

Each :class:`Equation` says ``sum(lhs) == sum(rhs)`` over canonical cell keys; a cell
printed empty counts as 0. The table parser uses them to split run-together digits
and to infer lost cells; the rules report the ones a document breaks.

Example:
    >>> eq = next(e for e in equations("2021") if e.id == "t3.balance.total")
    >>> eq.lhs, eq.rhs
    (('t3.new_received.total', 't3.carried_over.total'), ('t3.total.total', 't3.carried_forward.total'))
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .schema import LAYOUTS, T3_COLUMNS, T3_FLOW_ROWS, T4_OUTCOMES


@dataclass(frozen=True)
class Equation:
    id: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    description: str

    @property
    def keys(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@lru_cache(maxsize=None)
def equations(layout: str) -> tuple[Equation, ...]:
    """All arithmetic rules of a layout: table 三 columns and rows, table 四 groups."""
    t3 = LAYOUTS[layout].table("t3")
    rows = [r.key for r in t3.rows if not r.extra]
    results = [r for r in rows if r not in T3_FLOW_ROWS]
    cols = [c.key for c in T3_COLUMNS]
    out: list[Equation] = []
    for c in cols:
        out.append(Equation(f"t3.balance.{c}", (f"t3.new_received.{c}", f"t3.carried_over.{c}"),
                            (f"t3.total.{c}", f"t3.carried_forward.{c}"),
                            "一、本年新收 + 二、上年结转 = 三(七)总计 + 四、结转下年度"))
        out.append(Equation(f"t3.results_sum.{c}", tuple(f"t3.{r}.{c}" for r in results), (f"t3.total.{c}",),
                            "三(一)…(六) add up to 三(七)总计"))
    for r in rows:
        out.append(Equation(f"t3.row_total.{r}", tuple(f"t3.{r}.{c}" for c in cols[:-1]), (f"t3.{r}.total",),
                            "the six applicant columns add up to 总计"))
    for g in LAYOUTS[layout].table("t4").rows:
        outs = [o.key for o in T4_OUTCOMES]
        out.append(Equation(f"t4.total.{g.key}", tuple(f"t4.{g.key}.{o}" for o in outs[:-1]), (f"t4.{g.key}.total",),
                            "结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计"))
    return tuple(out)


def holds(eq: Equation, cells: dict) -> bool | None:
    """True/False when every key of the equation has a number or is printed empty; None otherwise."""
    total = 0.0
    for sign, keys in ((1, eq.lhs), (-1, eq.rhs)):
        for k in keys:
            v = cells.get(k)
            if v is not None and not isinstance(v, (int, float)):
                return None
            total += sign * (v or 0)
    return abs(total) < 1e-6


def solve(eq: Equation, key: str, cells: dict) -> float:
    """The value of ``key`` that makes ``eq`` hold, the equation's other cells as they are (empty = 0).

    >>> eq = Equation("e", ("a", "b"), ("t",), "")
    >>> solve(eq, "t", {"a": 2, "b": None}), solve(eq, "a", {"b": 3, "t": 5})
    (2, 2)
    """
    lhs = sum(cells[k] or 0 for k in eq.lhs if k != key)
    rhs = sum(cells[k] or 0 for k in eq.rhs if k != key)
    return rhs - lhs if key in eq.lhs else lhs - rhs
