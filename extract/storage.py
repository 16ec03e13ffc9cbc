"""Where a batch reads its inputs and writes its outputs: local paths, or URIs of any filesystem
pyarrow (or fsspec) knows.

A plain path (``reports/``, ``/data/out``) is a local file and behaves as it always has:
a file is written to a temporary name in its folder and moved into place with
``os.replace``; the manifest is appended to, one line per write.

A URI (``s3://bucket/dir``, ``gs://bucket/dir``, ``hdfs://host/dir``,
``file:///abs/dir``) goes through ``pyarrow.fs.FileSystem.from_uri``; a scheme pyarrow
does not know (``memory://``, ``az://``, ``http://`` …) through fsspec when it is
installed, as ``pyarrow.fs.PyFileSystem(FSSpecHandler(...))``. On such a filesystem:

* a file is written whole: on an object store (S3, GCS, Azure) by one put, which readers see
  complete or not at all; elsewhere under a temporary name in the same folder, then moved;
* a growing file (the manifest) is appended to where the filesystem can append (local,
  HDFS) and otherwise kept in memory and rewritten whole every ``every`` seconds and at
  the end, so a kill loses at most that long of manifest lines (whose inputs a rerun
  redoes, writing the same bytes).

Example:
    >>> is_uri("s3://bucket/dir"), is_uri("/data/out"), is_uri("C:\\\\data")
    (True, False, False)
    >>> child("s3://bucket/dir/", "a/b.txt"), child("s3://b/d?region=x", "a.txt")
    ('s3://bucket/dir/a/b.txt', 's3://b/d/a.txt?region=x')
"""
from __future__ import annotations

import fnmatch
import glob
import logging
import os
import re
import tempfile
import time
import uuid
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit, urlunsplit

import pyarrow as pa
import pyarrow.fs as pafs

log = logging.getLogger(__name__)

OBJECT_STORES = ("s3", "gcs", "gs", "abfs", "az", "azure")  # one put is atomic; no rename, no append
APPENDABLE = ("local", "hdfs")


def is_uri(location: str | os.PathLike) -> bool:
    """True for ``scheme://…`` (a filesystem URI), False for a plain local path."""
    s = str(location)
    i = s.find("://")
    return i > 1 and s[:i].replace("+", "").replace("-", "").replace(".", "").isalnum()


def child(base: str, rel: str) -> str:
    """The URI of ``rel`` (a relative path) inside the folder URI ``base`` (a query string stays last)."""
    u = urlsplit(base)
    return urlunsplit((u.scheme, u.netloc, u.path.rstrip("/") + "/" + rel.lstrip("/"), u.query, ""))


@lru_cache(maxsize=32)
def _root(scheme: str, netloc: str, query: str) -> tuple[pafs.FileSystem, str]:
    uri = urlunsplit((scheme, netloc, "/", query, ""))
    try:
        return pafs.FileSystem.from_uri(uri)
    except pa.ArrowInvalid as e:  # a scheme pyarrow does not know: fsspec's, if it is installed
        if "Unrecognized filesystem type" not in str(e):
            raise
        try:
            import fsspec
        except ImportError:
            raise ValueError(f"no filesystem for {scheme}:// (pyarrow does not know it; fsspec is not installed)") from e
        fs = fsspec.filesystem(scheme)
        return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), fs._strip_protocol(uri)


def resolve(uri: str) -> tuple[pafs.FileSystem, str]:
    """(filesystem, path inside it) of a URI; the filesystem is made once per process and root.

    Example:
        >>> fs, path = resolve("file:///tmp/some%20dir/a.txt")
        >>> fs.type_name, path
        ('local', '/tmp/some dir/a.txt')
    """
    u = urlsplit(uri)
    fs, base = _root(u.scheme, u.netloc, u.query)
    path = unquote(u.path)
    if base and not base.endswith("/"):
        base += "/"
    return fs, (base + path.lstrip("/")).rstrip("/") or "/"


def _is_object_store(fs: pafs.FileSystem) -> bool:
    # "s3", "gcs", or fsspec's "py::fsspec+('s3', 's3a')", "py::fsspec+memory"
    return bool(set(re.findall(r"[a-z0-9]+", fs.type_name)) & set(OBJECT_STORES))


