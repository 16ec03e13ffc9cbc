"""Scanned pages → :class:`~extract.document.Page`: deskew, OCR once, tables from their rulings.

The steps of :func:`ocr_page`, all on one page image (RGB, pixels):

1. **deskew**: the angle whose projection of the dark pixels gives the sharpest row
   profile (text lines and table rules both count), searched over ±3°; the page is rotated
   back when it is off by more than 0.05°.
2. **rulings**: horizontal and vertical rules by morphological opening with long thin
   kernels; a rule is kept only when both its ends meet a rule of the other direction
   (so an underline or a "——" in a cell is not a rule).
3. **grid**: the rules of one connected frame give the table's grid lines; two neighbouring
   grid cells are one merged cell when no rule separates them, like a bordered Word table:
   the 表三 header's "申请人情况" spans 7 columns, "三、本年度办理结果" spans 22 rows.
4. **OCR** once, on the page with the rules painted out (a rule beside a digit reads as
   "1" or "|"); every character has its own box, so a detected line that runs across a
   rule is split between the cells it covers. Ink of a digit's size on a row of numbers
   that no detected line covers is read on its own (:mod:`extract.ocr.missed`).
5. **cells**: characters go to the cell under their centre; a cell with no text is kept
   as a cell with text ``""`` (a printed-empty cell). Number-like cell text gets
   :func:`extract.ocr.hygiene.fix_number`; a repaired cell's confidence is ×0.8. An empty cell
   that still shows ink is read again on its own (the page-wide detector can miss a lone
   digit); if that finds nothing either it stays empty with confidence 0.3.
6. **layout** (optional, rapid-layout's bundled CDLA model): header/footer regions mark
   furniture; a *table* region with no rules becomes a Table from the alignment of the OCR
   boxes (:func:`table_from_alignment`). CDLA's "title" is not used: it mislabels section
   headings, which the parser finds in the text anyway.
7. everything else: one :class:`Segment` per visual line, top to bottom; page numbers and
   lines in header/footer regions near the edges get ``role="furniture"``.

Boxes are in the pixels of the deskewed image (:func:`scale_page` converts, e.g. to PDF points).

Example:
    >>> from extract.ocr import get_backend
    >>> page = ocr_page(image, 1, get_backend())                    # doctest: +SKIP
    >>> [(c.text, c.row, c.col, c.col_span) for c in page.tables[0].cells][:2]   # doctest: +SKIP
    [('(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)', 0, 0, 3), ('申请人情况', 0, 3, 7)]
"""
from __future__ import annotations

import bisect
import contextlib
import functools
import logging
import math
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

import cv2
import numpy as np

from .anchors import title_blocks
from .columns import header_bounds
from .document import Box, Cell, Page, Segment, Table
from .furniture import bare_number_fits, margin_key, repeats
from .ocr import OcrBackend, OcrLine, OcrUnavailable, OcrWord, adopt_library_logs
from .ocr.hygiene import fix_number, fix_zero_runs, looks_numeric
from .ocr.missed import recover_missed_numbers

if TYPE_CHECKING:
    from rapid_layout import RapidLayout

log = logging.getLogger(__name__)

MAX_SKEW = 3.0            # degrees searched either way
MIN_SKEW = 0.05           # below this the page is left as it is
FIXED_CONFIDENCE = 0.8    # factor for a number cell hygiene repaired
INKED_EMPTY_CONFIDENCE = 0.3
EDGE_BAND = 0.12          # top/bottom share of the page where furniture lives
_PAGE_NO = re.compile(r"^[-—–－一_·•.\s]*(\d{1,4}|第\s*\d{1,4}\s*页(\s*[,，]?\s*共\s*\d{1,4}\s*页)?"
                      r"|\d{1,4}\s*[/／]\s*\d{1,4})[-—–－一_·•.\s]*$")
_CJK = re.compile("[\u2e80-\u9fff\uf900-\uffef]")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.,，]")
_T3_GROUP = re.compile(r"办理结果|结转下年")  # 表三's row labels numbered 三、 and 四、


# ------------------------------------------------------------------ deskew
def to_gray(image: np.ndarray) -> np.ndarray:
    """An RGB (or already gray) uint8 image as one gray channel."""
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def estimate_skew(gray: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The rotation in degrees (counter-clockwise positive, as ``cv2.getRotationMatrix2D``)
    that makes the page's lines horizontal; 0.0 for a blank page.

    >>> page = np.full((400, 600), 255, np.uint8); page[100:103, 50:550] = 0; page[200:203, 50:550] = 0
    >>> estimate_skew(page)
    0.0
    """
    scale = min(1.0, 1000 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    ys, xs = np.nonzero(bw)
    if len(xs) < 200:
        return 0.0
    if len(xs) > 300_000:
        pick = np.random.default_rng(0).choice(len(xs), 300_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float64) - small.shape[1] / 2
    ys = ys.astype(np.float64)

    def sharpness(angle: float) -> float:
        a = math.radians(angle)
        rows = np.round(ys * math.cos(a) - xs * math.sin(a)).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float(np.dot(counts, counts))

    def search(angles: np.ndarray) -> float:  # the sharpest; of equals, the smallest turn
        return float(max(angles, key=lambda a: (sharpness(a), -abs(a))))

    best = search(np.arange(-max_angle, max_angle + 1e-9, 0.25))
    best = search(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.025))
    return round(float(best), 3) if abs(best) >= MIN_SKEW else 0.0


def rotate(image: np.ndarray, angle: float) -> np.ndarray:
    """The image turned by ``angle`` degrees (counter-clockwise) about its centre, same size, white fill."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    fill = (255,) * (1 if image.ndim == 2 else image.shape[2])
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def deskew(image: np.ndarray) -> tuple[np.ndarray, float]:
    """The page turned straight, and the angle it was turned by."""
    angle = estimate_skew(to_gray(image))
    return (rotate(image, angle) if angle else image), angle


# ------------------------------------------------------------------ rulings and grids
@dataclass
class Grid:
    """A ruled table: grid line positions and its cells as (row, col, row_span, col_span)."""

    xs: list[float]
    ys: list[float]
    cells: list[tuple[int, int, int, int]] = field(default_factory=list)
    rules: list[Box] = field(default_factory=list)  # the rule segments drawn, page pixels

    @property
    def box(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def cell_box(self, cell: tuple[int, int, int, int]) -> Box:
        r, c, rs, cs = cell
        return (self.xs[c], self.ys[r], self.xs[c + cs], self.ys[r + rs])


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0: a local threshold, robust to uneven scan lighting."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def ruling_masks(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rule pixels of a binarized page (morphological opening)."""
    h, w = ink.shape
    hk, vk = max(25, w // 35), max(25, h // 60)

    def keep(length: tuple[int, int], bridge: tuple[int, int]) -> np.ndarray:
        m = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge))
        m = cv2.morphologyEx(m, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, length))
        return cv2.morphologyEx(m, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge[0] * 3, bridge[1] * 3)))
    return keep((hk, 1), (5, 1)), keep((1, vk), (1, 5))


