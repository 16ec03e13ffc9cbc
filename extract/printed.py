"""Printed lines back to the lines of the text that was printed: wrapped lines joined, blank lines
restored.

A report that circulates as plain text (a crawl, a copy-paste) and is then printed or saved as a
PDF, and perhaps scanned, comes back as one segment per printed line. Two things of its text are
lost on the way, and the table parser needs both:

- a long line wraps at the right margin, so a number, a row label or a section heading is cut in
  two (``一、总体情`` / ``况``, ``00`` / ``0``): a line that runs to the right edge of the page's
  text, followed by one that starts at its left edge, is one line of the text;
- a blank line (one cell per line, an extra blank line for an empty cell) is only a wider gap:
  a gap of k line pitches holds k − 1 blank lines.

Both run on a Document's body segments (text-layer and OCR'd pages alike), after furniture is
marked; tables and furniture are left alone.

Example:
    >>> from extract.document import Page, Segment
    >>> seg = lambda t, x0, y, x1: Segment(t, page=1, box=(x0, y, x1, y + 10))
    >>> lines = [seg("一、总体", 60, 100, 300), seg("情况", 60, 116, 80), seg("规章", 60, 132, 80),
    ...          seg("3", 60, 164, 66), seg("正文", 60, 180, 80)]
    >>> page = Page(number=1, width=360, height=500, segments=lines)
    >>> join_wrapped([page])
    >>> [s.text for s in page.segments]
    ['一、总体情况', '规章', '3', '正文']
    >>> cells = [seg(t, 60, 100 + 16 * i, 80) for i, t in enumerate("规章 3 0  0 行政许可 5 0 9 2 1 4 6".split(" ")) if t]
    >>> page = Page(number=1, width=360, height=500, segments=cells)
    >>> blank_lines([page], pitch=16)           # the blank line where an empty cell was: a gap of two pitches
    >>> [s.text for s in page.segments][:6]
    ['规章', '3', '0', '', '0', '行政许可']
"""
from __future__ import annotations

import re
import statistics
from typing import Sequence

from .document import Page, Segment

OPENS_ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[、.．]|[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}\s*、)")
"""A line opening with an item or heading number starts a line of its own, even after a full one."""


def _body(page: Page) -> list[Segment]:
    return [s for s in page.segments if s.role == "body" and s.box and s.text.strip()]


def _apart(page: Page, a: Segment, b: Segment) -> bool:
    """Whether a table stands between two lines of a page."""
    return any(t.box and a.box[1] < t.box[1] < b.box[1] for t in page.tables)


def _line_height(segs: Sequence[Segment]) -> float:
    return statistics.median(s.box[3] - s.box[1] for s in segs)


def _measured(page: Page, at_least: int) -> tuple[list[Segment], float, float] | None:
    """A page's body lines, their height (one character's) and their left edge; None under ``at_least`` lines."""
    body = _body(page)
    if len(body) < at_least:
        return None
    return body, _line_height(body), min(s.box[0] for s in body)


def join_wrapped(pages: Sequence[Page]) -> None:
    """Join each body line that reaches the right edge of its page's text to the next line when
    that starts at the left edge (and opens no item or heading number): a line the printer wrapped.

    The edges are the page's widest lines' (the margins), within one character; a page with fewer
    than four lines is left as it is.
    """
    for page in pages:
        if not (m := _measured(page, 4)):
            continue
        body, ch, left = m
        right = max(s.box[2] for s in body)
        if right - left < 15 * ch:  # a narrow column of text: nothing wraps at a margin there
            continue
        gone: set[int] = set()
        head, last = body[0], body[0].box  # the line being built, and the printed line it ends with
        for b in body[1:]:
            full = last[2] >= right - 1.0 * ch
            below = 0 < b.box[1] - last[1] <= 3 * ch
            if (full and below and b.box[0] <= left + 0.5 * ch and not OPENS_ITEM.match(b.text)
                    and not _apart(page, head, b)):
                head.text = head.text.rstrip() + b.text.lstrip()
                head.box = (min(head.box[0], b.box[0]), head.box[1], max(head.box[2], b.box[2]), b.box[3])
                head.confidence = min(head.confidence, b.confidence)
                gone.add(id(b))
            else:
                head = b
            last = b.box
        if gone:
            page.segments = [s for s in page.segments if id(s) not in gone]


