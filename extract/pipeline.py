"""The extraction pipeline: input → Document → flat text → tables, sections, meta → rules → Report.

Example:
    >>> report = extract_report(b"not a report at all", name="x.txt")
    >>> report.status, report.error
    ('failed', 'not a government information disclosure annual report (政府信息公开工作年度报告): no section headings or tables of the format found')
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .document import Document
from .errors import NianbaoError, NotAReportError
from .flat import FlatText, flatten
from .labelling import drop_furniture, rescue_headings, trim_headings
from .misreads import OCR_SURE, find_misreads
from .normalize import normalize_text
from .readers import read_document
from .report import CellSource, Report
from .rules import (Finding, Structure, arithmetic_findings, empty_cell_findings, structure_findings,
                    type_findings)
from .schema import cell_keys
from .sections import (detect_layout, find_meta, find_sections, meta_in_title, period_year,
                       repair_ocr_heading, table_regions)
from .tables import CellValue, ParsedTables, parse_tables

log = logging.getLogger(__name__)
MODEL_MAX_CHARS = 400_000  # ~40 times a long report; beyond it the rules read alone (bounded time)
MISREAD_CONFIDENCE = 0.6  # a value the arithmetic chose over what OCR read, as for an inferred cell
_CHOSEN_READINGS = ("split", "placed", "trimmed", "window", "soft-empty", "inferred")


def _provenance(flat: FlatText, parsed: ParsedTables, keys: list[str], labels: tuple | None = None
                ) -> dict[str, CellSource]:
    out = {}
    for k in keys:
        c = parsed.cells.get(k)
        if c is None:
            out[k] = CellSource(confidence=0.0, how="absent")
            continue
        src = CellSource(confidence=round(c.confidence, 3), how=c.how, text=c.raw, rule=c.rule)
        if c.span:
            o = flat.origin(c.span[0])
            if o:
                src.page, src.box, src.span, src.kind = o.page, o.box, o.span, o.kind
                if o.kind == "cell":
                    src.cell = (o.table, o.row, o.col)
                src.confidence = round(c.confidence * o.confidence, 3)
            if labels is not None and c.span[0] < len(labels[0]):
                src.label, src.label_confidence = labels[0][c.span[0]], round(labels[1][c.span[0]], 3)
        out[k] = src
    return out


def _model_labels(doc: Document, report: Report, device: str) -> tuple[FlatText, "TokenLabels"] | None:
    """The flat text with furniture and the classifier's labels; None (and a finding) without them."""
    flat_all = flatten(doc, keep_furniture=True)
    if "政府信息公开" not in flat_all.text and not find_sections(flat_all.text):
        return None  # not a report: the rules say so without loading or running the model
    if len(flat_all.text) > MODEL_MAX_CHARS:
        report.findings.append(Finding("model.skipped", "info", [], f"{len(flat_all.text)} characters: longer than "
                                       f"any report ({MODEL_MAX_CHARS}), read by the rules alone"))
        return None
    try:
        from models.classifier import ModelError, load_classifier

        clf = load_classifier(device=device)  # once per process; not counted in the document's time
    except (ImportError, ModelError, OSError) as e:
        log.warning("token classifier unavailable, rules only: %s", e)
        report.findings.append(Finding("model.unavailable", "warning", [], f"token classifier not used: {e}"))
        return None
    t = time.perf_counter()
    labels = clf.predict(flat_all, doc)
    report.model = clf.name
    report.timings["model"] = time.perf_counter() - t
    return flat_all, labels


