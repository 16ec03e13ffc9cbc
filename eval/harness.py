"""The eval harness: extract every gold-labelled source in a folder and score it.

A gold file ``<id>.json`` (shared/gold/FORMAT.md) is scored against the source file
beside it with the same stem (``<id>.txt``, ``.html``, ``.pdf`` ...), whatever its kind.

Example:
    >>> results = evaluate(Path("../shared/gold/dev"))      # doctest: +SKIP
    >>> results["cells"]["all"]["accuracy"]                 # doctest: +SKIP
    1.0
"""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from extract.pipeline import extract_compared
from extract.readers import EXTENSIONS

from .metrics import Accuracy, CellAccuracy, FindingAgreement, SectionF1, norm_heading

log = logging.getLogger(__name__)


def gold_pairs(gold_dir: Path, kinds: list[str] | None = None) -> list[tuple[Path, Path]]:
    """(source, gold json) pairs: every supported file that has a gold JSON beside it."""
    pairs = []
    for src in sorted(gold_dir.iterdir()):
        kind = EXTENSIONS.get(src.suffix.lower())
        gold = src.with_suffix(".json")
        if kind and gold.exists() and (not kinds or kind in kinds or src.suffix.lstrip(".") in kinds):
            pairs.append((src, gold))
    return pairs


def evaluate(gold_dir: Path, kinds: list[str] | None = None, outdir: Path | None = None, *,
             use_model: bool = True, device: str = "auto") -> dict:
    """Extract and score every gold-labelled source in ``gold_dir``; returns a JSON-ready dict.

    ``use_model=False`` scores the rules-only path; ``device`` goes to ``extract_report``.
    """
    r = evaluate_pairs(gold_pairs(gold_dir, kinds), outdir, use_model=use_model, device=device)
    return {"gold_dir": str(gold_dir), **r}


def evaluate_systems(gold_dir: Path, systems: dict[str, bool], kinds: list[str] | None = None,
                     outdir: Path | None = None, *, device: str = "auto") -> dict[str, dict]:
    """:func:`evaluate` for several systems (name → use the model?) on one reading of each
    source, so they are compared on the same text and OCR; predictions go to ``outdir/<name>``
    (to ``outdir`` itself for a single system).

    >>> r = evaluate_systems(Path("../shared/gold/dev"), {"rules-only": False, "model": True})  # doctest: +SKIP
    >>> r["rules-only"]["cells"]["all"]["accuracy"] <= r["model"]["cells"]["all"]["accuracy"]  # doctest: +SKIP
    True
    """
    r = evaluate_pairs_systems(gold_pairs(gold_dir, kinds), systems, outdir, device=device)
    return {name: {"gold_dir": str(gold_dir), **v} for name, v in r.items()}


def evaluate_pairs(pairs: list[tuple[Path, Path]], outdir: Path | None = None, *, use_model: bool = True,
                   device: str = "auto") -> dict:
    """Extract and score (source, gold json) pairs (see :func:`gold_pairs`); returns a JSON-ready dict."""
    return evaluate_pairs_systems(pairs, {"": use_model}, outdir, device=device)[""]


def evaluate_pairs_systems(pairs: list[tuple[Path, Path]], systems: dict[str, bool], outdir: Path | None = None, *,
                           device: str = "auto") -> dict[str, dict]:
    """Score each system (name → use the model?) on the pairs, each source read once; with more
    than one system the predictions go to ``outdir/<name>``."""
    tallies = {name: _Tally() for name in systems}
    t0 = time.perf_counter()
    for src, gpath in pairs:
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        reports = extract_compared(src, tuple(systems.values()), doc_id=gold.get("doc_id", src.stem), device=device)
        for (name, tally), report in zip(tallies.items(), reports):
            if outdir:
                folder = outdir / name if len(systems) > 1 else outdir
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{src.stem}.json").write_text(report.to_json(), encoding="utf-8")
            tally.add(src, gold, report)
    seconds = time.perf_counter() - t0
    return {name: {"use_model": use_model, **tallies[name].summary(seconds if len(systems) == 1 else None)}
            for name, use_model in systems.items()}


