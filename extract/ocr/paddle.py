"""The PaddleOCR backend, for users who have PaddleOCR and its models: nothing is downloaded.

Used only when the ``paddleocr`` package is installed *and* the text detection and
recognition model directories are given (exported inference models, e.g.
``PP-OCRv5_server_det`` / ``PP-OCRv5_server_rec``); the document-orientation, unwarping
and text-line-orientation models are switched off so PaddleOCR asks for no others.
Works with PaddleOCR 3.x (``predict``; per-character boxes with ``return_word_box``) and
2.x (``ocr``; character boxes then come from splitting each line's box).

Example:
    >>> PaddleBackend(det_model_dir=None, rec_model_dir=None)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    extract.ocr.OcrUnavailable: the paddleocr backend needs ...
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from . import OcrLine, OcrUnavailable, OcrWord
from .rapid import even_split

log = logging.getLogger(__name__)

HOW = ("the paddleocr backend needs `pip install paddleocr paddlepaddle` (or paddlepaddle-gpu) and the "
       "directories of a text detection and a text recognition inference model, e.g. "
       "get_backend('paddleocr', det_model_dir='models/PP-OCRv5_server_det', "
       "rec_model_dir='models/PP-OCRv5_server_rec') or NIANBAO_PADDLE_DET_DIR / NIANBAO_PADDLE_REC_DIR")


def _box(points: Any) -> tuple[float, float, float, float]:
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return (float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()), float(p[:, 1].max()))


def _get(result: Any, key: str, default: Any = None) -> Any:
    try:
        value = result[key]
    except (KeyError, TypeError, IndexError):
        value = getattr(result, key, None)
    return default if value is None else value


def lines_from_v3(result: Any) -> list[OcrLine]:
    """One PaddleOCR 3.x page result (``rec_texts``, ``rec_scores``, ``rec_polys``, and with
    ``return_word_box`` also ``text_word`` / ``text_word_region``) → OcrLines."""
    texts, scores = list(_get(result, "rec_texts", [])), list(_get(result, "rec_scores", []))
    polys = list(_get(result, "rec_polys", None) if _get(result, "rec_polys") is not None else _get(result, "dt_polys", []))
    words, regions = list(_get(result, "text_word", [])), list(_get(result, "text_word_region", []))
    out = []
    for i, (text, score, poly) in enumerate(zip(texts, scores, polys)):
        if not str(text).strip():
            continue
        box, score = _box(poly), float(score)
        ws = []
        if i < len(words) and i < len(regions) and len(words[i]) == len(regions[i]):
            ws = [OcrWord(str(t), _box(r), score) for t, r in zip(words[i], regions[i]) if str(t).strip()]
        out.append(OcrLine(str(text), box, score, ws or even_split(str(text), box, score)))
    return out


def lines_from_v2(result: Any) -> list[OcrLine]:
    """PaddleOCR 2.x ``ocr()`` output (``[[points, (text, score)], ...]`` per page) → OcrLines."""
    page = result[0] if result and isinstance(result[0], list) and result[0] and isinstance(result[0][0], list) \
        and len(result[0][0]) == 2 and isinstance(result[0][0][1], tuple) else result
    out = []
    for item in page or []:
        points, (text, score) = item[0], item[1]
        if str(text).strip():
            box = _box(points)
            out.append(OcrLine(str(text), box, float(score), even_split(str(text), box, float(score))))
    return out


class PaddleBackend:
    """PaddleOCR with user-supplied detection and recognition model directories.

    Args:
        det_model_dir, rec_model_dir: exported inference model directories (required).
        det_model_name, rec_model_name: the models' names when PaddleOCR cannot tell them
            from the directories (3.x), e.g. ``"PP-OCRv5_server_det"``.
        device: ``"cpu"`` or ``"gpu"``/``"cuda"``.
    """

    name = "paddleocr"

    def __init__(self, *, det_model_dir: str | os.PathLike | None = None, rec_model_dir: str | os.PathLike | None = None,
                 det_model_name: str | None = None, rec_model_name: str | None = None, device: str = "cpu") -> None:
        if not det_model_dir or not rec_model_dir:
            raise OcrUnavailable(f"{HOW}; missing: " + ", ".join(
                n for n, v in (("det_model_dir", det_model_dir), ("rec_model_dir", rec_model_dir)) if not v))
        for label, d in (("det_model_dir", det_model_dir), ("rec_model_dir", rec_model_dir)):
            if not Path(d).is_dir():
                raise OcrUnavailable(f"paddleocr {label} {str(d)!r} is not a directory; {HOW}")
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")  # no network probe at import
        try:
            import paddleocr
        except ImportError as e:
            raise OcrUnavailable(f"paddleocr is not installed ({e}); {HOW}") from e
        version = str(getattr(paddleocr, "__version__", "3"))
        self.v3 = not version[:1].isdigit() or int(version.split(".")[0]) >= 3
        gpu = device in ("gpu", "cuda")
        if self.v3:
            kwargs: dict[str, Any] = dict(
                text_detection_model_dir=str(det_model_dir), text_recognition_model_dir=str(rec_model_dir),
                use_doc_orientation_classify=False, use_doc_unwarping=False, use_textline_orientation=False,
                device="gpu" if gpu else "cpu")
            if det_model_name:
                kwargs["text_detection_model_name"] = det_model_name
            if rec_model_name:
                kwargs["text_recognition_model_name"] = rec_model_name
        else:
            kwargs = dict(det_model_dir=str(det_model_dir), rec_model_dir=str(rec_model_dir), use_angle_cls=False,
                          use_gpu=gpu, show_log=False, lang="ch")
        try:
            self.engine = paddleocr.PaddleOCR(**kwargs)
        except Exception as e:  # wrong model dirs, missing paddlepaddle, …
            raise OcrUnavailable(f"paddleocr could not load the models: {type(e).__name__}: {e}; {HOW}") from e
        log.debug("paddleocr %s ready: det %s, rec %s", version, det_model_dir, rec_model_dir)

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        """Text lines of an (H, W, 3) uint8 RGB image; boxes in its pixels."""
        bgr = np.ascontiguousarray(image[:, :, ::-1])  # PaddleOCR takes arrays as BGR, like OpenCV
        if not self.v3:
            return lines_from_v2(self.engine.ocr(bgr, cls=False))
        try:
            results = list(self.engine.predict(bgr, return_word_box=True))
        except TypeError:  # a 3.0 release without per-character boxes
            results = list(self.engine.predict(bgr))
        return [line for res in results for line in lines_from_v3(res)]
