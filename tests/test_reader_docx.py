"""Tests for extract.readers.docx: merged cells recovered exactly, body order, numbering, furniture,
bad input, and end to end on synthetic reports rendered by training.render_docx."""
from __future__ import annotations

import email.mime.multipart
import email.mime.text
import io
import random
import zipfile

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from extract.document import Segment, Table
from extract.errors import ReadError
from extract.flat import flatten
from extract.pipeline import analyze
from extract.readers.docx import MAX_PART_BYTES, format_number, read_docx
from extract.report import Report
from training.render_docx import render_docx, table_layout
from training.synth import random_report, table_rows

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# ---------------------------------------------------------------- helpers
def _save(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _with_body(xml: str, d=None) -> bytes:
    """A .docx whose body holds ``xml`` (WordprocessingML, prefix ``w:``), as Word writes it."""
    d = d or docx.Document()
    body = d.element.body
    for el in list(body):
        if not el.tag.endswith("sectPr"):
            body.remove(el)
    sect = body[-1] if len(body) else None
    frag = parse_xml(f'<w:body xmlns:w="{W_NS}" xmlns:r="{R_NS}">{xml}</w:body>')
    for el in list(frag):
        if sect is not None:
            sect.addprevious(el)
        else:
            body.append(el)
    return _save(d)


def _p(text: str, ppr: str = "") -> str:
    return f"<w:p>{ppr}<w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def _tc(text: str, tcpr: str = "") -> str:
    return f"<w:tc>{f'<w:tcPr>{tcpr}</w:tcPr>' if tcpr else ''}{_p(text) if text else '<w:p/>'}</w:tc>"


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _cells(table: Table) -> list[tuple]:
    return sorted((c.row, c.col, c.row_span, c.col_span, c.text) for c in table.cells)


def _blocks(doc) -> list:
    return [b.text if isinstance(b, Segment) else "TABLE" for _, b in doc.blocks()]


def _same(a, b) -> bool:
    return a == b or (a is not None and b is not None and abs(a - b) < 1e-6)


# ---------------------------------------------------------------- merged cells
@pytest.mark.parametrize("layout", ["2019", "2021"])
@pytest.mark.parametrize("seed", [0, 7])
def test_rendered_tables_recover_merged_cells_exactly(layout: str, seed: int) -> None:
    rep = random_report(random.Random(seed), layout)
    data = render_docx(rep, seed, layout_table=False)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'w:vMerge w:val="restart"' in xml and "w:gridSpan" in xml  # real Word merges, not repeated cells
    doc = read_docx(data, "r.docx")
    assert doc.kind == "docx" and doc.source == "r.docx" and doc.warnings == []
    tables = doc.pages[0].tables
    assert len(tables) == 3
    expected = table_layout(rep)
    for table, tid in zip(tables, ("t2", "t3", "t4")):
        assert _cells(table) == sorted((c.row, c.col, c.row_span, c.col_span, c.text) for c in expected[tid]), tid
        # read row by row (merged cells once), a table prints what the text renderings print
        assert [[c.text for c in row] for row in table.rows()] == table_rows(rep)[tid]
    t3 = {c.text: (c.row, c.col, c.row_span, c.col_span) for c in tables[1].cells}
    n_other = 3 if layout == "2021" else 1
    assert t3["申请人情况"] == (0, 3, 1, 7)
    assert t3["法人或其他组织"] == (1, 4, 1, 5)
    assert t3["自然人"] == (1, 3, 2, 1) and t3["总计"] == (1, 9, 2, 1)
    assert t3["三、本年度办理结果"] == (5, 0, 2 + 8 + 3 + 5 + n_other + 1, 1)
    assert t3["(三)不予公开"] == (7, 1, 8, 1)
    assert t3["(四)无法提供"] == (15, 1, 3, 1)
    assert t3["(五)不予处理"] == (18, 1, 5, 1)
    assert t3["(六)其他处理"] == ((23, 1, 3, 1) if layout == "2021" else (23, 1, 1, 2))
    assert t3["一、本年新收政府信息公开申请数量"] == (3, 0, 1, 3)
    assert (tables[1].n_rows, tables[1].n_cols) == (25 + n_other, 10)
    t4 = {c.text: (c.row, c.col, c.row_span, c.col_span) for c in tables[2].cells if c.row < 2}
    assert t4["行政复议"] == (0, 0, 1, 5) and t4["行政诉讼"] == (0, 5, 1, 10)
    assert t4["结果维持"] == (1, 0, 2, 1)
    assert t4["未经复议直接起诉"] == (1, 5, 1, 5) and t4["复议后起诉"] == (1, 10, 1, 5)
    assert (tables[2].n_rows, tables[2].n_cols) == (4, 15)
    assert tables[2].grid()[2][:6] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持"]


def test_word_style_merges_grid_before_after_and_wrapped_rows() -> None:
    # Word writes <w:vMerge/> without a value for a continuation (python-docx writes val="continue")
    xml = ("<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
           "<w:tr>" + _tc("A", "<w:gridSpan w:val='2'/><w:vMerge w:val='restart'/>") + _tc("B") + "</w:tr>"
           "<w:tr>" + _tc("", "<w:gridSpan w:val='2'/><w:vMerge/>") + _tc("C") + "</w:tr>"
           "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>" + _tc("D") + _tc("E", "<w:vMerge w:val='restart'/>")
           + "</w:tr>"
           "<w:tr>" + _tc("F") + _tc("G") + _tc("e2", "<w:vMerge/>") + "</w:tr>"
           "<w:tr><w:trPr><w:del w:id='1' w:author='x' w:date='2024-01-01T00:00:00Z'/></w:trPr>" + _tc("deleted")
           + _tc("row") + _tc("!") + "</w:tr>"
           "<w:sdt><w:sdtContent><w:tr><w:trPr><w:gridAfter w:val='1'/></w:trPr>" + _tc("H")
           + "<w:sdt><w:sdtContent>" + _tc("I") + "</w:sdtContent></w:sdt></w:tr></w:sdtContent></w:sdt>"
           "<w:tr>" + _tc("J", "<w:hMerge w:val='restart'/>") + _tc("j2", "<w:hMerge/>") + _tc("K") + "</w:tr>"
           "</w:tbl>")
    (table,) = read_docx(_with_body(xml), "t.docx").pages[0].tables
    assert _cells(table) == [
        (0, 0, 2, 2, "A"), (0, 2, 1, 1, "B"), (1, 2, 1, 1, "C"),
        (2, 1, 1, 1, "D"), (2, 2, 2, 1, "E e2"), (3, 0, 1, 1, "F"), (3, 1, 1, 1, "G"),
        (4, 0, 1, 1, "H"), (4, 1, 1, 1, "I"), (5, 0, 1, 2, "J j2"), (5, 2, 1, 1, "K")]
    assert table.grid()[1] == ["A", "A", "C"] and table.grid()[2] == ["", "D", "E e2"]


def test_vertical_merge_ends_where_the_continuations_stop() -> None:
    xml = ("<w:tbl>"
           "<w:tr>" + _tc("X", "<w:vMerge w:val='restart'/>") + _tc("1") + "</w:tr>"
           "<w:tr>" + _tc("", "<w:vMerge/>") + _tc("2") + "</w:tr>"
           "<w:tr>" + _tc("Y") + _tc("3") + "</w:tr>"  # a plain cell closes the merge
           "<w:tr>" + _tc("", "<w:vMerge/>") + _tc("4") + "</w:tr>"  # continues Y, though Y has no restart
           "<w:tr>" + _tc("Z", "<w:vMerge w:val='restart'/>") + _tc("5") + "</w:tr>"
           "</w:tbl>")
    (table,) = read_docx(_with_body(xml), "t.docx").pages[0].tables
    assert [(c.text, c.row, c.row_span) for c in table.cells if c.col == 0] == [("X", 0, 2), ("Y", 2, 2), ("Z", 4, 1)]
    assert table.n_rows == 5


def test_python_docx_merge_api_round_trip() -> None:
    d = docx.Document()
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(2, 0)).text = "竖"
    t.cell(0, 1).merge(t.cell(0, 3)).text = "横"
    t.cell(1, 1).merge(t.cell(2, 2)).text = "块"
    t.cell(1, 3).text, t.cell(2, 3).text = "a", "b"
    (table,) = read_docx(_save(d), "m.docx").pages[0].tables
    assert _cells(table) == [(0, 0, 3, 1, "竖"), (0, 1, 1, 3, "横"), (1, 1, 2, 2, "块"), (1, 3, 1, 1, "a"),
                             (2, 3, 1, 1, "b")]


