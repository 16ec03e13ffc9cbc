"""Decoding bytes of unknown encoding (UTF-8, GB18030/GBK, Big5, UTF-16 with BOM).

Example:
    >>> decode("年度报告".encode("gb18030"))[0]
    '年度报告'
"""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from ..errors import ReadError

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CJK_GUESSES = ("gb18030", "big5")


def _control_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\r\n\t\f") or 0xE000 <= ord(ch) <= 0xF8FF) / len(sample)


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") / len(text)


def decode(data: bytes, hint: str | None = None) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding). Raises ReadError for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise ReadError(f"undecodable {enc} text: {e.reason} at byte {e.start}") from None
    sample = data[:65536]
    if sample.count(b"\x00") > len(sample) // 100:
        raise ReadError("binary data, not text (NUL bytes)")
    for enc in filter(None, (hint, "utf-8")):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _control_share(text) > 0.02:
            raise ReadError(f"binary data, not text (control characters in {enc})")
        return text, enc
    # Chinese legacy encodings first: charset detection on short CJK text is unreliable,
    # so take the one that decodes strictly and yields the most CJK characters.
    best: tuple[float, str, str] | None = None
    for enc in _CJK_GUESSES:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        share = _cjk_share(text)
        if best is None or share > best[0]:
            best = (share, text, enc)
    if best and best[0] > 0.2 and _control_share(best[1]) < 0.01:
        return best[1], best[2]
    match = from_bytes(data).best()
    if match is None:
        raise ReadError("binary or undecodable data: no text encoding fits")
    text = str(match)
    if _control_share(text) > 0.02:
        raise ReadError(f"binary data, not text (control characters, best guess {match.encoding})")
    return text, match.encoding
