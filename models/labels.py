"""The token classifier's labels, defined once and saved with every checkpoint (``id2label``).

Each character of a document's flat text gets one class; a span is a maximal run of one
class not broken by whitespace or a cell/line marker, tagged BIO (``B-VAL``, ``I-VAL``).

Example:
    >>> bio_tags("一、总体\\x1f12 3", ["SEC"] * 4 + ["O"] + ["VAL"] * 4)
    ['B-SEC', 'I-SEC', 'I-SEC', 'I-SEC', 'O', 'B-VAL', 'I-VAL', 'O', 'B-VAL']
    >>> ID2LABEL[LABEL2ID["B-FUR"]]
    'B-FUR'
"""
from __future__ import annotations

CLASSES: dict[str, str] = {
    "SEC": "section heading (一、总体情况 … 六、其他需要报告的事项)",
    "SUB": "sub-heading ((一)主动公开情况, 1. …)",
    "TTL": "table title band (第二十条第(一)项 …)",
    "COL": "column header cell",
    "ROW": "row header cell (row and row-group labels)",
    "VAL": "value cell (a number as printed)",
    "TXT": "body text (title, narrative, signature)",
    "FUR": "page furniture (page numbers, headers and footers, site chrome, crawler debris)",
}
LABELS: list[str] = ["O"] + [f"{p}-{c}" for c in CLASSES for p in ("B", "I")]
ID2LABEL: dict[int, str] = dict(enumerate(LABELS))
LABEL2ID: dict[str, int] = {v: k for k, v in ID2LABEL.items()}
BREAKS = frozenset(" \t\n\u3000\u00a0\x1f\x1e\x1d")
"""Characters that end a span and are always ``O``: whitespace and the flat text's markers."""


def bio_tags(text: str, classes: list[str]) -> list[str]:
    """BIO tags for per-character classes (``"O"`` or a key of :data:`CLASSES`)."""
    tags: list[str] = []
    prev = "O"
    for ch, c in zip(text, classes):
        if ch in BREAKS or c == "O":
            tags.append("O")
            prev = "O"
            continue
        tags.append(("I-" if c == prev else "B-") + c)
        prev = c
    return tags


def class_of(label: str) -> str:
    """``"B-VAL"`` → ``"VAL"``; ``"O"`` → ``"O"``."""
    return label[2:] if label != "O" else "O"
