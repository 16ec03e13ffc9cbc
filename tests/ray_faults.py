"""Per-document work for Ray engine tests: hangs, crashes, or reports what it was asked to do.

A module of its own (not a test module) so that Ray workers and the child processes of
their actors can import it by name: the tests put this folder on ``PYTHONPATH``.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from extract.batch import Item, _extract_to, _failed


def work(path: str, member: str | None, doc_id: str, outdir: str, rows: bool, use_model: bool,
         device: str) -> dict:
    """``batch._extract_to``, except for inputs named hang*, crash* and probe*."""
    name = Path(path).name
    if name.startswith("hang"):
        time.sleep(900)
    if name.startswith("crash"):
        os._exit(3)  # a native crash: the process is gone
    if name.startswith("probe"):
        return _failed(Item(path, member), doc_id, f"use_model={use_model} device={device}")
    return _extract_to(path, member, doc_id, outdir, rows, use_model, device)
