"""The benchmark's results as Markdown tables (what ``nianbao bench`` prints and writes to results.md).

Example:
    >>> pct(0.98765), pct(None), pct(1.0)
    ('98.77', '–', '100.00')
"""
from __future__ import annotations

from typing import Any

NOTES = """\
- *model* is `extract_report(use_model=True)`, *rules-only* `use_model=False`, on the same files.
- *baseline*: the generic tool a user tries first (pdfplumber `extract_tables()`, lxml `<table>` rows,
  python-docx tables, text lines split on tabs/`|`/whitespace; on scans rapidocr lines grouped into rows),
  mapped to cell keys by exact official row labels only (`eval/baselines.py`); a cell counts only if
  its value equals gold. The baseline is given the gold layout.
- *pdf*, *docx* and *scan* are the gold reports rendered with ruled grids (`training/render.py`,
  `render_docx.py`); in *pdf* and *scan* a third of the documents (drawn per document id) number
  their row labels `1、` where the template prints `1.`, as many real reports do; the rest print the
  official labels (the per-document `numbering` is in the renderings' `manifest.json`).
  *text*, *html* and *pdf_given* are the gold sources as given.
- Speed: sum of per-document `Report.timings` in one process after a warm-up; `read` excludes the
  readers' own render/scan/ocr/layout_model parts. Peak RSS is the process high-water mark so far.
- OCR CER: per table cell of the scanned pages, Levenshtein(truth, OCR) / truth characters, truth from
  the text-layer PDF's table cells, OCR characters placed by their box centres (`eval/ocr_cer.py`)."""

STAGES = ("read", "render", "scan", "ocr", "layout_model", "layout", "model", "tables", "rules", "other")


def pct(x: float | None) -> str:
    """A rate as a percentage with two decimals; ``–`` for none."""
    return "–" if x is None else f"{100 * x:.2f}"


def _num(x: Any, fmt: str = "{:.3g}") -> str:
    return "–" if x is None else fmt.format(x)


def _frac(d: dict, hit: str = "correct", of: str = "total") -> str:
    return f"{d[hit]}/{d[of]}"


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(lines)


def system_name(name: str, s: dict) -> str:
    """The system's name, marked when "model" fell back to the rules (no model ran on any document).

    >>> system_name("model", {"model_documents": 0}), system_name("model", {"model_documents": 3})
    ('model (not loaded: rules only)', 'model')
    """
    return f"{name} (not loaded: rules only)" if name == "model" and s.get("model_documents") == 0 else name


def accuracy_table(results: dict) -> str:
    """Cells (all and per table), sections, meta and findings per device, kind and system."""
    head = ["device", "kind", "docs", "system", "cells %", "t2 %", "t3 %", "t4 %", "sections F1", "layout", "agency",
            "year", "flagged", "false errors"]
    rows = []
    for dev, kinds in results["runs"].items():
        for kind, k in kinds.items():
            for name, s in k["systems"].items():
                c = s["cells"]
                row = [dev, kind, str(k["documents"]), system_name(name, s),
                       f"{pct(c['all']['accuracy'])} ({_frac(c['all'])})"]
                row += [pct(c.get(t, {}).get("accuracy")) for t in ("t2", "t3", "t4")]
                if name == "baseline":
                    row += ["–"] * 6
                else:
                    m, f = s["meta"], s["findings"]
                    row += [_num(s["sections"]["f1"], "{:.4f}"), _frac(s["layout"]), _frac(m["agency"]), _frac(m["year"]),
                            _frac(f, "flagged", "inconsistent"), _frac(f, "false_alarm_docs", "consistent")]
                rows.append(row)
    return _table(head, rows)


