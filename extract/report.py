"""The result of extracting one report: status, cells with provenance, findings.

Like docling's ``ConversionResult``, a bad input gives a ``Report`` with
``status="failed"`` and its ``error`` rather than an exception, so a batch goes on.
The JSON written by ``nianbao extract`` is ``Report.to_dict()``; its JSON Schema is
``extract/report.schema.json`` (``nianbao schema`` prints it).

Example:
    >>> r = Report(doc_id="x", source="x.txt", status="failed", error="empty file")
    >>> r.to_dict()["status"], r.ok
    ('failed', False)
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources

from .rules import Finding

SCHEMA_VERSION = "1.0"


@dataclass
class CellSource:
    """Where a cell's number came from and how sure the extraction is."""

    confidence: float
    how: str  # printed | empty | split | placed | inferred | corrected | ambiguous | lost | absent | ...
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    span: tuple[int, int] | None = None  # character span of the source line / cell in the decoded input
    text: str | None = None  # the printed characters the value was read from
    kind: str | None = None  # segment | cell
    cell: tuple[int, int, int] | None = None  # (table index, row, col) in the document, for table cells
    rule: str | None = None  # for inferred and corrected cells: the equation(s) of the format that gave the value
    label: str | None = None  # the token classifier's class for the value's first character (VAL, ROW, ...)
    label_confidence: float | None = None  # the classifier's probability of that class

    def to_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items() if v is not None}


@dataclass
class Report:
    doc_id: str
    source: str
    status: str = "ok"  # ok | partial | failed
    error: str | None = None
    kind: str | None = None  # txt | html | pdf ...
    layout: str | None = None
    meta: dict = field(default_factory=lambda: {"agency": None, "year": None})
    sections: list[str] = field(default_factory=list)
    cells: dict[str, int | float | None] = field(default_factory=dict)
    provenance: dict[str, CellSource] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    model: str | None = None  # the token classifier used, or None on the rules-only path

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "doc_id": self.doc_id,
            "source": self.source,
            "status": self.status,
            "error": self.error,
            "kind": self.kind,
            "layout": self.layout,
            "meta": self.meta,
            "sections": self.sections,
            "cells": self.cells,
            "findings": [f.to_dict() for f in self.findings],
            "provenance": {k: v.to_dict() for k, v in self.provenance.items()},
            "pages": self.pages,
            "model": self.model,
            "timings": {k: round(v, 6) for k, v in self.timings.items()},
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Report":
        """The inverse of :meth:`to_dict` (a report written by ``nianbao extract`` read back)."""
        findings = [Finding(f["rule"], f["severity"], f.get("cells", []), f["message"], f.get("expected"), f.get("found"))
                    for f in d.get("findings", [])]
        prov = {k: CellSource(**{f: (tuple(v) if isinstance(v, list) else v) for f, v in src.items()})
                for k, src in d.get("provenance", {}).items()}
        return cls(doc_id=d["doc_id"], source=d["source"], status=d["status"], error=d.get("error"),
                   kind=d.get("kind"), layout=d.get("layout"), meta=d.get("meta") or {"agency": None, "year": None},
                   sections=d.get("sections", []), cells=d.get("cells", {}), provenance=prov, findings=findings,
                   timings=d.get("timings", {}), pages=d.get("pages", 0), model=d.get("model"))

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def json_schema() -> dict:
    """The JSON Schema of ``Report.to_dict()`` (the output contract of ``nianbao extract``)."""
    return json.loads(resources.files("extract").joinpath("report.schema.json").read_text(encoding="utf-8"))
