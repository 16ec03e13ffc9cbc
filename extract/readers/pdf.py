"""Text-layer PDF reports: ruled tables as Tables, every other visual line as a Segment.

Tables come from pdfplumber's line strategy, run only on *visible* rulings: stroked
lines/rects/curves and hairline filled rects. Filled boxes without a stroke (white
"whiteout" boxes that PDF editors put behind each re-typed line, cell shading) are not
rulings, so they do not turn paragraphs into one-column "tables". A merged cell comes out
once, with spans counted against the table's grid lines. Lines in the page margins that
are page numbers or repeat on most pages get ``role="furniture"``. Pages without a usable
text layer (:func:`page_needs_ocr`: scans, unmapped fonts) are rendered at 300 dpi and read
by OCR (:func:`extract.scan.ocr_page`, boxes converted to points, ``Page.ocr=True``); they
stay empty, with a warning, when OCR finds no text or is not installed.

Example:
    >>> doc = read_pdf(open("report.pdf", "rb").read(), "report.pdf")  # doctest: +SKIP
    >>> [c.text for c in doc.pages[3].tables[1].rows()[3]][:2]  # doctest: +SKIP
    ['一、本年新收政府信息公开申请数量', '3001']
"""
from __future__ import annotations

import bisect
import io
import itertools
import logging
import math
import re
import unicodedata
from typing import Any, Iterator

import numpy as np
import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from ..document import Box, Cell, Document, Page, Segment, Table
from ..errors import ReadError
from ..furniture import bare_number_fits, margin_key, repeats
from ..printed import restore_text_lines

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 20        # fewer usable characters than this (on a page with images) -> OCR
MAX_BAD_GLYPHS = 0.3       # share of (cid:NN) / private-use / U+FFFD glyphs that makes a page unusable
REPEAT_BAND = 0.06         # top/bottom share of the page where repeated lines are headers/footers
PAGE_NO_BAND = 0.12        # page numbers: GB/T 9704 prints them ~9% above the bottom edge
OCR_DPI = 300              # pages without a text layer are rendered at this resolution for OCR (a scanner's usual)
LAYOUT_DPI = 200           # pages with rows of numbers but no rules: rendered for the layout model
TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                                  "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}
_PAGE_NO = re.compile(r"^(?:[-—–－一_·•\s]*\d{1,4}[-—–－一_·•\s]*|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?"
                      r"|\d{1,4}\s*[/／]\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$")


_CJK = re.compile("[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
                  "\u2018\u2019\u201c\u201d\U00020000-\U0002ffff]")
_CJK_PUNCT = re.compile("[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
                        "\u2018\u2019\u201c\u201d\u2014\u2026]")


def _squeeze(text: str) -> str:
    """Drop spaces between CJK characters or next to CJK punctuation; collapse other runs.

    >>> _squeeze("号 ， 邮 编 ： 223100 ， 2024 年 1 2")
    '号，邮编：223100，2024 年 1 2'
    """
    text = re.sub(r"\s+", " ", text).strip()

    def space(m: re.Match) -> str:
        a, b = text[m.start() - 1], text[m.end()]
        return "" if (_CJK.match(a) and _CJK.match(b)) or _CJK_PUNCT.match(a) or _CJK_PUNCT.match(b) else " "
    return re.sub(r"(?<=\S) (?=\S)", space, text)


def _glyph(text: str) -> str:
    """One char's text: unmapped glyphs become U+FFFD, Kangxi radicals / compatibility ideographs NFKC-fold."""
    if text.startswith("(cid:"):
        return "\ufffd"
    if len(text) == 1 and (0x2E80 <= ord(text) <= 0x2FDF or 0xF900 <= ord(text) <= 0xFAFF):
        return unicodedata.normalize("NFKC", text)
    return text


def _bad(text: str) -> bool:
    return text.startswith("(cid:") or text == "\ufffd" or any(0xE000 <= ord(c) <= 0xF8FF for c in text)


def page_needs_ocr(page: Any) -> bool:
    """True when a pdfplumber page has no usable text layer (the hook for a later OCR reader).

    A page needs OCR when most glyphs are unmapped ((cid:NN), private-use, U+FFFD), or when it
    has fewer than MIN_TEXT_CHARS readable characters and shows an image (a scan) or nothing at all.

    >>> with pdfplumber.open("scan.pdf") as pdf: page_needs_ocr(pdf.pages[0])  # doctest: +SKIP
    True
    """
    chars = [c["text"] for c in page.chars if not c["text"].isspace()]
    bad = sum(map(_bad, chars))
    if chars and bad / len(chars) > MAX_BAD_GLYPHS:
        return True
    good = len(chars) - bad
    return good < MIN_TEXT_CHARS and (bool(page.images) or good == 0)


