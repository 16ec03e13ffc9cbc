"""The Ray engine: the same extraction on Ray Data, for clusters.

``nianbao extract --engine ray`` runs documents through a pool of Ray actors (one CPU
each, and a GPU when the cluster has one and ``device`` is not ``cpu``). On a laptop Ray
starts a local instance; on a cluster set ``RAY_ADDRESS``
(``RAY_ADDRESS=ray://head:10001 nianbao extract s3://bucket/in -o s3://bucket/out --engine ray``).

Each actor runs its documents one at a time in a single long-lived child process (pebble,
started with ``spawn``: an actor has gRPC threads that must not be forked). The child keeps
whatever the pipeline loads (OCR sessions, the token classifier, cached per process), so
models load once per actor, not per document, and the child warms up before its first
document (``batch.warm_up``), so loading is not charged to it. A document past ``timeout`` has its child
killed and becomes a ``failed`` record ("timed out after … s"); a child that dies makes a
failed record too; the next document gets a fresh child, and the rest finish.

Where the JSON is written: when ``outdir`` is a URI (``s3://…``, ``file:///shared/…``)
every worker can reach it, so the actors write their reports there themselves and hand
back only the status, timings and dataset rows; a plain path is the driver's own disk, so
the actors hand the reports back and the driver writes them. Either way the JSON is byte
for byte what the local engine writes.

Example:
    >>> jobs = [(Item("missing.txt"), "missing")]                        # doctest: +SKIP
    >>> [r["status"] for _, r in run_ray(jobs, "out", workers=1)]        # doctest: +SKIP
    ['failed']
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
from typing import Callable, Iterator

from .batch import Item, _extract_item, _extract_to, outcome, warm_up
from .storage import is_uri

log = logging.getLogger(__name__)

Work = Callable[..., dict]


def _report(path: str, member: str | None, doc_id: str, outdir: str, rows: bool, use_model: bool,
            device: str) -> dict:
    """The report dict, for the driver to write (``outdir`` and ``rows`` unused: the driver's business)."""
    return _extract_item(path, member, doc_id, use_model, device)


class ExtractActor:
    """A Ray actor: one child process that keeps its models, fed one document at a time under a timeout."""

    def __init__(self, outdir: str, rows: bool, timeout: float | None, use_model: bool, device: str,
                 work: Work) -> None:
        from pebble import ProcessPool

        os.environ.setdefault("NIANBAO_OCR_THREADS", "1")  # one CPU per actor, as --workers shares cores locally
        self.args = (outdir, rows, use_model, device)
        self.timeout, self.work = timeout, work
        self.pool = ProcessPool(max_workers=1, context=multiprocessing.get_context("spawn"), initializer=warm_up,
                                initargs=(use_model, device))

    def __call__(self, batch: dict) -> dict:
        jobs = [(Item(str(p), str(m) or None), str(d)) for p, m, d in zip(batch["path"], batch["member"], batch["doc_id"])]
        futures = [self.pool.schedule(self.work, args=(it.path, it.member, d, *self.args), timeout=self.timeout)
                   for it, d in jobs]
        results = [json.dumps(outcome(f, it, d, self.timeout), ensure_ascii=False) for f, (it, d) in zip(futures, jobs)]
        return {"path": batch["path"], "member": batch["member"], "result": results}

    def __del__(self) -> None:
        pool = getattr(self, "pool", None)
        if pool is not None:
            pool.stop()
            pool.join(timeout=5)


def run_ray(jobs: list[tuple[Item, str]], outdir: str, *, workers: int = 1, timeout: float | None = None,
            rows: bool = False, use_model: bool = True, device: str = "auto", work: Work | None = None
            ) -> Iterator[tuple[Item, dict]]:
    """Extract ``jobs`` (item, doc_id) on Ray Data; yields ``(item, result)`` as the local engine does.

    A result written by an actor has ``written: True`` (status, error, pages, timings, and
    ``rows`` when asked); otherwise it is the report dict, for the caller to write.
    ``work`` replaces the function the child runs per document (an importable,
    module-level function with ``_extract_to``'s arguments), e.g. to simulate a hang in tests.
    """
    if not jobs:
        return
    try:
        import ray
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise RuntimeError("--engine ray needs Ray: pip install 'ray[data]'") from e
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            ray.init(log_to_driver=False)
        else:
            ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
    if work is None:
        work = _extract_to if is_uri(outdir) else _report
    gpus = ray.cluster_resources().get("GPU", 0)
    ds = ray.data.from_items([{"path": it.path, "member": it.member or "", "doc_id": d} for it, d in jobs],
                             override_num_blocks=min(len(jobs), max(1, workers) * 4))
    out = ds.map_batches(ExtractActor, batch_size=8, batch_format="numpy",
                         num_gpus=1 if gpus and device != "cpu" else 0,
                         fn_constructor_kwargs={"outdir": outdir, "rows": rows, "timeout": timeout,
                                                "use_model": use_model, "device": device, "work": work},
                         compute=ray.data.ActorPoolStrategy(size=max(1, workers)))
    by_key = {(it.path, it.member or ""): it for it, _ in jobs}
    for row in out.iter_rows():
        item = by_key[(str(row["path"]), str(row["member"]))]
        yield item, json.loads(row["result"])
