"""Many inputs, in worker processes, with a per-document timeout: nothing stops the batch.

Each input is extracted in a pebble worker process; a document that runs past the
timeout has its worker killed and gets a ``failed`` record ("timed out"), a worker that
dies (a crash in a native library, out of memory) gives a ``failed`` record too, and the
rest go on. With one worker and no timeout everything runs in this process.

Example:
    >>> from pathlib import Path
    >>> results = list(run_batch([Path("missing.txt")], {Path("missing.txt"): "missing"}))
    >>> results[0][1]["status"], results[0][1]["error"][:10]
    ('failed', 'not a file')
"""
from __future__ import annotations

import logging
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import as_completed
from pathlib import Path
from typing import Iterator

from .pipeline import extract_report
from .report import Report

log = logging.getLogger(__name__)


def _work(path: str, doc_id: str) -> dict:
    return extract_report(Path(path), doc_id=doc_id).to_dict()


def _failed(path: Path, doc_id: str, error: str) -> dict:
    return Report(doc_id=doc_id, source=str(path), status="failed", error=error).to_dict()


def run_batch(paths: list[Path], names: dict[Path, str], *, workers: int = 1, timeout: float | None = None
              ) -> Iterator[tuple[Path, dict]]:
    """Yield ``(path, report dict)`` for every input, in completion order."""
    if workers <= 1 and not timeout:
        for p in paths:
            yield p, _work(str(p), names[p])
        return
    from pebble import ProcessExpired, ProcessPool

    with ProcessPool(max_workers=max(1, workers)) as pool:
        futures = {pool.schedule(_work, args=(str(p), names[p]), timeout=timeout): p for p in paths}
        for fut in as_completed(futures):
            p = futures[fut]
            try:
                yield p, fut.result()
            except FutureTimeout:
                yield p, _failed(p, names[p], f"timed out after {timeout:g} s (worker stopped)")
            except ProcessExpired as e:
                yield p, _failed(p, names[p], f"worker process died (exit code {e.exitcode}) while reading this input")
            except Exception as e:  # pickling or pool errors: still one record per input
                log.exception("batch error on %s", p)
                yield p, _failed(p, names[p], f"internal error: {type(e).__name__}: {e}")
