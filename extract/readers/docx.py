"""Word reports (.docx, opened with python-docx): paragraphs as Segments, Word tables as Tables.

The body is read in document order (paragraphs and tables interleaved as they appear,
through content controls), one Segment per paragraph line with its runs joined. Word
tables keep their merged cells once, at their top-left, with ``row_span``/``col_span``:
the reader walks ``w:tr``/``w:tc`` itself (python-docx's ``table.cell(r, c)`` grid would
repeat a merged cell at every position it covers), counts grid columns with ``gridSpan``
and ``gridBefore``, and turns each ``vMerge`` continuation into the ``row_span`` of the
cell it continues. A table that holds other tables is page layout: its content is read
through. Automatic list numbering (``一、`` ``(一)`` ``1.`` made by Word, not typed) is
rendered into the text, as Word prints it. Page headers and footers are ``role="furniture"``
segments, a table of contents ``role="chrome"``: both stay out of the report.

Failures are :class:`~extract.errors.ReadError` with the reason: not a zip, a zip that is
not a Word document, corrupt XML, encrypted or legacy ``.doc`` (OLE compound file), empty,
or a part too large to unpack (zip bomb).

Example:
    >>> import io, docx
    >>> d = docx.Document()
    >>> _ = d.add_paragraph("二、主动公开政府信息情况")
    >>> t = d.add_table(rows=2, cols=2)
    >>> t.cell(0, 0).merge(t.cell(1, 0)).text = "规章"
    >>> t.cell(0, 1).text, t.cell(1, 1).text = "1", "2"
    >>> buf = io.BytesIO(); d.save(buf)
    >>> doc = read_docx(buf.getvalue(), "a.docx")
    >>> doc.pages[0].segments[0].text
    '二、主动公开政府信息情况'
    >>> [(c.text, c.row, c.col, c.row_span) for c in doc.pages[0].tables[0].cells]
    [('规章', 0, 0, 2), ('1', 0, 1, 1), ('2', 1, 1, 1)]
"""
from __future__ import annotations

import email
import email.policy
import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from lxml import etree

from ..document import Cell, Document, Page, Segment, Table
from ..errors import ReadError

MAX_PART_BYTES = 200 * 2**20
"""Largest uncompressed size of one part of the package (``word/document.xml`` …) read."""
MAX_TOTAL_BYTES = 512 * 2**20
"""Largest uncompressed size of the whole package."""
MAX_SPAN = 64
_MAX_DEPTH = 2  # embedded documents (altChunk) inside embedded documents

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroenabled.main+xml",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
}
_RT_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_RT_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


P, TBL, TR, TC, R, T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
SDT, SDT_CONTENT, SDT_PR, CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("sdtPr"), _w("customXml")
ALT_CHUNK, VAL, ID = _w("altChunk"), _w("val"), f"{{{_R}}}id"
_TAB = {_w("tab"), _w("ptab")}
_BREAK = {_w("br"), _w("cr")}
_INLINE_WRAPPERS = {_w("hyperlink"), _w("ins"), _w("smartTag"), CUSTOM_XML, _w("fldSimple"), _w("moveTo"),
                    _w("dir"), _w("bdo")}
_FALSE = {"0", "false", "off"}


def _val(el, tag: str, default: str | None = None) -> str | None:
    """``w:val`` of the child ``tag`` of ``el`` (``default`` when there is none)."""
    if el is None:
        return default
    ch = el.find(_w(tag))
    if ch is None:
        return default
    v = ch.get(VAL)
    return default if v is None else v


def _int(s: str | None, default: int, lo: int = 0, hi: int = MAX_SPAN) -> int:
    try:
        return max(lo, min(hi, int(str(s).strip())))
    except (TypeError, ValueError):
        return default


def _through(el, tag: str):
    """Children ``tag`` of ``el``, looking through content controls and custom XML wrappers."""
    for ch in el:
        if ch.tag == tag:
            yield ch
        elif ch.tag == SDT:
            content = ch.find(SDT_CONTENT)
            if content is not None:
                yield from _through(content, tag)
        elif ch.tag == CUSTOM_XML:
            yield from _through(ch, tag)


