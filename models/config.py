"""Model configs by name (docTR-style registry) and the shipped checkpoints with their hashes.

Example:
    >>> CONFIGS["layoutlm-char-tiny"]["num_hidden_layers"]
    3
    >>> DEFAULT_MODEL
    'nianbao-tc-v7'
"""
from __future__ import annotations

from pathlib import Path

CONFIGS: dict[str, dict] = {
    # ~1.6 M parameters: 3 layers of 128 over characters, with 2-D box embeddings (LayoutLM)
    "layoutlm-char-tiny": dict(hidden_size=128, num_hidden_layers=3, num_attention_heads=4, intermediate_size=512,
                               max_position_embeddings=512, max_2d_position_embeddings=1024,
                               hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1),
    "layoutlm-char-small": dict(hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024,
                                max_position_embeddings=512, max_2d_position_embeddings=1024,
                                hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1),
}
WINDOW, STRIDE = 256, 192
"""Characters per window and the step between windows at inference (64 characters overlap)."""

MODELS_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL = "nianbao-tc-v7"
CHECKPOINT_FILES = ("config.json", "model.safetensors", "vocab.txt")