class _Tally:
    """The metrics of one system over the documents of an evaluation (docTR-style update/summary)."""

    def __init__(self) -> None:
        self.cells, self.sections, self.layout = CellAccuracy(), SectionF1(), Accuracy()
        self.agency, self.year, self.findings = Accuracy(), Accuracy(), FindingAgreement()
        self.by_kind: dict[str, CellAccuracy] = {}
        self.docs: list[dict] = []

    def add(self, src: Path, gold: dict, report) -> None:
        pred = report.to_dict()
        skip = set(gold.get("unresolvable", []))
        wrong = self.cells.update(gold["cells"], pred["cells"], skip)
        self.by_kind.setdefault(report.kind or "?", CellAccuracy()).update(gold["cells"], pred["cells"], skip)
        missed, extra = self.sections.update(gold.get("sections", []), pred["sections"])
        self.layout.update(pred["layout"] == gold["layout"])
        gm = gold.get("meta", {})
        if gm.get("agency") is not None:
            self.agency.update(norm_heading(pred["meta"].get("agency")) == norm_heading(gm["agency"]))
        if gm.get("year") is not None:
            self.year.update(pred["meta"].get("year") == gm["year"])
        finding_note = self.findings.update(gold, pred["findings"])
        self.docs.append({
            "doc_id": src.stem, "kind": report.kind, "status": report.status, "error": report.error,
            "cells_correct": len(gold["cells"]) - len(skip) - len(wrong), "cells_total": len(gold["cells"]) - len(skip),
            "wrong_cells": {k: {"gold": gold["cells"][k], "pred": pred["cells"].get(k)} for k in wrong},
            "layout": [gold["layout"], pred["layout"]], "missed_sections": missed, "extra_sections": extra,
            "meta": [gm, pred["meta"]], "findings": finding_note, "seconds": round(report.timings.get("total", 0), 4),
            "pages": report.pages, "timings": {k: round(v, 4) for k, v in report.timings.items()},
        })

    def summary(self, seconds: float | None = None) -> dict:
        """JSON-ready results; ``seconds`` defaults to the documents' own totals (reading included)."""
        docs = self.docs
        pages = sum(d["pages"] for d in docs)
        stage: dict[str, float] = {}
        for d in docs:
            for k, v in d["timings"].items():
                stage[k] = stage.get(k, 0.0) + v
        return {
            "documents": len(docs), "seconds": round(seconds if seconds is not None else stage.get("total", 0.0), 3),
            "pages": pages, "seconds_per_page": {k: round(v / max(pages, 1), 4) for k, v in sorted(stage.items())},
            "cells": self.cells.summary(), "cells_by_kind": {k: v.summary()["all"] for k, v in sorted(self.by_kind.items())},
            "sections": self.sections.summary(), "layout": self.layout.summary(),
            "meta": {"agency": self.agency.summary(), "year": self.year.summary()}, "findings": self.findings.summary(),
            "per_document": docs,
        }


def evaluate_rendered(gold_dir: Path, kinds: list[str], *, seed: int = 0, workdir: Path | None = None,
                      synth: int = 0, heldout: int = 0, use_model: bool = True, device: str = "auto") -> dict[str, dict]:
    """Render every gold report as each kind (``pdf``, ``scan``, ``tiff``) and evaluate each.

    The renderings are made here, from the gold (training.render), never stored in git; without
    ``workdir`` in a temporary folder that is removed afterwards.
    """
    import contextlib
    import tempfile

    with contextlib.nullcontext(workdir) if workdir else tempfile.TemporaryDirectory(prefix="nianbao-render-") as w:
        work = render_gold(gold_dir, kinds, seed=seed, workdir=Path(w), synth=synth, heldout=heldout)
        return {k: evaluate(work / k, use_model=use_model, device=device) for k in kinds}


def render_gold(gold_dir: Path, kinds: list[str], *, seed: int = 0, workdir: Path | None = None,
                synth: int = 0, heldout: int = 0) -> Path:
    """Render every gold report in ``gold_dir`` as each kind into ``workdir/<kind>/`` (a new
    temporary folder when not given), gold JSON beside each, plus ``synth`` synthetic and ``heldout``
    held-out synthetic reports (:func:`training.render.build_fixture_set`); returns the folder."""
    import tempfile

    from training.render import build_fixture_set

    work = workdir or Path(tempfile.mkdtemp(prefix="nianbao-render-"))
    build_fixture_set(gold_dir, work, kinds, include_synth=synth, heldout=heldout, seed=seed)
    return work


