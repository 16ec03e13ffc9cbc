"""OCR engines on scanned tables: character error rate (CER) of rapidocr and tesseract.

**Definition.** A scan is rendered from a text-layer PDF (``training.render``), so the truth
is known cell by cell: pdfplumber ``find_tables()`` on the text-layer page gives every table
cell's rectangle and its printed text. Each OCR engine reads the scanned page image (the same
image for every engine, skewed and noisy as rendered, before nianbao's deskew). Every
recognized character is placed at its box centre, turned back by the known rendering
rotation (``image.info["rotation"]``) and scaled to PDF points, and falls into the table cell
that contains it; characters outside every table cell are ignored. A cell's OCR text is its
characters in reading order (lines top to bottom, then left to right). Both texts are NFKC
normalized with whitespace removed. Then

    CER = Σ_cells levenshtein(truth, ocr) / Σ_cells len(truth)

over all table cells of all pages (empty cells too: a character read into an empty cell is an
insertion). rapidocr gives character boxes; tesseract (``tsv`` output) gives word boxes, which
are cut into equal-width character boxes, as nianbao does for OCR lines without them.

Example:
    >>> levenshtein("行政复议", "行政夏议"), levenshtein("", "12"), levenshtein("abc", "abc")
    (1, 2, 0)
    >>> cer([("总计", "总汁"), ("0", "0"), ("", "|")])
    {'cer': 0.666667, 'errors': 2, 'chars': 3, 'cells': 3}
"""
from __future__ import annotations

import io
import logging
import math
import re
import shutil
import subprocess
import unicodedata
from typing import Any, Callable, Sequence

log = logging.getLogger(__name__)

Box = tuple[float, float, float, float]
Char = tuple[str, Box]  # a character and its box in image pixels


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions all cost 1)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def norm_text(s: str) -> str:
    """NFKC with all whitespace removed.

    >>> norm_text("（一） 予以公开\\n")
    '(一)予以公开'
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def cer(pairs: Sequence[tuple[str, str]]) -> dict:
    """CER over (truth, ocr) pairs, both normalized with :func:`norm_text`."""
    errors = chars = 0
    for truth, got in pairs:
        t, g = norm_text(truth), norm_text(got)
        errors += levenshtein(t, g)
        chars += len(t)
    return {"cer": round(errors / chars, 6) if chars else None, "errors": errors, "chars": chars, "cells": len(pairs)}


# ---------------------------------------------------------------- truth from the text layer
def truth_cells(pdf: bytes) -> list[list[tuple[Box, str]]]:
    """Per page, the table cells of a text-layer PDF: (x0, top, x1, bottom) in points, text."""
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            cells = []
            for table in page.find_tables():
                for bbox in table.cells:
                    text = page.crop(bbox).extract_text() or ""
                    cells.append((tuple(bbox), text))
            out.append(cells)
    return out


# ---------------------------------------------------------------- engines
def rapid_chars(image: Any) -> list[Char]:
    """rapidocr (nianbao's own backend, PP-OCRv6) characters with boxes on an RGB PIL image."""
    import numpy as np

    from extract.ocr import default_backend

    lines = default_backend().recognize(np.asarray(image.convert("RGB")))
    return [(w.text, tuple(w.box)) for line in lines for w in line.words]


def tesseract_available(lang: str = "chi_sim") -> str | None:
    """``None`` when the ``tesseract`` binary with ``lang`` is installed, else why not.

    >>> tesseract_available("no_such_lang") is not None
    True
    """
    exe = shutil.which("tesseract")
    if exe is None:
        return "tesseract not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError) as e:
        return f"tesseract does not run: {e}"
    return None if lang in langs else f"tesseract has no {lang} language data (apt-get install tesseract-ocr-chi-sim)"


def parse_tsv(tsv: str) -> list[Char]:
    """Characters from tesseract ``tsv`` output: each word's box cut into equal-width parts.

    >>> parse_tsv("level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n"
    ...           "5\\t1\\t1\\t1\\t1\\t1\\t10\\t20\\t40\\t10\\t91\\t总计\\n")
    [('总', (10.0, 20.0, 30.0, 30.0)), ('计', (30.0, 20.0, 50.0, 30.0))]
    """
    rows = tsv.splitlines()
    if not rows:
        return []
    head = rows[0].split("\t")
    col = {name: i for i, name in enumerate(head)}
    out: list[Char] = []
    for line in rows[1:]:
        f = line.split("\t")
        if len(f) < len(head) or f[col["level"]] != "5":
            continue
        text = "".join(f[col["text"]].split())
        if not text:
            continue
        x, y, w, h = (float(f[col[k]]) for k in ("left", "top", "width", "height"))
        step = w / len(text)
        out += [(ch, (x + i * step, y, x + (i + 1) * step, y + h)) for i, ch in enumerate(text)]
    return out


def tesseract_chars(image: Any, *, lang: str = "chi_sim", timeout: float = 300) -> list[Char]:
    """tesseract (the binary, via subprocess) characters with boxes on an RGB PIL image."""
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "PNG")
    dpi = int(round((image.info.get("dpi") or (200, 200))[0]))
    res = subprocess.run(["tesseract", "stdin", "stdout", "-l", lang, "--dpi", str(dpi), "tsv"],
                         input=buf.getvalue(), capture_output=True, timeout=timeout)
    if res.returncode != 0:
        raise RuntimeError(f"tesseract failed: {res.stderr.decode(errors='replace')[-300:]}")
    return parse_tsv(res.stdout.decode("utf-8", errors="replace"))


