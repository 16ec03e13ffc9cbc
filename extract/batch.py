"""Archive-scale extraction: inputs, worker processes, timeouts, a manifest, resuming.

``run_extract(inputs, outdir)`` is what ``nianbao extract`` does:

* inputs are files, folders (recursive), globs and ``.zip`` archives (their members), see
  ``extract.inputs``; every input is hashed (sha256 of its bytes); the same bytes met
  twice are extracted once and the second is recorded as a duplicate;
* each document runs in a worker process (pebble) with an optional timeout: a document
  that hangs has its worker killed, a worker that dies is replaced, and either way the
  input gets a ``failed`` record and the others go on;
* each ``OUTDIR/<name>.json`` is written atomically, *then* a line is appended to
  ``OUTDIR/manifest.jsonl`` (input, sha256, output, status, timings). A rerun after a
  crash or Ctrl-C skips every input whose sha256 has a manifest line and an output
  file, so nothing is done twice and nothing is lost; a renamed file is not redone, a
  changed one is.

The per-report JSON holds no timings (they go to the manifest), so a rerun or another
engine writes byte-identical files; the dataset tables are in doc_id order, whatever
order the documents finish in.

Inputs and ``outdir`` may be URIs (``s3://bucket/dir``, ``gs://…``, ``file:///abs/dir``,
any pyarrow or fsspec filesystem, see ``extract.storage``). ``use_model`` and ``device``
go to every ``extract_report`` call, in whichever process or actor runs it.

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> summary = run_extract(["missing.txt"], out)
    >>> summary.counts["failed"], (out / "missing.json").exists()
    (1, True)
"""
from __future__ import annotations

import json
import logging
import sys
import os
import shutil
import tempfile
import time
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .inputs import Item, Unreadable, collect_items, hash_all, output_names, sha256_of
from .pipeline import extract_report
from .report import Report
from .storage import Folder, Lines, atomic_write, is_uri

__all__ = ["Item", "Unreadable", "BatchSummary", "run_extract", "collect_items", "output_names", "sha256_of",
           "load_manifest", "write_outputs_dataset", "atomic_write", "dump_report"]

log = logging.getLogger(__name__)

MANIFEST = "manifest.jsonl"


def dump_report(report: dict) -> str:
    """The JSON text of a report file: compact (the C encoder), one stable form for every engine."""
    return json.dumps(report, ensure_ascii=False, separators=(",", ":"))


# ------------------------------------------------------------------ the work of one document
def _extract_item(path: str, member: str | None, doc_id: str, use_model: bool = True, device: str = "auto") -> dict:
    item = Item(path, member)
    if member is None and not is_uri(path):
        report = extract_report(Path(path), doc_id=doc_id, use_model=use_model, device=device)
    else:
        try:
            data = item.read()
        except (zipfile.BadZipFile, OSError, ValueError, KeyError) as e:
            what = "zip member" if member else "input"
            return Report(doc_id=doc_id, source=item.display, status="failed", error=f"cannot read {what}: {e}").to_dict()
        report = extract_report(data, name=item.name, doc_id=doc_id, use_model=use_model, device=device)
        report.source = item.display
    return report.to_dict()


def _extract_to(path: str, member: str | None, doc_id: str, outdir: str, rows: bool,
                use_model: bool = True, device: str = "auto") -> dict:
    """Extract, write ``outdir/<doc_id>.json`` atomically, return what the parent needs (runs in a worker)."""
    report = _extract_item(path, member, doc_id, use_model, device)
    return _written(report, Folder(outdir), doc_id, rows)


def _written(report: dict, outdir: Folder, doc_id: str, rows: bool) -> dict:
    timings = report.pop("timings", {}) or {}
    outdir.write_text(f"{doc_id}.json", dump_report(report))
    out = {"status": report["status"], "error": report.get("error"), "pages": report.get("pages", 0),
           "model": report.get("model"), "timings": timings, "written": True}
    if rows:
        from .dataset import report_rows

        out["rows"] = report_rows({**report, "timings": timings})
    return out


