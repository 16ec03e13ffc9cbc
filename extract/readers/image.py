"""Scanned reports as images: PNG, JPEG, TIFF (a multi-page TIFF is several pages), through OCR.

Every frame is checked before it is decoded: an image of more than :data:`MAX_PIXELS`
pixels (a decompression bomb: a few KiB of PNG can claim 20000×20000) is refused with a
:class:`~extract.errors.ReadError`, as is a corrupt or truncated file. Frames are turned
upright by their EXIF orientation, scaled towards 300 dpi as a PDF's scanned pages are (scans under
:data:`ENLARGE_BELOW` dpi are enlarged up to 2×, and no frame goes past :data:`MAX_SIDE` pixels) and read by
:func:`extract.scan.ocr_page`; boxes are in the pixels of the image as stored.

Example:
    >>> doc = read_image(open("scan.png", "rb").read(), "scan.png")      # doctest: +SKIP
    >>> doc.kind, doc.pages[0].ocr, len(doc.pages[0].tables)             # doctest: +SKIP
    ('image', True, 2)
"""
from __future__ import annotations

import io
import itertools
import logging
import warnings
from typing import Iterator

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..document import Document
from ..errors import ReadError
from ..ocr import OcrBackend, default_backend
from ..printed import restore_text_lines

log = logging.getLogger(__name__)

MAX_PIXELS = 100_000_000   # per frame: an A4 page at 600 dpi is 35 megapixels
MAX_SIDE = 3000            # long side OCR works at (A4 at ~250 dpi)
TARGET_DPI = 300           # as a PDF's scanned pages are rendered (extract.readers.pdf.OCR_DPI)
ENLARGE_BELOW = 270        # frames of a lower resolution (a 150 or 200 dpi scan) are enlarged towards it
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow warns above this and refuses above twice this


def _check_size(im: Image.Image, source: str, frame: int) -> None:
    w, h = im.size
    if w <= 0 or h <= 0:
        raise ReadError(f"corrupt image {source}: frame {frame} has size {w}x{h}")
    if w * h > MAX_PIXELS:
        raise ReadError(f"image too large: frame {frame} is {w}x{h} = {w * h / 1e6:.0f} megapixels, more than the "
                        f"limit of {MAX_PIXELS / 1e6:.0f} (a decompression bomb?)")


def _rgb(im: Image.Image) -> Image.Image:
    """Any Pillow mode as 8-bit RGB, transparency on white."""
    if im.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        a = np.asarray(im, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        im = Image.fromarray(((a - lo) * (255.0 / (hi - lo or 1))).astype(np.uint8))
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, im)
    return im.convert("RGB")


def frames(data: bytes, source: str, max_pages: int = 300) -> Iterator[tuple[np.ndarray, float]]:
    """Each frame of an image file as an RGB array scaled towards :data:`TARGET_DPI` (at most
    :data:`MAX_SIDE` pixels long), and the factor it was scaled by."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)  # "Corrupt EXIF data" and the like: the pixels decide
            im = Image.open(io.BytesIO(data))
            n = getattr(im, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ReadError(f"image too large: more than {MAX_PIXELS // 1_000_000} megapixels (a decompression bomb?): {e}") from e
    except UnidentifiedImageError as e:
        raise ReadError(f"not an image Pillow can read, or a corrupt one: {source}") from e
    except (OSError, SyntaxError, ValueError) as e:
        raise ReadError(f"corrupt image {source}: {e}") from e
    if n > max_pages:
        raise ReadError(f"image has {n} pages, more than the limit of {max_pages}")
    with im:
        for i in range(n):
            try:
                im.seek(i)
                _check_size(im, source, i + 1)
                dpi = im.info.get("dpi", (0, 0))[0] or 0
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    frame = _rgb(ImageOps.exif_transpose(im))
            except ReadError:
                raise
            except Exception as e:  # Pillow raises OSError, SyntaxError, ValueError, struct.error, …
                raise ReadError(f"corrupt or truncated image {source} (page {i + 1}): {type(e).__name__}: {e}") from e
            factor = min(2.0, TARGET_DPI / dpi) if 30 <= dpi < ENLARGE_BELOW else 1.0
            factor = min(factor, MAX_SIDE / max(frame.size))
            if abs(factor - 1.0) > 0.02:
                frame = frame.resize((round(frame.width * factor), round(frame.height * factor)), Image.LANCZOS)
            else:
                factor = 1.0
            yield np.asarray(frame), factor


def read_image(data: bytes, source: str, *, backend: OcrBackend | None = None, max_pages: int = 300) -> Document:
    """OCR a PNG/JPEG/TIFF report into a Document (kind="image", every page ``ocr=True``).

    Raises ReadError for a corrupt, truncated or oversized image; OcrUnavailable when no OCR
    backend can run.
    """
    from ..scan import mark_repeated_furniture, ocr_page, renumber, scale_page

    if not data:
        raise ReadError("empty image file")
    doc, order = Document(source=source, kind="image"), itertools.count()
    for number, (pixels, factor) in enumerate(frames(data, source, max_pages), start=1):
        backend = backend or default_backend()
        page = ocr_page(pixels, number, backend, timings=doc.timings)
        if factor != 1.0:
            scale_page(page, 1 / factor)
        renumber(page, order)
        if not page.segments and not page.tables:
            doc.warnings.append(f"page {number}: no text found")
        doc.pages.append(page)
    mark_repeated_furniture(doc.pages)
    restore_text_lines(doc.pages)
    log.debug("%s: %d image pages, %d warnings", source, len(doc.pages), len(doc.warnings))
    return doc
