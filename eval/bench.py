"""The benchmark: accuracy and speed per input kind, nianbao against the alternatives, in one run.

``nianbao bench`` (or ``python -m eval.bench``) takes the gold reports, loads or renders them
as each kind (:mod:`eval.bench_inputs`) and, on the same inputs:

* runs nianbao with the model and rules-only (``use_model=False``) through the eval harness:
  cell accuracy per table, section F1, layout/agency/year accuracy, rule findings vs gold;
  documents/s and pages/s, seconds per page by stage (``Report.timings``), peak RSS and, on
  CUDA, peak GPU memory (torch allocations);
* runs the generic-extractor baseline (:mod:`eval.baselines`) and reports its cell accuracy
  and the margin nianbao − baseline;
* on scans, runs the OCR engines rapidocr and tesseract ``chi_sim`` (when installed) on the
  page images and reports their character error rate on the table text (:mod:`eval.ocr_cer`);
* includes token-level F1 of the model on held-out synthetic documents (``training.train.token_eval``).

Writes ``OUT/results.json``, ``OUT/results.md`` and PNG plots (:mod:`eval.plots`).

Speed is the sum of ``Report.timings["total"]`` over documents, extracted one after another in
this process, rules-only first, after a warm-up (every document of the kind once rules-only and
the first with the model; for scans only the OCR engine, warmed by the CER pass). Peak RSS is
the process's high-water mark (``ru_maxrss``) after each kind, so it only grows from kind to kind.

Example:
    >>> stage_split({"read": 1.0, "ocr": 0.6, "layout_model": 0.1, "layout": 0.05, "tables": 0.1,
    ...              "rules": 0.01, "total": 1.2})
    {'read': 0.3, 'ocr': 0.6, 'layout_model': 0.1, 'layout': 0.05, 'tables': 0.1, 'rules': 0.01, 'other': 0.04}
    >>> r = bench(Path("samples"), ["text"], out=None)                     # doctest: +SKIP
    >>> r["runs"]["cpu"]["text"]["systems"]["model"]["cells"]["all"]["accuracy"]   # doctest: +SKIP
    1.0
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from . import bench_inputs
from .baselines import baseline_cells, line_angle_of_words
from .harness import evaluate_pairs
from .metrics import CellAccuracy

log = logging.getLogger(__name__)

SYSTEMS = {"model": True, "rules-only": False}
# stages measured inside "read" (readers' own timings), then after it (pipeline.analyze)
READ_PARTS = ("render", "scan", "ocr", "layout_model")
AFTER_READ = ("layout", "model", "tables", "rules")
BASELINE_TOOLS = {
    "text": "lines split on tabs / | / whitespace",
    "html": "lxml <table> rows",
    "pdf": "pdfplumber extract_tables()",
    "pdf_given": "pdfplumber extract_tables()",
    "docx": "python-docx Document.tables",
    "scan": "rapidocr lines grouped into rows by y-overlap",
}


# ---------------------------------------------------------------- devices and memory
def peak_rss_mib() -> float:
    """The process's peak resident set size so far, in MiB (``ru_maxrss``; KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 1024), 1)


def cuda_status() -> dict:
    """Whether torch and onnxruntime see a CUDA device (imports torch only if it is installed)."""
    out: dict[str, Any] = {"torch": False, "onnxruntime": False, "name": None}
    try:
        import onnxruntime

        out["onnxruntime"] = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
    except ImportError:
        pass
    try:
        import torch

        if torch.cuda.is_available():
            out["torch"], out["name"] = True, torch.cuda.get_device_name(0)
    except ImportError:
        pass
    return out


