"""DropKey: attention dropout applied to the keys before the softmax, on torch's fused attention.

BERT's attention dropout zeroes attention probabilities after the softmax. On this 2-core CPU
that costs about 40 % of a fine-tuning step: one random number per (window, head, query, key),
16 × 4 × 256 × 256 a layer, and the dropout keeps ``scaled_dot_product_attention`` off its
fused kernel. DropKey (Li et al., "DropKey for Vision Transformer", CVPR 2023) instead masks
random keys in the attention logits, so the softmax renormalises over the keys left; the mask
is an additive ``-inf`` that the fused kernel takes as it is. Here one mask is shared by a
layer's heads and drawn 16 bits at a time, and a query never loses its own key (so no row is
all ``-inf``). At inference (``module.training`` false) it is plain SDPA: the saved model and
its ONNX export are the same as a model trained with any other attention.

Example:
    >>> import torch
    >>> m = dropkey_mask(2, 8, 0.5, torch.Generator().manual_seed(0))
    >>> m.shape, bool(torch.isinf(m).any()), bool((m.diagonal(dim1=-2, dim2=-1) == 0).all())
    (torch.Size([2, 1, 8, 8]), True, True)
"""
from __future__ import annotations

NAME = "dropkey"


def dropkey_mask(batch: int, length: int, p: float, generator=None):
    """An additive (batch, 1, length, length) mask: ``-inf`` on a share ``p`` of the keys of each
    query, 0 elsewhere and on the diagonal."""
    import torch

    n = batch * length * length
    # one 32-bit draw gives two 16-bit numbers: half the random-number work of torch.rand
    r = torch.randint(-2**31, 2**31 - 1, ((n + 1) // 2,), dtype=torch.int32, generator=generator).view(torch.int16)[:n]
    drop = (r < int(-32768 + p * 65536)).view(batch, 1, length, length)
    drop.diagonal(dim1=-2, dim2=-1).zero_()
    return torch.zeros(drop.shape).masked_fill_(drop, float("-inf"))


def dropkey_attention(module, query, key, value, attention_mask, dropout: float = 0.0, **kwargs):
    """An ``AttentionInterface`` function: SDPA, with DropKey at rate ``dropout`` while training."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    if dropout and module.training and query.shape[2] == key.shape[2]:
        m = dropkey_mask(query.shape[0], query.shape[2], dropout).to(query.device, query.dtype)
        attention_mask = m if attention_mask is None else attention_mask + m
    return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=0.0, **kwargs)


def use_dropkey(model) -> None:
    """Train ``model`` (any transformers model on the attention interface) with DropKey."""
    from transformers import AttentionInterface

    AttentionInterface.register(NAME, dropkey_attention)
    model.set_attn_implementation(NAME)


def use_sdpa(model) -> None:
    """Back to torch's attention (before saving: the checkpoint must load without this module)."""
    model.set_attn_implementation("sdpa")
