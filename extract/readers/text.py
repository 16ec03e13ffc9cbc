"""Plain text and Markdown reports: one Segment per line, blank lines kept.

Blank lines are kept as empty segments because in "one cell per line" tables an
extra blank line is the only trace of an empty cell.

Example:
    >>> doc = read_text("一、总体情况\\n\\n正文".encode(), "a.txt")
    >>> [s.text for s in doc.pages[0].segments]
    ['一、总体情况', '', '正文']
"""
from __future__ import annotations

from ..document import Document, Page, Segment
from .encoding import decode


def read_text(data: bytes, source: str) -> Document:
    """Decode and split a text file into line segments with character spans."""
    text, encoding = decode(data)
    page = Page(number=1)
    pos = 0
    for i, line in enumerate(text.splitlines(keepends=True)):
        body = line.rstrip("\r\n\f\v\x1c\x1d\x1e\x85\u2028\u2029")
        page.segments.append(Segment(text=body, order=i, span=(pos, pos + len(body))))
        pos += len(line)
    return Document(source=source, kind="txt", pages=[page], encoding=encoding)
