"""The document model: one representation for every input kind.

Readers turn a file into a :class:`Document`; everything downstream (tokens, tables,
sections, rules) reads only this object, so it never knows whether a report came
from a web page, a text file, a PDF or a scan.

    Document ─▶ Page ─▶ Segment   (a line or paragraph of running text)
                     └▶ Table ─▶ Cell   (row, col, spans, text)

Every element carries its provenance: page number, bounding box (``None`` for
inputs without geometry), reading order and the character span in the source text.

Example:
    >>> doc = Document(source="a.txt", kind="txt", pages=[Page(number=1)])
    >>> doc.pages[0].segments.append(Segment(text="一、总体情况", order=0, span=(0, 6)))
    >>> doc.export()["pages"][0]["segments"][0]["text"]
    '一、总体情况'
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterator

Box = tuple[float, float, float, float]
"""(x0, y0, x1, y1) in page units (PDF points or image pixels), origin top-left."""


@dataclass
class Segment:
    """A run of text in reading order: one line of a text file, a paragraph of HTML."""

    text: str
    order: int = 0
    page: int = 1
    box: Box | None = None
    span: tuple[int, int] | None = None
    confidence: float = 1.0
    role: str = "body"  # body | furniture (page header/footer/number) | chrome (site navigation)


@dataclass
class Cell:
    """One cell of a table as printed (a merged cell appears once, at its top-left)."""

    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    box: Box | None = None
    span: tuple[int, int] | None = None
    confidence: float = 1.0


@dataclass
class Table:
    """A table found by a reader (HTML ``<table>``, a ruled PDF grid, a scanned grid)."""

    cells: list[Cell] = field(default_factory=list)
    order: int = 0
    page: int = 1
    box: Box | None = None

    @property
    def n_rows(self) -> int:
        return max((c.row + c.row_span for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.col_span for c in self.cells), default=0)

    def rows(self) -> list[list[Cell]]:
        """Cells grouped by the row they start in, left to right (merged cells once)."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row].append(c)
        for r in out:
            r.sort(key=lambda c: c.col)
        return out

    def grid(self) -> list[list[str]]:
        """The table with row and column spans expanded: every grid position gets the text."""
        g = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.row_span):
                for k in range(c.col, c.col + c.col_span):
                    g[r][k] = c.text
        return g


@dataclass
class Page:
    number: int
    width: float | None = None
    height: float | None = None
    segments: list[Segment] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    ocr: bool = False  # True when the page's text came from OCR

    def blocks(self) -> list[Segment | Table]:
        """Segments and tables of the page in reading order."""
        return sorted([*self.segments, *self.tables], key=lambda b: b.order)


@dataclass
class Document:
    """A read input: pages of segments and tables, plus where it came from."""

    source: str
    kind: str  # txt | html | pdf | image | docx
    pages: list[Page] = field(default_factory=list)
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds spent by readers: ocr, layout, ...
    title: str | None = None  # the file's own title (HTML <title>, PDF/Word metadata), outside the printed text

    def blocks(self) -> Iterator[tuple[Page, Segment | Table]]:
        """Every block of every page in reading order."""
        for page in self.pages:
            for block in page.blocks():
                yield page, block

    def text(self) -> str:
        """Plain text of the document (tables row by row, cells joined by tabs)."""
        lines: list[str] = []
        for _, b in self.blocks():
            if isinstance(b, Segment):
                lines.append(b.text)
            else:
                lines.extend("\t".join(c.text for c in row) for row in b.rows())
        return "\n".join(lines)

    def export(self) -> dict:
        """A JSON-ready dict of the whole tree."""
        return asdict(self)