def format_comparison(by_system: dict[str, dict]) -> str:
    """One line per system (e.g. ``rules-only``, ``model``) of :func:`evaluate` results, side by side.

    >>> r = {"cells": {"all": {"accuracy": 1.0, "correct": 2, "total": 2}}, "sections": {"f1": 1.0},
    ...      "layout": {"correct": 1, "total": 1}, "meta": {"agency": {"correct": 1, "total": 1},
    ...      "year": {"correct": 1, "total": 1}}, "findings": {"flagged": 0, "inconsistent": 0,
    ...      "false_alarm_docs": 0, "consistent": 1}, "documents": 1, "seconds": 0.01}
    >>> print(format_comparison({"rules-only": r}))
    system        cells                sections F1  layout  agency  year  flagged  false errors  seconds
    rules-only    1.0000 (2/2)         1.0          1/1     1/1     1/1   0/0      0/1           0.01
    """
    def frac(d: dict, hit: str = "correct", of: str = "total") -> str:
        return f"{d[hit]}/{d[of]}"

    lines = [f"{'system':<14}{'cells':<21}{'sections F1':<13}{'layout':<8}{'agency':<8}{'year':<6}"
             f"{'flagged':<9}{'false errors':<14}seconds"]
    for name, r in by_system.items():
        if not r.get("documents"):
            lines.append(f"{name:<14}no documents")
            continue
        c, m, f = r["cells"]["all"], r["meta"], r["findings"]
        cells = f"{c['accuracy']:.4f} ({frac(c)})"
        lines.append(f"{name:<14}{cells:<21}{r['sections']['f1']:<13}{frac(r['layout']):<8}{frac(m['agency']):<8}"
                     f"{frac(m['year']):<6}{frac(f, 'flagged', 'inconsistent'):<9}"
                     f"{frac(f, 'false_alarm_docs', 'consistent'):<14}{r['seconds']}")
    return "\n".join(lines)


def format_results(r: dict) -> str:
    """A readable summary plus one line per document that missed anything."""
    c, s = r["cells"], r["sections"]
    lines = [f"{'doc':<14}{'kind':<6}{'status':<9}{'cells':>9}  misses"]
    for d in r["per_document"]:
        miss = []
        if d["wrong_cells"]:
            miss.append("cells " + ", ".join(f"{k}={v['pred']}(gold {v['gold']})" for k, v in list(d["wrong_cells"].items())[:4])
                        + (" …" if len(d["wrong_cells"]) > 4 else ""))
        if d["missed_sections"] or d["extra_sections"]:
            miss.append(f"sections -{d['missed_sections']} +{d['extra_sections']}")
        if d["layout"][0] != d["layout"][1]:
            miss.append(f"layout {d['layout'][1]} (gold {d['layout'][0]})")
        if d["findings"]:
            miss.append(d["findings"])
        if d["error"]:
            miss.append(f"error: {d['error']}")
        lines.append(f"{d['doc_id']:<14}{d['kind'] or '-':<6}{d['status']:<9}{d['cells_correct']:>4}/{d['cells_total']:<4}  "
                     + ("; ".join(miss) or "-"))
    per_table = "  ".join(f"{t}={v['accuracy']}" for t, v in c.items() if t != "all")
    f = r["findings"]
    lines += [
        "",
        f"cells {c['all']['accuracy']} ({c['all']['correct']}/{c['all']['total']}; nonzero {c['all']['nonzero_accuracy']})  {per_table}",
        "by kind: " + "  ".join(f"{k}={v['accuracy']}" for k, v in r["cells_by_kind"].items()),
        f"sections P={s['precision']} R={s['recall']} F1={s['f1']}   layout {r['layout']['correct']}/{r['layout']['total']}"
        f"   agency {r['meta']['agency']['correct']}/{r['meta']['agency']['total']}   year {r['meta']['year']['correct']}/{r['meta']['year']['total']}",
        f"findings: flagged {f['flagged']}/{f['inconsistent']} inconsistent docs, false errors on {f['false_alarm_docs']}/{f['consistent']} consistent docs",
        f"{r['documents']} documents, {r['pages']} pages in {r['seconds']} s; seconds per page by stage: "
        + ", ".join(f"{k} {v}" for k, v in r["seconds_per_page"].items()),
    ]
    return "\n".join(lines)
