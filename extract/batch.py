"""Archive-scale extraction: inputs, worker processes, timeouts, a manifest, resuming.

``run_extract(inputs, outdir)`` is what ``nianbao extract`` does:

* inputs are files, folders (recursive), globs and ``.zip`` archives (their members);
* every input is hashed (sha256 of its bytes); the same bytes met twice are extracted
  once and the second is recorded as a duplicate;
* each document runs in a worker process (pebble) with an optional timeout: a document
  that hangs has its worker killed, a worker that dies is replaced, and either way the
  input gets a ``failed`` record and the others go on;
* each ``OUTDIR/<name>.json`` is written atomically, *then* a line is appended to
  ``OUTDIR/manifest.jsonl`` (input, sha256, output, status, timings). A rerun after a
  crash or Ctrl-C skips every input whose sha256 has a manifest line and an output
  file, so nothing is done twice and nothing is lost; a renamed file is not redone, a
  changed one is.

The per-report JSON holds no timings (they go to the manifest), so a rerun or another
engine writes byte-identical files.

Example:
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> summary = run_extract(["missing.txt"], out)
    >>> summary.counts["failed"], (out / "missing.json").exists()
    (1, True)
"""
from __future__ import annotations

import glob
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import zipfile
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .pipeline import extract_report
from .readers import EXTENSIONS
from .report import Report

log = logging.getLogger(__name__)

MANIFEST = "manifest.jsonl"
MAX_MEMBER_BYTES = 200 * 2**20


@dataclass(frozen=True)
class Item:
    """One input document: a file, or a member of a zip archive."""

    path: str  # the file, or the zip archive
    member: str | None = None  # the member inside the zip

    @property
    def display(self) -> str:
        return f"{self.path}!{self.member}" if self.member else self.path

    @property
    def name(self) -> str:
        return Path(self.member or self.path).name

    def read(self) -> bytes:
        if self.member is None:
            return Path(self.path).read_bytes()
        with zipfile.ZipFile(self.path) as z:
            info = z.getinfo(self.member)
            if info.file_size > MAX_MEMBER_BYTES:
                raise ValueError(f"zip member too large: {info.file_size / 2**20:.0f} MiB")
            return z.read(info)


@dataclass
class Unreadable:
    """An input that could not even be listed or hashed (a corrupt zip, a missing path)."""

    item: Item
    error: str