def resolve_devices(requested: str, status: dict | None = None) -> tuple[list[str], str | None]:
    """The devices to run on for ``--device`` (``auto``: the CPU, and CUDA when present) and a note.

    >>> resolve_devices("auto", {"torch": False, "onnxruntime": False})
    (['cpu'], None)
    >>> resolve_devices("cuda", {"torch": False, "onnxruntime": False})[0]
    ['cpu']
    >>> resolve_devices("auto", {"torch": True, "onnxruntime": True})[0]
    ['cpu', 'cuda']
    """
    if requested == "cpu":
        return ["cpu"], None
    status = status if status is not None else cuda_status()
    has = bool(status.get("torch") or status.get("onnxruntime"))
    if requested.startswith("cuda") and not has:
        return ["cpu"], ("no CUDA device: torch.cuda.is_available() is False and onnxruntime has no "
                         "CUDAExecutionProvider; ran on the CPU instead")
    if requested.startswith("cuda"):
        return [requested], None
    return (["cpu", "cuda"] if has else ["cpu"]), None


def _gpu_peak_reset(device: str) -> None:
    if device.startswith("cuda"):
        try:
            import torch

            if torch.cuda.is_available():
                torch.cuda.reset_peak_memory_stats()
        except ImportError:
            pass


def _gpu_peak_mib(device: str) -> float | None:
    if not device.startswith("cuda"):
        return None
    try:
        import torch
    except ImportError:
        return None
    return round(torch.cuda.max_memory_allocated() / 2**20, 1) if torch.cuda.is_available() else None


# ---------------------------------------------------------------- speed
def stage_split(timings: dict[str, float]) -> dict[str, float]:
    """Disjoint stages of one report's (or a sum of reports') timings: ``read`` less the
    readers' own parts (render, scan, ocr, layout_model), then those parts, the pipeline's
    stages after reading, and ``other`` = total − all of them (never below 0)."""
    out: dict[str, float] = {}
    parts = sum(timings.get(k, 0.0) for k in READ_PARTS)
    if "read" in timings:
        out["read"] = max(timings["read"] - parts, 0.0)
    for k in READ_PARTS + AFTER_READ:
        if k in timings:
            out[k] = timings[k]
    if "total" in timings:
        out["other"] = max(timings["total"] - sum(out.values()), 0.0)
    return {k: round(v, 6) for k, v in out.items()}


def speed(per_document: list[dict]) -> dict:
    """Documents/s, pages/s and seconds per page by stage over evaluated documents.

    >>> speed([{"pages": 2, "timings": {"read": 0.5, "total": 1.0}}, {"pages": 2, "timings": {"read": 0.5, "total": 1.0}}])
    {'documents': 2, 'pages': 4, 'seconds': 2.0, 'documents_per_s': 1.0, 'pages_per_s': 2.0, 'seconds_per_page': {'read': 0.25, 'other': 0.25}}
    """
    total: dict[str, float] = {}
    for d in per_document:
        for k, v in d["timings"].items():
            total[k] = total.get(k, 0.0) + v
    secs = total.get("total", 0.0)
    pages = sum(d.get("pages") or 0 for d in per_document)
    split = stage_split(total)
    return {"documents": len(per_document), "pages": pages, "seconds": round(secs, 4),
            "documents_per_s": round(len(per_document) / secs, 3) if secs else None,
            "pages_per_s": round(pages / secs, 3) if secs else None,
            "seconds_per_page": {k: round(v / pages, 5) for k, v in split.items()} if pages else {}}