def _is_ruling(obj: dict) -> bool:
    """Keep only objects that can draw a visible table rule (drop unstroked filled boxes)."""
    if obj.get("object_type") not in ("rect", "curve"):
        return True
    return bool(obj.get("stroke")) or min(obj["width"], obj["height"]) <= 2


def _page_break_rules(page: Any) -> list[dict]:
    """Horizontal rules closing a table that a page break left open at the page's top or bottom.

    Word omits the border where a table breaks across pages; the vertical rules still end
    at a common y, so a rule there restores the cut row.
    """
    v = [e for e in page.edges if e["orientation"] == "v" and e["height"] > 3]
    out: list[dict] = []
    for key, pick in (("top", min), ("bottom", max)):
        y = pick((e[key] for e in v), default=None)
        ends = [e for e in v if y is not None and abs(e[key] - y) <= 2]
        if len(ends) >= 3:
            x0, x1 = min(e["x0"] for e in ends), max(e["x1"] for e in ends)
            out.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y,
                        "width": x1 - x0, "height": 0})
    return out


def _lines(chars: list[dict]) -> list[list[dict]]:
    """Group chars into visual lines by vertical centre, each line sorted left to right."""
    out: list[tuple[float, list[dict]]] = []
    for ch in sorted(chars, key=lambda c: c["top"] + c["bottom"]):
        mid = (ch["top"] + ch["bottom"]) / 2
        if out and mid - out[-1][0] <= max(2.0, 0.4 * ch["size"]):
            out[-1][1].append(ch)
        else:
            out.append((mid, [ch]))
    return [sorted(line, key=lambda c: c["x0"]) for _, line in out]


def _line_text(line: list[dict]) -> str:
    parts, prev = [], None
    for ch in line:
        if prev is not None and ch["x0"] - prev["x1"] > max(1.0, 0.15 * min(ch["size"], prev["size"])):
            parts.append(" ")
        parts.append(_glyph(ch["text"]))
        prev = ch
    return _squeeze("".join(parts))


def _grid(values: Iterator[float], tol: float = 2.0) -> list[float]:
    grid: list[float] = []
    for v in sorted(values):
        if not grid or v - grid[-1] > tol:
            grid.append(v)
    return grid


def _index(grid: list[float], v: float) -> int:
    i = bisect.bisect_left(grid, v)
    return min((j for j in (i - 1, i) if 0 <= j < len(grid)), key=lambda j: abs(grid[j] - v))


def _table(found: Any, chars: list[dict]) -> tuple[Table | None, list[dict]]:
    """A pdfplumber table as a Table of merged-once cells (None for a one-column box), and the
    chars that fell in no cell."""
    xs = _grid(v for c in found.cells for v in (c[0], c[2]))
    ys = _grid(v for c in found.cells for v in (c[1], c[3]))
    if len(xs) < 3 or len(ys) < 2:  # one column: a boxed paragraph, not a table
        return None, chars
    cells: list[Cell] = []
    where: dict[tuple[int, int], int] = {}
    for x0, top, x1, bottom in found.cells:
        r, c = _index(ys, top), _index(xs, x0)
        cell = Cell(text="", row=r, col=c, row_span=max(1, _index(ys, bottom) - r),
                    col_span=max(1, _index(xs, x1) - c), box=(x0, top, x1, bottom))
        for pos in itertools.product(range(r, r + cell.row_span), range(c, c + cell.col_span)):
            where[pos] = len(cells)
        cells.append(cell)
    inside: list[list[dict]] = [[] for _ in cells]
    left: list[dict] = []
    for ch in chars:
        x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        i = where.get((bisect.bisect_right(ys, y) - 1, bisect.bisect_right(xs, x) - 1))
        (left if i is None else inside[i]).append(ch)
    for cell, cell_chars in zip(cells, inside):  # lines of a cell: joined without space between CJK
        cell.text = _squeeze(" ".join(_line_text(line) for line in _lines(cell_chars)))
    return Table(cells=sorted(cells, key=lambda c: (c.row, c.col)), box=tuple(found.bbox)), left


