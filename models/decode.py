"""From per-character label probabilities to consistent spans (a CRF-style Viterbi decode).

The classifier scores every character alone; a span's characters then sometimes disagree
(one character of a narrative line read as a row header). Decoding fixes that the way a CRF
layer would, with transitions set by the label scheme instead of learned: whitespace and
markers are always ``O``, and inside a run of characters changing class costs
``switch_cost`` nats, so a class changes mid-run only where the evidence for it is
consistent (an inline sub-heading followed by its text, values glued to a row label).

Example:
    >>> import numpy as np
    >>> from models.labels import LABELS
    >>> p = np.full((4, len(LABELS)), 0.01)
    >>> p[:, LABELS.index("I-TXT")] = [0.9, 0.4, 0.9, 0.9]
    >>> p[1, LABELS.index("I-ROW")] = 0.55
    >>> decode_classes("正文正文", p, LABELS)
    ['TXT', 'TXT', 'TXT', 'TXT']
"""
from __future__ import annotations

import numpy as np

from .labels import BREAKS, CLASSES

_NAMES = ["O", *CLASSES]
SWITCH_COST, SOFT_COST = 8.0, 8.0
"""Nats a class change inside a run of characters costs (chosen on held-out *training*-template data)."""


def class_probs(probs: np.ndarray, labels: list[str]) -> np.ndarray:
    """BIO label probabilities summed per class: shape (n, 1 + len(CLASSES)), column 0 is ``O``."""
    out = np.zeros((probs.shape[0], len(_NAMES)), dtype=np.float64)
    for j, lab in enumerate(labels):
        out[:, _NAMES.index(lab[2:] if lab != "O" else "O")] += probs[:, j]
    return out


_SOFT_AFTER = frozenset("。:：;；)）】]")


def _soft(prev: str, ch: str) -> bool:
    """A place inside a run where a class may change cheaply: digits meet text, or after 。：）."""
    return prev in _SOFT_AFTER or (prev.isdigit() != ch.isdigit() and prev not in ".-" and ch not in ".-%")


def decode_classes(text: str, probs: np.ndarray, labels: list[str], switch_cost: float = SWITCH_COST,
                   soft_cost: float = SOFT_COST) -> list[str]:
    """The best class sequence under per-character scores and the switch penalty (``soft_cost``
    where digits meet text or after 。：）, where glued text changes class)."""
    cp = np.log(np.clip(class_probs(probs, labels), 1e-9, None))
    k = len(_NAMES)
    trans = np.full((k, k), -switch_cost)
    np.fill_diagonal(trans, 0.0)
    out = ["O"] * len(text)
    i, n = 0, len(text)
    while i < n:
        if text[i] in BREAKS:
            i += 1
            continue
        j = i
        while j < n and text[j] not in BREAKS:
            j += 1
        score = cp[i, 1:].copy()  # a run's characters are never O
        back = []
        hard = trans[1:, 1:]
        soft = hard * (soft_cost / switch_cost) if switch_cost else hard
        for p in range(i + 1, j):
            cand = score[:, None] + (soft if _soft(text[p - 1], text[p]) else hard)
            arg = cand.argmax(0)
            back.append(arg)
            score = cand[arg, np.arange(k - 1)] + cp[p, 1:]
        best = int(score.argmax())
        path = [best]
        for arg in reversed(back):
            best = int(arg[best])
            path.append(best)
        path.reverse()
        out[i:j] = [_NAMES[1 + c] for c in path]
        i = j
    return out