ENGINES: dict[str, Callable[[Any], list[Char]]] = {"rapidocr": rapid_chars, "tesseract": tesseract_chars}


# ---------------------------------------------------------------- chars into cells
def unrotate(x: float, y: float, angle: float, size: tuple[int, int]) -> tuple[float, float]:
    """A point of an image rotated by ``angle`` degrees about its centre (counter-clockwise for
    ``angle > 0``, as ``training.render.render_scan`` turns pages) back to the unrotated image.

    >>> [round(v, 6) for v in unrotate(*unrotate(30, 40, 1.2, (100, 200)), -1.2, (100, 200))]
    [30.0, 40.0]
    """
    cx, cy = size[0] / 2, size[1] / 2
    t = math.radians(angle)
    dx, dy = x - cx, y - cy
    # image y points down: a counter-clockwise turn on screen is (dx, dy) -> (dx cos + dy sin, -dx sin + dy cos);
    # undoing it applies the opposite turn
    return cx + dx * math.cos(t) - dy * math.sin(t), cy + dx * math.sin(t) + dy * math.cos(t)


def _reading_order(chars: list[tuple[float, float, float, str]]) -> str:
    """(y_centre, x_centre, height, ch) -> text: lines by y (within half a height), then x."""
    lines: list[list[tuple[float, float, float, str]]] = []
    for c in sorted(chars):
        if lines and abs(c[0] - lines[-1][-1][0]) <= 0.5 * max(c[2], lines[-1][-1][2]):
            lines[-1].append(c)
        else:
            lines.append([c])
    return "".join(ch for line in lines for *_, ch in sorted(line, key=lambda c: c[1]))


def cell_pairs(cells: list[tuple[Box, str]], chars: list[Char], *, scale: float, angle: float,
               size: tuple[int, int]) -> list[tuple[str, str]]:
    """(truth, ocr) per table cell of one page. ``scale`` = pixels per PDF point."""
    got: list[list[tuple[float, float, float, str]]] = [[] for _ in cells]
    for ch, (x0, y0, x1, y1) in chars:
        x, y = unrotate((x0 + x1) / 2, (y0 + y1) / 2, angle, size)
        px, py = x / scale, y / scale
        for i, ((bx0, btop, bx1, bbottom), _) in enumerate(cells):
            if bx0 <= px <= bx1 and btop <= py <= bbottom:
                got[i].append((py, px, (y1 - y0) / scale, ch))
                break
    return [(text, _reading_order(g)) for (_, text), g in zip(cells, got)]


def page_pairs(truth: list[tuple[Box, str]], image: Any, engine: str) -> list[tuple[str, str]]:
    """(truth, ocr) per table cell of one scanned page read by ``engine``."""
    dpi = (image.info.get("dpi") or (200, 200))[0]
    return cell_pairs(truth, ENGINES[engine](image), scale=dpi / 72, angle=float(image.info.get("rotation", 0.0)),
                      size=image.size)