# ---------------------------------------------------------------- body, text, furniture
def test_body_order_runs_and_invisible_text() -> None:
    xml = (_p("第一段")
           + "<w:p><w:r><w:t>二、主动</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>公开</w:t></w:r>"
             "<w:hyperlink r:id='rIdX'><w:r><w:t>政府信息</w:t></w:r></w:hyperlink>"
             "<w:del w:id='1' w:author='a' w:date='2024-01-01T00:00:00Z'><w:r><w:delText>删掉</w:delText></w:r></w:del>"
             "<w:ins w:id='2' w:author='a' w:date='2024-01-01T00:00:00Z'><w:r><w:t>情况</w:t></w:r></w:ins>"
             "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r></w:p>"
           + "<w:p/>" + _p("   ")
           + "<w:tbl><w:tr>" + _tc("规章") + _tc("3") + "</w:tr></w:tbl>"
           + "<w:p><w:r><w:t>上一行</w:t><w:br/><w:t>下一行</w:t><w:tab/><w:t>12</w:t></w:r></w:p>"
           + "<w:sdt><w:sdtPr/><w:sdtContent>" + _p("控件里的段落") + "</w:sdtContent></w:sdt>"
           + "<w:tbl><w:tr>" + _tc("表二") + "</w:tr></w:tbl>")
    doc = read_docx(_with_body(xml), "b.docx")
    assert _blocks(doc) == ["第一段", "二、主动公开政府信息情况", "TABLE", "上一行", "下一行 12", "控件里的段落", "TABLE"]
    orders = [b.order for _, b in doc.blocks()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    assert [c.text for c in doc.pages[0].tables[0].cells] == ["规章", "3"]
    assert all(s.role == "body" for s in doc.pages[0].segments)


def test_multi_paragraph_cell_is_one_cell() -> None:
    xml = "<w:tbl><w:tr><w:tc>" + _p("(二)部分公开") + "<w:p/>" + _p("(区分处理的)") + "</w:tc>" + _tc("0") + "</w:tr></w:tbl>"
    (table,) = read_docx(_with_body(xml), "c.docx").pages[0].tables
    assert [c.text for c in table.cells] == ["(二)部分公开 (区分处理的)", "0"]


def test_nested_layout_table_is_read_through() -> None:
    inner = "<w:tbl><w:tr>" + _tc("自然人") + _tc("5") + "</w:tr></w:tbl>"
    xml = (_p("前") + "<w:tbl><w:tr><w:tc>" + _p("左") + inner + "<w:p/></w:tc>" + _tc("右") + "</w:tr></w:tbl>"
           + _p("后"))
    doc = read_docx(_with_body(xml), "n.docx")
    assert _blocks(doc) == ["前", "左", "TABLE", "右", "后"]
    (table,) = doc.pages[0].tables
    assert _cells(table) == [(0, 0, 1, 1, "自然人"), (0, 1, 1, 1, "5")]


def test_headers_and_footers_are_furniture() -> None:
    d = docx.Document()
    s = d.sections[0]
    s.header.paragraphs[0].text = "某市人民政府办公室"
    s.footer.paragraphs[0].text = "- 1 -"
    s.different_first_page_header_footer = True
    s.first_page_header.paragraphs[0].text = "某市人民政府办公室"  # the same text once only
    d.add_paragraph("一、总体情况")
    doc = read_docx(_save(d), "f.docx")
    segs = doc.pages[0].segments
    assert [(x.text, x.role) for x in segs] == [("某市人民政府办公室", "furniture"), ("- 1 -", "furniture"),
                                                ("一、总体情况", "body")]
    assert "某市" not in flatten(doc).text


def test_table_of_contents_is_chrome() -> None:
    d = docx.Document()
    toc = d.styles.add_style("TOC1x", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    toc.name = "toc 1"
    d.add_paragraph("目录")
    d.add_paragraph("一、总体情况 1", style=toc)
    d.add_paragraph("一、总体情况")
    body = (f'<w:sdt xmlns:w="{W_NS}"><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
            '</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>二、主动公开 2</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    d.element.body.insert(0, parse_xml(body))
    doc = read_docx(_save(d), "toc.docx")
    assert [(s.text, s.role) for s in doc.pages[0].segments] == [
        ("二、主动公开 2", "chrome"), ("目录", "body"), ("一、总体情况 1", "chrome"), ("一、总体情况", "body")]


NUMBERING = f"""<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="1">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="%1、"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="(%2)"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="nothing"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="6"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
<w:num w:numId="7"><w:abstractNumId w:val="2"/></w:num>
</w:numbering>"""


def test_automatic_list_numbers_are_printed() -> None:
    d = docx.Document()
    d.part.numbering_part._element = parse_xml(NUMBERING)

    def num(text: str, num_id: int, ilvl: int) -> str:
        return _p(text, f"<w:pPr><w:numPr><w:ilvl w:val='{ilvl}'/><w:numId w:val='{num_id}'/></w:numPr></w:pPr>")

    xml = (num("总体情况", 5, 0) + num("主动公开", 5, 0) + num("予以公开", 5, 1) + num("部分公开", 5, 1)
           + num("属于国家秘密", 5, 2) + num("其他", 5, 2) + num("不予公开", 5, 1) + num("", 5, 0)
           + "<w:tbl><w:tr><w:tc>" + num("本机关不掌握", 5, 2) + "</w:tc>" + _tc("0") + "</w:tr></w:tbl>"
           + num("收到和处理", 5, 0) + num("跳到五", 6, 0) + num("要点", 7, 0)
           + _p("不编号", "<w:pPr><w:numPr><w:ilvl w:val='0'/><w:numId w:val='0'/></w:numPr></w:pPr>"))
    doc = read_docx(_with_body(xml, d), "num.docx")
    assert [s.text for s in doc.pages[0].segments] == [
        "一、总体情况", "二、主动公开", "(一) 予以公开", "(二) 部分公开", "1.属于国家秘密", "2.其他", "(三) 不予公开",
        "四、收到和处理", "五、跳到五", "要点", "不编号"]
    assert doc.pages[0].tables[0].cells[0].text == "1.本机关不掌握"  # counters restart below a new higher level


@pytest.mark.parametrize("n, fmt, out", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCounting", "二十"), (101, "chineseCounting", "一百零一"), (110, "chineseCountingThousand", "一百一十"),
    (12, "chineseLegalSimplified", "壹拾贰"), (3, "decimalEnclosedCircle", "③"), (2, "upperLetter", "B"),
    (28, "lowerLetter", "bb"), (14, "upperRoman", "XIV"), (7, "decimal", "7"), (3, "ideographTraditional", "丙"),
    (5, "decimalZero", "05"), (10, "ideographDigital", "一〇"),
])
def test_format_number(n: int, fmt: str, out: str) -> None:
    assert format_number(n, fmt) == out


def _add_part(d, partname: str, content_type: str, blob: bytes) -> str:
    part = Part(PackURI(partname), content_type, blob, d.part.package)
    return d.part.relate_to(part, RT.A_F_CHUNK)


def test_alt_chunk_html_and_mht_are_read_in_place() -> None:
    d = docx.Document()
    html = ("<html><body><p>三、收到和处理</p><table><tr><td rowspan=2>规章</td><td>1</td></tr><tr><td>2</td></tr>"
            "</table></body></html>")
    rid = _add_part(d, "/word/afchunk1.htm", "text/html", html.encode())
    msg = email.mime.multipart.MIMEMultipart("related")
    msg.attach(email.mime.text.MIMEText("<html><body><p>四、复议</p></body></html>", "html", "utf-8"))
    rid2 = _add_part(d, "/word/afchunk2.mht", "message/rfc822", msg.as_bytes())
    data = _with_body(_p("前") + f"<w:altChunk r:id='{rid}'/>" + _p("中") + f"<w:altChunk r:id='{rid2}'/>", d)
    doc = read_docx(data, "alt.docx")
    assert _blocks(doc) == ["前", "三、收到和处理", "TABLE", "中", "四、复议"]
    assert _cells(doc.pages[0].tables[0]) == [(0, 0, 2, 1, "规章"), (0, 1, 1, 1, "1"), (1, 1, 1, 1, "2")]


# ---------------------------------------------------------------- bad input
def _docx_bytes(text: str = "一、总体情况") -> bytes:
    d = docx.Document()
    d.add_paragraph(text)
    return _save(d)


def _replace(data: bytes, name: str, blob: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip({n: (blob if n == name else src.read(n)) for n in src.namelist()})


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize("data, words", [
    (b"", ["empty file"]),
    (_zip({"notes.txt": b"hello", "photo.png": b"\x89PNG"}), ["not a Word document", "notes.txt"]),
    (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), ["not a Word document", "Excel"]),
    (bytes(random.Random(3).randrange(256) for _ in range(4096)), ["not a .docx", "not a zip archive"]),
    (OLE + bytes(504), ["OLE", "encrypted", "legacy", ".doc"]),
    (OLE + bytes(100) + "EncryptionInfo".encode("utf-16-le") + bytes(100), ["encrypted", "password"]),
    (b"%PDF-1.7\n" + bytes(200), ["not a .docx", "PDF"]),
    (b"{\\rtf1\\ansi hello}", ["not a .docx", "RTF"]),
])
def test_bad_input_raises_read_error_with_reason(data: bytes, words: list[str]) -> None:
    with pytest.raises(ReadError) as e:
        read_docx(data, "bad.docx")
    for w in words:
        assert w in str(e.value), (w, str(e.value))


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_truncated_docx(fraction: float) -> None:
    data = _docx_bytes()
    with pytest.raises(ReadError, match="truncated"):
        read_docx(data[: int(len(data) * fraction)], "cut.docx")


def test_empty_docx() -> None:
    with pytest.raises(ReadError, match="empty Word document"):
        read_docx(_save(docx.Document()), "empty.docx")
    with pytest.raises(ReadError, match="empty Word document"):  # blank paragraphs and a header only
        d = docx.Document()
        d.add_paragraph("   ")
        d.sections[0].header.paragraphs[0].text = "页眉"
        read_docx(_save(d), "blank.docx")


def test_images_only_docx_says_so() -> None:
    xml = "<w:p><w:r><w:drawing/></w:r></w:p>"
    with pytest.raises(ReadError, match="only images"):
        read_docx(_with_body(xml), "scan.docx")


def test_corrupt_xml() -> None:
    data = _replace(_docx_bytes(), "word/document.xml", b"<?xml version='1.0'?><w:document xmlns:w='x'><w:body><w:p>")
    with pytest.raises(ReadError, match="corrupt XML"):
        read_docx(data, "broken.docx")


def test_missing_document_part() -> None:
    src = zipfile.ZipFile(io.BytesIO(_docx_bytes()))
    data = _zip({n: src.read(n) for n in src.namelist() if n != "word/document.xml"})
    with pytest.raises(ReadError, match="broken Word package|not a Word document"):
        read_docx(data, "nodoc.docx")


def test_zip_bomb_is_refused_before_unpacking() -> None:
    assert MAX_PART_BYTES == 200 * 2**20
    data = _docx_bytes("一、总体情况" * 60000)  # word/document.xml about 1 MB, deflated to a few kB
    assert len(data) < 100_000 and read_docx(data, "ok.docx").pages[0].segments
    with pytest.raises(ReadError, match=r"too large to unpack: word/document.xml is [\d.]+ MiB uncompressed"):
        read_docx(data, "bomb.docx", max_part_bytes=600_000)
    with pytest.raises(ReadError, match="too large to unpack"):
        read_docx(data, "bomb.docx", max_total_bytes=1_200_000)


# ---------------------------------------------------------------- end to end
def _check_report(r, rep) -> None:
    assert r.layout == rep.layout
    wrong = {k: (v, r.cells.get(k)) for k, v in rep.cells.items() if not _same(r.cells.get(k), v)}
    assert not wrong
    assert set(r.cells) == set(rep.cells)
    assert r.sections == rep.sections
    assert r.meta == {"agency": rep.agency, "year": rep.year}
    arith = any(f.severity == "error" and any(k.startswith(("t3.", "t4.")) for k in f.cells) for f in r.findings)
    assert arith == (not rep.consistent)


@pytest.mark.parametrize("layout", ["2019", "2021"])
@pytest.mark.parametrize("seed, options", [
    (0, {}), (1, {}), (2, {}),
    (11, {"headings": "numbered", "layout_table": True, "furniture": True}),
    (12, {"headings": "style", "layout_table": False, "furniture": True}),
    (13, {"headings": "bold", "layout_table": True, "furniture": False}),
])
def test_end_to_end_cells_sections_meta(layout: str, seed: int, options: dict) -> None:
    rep = random_report(random.Random(seed), layout, consistent=seed % 3 != 1)
    doc = read_docx(render_docx(rep, seed, **options), "r.docx")
    r = analyze(doc, Report(doc_id="r", source="r.docx"))
    _check_report(r, rep)
    assert r.status == "ok"
    if options.get("furniture"):
        assert any(s.role == "furniture" for s in doc.pages[0].segments)


def test_extract_report_on_docx_bytes() -> None:
    from extract.readers import kind_of
    if kind_of("r.docx") != "docx":
        pytest.skip(".docx is not registered in extract.readers yet")
    from extract.pipeline import extract_report
    rep = random_report(random.Random(5), "2021", consistent=True)
    r = extract_report(render_docx(rep, 5), name="r.docx")
    assert r.kind == "docx" and r.status == "ok", r.error
    _check_report(r, rep)
    bad = extract_report(_zip({"a.txt": b"x"}), name="r.docx")
    assert bad.status == "failed" and "not a Word document" in bad.error
