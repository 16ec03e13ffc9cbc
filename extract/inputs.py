"""Batch inputs: files, folders (recursive), globs, ``.zip`` archives and URIs → items, hashed.

An input that is a URI (``s3://bucket/dir``, ``gs://bucket/**/*.pdf``, ``file:///abs/a.zip``)
is listed and read through ``extract.storage`` (pyarrow or fsspec filesystems); anything
else is a local path.

Example:
    >>> [it.display for it in collect_items(["samples/seed_000.txt"])]
    ['samples/seed_000.txt']
    >>> Item("s3://bucket/dir/r1.pdf?region=cn-north-1").name
    'r1.pdf'
"""
from __future__ import annotations

import glob
import hashlib
import logging
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

from .readers import EXTENSIONS
from .storage import is_uri, list_files, open_input, read_bytes

log = logging.getLogger(__name__)

MAX_MEMBER_BYTES = 200 * 2**20  # a zip member or a remote file read whole into memory


@dataclass(frozen=True)
class Item:
    """One input document: a file, or a member of a zip archive."""

    path: str  # the file, or the zip archive
    member: str | None = None  # the member inside the zip

    @property
    def display(self) -> str:
        """``path`` or ``archive!member``, as reports and the manifest show it."""
        return f"{self.path}!{self.member}" if self.member else self.path

    @property
    def name(self) -> str:
        """The file name: of the zip member, or of the file (without a URI's query string)."""
        if self.member:
            return Path(self.member).name
        return Path(urlsplit(self.path).path if is_uri(self.path) else self.path).name

    def read(self) -> bytes:
        """The document's bytes (a zip member, or a file: local path or URI)."""
        if self.member is None:
            return read_bytes(self.path, None if not is_uri(self.path) else MAX_MEMBER_BYTES)
        with open_input(self.path) as f, zipfile.ZipFile(f) as z:
            info = z.getinfo(self.member)
            if info.file_size > MAX_MEMBER_BYTES:
                raise ValueError(f"zip member too large: {info.file_size / 2**20:.0f} MiB")
            return z.read(info)


@dataclass
class Unreadable:
    """An input that could not even be listed or hashed (a corrupt zip, a missing path)."""

    item: Item
    error: str


def _zip_members(location: str) -> list[str]:
    with open_input(location) as f, zipfile.ZipFile(f) as z:
        return sorted(i.filename for i in z.infolist() if not i.is_dir()
                      and Path(i.filename).suffix.lower() in EXTENSIONS)


def collect_items(inputs: Iterable[str | Path]) -> list[Item | Unreadable]:
    """Files, folders (recursive), globs and zip archives → items, sorted, without repeats.

    An input may be a URI (``s3://bucket/dir``, ``gs://bucket/**/*.pdf``, ``file:///abs/a.txt``).
    """
    paths: list[Path | str] = []
    for raw in map(str, inputs):
        p = Path(raw)
        if is_uri(raw):
            paths.extend(list_files(raw, set(EXTENSIONS) | {".zip"}))
        elif p.is_dir():
            paths.extend(sorted(f for f in p.rglob("*") if f.is_file() and
                                (f.suffix.lower() in EXTENSIONS or f.suffix.lower() == ".zip")))
        elif not p.exists() and glob.has_magic(raw):
            paths.extend(sorted(Path(g) for g in glob.glob(raw, recursive=True) if Path(g).is_file()))
        else:
            paths.append(p)
    out: list[Item | Unreadable] = []
    seen: set[str] = set()
    for p in paths:
        uri = isinstance(p, str)
        key = p if uri else str(p.resolve())
        if key in seen:
            continue
        seen.add(key)
        if Path(str(p)).suffix.lower() == ".zip" and (uri or p.is_file()):
            try:
                out.extend(Item(str(p), m) for m in _zip_members(str(p)))
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
    """The sha256 of the item's bytes, hex."""
    return hashlib.sha256(item.read()).hexdigest()


def _hash(item: Item) -> str | Exception:
    try:
        return sha256_of(item)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        return e


def hash_all(items: list[Item]) -> dict[Item, str | Exception]:
    """sha256 of every item; remote ones on a few threads (each is mostly waiting on the network)."""
    remote = [it for it in items if is_uri(it.path)]
    hashes = {it: _hash(it) for it in items if not is_uri(it.path)}
    if remote:
        with ThreadPoolExecutor(8) as ex:
            hashes.update(zip(remote, ex.map(_hash, remote)))
    return hashes