# ------------------------------------------------------------------ list numbering
_CN = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _cn_count(n: int, digits: str = _CN, units: str = " 十百千", short_teens: bool = True, zero: str = "零") -> str:
    """1 → 一, 10 → 十, 11 → 十一, 101 → 一百零一 (Word's ``chineseCounting``)."""
    if n <= 0 or n >= 10000:
        return str(n)
    out, gap, s = [], False, str(n)
    for i, ch in enumerate(s):
        d, pos = int(ch), len(s) - 1 - i
        if d == 0:
            gap = True
            continue
        if gap and out:
            out.append(zero)
        gap = False
        out.append(digits[d] + units[pos].strip())
    text = "".join(out)
    return text[1:] if short_teens and 10 <= n < 20 else text


def _letters(n: int, base: str) -> str:
    return base[(n - 1) % 26] * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                 (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """A list counter as Word prints it in number format ``fmt`` (``decimal``, ``chineseCounting`` …)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting"):
        return _cn_count(n)
    if fmt in ("chineseLegalSimplified", "japaneseLegal", "ideographLegalTraditional"):
        return _cn_count(n, _CN_LEGAL, " 拾佰仟", short_teens=False)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN[int(d)] for d in str(n)) if n >= 0 else str(n)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= 12:
        return "子丑寅卯辰巳午未申酉戌亥"[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n)) if n >= 0 else str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if fmt == "upperLetter" else "abcdefghijklmnopqrstuvwxyz")
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    return str(n)


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str
    legal: bool
    suffix: str  # tab | space | nothing


def _level(lvl) -> _Level:
    return _Level(start=_int(_val(lvl, "start"), 0, 0, 10**6), fmt=_val(lvl, "numFmt", "decimal") or "decimal",
                  text=_val(lvl, "lvlText", "") or "", legal=lvl.find(_w("isLgl")) is not None and
                  (_val(lvl, "isLgl", "1") not in _FALSE), suffix=_val(lvl, "suff", "tab") or "tab")


class _Numbering:
    """Word's automatic list numbers: counters per abstract list, ``lvlText`` like ``%1、``."""

    def __init__(self, root, styles: "_Styles") -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}  # abstractNumId → numbering style it takes its levels from
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.used: set[str] = set()
        self.styles = styles
        if root is None:
            return
        for a in root.iter(_w("abstractNum")):
            aid = a.get(_w("abstractNumId"))
            self.abstract[aid] = {_int(lv.get(_w("ilvl")), 0, 0, 8): _level(lv) for lv in a.iter(_w("lvl"))}
            link = _val(a, "numStyleLink")
            if link:
                self.links[aid] = link
        for n in root.iter(_w("num")):
            starts, levels = {}, {}
            for o in n.iter(_w("lvlOverride")):
                k = _int(o.get(_w("ilvl")), 0, 0, 8)
                s = _val(o, "startOverride")
                if s is not None:
                    starts[k] = _int(s, 1, 0, 10**6)
                lv = o.find(_w("lvl"))
                if lv is not None:
                    levels[k] = _level(lv)
            self.nums[n.get(_w("numId"))] = (_val(n, "abstractNumId"), starts, levels)

    def _levels(self, num_id: str) -> tuple[str, dict[int, _Level]] | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        aid, _, over = entry
        levels = self.abstract.get(aid)
        if not levels and aid in self.links:  # a list that takes its levels from a numbering style
            linked = self.styles.num_pr(self.links[aid])
            if linked and linked[0] in self.nums and linked[0] != num_id:
                aid = self.nums[linked[0]][0]
                levels = self.abstract.get(aid)
        if not levels and not over:
            return None
        return aid, {**(levels or {}), **over}

    def label(self, num_id: str, ilvl: int) -> str:
        """The number Word prints before the paragraph (and advances the list's counters)."""
        found = self._levels(num_id)
        if found is None or ilvl not in found[1]:
            return ""
        aid, levels = found
        cnt = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.used:
            self.used.add(num_id)
            for k, s in self.nums[num_id][1].items():
                cnt[k] = s - 1
                for j in range(k + 1, 9):
                    cnt[j] = None
        cur = cnt[ilvl]
        cnt[ilvl] = levels[ilvl].start if cur is None else cur + 1
        for j in range(ilvl + 1, 9):
            cnt[j] = None
        lvl = levels[ilvl]
        if lvl.fmt in ("bullet", "none") or not lvl.text:
            return ""

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            ref = levels.get(k)
            v = cnt[k] if cnt[k] is not None else (ref.start if ref else 1)
            return format_number(v, "decimal" if lvl.legal or ref is None else ref.fmt)

        text = re.sub(r"%([1-9])", sub, lvl.text)
        return text + ("" if lvl.suffix == "nothing" else " ")