def _correct_misreads(parsed: ParsedTables, cells: dict, flat: FlatText, layout: str, unknown: frozenset[str],
                      ocr_pages: set[int]) -> list[Finding]:
    """Cells OCR was unsure of and may have misread, whose equations pin another value (:mod:`.misreads`), take
    the pinned value; ``parsed.cells`` and ``cells`` are updated, and each gets a finding that keeps what
    OCR read."""
    if not ocr_pages:
        return []
    ocr_keys = {k for k, c in parsed.cells.items() if c.span and (o := flat.origin(c.span[0])) is not None
                and o.page in ocr_pages and o.confidence < OCR_SURE}
    out = []
    for m in find_misreads(cells, layout, parsed.present, unknown, ocr_keys):
        c = parsed.cells[m.key]
        parsed.cells[m.key] = CellValue(m.key, m.value, MISREAD_CONFIDENCE, "corrected", c.span, c.raw,
                                        " ".join(m.equations))
        cells[m.key] = m.value
        out.append(Finding("ocr.misread", "warning", [m.key], f"OCR read {m.read}, a misread of {m.value}, the "
                           f"value all {len(m.equations)} of its equations ({', '.join(m.equations)}) give: "
                           f"read as {m.value}", expected=m.value, found=m.read))
    return out


def analyze(doc: Document, report: Report, *, use_model: bool = True, device: str = "auto") -> Report:
    """Fill a Report from a read Document (everything after the reader).

    With ``use_model`` the token classifier labels the flat text first (furniture, headings,
    cells) and the assembler uses its labels; without it the rules alone decide.
    """
    labels = _model_labels(doc, report, device) if use_model else None
    t = time.perf_counter()
    if labels is not None:
        flat, classes, conf = drop_furniture(labels[0], labels[1].classes, labels[1].confidence)
    else:
        flat = flatten(doc)
    text = flat.text
    sections = find_sections(text)
    if labels is not None:
        sections = rescue_headings(text, classes, trim_headings(text, classes, sections))
    meta = find_meta(text)
    if None in meta.values() and doc.title:  # the printed text names no body or year: the file's own title may
        meta = {k: v if v is not None else meta_in_title(normalize_text(doc.title))[k] for k, v in meta.items()}
    layout, scores = detect_layout(text, meta["year"])
    regions = table_regions(text, sections)
    report.timings["layout"] = time.perf_counter() - t
    t = time.perf_counter()
    parsed = parse_tables(flat, layout, regions)
    report.timings["tables"] = time.perf_counter() - t
    if not parsed.present and len(sections) < 3:
        raise NotAReportError("not a government information disclosure annual report (政府信息公开工作年度报告): "
                              "no section headings or tables of the format found")
    t = time.perf_counter()
    keys = cell_keys(layout)
    cells = {k: (parsed.cells[k].value if k in parsed.cells else None) for k in keys}
    # cells the parser could not read, and those of rows it did not find (omitted, or lost to a scan):
    # an equation over them is not judged (a missing (七)总计 is no proof of broken arithmetic)
    unknown = frozenset([k for k, c in parsed.cells.items() if c.how in ("ambiguous", "lost")]
                        + [k for k in keys if k not in parsed.cells])
    findings = [Finding(n.rule, n.severity, n.cells, n.message, n.expected, n.found) for n in parsed.notes]
    ocr_pages = {p.number for p in doc.pages if p.ocr}
    findings += _correct_misreads(parsed, cells, flat, layout, unknown, ocr_pages)
    findings += arithmetic_findings(cells, layout, parsed.present, unknown)
    findings += type_findings(cells)
    findings += structure_findings(Structure(layout, parsed.present, parsed.rows_found, [h.text for h in sections],
                                             parsed.extras, scores, meta["year"], period_year(text)))
    printed_empty = {k: None for k, c in parsed.cells.items() if c.how == "empty"}
    findings += empty_cell_findings(printed_empty, parsed.present)
    report.timings["rules"] = time.perf_counter() - t
    heads = []
    for h in sections:
        o = flat.origin(h.start)
        heads.append(repair_ocr_heading(h.text) if o is not None and o.page in ocr_pages else h.text)
    report.layout, report.meta, report.sections = layout, meta, heads
    report.cells, report.findings = cells, [*report.findings, *findings]
    report.provenance = _provenance(flat, parsed, keys, (classes, conf) if labels is not None else None)
    # a reading the parser chose (a split, a placement) that the table's arithmetic then rejects is a doubt
    for f in findings:
        if f.severity == "error":
            for k in f.cells:
                src = report.provenance.get(k)
                if src and src.how in _CHOSEN_READINGS:
                    src.confidence = min(src.confidence, 0.5)
    incomplete = len(parsed.present) < 3 or unknown or any(f.rule == "structure.missing_row" for f in findings)
    report.status = "partial" if incomplete else "ok"
    return report


