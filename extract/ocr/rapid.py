"""The rapidocr backend: PP-OCRv6 small det/rec + the mobile direction classifier, all bundled.

The three ONNX models ship inside the ``rapidocr`` wheel (``rapidocr/models``); their paths
are passed explicitly, so rapidocr never resolves a model URL nor downloads anything.
Characters get their own boxes (``return_word_box`` + ``return_single_char_box``), which
is what lets :mod:`extract.scan` split a line that runs across a table ruling.

Confidences are the recognition model's own: a line's is rapidocr's rec score (mean CTC
probability), a character's its CTC probability.

Example:
    >>> backend = RapidBackend(threads=2)                           # doctest: +SKIP
    >>> [l.text for l in backend.recognize(page_rgb)][:2]           # doctest: +SKIP
    ['三、收到和处理政府信息公开申请情况', '申请人情况']
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import OcrLine, OcrUnavailable, OcrWord, adopt_library_logs

log = logging.getLogger(__name__)

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"


def models_dir() -> Path:
    """The folder of the models bundled in the installed rapidocr wheel."""
    try:
        import rapidocr
    except ImportError as e:
        raise OcrUnavailable(f"rapidocr is not installed ({e}): pip install rapidocr==3.10.0 onnxruntime") from e
    folder = Path(rapidocr.__file__).resolve().parent / "models"
    missing = [m for m in (DET_MODEL, REC_MODEL, CLS_MODEL) if not (folder / m).is_file()]
    if missing:
        raise OcrUnavailable(f"rapidocr's bundled models are missing from {folder}: {', '.join(missing)}; "
                             "reinstall rapidocr==3.10.0 (its wheel ships them)")
    return folder


def cuda_available() -> bool:
    """True when onnxruntime (the onnxruntime-gpu build) offers the CUDA execution provider."""
    import onnxruntime
    return "CUDAExecutionProvider" in onnxruntime.get_available_providers()


def _box(points: Any) -> tuple[float, float, float, float]:
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return (float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()), float(p[:, 1].max()))


def even_split(text: str, box: tuple[float, float, float, float], confidence: float) -> list[OcrWord]:
    """Character boxes for a line the recognizer gave none: its box cut in proportion to
    character widths (CJK 1, ASCII 0.5); spaces take room but get no box.

    >>> [(w.text, w.box[0]) for w in even_split("表3", (0, 0, 30, 20), 0.9)]
    [('表', 0.0), ('3', 20.0)]
    """
    widths = [0.5 if ch.isascii() else 1.0 for ch in text]
    unit = (box[2] - box[0]) / (sum(widths) or 1)
    out, x = [], float(box[0])
    for ch, w in zip(text, widths):
        if not ch.isspace():
            out.append(OcrWord(ch, (x, box[1], x + w * unit, box[3]), confidence))
        x += w * unit
    return out


def to_lines(boxes: Sequence, txts: Sequence[str], scores: Sequence[float], word_results: Sequence) -> list[OcrLine]:
    """rapidocr's parallel result tuples → OcrLines.

    rapidocr drops the word results of a line that has none, so ``word_results`` can be
    shorter than ``txts`` and out of step; a word group is taken for a line only when its
    characters spell the line's text, otherwise the line's box is split evenly.
    """
    lines, k = [], 0
    for points, text, score in zip(boxes, txts, scores):
        box = _box(points)
        words: list[OcrWord] = []
        if k < len(word_results):
            group = word_results[k]
            if "".join(w[0] for w in group).replace(" ", "") == text.replace(" ", ""):
                words = [OcrWord(w[0], _box(w[2]), float(w[1])) for w in group if w[2] is not None]
                k += 1
        lines.append(OcrLine(text, box, float(score), words or even_split(text, box, float(score))))
    return lines


class RapidBackend:
    """rapidocr with its bundled models, built once (see :func:`extract.ocr.get_backend`).

    Args:
        device: ``"cpu"`` or ``"cuda"``; cuda needs onnxruntime-gpu's CUDAExecutionProvider,
            otherwise a warning is logged and the CPU is used.
        threads: onnxruntime intra-op threads (default: ``$NIANBAO_OCR_THREADS``, else all cores).
        det_side: the detector sees the page scaled to at most this many pixels on its long
            side (an A4 page at 200 dpi is 2339 px; 1600 keeps 9-pt table text detectable
            and is ~2x faster than full size).
        use_cls: run the bundled 0/180° direction classifier on each line. Off by default:
            pages are deskewed and upright, and it turns short numbers upside down
            ("90" → "06", "6" → "9") often enough to cost table cells.
        text_score: lines the recognizer is less sure of are dropped.
        box_thresh: the detector's box score threshold (rapidocr's default 0.5 loses lone
            "0"s in sparse tables; 0.3 keeps them).
        rec_batch, rec_width: recognizer batch size and minimum input width (48-px high crops).
    """

    name = "rapidocr"

    def __init__(self, *, device: str = "cpu", threads: int | None = None, det_side: int = 1600,
                 use_cls: bool = False, text_score: float = 0.3, box_thresh: float = 0.3, rec_batch: int = 16,
                 rec_width: int = 160) -> None:
        if device not in ("cpu", "cuda"):
            raise OcrUnavailable(f"unknown device {device!r}: use 'cpu' or 'cuda'")
        folder = models_dir()
        if threads is None and os.environ.get("NIANBAO_OCR_THREADS", "").isdigit():
            threads = int(os.environ["NIANBAO_OCR_THREADS"])
        use_cuda = device == "cuda" and cuda_available()
        if device == "cuda" and not use_cuda:
            log.warning("OCR device 'cuda' requested but onnxruntime has no CUDAExecutionProvider "
                        "(install onnxruntime-gpu instead of onnxruntime); using the CPU")
        adopt_library_logs(["RapidOCR"], "rapidocr", log, quiet=("result is empty",))
        from rapidocr import RapidOCR

        params = {
            "Global.log_level": "warning",
            "Global.return_word_box": True,
            "Global.return_single_char_box": True,
            "Global.use_cls": use_cls,
            "Global.text_score": text_score,
            "Global.max_side_len": 3000,  # a 200-dpi A4 page keeps its full resolution for recognition
            "Global.model_root_dir": str(folder),
            "Det.model_path": str(folder / DET_MODEL),
            "Det.limit_type": "max",
            "Det.limit_side_len": det_side,
            "Det.box_thresh": box_thresh,
            "Rec.model_path": str(folder / REC_MODEL),
            "Rec.rec_batch_num": rec_batch,
            "Rec.rec_img_shape": [3, 48, rec_width],
            "Cls.model_path": str(folder / CLS_MODEL),
            "EngineConfig.onnxruntime.intra_op_num_threads": threads or -1,
            "EngineConfig.onnxruntime.use_cuda": use_cuda,
        }
        self.device = "cuda" if use_cuda else "cpu"
        self.engine = RapidOCR(params=params)
        adopt_library_logs([], "rapidocr", log, quiet=("result is empty",))
        log.debug("rapidocr ready: models in %s, device %s, threads %s", folder, self.device, threads or "all")

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        """Text lines of an (H, W, 3) uint8 RGB image; boxes in its pixels."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 RGB image, got {image.shape} {image.dtype}")
        res = self.engine(np.ascontiguousarray(image[:, :, ::-1]))  # rapidocr takes arrays as BGR
        if getattr(res, "txts", None) is None or getattr(res, "boxes", None) is None or not len(res.txts):
            return []
        return to_lines(res.boxes, res.txts, res.scores, res.word_results or ())
