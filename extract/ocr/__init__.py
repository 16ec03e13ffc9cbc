"""OCR backends behind one small interface: an RGB page image in, text lines with boxes out.

A backend turns an ``(H, W, 3)`` ``uint8`` RGB image into :class:`OcrLine` objects, each
with its characters or words as :class:`OcrWord` (text, box in image pixels, confidence),
so a line that crosses a table's ruling can be split between cells. Backends import their
libraries lazily and are built once per process for each (name, options) by
:func:`get_backend`:

* ``"rapidocr"`` (default): rapidocr with the PP-OCRv6 small det/rec models bundled in its
  wheel (:mod:`extract.ocr.rapid`); nothing is downloaded.
* ``"paddleocr"``: PaddleOCR with model directories the user supplies (:mod:`extract.ocr.paddle`).

Importing this package sets ``ORT_DISABLE_TELEMETRY=1`` (unless already set): onnxruntime
1.32 otherwise writes a device id and a telemetry event database under
``~/.cache/Microsoft/DeveloperTools`` as soon as it is imported, and may try to send them.

Example:
    >>> line = OcrLine("307", (10, 5, 58, 40), 0.99, [OcrWord("3", (10, 5, 26, 40), 1.0)])
    >>> line.words[0].center
    (18.0, 22.5)
    >>> get_backend("tesseract")
    Traceback (most recent call last):
    ...
    extract.ocr.OcrUnavailable: unknown OCR backend 'tesseract': choose one of rapidocr, paddleocr
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol, runtime_checkable

from ..document import Box
from ..errors import NianbaoError

if TYPE_CHECKING:
    import numpy as np

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

log = logging.getLogger(__name__)


class OcrUnavailable(NianbaoError):
    """An OCR backend cannot be used: its library or its models are missing."""


@dataclass
class OcrWord:
    """One recognized character (or word) with its box (x0, y0, x1, y1) in image pixels."""

    text: str
    box: Box
    confidence: float

    @property
    def center(self) -> tuple[float, float]:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)


@dataclass
class OcrLine:
    """One detected text line: its text, box, the recognizer's confidence and its words."""

    text: str
    box: Box
    confidence: float
    words: list[OcrWord] = field(default_factory=list)


@runtime_checkable
class OcrBackend(Protocol):
    """What :func:`extract.scan.ocr_page` needs from an OCR engine."""

    name: str

    def recognize(self, image: "np.ndarray") -> list[OcrLine]:
        """Text lines of an ``(H, W, 3)`` uint8 RGB image, boxes in its pixels."""
        ...


def _rapid(**options: Any) -> OcrBackend:
    from .rapid import RapidBackend
    return RapidBackend(**options)


def _paddle(**options: Any) -> OcrBackend:
    from .paddle import PaddleBackend
    return PaddleBackend(**options)


BACKENDS: dict[str, Callable[..., OcrBackend]] = {"rapidocr": _rapid, "paddleocr": _paddle}
_cache: dict[tuple, OcrBackend] = {}
_lock = threading.Lock()


def _key(name: str, options: dict[str, Any]) -> tuple:
    return (name, tuple(sorted((k, repr(v)) for k, v in options.items())))


def get_backend(name: str = "rapidocr", **options: Any) -> OcrBackend:
    """The OCR backend ``name`` built with ``options``; one instance per process per (name, options).

    Options go to the backend's constructor, e.g. ``get_backend("rapidocr", threads=2, device="cpu")``.
    Raises :class:`OcrUnavailable` when the backend's library or models are missing.
    """
    if name not in BACKENDS:
        raise OcrUnavailable(f"unknown OCR backend {name!r}: choose one of {', '.join(BACKENDS)}")
    key = _key(name, options)
    with _lock:
        backend = _cache.get(key)
        if backend is None:
            backend = _cache[key] = BACKENDS[name](**options)
            log.debug("built OCR backend %s %s", name, options)
    return backend


class _Forward(logging.Handler):
    """Hands a library's WARNING+ records to one of our loggers (so the app's logging config applies)."""

    def __init__(self, target: logging.Logger, quiet: tuple[str, ...] = ()) -> None:
        super().__init__(logging.WARNING)
        self.target, self.quiet = target, quiet

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        level = logging.DEBUG if any(q in msg for q in self.quiet) else record.levelno
        self.target.log(level, "%s: %s", record.name, msg)


def adopt_library_logs(names: list[str], prefix: str, target: logging.Logger, quiet: tuple[str, ...] = ()) -> None:
    """Route the loggers of rapidocr / rapid-layout (which print coloured INFO lines to stderr
    through their own handlers) into ``target`` at WARNING and above.

    ``names`` are logger names to prepare before the library creates them (their constructors
    skip adding a stream handler to a logger that already has one); every existing logger
    whose name starts with ``prefix`` is rewired too; messages containing one of ``quiet``
    (expected ones, such as "nothing detected" on a blank page) are passed on as DEBUG.
    """
    loggers = [logging.getLogger(n) for n in names]
    loggers += [logging.getLogger(n) for n in list(logging.root.manager.loggerDict) if n.startswith(prefix)]
    for lg in loggers:
        if not any(isinstance(h, _Forward) for h in lg.handlers):
            lg.handlers = [_Forward(target, quiet)]
        lg.propagate = False


def default_backend() -> OcrBackend:
    """The backend the readers use: ``$NIANBAO_OCR_BACKEND`` (default ``rapidocr``).

    Environment: ``NIANBAO_OCR_DEVICE`` (cpu | cuda), ``NIANBAO_OCR_THREADS``; for paddleocr
    ``NIANBAO_PADDLE_DET_DIR`` and ``NIANBAO_PADDLE_REC_DIR`` (the model directories).
    """
    name = os.environ.get("NIANBAO_OCR_BACKEND", "rapidocr")
    options: dict[str, Any] = {}
    if os.environ.get("NIANBAO_OCR_DEVICE"):
        options["device"] = os.environ["NIANBAO_OCR_DEVICE"]
    if name == "paddleocr":
        options["det_model_dir"] = os.environ.get("NIANBAO_PADDLE_DET_DIR")
        options["rec_model_dir"] = os.environ.get("NIANBAO_PADDLE_REC_DIR")
    return get_backend(name, **options)


def clear_backends() -> None:
    """Forget the cached backends (tests, or to free model memory)."""
    with _lock:
        _cache.clear()


__all__ = ["OcrWord", "OcrLine", "OcrBackend", "OcrUnavailable", "get_backend", "default_backend", "clear_backends",
           "Box"]
