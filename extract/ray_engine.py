"""The Ray engine: the same extraction on Ray Data, for clusters.

``nianbao extract --engine ray`` runs documents through a pool of Ray actors. Each actor
builds the pipeline once (OCR backends and, later, the token classifier are loaded in
``__init__`` and reused for every document it gets) and asks for a GPU when the cluster
has one. On a laptop Ray starts a local instance; on a cluster set ``RAY_ADDRESS``
(``RAY_ADDRESS=ray://head:10001 nianbao extract s3-mounted/ -o out --engine ray``).
The JSON written is byte for byte what the local engine writes.

Example:
    >>> jobs = [(Item("missing.txt"), "missing")]            # doctest: +SKIP
    >>> [r["status"] for _, r in run_ray(jobs, workers=1)]   # doctest: +SKIP
    ['failed']
"""
from __future__ import annotations

import json
import logging
import os
from typing import Iterator

from .batch import Item, _extract_item, _failed

log = logging.getLogger(__name__)


class ExtractActor:
    """A Ray actor: models are loaded once per actor, then batches of documents go through."""

    def __init__(self) -> None:
        from . import pipeline  # noqa: F401  (imports and model loading happen once here)

    def __call__(self, batch: dict) -> dict:
        reports = []
        for path, member, doc_id in zip(batch["path"], batch["member"], batch["doc_id"]):
            try:
                report = _extract_item(path, member or None, doc_id)
            except Exception as e:  # never lose a document to an actor error
                report = _failed(Item(path, member or None), doc_id, f"internal error: {type(e).__name__}: {e}")
            reports.append(json.dumps(report, ensure_ascii=False))
        return {"path": batch["path"], "member": batch["member"], "report": reports}


def run_ray(jobs: list[tuple[Item, str]], *, workers: int = 1, timeout: float | None = None
            ) -> Iterator[tuple[Item, dict]]:
    """Extract ``jobs`` on Ray Data; yields ``(item, report dict)`` as the local engine does."""
    if not jobs:
        return
    try:
        import ray
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise RuntimeError("--engine ray needs Ray: pip install 'ray[data]'") from e
    if timeout:
        log.warning("--timeout is not enforced per document on the Ray engine")
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            ray.init(log_to_driver=False)
        else:
            ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
    gpus = ray.cluster_resources().get("GPU", 0)
    ds = ray.data.from_items([{"path": it.path, "member": it.member or "", "doc_id": d} for it, d in jobs],
                             override_num_blocks=min(len(jobs), max(1, workers) * 4))
    out = ds.map_batches(ExtractActor, batch_size=8, batch_format="numpy", num_gpus=1 if gpus else 0,
                         compute=ray.data.ActorPoolStrategy(size=max(1, workers)))
    by_key = {(it.path, it.member or ""): it for it, _ in jobs}
    for row in out.iter_rows():
        item = by_key[(str(row["path"]), str(row["member"]))]
        yield item, json.loads(row["report"])
