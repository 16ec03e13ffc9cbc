"""The character vocabulary: one id per character, digits folded to ``0``.

Saved as a BERT-style ``vocab.txt`` (one token per line, the line number is the id), so a
local Chinese BERT checkpoint's own vocabulary loads the same way (``--init-from``). The
markers of the flat text (cell end, empty cell, maybe-empty cell, newline) get tokens of
their own. (Note for transformers 5 users: ``BertTokenizer(vocab_file=...)`` is ignored
there, pass ``vocab=``; this module needs no tokenizer at all.)

Example:
    >>> v = CharVocab.build(["一、总体情况\\x1f12\\n"], min_count=1)
    >>> v.encode("总体9\\x1f")[:3] == [v.ids["总"], v.ids["体"], v.ids["0"]]
    True
    >>> v.encode("龘")[0] == v.unk_id
    True
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterable

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MARKERS = {"\x1f": "[CELL]", "\x1e": "[EMPTY]", "\x1d": "[SOFT]", "\n": "[NL]", " ": "[SPACE]"}
_FOLD = str.maketrans({**{d: "0" for d in "123456789"}, "\t": " ", "\u3000": " ", "\u00a0": " "})


class CharVocab:
    """Character ↔ id map with BERT's special tokens first."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.ids = {t: i for i, t in enumerate(tokens)}
        self.pad_id, self.unk_id = self.ids["[PAD]"], self.ids["[UNK]"]
        self.cls_id, self.sep_id, self.mask_id = self.ids["[CLS]"], self.ids["[SEP]"], self.ids["[MASK]"]
        self._lookup = {ch: self.ids.get(tok, self.unk_id) for ch, tok in MARKERS.items()}

    def __len__(self) -> int:
        return len(self.tokens)

    @classmethod
    def build(cls, texts: Iterable[str], *, min_count: int = 2, extra: Iterable[str] = ()) -> "CharVocab":
        """A vocabulary of the characters seen at least ``min_count`` times (plus ``extra``)."""
        counts = Counter()
        for t in texts:
            counts.update(t.translate(_FOLD))
        chars = sorted({c for c, n in counts.items() if n >= min_count and c not in MARKERS} | set(extra) - set(MARKERS))
        return cls(SPECIALS + list(MARKERS.values()) + chars)

    @classmethod
    def load(cls, path: str | Path) -> "CharVocab":
        """Read a ``vocab.txt`` (ours, or a Chinese BERT's)."""
        tokens = Path(path).read_text(encoding="utf-8").split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()
        return cls(tokens)

    def save(self, path: str | Path) -> None:
        Path(path).write_text("\n".join(self.tokens) + "\n", encoding="utf-8")

    def encode(self, text: str) -> list[int]:
        """One id per character of ``text`` (same length)."""
        get, unk, lookup = self.ids.get, self.unk_id, self._lookup
        return [lookup[c] if c in lookup else get(c, unk) for c in text.translate(_FOLD)]