def _inside(ch: dict, box: Box) -> bool:
    x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _read_page(page: Any, number: int, order: Iterator[int]) -> Page:
    """Tables and text lines of one page, numbered in reading order (top to bottom)."""
    out = Page(number=number, width=float(page.width), height=float(page.height))
    free = [c for c in page.dedupe_chars().chars if not c["text"].isspace()]
    blocks: list[tuple[float, Segment | Table]] = []
    ruled = page.filter(_is_ruling)
    for found in ruled.find_tables({**TABLE_SETTINGS, "explicit_horizontal_lines": _page_break_rules(ruled)}):
        table, left = _table(found, [c for c in free if _inside(c, found.bbox)])
        if table is not None:
            table.page = number
            blocks.append((table.box[1], table))
            free = [c for c in free if not _inside(c, found.bbox)] + left
    unruled, free = _unruled_tables(page, number, free, [b for _, b in blocks])
    blocks += [(t.box[1], t) for t in unruled]
    for line in _lines(free):
        text = _line_text(line)
        if text:
            box = (min(c["x0"] for c in line), min(c["top"] for c in line),
                   max(c["x1"] for c in line), max(c["bottom"] for c in line))
            blocks.append((box[1], Segment(text=text, page=number, box=box)))
    for _, block in sorted(blocks, key=lambda b: b[0]):
        block.order = next(order)
        (out.tables if isinstance(block, Table) else out.segments).append(block)
    return out


_VALUE_RUN = re.compile(r"\S\s{1,}[-−]?\d[\d,.]*\s*$")


def _unruled_tables(page: Any, number: int, free: list[dict], ruled: list[Table]) -> tuple[list[Table], list[dict]]:
    """Tables printed without rules, read like an unruled scan (:func:`extract.scan.unruled_tables`)
    from the characters' own boxes inside the layout model's regions, and the chars left over.

    The page is rendered and given to the layout model only when at least three of its lines
    end in a number set apart from their text (rows of a table); a page of prose costs nothing.
    Lines below 表三's or 表四's heading are read as a table without the layout model when no
    region covers them; every other line stays a line."""
    from ..anchors import table_heading
    from ..ocr import OcrLine, OcrUnavailable, OcrWord
    from ..scan import cut_runs, join_words, layout_regions, unruled_tables

    lines = [(line, _line_text(line)) for line in _lines(free)]
    value_lines = sum(bool(_VALUE_RUN.search(text)) for _, text in lines)
    if value_lines < 3 and not (value_lines and any(table_heading(text) for _, text in lines)):
        return [], free
    regions: list[tuple[str, Box]] = []
    if value_lines >= 3:
        try:
            image = np.asarray(page.to_image(resolution=LAYOUT_DPI).original.convert("RGB"))
            regions = [(name, tuple(v * 72 / LAYOUT_DPI for v in box)) for name, box in layout_regions(image)]
        except OcrUnavailable as e:
            log.debug("page %d: no layout model (%s); only tables below their heading are read", number, e)
        except Exception as e:  # a page that will not render for the layout model keeps its lines
            log.warning("page %d: layout model failed (%s); only tables below their heading are read", number, e)
    chars: dict[int, dict] = {}  # each character as an OCR word, and back
    ocr_lines = []
    for line, _ in lines:  # cut into runs as an OCR detector sees a row: label, values
        words = [OcrWord(_glyph(c["text"]), (c["x0"], c["top"], c["x1"], c["bottom"]), 1.0) for c in line]
        chars.update({id(w): c for w, c in zip(words, line)})
        ocr_lines += [OcrLine(join_words(run), (min(w.box[0] for w in run), min(w.box[1] for w in run),
                                                max(w.box[2] for w in run), max(w.box[3] for w in run)), 1.0, run)
                      for run in cut_runs(words)]
    tables, loose = unruled_tables(ocr_lines, regions, float(page.height), number, ruled)
    for t in tables:
        for c in t.cells:
            c.confidence = 1.0  # a text layer's digits: the scan's digit repairs change nothing here
    return tables, [chars[id(w)] for line in loose for w in line.words]


