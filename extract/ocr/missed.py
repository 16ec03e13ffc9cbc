"""Numbers the page-wide text detector missed: ink in a row of numbers that no OCR line covers.

A table printed without rules leaves each value alone in white space; a lone "0" is a
small, low-contrast blob, and the detector drops some of them (two of a 表四 row's fifteen
zeros is typical on a scan). A ruled table has its empty-but-inked cells read again
(:func:`extract.scan.reread_inked_cells`); this module does the same for ink that no cell
frames: blobs of text height, lying on the baseline of a row of numbers the detector did
find, outside ruled tables, are cropped and read on their own. What reads as a number
(with the recognizer's confidence at least 0.5: specks and broken strokes read as "2") becomes an
:class:`~extract.ocr.OcrLine` with 90 % of the recognizer's confidence; anything else is left.

Example:
    >>> lines = recover_missed_numbers(lines, ink, clean, backend)     # doctest: +SKIP
"""
from __future__ import annotations

import logging
import re
import statistics
from typing import Sequence

import cv2
import numpy as np

from . import OcrBackend, OcrLine, OcrWord
from .hygiene import looks_numeric

log = logging.getLogger(__name__)

RECOVERED_CONFIDENCE = 0.9  # factor on the recognizer's confidence for a number read on its own
_NUMBER_LINE = re.compile(r"[\d\s.,%，．]+")


def _numeric(line: OcrLine) -> bool:
    return bool(_NUMBER_LINE.fullmatch(line.text)) and any(ch.isdigit() for ch in line.text)


def _blobs(ink: np.ndarray, covered: np.ndarray, h: float) -> list[tuple[int, int, int, int]]:
    """Boxes of uncovered ink blobs of about a digit's size (specks and rules left out)."""
    free = cv2.bitwise_and(ink, cv2.bitwise_not(covered))
    free = cv2.morphologyEx(free, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=8)
    out = []
    for x, y, w, bh, area in stats[1:n]:
        if 0.45 * h <= bh <= 1.4 * h and w <= 1.2 * h and area >= 0.04 * h * h:
            out.append((int(x), int(y), int(x + w), int(y + bh)))
    return out


def _groups(blobs: list[tuple[int, int, int, int]], h: float) -> list[tuple[int, int, int, int]]:
    """Blobs side by side (the digits of one number, the two parts of a broken glyph) joined."""
    out: list[list[int]] = []
    for b in sorted(blobs):
        last = out[-1] if out else None
        mid = (b[1] + b[3]) / 2
        if last and b[0] - last[2] < 0.5 * h and last[1] - 0.3 * h <= mid <= last[3] + 0.3 * h:
            last[:] = [min(last[0], b[0]), min(last[1], b[1]), max(last[2], b[2]), max(last[3], b[3])]
        else:
            out.append(list(b))
    return [tuple(g) for g in out if g[2] - g[0] <= 4 * h]  # type: ignore[misc]


def recover_missed_numbers(lines: Sequence[OcrLine], ink: np.ndarray, clean: np.ndarray, backend: OcrBackend,
                           ruled: Sequence[tuple[float, float, float, float]] = (), limit: int = 60,
                           min_confidence: float = 0.5) -> list[OcrLine]:
    """``lines`` plus the numbers read from uncovered ink in rows of numbers (see the module).

    ``ink`` is the page binarized (ink 255) with table rules removed, ``clean`` the RGB page
    the lines were read from; ``ruled`` are the boxes of ruled tables, left to their own
    cell-by-cell reread. A blob counts when at least two number lines share its row (their
    vertical middles within a third of a line height) and it is about their height; a read
    counts when it is a number the recognizer gives at least ``min_confidence``. At most
    ``limit`` blobs a page are read.
    """
    numbers = [l for l in lines if _numeric(l)]
    if len(numbers) < 2:
        return list(lines)
    h = statistics.median(l.box[3] - l.box[1] for l in numbers)
    if h < 6:
        return list(lines)
    covered = np.zeros_like(ink)
    for l in lines:
        x0, y0, x1, y1 = (int(round(v)) for v in l.box)
        covered[max(0, y0 - 3): y1 + 3, max(0, x0 - 3): x1 + 3] = 255
    for x0, y0, x1, y1 in (tuple(int(round(v)) for v in b) for b in ruled):
        covered[max(0, y0): y1 + 1, max(0, x0): x1 + 1] = 255
    mids = sorted((l.box[1] + l.box[3]) / 2 for l in numbers)
    found: list[OcrLine] = []
    for box in _groups(_blobs(ink, covered, h), h)[:limit]:
        mid = (box[1] + box[3]) / 2
        if sum(abs(m - mid) <= h / 3 for m in mids) < 2:
            continue  # not on a row of numbers: a stamp's stroke, a dash, a character of prose
        x0, y0, x1, y1 = box
        pad = int(max(16, h))
        crop = clean[max(0, y0 - 2): y1 + 2, max(0, x0 - 2): x1 + 2]
        crop = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        read = backend.recognize(crop)
        text = "".join(l.text for l in read).strip()
        if not read or not looks_numeric(text) or " " in text or min(l.confidence for l in read) < min_confidence:
            continue
        conf = round(RECOVERED_CONFIDENCE * min(l.confidence for l in read), 4)
        found.append(OcrLine(text, (float(x0), float(y0), float(x1), float(y1)), conf,
                             [OcrWord(text, (float(x0), float(y0), float(x1), float(y1)), conf)]))
    if found:
        log.debug("%d numbers the detector missed read on their own: %s", len(found), [l.text for l in found])
    return [*lines, *found]
