"""Loading the token classifier (hash-checked) and labelling a flat text with it.

The checkpoint is a transformers ``LayoutLMForTokenClassification`` folder (config with
``id2label``, ``model.safetensors``, ``vocab.txt``) plus ``SHA256SUMS``; loading refuses
files whose hash differs. Long texts run as overlapping windows whose per-character
probabilities are averaged. Two backends run the same weights: onnxruntime on the
checkpoint's ``model.onnx`` (the default when it is there: extraction then never imports
torch) and torch (CPU or CUDA; ``device="auto"`` takes a GPU when torch sees one). Loaded
once per process and reused (:func:`load_classifier` caches).

Example:
    >>> from extract.flat import FlatText
    >>> clf = load_classifier()                                   # doctest: +SKIP
    >>> labels = clf.predict(FlatText("一、总体情况\\n"))            # doctest: +SKIP
    >>> labels.classes[:2], labels.confidence[0] > 0.9            # doctest: +SKIP
    (['SEC', 'SEC'], True)
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from extract.document import Document
from extract.flat import FlatText

from .config import CHECKPOINT_FILES, DEFAULT_MODEL, MODELS_DIR, STRIDE, WINDOW
from .features import char_boxes, windows
from .decode import SWITCH_COST, class_probs, decode_classes
from .labels import CLASSES

CLASS_INDEX = {c: i for i, c in enumerate(["O", *CLASSES])}
from .vocab import CharVocab

log = logging.getLogger(__name__)


class ModelError(RuntimeError):
    """The model cannot be loaded (missing files, a hash mismatch, no torch)."""


@dataclass
class TokenLabels:
    """Per-character predictions for one flat text."""

    classes: list[str]  # "O" or a key of models.labels.CLASSES
    confidence: np.ndarray  # probability of the chosen label, per character
    model: str = ""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_sums(directory: Path, names: list[str]) -> None:
    """Write ``SHA256SUMS`` for ``names`` in ``directory`` (atomically: a temporary file, then a rename)."""
    tmp = directory / "SHA256SUMS.tmp"
    tmp.write_text("".join(f"{sha256(directory / n)}  {n}\n" for n in names))
    tmp.replace(directory / "SHA256SUMS")


def verify(directory: Path) -> None:
    """Check every file listed in ``SHA256SUMS``; raise :class:`ModelError` on a mismatch."""
    sums = directory / "SHA256SUMS"
    if not sums.exists():
        raise ModelError(f"{directory}: no SHA256SUMS beside the weights")
    for line in sums.read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        f = directory / name.strip()
        if not f.exists():
            raise ModelError(f"{directory}: {name} is missing")
        if sha256(f) != digest:
            raise ModelError(f"{f}: sha256 differs from SHA256SUMS (corrupt or edited weights)")


def resolve_device(device: str = "auto") -> str:
    """``auto`` → ``cuda`` when torch sees a GPU, else ``cpu``; ``cuda[:N]`` needs one."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError(f"device {device!r} requested but torch sees no CUDA device")
    return device


BACKENDS = ("auto", "onnx", "torch")


def _ort_providers(device: str) -> list[str] | None:
    """onnxruntime providers for ``device``, or None when onnxruntime cannot serve it."""
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    available = ort.get_available_providers()
    if device.startswith("cuda"):
        return ["CUDAExecutionProvider", "CPUExecutionProvider"] if "CUDAExecutionProvider" in available else None
    if device == "auto" and "CUDAExecutionProvider" in available:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def choose_backend(directory: Path, device: str = "auto", backend: str = "auto") -> str:
    """``onnx`` when the checkpoint has ``model.onnx`` and onnxruntime can run it on ``device``
    (a CUDA device needs onnxruntime-gpu), else ``torch``. ``NIANBAO_MODEL_BACKEND`` overrides
    ``auto``; asking for ``onnx`` where it cannot run raises :class:`ModelError`."""
    from .onnx_export import ONNX_FILE

    if backend == "auto":
        backend = os.environ.get("NIANBAO_MODEL_BACKEND", "auto")
    if backend not in BACKENDS:
        raise ModelError(f"unknown model backend {backend!r}: expected one of {', '.join(BACKENDS)}")
    onnx_ok = (directory / ONNX_FILE).exists() and _ort_providers(device) is not None
    if backend == "onnx" and not onnx_ok:
        raise ModelError(f"{directory}: no {ONNX_FILE}, or onnxruntime cannot run on {device!r} "
                         "(nianbao export-onnx DIR writes one; CUDA needs onnxruntime-gpu)")
    return "onnx" if backend == "onnx" or (backend == "auto" and onnx_ok) else "torch"