class _Styles:
    """Paragraph styles: their names (a table of contents is ``toc 1`` …) and list numbering."""

    def __init__(self, root) -> None:
        self.name: dict[str, str] = {}
        self.based_on: dict[str, str] = {}
        self.numpr: dict[str, tuple[str | None, str | None]] = {}
        self.default: str | None = None
        if root is None:
            return
        for s in root.iter(_w("style")):
            sid = s.get(_w("styleId"))
            if sid is None:
                continue
            self.name[sid] = (_val(s, "name", "") or "").lower()
            base = _val(s, "basedOn")
            if base:
                self.based_on[sid] = base
            ppr = s.find(_w("pPr"))
            np_ = ppr.find(_w("numPr")) if ppr is not None else None
            if np_ is not None:
                self.numpr[sid] = (_val(np_, "numId"), _val(np_, "ilvl"))
            if s.get(_w("type")) == "paragraph" and s.get(_w("default")) in ("1", "true", "on"):
                self.default = sid

    def num_pr(self, sid: str | None) -> tuple[str | None, str | None] | None:
        """(numId, ilvl) a style gives its paragraphs, through ``basedOn``."""
        seen = set()
        while sid and sid not in seen:
            seen.add(sid)
            if sid in self.numpr:
                return self.numpr[sid]
            sid = self.based_on.get(sid)
        return None

    def is_toc(self, sid: str | None) -> bool:
        return bool(sid) and bool(re.match(r"(toc|目录)\s*\d", self.name.get(sid, "")))


# ------------------------------------------------------------------ the walker
def _hidden(run) -> bool:
    rpr = run.find(_w("rPr"))
    if rpr is None:
        return False
    v = rpr.find(_w("vanish"))
    return v is not None and (v.get(VAL) or "1").lower() not in _FALSE


def _inline(el, out: list[str]) -> None:
    """Visible text of a paragraph's content: runs, hyperlinks, fields, insertions (not deletions)."""
    for ch in el:
        tag = ch.tag
        if tag == T:
            out.append(ch.text or "")
        elif tag == R:
            if not _hidden(ch):
                _inline(ch, out)
        elif tag in _TAB:
            out.append(" ")
        elif tag in _BREAK:
            out.append("\n")
        elif tag == _w("noBreakHyphen"):
            out.append("-")
        elif tag == SDT:
            content = ch.find(SDT_CONTENT)
            if content is not None:
                _inline(content, out)
        elif tag == _w("ruby"):
            base = ch.find(_w("rubyBase"))
            if base is not None:
                _inline(base, out)
        elif tag in _INLINE_WRAPPERS:
            _inline(ch, out)
        # pPr, rPr, w:del, w:moveFrom, w:instrText, drawings, text boxes, math: no running text here


def _is_toc_sdt(sdt) -> bool:
    pr = sdt.find(SDT_PR)
    if pr is None:
        return False
    gallery = pr.find(f"{_w('docPartObj')}/{_w('docPartGallery')}")
    return gallery is not None and "content" in (gallery.get(VAL) or "").lower()


