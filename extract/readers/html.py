"""Web-page reports (parsed with lxml): text blocks as Segments, real ``<table>``s as Tables.

Tables keep their merged cells once with their ``rowspan``/``colspan`` (``Table.grid``
expands them); a table that only holds other tables is page layout, and its content
is read through. Site chrome (navigation, breadcrumbs, footers, "扫一扫在手机打开当前页",
相关稿件) stays in the document as ``role="chrome"`` segments, out of the report.

Example:
    >>> html = "<p>二、主动公开</p><table><tr><td rowspan=2>规章</td><td>1</td></tr><tr><td>2</td></tr></table>"
    >>> doc = read_html(html.encode(), "a.html")
    >>> [(c.text, c.row, c.col, c.row_span) for c in doc.pages[0].tables[0].cells]
    [('规章', 0, 0, 2), ('1', 0, 1, 1), ('2', 1, 1, 1)]
"""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ..document import Cell, Document, Page, Segment, Table
from ..errors import ReadError
from .encoding import decode

_SKIP = {"script", "style", "noscript", "template", "head", "iframe", "svg", "select", "button", "input", "textarea"}
_BLOCK = {"p", "div", "section", "article", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
          "table", "blockquote", "pre", "header", "footer", "nav", "aside", "main", "dl", "dt", "dd", "form", "center",
          "hr", "caption", "tbody", "thead", "body"}
_CHROME_ATTR = re.compile(r"nav|menu|breadcrumb|crumb|footer|header|share|related|sidebar|toolbar|position|copyright|foot\b",
                          re.I)
_CHROME_TEXT = re.compile(r"扫一扫在手机|在手机上查看|打开当前页|相关稿件|相关链接|打印本页|关闭窗口|【打印】|【关闭】|字号[:：]?[大中小]|"
                          r"当前位置|您现在的位置|网站地图|主办单位|版权所有|ICP备|公网安备|分享到")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
MAX_SPAN = 64
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def _span(el, attr: str) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(el.get(attr, "1")).strip() or 1)))
    except ValueError:
        return 1


def _text(el) -> str:
    """All text inside an element, <br> as a space, whitespace collapsed."""
    return " ".join(" ".join(el.itertext()).split())


def _is_chrome(el) -> bool:
    if el.tag in ("nav", "footer", "header", "aside"):
        return True
    attrs = f"{el.get('id') or ''} {el.get('class') or ''}".strip()
    return bool(attrs and _CHROME_ATTR.search(attrs))


def _rows(table) -> list:
    """The table's own rows (not those of nested tables), through thead/tbody/tfoot."""
    out = []
    for child in table:
        if child.tag == "tr":
            out.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            out.extend(c for c in child if c.tag == "tr")
    return out


class _Walker:
    def __init__(self) -> None:
        self.page = Page(number=1)
        self.order = 0
        self.buf: list[str] = []

    def flush(self, role: str) -> None:
        for line in "".join(self.buf).split("\n"):
            line = " ".join(line.split())
            if line:
                r = "chrome" if role == "chrome" or _CHROME_TEXT.search(line) else "body"
                self.page.segments.append(Segment(text=line, order=self.order, role=r))
                self.order += 1
        self.buf = []

    def table(self, el) -> None:
        cells: list[Cell] = []
        taken: set[tuple[int, int]] = set()
        for r, tr in enumerate(_rows(el)):
            c = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                rs, cs = _span(td, "rowspan"), _span(td, "colspan")
                cells.append(Cell(text=_text(td), row=r, col=c, row_span=rs, col_span=cs))
                for i in range(r, r + rs):
                    for j in range(c, c + cs):
                        taken.add((i, j))
                c += cs
        n_rows = len(_rows(el))
        for cell in cells:  # a rowspan past the last row ends there, as browsers draw it
            cell.row_span = max(1, min(cell.row_span, n_rows - cell.row))
        if cells:
            self.page.tables.append(Table(cells=cells, order=self.order))
            self.order += 1

    def walk(self, node, role: str = "body") -> None:
        if node.text:
            self.buf.append(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else None
            if tag is None or tag in _SKIP:  # comments, processing instructions, scripts
                pass
            else:
                sub = "chrome" if role == "chrome" or _is_chrome(child) else role
                if tag == "table" and sub == "body" and next(child.iterdescendants("table"), None) is None:
                    self.flush(role)
                    self.table(child)
                elif tag == "br":
                    self.buf.append("\n")
                elif tag in _BLOCK or sub != role:
                    self.flush(role)
                    self.walk(child, sub)
                    self.flush(sub)
                else:
                    self.walk(child, sub)
            if child.tail:
                self.buf.append(child.tail)


def read_html(data: bytes, source: str) -> Document:
    """Parse an HTML page into a one-page Document of text segments and tables."""
    m = _META_CHARSET.search(data[:4096])
    text, encoding = decode(data, hint=m.group(1).decode("ascii", "ignore").lower() if m else None)
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        raise ReadError("HTML page has no text")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:  # lxml failures on pathological markup
        raise ReadError(f"HTML could not be parsed: {e}") from None
    w = _Walker()
    body = root.find("body")
    w.walk(body if body is not None else root)
    w.flush("body")
    if not w.page.segments and not w.page.tables:
        raise ReadError("HTML page has no text")
    title = root.find(".//title")
    return Document(source=source, kind="html", pages=[w.page], encoding=encoding,
                    title=(_text(title) or None) if title is not None else None)