class _TorchRunner:
    """Logits from the transformers model (CPU or CUDA)."""

    def __init__(self, directory: Path, device: str):
        try:
            import torch
            from transformers import AutoModelForTokenClassification
            from transformers.utils import logging as hf_logging
        except ImportError as e:  # pragma: no cover - torch is a declared dependency
            raise ModelError(f"the token classifier needs torch and transformers ({e}); or run with --no-model")
        self.torch = torch
        self.device = resolve_device(device)
        hf_logging.disable_progress_bar()
        self.model = AutoModelForTokenClassification.from_pretrained(directory).to(self.device).eval()
        threads = os.environ.get("NIANBAO_MODEL_THREADS")
        if threads and self.device == "cpu":
            torch.set_num_threads(int(threads))

    def __call__(self, ids: np.ndarray, boxes: np.ndarray | None, mask: np.ndarray) -> np.ndarray:
        torch = self.torch
        with torch.inference_mode():
            kw = {"bbox": torch.from_numpy(boxes).to(self.device)} if boxes is not None else {}
            out = self.model(input_ids=torch.from_numpy(ids).to(self.device),
                             attention_mask=torch.from_numpy(mask).to(self.device), **kw).logits
            return torch.softmax(out.float(), -1).cpu().numpy()


_FORKED_SESSIONS: list = []


class _OnnxRunner:
    """Logits from ``model.onnx`` on onnxruntime: no torch needed. A session is made per process,
    so a worker forked from a process that already ran one gets its own."""

    def __init__(self, directory: Path, device: str):
        from .onnx_export import ONNX_FILE

        self.path = directory / ONNX_FILE
        self.providers = _ort_providers(device) or ["CPUExecutionProvider"]
        self.device = "cuda" if self.providers[0].startswith("CUDA") else "cpu"
        self._session, self._pid = None, None

    def session(self):
        if self._session is None or self._pid != os.getpid():
            import onnxruntime as ort

            if self._session is not None:  # inherited through fork: its destructor would join thread-pool
                _FORKED_SESSIONS.append(self._session)  # threads that do not exist here and hang; never free it

            opts = ort.SessionOptions()
            threads = os.environ.get("NIANBAO_MODEL_THREADS")
            if threads:
                opts.intra_op_num_threads = int(threads)
            self._session = ort.InferenceSession(str(self.path), opts, providers=self.providers)
            self._pid = os.getpid()
        return self._session

    def __call__(self, ids: np.ndarray, boxes: np.ndarray | None, mask: np.ndarray) -> np.ndarray:
        logits = self.session().run(None, {"input_ids": ids, "bbox": boxes, "attention_mask": mask})[0]
        e = np.exp(logits - logits.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)