def _segments(mask: np.ndarray, horizontal: bool) -> list[tuple[float, float, float, Box]]:
    """Rule segments of a mask as (position, start, end, bbox): y, x0, x1 for horizontal ones."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for x, y, w, h, _ in stats[1:n]:
        box = (float(x), float(y), float(x + w), float(y + h))
        out.append((y + h / 2, x, x + w, box) if horizontal else (x + w / 2, y, y + h, box))
    return out


def _cluster(values: Iterable[float], tol: float) -> list[float]:
    """Positions closer than ``tol`` merged into their mean.

    >>> _cluster([10, 12, 50, 51, 90], 4)
    [11.0, 50.5, 90.0]
    """
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [float(np.mean(g)) for g in groups]


def _near(v: float, grid: Sequence[float], tol: float) -> bool:
    i = bisect.bisect_left(grid, v)
    return any(0 <= j < len(grid) and abs(grid[j] - v) <= tol for j in (i - 1, i))


def _walls(mask: np.ndarray, at: float, lo: float, hi: float, vertical: bool, reach: int = 4) -> bool:
    """True when a rule covers most of the boundary ``lo..hi`` at ``at``."""
    a, lo_i, hi_i = int(round(at)), int(lo) + 3, int(hi) - 3
    if hi_i <= lo_i:
        return True
    if vertical:
        band = mask[lo_i:hi_i, max(0, a - reach): a + reach + 1]
        return bool(band.size) and band.any(axis=1).mean() >= 0.6
    band = mask[max(0, a - reach): a + reach + 1, lo_i:hi_i]
    return bool(band.size) and band.any(axis=0).mean() >= 0.6


def _merge_cells(grid: Grid, rules: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Grid positions joined where no rule (in the ``rules`` mask) separates them, as merged-once cells."""
    n_r, n_c = len(grid.ys) - 1, len(grid.xs) - 1
    parent = list(range(n_r * n_c))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_r):
        for c in range(n_c):
            if c + 1 < n_c and not _walls(rules, grid.xs[c + 1], grid.ys[r], grid.ys[r + 1], True):
                parent[find(r * n_c + c + 1)] = find(r * n_c + c)
            if r + 1 < n_r and not _walls(rules, grid.ys[r + 1], grid.xs[c], grid.xs[c + 1], False):
                parent[find((r + 1) * n_c + c)] = find(r * n_c + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(n_r * n_c):
        groups.setdefault(find(i), []).append(divmod(i, n_c))
    cells = []
    for members in groups.values():
        rows, cols = [m[0] for m in members], [m[1] for m in members]
        r0, c0, rs, cs = min(rows), min(cols), max(rows) - min(rows) + 1, max(cols) - min(cols) + 1
        if rs * cs == len(members):
            cells.append((r0, c0, rs, cs))
        else:  # not a rectangle (a broken rule): keep the grid positions apart
            cells.extend((r, c, 1, 1) for r, c in members)
    return sorted(cells)


def rule_mask(shape: tuple[int, int], rules: Iterable[Box], grow: int = 2) -> np.ndarray:
    """A mask with the given rule boxes drawn, ``grow`` pixels wider on each side."""
    mask = np.zeros(shape, np.uint8)
    for x0, y0, x1, y1 in rules:
        cv2.rectangle(mask, (int(x0) - grow, int(y0) - grow), (int(x1) + grow - 1, int(y1) + grow - 1), 255, -1)
    return mask


def _meets(seg: tuple, grid: Sequence[float], tol: float, extent: int) -> bool:
    """Whether a rule segment is a table's: it meets rules of the other direction at both ends, or
    at one end when it runs a quarter of the frame (a poor scan broke the rule's other end off).

    >>> _meets((0, 100, 900, None), [100, 500, 900], 12, 1000), _meets((0, 150, 900, None), [100, 500, 900], 12, 1000)
    (True, True)
    >>> _meets((0, 150, 300, None), [100, 500, 900], 12, 1000)   # a short stroke meeting one rule
    False
    """
    a, b = _near(seg[1], grid, tol), _near(seg[2], grid, tol)
    return (a and b) or ((a or b) and seg[2] - seg[1] >= 0.25 * extent)


def _ends(cross: list, along: list, tol: float, extent: int) -> list[float]:
    """Grid positions for the rules in ``along``' direction: where the ``along`` rules are, plus
    the frame's edges where the long ``cross`` rules end without one (a table printed without
    its outer left/right or top/bottom border).
    """
    grid = _cluster((s[0] for s in along), tol)
    long = [s for s in cross if s[2] - s[1] >= 0.3 * extent]
    for edge in ([min(s[1] for s in long), max(s[2] for s in long)] if len(long) >= 2 else []):
        if not _near(edge, grid, 1.5 * tol):
            bisect.insort(grid, float(edge))
    return grid


def find_grids(hmask: np.ndarray, vmask: np.ndarray) -> list[Grid]:
    """The ruled tables of a page (at least two columns), top to bottom.

    Text strokes that happen to form long runs are dropped: a rule must meet rules of the
    other direction at both its ends, and a frame narrower than a tenth of the page (the
    strokes of a large 国 or 田 in a title) is no table.
    """
    frame = cv2.dilate(cv2.bitwise_or(hmask, vmask), np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(frame, connectivity=8)
    grids = []
    tol = 8.0
    min_w, min_h = max(150, hmask.shape[1] // 10), 40
    for k in range(1, n):
        x, y, w, h, _ = stats[k]
        if w < min_w or h < min_h:
            continue
        own = (labels[y:y + h, x:x + w] == k).astype(np.uint8)
        hseg, vseg = _segments(hmask[y:y + h, x:x + w] * own, True), _segments(vmask[y:y + h, x:x + w] * own, False)
        for _ in range(3):
            ys, xs = _ends(vseg, hseg, tol, h), _ends(hseg, vseg, tol, w)
            hseg = [s for s in hseg if _meets(s, xs, 1.5 * tol, w)]
            vseg = [s for s in vseg if _meets(s, ys, 1.5 * tol, h)]
        ys, xs = _ends(vseg, hseg, tol, h), _ends(hseg, vseg, tol, w)
        if vseg and ys:  # a table a page break left open: its columns end where no rule is
            top, bottom = min(s[1] for s in vseg), max(s[2] for s in vseg)
            if ys[0] - top > 15:
                ys.insert(0, float(top))
            if bottom - ys[-1] > 15:
                ys.append(float(bottom))
        if len(xs) < 3 or len(ys) < 2 or xs[-1] - xs[0] < min_w or min(np.diff(xs)) < 12 or min(np.diff(ys)) < 12:
            continue  # a boxed paragraph, a lone rule or strokes of large characters, not a table
        rules = [(b[0] + x, b[1] + y, b[2] + x, b[3] + y) for *_, b in hseg + vseg]
        grid = Grid([v + x for v in xs], [v + y for v in ys], rules=rules)
        grid.cells = _merge_cells(grid, rule_mask(hmask.shape, rules, grow=0))
        grids.append(grid)
    return sorted(grids, key=lambda g: g.ys[0])


# ------------------------------------------------------------------ text assembly
def squeeze(text: str) -> str:
    """Collapse spaces; drop those between CJK characters.

    >>> squeeze("一、 本年 新收  2 件")
    '一、本年新收 2 件'
    """
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=\S) (?=\S)", lambda m: "" if _CJK.match(text[m.start() - 1]) and _CJK.match(text[m.end()])
                  else " ", text)


def join_words(words: Sequence[OcrWord]) -> str:
    """Characters of one visual line, left to right; a gap wider than half a character is a space."""
    out, prev = [], None
    for w in sorted(words, key=lambda w: w.box[0]):
        if prev is not None and w.box[0] - prev.box[2] > 0.5 * max(1.0, prev.box[3] - prev.box[1]):
            out.append(" ")
        out.append(w.text)
        prev = w
    return squeeze("".join(out))


def _visual_lines(parts: list[tuple[Box, str, float]]) -> list[list[tuple[Box, str, float]]]:
    """Pieces of text grouped into visual lines (vertical overlap), top to bottom, left to right.
    A piece joins a line by the line's core (its pieces' median top and bottom) or when it stands
    level with one of the line's pieces, so a piece between two rows (a group label centred beside
    them) does not chain the next row into it.

    >>> p = lambda x, y0, y1, t: ((x, y0, x + 60, y1), t, 1.0)
    >>> rows = _visual_lines([p(100, 0, 20, "规章"), p(300, 0, 20, "5"), p(0, 0, 36, "三、本年"), p(100, 24, 44, "确")])
    >>> [[t for _, t, _ in r] for r in rows]
    [['三、本年', '规章', '5'], ['确']]
    """
    rows: list[list[tuple[Box, str, float]]] = []
    for p in sorted(parts, key=lambda p: (p[0][1] + p[0][3]) / 2):
        mid, h = (p[0][1] + p[0][3]) / 2, p[0][3] - p[0][1]
        if rows:
            last = rows[-1]
            tops, bottoms = sorted(q[0][1] for q in last), sorted(q[0][3] for q in last)
            top, bottom = tops[len(tops) // 2], bottoms[(len(bottoms) - 1) // 2]  # the row's core, not its tallest piece
            core = top <= mid <= bottom and abs(mid - (top + bottom) / 2) < 0.5 * max(h, bottom - top)
            if core or any(abs(mid - (q[0][1] + q[0][3]) / 2) < 0.3 * h for q in last):  # or level with one of its pieces
                last.append(p)
                continue
        rows.append([p])
    return [_left_to_right(r) for r in rows]


def _left_to_right(row: list[tuple[Box, str, float]]) -> list[tuple[Box, str, float]]:
    """A visual line's pieces left to right, except that pieces stacked in one column (the two lines
    of a label wrapped around its row's values, which joined them into one visual line) go top first.

    >>> row = [((100, 30, 300, 50), "新出具已获取信息", 1.0), ((400, 15, 600, 35), "14 10", 1.0),
    ...        ((101, 0, 330, 20), "5.要求行政机关确认或重", 1.0)]
    >>> [t for _, t, _ in _left_to_right(row)]
    ['5.要求行政机关确认或重', '新出具已获取信息', '14 10']
    """
    out: list[tuple[Box, str, float]] = []
    for p in sorted(row, key=lambda p: p[0][0]):
        i = len(out)
        while i and abs(out[i - 1][0][0] - p[0][0]) < 0.5 * (p[0][3] - p[0][1]) and p[0][3] <= out[i - 1][0][1] + 0.3 * (
                p[0][3] - p[0][1]):
            i -= 1  # same left edge, and above the piece before: the upper line of a stack
        out.insert(i, p)
    return out


def _union(boxes: Iterable[Box]) -> Box:
    bs = list(boxes)
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def _inside(point: tuple[float, float], box: Box, pad: float = 0.0) -> bool:
    return box[0] - pad <= point[0] <= box[2] + pad and box[1] - pad <= point[1] <= box[3] + pad


def _number_hygiene(cell: Cell) -> None:
    if cell.text and looks_numeric(cell.text):
        fixed, changed = fix_number(cell.text)
        if changed:
            log.debug("number cell %r read as %r", cell.text, fixed)
            cell.text, cell.confidence = fixed, cell.confidence * FIXED_CONFIDENCE


def grid_table(grid: Grid, pieces: dict[int, list[tuple[int, OcrWord, OcrLine]]], ink: np.ndarray | None,
               page_number: int) -> Table:
    """A Grid and the OCR characters under each of its cells → Table (empty cells included)."""
    cells = []
    for i, spec in enumerate(grid.cells):
        r, c, rs, cs = spec
        box = grid.cell_box(spec)
        got = pieces.get(i, [])
        by_line: dict[int, list[OcrWord]] = {}
        for line_id, word, _ in got:
            by_line.setdefault(line_id, []).append(word)
        parts = []
        for line_id, words in by_line.items():
            line = next(l for k, _, l in got if k == line_id)
            whole = len(words) == len(line.words)
            parts.append((_union(w.box for w in words), squeeze(line.text) if whole else join_words(words),
                          line.confidence if whole else min(w.confidence for w in words)))
        text = squeeze(" ".join(p[1] for row in _visual_lines(parts) for p in row))
        conf = min((p[2] for p in parts), default=1.0)
        if not text and ink is not None and _inked(ink, box):
            conf = INKED_EMPTY_CONFIDENCE
            log.debug("page %d: cell (%d, %d) shows ink but no text was read", page_number, r, c)
        cell = Cell(text=text, row=r, col=c, row_span=rs, col_span=cs, box=box, confidence=round(conf, 4))
        _number_hygiene(cell)
        cells.append(cell)
    return Table(cells=cells, page=page_number, box=grid.box)


def reread_inked_cells(table: Table, clean: np.ndarray, backend: OcrBackend, limit: int = 400) -> int:
    """Read again, on its own, each cell that shows ink but got no text (a lone digit the
    page-wide detector missed); returns how many cells got text. A cell read this way keeps
    90% of the recognizer's confidence."""
    found = 0
    for cell in [c for c in table.cells if not c.text and c.confidence == INKED_EMPTY_CONFIDENCE][:limit]:
        x0, y0, x1, y1 = (int(v) for v in cell.box)
        crop = clean[max(0, y0 + 3): y1 - 2, max(0, x0 + 3): x1 - 2]
        if crop.size == 0:
            continue
        pad = max(16, crop.shape[0] // 2)
        lines = backend.recognize(cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255, 255, 255)))
        text = squeeze(" ".join(l.text for l in sorted(lines, key=lambda l: (l.box[1], l.box[0]))))
        if text:
            cell.text, cell.confidence = text, round(0.9 * min(l.confidence for l in lines), 4)
            _number_hygiene(cell)
            found += 1
    if found:
        log.debug("page %d: %d inked empty cells read on their own", table.page, found)
    return found


def _inked(ink: np.ndarray, box: Box, margin: int = 6) -> bool:
    """True when a cell (rules painted out) still holds a blot of ink the size of a digit."""
    x0, y0, x1, y1 = (int(v) for v in box)
    inner = ink[y0 + margin: y1 - margin, x0 + margin: x1 - margin]
    if inner.size == 0:
        return False
    inner = cv2.morphologyEx(inner, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return int(np.count_nonzero(inner)) > 40  # a 9-pt digit at 200 dpi leaves ~100 pixels, specks none


# ------------------------------------------------------------------ tables without rules
def cut_runs(words: Sequence[OcrWord]) -> list[list[OcrWord]]:
    """Characters of one line, left to right, cut into runs where a gap is wider than 0.8 of a
    character's height: the cells of a table row printed without rules.

    >>> w = lambda ch, x: OcrWord(ch, (x, 0, x + 10, 10), 1.0)
    >>> [[x.text for x in r] for r in cut_runs([w("规", 0), w("章", 10), w("3", 40)])]
    [['规', '章'], ['3']]
    """
    out: list[list[OcrWord]] = []
    for w in sorted(words, key=lambda w: w.box[0]):
        if not out or w.box[0] - out[-1][-1].box[2] > 0.8 * max(1.0, w.box[3] - w.box[1]):
            out.append([])
        out[-1].append(w)
    return out


def _tokens(lines: Sequence[OcrLine], region: Box) -> list[tuple[Box, str, float]]:
    """The characters of ``lines`` inside ``region``, cut into runs at gaps wider than a character."""
    return [(_union(x.box for x in run), join_words(run), min(x.confidence for x in run))
            for line in lines for run in cut_runs([w for w in line.words if _inside(w.center, region)])]


def table_from_alignment(lines: Sequence[OcrLine], region: Box, page_number: int = 1) -> Table | None:
    """A table printed without rules, recovered from how its OCR text lines up.

    Rows are text runs on one baseline; column boundaries are the x ranges that (almost) no
    row of values prints into (rows with a number; every row when none has one), so a header
    spanning several columns, or stacked in two lines, does not close a gap. A run that
    covers several columns gets a ``col_span``; a column a row leaves blank is an empty cell.
    Returns None when the region does not look like a table (fewer than 2 rows or 2 columns).

    >>> words = lambda t, x, y: [OcrWord(ch, (x + 20 * i, y, x + 20 * i + 18, y + 20), 0.9) for i, ch in enumerate(t)]
    >>> rows = [("项目", 0, "数量", 200), ("规章", 0, "3", 200), ("文件", 0, "12", 200)]
    >>> lines = [OcrLine(t, (x, 40 * i, x + 40, 40 * i + 20), 0.9, words(t, x, 40 * i))
    ...          for i, (a, ax, b, bx) in enumerate(rows) for t, x in ((a, ax), (b, bx))]
    >>> t = table_from_alignment(lines, (0, 0, 300, 200))
    >>> t.grid()
    [['项目', '数量'], ['规章', '3'], ['文件', '12']]
    """
    tokens = _tokens(lines, region)
    if len(tokens) < 4:
        return None
    heights = [t[0][3] - t[0][1] for t in tokens]
    rows = _centred_values(_visual_lines(tokens))
    # columns are where the values stand: a header's words, stacked in two lines or run
    # together by the detector, would close the gaps between them
    data = [r for r in rows if len(r) >= 2 and any(looks_numeric(t) for _, t, _ in r)]
    if len(rows) < 2 or (sum(len(r) >= 2 for r in rows) < max(2, len(rows) / 2) and len(data) < 3):
        return None  # running text, not rows of cells (a table's end, all labels and few values, is rows)
    x0 = int(min(t[0][0] for t in tokens))
    cover = np.zeros(int(max(t[0][2] for t in tokens)) - x0 + 2, np.int32)
    basis = data if data else rows
    for row in basis:
        seen = np.zeros_like(cover, dtype=bool)
        for (bx, _, _) in row:
            seen[int(bx[0]) - x0: int(bx[2]) - x0 + 1] = True
        cover += seen
    gap = cover <= (len(basis) // 5 if data else max(1, len(rows) // 5))
    min_gap = 0.5 * float(np.median(heights))
    gaps, start = [], None
    for i, g in enumerate(np.append(gap, False)):
        if g and start is None:
            start = i
        elif not g and start is not None:
            if i - start >= min_gap and start > 0:
                gaps.append((float(x0 + start), float(x0 + i), i >= len(cover) - 1))
            start = None
    # header text over columns no row fills (科研机构 and 社会公益组织 left empty) opens them
    header = [(bx[0], bx[2]) for r in rows if not any(looks_numeric(t) for _, t, _ in r) for bx, _, _ in r] if data else []
    bounds, opened = header_bounds(gaps, header, float(np.median(heights)))
    if not bounds:
        return None
    edges = [float(x0)] + bounds + [float(x0 + len(cover))]

    def col(x: float) -> int:
        return max(0, min(len(edges) - 2, bisect.bisect_right(edges, x) - 1))

    cells: list[Cell] = []
    joined: set[int] = set()  # cells holding several runs: each run was repaired on its own
    for r, row in enumerate(rows):
        taken: dict[int, Cell] = {}
        for bx, text, conf in row:
            c0, c1 = col(bx[0] + 2), col(bx[2] - 2)
            if c0 in taken:  # two runs apart by a gap in one column: keep them apart (392 5 0, not 39250)
                prev, part = taken[c0], Cell(text=text, row=r, col=c0, box=bx, confidence=conf)
                if id(prev) not in joined:
                    _number_hygiene(prev)
                    joined.add(id(prev))
                _number_hygiene(part)
                prev.text, prev.confidence = squeeze(prev.text + " " + part.text), min(prev.confidence, part.confidence)
                continue
            cell = Cell(text=text, row=r, col=c0, col_span=max(1, c1 - c0 + 1), box=bx, confidence=round(conf, 4))
            for c in range(c0, c0 + cell.col_span):
                taken.setdefault(c, cell)
            cells.append(cell)
        top, bottom = min(b[0][1] for b in row), max(b[0][3] for b in row)
        for c in range(len(edges) - 1):
            if c not in taken:
                cells.append(Cell(text="", row=r, col=c, box=(edges[c], top, edges[c + 1], bottom)))
    for cell in cells:
        if id(cell) not in joined:
            _number_hygiene(cell)
    cells = _drop_idle_columns(cells, keep={col(x) for x in opened})
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(cells=cells, page=page_number, box=_union(c.box for c in cells))


def _centred_values(rows: list[list[tuple[Box, str, float]]]) -> list[list[tuple[Box, str, float]]]:
    """Rows with a row of values that stands alone between two lines of one label (a cell centred
    vertically beside a label wrapped in two lines) joined to the label's first line, as an OCR
    detector joins them: the label's row then holds its values.

    >>> r = lambda y, *ps: [((x, y, x + 10 * len(t), y + 10), t, 1.0) for x, t in ps]
    >>> rows = [r(0, (0, "部分公开(只计这一")), r(6, (200, "3"), (300, "0")), r(12, (0, "情形)")), r(30, (0, "规章"), (200, "5"))]
    >>> [[t for _, t, _ in row] for row in _centred_values(rows)]
    [['部分公开(只计这一', '3', '0'], ['情形)'], ['规章', '5']]
    """
    def words(r: list[tuple[Box, str, float]]) -> bool:
        return not any(looks_numeric(t) for _, t, _ in r)

    out: list[list[tuple[Box, str, float]]] = []
    for i, row in enumerate(rows):
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        nums = [p for p in row if looks_numeric(p[1])]
        if out and nxt and nums and words(out[-1]) and words(nxt):
            prev = out[-1]
            top, bottom = min(b[1] for b, _, _ in nums), max(b[3] for b, _, _ in nums)
            left = min(b[0] for b, _, _ in prev)
            # beside the values only a group label of a column left of the row's own label (三、)
            if all(b[2] <= left for b, t, _ in row if not looks_numeric(t)) \
                    and max(b[3] for b, _, _ in prev) > top - 0.5 * (bottom - top) \
                    and min(b[1] for b, _, _ in nxt) < bottom + 0.5 * (bottom - top) \
                    and max(b[2] for b, _, _ in prev) < min(b[0] for b, _, _ in nums):
                out[-1] = _left_to_right(prev + row)
                continue
        out.append(row)
    return out


def split_at_headings(lines: Sequence[OcrLine]) -> list[list[OcrLine]]:
    """The lines of one layout region (top to bottom) cut at section headings (``四、…``)
    that stand alone on their row; the headings themselves are left out. CDLA often takes
    the heading above a table into it, and one region can hold the end of 表三, the heading
    四、 and 表四, whose columns are not 表三's.

    表三's group labels numbered like sections (三、本年度办理结果, 四、结转下年度继续办理) do not cut,
    even when a wrapped layout leaves one alone on its row.

    >>> line = lambda t, y: OcrLine(t, (0, y, 20 * len(t), y + 20), 0.9)
    >>> parts = split_at_headings([line("四、行政复议情况", 0), line("行政复议", 40), line("0", 80)])
    >>> [[l.text for l in p] for p in parts]
    [['行政复议', '0']]
    >>> [len(p) for p in split_at_headings([line("予以公开 3", 0), line("三、本年度办理结果", 40), line("部分公开 1", 80)])]
    [3]
    """
    parts: list[list[OcrLine]] = [[]]
    for line in lines:
        alone = not any(o is not line and o.box[1] < line.box[3] and o.box[3] > line.box[1] for o in lines)
        if alone and _HEADING.match(line.text) and not _T3_GROUP.search(line.text):
            parts.append([])
        else:
            parts[-1].append(line)
    return [p for p in parts if p]


def _drop_idle_columns(cells: list[Cell], keep: Iterable[int] = ()) -> list[Cell]:
    """Without rules, a gap in a header that spans several columns can open a column that
    no row of numbers uses; its empty cells would read as printed empty values. Drop the
    empty cells of a column that at most one of (at least five) rows of numbers prints into
    (the one: 表四's row of 15 values, when the region runs on into it). Columns in ``keep``
    (opened by their own header, :mod:`extract.columns`) stay."""
    rows: dict[int, list[Cell]] = {}
    for c in cells:
        rows.setdefault(c.row, []).append(c)
    data = [r for r in rows.values() if sum(bool(c.text) and looks_numeric(c.text) for c in r) >= 2]
    if len(data) < 5:
        return cells
    uses = Counter(col for r in data for col in {k for c in r if c.text for k in range(c.col, c.col + c.col_span)})
    idle = {c.col for c in cells if not c.text and uses[c.col] <= 1} - set(keep)
    return [c for c in cells if c.text or c.col not in idle]


# ------------------------------------------------------------------ layout model
@functools.lru_cache(maxsize=1)
def layout_engine() -> "RapidLayout":
    """rapid-layout with its bundled CDLA model (path passed explicitly; nothing is downloaded)."""
    adopt_library_logs(["RapidLayout", "rapid_layout.inference_engine.base", "rapid_layout.utils.typings",
                        "rapid_layout.model_handler.main", "rapid_layout.model_handler.utils",
                        "rapid_layout.inference_engine.onnxruntime.main",
                        "rapid_layout.inference_engine.onnxruntime.provider_config"], "rapid_layout", log)
    try:
        import rapid_layout
        from rapid_layout import RapidLayout
    except ImportError as e:
        raise OcrUnavailable(f"rapid-layout is not installed ({e}): pip install rapid-layout==1.2.1") from e
    model = Path(rapid_layout.__file__).resolve().parent / "models" / "layout_cdla.onnx"
    if not model.is_file():
        raise OcrUnavailable(f"rapid-layout's bundled CDLA model is missing: {model}; reinstall rapid-layout==1.2.1")
    threads = os.environ.get("NIANBAO_OCR_THREADS", "")
    cfg = {"intra_op_num_threads": int(threads)} if threads.isdigit() else {}
    engine = RapidLayout(model_type="pp_layout_cdla", model_dir_or_path=str(model), engine_cfg=cfg)
    adopt_library_logs([], "rapid_layout", log)
    return engine


def layout_regions(image: np.ndarray) -> list[tuple[str, Box]]:
    """(class, box) of the CDLA regions of an RGB page: text, title, table, header, footer, …"""
    res = layout_engine()(np.ascontiguousarray(image[:, :, ::-1]))  # rapid-layout takes arrays as BGR
    if res.boxes is None:
        return []
    return [(str(name), tuple(float(v) for v in box)) for box, name in zip(res.boxes, res.class_names)]


# ------------------------------------------------------------------ the page
def _segments_of(parts: list[tuple[Box, str, float]], page_number: int) -> list[Segment]:
    """Text outside tables as one Segment per visual line (boxes the detector split are joined,
    with a space across a gap wider than a character), confidence the lowest of its pieces."""
    out = []
    for row in _visual_lines(parts):
        text, prev = "", None
        for box, t, _ in row:
            if prev is not None and box[0] - prev[2] > 0.8 * (box[3] - box[1]):
                text += " "
            text += t
            prev = box
        out.append(Segment(text=fix_zero_runs(squeeze(text)), page=page_number, box=_union(p[0] for p in row),
                           confidence=round(min(p[2] for p in row), 4)))
    return out


def _page_number(line: OcrLine, page_height: float, others: Sequence[OcrLine]) -> bool:
    """A page number (``- 4 -``, ``第4页``) near the top or bottom edge, alone on its line:
    not a table's cell, though CDLA's table region often runs down to it. (A row's value
    near the edge has its label, or other values, beside it.)"""
    y0, y1 = line.box[1], line.box[3]
    if not _PAGE_NO.match(line.text) or page_height * EDGE_BAND < (y0 + y1) / 2 < page_height * (1 - EDGE_BAND):
        return False
    return not any(o is not line and o.box[1] < y1 and o.box[3] > y0 for o in others)


_CHROME = re.compile(r"\d{1,4}[/-]\d{1,2}[/-]\d{1,2}|\d{1,2}:\d{2}|https?:|www\.|\.html?\b|^\s*\d{1,3}\s*/\s*\d{1,3}\s*$")


def _edge_chrome(line: OcrLine, page_height: float, others: Sequence[OcrLine]) -> bool:
    """A browser's print header or footer (date and time, page title, URL, ``2/3``) in the top or
    bottom edge band: the line itself, or any line on its row, reads as one. Not a table's row,
    though CDLA's table region often reaches it on a page a table runs onto.

    >>> a = OcrLine("2024/1/7 13:11", (50.0, 30.0, 230.0, 60.0), 1.0)
    >>> b = OcrLine("某局2019年政府信息公开工作年度报告", (600.0, 32.0, 1000.0, 62.0), 1.0)
    >>> c = OcrLine("规章", (100.0, 1200.0, 160.0, 1230.0), 1.0)
    >>> [_edge_chrome(x, 2339.0, [a, b, c]) for x in (a, b, c)]
    [True, True, False]
    """
    y0, y1 = line.box[1], line.box[3]
    if page_height * EDGE_BAND < (y0 + y1) / 2 < page_height * (1 - EDGE_BAND):
        return False
    return any(_CHROME.search(o.text) for o in others if o.box[1] < y1 and o.box[3] > y0)


def _own_page_number(text: str, number: int) -> bool:
    """The page's own number with OCR slips at its edges (``-3te`` for ``- 3 -`` on page 3): its
    digits are the page's number and at most three other characters stand beside them, no Chinese.

    >>> _own_page_number("-3te", 3), _own_page_number("-3te", 4), _own_page_number("规章 3", 3), _own_page_number("13", 3)
    (True, False, False, False)
    """
    t = re.sub(r"\s", "", text)
    return (re.findall(r"\d+", t) == [str(number)] and len(t) - len(str(number)) <= 3
            and not re.search("[\u3400-\u9fff]", t))


def _mark_page_furniture(page: Page, regions: list[tuple[str, Box]]) -> None:
    """Page numbers near the top or bottom edge (the page's own number misread at its edges too); lines in CDLA header/footer regions there too,
    but only in small print: CDLA calls a report's title "header" as readily as a 页眉."""
    edges = [box for name, box in regions if name in ("header", "footer")]
    heights = sorted(s.box[3] - s.box[1] for s in page.segments)
    typical = heights[len(heights) // 2] if heights else 0.0
    for seg in page.segments:
        mid = (seg.box[1] + seg.box[3]) / 2
        if not (mid <= page.height * EDGE_BAND or mid >= page.height * (1 - EDGE_BAND)):
            continue
        center = ((seg.box[0] + seg.box[2]) / 2, mid)
        small = seg.box[3] - seg.box[1] <= 0.9 * typical
        if ((_PAGE_NO.match(seg.text) and bare_number_fits(seg.text, page.number)) or _own_page_number(seg.text, page.number)
                or (small and any(_inside(center, b, 4) for b in edges))):
            seg.role = "furniture"


def blank(gray: np.ndarray) -> bool:
    """True for a page with no more ink than scanner specks (nothing to read).

    >>> blank(np.full((100, 100), 255, np.uint8))
    True
    """
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA) if max(gray.shape) > 1000 else gray
    dark = cv2.morphologyEx((small < 128).astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return int(np.count_nonzero(dark)) < 30


def _center(box: Box) -> tuple[float, float]:
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)


def assign_words(lines: Sequence[OcrLine], grids: Sequence[Grid]) -> tuple[list[dict[int, list]], list[OcrLine]]:
    """Each OCR character to the grid cell under its centre; what no grid holds stays running text.

    Returns, per grid, ``{cell index: [(line index, word, line), ...]}``, and the lines (or the
    parts of lines, when a line runs out of a table) outside every grid.
    """
    where = []  # per grid: grid position -> index of the (merged) cell covering it
    for g in grids:
        where.append({(rr, cc): i for i, (r, c, rs, cs) in enumerate(g.cells)
                      for rr in range(r, r + rs) for cc in range(c, c + cs)})
    pieces: list[dict[int, list]] = [{} for _ in grids]
    loose: list[OcrLine] = []
    for k, line in enumerate(lines):
        outside = []
        for word in line.words:
            cx, cy = word.center
            for gi, g in enumerate(grids):
                if _inside((cx, cy), g.box):
                    r = min(len(g.ys) - 2, max(0, bisect.bisect_right(g.ys, cy) - 1))
                    c = min(len(g.xs) - 2, max(0, bisect.bisect_right(g.xs, cx) - 1))
                    pieces[gi].setdefault(where[gi][(r, c)], []).append((k, word, line))
                    break
            else:
                outside.append(word)
        if len(outside) == len(line.words):
            loose.append(line)
        elif outside:
            loose.append(OcrLine(join_words(outside), _union(x.box for x in outside),
                                 min(x.confidence for x in outside), outside))
    return pieces, loose


def erase_rules(image: np.ndarray, ink: np.ndarray, grids: Sequence[Grid]) -> tuple[np.ndarray, np.ndarray]:
    """Copies of the page's ink and of the page with the grids' rules taken out (what OCR reads)."""
    ink = ink.copy()
    rules = rule_mask(ink.shape, [r for g in grids for r in g.rules])
    clean = image.copy()
    clean[rules > 0] = 255
    ink[rules > 0] = 0
    return ink, clean


def glyph_grids(grids: Sequence[Grid], lines: Sequence[OcrLine], tol: float = 0.1) -> set[int]:
    """Indexes of the grids that lie inside one line of text, top to bottom: the strokes of large
    bold characters, not a table (a table's rules enclose its text; these sit within it).

    >>> g = Grid([400.0, 440.0, 480.0, 520.0], [145.0, 179.0])
    >>> t = Grid([100.0, 300.0, 500.0], [120.0, 190.0])
    >>> sorted(glyph_grids([g, t], [OcrLine("上海市数据局2023年", (350.0, 132.0, 1300.0, 180.0), 1.0, [])]))
    [0]
    """
    out = set()
    for i, g in enumerate(grids):
        x0, y0, x1, y1 = g.box
        for line in lines:
            lx0, ly0, lx1, ly1 = line.box
            pad = tol * (ly1 - ly0)
            if ly0 - pad <= y0 and y1 <= ly1 + pad and min(x1, lx1) - max(x0, lx0) >= 0.8 * (x1 - x0):
                out.add(i)
                break
    return out


@contextlib.contextmanager
def timed(timings: dict[str, float] | None, key: str) -> Iterator[None]:
    """Add the seconds the block takes to ``timings[key]`` (nothing when ``timings`` is None)."""
    t = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[key] = timings.get(key, 0.0) + time.perf_counter() - t


def ocr_page(image: np.ndarray, page_number: int, backend: OcrBackend, *, layout: bool = True,
             timings: dict[str, float] | None = None) -> Page:
    """One scanned page (``(H, W, 3)`` uint8 RGB) → Page of Segments and Tables, ``ocr=True``.

    Block ``order`` counts from 0 on this page; a reader renumbers across pages. Seconds spent
    are added to ``timings`` under ``ocr`` (the recognizer), ``layout_model`` (rapid-layout)
    and ``scan`` (deskew, rules, grids, cells).
    """
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    h, w = image.shape[:2]
    page = Page(number=page_number, width=float(w), height=float(h), ocr=True)
    with timed(timings, "scan"):
        if blank(to_gray(image)):
            log.debug("page %d: blank", page_number)
            return page
        image, angle = deskew(np.ascontiguousarray(image[:, :, :3]))
        gray = to_gray(image)
        page_ink = binarize(gray)
        grids = find_grids(*ruling_masks(page_ink))
        ink, clean = erase_rules(image, page_ink, grids)
    with timed(timings, "ocr"):
        lines = backend.recognize(clean)
        glyphs = glyph_grids(grids, lines)
        if glyphs:  # strokes of a large bold title taken for rules: read the page again with them
            log.debug("page %d: %d grid(s) inside a line of text dropped", page_number, len(glyphs))
            grids = [g for i, g in enumerate(grids) if i not in glyphs]
            ink, clean = erase_rules(image, page_ink, grids)
            lines = backend.recognize(clean)
        lines = recover_missed_numbers(lines, ink, clean, backend, [g.box for g in grids])
    with timed(timings, "layout_model"):
        regions = layout_regions(image) if layout else []
    log.debug("page %d: skew %.2f°, %d ruled tables, %d OCR lines, layout %s", page_number, angle, len(grids),
              len(lines), Counter(n for n, _ in regions))
    with timed(timings, "scan"):
        pieces, loose = assign_words(lines, grids)
        tables = [grid_table(g, p, ink, page_number) for g, p in zip(grids, pieces)]
    with timed(timings, "ocr"):
        for table in tables:
            reread_inked_cells(table, clean, backend)

    unruled, loose = unruled_tables(loose, regions, h, page_number, tables)
    tables += unruled
    page.segments = _segments_of([(l.box, l.text, l.confidence) for l in loose], page_number)
    _mark_page_furniture(page, regions)
    page.tables = tables
    for i, block in enumerate(sorted([*page.segments, *page.tables], key=lambda b: b.box[1])):
        block.order = i
    return page


def unruled_tables(lines: Sequence[OcrLine], regions: Sequence[tuple[str, Box]], page_height: float, page_number: int,
                   ruled: Sequence[Table] = ()) -> tuple[list[Table], list[OcrLine]]:
    """Tables without rules in the layout model's table regions (or figure regions: CDLA sometimes
    calls an unruled table a figure; :func:`table_from_alignment` tells rows of cells from a
    picture's caption), and below 表三's or 表四's heading where no region covers them
    (:func:`extract.anchors.title_blocks`), from how ``lines`` line up; returns them and the
    lines left over.
    Regions that overlap a ``ruled`` table are skipped. Boxes may be in any unit (pixels, points)."""
    tables: list[Table] = []
    loose = list(lines)
    for name, region in regions:
        if name not in ("table", "figure") or any(_overlap(region, t.box) > 0.3 for t in [*ruled, *tables]):
            continue
        region = grow_sideways(region, loose)
        inside = [l for l in loose if _inside(_center(l.box), region)]
        inside = sorted((l for l in inside if not _page_number(l, page_height, inside)
                         and not _edge_chrome(l, page_height, inside)), key=lambda l: l.box[1])
        for part in split_at_headings(inside):
            table = table_from_alignment(part, region, page_number)
            if table is not None:
                log.debug("page %d: unruled table of %d x %d from text alignment", page_number, table.n_rows,
                          table.n_cols)
                tables.append(table)
                loose = [l for l in loose if l not in part]
    # pieces no region covers, below the heading of 表三 or 表四 (a first row before a page break)
    candidates = [l for l in loose if not _page_number(l, page_height, loose) and not _edge_chrome(l, page_height, loose)]
    for block in title_blocks(candidates, [t.box for t in [*ruled, *tables]]):
        box = _union(l.box for l in block)
        table = table_from_alignment(block, (box[0] - 1, box[1] - 1, box[2] + 1, box[3] + 1), page_number)
        if table is not None:
            log.debug("page %d: unruled table of %d x %d below its section heading", page_number, table.n_rows,
                      table.n_cols)
            tables.append(table)
            loose = [l for l in loose if l not in block]
    return tables, loose


def grow_sideways(region: Box, lines: Sequence[OcrLine]) -> Box:
    """``region`` widened over the lines that carry its rows on past its left or right edge.

    CDLA's box sometimes stops a column or two short of a wide table (表四's last columns), and a
    row of values cut there can no longer be spread over its columns. A line outside the box
    joins when its middle lies within the box's height and is level with a line inside (middles
    apart by at most half a line's height); repeated, so a row's runs join one after another.

    >>> row = OcrLine("0 3 0", (100.0, 100.0, 300.0, 120.0), 1.0)
    >>> rest = [OcrLine("13", (330.0, 101.0, 350.0, 121.0), 1.0), OcrLine("33", (400.0, 100.0, 420.0, 120.0), 1.0)]
    >>> prose = OcrLine("正文", (330.0, 300.0, 500.0, 320.0), 1.0)
    >>> grow_sideways((90.0, 90.0, 310.0, 130.0), [row, *rest, prose])
    (90.0, 90.0, 420.0, 130.0)
    """
    box = region
    while True:
        inside = [_center(l.box)[1] for l in lines if _inside(_center(l.box), box)]
        grown = box
        for line in lines:
            cx, cy = _center(line.box)
            if box[0] <= cx <= box[2] or not box[1] <= cy <= box[3]:
                continue
            if any(abs(cy - y) <= 0.5 * (line.box[3] - line.box[1]) for y in inside):
                grown = (min(grown[0], line.box[0]), grown[1], max(grown[2], line.box[2]), grown[3])
        if grown == box:
            return box
        box = grown


def _overlap(a: Box, b: Box) -> float:
    """Intersection over the smaller box's area."""
    iw, ih = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return iw * ih / small if small > 0 else 0.0


# ------------------------------------------------------------------ pages of a document
def scale_page(page: Page, factor: float) -> Page:
    """Multiply every box and the page size by ``factor`` (pixels at 300 dpi → points: 72/300)."""
    def s(box: Box | None) -> Box | None:
        return None if box is None else tuple(round(v * factor, 2) for v in box)
    page.width = page.width * factor if page.width else page.width
    page.height = page.height * factor if page.height else page.height
    for seg in page.segments:
        seg.box = s(seg.box)
    for table in page.tables:
        table.box = s(table.box)
        for cell in table.cells:
            cell.box = s(cell.box)
    return page


def renumber(page: Page, order: Iterator[int]) -> None:
    """Give the page's blocks document-wide reading order numbers, keeping their order on the page."""
    for block in page.blocks():
        block.order = next(order)


def mark_repeated_furniture(pages: list[Page], band: float = 0.08) -> None:
    """Lines near the top or bottom edge that repeat (digits aside, OCR slips aside) on most pages are furniture."""
    def edge(seg: Segment, page: Page) -> bool:
        mid = (seg.box[1] + seg.box[3]) / 2
        return bool(page.height) and (mid <= page.height * band or mid >= page.height * (1 - band))

    seen = repeats([({margin_key(s.text) for s in p.segments if s.box and edge(s, p)}, True) for p in pages])
    need = max(2, math.ceil(0.6 * len(pages)))
    for page in pages:
        for seg in page.segments:
            if seg.box and edge(seg, page) and seen[margin_key(seg.text)] >= need:
                seg.role = "furniture"


def render_pdf_pages(data: bytes, pages: list[int], dpi: int = 200) -> list[np.ndarray]:
    """PDF pages (numbers from 1) as ``(H, W, 3)`` uint8 RGB images at ``dpi``, with pypdfium2."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for number in pages:
            page = pdf[number - 1]
            try:
                bitmap = page.render(scale=dpi / 72, fill_color=(255, 255, 255, 255))
                out.append(np.asarray(bitmap.to_pil().convert("RGB")))
            finally:
                page.close()
        return out
    finally:
        pdf.close()