def atomic_write(path: Path, text: str, *, durable: bool = False) -> None:
    """Write a file so that readers see either the old content or the whole new one.

    The rename makes it atomic for a crash or kill of this process; ``durable`` also
    fsyncs the data first, for power loss (slower: milliseconds per file).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump_report(report: dict) -> str:
    """The JSON text of a report file: compact (the C encoder), one stable form for every engine."""
    return json.dumps(report, ensure_ascii=False, separators=(",", ":"))


def collect_items(inputs: Iterable[str | Path]) -> list[Item | Unreadable]:
    """Files, folders (recursive), globs and zip archives → items, sorted, without repeats."""
    paths: list[Path] = []
    for raw in map(str, inputs):
        p = Path(raw)
        if p.is_dir():
            paths.extend(sorted(f for f in p.rglob("*") if f.is_file() and
                                (f.suffix.lower() in EXTENSIONS or f.suffix.lower() == ".zip")))
        elif not p.exists() and glob.has_magic(raw):
            paths.extend(sorted(Path(g) for g in glob.glob(raw, recursive=True) if Path(g).is_file()))
        else:
            paths.append(p)
    out: list[Item | Unreadable] = []
    seen: set[str] = set()
    for p in paths:
        key = str(p.resolve())
        if key in seen:
            continue
        seen.add(key)
        if p.suffix.lower() == ".zip" and p.is_file():
            try:
                with zipfile.ZipFile(p) as z:
                    members = [i.filename for i in z.infolist() if not i.is_dir()
                               and Path(i.filename).suffix.lower() in EXTENSIONS]
                out.extend(Item(str(p), m) for m in sorted(members))
            except (zipfile.BadZipFile, OSError, ValueError) as e:
                out.append(Unreadable(Item(str(p)), f"corrupt zip archive: {e}"))
        else:
            out.append(Item(str(p)))
    return out


def output_names(items: list[Item]) -> dict[Item, str]:
    """``<stem>`` per input; stems that clash get the extension, then the path, to stay unique."""
    def counts(keys: list[str]) -> dict[str, int]:
        c: dict[str, int] = {}
        for k in keys:
            c[k] = c.get(k, 0) + 1
        return c

    stems = counts([Path(it.name).stem for it in items])
    full = counts([Path(it.name).name for it in items])
    names = {}
    for it in items:
        name = Path(it.name)
        if stems[name.stem] == 1:
            names[it] = name.stem
        elif full[name.name] == 1:
            names[it] = name.name
        else:
            path = it.display.replace("!", "/").lstrip("./")
            names[it] = "".join(c if c.isalnum() or c in "-_." else "_" for c in path).strip("_")
    return names


def sha256_of(item: Item) -> str:
    return hashlib.sha256(item.read()).hexdigest()


# ------------------------------------------------------------------ the work of one document
def _extract_item(path: str, member: str | None, doc_id: str) -> dict:
    item = Item(path, member)
    if member is None:
        report = extract_report(Path(path), doc_id=doc_id)
    else:
        try:
            data = item.read()
        except (zipfile.BadZipFile, OSError, ValueError, KeyError) as e:
            return Report(doc_id=doc_id, source=item.display, status="failed", error=f"cannot read zip member: {e}").to_dict()
        report = extract_report(data, name=Path(member).name, doc_id=doc_id)
        report.source = item.display
    return report.to_dict()


def _extract_to(path: str, member: str | None, doc_id: str, outdir: str, rows: bool) -> dict:
    """Extract, write ``outdir/<doc_id>.json`` atomically, return what the parent needs (runs in a worker)."""
    report = _extract_item(path, member, doc_id)
    return _written(report, Path(outdir), doc_id, rows)


def _written(report: dict, outdir: Path, doc_id: str, rows: bool) -> dict:
    timings = report.pop("timings", {}) or {}
    atomic_write(outdir / f"{doc_id}.json", dump_report(report))
    out = {"status": report["status"], "error": report.get("error"), "pages": report.get("pages", 0),
           "timings": timings, "written": True}
    if rows:
        from .dataset import report_rows

        out["rows"] = report_rows({**report, "timings": timings})
    return out


def _failed(item: Item, doc_id: str, error: str) -> dict:
    return Report(doc_id=doc_id, source=item.display, status="failed", error=error).to_dict()


def _local(jobs: list[tuple[Item, str]], workers: int, timeout: float | None,
           work: Callable[..., dict], *args) -> Iterator[tuple[Item, dict]]:
    if workers <= 1 and not timeout:
        for item, doc_id in jobs:
            yield item, work(item.path, item.member, doc_id, *args)
        return
    from pebble import ProcessExpired, ProcessPool

    # each worker's OCR gets its share of the cores instead of all of them
    os.environ.setdefault("NIANBAO_OCR_THREADS", str(max(1, (os.cpu_count() or 1) // max(1, workers))))
    with ProcessPool(max_workers=max(1, workers)) as pool:
        futures = {pool.schedule(work, args=(it.path, it.member, d, *args), timeout=timeout): (it, d) for it, d in jobs}
        for fut in as_completed(futures):
            item, doc_id = futures[fut]
            try:
                yield item, fut.result()
            except FutureTimeout:
                yield item, _failed(item, doc_id, f"timed out after {timeout:g} s (worker stopped)")
            except ProcessExpired as e:
                yield item, _failed(item, doc_id, f"worker process died (exit code {e.exitcode}) while reading this input")
            except Exception as e:  # pickling or pool errors: still one record per input
                log.exception("batch error on %s", item.display)
                yield item, _failed(item, doc_id, f"internal error: {type(e).__name__}: {e}")


# ------------------------------------------------------------------ manifest
def load_manifest(outdir: Path) -> dict[str, dict]:
    """sha256 → the last complete manifest record whose output file still exists."""
    done: dict[str, dict] = {}
    path = outdir / MANIFEST
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by a crash
        if rec.get("sha256") and rec.get("output") and (outdir / rec["output"]).exists():
            done[rec["sha256"]] = rec
    return done


def _append(outdir: Path, rec: dict) -> None:
    # one write of a whole line in append mode: a kill leaves at most a cut last line, which is ignored
    with open(outdir / MANIFEST, "a", encoding="utf-8") as f:
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")


@dataclass
class BatchSummary:
    counts: dict[str, int] = field(default_factory=lambda: {"ok": 0, "partial": 0, "failed": 0})
    skipped: int = 0  # done in an earlier run
    duplicates: int = 0
    pages: int = 0
    seconds: float = 0.0


def _manifest_index(outdir: Path) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """(output name → its latest record, output name → inputs recorded as its duplicates)."""
    latest: dict[str, dict] = {}
    dups: dict[str, list[str]] = {}
    path = outdir / MANIFEST
    for line in (path.read_text(encoding="utf-8").splitlines() if path.exists() else []):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not rec.get("output"):
            continue
        if rec.get("status") == "duplicate":
            dups.setdefault(rec["output"][:-5], []).append(rec["input"])
        else:
            latest[rec["output"][:-5]] = rec
    return latest, dups


def write_outputs_dataset(outdir: Path, fmt: str = "parquet") -> dict[str, Path]:
    """Rebuild the dataset tables of every report in ``outdir`` (timings and sha256 from the manifest)."""
    return _dataset_writer(Path(outdir), fmt, {}, [], {}, [], []).close()


def run_extract(inputs: Iterable[str | Path], outdir: str | Path, *, workers: int = 1, timeout: float | None = None,
                engine: str = "local", on_result: Callable[[Item, dict], None] | None = None,
                on_plan: Callable[[int], None] | None = None, dataset: str | None = "parquet") -> BatchSummary:
    """Extract every input into ``outdir`` (resumable); returns counts. See the module doc.

    ``dataset`` (``"parquet"``, ``"csv"`` or None) also writes the whole folder as tables.
    """
    t0 = time.perf_counter()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".*.tmp"):  # a write cut short by a kill in an earlier run
        stale.unlink(missing_ok=True)
    for stale in out.glob(".dataset-*"):
        shutil.rmtree(stale, ignore_errors=True)
    listed = collect_items(inputs)
    items = [x for x in listed if isinstance(x, Item)]
    done = load_manifest(out)
    summary = BatchSummary()
    hashes: dict[Item, str | Exception] = {}
    for item in items:
        try:
            hashes[item] = sha256_of(item)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
            hashes[item] = e
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

    def record(item: Item, sha: str | None, result: dict) -> None:
        if not result.get("written"):  # a failure made here, or a report from the Ray engine
            result = _written(result, out, names[item], writer is not None)
        _append(out, {"input": item.display, "sha256": sha, "output": f"{names[item]}.json", "status": result["status"],
                      "error": result.get("error"), "pages": result.get("pages", 0), "timings": result["timings"]})
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

            results = run_ray(jobs, workers=workers, timeout=timeout)
        else:
            results = _local(jobs, workers, timeout, _extract_to, str(out), writer is not None)
        for item, result in results:
            record(item, hashes[item], result)
        for item, sha in dup:
            original = first_of[sha]
            _append(out, {"input": item.display, "sha256": sha, "output": f"{names[original]}.json",
                          "status": "duplicate", "duplicate_of": original.display})
            summary.duplicates += 1
    except BaseException:
        if writer:
            writer.abort()
        raise
    if writer:
        writer.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _dataset_writer(out: Path, fmt: str, names: dict[Item, str], jobs: list[tuple[Item, str]], hashes: dict,
                    unreadable: list[tuple[Item, str]], dup: list[tuple[Item, Item]]):
    """A DatasetWriter for the whole folder, already holding the reports of earlier runs."""
    from .dataset import DatasetWriter, load_reports, report_rows

    latest, dups = _manifest_index(out)
    for item, original in dup:
        dups.setdefault(names[original], []).append(item.display)
    redo = {d for _, d in jobs} | {names[it] for it, _ in unreadable}
    earlier = [r for r in load_reports(out) if r["doc_id"] not in redo]
    extra = {d: {"sha256": (latest.get(d) or {}).get("sha256"), "duplicate_inputs": dups.get(d, [])}
             for d in {r["doc_id"] for r in earlier} | redo}
    for it, d in jobs:
        extra[d]["sha256"] = hashes[it]
    writer = DatasetWriter(out, fmt, extra)
    for r in earlier:
        writer.add(report_rows({**r, "timings": (latest.get(r["doc_id"]) or {}).get("timings") or {}}))
    return writer
