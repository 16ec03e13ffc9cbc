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
_WRAP = 1000 // _CHAR_W
_CELL_ENDS = "\x1f\x1e\x1d"


def line_boxes(flat: FlatText) -> list[Box4]:
    """Boxes from positions, for characters without page geometry: each cell (the run between
    cell markers) or line gets one box, x from its first and last column, y from its line.

    A narrative line is a wide box, a heading a short one at the left, a value a narrow one
    after its row label, as on a page. A line longer than the page (``_WRAP`` columns: a whole
    report run together on one line) wraps as a browser would show it, so its characters keep
    boxes that say where they are instead of all piling up at the right margin.

    >>> b = line_boxes(FlatText("x" * 130 + "\x1f12"))
    >>> b[0], b[129], b[131]
    ((0, 0, 1000, 8), (0, 10, 40, 18), (48, 10, 64, 18))
    """
    out: list[Box4] = []
    text = flat.text
    top = col = 0  # the visual line a logical line starts on; the column within the logical line
    run: list[int] = []

    def where(c: int) -> tuple[int, int]:
        return top + c // _WRAP, c % _WRAP

    def close() -> None:
        i = 0
        while i < len(run):  # one box per visual line the run covers
            vl = where(run[i])[0]
            j = i
            while j < len(run) and where(run[j])[0] == vl:
                j += 1
            y = (vl % 100) * _LINE_H
            x0, x1 = where(run[i])[1] * _CHAR_W, (where(run[j - 1])[1] + 1) * _CHAR_W
            out.extend([(x0, y, x1, y + _LINE_H - 2)] * (j - i))
            i = j
        run.clear()

    for ch in text:
        if ch == "\n" or ch in _CELL_ENDS:
            close()
            vl, vc = where(col)
            y = (vl % 100) * _LINE_H
            out.append((vc * _CHAR_W, y, vc * _CHAR_W + _CHAR_W, y + _LINE_H - 2))
            if ch == "\n":
                top, col = vl + 1, 0
            else:
                col += 1
        else:
            run.append(col)
            col += 1
    close()
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