class TokenClassifier:
    """A loaded checkpoint: ``predict(flat, doc)`` labels every character.

    ``backend``: ``onnx`` (onnxruntime, torch not imported), ``torch``, or ``auto`` (ONNX when
    the checkpoint ships ``model.onnx``; see :func:`choose_backend`).
    """

    def __init__(self, directory: str | Path, device: str = "auto", *, check: bool = True, backend: str = "auto"):
        self.dir = Path(directory)
        if not all((self.dir / f).exists() for f in CHECKPOINT_FILES):
            raise ModelError(f"{self.dir}: not a nianbao checkpoint (needs {', '.join(CHECKPOINT_FILES)})")
        if check:
            verify(self.dir)
        config = json.loads((self.dir / "config.json").read_text())
        self.backend = choose_backend(self.dir, device, backend)
        if check and self.backend == "onnx" and " model.onnx" not in (self.dir / "SHA256SUMS").read_text():
            raise ModelError(f"{self.dir}: model.onnx is not listed in SHA256SUMS (nianbao export-onnx adds it)")
        self.runner = (_OnnxRunner if self.backend == "onnx" else _TorchRunner)(self.dir, device)
        self.device = self.runner.device
        self.vocab = CharVocab.load(self.dir / "vocab.txt")
        self.id2label = {int(k): v for k, v in config["id2label"].items()}
        self.labels = [self.id2label[i] for i in range(len(self.id2label))]
        self.name = self.dir.name
        self.uses_boxes = config.get("model_type") == "layoutlm"
        # a checkpoint with fewer positions (a small BERT fine-tuned with --init-from) gets smaller windows
        self.window = min(WINDOW, config.get("max_position_embeddings", WINDOW))
        self.stride = max(1, self.window * STRIDE // WINDOW)

    def logits(self, ids: list[int], boxes: list, batch: int = 64) -> np.ndarray:
        """Averaged per-character probabilities over overlapping windows, shape (n, labels)."""
        n = len(ids)
        n_labels = len(self.id2label)
        probs = np.zeros((n, n_labels), dtype=np.float32)
        counts = np.zeros((n, 1), dtype=np.float32)
        spans = windows(n, self.window, self.stride)
        size = max(b - a for a, b in spans)
        for k in range(0, len(spans), batch):
            chunk = spans[k:k + batch]
            x = np.zeros((len(chunk), size), dtype=np.int64)
            bb = np.zeros((len(chunk), size, 4), dtype=np.int64)
            mask = np.zeros((len(chunk), size), dtype=np.int64)
            for j, (a, b) in enumerate(chunk):
                x[j, :b - a], bb[j, :b - a], mask[j, :b - a] = ids[a:b], boxes[a:b], 1
            p = self.runner(x, bb if self.uses_boxes else None, mask)
            for j, (a, b) in enumerate(chunk):
                probs[a:b] += p[j, :b - a]
                counts[a:b] += 1
        return probs / np.maximum(counts, 1)

    def predict(self, flat: FlatText, doc: Document | None = None) -> TokenLabels:
        """Label every character of ``flat`` (boxes from ``doc``'s pages when it has geometry)."""
        if not flat.text:
            return TokenLabels([], np.zeros(0, dtype=np.float32), self.name)
        probs = self.logits(self.vocab.encode(flat.text), char_boxes(flat, doc))
        classes = decode_classes(flat.text, probs, self.labels, SWITCH_COST)
        cp = class_probs(probs, self.labels)
        conf = cp[np.arange(len(classes)), [CLASS_INDEX[c] for c in classes]].astype(np.float32)
        return TokenLabels(classes, conf, self.name)


def model_dir(name: str = DEFAULT_MODEL) -> Path:
    """The folder of a shipped model, or ``name`` itself when it is a path."""
    p = Path(name)
    return p if p.is_dir() else MODELS_DIR / name


@lru_cache(maxsize=4)
def load_classifier(name: str | None = None, device: str = "auto", backend: str = "auto") -> TokenClassifier:
    """The token classifier, loaded once per process (``NIANBAO_MODEL`` names another folder,
    ``NIANBAO_MODEL_BACKEND`` picks ``onnx`` or ``torch``)."""
    name = name or os.environ.get("NIANBAO_MODEL") or DEFAULT_MODEL
    return TokenClassifier(model_dir(name), device, backend=backend)