# ---------------------------------------------------------------- one kind
def _scan_ocr(pairs: list[tuple[Path, Path]], work: Path, seed: int, engines: Sequence[str]) -> tuple[dict, dict]:
    """OCR engines on the scanned pages: CER on the table text per engine, and rapidocr's lines
    per document (for the scan baseline). The images are re-rendered from the text-layer PDF
    with the seed :func:`training.render.build_fixture_set` used, so they are the scans' pages."""
    import numpy as np

    from extract.ocr import default_backend
    from training.render import render_scan

    from .ocr_cer import cell_pairs, cer, page_pairs, tesseract_available, truth_cells

    notes: dict[str, str | None] = {e: None for e in engines}
    if "tesseract" in engines:
        notes["tesseract"] = tesseract_available()
    run = [e for e in engines if notes[e] is None]
    pairs_by: dict[str, list] = {e: [] for e in run}
    secs: dict[str, float] = {e: 0.0 for e in run}
    lines_by_doc: dict[str, list] = {}
    pages = 0
    for src, _ in pairs:
        doc_id = src.stem
        pdf = (work / "pdf" / f"{doc_id}.pdf").read_bytes()
        truth = truth_cells(pdf)
        images = render_scan(pdf, dpi=200, seed=seed + sum(map(ord, doc_id)))
        pages += len(images)
        doc_lines = []
        for img, cells in zip(images, truth):
            for e in run:
                t = time.perf_counter()
                if e == "rapidocr":  # one pass: characters for the CER, lines for the baseline
                    lines = default_backend().recognize(np.asarray(img))
                    secs[e] += time.perf_counter() - t
                    chars = [(w.text, tuple(w.box)) for ln in lines for w in ln.words]
                    dpi = img.info["dpi"][0]
                    pairs_by[e] += cell_pairs(cells, chars, scale=dpi / 72, angle=img.info["rotation"], size=img.size)
                    doc_lines.append([(ln.text, tuple(ln.box), line_angle_of_words(ln.words)) for ln in lines])
                else:
                    pairs_by[e] += page_pairs(cells, img, e)
                    secs[e] += time.perf_counter() - t
        lines_by_doc[doc_id] = doc_lines
    out = {}
    for e in engines:
        if notes[e] is not None:
            out[e] = {"cer": None, "note": notes[e]}
        else:
            out[e] = {**cer(pairs_by[e]), "pages": pages, "seconds": round(secs[e], 3),
                      "seconds_per_page": round(secs[e] / pages, 3) if pages else None}
    return out, lines_by_doc


def _baseline(kind: str, pairs: list[tuple[Path, Path]], scan_lines: dict | None) -> dict:
    acc = CellAccuracy()
    per_doc = {}
    secs = 0.0
    for src, gpath in pairs:
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        t = time.perf_counter()
        try:
            pred = baseline_cells("pdf" if kind == "pdf_given" else kind, src.read_bytes(), gold["layout"],
                                  ocr_pages=(scan_lines or {}).get(src.stem))
        except Exception as e:  # a generic tool failing on an input scores as no cells
            log.warning("baseline failed on %s: %s: %s", src.name, type(e).__name__, e)
            pred = {}
        secs += time.perf_counter() - t
        skip = set(gold.get("unresolvable", []))
        wrong = acc.update(gold["cells"], pred, skip)
        per_doc[src.stem] = {"cells_correct": len(gold["cells"]) - len(skip) - len(wrong),
                             "cells_total": len(gold["cells"]) - len(skip)}
    return {"tool": BASELINE_TOOLS[kind], "cells": acc.summary(), "seconds": round(secs, 4), "per_document": per_doc}


def _system(r: dict) -> dict:
    """The accuracy and speed of one evaluate_pairs result, without its per-document detail."""
    keep = ("cells", "sections", "layout", "meta", "findings")
    ran = sum(1 for d in r["per_document"] if "model" in d["timings"])  # the pipeline times the model when it runs
    return {**{k: r[k] for k in keep}, "model_documents": ran, "speed": speed(r["per_document"])}


def bench_kind(kind: str, pairs: list[tuple[Path, Path]], *, device: str, work: Path, seed: int = 0,
               ocr_engines: Sequence[str] = ("rapidocr", "tesseract"), baseline: bool = True) -> dict:
    """Every system on one kind's (source, gold) pairs on one device; a JSON-ready dict.

    The OCR backend follows ``device`` (``NIANBAO_OCR_DEVICE`` is set while the kind runs)."""
    before = os.environ.get("NIANBAO_OCR_DEVICE")
    os.environ["NIANBAO_OCR_DEVICE"] = "cuda" if device.startswith("cuda") else "cpu"
    try:
        return _bench_kind(kind, pairs, device=device, work=work, seed=seed, ocr_engines=ocr_engines,
                           baseline=baseline)
    finally:
        if before is None:
            os.environ.pop("NIANBAO_OCR_DEVICE", None)
        else:
            os.environ["NIANBAO_OCR_DEVICE"] = before