def _mark_furniture(pages: list[Page]) -> None:
    """Set role="furniture" on page numbers and on margin lines repeated on most pages."""
    def band(seg: Segment, page: Page, share: float) -> bool:
        mid = (seg.box[1] + seg.box[3]) / 2
        return mid <= page.height * share or mid >= page.height * (1 - share)

    def wordy(seg: Segment) -> bool:  # a running header has words; a bare number may be a table value
        return len(re.sub(r"[\d\s\W_]", "", seg.text)) >= 2

    seen = repeats([({margin_key(s.text) for s in p.segments if band(s, p, REPEAT_BAND) and wordy(s)}, p.ocr) for p in pages])
    need = max(2, math.ceil(0.6 * len(pages)))
    for page in pages:
        segs = sorted((s for s in page.segments if s.box and s.text.strip()), key=lambda s: s.box[1])
        # a page number is the outermost line of its margin, set apart from the body: not any
        # number near the edge (a bare "0" closing a table that runs to the page's foot)
        heights = sorted(s.box[3] - s.box[1] for s in segs) or [10.0]
        apart = 1.2 * heights[len(heights) // 2]
        outer = set()
        if len(segs) >= 2:
            top, bottom = segs[0], segs[-1]
            decorated = re.compile(r"\D")
            if segs[1].box[1] - top.box[3] > apart or decorated.search(top.text.strip()):
                outer.add(id(top))
            if bottom.box[1] - segs[-2].box[3] > apart or decorated.search(bottom.text.strip()):
                outer.add(id(bottom))
        for seg in page.segments:
            if ((band(seg, page, PAGE_NO_BAND) and _PAGE_NO.match(seg.text) and id(seg) in outer
                 and bare_number_fits(seg.text, page.number))
                    or (band(seg, page, REPEAT_BAND) and wordy(seg) and seen[margin_key(seg.text)] >= need)):
                seg.role = "furniture"


def _wrap(e: Exception) -> ReadError:
    """A ReadError that names the cause of a pdfminer/pdfplumber failure."""
    inner = e.args[0] if isinstance(e, PdfminerException) and e.args and isinstance(e.args[0], Exception) else e
    if isinstance(inner, PDFPasswordIncorrect):
        return ReadError("encrypted PDF: a password is required to open it")
    if isinstance(inner, PDFEncryptionError):
        return ReadError(f"encrypted PDF: unsupported encryption ({inner})")
    return ReadError(f"corrupt or truncated PDF: {type(inner).__name__}: {inner}".rstrip(": "))


def _meta_title(pdf: Any) -> str | None:
    """The Title of the PDF's document information, if it is text."""
    try:
        title = (pdf.metadata or {}).get("Title")
    except Exception:  # a damaged info dictionary is no reason to lose the document
        return None
    if isinstance(title, bytes):
        title = title.decode("utf-16" if title[:2] in (b"\xfe\xff", b"\xff\xfe") else "latin-1", "replace")
    return (" ".join(title.split()) or None) if isinstance(title, str) else None


def _open(data: bytes) -> Any:
    if not data or not data.strip():
        raise ReadError("empty PDF file")
    if b"%PDF" not in data[:1024]:
        raise ReadError("not a PDF file (no %PDF header)")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        n = len(pdf.pages)
    except Exception as e:  # pdfminer raises many unrelated types on damaged files
        raise _wrap(e) from e
    if n == 0:
        pdf.close()
        raise ReadError("PDF has no pages")
    return pdf


def _ocr_page(data: bytes, number: int, page: Any, order: Iterator[int], doc: Document, source: str) -> Page:
    """A page without a usable text layer, rendered at OCR_DPI and read by OCR (boxes in points).

    Left empty with the warning "no usable text layer" when OCR finds nothing or cannot run.
    """
    from ..ocr import OcrUnavailable, default_backend
    from ..scan import ocr_page, render_pdf_pages, renumber, scale_page, timed

    try:
        backend = default_backend()
        with timed(doc.timings, "render"):
            (image,) = render_pdf_pages(data, [number], dpi=OCR_DPI)
        out = scale_page(ocr_page(image, number, backend, timings=doc.timings), 72 / OCR_DPI)
    except OcrUnavailable as e:
        log.warning("%s: page %d has no text layer and OCR is unavailable: %s", source, number, e)
        out = Page(number=number, width=float(page.width), height=float(page.height))
    renumber(out, order)
    if not out.segments and not out.tables:
        doc.warnings.append(f"page {number}: no usable text layer")
    return out


def read_pdf(data: bytes, source: str, *, max_pages: int = 300) -> Document:
    """Read a PDF into a Document (kind="pdf"), scanned pages through OCR; raise ReadError when it cannot be read.

    >>> doc = read_pdf(open("report.pdf", "rb").read(), "report.pdf")  # doctest: +SKIP
    >>> doc.kind, len(doc.pages), doc.warnings  # doctest: +SKIP
    ('pdf', 6, [])
    """
    pdf = _open(data)
    with pdf:
        if len(pdf.pages) > max_pages:
            raise ReadError(f"PDF has {len(pdf.pages)} pages, more than the limit of {max_pages}")
        doc, order, failed = Document(source=source, kind="pdf", title=_meta_title(pdf)), itertools.count(), 0
        for number, page in enumerate(pdf.pages, start=1):
            try:
                if page_needs_ocr(page):
                    doc.pages.append(_ocr_page(data, number, page, order, doc, source))
                else:
                    doc.pages.append(_read_page(page, number, order))
            except Exception as e:  # one damaged page should not lose the others
                failed += 1
                log.warning("%s: page %d unreadable: %s", source, number, e)
                doc.pages.append(Page(number=number))
                doc.warnings.append(f"page {number}: unreadable ({_wrap(e)})")
            finally:
                page.close()
        if failed == len(doc.pages):
            raise ReadError(f"corrupt PDF: none of its {failed} pages could be read")
    _mark_furniture(doc.pages)
    restore_text_lines(doc.pages)
    log.debug("%s: %d pages, %d warnings", source, len(doc.pages), len(doc.warnings))
    return doc