def line_pitch(pages: Sequence[Page]) -> float | None:
    """The document's line pitch: the lower tenth of the distances from one body line to the next
    (most lines of a report follow each other at one pitch, the wrapped lines of its paragraphs
    among them, so take it before :func:`join_wrapped`). A pitch of 2.6 character heights or more
    is a text printed with a blank line after every line: half of it. None under ten distances.
    """
    steps, heights = [], []
    for page in pages:
        body = sorted(_body(page), key=lambda s: s.box[1])
        if len(body) >= 2:
            ch = _line_height(body)
            heights.append(ch)
            steps += [b.box[1] - a.box[1] for a, b in zip(body, body[1:]) if b.box[1] - a.box[1] > 0.8 * ch]
    if len(steps) < 10:
        return None
    steps.sort()
    pitch = steps[len(steps) // 10]
    return pitch / 2 if pitch >= 2.6 * statistics.median(heights) else pitch


def blank_lines(pages: Sequence[Page], pitch: float | None, height: float | None = None,
                min_pitches: float = 1.75) -> None:
    """Restore the blank lines of printed text: where the next body line stands k ≥ ``min_pitches``
    line pitches below the last printed line of the one before (``height``, one printed line's, tells
    where that starts: lines joined by :func:`join_wrapped` span several), k − 1 empty segments
    (paragraph spacing of a word processor stays under ``min_pitches``). Without a ``pitch``, nothing.
    """
    if not pitch:
        return
    for page in pages:
        body = sorted(_body(page), key=lambda s: s.box[1])
        if len(body) < 2:
            continue
        ch = height or _line_height(body)
        blanks: dict[int, int] = {}
        for a, b in zip(body, body[1:]):
            k = (b.box[1] - (a.box[3] - ch)) / pitch  # from the top of a's last printed line
            if k >= min_pitches and not _apart(page, a, b):
                blanks[id(b)] = round(k) - 1
        if not blanks:
            continue
        out: list[Segment] = []
        for s in page.segments:
            x, y = s.box[0] if s.box else 0.0, s.box[1] if s.box else 0.0
            out += [Segment("", order=s.order, page=s.page, box=(x, y, x, y)) for _ in range(blanks.get(id(s), 0))]
            out.append(s)
        page.segments = out
    _renumber(pages)


def _renumber(pages: Sequence[Page]) -> None:
    """Consecutive reading-order numbers again, the blank lines just before the line they precede."""
    n = 0
    for page in pages:
        for block in page.blocks():  # a stable sort: a blank line stays before the line after it
            block.order = n
            n += 1


_ZERO_PIPE = re.compile(r"^0\s*[1lI]$")


def misread_pipes(pages: Sequence[Page]) -> int:
    """On OCR'd pages of a text whose lines end with its cell separator ``|`` (a fifth of its lines
    or more, ten at least), a line read ``01`` is ``0|``: OCR took the bar for a 1 (no number is
    printed with a leading zero). Returns how many lines were mended.

    >>> from extract.document import Page, Segment
    >>> page = Page(number=1, segments=[Segment(t) for t in ["规章|", "0|"] * 5 + ["01", "行政许可|"]], ocr=True)
    >>> misread_pipes([page]), [s.text for s in page.segments][-2:]
    (1, ['0|', '行政许可|'])
    """
    lines = [s for p in pages if p.ocr for s in p.segments if s.role == "body" and s.text.strip()]
    piped = sum(s.text.rstrip().endswith("|") for s in lines)
    if piped < 10 or piped < 0.2 * len(lines):
        return 0
    mended = 0
    for s in lines:
        if _ZERO_PIPE.match(s.text.strip()):
            s.text, mended = "0|", mended + 1
    return mended


INDENTED_SHARE = 0.05
"""A typeset document indents the first line of its paragraphs by two characters (16–35 % of the
body lines of the dev set's real PDFs and of rendered Word and browser PDFs); text printed as it is,
none. Under this share of indented lines, a document is printed text."""


def printed_text(pages: Sequence[Page]) -> bool:
    """Whether a document is a text printed as it is: (almost) no body line starts two characters
    in from its page's left edge. A typeset report's lines stay as its typesetter set them: joining
    its paragraphs' lines would only change what the token classifier was trained on.

    >>> from extract.document import Page, Segment
    >>> seg = lambda x: Segment("某某某", page=1, box=(x, 0, x + 30, 10))
    >>> printed_text([Page(number=1, segments=[seg(60), seg(60), seg(60), seg(60)])])
    True
    >>> printed_text([Page(number=1, segments=[seg(80), seg(60), seg(60), seg(80)])])   # indented by 2 characters
    False
    """
    n = indented = 0
    for page in pages:
        if not (m := _measured(page, 3)):
            continue
        body, ch, left = m
        n += len(body)
        indented += sum(1.4 * ch <= s.box[0] - left <= 2.6 * ch for s in body)
    return n > 0 and indented < INDENTED_SHARE * n


def restore_text_lines(pages: Sequence[Page]) -> None:
    """For a :func:`printed_text`: :func:`misread_pipes`, then :func:`join_wrapped` and
    :func:`blank_lines` at the document's :func:`line_pitch`. A typeset document is left as it is."""
    if not printed_text(pages):
        return
    misread_pipes(pages)
    pitch = line_pitch(pages)
    heights = [s.box[3] - s.box[1] for p in pages for s in _body(p)]
    join_wrapped(pages)
    blank_lines(pages, pitch, statistics.median(heights) if heights else None)