def _bench_kind(kind: str, pairs: list[tuple[Path, Path]], *, device: str, work: Path, seed: int,
                ocr_engines: Sequence[str], baseline: bool) -> dict:
    _gpu_peak_reset(device)
    out: dict[str, Any] = {"documents": len(pairs), "systems": {}}
    scan_lines = None
    if kind == "scan" and pairs:
        out["ocr"], scan_lines = _scan_ocr(pairs, work, seed, ocr_engines)
    if pairs and kind != "scan":  # warm-up: imports, dictionaries, models, caches (a scan's OCR was warmed above)
        evaluate_pairs(pairs[:1], use_model=True, device=device)
        evaluate_pairs(pairs, use_model=False, device=device)
    per_doc: dict[str, dict] = {}
    for name, use_model in sorted(SYSTEMS.items(), key=lambda s: s[1]):  # rules-only first
        t = time.perf_counter()
        r = evaluate_pairs(pairs, use_model=use_model, device=device)
        log.info("%s %s on %s: %d docs in %.1f s", kind, name, device, len(pairs), time.perf_counter() - t)
        out["systems"][name] = _system(r)
        for d in r["per_document"]:
            per_doc.setdefault(d["doc_id"], {"pages": d["pages"]})[name] = {
                "status": d["status"], "cells": f"{d['cells_correct']}/{d['cells_total']}", "seconds": d["seconds"]}
    out["pages"] = out["systems"]["model"]["speed"]["pages"] if pairs else 0
    if baseline and pairs:
        b = _baseline(kind, pairs, scan_lines)
        for doc_id, v in b.pop("per_document").items():
            per_doc.setdefault(doc_id, {})["baseline"] = {"cells": f"{v['cells_correct']}/{v['cells_total']}"}
        if kind == "scan" and "rapidocr" in out.get("ocr", {}):
            b["seconds"] = round(b["seconds"] + (out["ocr"]["rapidocr"].get("seconds") or 0.0), 4)
            b["tool"] += " (seconds include the OCR)"
        out["systems"]["baseline"] = b
        base = b["cells"]["all"]["accuracy"] or 0.0
        out["margin"] = {name: round((out["systems"][name]["cells"]["all"]["accuracy"] or 0.0) - base, 6)
                         for name in SYSTEMS}
    out["peak_rss_mib"] = peak_rss_mib()
    out["peak_gpu_mib"] = _gpu_peak_mib(device)
    out["per_document"] = per_doc
    return out


# ---------------------------------------------------------------- the whole run
def token_results(n_docs: int = 20, seed: int = 0) -> tuple[dict | None, str | None]:
    """(token-level results, None) from ``training.train.token_eval(n_docs, seed)``, or (None, why not)."""
    try:
        from training import train
    except Exception as e:  # training needs its extras (seqeval, rapidfuzz, datasets)
        return None, f"training.train not importable: {type(e).__name__}: {e}"
    fn = getattr(train, "token_eval", None)
    if fn is None:
        return None, "training.train has no token_eval(n_docs, seed)"
    try:
        r = fn(n_docs, seed)
    except Exception as e:
        log.warning("token_eval failed: %s: %s", type(e).__name__, e)
        return None, f"token_eval failed: {type(e).__name__}: {e}"
    return (r, None) if isinstance(r, dict) else (None, f"token_eval returned {type(r).__name__}, not a dict")


