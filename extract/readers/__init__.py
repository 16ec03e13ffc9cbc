"""Readers: one module per input kind, all returning an ``extract.document.Document``.

``read_document`` picks the reader from the file name's extension (and, when the name
says nothing, from the bytes), enforces a size limit and turns every library failure
into :class:`extract.errors.ReadError` with a readable reason.

Example:
    >>> doc = read_document(b"\\xe4\\xb8\\x80\\xe3\\x80\\x81\\xe6\\x80\\xbb\\xe4\\xbd\\x93", name="r.txt")
    >>> doc.kind, doc.pages[0].segments[0].text
    ('txt', '一、总体')
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from ..document import Document
from ..errors import ReadError

log = logging.getLogger(__name__)

MAX_BYTES = {"txt": 20 * 2**20, "html": 20 * 2**20, "pdf": 200 * 2**20, "image": 100 * 2**20, "docx": 50 * 2**20}
EXTENSIONS = {
    ".txt": "txt", ".md": "txt", ".markdown": "txt", ".text": "txt",
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
    ".pdf": "pdf",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
    ".docx": "docx",
}


def kind_of(name: str, head: bytes = b"") -> str | None:
    """The input kind for a file name (``txt``, ``html``, ``pdf``), sniffing the bytes if needed."""
    kind = EXTENSIONS.get(Path(name).suffix.lower())
    if kind is None and head:
        h = head.lstrip()[:512].lower()
        if h.startswith(b"%pdf"):
            kind = "pdf"
        elif h.startswith((b"\x89png", b"\xff\xd8\xff", b"ii*\x00", b"mm\x00*")):
            kind = "image"
        elif h.startswith((b"<!doctype html", b"<html")) or b"<body" in h:
            kind = "html"
    return kind


def _reader(kind: str) -> Callable[..., Document]:
    if kind == "txt":
        from .text import read_text
        return read_text
    if kind == "html":
        from .html import read_html
        return read_html
    if kind == "pdf":
        from .pdf import read_pdf
        return read_pdf
    if kind == "image":
        from .image import read_image
        return read_image
    if kind == "docx":
        from .docx import read_docx
        return read_docx
    raise ReadError(f"unsupported input kind {kind!r}")


def read_document(source: str | Path | bytes, name: str | None = None) -> Document:
    """Read a file (path or bytes) into a Document; raise ReadError when it cannot be read."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        if not path.is_file():
            raise ReadError(f"not a file: {path}")
        kind = kind_of(name)
        size = path.stat().st_size
        limit = MAX_BYTES.get(kind or "txt", MAX_BYTES["txt"])
        if size > limit:
            raise ReadError(f"file too large: {size / 2**20:.1f} MiB > {limit / 2**20:.0f} MiB limit for {kind or 'this'} input")
        data = path.read_bytes()
    else:
        data, name = bytes(source), name or "<bytes>"
    if not data.strip():
        raise ReadError("empty file")
    kind = kind_of(name, data[:1024])
    if kind is None:
        raise ReadError(f"unsupported file type {Path(name).suffix or '(no extension)'}: expected "
                        + " ".join(sorted(EXTENSIONS)))
    if len(data) > MAX_BYTES[kind]:
        raise ReadError(f"file too large: {len(data) / 2**20:.1f} MiB > {MAX_BYTES[kind] / 2**20:.0f} MiB limit")
    return _reader(kind)(data, name)