# ------------------------------------------------------------------ inputs
def _matches(rel: str, pattern: str) -> bool:
    """Glob match of ``a/b/c.txt`` against ``a/*/c.*`` or ``**/*.txt`` (``**`` spans folders)."""
    def go(parts: list[str], pats: list[str]) -> bool:
        if not pats:
            return not parts
        if pats[0] == "**":
            return any(go(parts[i:], pats[1:]) for i in range(len(parts) + 1))
        return bool(parts) and fnmatch.fnmatchcase(parts[0], pats[0]) and go(parts[1:], pats[1:])
    return go(rel.split("/"), pattern.strip("/").split("/"))


def list_files(uri: str, suffixes: frozenset[str] | set[str]) -> list[str]:
    """The file URIs a URI input stands for, sorted.

    A folder: every file below it whose suffix is in ``suffixes``; a glob (``s3://b/**/*.pdf``):
    the files that match it; anything else: itself (a missing file fails when it is read).
    """
    fs, path = resolve(uri)
    info = fs.get_file_info(path)
    if info.type == pafs.FileType.Directory:
        base = uri.split("?")[0]
        sel = pafs.FileSelector(path, recursive=True)
        rels = [f.path[len(path):].lstrip("/") for f in fs.get_file_info(sel) if f.type == pafs.FileType.File]
        return sorted(child(base, r) for r in rels if Path(r).suffix.lower() in suffixes)
    if info.type == pafs.FileType.NotFound and glob.has_magic(urlsplit(uri).path):
        u = urlsplit(uri)
        parts = u.path.split("/")
        k = next(i for i, p in enumerate(parts) if glob.has_magic(p))
        top = urlunsplit((u.scheme, u.netloc, "/".join(parts[:k]) or "/", u.query, ""))
        pattern = "/".join(parts[k:])
        fs, tpath = resolve(top)
        try:
            found = fs.get_file_info(pafs.FileSelector(tpath, recursive=True))
        except FileNotFoundError:
            return []
        rels = [f.path[len(tpath):].lstrip("/") for f in found if f.type == pafs.FileType.File]
        return sorted(child(top.split("?")[0], r) for r in rels if _matches(r, pattern))
    return [uri]


def read_bytes(location: str, limit: int | None = None) -> bytes:
    """The bytes of a local path or a file URI; ``ValueError`` past ``limit`` bytes."""
    if not is_uri(location):
        return Path(location).read_bytes()
    fs, path = resolve(location)
    info = fs.get_file_info(path)
    if info.type != pafs.FileType.File:
        raise FileNotFoundError(f"no such file: {location}")
    if limit is not None and info.size is not None and info.size > limit:
        raise ValueError(f"file too large: {info.size / 2**20:.0f} MiB")
    with fs.open_input_stream(path) as f:
        return f.readall()


def open_input(location: str) -> BinaryIO:
    """A seekable binary file (for zip archives) of a local path or a file URI."""
    if not is_uri(location):
        return open(location, "rb")
    fs, path = resolve(location)
    return fs.open_input_file(path)


