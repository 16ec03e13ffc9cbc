"""The document as one normalized string with provenance: what the parsers read.

Every shape a table takes in the wild (HTML grids, ``|``/tab separated lines, one cell
per line, text run together by a crawler) becomes the same string, in reading order:

* ``SEP`` ends a cell; ``\\n`` ends a line or table row;
* ``EMPTY`` is a cell printed empty (``<td>&nbsp;</td>``, ``||``, ``-``);
* ``SOFT`` is a cell that *may* be empty: an extra blank line in a one-cell-per-line table.

``FlatText.origin(i)`` tells, for any character, the segment or cell it came from
(page, box, source span, confidence), so every number can be traced back.

Example:
    >>> from extract.document import Document, Page, Segment
    >>> doc = Document("a.txt", "txt", [Page(1, segments=[Segment("規章 | 0 | 0 |", span=(0, 12))])])
    >>> flat = flatten(doc)
    >>> flat.text
    '规章\\x1f0\\x1f0\\x1f\\n'
    >>> flat.origin(flat.text.index("0")).span
    (0, 12)
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .document import Box, Document, Segment, Table
from .normalize import normalize_texts

SEP, EMPTY, SOFT = "\x1f", "\x1e", "\x1d"
_DASH_CELL = re.compile(r"^[-—–/／\\…]+$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_PREFIX = re.compile(r"^\s*(#{1,6}\s+|>\s+|\*\*(?=.*\*\*$))")
_PAGE_NUMBER = re.compile(r"^\s*([-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(\s*[,/共]\s*\d+\s*页?)?|\d{1,3}\s*/\s*\d{1,3})\s*$")


@dataclass(frozen=True)
class Origin:
    """Where a piece of the flat text came from."""

    page: int
    kind: str  # segment | cell
    box: Box | None
    span: tuple[int, int] | None
    confidence: float
    row: int | None = None
    col: int | None = None
    table: int | None = None
    role: str = "body"  # body | furniture (kept only by ``flatten(..., keep_furniture=True)``)


@dataclass
class FlatText:
    text: str = ""
    starts: list[int] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)

    def origin(self, i: int) -> Origin | None:
        k = bisect.bisect_right(self.starts, i) - 1
        return self.origins[k] if k >= 0 else None

    def units(self) -> list[tuple[int, int]]:
        """The character range of each origin (a cell, or a line with its newline)."""
        ends = self.starts[1:] + [len(self.text)]
        return list(zip(self.starts, ends))

    def drop(self, ranges: list[tuple[int, int]]) -> "FlatText":
        """A copy without the given character ranges; every kept character keeps its origin.

        >>> f = FlatText("ab\\ncd\\n", [0, 3], [Origin(1, "segment", None, (0, 2), 1.0), Origin(1, "segment", None, (3, 5), 1.0)])
        >>> g = f.drop([(0, 3)])
        >>> g.text, g.origin(0).span
        ('cd\\n', (3, 5))
        """
        keep = [True] * len(self.text)
        for a, b in ranges:
            keep[a:b] = [False] * (b - a)
        out = _Builder()
        for (a, b), o in zip(self.units(), self.origins):
            piece = "".join(ch for ch, k in zip(self.text[a:b], keep[a:b]) if k)
            out.add(piece, o)
        lead = self.starts[0] if self.starts else len(self.text)
        head = "".join(ch for ch, k in zip(self.text[:lead], keep[:lead]) if k)
        flat = out.done()
        if head:
            flat.text = head + flat.text
            flat.starts = [s + len(head) for s in flat.starts]
        return flat


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.flat = FlatText()
        self.pos = 0

    def add(self, s: str, origin: Origin | None = None) -> None:
        if origin is not None and s:
            self.flat.starts.append(self.pos)
            self.flat.origins.append(origin)
        self.parts.append(s)
        self.pos += len(s)

    def done(self) -> FlatText:
        self.flat.text = "".join(self.parts)
        return self.flat


def _cell_token(norm: str) -> str:
    t = norm.strip()
    if not t or _DASH_CELL.match(t):
        return EMPTY
    return t.replace(SEP, " ")


def _segment_cells(text: str) -> list[str] | None:
    """Split a table-like line (``|`` or tab separated) into cells; None for running text."""
    if "|" in text:
        inner = text.strip()
        if inner.startswith("|"):
            inner = inner[1:]
        return inner.split("|")
    if "\t" in text.strip("\t ") or text.count("\t") >= 2:
        return text.split("\t")
    return None


def _blank_runs_mark_cells(segments: list[Segment]) -> bool:
    """True when most lines are followed by exactly one blank line (one cell per line)."""
    single = multi = 0
    run = 0
    for s in segments:
        if s.text.strip():
            if run == 1:
                single += 1
            elif run > 1:
                multi += 1
            run = 0
        else:
            run += 1
    return single > 20 and single > 3 * multi


def _pieces(seg: Segment) -> list[str] | None:
    """A body line as raw pieces: [text] for running text, its cells for a table line, None to skip."""
    raw = seg.text
    if "｜" in raw or "│" in raw:  # full-width and box-drawing bars are cell separators too
        raw = raw.replace("｜", "|").replace("│", "|")
    if "-" in raw and _MD_RULE.match(raw):
        return None
    if raw[:1] in "#>*" or raw.lstrip()[:1] in ("#", ">", "*"):
        raw = _MD_PREFIX.sub("", raw).replace("**", "")
    cells = _segment_cells(raw)
    if cells is None:
        return [raw]
    if cells and not cells[-1].strip():
        cells = cells[:-1]  # the trailing '|' of a row closes the last cell
    return cells + [SEP]  # marker: a table line


def flatten(doc: Document, *, keep_furniture: bool = False) -> FlatText:
    """Flatten a Document (body text and tables, not furniture or chrome) into a FlatText.

    With ``keep_furniture`` the lines the rules take for furniture (page headers and
    numbers, site chrome) stay in, marked ``role="furniture"`` in their origin, so that the
    token classifier sees the whole page; dropping them again gives the default text.
    """
    segments = [s for p in doc.pages for s in p.segments]
    soft = _blank_runs_mark_cells(segments)
    # pass 1: what will be emitted, as raw pieces; pass 2: normalize every piece in one go
    plan: list[tuple[int, Segment | Table, object]] = []
    raw: list[str] = []
    blank_run = 0
    for page, block in doc.blocks():
        if isinstance(block, Table):
            plan.append((page.number, block, None))
            raw.extend(c.text for c in block.cells)
            blank_run = 0
            continue
        if block.role != "body" or (len(block.text) < 16 and _PAGE_NUMBER.match(block.text)):
            if keep_furniture and block.text.strip():
                plan.append((page.number, block, [block.text, "furniture"]))
                raw.append(block.text)
            continue
        if not block.text.strip():
            blank_run += 1
            continue
        if soft and blank_run > 1:
            plan.append((page.number, block, SOFT * (blank_run - 1)))
        blank_run = 0
        pieces = _pieces(block)
        if pieces is not None:
            plan.append((page.number, block, pieces))
            raw.extend(p for p in pieces if p != SEP)
    uniq = list(dict.fromkeys(raw))
    norm = dict(zip(uniq, normalize_texts(uniq)))
    b = _Builder()
    n_tables = 0
    for page_no, block, pieces in plan:
        if isinstance(block, Table):
            for row in block.rows():
                for c in row:
                    origin = Origin(block.page, "cell", c.box, c.span, c.confidence, c.row, c.col, n_tables)
                    b.add(_cell_token(norm[c.text]) + SEP, origin)
                b.add("\n")
            n_tables += 1
        elif isinstance(pieces, str):
            b.add(pieces)
        elif pieces[-1] == "furniture":
            b.add(norm[pieces[0]], Origin(page_no, "segment", block.box, block.span, block.confidence, role="furniture"))
            b.add("\n")
        else:
            origin = Origin(page_no, "segment", block.box, block.span, block.confidence)
            if pieces[-1] == SEP:
                for c in pieces[:-1]:
                    b.add(_cell_token(norm[c]) + SEP, origin)
            else:
                b.add(norm[pieces[0]], origin)
            b.add("\n")
    return b.done()
