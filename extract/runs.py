"""Rows that arrive in any order, given back in key order with bounded memory (an external merge sort).

A batch run finishes documents in whatever order its workers do; its dataset tables should
not depend on that. ``KeyedRuns`` takes one group of rows per key (a doc_id: its row in
``reports``, its cells, its findings) and turns every ``group`` keys into a sorted *run*:
an Arrow table per table, kept in memory while all runs together stay under ``memory``
bytes, else written as one Parquet row group each to a temporary file per table.
``merged()`` then walks all runs at once (a few thousand rows of each file run in memory)
and yields chunks of ``group`` keys in key order, each table's chunk as one contiguous
Arrow table. Within a key, rows keep the order they were given in; equal keys keep their
arrival order.

Example:
    >>> import tempfile, pyarrow as pa
    >>> schema = pa.schema([("doc_id", pa.string()), ("n", pa.int64())])
    >>> runs = KeyedRuns({"t": schema}, Path(tempfile.mkdtemp()), group=2)
    >>> for key, n in [("c", 3), ("a", 1), ("d", 4), ("b", 2), ("e", 5)]:
    ...     runs.add(key, {"t": {"doc_id": [key], "n": [n]}})
    >>> [chunk["t"].column("n").to_pylist() for chunk in runs.merged()]
    [[1, 2], [3, 4], [5]]
    >>> runs.cleanup()
"""
from __future__ import annotations

import heapq
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

log = logging.getLogger(__name__)

READ_ROWS = 4096  # rows per read from each run while merging
MEMORY = 256 * 2**20  # Arrow bytes of runs held in memory before they go to temporary files


class _Cursor:
    """Reads one run (a row group) front to back, a batch at a time."""

    def __init__(self, batches: Iterator[pa.RecordBatch]) -> None:
        self.batches, self.buf, self.pos = batches, None, 0

    def take(self, n: int) -> list[pa.RecordBatch]:
        out = []
        while n:
            if self.buf is None or self.pos == self.buf.num_rows:
                self.buf, self.pos = next(self.batches), 0
            k = min(n, self.buf.num_rows - self.pos)
            out.append(self.buf.slice(self.pos, k))
            self.pos += k
            n -= k
        return out


class KeyedRuns:
    """Groups of rows for several tables, one group per key, given back in key order.

    ``schemas`` names the tables; ``tmpdir`` gets one temporary file per table
    (``.<table>.runs.*.tmp``) once the runs outgrow ``memory`` bytes (default ``MEMORY``).
    """

    def __init__(self, schemas: dict[str, pa.Schema], tmpdir: Path, group: int = 500, memory: int | None = None
                 ) -> None:
        self.schemas, self.tmpdir, self.group = schemas, Path(tmpdir), max(1, group)
        self.memory = MEMORY if memory is None else memory
        self.held: dict[int, dict[str, pa.Table]] = {}  # run → its tables, while in memory
        self.held_bytes = 0
        self.pending: list[tuple[str, int, dict[str, dict[str, list[Any]]]]] = []
        self.seq = 0
        self.runs: list[list[tuple[str, int, tuple[int, ...]]]] = []  # per run: (key, seq, rows per table), sorted
        self.row_group: dict[str, dict[int, int]] = {t: {} for t in schemas}  # table → run → its row group
        self.files: dict[str, tuple[Path, pq.ParquetWriter]] = {}
        self.groups_written = {t: 0 for t in schemas}

    def add(self, key: str, columns: dict[str, dict[str, list[Any]]]) -> None:
        """Add the rows of one key: per table, a dict of equally long column lists."""
        self.pending.append((key, self.seq, columns))
        self.seq += 1
        if len(self.pending) >= self.group:
            self._spill()

    def _tables(self, entries: list) -> dict[str, pa.Table]:
        out = {}
        for t, schema in self.schemas.items():
            cols: dict[str, list[Any]] = {n: [] for n in schema.names}
            for _, _, c in entries:
                for n, values in c[t].items():
                    cols[n].extend(values)
            out[t] = pa.Table.from_pydict(cols, schema=schema)
        return out

    def _spill(self) -> None:
        self.pending.sort(key=lambda e: (e[0], e[1]))
        tables = self._tables(self.pending)
        self.held[len(self.runs)] = tables
        self.held_bytes += sum(t.nbytes for t in tables.values())
        names = list(self.schemas)
        self.runs.append([(k, s, tuple(len(next(iter(c[t].values()), [])) for t in names))
                          for k, s, c in self.pending])
        self.pending = []
        if self.held_bytes > self.memory:
            self._to_files()

    def _to_files(self) -> None:
        for run, tables in sorted(self.held.items()):
            for t, tbl in tables.items():
                if not tbl.num_rows:
                    continue
                if t not in self.files:
                    fd, tmp = tempfile.mkstemp(dir=self.tmpdir, prefix=f".{t}.runs.", suffix=".tmp")
                    os.close(fd)
                    self.files[t] = (Path(tmp), pq.ParquetWriter(tmp, self.schemas[t], compression="lz4"))
                self.files[t][1].write_table(tbl, row_group_size=tbl.num_rows)
                self.row_group[t][run] = self.groups_written[t]
                self.groups_written[t] += 1
        log.debug("%d runs (%d MiB) written to temporary files", len(self.held), self.held_bytes >> 20)
        self.held, self.held_bytes = {}, 0

    def merged(self) -> Iterator[dict[str, pa.Table]]:
        """Chunks of ``group`` keys in key order: ``{table: pa.Table}`` (each one contiguous chunk)."""
        if not self.runs:  # fewer than ``group`` keys: straight from the lists
            self.pending.sort(key=lambda e: (e[0], e[1]))
            for i in range(0, len(self.pending), self.group):
                yield self._tables(self.pending[i:i + self.group])
            return
        if self.pending:
            self._spill()
        for _, w in self.files.values():
            w.close()
        order = list(heapq.merge(*[[(k, s, r, n) for k, s, n in run] for r, run in enumerate(self.runs)]))
        log.debug("merging %d runs of %d keys", len(self.runs), len(order))
        names = list(self.schemas)
        cursors: dict[str, dict[int, _Cursor]] = {t: {} for t in names}
        for t in names:
            if t in self.files:
                pf = pq.ParquetFile(self.files[t][0])
                cursors[t] = {r: _Cursor(pf.iter_batches(batch_size=READ_ROWS, row_groups=[g], use_threads=False))
                              for r, g in self.row_group[t].items()}
            for r, tables in self.held.items():
                cursors[t][r] = _Cursor(iter(tables[t].to_batches()))
        for i in range(0, len(order), self.group):
            chunk = {}
            for ti, t in enumerate(names):
                parts = [b for _, _, r, n in order[i:i + self.group] if n[ti] for b in cursors[t][r].take(n[ti])]
                tbl = pa.Table.from_batches(parts) if parts else self.schemas[t].empty_table()
                chunk[t] = tbl.cast(self.schemas[t]).combine_chunks()
            yield chunk

    def cleanup(self) -> None:
        """Drop the runs and delete the temporary files (after ``merged`` is done, or on an error)."""
        self.held, self.held_bytes, self.pending = {}, 0, []
        for path, w in self.files.values():
            try:
                w.close()
            except Exception:  # already closed, or failing anyway
                pass
            path.unlink(missing_ok=True)
        self.files = {}