def margin_table(results: dict) -> str:
    """nianbao − generic baseline, cell accuracy, per kind."""
    head = ["device", "kind", "baseline", "baseline cells %", "model cells %", "margin (pts)", "rules-only cells %",
            "margin (pts)"]
    rows = []
    for dev, kinds in results["runs"].items():
        for kind, k in kinds.items():
            b = k["systems"].get("baseline")
            if b is None:
                continue
            m, r = k["systems"]["model"]["cells"]["all"], k["systems"]["rules-only"]["cells"]["all"]
            rows.append([dev, kind, b["tool"], pct(b["cells"]["all"]["accuracy"]), pct(m["accuracy"]),
                         f"{100 * k['margin']['model']:+.2f}", pct(r["accuracy"]), f"{100 * k['margin']['rules-only']:+.2f}"])
    return _table(head, rows)


def speed_table(results: dict) -> str:
    """Documents/s, pages/s, seconds per page by stage, peak memory."""
    used = [s for s in STAGES if any(s in sys_["speed"]["seconds_per_page"] for kinds in results["runs"].values()
                                     for k in kinds.values() for n, sys_ in k["systems"].items() if n != "baseline")]
    head = ["device", "kind", "system", "pages", "docs/s", "pages/s"] + [f"{s} s/p" for s in used] + [
        "peak RSS MiB", "peak GPU MiB"]
    rows = []
    for dev, kinds in results["runs"].items():
        for kind, k in kinds.items():
            for name, s in k["systems"].items():
                if name == "baseline":
                    n = k["documents"]
                    rows.append([dev, kind, "baseline", str(k["pages"]), _num(n / s["seconds"] if s["seconds"] else None),
                                 _num(k["pages"] / s["seconds"] if s["seconds"] else None)] + ["–"] * len(used) + ["–", "–"])
                    continue
                sp = s["speed"]
                rows.append([dev, kind, system_name(name, s), str(sp["pages"]), _num(sp["documents_per_s"]),
                             _num(sp["pages_per_s"])]
                            + [_num(sp["seconds_per_page"].get(st), "{:.4f}") for st in used]
                            + [_num(k["peak_rss_mib"], "{:.0f}"), _num(k["peak_gpu_mib"], "{:.0f}")])
    return _table(head, rows)


def ocr_table(results: dict) -> str | None:
    """CER on the table text per OCR engine (scans only); ``None`` when no scan was run."""
    rows = []
    for dev, kinds in results["runs"].items():
        ocr = kinds.get("scan", {}).get("ocr")
        for engine, r in (ocr or {}).items():
            if r.get("cer") is None:
                rows.append([dev, engine, "–", "–", "–", r.get("note") or "no text"])
            else:
                rows.append([dev, engine, pct(r["cer"]), f"{r['errors']}/{r['chars']}", _num(r["seconds_per_page"]), ""])
    if not rows:
        return None
    return _table(["device", "engine", "CER %", "errors/chars", "s/page", "note"], rows)


def markdown(results: dict) -> str:
    """The whole report: accuracy, margin over the baseline, speed, OCR CER, tokens, notes."""
    parts = [f"# nianbao benchmark\n\ngold: `{results['gold_dir']}`; kinds: {', '.join(results['kinds'])}"
             + (f"; first {results['limit']} documents per kind" if results.get("limit") else "")
             + f"; devices: {', '.join(results['devices']['run'])}; {results['machine']['cpus']} CPUs"]
    if results["devices"].get("note"):
        parts.append(f"**Device:** {results['devices']['note']}")
    parts += ["## Accuracy", accuracy_table(results), "## nianbao − generic baseline (cell accuracy)",
              margin_table(results), "## Speed (seconds per page by stage)", speed_table(results)]
    ocr = ocr_table(results)
    if ocr:
        parts += ["## OCR on scans: character error rate on the table text", ocr]
    tok = results.get("tokens")
    parts += ["## Token-level F1 (synthetic)",
              "```\n" + "\n".join(f"{k}: {v}" for k, v in tok.items()) + "\n```" if tok else
              f"not measured: {results.get('tokens_note') or 'no token_eval'}"]
    parts += ["## Notes", NOTES, f"Total {results['seconds']} s (rendering {results['render_seconds']} s)."]
    return "\n\n".join(parts) + "\n"
