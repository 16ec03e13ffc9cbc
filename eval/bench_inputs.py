"""The benchmark's inputs per kind: gold sources as given, or the gold reports rendered.

* ``text``, ``html``, ``pdf_given``: the gold-labelled sources of that kind (``.txt``,
  ``.html``, ``.pdf``) in the gold folder, as given (the dev set's PDFs are real reports).
* ``pdf``, ``scan``: every gold report rendered by :func:`training.render.build_fixture_set`
  (a Word- or browser-style text-layer PDF; the same PDF degraded into an image-only scan),
  as ``nianbao eval --render`` does.
* ``docx``: every gold report as a Word file by :func:`training.render_docx.render_docx`
  (the gold's cells, agency and year; filler narrative; the six official headings, so the
  gold written beside it lists those as its sections).

``limit`` keeps the first N documents of each kind (by file name). Renderings are made
at run time under ``workdir``, never stored in git.

Example:
    >>> sorted(KIND_SUFFIX)
    ['docx', 'html', 'pdf', 'pdf_given', 'scan', 'text']
"""
from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Sequence

from extract.readers import EXTENSIONS
from extract.schema import SECTIONS, cell_keys

from .harness import gold_pairs

log = logging.getLogger(__name__)

KINDS = ("text", "html", "pdf_given", "pdf", "docx", "scan")
KIND_SUFFIX = {"text": "txt", "html": "html", "pdf_given": "pdf", "pdf": "pdf", "scan": "pdf", "docx": "docx"}
Pair = tuple[Path, Path]  # (source file, gold json)


def default_gold_dir(root: Path | None = None) -> Path:
    """``../shared/gold/dev`` beside the checkout when present, else the bundled ``samples/``."""
    root = root or Path(__file__).resolve().parents[1]
    dev = root.parent / "shared" / "gold" / "dev"
    return dev if dev.is_dir() else root / "samples"


def _all_golds(gold_dir: Path) -> list[Path]:
    out = []
    for g in sorted(gold_dir.glob("*.json")):
        try:
            d = json.loads(g.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(d, dict) and "cells" in d:
            out.append(g)
    return out


def _subset(gold_dir: Path, golds: list[Path], work: Path) -> Path:
    """A folder with just these gold files and their sources (copies), for the renderer."""
    if len(golds) == len(_all_golds(gold_dir)):
        return gold_dir
    sub = work / "gold_subset"
    sub.mkdir(parents=True, exist_ok=True)
    for g in golds:
        for f in gold_dir.glob(g.stem + ".*"):
            shutil.copyfile(f, sub / f.name)
    return sub


def docx_gold(gold: dict) -> tuple[object, dict]:
    """(SynthReport to render, the gold of that rendering) for a gold label.

    >>> rep, g = docx_gold({"doc_id": "d", "layout": "2021", "meta": {"agency": "某局", "year": 2024},
    ...                     "sections": [], "cells": {"t4.review.total": 1}})
    >>> rep.cells["t4.review.total"], rep.cells["t3.total.total"], g["sections"][0], len(g["cells"])
    (1, None, '一、总体情况', 1)
    """
    from eval.metrics import gold_violations
    from training.synth import SynthReport

    layout = gold.get("layout") or "2021"
    meta = gold.get("meta") or {}
    cells = {k: gold["cells"].get(k) for k in cell_keys(layout)}
    sections = [s[2] for s in SECTIONS]
    rep = SynthReport(layout, meta.get("agency") or "", meta.get("year") or 2024, cells,
                      not gold_violations(gold), sections)
    g = dict(gold, sections=sections, meta={"agency": meta.get("agency"), "year": meta.get("year") or 2024},
             notes=(gold.get("notes") or "") + " [rendered as .docx by the benchmark]")
    return rep, g


def prepare(gold_dir: Path, kinds: Sequence[str], work: Path, *, limit: int | None = None,
            seed: int = 0) -> dict[str, list[Pair]]:
    """(source, gold) pairs per kind, rendering under ``work`` what needs rendering."""
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ValueError(f"unknown kinds {bad}; use {','.join(KINDS)}")
    out: dict[str, list[Pair]] = {}
    for kind in kinds:
        if kind in ("text", "html", "pdf_given"):
            ext = KIND_SUFFIX[kind]
            pairs = [p for p in gold_pairs(gold_dir) if EXTENSIONS.get(p[0].suffix.lower()) == ext]
            out[kind] = pairs[:limit] if limit else pairs
    golds = _all_golds(gold_dir)[:limit] if limit else _all_golds(gold_dir)
    rendered = [k for k in ("pdf", "scan") if k in kinds]
    if rendered:
        from training.render import build_fixture_set

        # the text-layer PDF is always made: the scan is rasterized from it, and the OCR CER needs its cells
        build_fixture_set(_subset(gold_dir, golds, work), work, ["pdf"] + (["scan"] if "scan" in kinds else []),
                          seed=seed, progress=lambda d: log.info("rendering %s", d))
        for k in rendered:
            out[k] = [(work / k / f"{g.stem}.pdf", work / k / f"{g.stem}.json") for g in golds]
    if "docx" in kinds:
        from training.render_docx import render_docx

        folder = work / "docx"
        folder.mkdir(parents=True, exist_ok=True)
        pairs = []
        for i, gpath in enumerate(golds):
            rep, g = docx_gold(json.loads(gpath.read_text(encoding="utf-8")))
            src, gold_out = folder / f"{gpath.stem}.docx", folder / f"{gpath.stem}.json"
            src.write_bytes(render_docx(rep, seed + i))
            gold_out.write_text(json.dumps(g, ensure_ascii=False, indent=1), encoding="utf-8")
            pairs.append((src, gold_out))
        out["docx"] = pairs
    return {k: out[k] for k in kinds}