def extract_report(source: str | Path | bytes, *, name: str | None = None, doc_id: str | None = None,
                   use_model: bool = True, device: str = "auto") -> Report:
    """Extract one report from a path or bytes; never raises for a bad input.

    ``name`` is the file name when ``source`` is bytes (its extension picks the reader).
    ``use_model=False`` is the rules-only path; ``device`` is ``auto``, ``cpu`` or ``cuda[:N]``.
    """
    return extract_compared(source, (use_model,), name=name, doc_id=doc_id, device=device)[0]


def extract_compared(source: str | Path | bytes, use_model: Sequence[bool], *, name: str | None = None,
                     doc_id: str | None = None, device: str = "auto") -> list[Report]:
    """One report per entry of ``use_model``, from a single reading of the input: the eval
    harness compares the rules-only path and the model on the same text and the same OCR (and
    reads a scan once instead of twice). Each report's ``total`` time is the reading plus its own
    analysis, what it would have taken alone.

    Example:
        >>> rules, model = extract_compared(b"not a report at all", (False, True), name="x.txt")
        >>> rules.status, model.status, rules.error == model.error
        ('failed', 'failed', True)
    """
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "<bytes>")
    reports = [Report(doc_id=doc_id or Path(name).stem, source=str(source) if not isinstance(source, bytes) else name)
               for _ in use_model]
    t = time.perf_counter()
    doc, error = None, None
    try:
        doc = read_document(source, name=name)
    except Exception as e:  # noqa: BLE001 -- every failure becomes the report's error (see _failure)
        error = _failure(e, name)
    read = time.perf_counter() - t
    for report, with_model in zip(reports, use_model):
        if doc is not None:
            report.kind, report.pages = doc.kind, len(doc.pages)
            report.timings["read"] = read  # a failed read records none
            report.timings.update(doc.timings)  # e.g. ocr, layout: spent inside "read"
            t = time.perf_counter()
            try:
                analyze(doc, report, use_model=with_model, device=device)
            except Exception as e:  # noqa: BLE001
                report.status, report.error = "failed", _failure(e, name)
            report.timings["total"] = read + time.perf_counter() - t
        else:
            report.status, report.error = "failed", error
            report.timings["total"] = read
        if report.status == "failed":
            report.cells, report.provenance, report.findings = {}, {}, []
    return reports


def _failure(e: Exception, name: str) -> str:
    """The error record of a document that failed: a bad input says why; a bug must not stop a
    batch, so it is logged and recorded with its type."""
    if isinstance(e, NianbaoError):
        return str(e)
    if isinstance(e, MemoryError):
        return "out of memory while reading this input"
    log.error("internal error on %s", name, exc_info=e)
    return f"internal error: {type(e).__name__}: {e}"


def extract_reports(sources: Iterable[str | Path], *, workers: int = 1, timeout: float | None = None,
                    use_model: bool = True, device: str = "auto") -> Iterator[Report]:
    """Extract many reports, one Report each (failed ones included), in input order.

    With ``workers > 1`` (or a ``timeout``) documents run in worker processes; a document
    past the timeout, or whose worker dies, comes back as a failed Report.

    >>> [r.status for r in extract_reports(["missing.txt"])]
    ['failed']
    """
    if workers <= 1 and not timeout:
        for s in sources:
            yield extract_report(s, use_model=use_model, device=device)
        return
    from .batch import Item, _extract_item, _local

    items = [Item(str(s)) for s in sources]
    jobs = [(it, Path(it.path).stem) for it in items]
    done = {it: Report.from_dict(d) for it, d in _local(jobs, workers, timeout, _extract_item, use_model, device,
                                                        warm=(use_model, device))}
    for it in items:
        yield done[it]
