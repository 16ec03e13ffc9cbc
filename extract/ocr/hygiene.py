"""Digit hygiene: repair the usual OCR slips in a table cell that holds a number.

Only text that is *mostly digits* already is touched, so labels ("(一)予以公开", "其他")
never change. Repairs, all conservative:

* full-width digits → ASCII, thousands separators dropped (``３２`` → ``32``, ``1,234`` → ``1234``):
  lossless, so not reported as a change;
* letters that look like digits, *between or next to real digits*: O/o/〇 (and C/c/D/Q, which a
  blurred 0 turns into on poor scans) → 0, l/I/|/丨 → 1 (``1O2`` → ``102``, ``l5`` → ``15``,
  ``C0`` → ``00``), ∞ → 8 (``∞``, ``1∞``); a lone ``O``/``o``/``C``/``。``… in a number cell → ``0``;
* stray marks: leading/trailing dots, commas, underscores, quotes (``_12.`` → ``12``), spaces
  inside the digits (``1 2`` → ``12``);
* a lone ``一`` (or ``ー``, ``_``) is a printed dash (an empty cell), never the digit one → ``-``;
  so are ``—``/``－``, which become ``-`` without counting as a repair.

The caller lowers the cell's confidence when the text changed (e.g. ×0.8).

Example:
    >>> fix_number("1O2"), fix_number("３２"), fix_number("一"), fix_number("其他"), fix_number("C")
    (('102', True), ('32', False), ('-', True), ('其他', False), ('0', True))
    >>> fix_number("∞"), fix_number("1∞"), fix_number("。")
    (('8', True), ('18', True), ('0', True))
"""
from __future__ import annotations

import re
import unicodedata

_ZERO = "Oo〇оОCcDQ"   # Latin and Cyrillic o, ideographic zero; C D Q: a blurred 0 on a poor scan
_ONE = "lI|丨ǀ"
_EIGHT = "∞"  # PP-OCR reads a bold or blurred 8 as the infinity sign
_LONE_ZERO = "。"  # a small blurred 0 alone in its cell
_DASHES = {"—", "－", "-", "–", "―"}
_DASH_LIKE = {"一", "ー", "_"}  # read where a dash was printed
_UNIT = re.compile(r"(万元|元|件|条|个|项|%)$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_STRAY = "._,，、'‘’`·:：;；"
_ZERO_RUN = re.compile(r"(?<!\S)[0Oo〇]*[Oo〇][0Oo〇]*(?!\S)")  # zeros read as letters: OO, 0O0


def _zero_run(t: str) -> bool:
    t = t.replace(" ", "")
    return len(t) > 1 and bool(_ZERO_RUN.fullmatch(t))


def _digits_share(text: str) -> float:
    core = [c for c in text if not c.isspace()]
    return sum(c.isdigit() for c in core) / len(core) if core else 0.0


def looks_numeric(text: str) -> bool:
    """True when a cell's text is a number, or a number with OCR slips (mostly digits).

    >>> looks_numeric("12"), looks_numeric("1 2."), looks_numeric("l5"), looks_numeric("5.属于")
    (True, True, True, False)
    """
    t = unicodedata.normalize("NFKC", text).strip()
    if not t:
        return False
    if t in _DASHES or t in _DASH_LIKE or t in tuple(_ZERO + _LONE_ZERO) or t in tuple(_EIGHT) or _zero_run(t):
        return True
    return _digits_share(_UNIT.sub("", t)) >= 0.5


def fix_number(text: str) -> tuple[str, bool]:
    """The repaired text of a number cell and whether anything changed.

    >>> fix_number("l5"), fix_number("1,234"), fix_number(" 7 "), fix_number("12.5万元"), fix_number("0 OO")
    (('15', True), ('1234', False), ('7', False), ('12.5万元', False), ('000', True))
    """
    stripped = text.strip()
    if _zero_run(stripped):  # "OOOOOO": six zeros read as letters
        return "0" * len(stripped.replace(" ", "")), True
    if not looks_numeric(stripped):
        return text, False
    if stripped in _DASHES or stripped in _DASH_LIKE:
        return "-", stripped in _DASH_LIKE
    if stripped in tuple(_ZERO + _LONE_ZERO):
        return "0", True
    if stripped in tuple(_EIGHT):
        return "8", True
    t = unicodedata.normalize("NFKC", stripped)
    t = re.sub(r"(?<=\d),(?=\d{3}(?:\D|$))", "", t)  # thousands separators: lossless, not a repair
    before = t
    m = _UNIT.search(t)
    unit = m.group(1) if m else ""
    core = t[: len(t) - len(unit)].strip()
    sign = "-" if core.startswith("-") and len(core) > 1 else ""
    core = core[len(sign):]
    core = re.sub(r"(?<=\d)\s+(?=\d)", "", core)                 # a gap inside the digits
    core = core.strip(_STRAY + " ")
    # look-alike letters only where they touch a digit (so "l5" but not a stray word)
    for _ in range(2):
        core = re.sub(rf"(?<=\d)[{_ZERO}]|[{_ZERO}](?=\d)", "0", core)
        core = re.sub(rf"(?<=\d)[{re.escape(_ONE)}]|[{re.escape(_ONE)}](?=\d)", "1", core)
        core = re.sub(rf"(?<=\d)[{_EIGHT}]|[{_EIGHT}](?=\d)", "8", core)
    fixed = sign + core + unit
    if not _NUMBER.match(sign + core):
        return text, False  # still not a number: leave the text as the OCR read it
    return fixed, fixed != before


def fix_zero_runs(text: str) -> str:
    """Zeros OCR read as letters in a line of text outside any table grid (a printed text's row
    ``0 OO OOOOOO``): a word made of nothing but ``O``/``o``/``〇`` and ``0`` is zeros when it is
    two characters or more, or when the line holds a number. Words with other letters or digits
    (``OA``, ``O2O``) and letters glued to other text stay.

    >>> fix_zero_runs("0 OO OOOOOO"), fix_zero_runs("行政复议 O 0"), fix_zero_runs("O2O 模式 O")
    ('0 00 000000', '行政复议 0 0', 'O2O 模式 O')
    """
    has_number = bool(re.search(r"(?<!\S)\d+(?!\S)", text))
    return _ZERO_RUN.sub(lambda m: "0" * len(m.group()) if len(m.group()) > 1 or has_number else m.group(), text)
