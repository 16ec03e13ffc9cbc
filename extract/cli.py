"""The ``nianbao`` command line: extract, eval, schema.

Only this module configures logging and shows progress bars; the library just logs.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from pathlib import Path

import click

from .readers import EXTENSIONS

log = logging.getLogger(__name__)


def atomic_write(path: Path, text: str) -> None:
    """Write a file so that readers see either the old content or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def collect_inputs(paths: tuple[str, ...]) -> list[Path]:
    """Files as given, and supported files found recursively in folders, sorted, without repeats."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in EXTENSIONS))
        else:
            out.append(p)
    seen, uniq = set(), []
    for p in out:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            uniq.append(p)
    return uniq


def output_names(inputs: list[Path]) -> dict[Path, str]:
    """``<stem>.json`` per input; inputs sharing a stem get their extension added."""
    stems: dict[str, int] = {}
    for p in inputs:
        stems[p.stem] = stems.get(p.stem, 0) + 1
    return {p: (p.stem if stems[p.stem] == 1 else f"{p.stem}.{p.suffix.lstrip('.')}") for p in inputs}


@click.group()
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def main(verbose: int) -> None:
    """nianbao: government information disclosure annual reports → validated JSON."""
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--out", "outdir", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes.")
@click.option("--timeout", type=float, default=None, help="Seconds per document; a document past it is failed.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when on a terminal).")
def extract(inputs: tuple[str, ...], outdir: str, workers: int, timeout: float | None, progress: bool | None) -> None:
    """Extract INPUTS (files or folders) into OUTDIR/<stem>.json, one per input."""
    from tqdm import tqdm

    from .batch import run_batch

    files = collect_inputs(inputs)
    names = output_names(files)
    out = Path(outdir)
    counts = {"ok": 0, "partial": 0, "failed": 0}
    bar = tqdm(total=len(files), unit="doc", disable=not (sys.stderr.isatty() if progress is None else progress))
    for path, report in run_batch(files, names, workers=workers, timeout=timeout):
        counts[report["status"]] += 1
        atomic_write(out / f"{names[path]}.json", json.dumps(report, ensure_ascii=False, indent=1))
        if report["status"] == "failed":
            tqdm.write(f"failed: {path}: {report['error']}", file=sys.stderr)
        bar.update(1)
        bar.set_postfix(failed=counts["failed"])
    bar.close()
    click.echo(f"{len(files)} input(s): {counts['ok']} ok, {counts['partial']} partial, {counts['failed']} failed "
               f"-> {out}/")


@main.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Write the full results here.")
@click.option("--out", "outdir", type=click.Path(file_okay=False), help="Also keep the predictions here.")
@click.option("--kinds", default="", help="Only these input kinds, e.g. txt,html,pdf.")
def eval_cmd(gold_dir: str, json_out: str | None, outdir: str | None, kinds: str) -> None:
    """Score extraction against the hand-labelled gold JSON in GOLD_DIR."""
    from eval.harness import evaluate, format_results

    results = evaluate(Path(gold_dir), kinds=[k for k in kinds.split(",") if k] or None,
                       outdir=Path(outdir) if outdir else None)
    click.echo(format_results(results))
    if json_out:
        atomic_write(Path(json_out), json.dumps(results, ensure_ascii=False, indent=1))


@main.command()
def schema() -> None:
    """Print the JSON Schema of the output files."""
    from .report import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