class _Walker:
    def __init__(self, rels, styles: _Styles, numbering: _Numbering, source: str, depth: int) -> None:
        self.rels, self.styles, self.numbering = rels, styles, numbering
        self.source, self.depth = source, depth
        self.page = Page(number=1)
        self.order = 0
        self.warnings: list[str] = []

    # -- text
    def paragraph_text(self, p) -> tuple[str, str | None]:
        """The paragraph's text as printed (list number included) and its style id."""
        ppr = p.find(_w("pPr"))
        sid = _val(ppr, "pStyle") or self.styles.default
        out: list[str] = []
        _inline(p, out)
        text = "".join(out)
        num_id, ilvl = None, None
        np_ = ppr.find(_w("numPr")) if ppr is not None else None
        if np_ is not None:
            num_id, ilvl = _val(np_, "numId"), _val(np_, "ilvl")
        if num_id is None or ilvl is None:
            st = self.styles.num_pr(sid)
            if st:
                num_id, ilvl = num_id or st[0], ilvl or st[1]
        if num_id and num_id != "0":
            label = self.numbering.label(num_id, _int(ilvl, 0, 0, 8))
            if label and text.strip():
                text = label + text
        return text, sid

    def add_segment(self, text: str, role: str) -> None:
        for line in text.split("\n"):
            line = " ".join(line.split())
            if line:
                self.page.segments.append(Segment(text=line, order=self.order, role=role))
                self.order += 1

    def cell_text(self, tc) -> str:
        parts = []
        for p in _through(tc, P):  # the cell's paragraphs (through content controls; not text boxes)
            text, _ = self.paragraph_text(p)
            text = " ".join(text.split())
            if text:
                parts.append(text)
        return " ".join(parts)

    # -- blocks
    def blocks(self, parent, role: str = "body") -> None:
        for ch in parent:
            tag = ch.tag
            if tag == P:
                text, sid = self.paragraph_text(ch)
                self.add_segment(text, "chrome" if role == "body" and self.styles.is_toc(sid) else role)
            elif tag == TBL:
                if any(True for _ in ch.iterdescendants(TBL)):
                    for tr in _through(ch, TR):  # a layout table: read its content through
                        for tc in _through(tr, TC):
                            self.blocks(tc, role)
                elif role == "body":
                    self.table(ch)
                else:
                    for tr in _through(ch, TR):
                        self.add_segment(" ".join(t for tc in _through(tr, TC) if (t := self.cell_text(tc))), role)
            elif tag == SDT:
                content = ch.find(SDT_CONTENT)
                if content is not None:
                    self.blocks(content, "chrome" if role == "body" and _is_toc_sdt(ch) else role)
            elif tag == CUSTOM_XML:
                self.blocks(ch, role)
            elif tag == ALT_CHUNK:
                self.alt_chunk(ch, role)

    def table(self, tbl) -> None:
        cells: list[Cell] = []
        open_: dict[int, Cell] = {}  # grid column → a cell whose vertical merge may continue below
        r = 0
        for tr in _through(tbl, TR):
            trpr = tr.find(_w("trPr"))
            if trpr is not None and trpr.find(_w("del")) is not None:
                continue  # a row deleted with tracked changes
            col = _int(_val(trpr, "gridBefore"), 0)
            prev: Cell | None = None
            for tc in _through(tr, TC):
                tcpr = tc.find(_w("tcPr"))
                span = _int(_val(tcpr, "gridSpan"), 1, 1)
                text = self.cell_text(tc)
                vm = tcpr.find(_w("vMerge")) if tcpr is not None else None
                hm = tcpr.find(_w("hMerge")) if tcpr is not None else None
                if hm is not None and hm.get(VAL) != "restart" and prev is not None and prev.row == r \
                        and prev.col + prev.col_span == col:  # legacy horizontal merge
                    prev.col_span += span
                    prev.text = " ".join(filter(None, (prev.text, text)))
                    col += span
                    continue
                if vm is not None and vm.get(VAL) != "restart":
                    origin = open_.get(col) or next(
                        (c for c in open_.values() if c.col <= col < c.col + c.col_span), None)
                    if origin is not None:
                        origin.row_span = r - origin.row + 1
                        origin.text = " ".join(filter(None, (origin.text, text)))
                        col += span
                        prev = origin
                        continue
                cell = Cell(text=text, row=r, col=col, col_span=span)
                cells.append(cell)
                open_[col] = cell
                col += span
                prev = cell
            open_ = {c.col: c for c in open_.values() if c.row + c.row_span - 1 == r}
            r += 1
        if cells:
            self.page.tables.append(Table(cells=cells, order=self.order))
            self.order += 1

    def alt_chunk(self, el, role: str) -> None:
        """Content Word imports from another file (HTML, MHT, text, another .docx) at this place."""
        rel = self.rels.get(el.get(ID))
        if rel is None or rel.is_external:
            self.warnings.append("altChunk without an embedded part skipped")
            return
        part = rel.target_part
        ct, blob = part.content_type.lower(), part.blob
        try:
            if ct in ("message/rfc822", "application/x-mimearchive", "multipart/related"):
                msg = email.message_from_bytes(blob, policy=email.policy.compat32)
                html = next((m.get_payload(decode=True) for m in msg.walk() if m.get_content_type() == "text/html"),
                            None)
                ct, blob = "text/html", html or b""
            if "html" in ct:
                from .html import read_html
                sub = read_html(blob, self.source)
            elif ct == "text/plain":
                from .text import read_text
                sub = read_text(blob, self.source)
            elif ct.split(";")[0].strip() in _WORD_MAIN or "wordprocessingml" in ct:
                if self.depth >= _MAX_DEPTH:
                    raise ReadError("embedded documents nested too deeply")
                sub = read_docx(blob, self.source, _depth=self.depth + 1)
            else:
                self.warnings.append(f"altChunk of type {ct} skipped")
                return
        except ReadError as e:
            self.warnings.append(f"altChunk ({ct}) not read: {e}")
            return
        for _, block in sub.blocks():
            block.order = self.order
            self.order += 1
            if isinstance(block, Table):
                self.page.tables.append(block)
            else:
                if role != "body":
                    block.role = role
                block.page, block.span = 1, None
                self.page.segments.append(block)


