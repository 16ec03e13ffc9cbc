"""The ``nianbao`` command line: extract, eval, schema.

Only this module configures logging and shows progress bars; the library just logs.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import click


log = logging.getLogger(__name__)


@click.group()
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def main(verbose: int) -> None:
    """nianbao: government information disclosure annual reports → validated JSON."""
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s")


def _device(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--device``: auto, cpu, cuda or cuda:N."""
    if value in ("auto", "cpu", "cuda") or (value.startswith("cuda:") and value[5:].isdigit()):
        return value
    raise click.BadParameter(f"{value!r}: expected auto, cpu, cuda or cuda:N")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--out", "outdir", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--workers", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--timeout", type=float, default=None, help="Seconds per document; a document past it is failed.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local processes, or Ray (RAY_ADDRESS picks a cluster).")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "none"]), default="parquet", show_default=True,
              help="Also write reports/cells/findings tables of the whole output folder.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when on a terminal).")
@click.option("--no-model", is_flag=True, help="Rules only: do not run the token classifier.")
@click.option("--device", default="auto", show_default=True, callback=_device,
              help="Where the model runs: auto, cpu, cuda or cuda:N.")
def extract(inputs: tuple[str, ...], outdir: str, workers: int | None, timeout: float | None, engine: str,
            fmt: str, progress: bool | None, no_model: bool, device: str) -> None:
    """Extract INPUTS (files, folders, globs, .zip archives) into OUTDIR/<name>.json.

    INPUTS and OUTDIR may be URIs (s3://bucket/dir, gs://…, file:///abs/dir).
    Resumable: a rerun skips inputs already done (same bytes), see OUTDIR/manifest.jsonl.
    """
    from tqdm import tqdm

    from .batch import run_extract

    workers = workers or os.cpu_count() or 1
    bar = tqdm(total=0, unit="doc", disable=not (sys.stderr.isatty() if progress is None else progress))
    state = {"failed": 0, "pages": 0, "t0": time.perf_counter()}

    def on_plan(n: int) -> None:
        bar.reset(total=n)

    def on_result(item, report: dict) -> None:
        state["pages"] += report.get("pages") or 0
        if report["status"] == "failed":
            state["failed"] += 1
            tqdm.write(f"failed: {item.display}: {report['error']}", file=sys.stderr)
        bar.update(1)
        bar.set_postfix(failed=state["failed"], pages_s=f"{state['pages'] / (time.perf_counter() - state['t0']):.1f}")

    try:
        s = run_extract(inputs, outdir, workers=workers, timeout=timeout, engine=engine, on_result=on_result,
                        on_plan=on_plan, dataset=None if fmt == "none" else fmt, use_model=not no_model,
                        device=device)
    except OSError as e:  # disk full, permissions: what is written so far stays valid, a rerun resumes
        bar.close()
        raise click.ClickException(f"cannot write to {outdir}: {e}; finished outputs are kept, rerun to resume")
    bar.close()
    c = s.counts
    click.echo(f"{sum(c.values())} input(s): {c['ok']} ok, {c['partial']} partial, {c['failed']} failed; "
               f"{s.skipped} already done, {s.duplicates} duplicate(s); {s.pages} pages in {s.seconds:.1f} s -> {outdir}/")


