"""Model inputs from a flat text: character ids and LayoutLM-style boxes (0–1000), in windows.

PDF and scan characters take the box of the cell or line they came from, scaled to the
page. Text and HTML have no geometry, so their boxes come from positions: x from the
character's column in its line, y from the line number (wrapping every 100 lines).

Example:
    >>> from extract.flat import FlatText
    >>> line_boxes(FlatText("ab\\ncde"))[3:]
    [(0, 10, 24, 18), (0, 10, 24, 18), (0, 10, 24, 18)]
    >>> [w for w in windows(10, size=4, stride=3)]
    [(0, 4), (3, 7), (6, 10)]
"""
from __future__ import annotations

from extract.document import Document
from extract.flat import FlatText

Box4 = tuple[int, int, int, int]
_CHAR_W, _LINE_H = 8, 10
_CELL_ENDS = "\x1f\x1e\x1d"


def line_boxes(flat: FlatText) -> list[Box4]:
    """Boxes from positions, for characters without page geometry: each cell (the run between
    cell markers) or line gets one box, x from its first and last column, y from its line.

    A narrative line is a wide box, a heading a short one at the left, a value a narrow one
    after its row label, as on a page.
    """
    out: list[Box4] = []
    line = col = 0
    start, run_start = 0, 0
    text = flat.text

    def close(end: int) -> None:
        y = (line % 100) * _LINE_H
        x0 = min(run_start * _CHAR_W, 1000 - _CHAR_W)
        x1 = max(x0 + _CHAR_W, min(1000, (run_start + (end - start)) * _CHAR_W))
        out.extend([(x0, y, x1, y + _LINE_H - 2)] * (end - start))

    for i, ch in enumerate(text):
        if ch == "\n" or ch in _CELL_ENDS:
            close(i)
            y = (line % 100) * _LINE_H
            x = min(col * _CHAR_W, 1000 - _CHAR_W)
            out.append((x, y, x + _CHAR_W, y + _LINE_H - 2))
            if ch == "\n":
                line, col = line + 1, 0
            else:
                col += 1
            start, run_start = i + 1, col
        else:
            col += 1
    close(len(text))
    return out


def char_boxes(flat: FlatText, doc: Document | None = None) -> list[Box4]:
    """One 0–1000 box per character: its cell's or line's box on the page, else a line box."""
    boxes = line_boxes(flat)
    if doc is None or not flat.starts:
        return boxes
    sizes = {p.number: (p.width, p.height) for p in doc.pages}
    for (a, b), o in zip(flat.units(), flat.origins):
        w, h = sizes.get(o.page, (None, None))
        if o.box is None or not w or not h:
            continue
        x0, y0, x1, y1 = o.box
        box = tuple(max(0, min(1000, int(round(v)))) for v in (x0 / w * 1000, y0 / h * 1000, x1 / w * 1000, y1 / h * 1000))
        boxes[a:b] = [box] * (b - a)
    return boxes


def windows(n: int, size: int = 256, stride: int = 192) -> list[tuple[int, int]]:
    """Overlapping ``(start, end)`` windows covering ``range(n)``; the last one ends at ``n``."""
    if n <= size:
        return [(0, n)]
    out = [(s, s + size) for s in range(0, n - size, stride)]
    out.append((max(0, n - size), n) if out[-1][1] < n else out[-1])
    return list(dict.fromkeys(out))