# ------------------------------------------------------------------ opening the package
def _what_is(data: bytes) -> str | None:
    """A name for bytes that are not a zip at all (they often are a mislabelled other file)."""
    head = data[:1024].lstrip().lower()
    if head.startswith(b"%pdf"):
        return "a PDF file"
    if head.startswith(b"{\\rtf"):
        return "an RTF document (Word's rich text format)"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "an HTML page (a report saved as a web page)"
    if head.startswith(b"<?xml") and (b"w:worddocument" in head or b"pkg:package" in data[:4096].lower()):
        return "a Word XML document (Word 2003 XML or flat OPC), not a .docx package"
    return None


def _open_zip(data: bytes) -> zipfile.ZipFile:
    if data[:8] == _OLE:
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise ReadError("the Word document is encrypted (password-protected): it cannot be read without "
                            "the password")
        raise ReadError("not a .docx: this is an OLE compound file, i.e. an encrypted (password-protected) "
                        "Word document or a legacy binary .doc; save it as .docx without a password")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError) as e:
        if data[:4] == b"PK\x03\x04":
            raise ReadError(f"the .docx zip archive is truncated or corrupt ({e})") from None
        what = _what_is(data)
        raise ReadError(f"not a .docx: {what}" if what else
                        "not a .docx: the file is not a zip archive (a Word .docx is a zip package)") from None


def _check_package(zf: zipfile.ZipFile, max_part: int, max_total: int) -> None:
    infos = zf.infolist()
    names = {i.filename.lstrip("/").lower() for i in infos}
    if "[content_types].xml" not in names or not any(n.startswith("word/") for n in names):
        if "mimetype" in names and "content.xml" in names:
            kind = "an OpenDocument file (.odt/.ods), "
        elif any(n.startswith("xl/") for n in names):
            kind = "an Excel workbook (.xlsx), "
        elif any(n.startswith("ppt/") for n in names):
            kind = "a PowerPoint presentation (.pptx), "
        else:
            kind = ""
        shown = ", ".join(sorted(i.filename for i in infos)[:5]) + (" …" if len(infos) > 5 else "")
        raise ReadError(f"not a Word document: the file is {kind}a zip archive without the parts of a .docx "
                        f"([Content_Types].xml, word/document.xml); it contains {shown or 'nothing'}")
    for i in infos:
        if i.flag_bits & 0x1:
            raise ReadError(f"the .docx zip archive is encrypted (password-protected): {i.filename}")
    big = max(infos, key=lambda i: i.file_size)
    if big.file_size > max_part:  # the sizes the zip declares bound what zipfile will unpack
        raise ReadError(f"the .docx is too large to unpack: {big.filename} is {_size(big.file_size)} uncompressed, "
                        f"over the {_size(max_part)} limit (a zip bomb?)")
    total = sum(i.file_size for i in infos)
    if total > max_total:
        raise ReadError(f"the .docx is too large to unpack: {_size(total)} uncompressed, over the "
                        f"{_size(max_total)} limit (a zip bomb?)")


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n} bytes"