def _failed(item: Item, doc_id: str, error: str) -> dict:
    return Report(doc_id=doc_id, source=item.display, status="failed", error=error).to_dict()


def warm_up(use_model: bool = True, device: str = "auto") -> None:
    """Run the pipeline once on a tiny text, in a fresh worker process before its first document.

    What the pipeline loads once per process (imports, the token classifier) then is not
    charged to the first document's ``--timeout``. Never raises.
    """
    from . import pipeline  # the real one, also where tests stand in for batch.extract_report

    os.environ.setdefault("NIANBAO_MODEL_THREADS", "1")  # one worker per core: no thread oversubscription
    if "torch" in sys.modules:  # forked from a process that ran torch: its OpenMP pool is gone, stay inline
        sys.modules["torch"].set_num_threads(1)
    try:
        pipeline.extract_report("一、总体情况".encode(), name="warm-up.txt", use_model=use_model, device=device)
    except Exception:  # a broken model shows on the first real document, with its error
        log.debug("warm-up failed", exc_info=True)


def _local(jobs: list[tuple[Item, str]], workers: int, timeout: float | None,
           work: Callable[..., dict], *args, warm: tuple[bool, str] | None = None) -> Iterator[tuple[Item, dict]]:
    if workers <= 1 and not timeout:
        for item, doc_id in jobs:
            yield item, work(item.path, item.member, doc_id, *args)
        return
    from pebble import ProcessPool

    # each worker's OCR gets its share of the cores instead of all of them
    os.environ.setdefault("NIANBAO_OCR_THREADS", str(max(1, (os.cpu_count() or 1) // max(1, workers))))
    with ProcessPool(max_workers=max(1, workers), initializer=warm_up if warm else None, initargs=warm or ()) as pool:
        futures = {pool.schedule(work, args=(it.path, it.member, d, *args), timeout=timeout): (it, d) for it, d in jobs}
        for fut in as_completed(futures):
            item, doc_id = futures[fut]
            yield item, outcome(fut, item, doc_id, timeout)


def outcome(fut: Future, item: Item, doc_id: str, timeout: float | None) -> dict:
    """The result of a pebble future, or a failed record saying why there is none (timeout, dead worker)."""
    from pebble import ProcessExpired

    try:
        return fut.result()
    except FutureTimeout:
        return _failed(item, doc_id, f"timed out after {timeout:g} s (worker stopped)")
    except ProcessExpired as e:
        return _failed(item, doc_id, f"worker process died (exit code {e.exitcode}) while reading this input")
    except Exception as e:  # pickling or pool errors: still one record per input
        log.exception("batch error on %s", item.display)
        return _failed(item, doc_id, f"internal error: {type(e).__name__}: {e}")


# ------------------------------------------------------------------ manifest
def _records(outdir: Folder) -> Iterator[dict]:
    for line in (outdir.read_text(MANIFEST) or "").splitlines():
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by a crash


def load_manifest(outdir: str | Path | Folder) -> dict[str, dict]:
    """sha256 → the last complete manifest record whose output file still exists."""
    out = outdir if isinstance(outdir, Folder) else Folder(outdir)
    present = out.names()
    return {rec["sha256"]: rec for rec in _records(out)
            if rec.get("sha256") and rec.get("output") and rec["output"] in present}


@dataclass
class BatchSummary:
    counts: dict[str, int] = field(default_factory=lambda: {"ok": 0, "partial": 0, "failed": 0})
    skipped: int = 0  # done in an earlier run
    duplicates: int = 0
    pages: int = 0
    seconds: float = 0.0


def _manifest_index(outdir: Folder) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """(output name → its latest record, output name → inputs recorded as its duplicates)."""
    latest: dict[str, dict] = {}
    dups: dict[str, list[str]] = {}
    for rec in _records(outdir):
        if not rec.get("output"):
            continue
        if rec.get("status") == "duplicate":
            dups.setdefault(rec["output"][:-5], []).append(rec["input"])
        else:
            latest[rec["output"][:-5]] = rec
    return latest, dups


def write_outputs_dataset(outdir: str | Path, fmt: str = "parquet") -> dict[str, Path | str]:
    """Rebuild the dataset tables of every report in ``outdir`` (timings and sha256 from the manifest)."""
    return _dataset_writer(Folder(outdir), fmt, {}, [], {}, [], []).close()


def run_extract(inputs: Iterable[str | Path], outdir: str | Path, *, workers: int = 1, timeout: float | None = None,
                engine: str = "local", on_result: Callable[[Item, dict], None] | None = None,
                on_plan: Callable[[int], None] | None = None, dataset: str | None = "parquet",
                use_model: bool = True, device: str = "auto") -> BatchSummary:
    """Extract every input into ``outdir`` (resumable); returns counts. See the module doc.

    ``dataset`` (``"parquet"``, ``"csv"`` or None) also writes the whole folder as tables.
    ``use_model=False`` runs the rules alone; ``device`` (``auto``, ``cpu``, ``cuda[:N]``)
    is where the model runs. Inputs and ``outdir`` may be URIs (``s3://…``, ``file:///…``).
    """
    t0 = time.perf_counter()
    out = Folder(outdir)
    out.mkdir()
    out.remove_stale()  # writes cut short by a kill in an earlier run
    if out.local is not None:
        for stale in out.local.glob(".dataset-*"):
            shutil.rmtree(stale, ignore_errors=True)
    listed = collect_items(inputs)
    items = [x for x in listed if isinstance(x, Item)]
    done = load_manifest(out)
    summary = BatchSummary()
    hashes = hash_all(items)
    first: dict[str, Item] = {}
    for item in items:
        if isinstance(hashes[item], str):
            first.setdefault(hashes[item], item)
    named = [it for it in items if not isinstance(hashes[it], str) or first[hashes[it]] is it]
    names = output_names(named + [u.item for u in listed if isinstance(u, Unreadable)])

    unreadable = [(u.item, u.error) for u in listed if isinstance(u, Unreadable)]
    unreadable += [(it, f"cannot read input: {hashes[it]}") for it in items if not isinstance(hashes[it], str)]
    jobs: list[tuple[Item, str]] = []
    first_of: dict[str, Item] = {}
    dup: list[tuple[Item, str]] = []
    for item in items:
        sha = hashes[item]
        if not isinstance(sha, str):
            continue
        if sha in done:
            summary.skipped += 1
        elif sha in first_of:
            dup.append((item, sha))
        else:
            first_of[sha] = item
            jobs.append((item, names[item]))
    if on_plan:
        on_plan(len(jobs))
    writer = _dataset_writer(out, dataset, names, jobs, hashes, unreadable, [(i, first_of[h]) for i, h in dup]) \
        if dataset else None

    manifest = Lines(out, MANIFEST)

    def record(item: Item, sha: str | None, result: dict) -> None:
        if not result.get("written"):  # a failure made here, or a report the Ray engine hands back
            result = _written(result, out, names[item], writer is not None)
        manifest.append(json.dumps({
            "input": item.display, "sha256": sha, "output": f"{names[item]}.json", "status": result["status"],
            "error": result.get("error"), "pages": result.get("pages", 0), "timings": result["timings"],
            "use_model": use_model, "device": device, **({"model": result["model"]} if result.get("model") else {}),
        }, ensure_ascii=False))
        summary.counts[result["status"]] += 1
        summary.pages += result.get("pages") or 0
        if writer:
            writer.add(result["rows"])
        if on_result:
            on_result(item, result)

    try:
        for item, error in unreadable:
            record(item, None, _failed(item, names[item], error))
        if engine == "ray":
            from .ray_engine import run_ray

            results = run_ray(jobs, str(out), workers=workers, timeout=timeout, rows=writer is not None,
                              use_model=use_model, device=device)
        else:
            results = _local(jobs, workers, timeout, _extract_to, str(out), writer is not None, use_model, device,
                             warm=(use_model, device))
        for item, result in results:
            record(item, hashes[item], result)
        for item, sha in dup:
            original = first_of[sha]
            manifest.append(json.dumps({"input": item.display, "sha256": sha, "output": f"{names[original]}.json",
                                        "status": "duplicate", "duplicate_of": original.display}, ensure_ascii=False))
            summary.duplicates += 1
    except BaseException:
        if writer:
            writer.abort()
        _flush_quietly(manifest)
        raise
    manifest.flush()
    if writer:
        writer.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _flush_quietly(manifest: Lines) -> None:
    try:  # keep what is held of the manifest: a rerun then skips those inputs
        manifest.flush()
    except Exception:  # already failing: the first error is the one to report
        log.exception("could not write the manifest")


def _load_reports(out: Folder) -> list[dict]:
    """The report JSON files of an output folder, in file name order (remote ones read on a few threads)."""
    from .dataset import _is_report, load_reports

    if out.local is not None:
        return list(load_reports(out.local))
    names = sorted(n for n in out.names() if n.endswith(".json") and not n.startswith("."))

    def load(name: str) -> dict | None:
        try:
            d = json.loads(out.read_text(name) or "null")
        except (OSError, UnicodeDecodeError, ValueError) as e:
            log.warning("skipping %s/%s: %s", out, name, e)
            return None
        return d if _is_report(d) else None

    with ThreadPoolExecutor(8) as ex:
        return [d for d in ex.map(load, names) if d is not None]


class _RemoteTables:
    """A DatasetWriter staged in a local temporary folder; ``close`` uploads the tables, each atomically."""

    def __init__(self, out: Folder, writer_of: Callable[[Path], object]) -> None:
        self.out, self.stage = out, Path(tempfile.mkdtemp(prefix="nianbao-tables-"))
        self.writer = writer_of(self.stage)

    def add(self, rows: dict) -> None:
        self.writer.add(rows)

    def close(self) -> dict[str, str]:
        try:
            paths = self.writer.close()
            for p in paths.values():
                self.out.put_file(p, p.name)
            return {t: f"{self.out.location.rstrip('/')}/{p.name}" for t, p in paths.items()}
        finally:
            shutil.rmtree(self.stage, ignore_errors=True)

    def abort(self) -> None:
        self.writer.abort()
        shutil.rmtree(self.stage, ignore_errors=True)


def _dataset_writer(out: Folder, fmt: str, names: dict[Item, str], jobs: list[tuple[Item, str]], hashes: dict,
                    unreadable: list[tuple[Item, str]], dup: list[tuple[Item, Item]]):
    """A DatasetWriter for the whole folder, already holding the reports of earlier runs."""
    from .dataset import DatasetWriter, report_rows

    latest, dups = _manifest_index(out)
    for item, original in dup:
        dups.setdefault(names[original], []).append(item.display)
    redo = {d for _, d in jobs} | {names[it] for it, _ in unreadable}
    earlier = [r for r in _load_reports(out) if r["doc_id"] not in redo]
    extra = {d: {"sha256": (latest.get(d) or {}).get("sha256"), "duplicate_inputs": dups.get(d, [])}
             for d in {r["doc_id"] for r in earlier} | redo}
    for it, d in jobs:
        extra[d]["sha256"] = hashes[it]
    if out.local is not None:
        writer = DatasetWriter(out.local, fmt, extra)
    else:
        writer = _RemoteTables(out, lambda stage: DatasetWriter(stage, fmt, extra))
    for r in earlier:
        writer.add(report_rows({**r, "timings": (latest.get(r["doc_id"]) or {}).get("timings") or {}}))
    return writer
