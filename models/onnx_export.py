"""Export a checkpoint to ONNX, so that extraction runs on onnxruntime without torch.

The graph takes ``input_ids``, ``bbox`` and ``attention_mask`` (batch and sequence length
dynamic, at most 512 positions) and returns ``logits``. It is written beside the weights
as ``model.onnx`` and added to ``SHA256SUMS``; the export is refused unless onnxruntime
reproduces torch's logits (max abs difference ≤ ``TOLERANCE``) on a random batch.

Needs torch, ``onnx`` and ``onnxscript`` (``pip install nianbao[train]``); reading the
result needs only onnxruntime. ``nianbao train`` exports at the end of its recipe;
``nianbao export-onnx DIR`` does it for any checkpoint.

Example:
    >>> path = export_onnx("models/nianbao-tc-v7")            # doctest: +SKIP
    >>> path.name                                               # doctest: +SKIP
    'model.onnx'
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

ONNX_FILE = "model.onnx"
TOLERANCE = 1e-3
"""Largest logit difference between onnxruntime and torch an export may show."""


def _sample(vocab_size: int, batch: int = 2, length: int = 256, seed: int = 0):
    import torch

    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, vocab_size, (batch, length), generator=g)
    corner = torch.randint(0, 900, (batch, length, 2), generator=g)
    boxes = torch.cat([corner, corner + torch.randint(0, 100, (batch, length, 2), generator=g)], -1)
    mask = torch.ones(batch, length, dtype=torch.long)
    mask[1:, length * 3 // 4:] = 0  # a padded window
    return ids, boxes, mask


def _strip_source_paths(path: Path) -> None:
    """Drop the exporter's per-node metadata (Python stack traces naming this checkout's files), so the
    same weights export to the same bytes wherever the repository lives."""
    import onnx

    model = onnx.load(str(path))
    for graph_nodes in [model.graph.node, *(f.node for f in model.functions)]:
        for node in graph_nodes:
            del node.metadata_props[:]
    onnx.save(model, str(path))


def export_onnx(directory: str | Path) -> Path:
    """Write ``model.onnx`` for the checkpoint in ``directory``, check it, add it to ``SHA256SUMS``."""
    import torch
    from transformers import AutoModelForTokenClassification

    from .classifier import ModelError, write_sums

    directory = Path(directory)
    model = AutoModelForTokenClassification.from_pretrained(directory).eval()
    if model.config.model_type != "layoutlm":
        raise ModelError(f"{directory}: ONNX export is for LayoutLM checkpoints (this is {model.config.model_type})")

    class Logits(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, bbox, attention_mask):
            return self.m(input_ids=input_ids, bbox=bbox, attention_mask=attention_mask).logits

    net = Logits(model).eval()
    ids, boxes, mask = _sample(model.config.vocab_size)
    batch = torch.export.Dim("batch")
    seq = torch.export.Dim("seq", max=model.config.max_position_embeddings)
    out = directory / ONNX_FILE
    tmp = out.with_suffix(".onnx.tmp")
    # the TorchScript exporter (dynamo=False) gets LayoutLM's embeddings wrong here (logits off by up
    # to 14); the dynamo exporter matches torch to 1e-5
    torch.onnx.export(net, (ids, boxes, mask), str(tmp), input_names=["input_ids", "bbox", "attention_mask"],
                      output_names=["logits"], dynamo=True, external_data=False, verbose=False,
                      dynamic_shapes={"input_ids": {0: batch, 1: seq}, "bbox": {0: batch, 1: seq},
                                      "attention_mask": {0: batch, 1: seq}})
    _strip_source_paths(tmp)
    import onnxruntime as ort

    session = ort.InferenceSession(str(tmp), providers=["CPUExecutionProvider"])
    for length in (256, 37):
        ids, boxes, mask = _sample(model.config.vocab_size, length=length, seed=length)
        with torch.inference_mode():
            ref = net(ids, boxes, mask).numpy()
        got = session.run(None, {"input_ids": ids.numpy(), "bbox": boxes.numpy(), "attention_mask": mask.numpy()})[0]
        valid = mask.numpy().astype(bool)
        diff = float(np.abs(got - ref)[valid].max())
        if diff > TOLERANCE:
            tmp.unlink()
            raise ModelError(f"{directory}: the ONNX graph differs from torch by {diff:.2g} (> {TOLERANCE})")
    tmp.replace(out)
    sums = directory / "SHA256SUMS"
    listed = [ln.split(maxsplit=1)[1].strip() for ln in sums.read_text().splitlines()] if sums.exists() else []
    write_sums(directory, [n for n in listed if n != ONNX_FILE] + [ONNX_FILE])
    log.info("%s: %.1f MB, max logit difference from torch %.1g", out, out.stat().st_size / 1e6, diff)
    return out