@main.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Write the full results here.")
@click.option("--out", "outdir", type=click.Path(file_okay=False), help="Also keep the predictions here.")
@click.option("--kinds", default="", help="Only these input kinds, e.g. txt,html,pdf.")
@click.option("--render", default="", help="Also render the gold reports as these kinds and score them: pdf,scan,tiff,scan_low,pdf_unruled,scan_unruled,text_pdf,text_scan,source_scan,source_scan_low (text_*: the text reports printed as they are; source_*: the PDF reports themselves scanned).")
@click.option("--heldout", default=0, show_default=True, help="Also render this many held-out synthetic reports (the token classifier's test split: other seeds and templates) as the --render kinds; with an empty GOLD_DIR only those.")
@click.option("--seed", default=0, show_default=True, help="Seed of the renderings.")
@click.option("--no-model", is_flag=True, help="Only the rules-only path (default: rules-only and with the model).")
@click.option("--device", default="auto", show_default=True, help="auto, cpu or cuda[:N] for the model and OCR.")
def eval_cmd(gold_dir: str, json_out: str | None, outdir: str | None, kinds: str, render: str, heldout: int,
             seed: int, no_model: bool, device: str) -> None:
    """Score extraction against the hand-labelled gold JSON in GOLD_DIR.

    Prints the rules-only results, then (unless --no-model) those with the model and the two side
    by side; --json then holds {"rules_only": …, "model": …}, with --no-model the rules-only results.
    """
    from eval.harness import evaluate_systems, format_comparison, format_results, render_gold

    systems = {"rules-only": False} if no_model else {"rules-only": False, "model": True}
    kind_list = [k for k in kinds.split(",") if k] or None
    render_kinds = [k for k in render.split(",") if k]
    if heldout and not render_kinds:
        raise click.UsageError("--heldout renders its reports: give the kinds with --render (e.g. --render pdf,scan)")
    # every source is read once and analysed by each system: both see the same text and OCR
    source = evaluate_systems(Path(gold_dir), systems, kind_list, Path(outdir) if outdir else None, device=device)
    rendered = {}
    if render_kinds:  # the renderings (tens of MB of scans) live only as long as this run
        with tempfile.TemporaryDirectory(prefix="nianbao-render-") as tmp:
            work = render_gold(Path(gold_dir), render_kinds, seed=seed, workdir=Path(tmp), heldout=heldout)
            rendered = {k: evaluate_systems(work / k, systems, device=device) for k in render_kinds}
    by_system: dict[str, dict] = {}
    for name in systems:
        click.echo(f"== {name} ==\n" + format_results(source[name]))
        for kind, rk in rendered.items():
            click.echo(f"\n== {name}, rendered as {kind} ==\n" + format_results(rk[name]))
        by_system[name] = {"source": source[name], "rendered": {k: rk[name] for k, rk in rendered.items()}} if rendered \
            else source[name]
        click.echo("")
    if len(by_system) > 1:
        click.echo("== as given ==\n" + format_comparison({n: r.get("source", r) for n, r in by_system.items()}))
        for k in render_kinds:
            click.echo(f"\n== rendered as {k} ==\n" + format_comparison({n: r["rendered"][k] for n, r in by_system.items()}))
    results = by_system["rules-only"] if no_model else {"rules_only": by_system["rules-only"], "model": by_system["model"]}
    if json_out:
        from .batch import atomic_write

        atomic_write(Path(json_out), json.dumps(results, ensure_ascii=False, indent=1))


@main.command("bench")
@click.option("--gold", type=click.Path(exists=True, file_okay=False), default=None,
              help="Gold folder (default: ../shared/gold/dev, else samples/).")
@click.option("--kinds", default="text,html,pdf_given,pdf,docx,scan", show_default=True,
              help="Input kinds: text, html, pdf_given (PDFs as given), pdf, docx, scan (rendered from gold).")
@click.option("--device", default="auto", show_default=True, help="cpu, cuda or auto (the CPU, and CUDA when present).")
@click.option("--out", "outdir", default="bench_out", show_default=True, type=click.Path(file_okay=False))
@click.option("--limit", type=int, default=None, help="Only the first N documents of each kind.")
@click.option("--seed", default=0, show_default=True, help="Seed of the renderings.")
@click.option("--no-tesseract", is_flag=True, help="Leave tesseract out of the OCR comparison on scans.")
def bench_cmd(gold: str | None, kinds: str, device: str, outdir: str, limit: int | None, seed: int,
              no_tesseract: bool) -> None:
    """Accuracy and speed per input kind: nianbao with and without the model, a generic table
    extractor and OCR engines on the same inputs; writes OUT/results.json, results.md, PNG plots."""
    from eval.bench import run_cli
    from eval.bench_report import markdown

    try:
        r = run_cli(Path(gold) if gold else None, kinds, device, Path(outdir), limit, seed, no_tesseract)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--kinds")
    click.echo(markdown(r))
    click.echo(f"wrote {outdir}/results.json, results.md and plots in {r['seconds']} s")


@main.command()
@click.argument("outdir", type=click.Path(exists=True, file_okay=False))
def summarize(outdir: str) -> None:
    """Counts by status, layout, year and rule; the reports with most errors; cross-report checks."""
    from .dataset import summarize as _summarize

    click.echo(_summarize(Path(outdir)))


def _quiet_onnx_export() -> None:
    """The ONNX export's graph passes log every rewrite at INFO."""
    for noisy in ("onnxscript", "onnx_ir"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def train(args: tuple[str, ...]) -> None:
    """Train the token classifier (synthetic corpus, MLM, fine-tuning); see ``--help``."""
    logging.getLogger().setLevel(logging.INFO)
    _quiet_onnx_export()
    from training.train import main as train_main

    raise SystemExit(train_main(list(args)))


@main.command("export-onnx")
@click.argument("checkpoint", type=click.Path(exists=True, file_okay=False))
def export_onnx_cmd(checkpoint: str) -> None:
    """Write CHECKPOINT/model.onnx (checked against torch, added to SHA256SUMS) for torch-free extraction."""
    from models.onnx_export import export_onnx

    _quiet_onnx_export()
    click.echo(export_onnx(checkpoint))


@main.command()
def schema() -> None:
    """Print the JSON Schema of the output files."""
    from .report import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
