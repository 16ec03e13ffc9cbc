"""Attention dropout that is cheap on a CPU: BERT's dropout, with its mask drawn 16 bits at a time.

BERT zeroes a share ``p`` of the attention probabilities while training. Through torch's
``scaled_dot_product_attention`` that costs about 40 % of a fine-tuning step on this 2-core CPU:
the dropout takes SDPA off its fused kernel and draws one float from the generator per
(window, head, query, key), 16 × 4 × 256 × 256 a layer. Here the same attention is written out
(as transformers' eager attention) and the dropout mask comes from 32-bit draws split into two
16-bit numbers, a number dropping its probability when it falls under ``round(p * 65536)``: half
the generator's work, and the same dropout in distribution (rate within 1e-5 of ``p``, the kept
probabilities scaled by the inverse of the kept share). A fine-tuning step of the tiny model takes
0.34 s instead of 0.49 s. Seeded like everything else (the global torch generator).
The default recipe uses it on a CPU since nianbao-tc-v7 (its whole recipe 26.7 min; v6's, with torch's
SDPA, 23–45 min by day: README, "The token classifier"); ``--attention sdpa`` is the old way, and a
GPU always takes SDPA, whose fused kernels drop for free.

At inference (``module.training`` false) nothing is dropped; a checkpoint is saved with
``sdpa`` set again, so it loads and exports without this module.

Example:
    >>> import torch
    >>> keep, scale = keep_mask((2, 4, 8, 8), 0.1, torch.device("cpu"))
    >>> keep.shape, keep.dtype, round(scale, 4)
    (torch.Size([2, 4, 8, 8]), torch.bool, 1.1111)
"""
from __future__ import annotations

NAME = "nianbao_eager"


def keep_mask(shape, p: float, device):
    """A boolean mask keeping a share ``1 - p`` of the positions, and the scale for the kept ones."""
    import math

    import torch

    n = math.prod(shape)
    r = torch.randint(-2**31, 2**31 - 1, ((n + 1) // 2,), dtype=torch.int32, device=device).view(torch.int16)[:n]
    cut = round(p * 65536)
    return (r >= cut - 32768).view(shape), 65536 / (65536 - cut)


def attention(module, query, key, value, attention_mask, scaling: float | None = None, dropout: float = 0.0, **kwargs):
    """An ``AttentionInterface`` function: eager attention with the cheap dropout mask."""
    import torch

    scaling = query.shape[-1] ** -0.5 if scaling is None else scaling
    weights = torch.matmul(query, key.transpose(2, 3)) * scaling
    if attention_mask is not None:
        weights = weights + attention_mask
    weights = torch.softmax(weights, dim=-1)
    if dropout and module.training:
        keep, scale = keep_mask(weights.shape, dropout, weights.device)
        weights = weights * keep * scale
    return torch.matmul(weights, value).transpose(1, 2).contiguous(), None


def register() -> str:
    """Make ``NAME`` an attention implementation transformers knows; returns it."""
    from transformers import AttentionInterface

    AttentionInterface.register(NAME, attention)
    return NAME