def _element(part):
    """The XML root of a package part (python-docx parses the part kinds it knows)."""
    el = getattr(part, "element", None)
    if el is not None:
        return el
    from docx.oxml import parse_xml
    return parse_xml(part.blob)


def _related(part, reltype: str) -> list:
    out = [rel.target_part for rid, rel in sorted(part.rels.items()) if rel.reltype == reltype and not rel.is_external]
    return sorted(out, key=lambda p: str(p.partname)) if reltype in (_RT_HEADER, _RT_FOOTER) else out


def read_docx(data: bytes, source: str, *, max_part_bytes: int = MAX_PART_BYTES,
              max_total_bytes: int = MAX_TOTAL_BYTES, _depth: int = 0) -> Document:
    """Read a Word .docx into a one-page Document of paragraph segments and tables."""
    if not data or not data.strip():
        raise ReadError("empty file")
    zf = _open_zip(data)
    with zf:
        _check_package(zf, max_part_bytes, max_total_bytes)
    import docx.opc.exceptions  # importing docx registers python-docx's part classes
    from docx.package import Package
    try:
        pkg = Package.open(io.BytesIO(data))
        try:
            main = pkg.main_document_part
        except (KeyError, ValueError):
            raise ReadError("not a Word document: the package has no main document part") from None
        if main.content_type.lower() not in _WORD_MAIN:
            raise ReadError(f"not a Word document: its main part is {main.content_type}")
        root = _element(main)
        if root.tag.startswith(f"{{{_STRICT_W}}}"):
            raise ReadError("a Strict Open XML .docx (ISO 29500 strict) is not supported: save it as a normal .docx")
        body = root.find(_w("body"))
        if body is None:
            raise ReadError("corrupt Word document: word/document.xml has no body")
        styles = _Styles(next((_element(p) for p in _related(main, _RT_STYLES)), None))
        numbering = _Numbering(next((_element(p) for p in _related(main, _RT_NUMBERING)), None), styles)
        w = _Walker(main.rels, styles, numbering, source, _depth)
        seen: set[str] = set()
        counters = {k: list(v) for k, v in numbering.counters.items()}, set(numbering.used)
        for reltype in (_RT_HEADER, _RT_FOOTER):
            for part in _related(main, reltype):
                before = len(w.page.segments)
                w.blocks(_element(part), "furniture")
                fresh = [s for s in w.page.segments[before:] if s.text not in seen]
                seen.update(s.text for s in fresh)
                w.page.segments[before:] = fresh
        numbering.counters, numbering.used = counters  # lists in headers do not count in the body
        w.blocks(body)
        title = _core_title(pkg)
    except ReadError:
        raise
    except etree.XMLSyntaxError as e:
        raise ReadError(f"corrupt XML in the Word document: {e}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:  # NotImplementedError: a
        raise ReadError(f"the .docx zip archive is corrupt ({e})") from None  # garbled compression method/version
    except RecursionError:
        raise ReadError("the Word document is nested too deeply to read") from None
    except RuntimeError as e:  # zipfile: "File ... is encrypted, password required for extraction"
        raise ReadError(f"the .docx could not be unpacked: {e}") from None
    except (docx.opc.exceptions.OpcError, KeyError, ValueError, AttributeError, TypeError, IndexError) as e:
        raise ReadError(f"broken Word package: {type(e).__name__}: {e}") from None
    page = w.page
    if not any(s.role == "body" for s in page.segments) and not page.tables:
        images = body.find(f".//{_w('drawing')}") is not None or body.find(f".//{_w('pict')}") is not None
        raise ReadError("empty Word document: no text in its body" +
                        (" (only images: a scanned document? convert it to PDF for OCR)" if images else ""))
    return Document(source=source, kind="docx", pages=[page], warnings=w.warnings, title=title)


def _core_title(pkg: object) -> str | None:
    """The title in the package's core properties (docProps/core.xml), if it has one."""
    try:
        return " ".join((pkg.core_properties.title or "").split()) or None
    except Exception:  # a missing or malformed core.xml is no reason to lose the document
        return None