def bench(gold_dir: Path, kinds: Sequence[str], *, device: str = "auto", out: Path | None = None,
          limit: int | None = None, seed: int = 0, ocr_engines: Sequence[str] = ("rapidocr", "tesseract"),
          baseline: bool = True, tokens: int = 20, workdir: Path | None = None) -> dict:
    """Run the benchmark; writes ``out/results.json``, ``results.md`` and plots when ``out`` is given."""
    if workdir is None:  # renders and OCR outputs of this run only: removed at the end
        with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
            return bench(gold_dir, kinds, device=device, out=out, limit=limit, seed=seed, ocr_engines=ocr_engines,
                         baseline=baseline, tokens=tokens, workdir=Path(tmp))
    t0, work = time.perf_counter(), workdir
    devices, note = resolve_devices(device)
    t = time.perf_counter()
    inputs = bench_inputs.prepare(gold_dir, kinds, work, limit=limit, seed=seed)
    render_s = round(time.perf_counter() - t, 3)
    runs: dict[str, dict] = {}
    for dev in devices:
        runs[dev] = {}
        for kind in kinds:
            log.info("bench: %s on %s (%d documents)", kind, dev, len(inputs[kind]))
            runs[dev][kind] = bench_kind(kind, inputs[kind], device=dev, work=work, seed=seed,
                                         ocr_engines=ocr_engines, baseline=baseline)
    tok, tok_note = token_results(tokens, seed) if tokens else (None, "not requested")
    results = {
        "version": 1,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "gold_dir": str(gold_dir), "kinds": list(kinds), "limit": limit, "seed": seed,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "devices": {"requested": device, "run": devices, "cuda": cuda_status() if device != "cpu" else None,
                    "note": note},
        "runs": runs,
        "tokens": tok, "tokens_note": tok_note,
        "render_seconds": render_s, "seconds": round(time.perf_counter() - t0, 2),
    }
    if out is not None:
        write_outputs(results, out)
    return results


def write_outputs(results: dict, out: Path) -> list[Path]:
    """``results.json``, ``results.md`` and the PNG plots in ``out``; returns the files written."""
    from .bench_report import markdown
    from .plots import plot_all

    out.mkdir(parents=True, exist_ok=True)
    files = [out / "results.json", out / "results.md"]
    files[0].write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    files[1].write_text(markdown(results), encoding="utf-8")
    try:
        files += plot_all(results, out)
    except ImportError as e:
        log.warning("no plots: %s (pip install matplotlib)", e)
    return files


def parse_kinds(text: str) -> list[str]:
    """``text,html`` -> ['text', 'html'] (``txt`` accepted for ``text``); raises ValueError.

    >>> parse_kinds("txt, pdf")
    ['text', 'pdf']
    """
    kinds = [{"txt": "text"}.get(k.strip(), k.strip()) for k in text.split(",") if k.strip()]
    bad = [k for k in kinds if k not in bench_inputs.KINDS]
    if bad:
        raise ValueError(f"unknown kinds {bad}; use {','.join(bench_inputs.KINDS)}")
    return kinds


def run_cli(gold: Path | None, kinds: str, device: str, out: Path, limit: int | None, seed: int,
            no_tesseract: bool = False, no_baseline: bool = False) -> dict:
    """What ``nianbao bench`` and ``python -m eval.bench`` do: run, write, return the results."""
    gold_dir = gold or bench_inputs.default_gold_dir()
    engines = ("rapidocr",) if no_tesseract else ("rapidocr", "tesseract")
    return bench(gold_dir, parse_kinds(kinds), device=device, out=out, limit=limit, seed=seed,
                 ocr_engines=engines, baseline=not no_baseline)


def main(argv: Sequence[str] | None = None) -> int:
    from .bench_report import markdown

    ap = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=None, help="gold folder (default ../shared/gold/dev, else samples/)")
    ap.add_argument("--kinds", default=",".join(bench_inputs.KINDS))
    ap.add_argument("--device", default="auto", help="cpu, cuda or auto (the CPU and CUDA when present)")
    ap.add_argument("--out", type=Path, default=Path("bench_out"))
    ap.add_argument("--limit", type=int, default=None, help="first N documents of each kind")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-tesseract", action="store_true", help="skip tesseract in the OCR comparison")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if a.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        r = run_cli(a.gold, a.kinds, a.device, a.out, a.limit, a.seed, a.no_tesseract)
    except ValueError as e:
        ap.error(str(e))
    print(markdown(r))
    print(f"\nwrote {a.out}/results.json, results.md and plots in {r['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
