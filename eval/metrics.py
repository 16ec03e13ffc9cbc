"""Metrics as small classes with ``update`` and ``summary`` (docTR style).

Example:
    >>> m = CellAccuracy()
    >>> m.update({"t3.total.total": 5, "t2.fees.amount": None}, {"t3.total.total": 5, "t2.fees.amount": 0})
    ['t2.fees.amount']
    >>> m.summary()["all"]["accuracy"]
    0.5
"""
from __future__ import annotations

import re
import unicodedata

from extract.equations import equations, holds


def same_value(a, b) -> bool:
    """Cell equality as the gold format defines it: numbers within 1e-6, null only equals null."""
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-6
    except (TypeError, ValueError):
        return False


def norm_heading(s: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


class CellAccuracy:
    """Exact cell accuracy, overall and per table; gold nulls must come back null."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}  # table -> [correct, total, nonzero_correct, nonzero_total]

    def update(self, gold: dict, pred: dict, skip: set[str] = frozenset()) -> list[str]:
        """Add one document; returns the keys it got wrong."""
        wrong = []
        for k, g in gold.items():
            if k in skip:
                continue
            c = self.counts.setdefault(k.split(".")[0], [0, 0, 0, 0])
            ok = k in pred and same_value(pred[k], g)
            c[0] += ok
            c[1] += 1
            if g not in (0, None):
                c[2] += ok
                c[3] += 1
            if not ok:
                wrong.append(k)
        return wrong

    def summary(self) -> dict:
        def acc(a: int, b: int) -> float | None:
            return round(a / b, 6) if b else None

        out = {t: {"accuracy": acc(c[0], c[1]), "correct": c[0], "total": c[1], "nonzero_accuracy": acc(c[2], c[3])}
               for t, c in sorted(self.counts.items())}
        tot = [sum(c[i] for c in self.counts.values()) for i in range(4)]
        out["all"] = {"accuracy": acc(tot[0], tot[1]), "correct": tot[0], "total": tot[1],
                      "nonzero_accuracy": acc(tot[2], tot[3])}
        return out


class SectionF1:
    """Precision, recall and F1 of the section headings (micro-averaged over documents)."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def update(self, gold: list[str], pred: list[str]) -> tuple[list[str], list[str]]:
        g, p = {norm_heading(s) for s in gold}, {norm_heading(s) for s in pred}
        self.tp += len(g & p)
        self.fp += len(p - g)
        self.fn += len(g - p)
        return sorted(g - p), sorted(p - g)

    def summary(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 6), "recall": round(r, 6), "f1": round(f, 6)}


class Accuracy:
    """A plain hit rate (layout, meta fields)."""

    def __init__(self) -> None:
        self.hit = self.n = 0

    def update(self, ok: bool) -> None:
        self.hit += bool(ok)
        self.n += 1

    def summary(self) -> dict:
        return {"accuracy": round(self.hit / self.n, 6) if self.n else None, "correct": self.hit, "total": self.n}


def gold_violations(gold: dict) -> list[str]:
    """The arithmetic rules the gold cells break (what the document prints inconsistently)."""
    cells = gold["cells"]
    present = {k[:2] for k in cells}
    out = []
    for eq in equations(gold["layout"]):
        if eq.id[:2] in present and any(k in cells for k in eq.keys):
            full = {k: cells.get(k) for k in eq.keys}
            if holds(eq, full) is False:
                out.append(eq.id)
    return out


class FindingAgreement:
    """Inconsistent documents flagged with an arithmetic error; false errors on consistent ones."""

    def __init__(self) -> None:
        self.flagged = self.inconsistent = self.false_alarm = self.consistent = 0

    def update(self, gold: dict, findings: list[dict]) -> str | None:
        errors = [f for f in findings if f.get("severity") == "error"
                  and any(str(k).startswith(("t3.", "t4.")) for k in f.get("cells") or [])]
        if gold_violations(gold):
            self.inconsistent += 1
            self.flagged += bool(errors)
            return None if errors else "missed inconsistency"
        self.consistent += 1
        self.false_alarm += bool(errors)
        return f"false finding: {errors[0]['rule']}" if errors else None

    def summary(self) -> dict:
        return {"flagged": self.flagged, "inconsistent": self.inconsistent,
                "false_alarm_docs": self.false_alarm, "consistent": self.consistent}