# ------------------------------------------------------------------ outputs
def atomic_write(path: Path, text: str, *, durable: bool = False) -> None:
    """Write a local file so that readers see either the old content or the whole new one.

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


class Folder:
    """An output folder: a local directory (plain path) or a folder on a filesystem (URI).

    Example:
        >>> import tempfile
        >>> d = Folder(tempfile.mkdtemp())
        >>> d.write_text("a.json", "{}"); sorted(d.names()), d.read_text("a.json"), d.read_text("b.json")
        (['a.json'], '{}', None)
    """

    def __init__(self, location: str | os.PathLike) -> None:
        self.location = str(location)
        self.local: Path | None = None if is_uri(self.location) else Path(self.location)
        if self.local is None:
            self.fs, self.path = resolve(self.location)
            self.object_store = _is_object_store(self.fs)

    def __str__(self) -> str:
        return self.location

    def _p(self, name: str) -> str:
        return f"{self.path.rstrip('/')}/{name}"

    def mkdir(self) -> None:
        """Create the folder (and its parents) if it is missing."""
        if self.local is not None:
            self.local.mkdir(parents=True, exist_ok=True)
        elif not self.object_store:
            self.fs.create_dir(self.path, recursive=True)

    def names(self) -> set[str]:
        """The names of the files directly in the folder (one listing, not a request per file)."""
        if self.local is not None:
            return {p.name for p in self.local.iterdir() if p.is_file()} if self.local.is_dir() else set()
        sel = pafs.FileSelector(self.path, allow_not_found=True)
        return {f.base_name for f in self.fs.get_file_info(sel) if f.type == pafs.FileType.File}

    def read_text(self, name: str) -> str | None:
        """The file's text, or None when it does not exist."""
        if self.local is not None:
            try:
                return (self.local / name).read_text(encoding="utf-8")
            except FileNotFoundError:
                return None
        try:
            with self.fs.open_input_stream(self._p(name)) as f:
                return f.readall().decode("utf-8")
        except OSError:  # not every filesystem says FileNotFoundError
            if self.fs.get_file_info(self._p(name)).type == pafs.FileType.NotFound:
                return None
            raise

    def write_text(self, name: str, text: str) -> None:
        """Write a file atomically: readers see the old content or the whole new one."""
        if self.local is not None:
            atomic_write(self.local / name, text)
        else:
            self._put(name, lambda f: f.write(text.encode("utf-8")))

    def put_file(self, src: Path, name: str) -> None:
        """Move the local file ``src`` into the folder as ``name``, atomically (an upload for a URI)."""
        if self.local is not None:
            os.replace(src, self.local / name)
            return

        def copy(f) -> None:
            with open(src, "rb") as s:
                while chunk := s.read(8 << 20):
                    f.write(chunk)
        self._put(name, copy)
        src.unlink(missing_ok=True)

    def _put(self, name: str, write) -> None:
        if self.object_store:  # the object appears when the stream closes, whole
            with self.fs.open_output_stream(self._p(name)) as f:
                write(f)
            return
        tmp = self._p(f".{name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            with self.fs.open_output_stream(tmp) as f:
                write(f)
            self.fs.move(tmp, self._p(name))
        except BaseException:
            try:
                self.fs.delete_file(tmp)
            except OSError:
                pass
            raise

    def remove_stale(self) -> int:
        """Delete the ``.*.tmp`` files a killed run left behind; returns how many."""
        stale = [n for n in self.names() if n.startswith(".") and n.endswith(".tmp")]
        for n in stale:
            if self.local is not None:
                (self.local / n).unlink(missing_ok=True)
            else:
                try:
                    self.fs.delete_file(self._p(n))
                except OSError:
                    pass
        return len(stale)


class Lines:
    """A line log in a Folder (the manifest): appended to, or rewritten whole where appends are impossible."""

    def __init__(self, folder: Folder, name: str, *, every: float = 30.0) -> None:
        self.folder, self.name, self.every = folder, name, every
        self.append_ok = folder.local is not None or folder.fs.type_name in APPENDABLE
        old = folder.read_text(name) or ""
        self.pending: list[str] = [] if self.append_ok else [old]
        self.last, self.dirty = time.monotonic(), False
        if old and not old.endswith("\n"):  # a line cut by a kill: end it, so the next one stays whole
            self.append("")

    def append(self, line: str) -> None:
        """Add one line (without its newline)."""
        if not self.append_ok:
            self.pending.append(line + "\n")
            self.dirty = True
            if time.monotonic() - self.last >= self.every:
                self.flush()
        elif self.folder.local is not None:
            # one write of a whole line: a kill leaves at most a cut last line, which readers skip
            with open(self.folder.local / self.name, "a", encoding="utf-8") as f:
                f.write(line + "\n")
        else:
            with self.folder.fs.open_append_stream(self.folder._p(self.name)) as f:
                f.write((line + "\n").encode("utf-8"))

    def flush(self) -> None:
        """Write out what is held in memory (a no-op where lines are appended as they come)."""
        if not self.append_ok and self.dirty:
            text = "".join(self.pending)
            self.pending = [text]
            self.folder.write_text(self.name, text)
            self.last, self.dirty = time.monotonic(), False
