"""Text normalization and number parsing.

Everything a reader produces passes through :func:`normalize_text` before any label
is matched: traditional → simplified (OpenCC ``t2s``), NFKC (full-width digits,
brackets and punctuation become ASCII), and the debris that copy-paste and crawlers
leave in real reports (pinyin after characters as in ``動(dòng)``, ``0?``,
zero-width characters, spaces inside Chinese labels).

Example:
    >>> normalize_text("動(dòng)公開 ３ 件?")
    '动公开 3 件'
    >>> parse_number("251000元"), parse_number("3.5万元"), parse_number("-2")
    (251000, 3.5, -2)
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňḿ"
# pinyin in brackets right after a character (a crawler's ruby text): 動(dòng), and as OCR reads it
# with the tone mark lost or l read as 1: 对(dui), 联(1ián); without a tone, only a syllable of pinyin
_PINYIN = re.compile(rf"(?<=[{_CJK}])\((1?[a-zü{_TONE}]{{1,7}})\)")
_SYLLABLE = re.compile(r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|uai|uan|ian|iao|ai|ei|ao"
                       r"|ou|an|en|er|in|un|ia|ie|iu|ua|uo|ue|ui|a|o|e|i|u|v|ü)")

_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
# a '?' left where an unencodable character was: after a digit, CJK text or punctuation
_STRAY_Q = re.compile(rf"(?<=[0-9{_CJK}。，、；:;,.)\]》”])\?+|^\?+(?=\s|$)|(?<=\s)\?+(?=\s|$)")
_SPACE_IN_CJK = re.compile(r"(?<=[^\s0-9.\-])[ \t\u3000]+(?=[^\s0-9.\-])")
_MULTI_SPACE = re.compile(r"[ \t\u3000\xa0]{2,}")


def _ruby(m: re.Match) -> str:
    """"" for a bracketed pinyin syllable, else the text as it was (``(1)``, ``(app)`` stay)."""
    word = m.group(1)
    if any(c in _TONE for c in word):
        return ""
    return "" if _SYLLABLE.fullmatch(("l" + word[1:]) if word[0] == "1" else word) else m.group()


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # the C++ OpenCC binding; not opencc-python-reimplemented

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified (OpenCC ``t2s``).

    >>> to_simplified("政府信息公開工作年度報告")
    '政府信息公开工作年度报告'
    """
    return _t2s().convert(text) if text else text


def normalize_texts(texts: list[str]) -> list[str]:
    """:func:`normalize_text` for many strings at once (one OpenCC call: much faster).

    >>> normalize_texts(["規章", "", "３ 件"])
    ['规章', '', '3 件']
    """
    if not texts:
        return []
    joined = "\n".join(t.replace("\n", " ").replace("\r", " ") for t in texts)
    joined = unicodedata.normalize("NFKC", to_simplified(_ZERO_WIDTH.sub("", joined)))
    parts = joined.split("\n")
    if len(parts) != len(texts):  # a conversion changed the line structure: fall back
        return [normalize_text(t) for t in texts]
    return [_clean(p) for p in parts]


def _clean(text: str) -> str:
    text = _PINYIN.sub(_ruby, text)
    text = text.replace("\ufffd", "")
    text = _STRAY_Q.sub("", text)
    text = text.replace("\t", " ")
    text = _SPACE_IN_CJK.sub("", text)
    text = _MULTI_SPACE.sub(" ", text)
    return text.strip(" ")


def normalize_text(text: str, *, keep_tabs: bool = False) -> str:
    """Simplify, NFKC-normalize and clean one line or cell of report text.

    Spaces between two non-numeric characters are removed (labels are printed
    with stray spaces: ``商业 企业``); spaces next to digits are kept because in
    flattened tables they are the only cell boundary left (``0 0 0 00``).
    """
    if not text:
        return ""
    text = _ZERO_WIDTH.sub("", text.replace("\n", " ").replace("\r", " "))
    text = unicodedata.normalize("NFKC", to_simplified(text))
    text = _PINYIN.sub(_ruby, text)
    text = text.replace("\ufffd", "")
    text = _STRAY_Q.sub("", text)
    if not keep_tabs:
        text = text.replace("\t", " ")
    text = _SPACE_IN_CJK.sub("", text)
    text = _MULTI_SPACE.sub(" ", text)
    return text.strip(" ")


_NUMBER = re.compile(r"^\s*([-−]?)\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|元|件|条|个|项|%)?\s*$")


def parse_number(raw: str) -> int | float | None:
    """Parse a printed cell value: ``"251000元"`` → 251000, ``"0.5460"`` → 0.546.

    Units are dropped, the value is kept as printed (``"3.5万元"`` → 3.5); returns
    ``None`` when the text is not a single number.

    >>> parse_number("1,234"), parse_number("0.5460"), parse_number("abc")
    (1234, 0.546, None)
    """
    if raw.isascii() and raw.isdigit():
        return int(raw)
    m = _NUMBER.match(unicodedata.normalize("NFKC", raw or "").replace("?", ""))
    if not m:
        return None
    sign, digits = m.group(1), m.group(2).replace(",", "")
    value: int | float = float(digits) if "." in digits else int(digits)
    return -value if sign else value
