"""Unit tests for the text path's building blocks: encoding detection, text normalization,
number parsing, and the HTML and plain-text readers."""
from __future__ import annotations

import codecs

import pytest

from extract.document import Table
from extract.normalize import normalize_text, normalize_texts, parse_number, to_simplified
from extract.readers import read_document
from extract.readers.encoding import decode
from extract.readers.html import read_html
from extract.readers.text import read_text

REPORT = ("某县民政局2024年政府信息公开工作年度报告\n"
          "一、总体情况\n"
          "本年度主动公开政府信息1234条，收到政府信息公开申请56件。\n"
          "三、收到和处理政府信息公开申请情况\n"
          "(一)予以公开|12|0|0|0|0|0|12|\n"
          "六、其他需要报告的事项\n"
          "无。\n")
REPORT_TRADITIONAL = ("某縣民政局2024年政府信息公開工作年度報告\n"
                      "一、總體情況\n"
                      "本年度主動公開政府信息1234條，收到政府信息公開申請56件。\n"
                      "三、收到和處理政府信息公開申請情況\n"
                      "(一)予以公開|12|0|0|0|0|0|12|\n"
                      "六、其他需要報告的事項\n"
                      "無。\n")


# ---------------------------------------------------------------- encoding detection

@pytest.mark.parametrize("data, encoding", [
    (REPORT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + REPORT.encode("utf-8"), "utf-8-sig"),
    (REPORT.encode("gb18030"), "gb18030"),
    (REPORT.encode("gbk"), "gb18030"),  # GBK is a subset of GB18030
    (codecs.BOM_UTF16_LE + REPORT.encode("utf-16-le"), "utf-16"),
    (codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"), "utf-16"),
], ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "utf-16-le", "utf-16-be"])
def test_decode_round_trips_simplified_report(data: bytes, encoding: str) -> None:
    text, enc = decode(data)
    assert text == REPORT
    assert enc == encoding


def test_decode_round_trips_big5_traditional_report() -> None:
    text, enc = decode(REPORT_TRADITIONAL.encode("big5"))
    assert (text, enc) == (REPORT_TRADITIONAL, "big5")
    assert to_simplified(text) == REPORT


def test_all_encodings_read_to_the_same_segments() -> None:
    encoded = [REPORT.encode("utf-8"), codecs.BOM_UTF8 + REPORT.encode("utf-8"), REPORT.encode("gb18030"),
               REPORT.encode("gbk"), codecs.BOM_UTF16_LE + REPORT.encode("utf-16-le"),
               codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be")]
    texts = {tuple(s.text for s in read_document(data, name="r.txt").pages[0].segments) for data in encoded}
    assert texts == {tuple(REPORT.splitlines())}


def test_decode_uses_the_hint_before_guessing() -> None:
    data = "政府信息公开".encode("gbk")
    assert decode(data, hint="gbk") == ("政府信息公开", "gbk")
    assert decode(data, hint="no-such-codec")[0] == "政府信息公开"  # a bad hint is ignored


# ---------------------------------------------------------------- normalization

@pytest.mark.parametrize("raw, want", [
    ("政府信息公開工作年度報告", "政府信息公开工作年度报告"),       # traditional -> simplified
    ("行政規範性文件", "行政规范性文件"),
    ("１２３４５", "12345"),                                         # full-width digits (NFKC)
    ("（一）予以公開", "(一)予以公开"),                               # full-width brackets
    ("第二十条第（一）项", "第二十条第(一)项"),
    ("３．５万元", "3.5万元"),
    ("動(dòng)公開", "动公开"),                                       # pinyin debris after a character
    ("行政复(fù)议(yì)", "行政复议"),
    ("其他对(dui)外管理服务事项", "其他对外管理服务事项"),                  # ... as OCR reads it: tone lost
    ("互联(1ián)网", "互联网"),                                       # ... or l read as 1
    ("0?", "0"),                                                     # stray '?' of an unencodable char
    ("12?件", "12件"),
    ("总体情况?", "总体情况"),
    ("总\xa0体情况", "总体情况"),                                     # NBSP inside a label
    ("\xa012\xa0", "12"),
    ("商业 企业", "商业企业"),                                        # spaces inside Chinese labels
    ("本年 新收　政府信息公开申请数量", "本年新收政府信息公开申请数量"),  # incl. an ideographic space
    ("3001 53 0 0", "3001 53 0 0"),                                  # spaces between digits: cell borders
    ("0 0 0  00", "0 0 0 00"),                                       # ... kept, runs collapsed
    ("2024 年", "2024 年"),
    ("\u200b政府\ufeff信息", "政府信息"),                              # zero-width characters
])
def test_normalize_text(raw: str, want: str) -> None:
    assert normalize_text(raw) == want


def test_normalize_text_keep_tabs() -> None:
    assert normalize_text("規章\t3\t12", keep_tabs=True) == "规章\t3\t12"
    assert normalize_text("規章\t3\t12") == "规章 3 12"


def test_normalize_text_keeps_brackets_that_are_not_pinyin() -> None:
    assert normalize_text("政府(网站)") == "政府(网站)"       # CJK in brackets is not pinyin
    assert normalize_text("公开(abc)") == "公开(abc)"          # no tone mark, no syllable: not pinyin
    assert normalize_text("使用(app)") == "使用(app)"
    assert normalize_text("第(1)项") == "第(1)项"              # a number in brackets stays


@pytest.mark.parametrize("raw, want", [
    ("251000元", 251000), ("3.5万元", 3.5), ("-2", -2), ("0.5460", 0.546), ("1,234", 1234),
    ("abc", None), ("", None), (" 12 ", 12), ("１２", 12), ("−3", -3), ("12件", 12), ("50%", 50),
    ("1,23", None), ("1 2", None), ("12元3", None),
])
def test_parse_number(raw: str, want) -> None:
    got = parse_number(raw)
    assert got == want
    assert type(got) is type(want)  # 0.5460 is a float, 251000 an int, "abc" None


VARIED = ["規章", "", "３ 件", "動(dòng)公開", "0?", "商业 企业", "3001 53 0 0", "總\xa0體情況", "（一）予以公開",
          "\u200b政府信息", "?", "  ", "第二十条第（五）项", "2024 年", "行政\t规范性文件", "乾隆", "著名",
          "臺灣", "1,234", "一、總體情況"]


def test_normalize_texts_equals_normalize_text_one_by_one() -> None:
    assert normalize_texts(VARIED) == [normalize_text(t) for t in VARIED]
    assert normalize_texts([]) == []
    assert normalize_texts(VARIED[:1]) == [normalize_text(VARIED[0])]


def test_normalize_texts_equals_normalize_text_with_line_breaks() -> None:
    texts = ["本年新收\n政府信息", "12\r\n"]
    assert normalize_texts(texts) == [normalize_text(t) for t in texts]


# ---------------------------------------------------------------- HTML reader

SPANS_HTML = """<table border="1">
<tr><th rowspan="2">信息内容</th><th colspan="2">数量</th></tr>
<tr><td>本年制发件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>3</td><td>12</td></tr>
</table>"""


def _only_table(html: str) -> Table:
    (table,) = read_html(html.encode(), "a.html").pages[0].tables
    return table


def test_html_rowspan_colspan_cells_and_grid() -> None:
    t = _only_table(SPANS_HTML)
    assert [(c.text, c.row, c.col, c.row_span, c.col_span) for c in t.cells] == [
        ("信息内容", 0, 0, 2, 1), ("数量", 0, 1, 1, 2),
        ("本年制发件数", 1, 1, 1, 1), ("现行有效件数", 1, 2, 1, 1),
        ("规章", 2, 0, 1, 1), ("3", 2, 1, 1, 1), ("12", 2, 2, 1, 1)]
    assert (t.n_rows, t.n_cols) == (3, 3)
    assert t.grid() == [["信息内容", "数量", "数量"],
                        ["信息内容", "本年制发件数", "现行有效件数"],
                        ["规章", "3", "12"]]
    assert [[c.text for c in row] for row in t.rows()] == [["信息内容", "数量"], ["本年制发件数", "现行有效件数"],
                                                           ["规章", "3", "12"]]


def test_html_rowspan_in_a_middle_column_pushes_later_cells_right() -> None:
    t = _only_table("<table><tr><td>A</td><td rowspan=3>B</td><td>C</td></tr>"
                    "<tr><td>D</td><td>E</td></tr><tr><td>F</td><td>G</td></tr></table>")
    assert t.grid() == [["A", "B", "C"], ["D", "B", "E"], ["F", "B", "G"]]
    assert {c.text: (c.row, c.col) for c in t.cells}["E"] == (1, 2)


def test_html_bad_span_attributes() -> None:
    t = _only_table("<table><tr><td colspan='abc'>A</td><td colspan=' 2 '>B</td></tr>"
                    "<tr><td colspan=100000>C</td></tr></table>")
    assert [(c.text, c.col, c.col_span) for c in t.cells] == [("A", 0, 1), ("B", 1, 2), ("C", 0, 64)]


def test_html_rowspan_past_the_last_row_is_clipped() -> None:
    t = _only_table("<table><tr><td rowspan=5>A</td><td>1</td></tr><tr><td>2</td></tr></table>")
    assert t.n_rows == 2
    assert t.grid() == [["A", "1"], ["A", "2"]]


def test_html_nested_layout_tables_are_read_through() -> None:
    html = """<html><body>
    <table width="100%"><tr><td>
      <table><tr><td>
        <p>某县民政局2024年政府信息公开工作年度报告</p>
        <p>一、总体情况</p>
        <table border="1"><tr><td>规章</td><td>3</td></tr><tr><td>规范性文件</td><td>5</td></tr></table>
        <p>六、其他需要报告的事项</p>
      </td></tr></table>
    </td></tr></table></body></html>"""
    page = read_html(html.encode(), "a.html").pages[0]
    assert len(page.tables) == 1, "layout tables must not become data tables"
    assert page.tables[0].grid() == [["规章", "3"], ["规范性文件", "5"]]
    blocks = page.blocks()
    assert [b.text if not isinstance(b, Table) else "<table>" for b in blocks] == [
        "某县民政局2024年政府信息公开工作年度报告", "一、总体情况", "<table>", "六、其他需要报告的事项"]
    assert [b.order for b in blocks] == sorted(b.order for b in blocks)


def test_html_br_inside_cells_and_paragraphs() -> None:
    html = ("<table><tr><td>行政<br>规范性文件</td><td>5<br/>件</td></tr></table>"
            "<p>六、其他需要报告的事项<br>无。</p>")
    page = read_html(html.encode(), "a.html").pages[0]
    assert [c.text for c in page.tables[0].cells] == ["行政 规范性文件", "5 件"]
    assert normalize_text(page.tables[0].cells[0].text) == "行政规范性文件"
    assert [s.text for s in page.segments] == ["六、其他需要报告的事项", "无。"]  # <br> splits a paragraph


def test_html_site_chrome_is_marked() -> None:
    html = """<html><head><title>年报</title><script>document.write("一、总体情况")</script></head><body>
    <div class="nav">首页 &gt; 政务公开 &gt; 年度报告</div>
    <div class="content"><p>一、总体情况</p><p>本年度主动公开政府信息1234条。</p>
    <p>扫一扫在手机打开当前页</p></div>
    <footer>主办单位：某县人民政府</footer></body></html>"""
    segments = read_html(html.encode(), "a.html").pages[0].segments
    assert [(s.text, s.role) for s in segments] == [
        ("首页 > 政务公开 > 年度报告", "chrome"),
        ("一、总体情况", "body"),
        ("本年度主动公开政府信息1234条。", "body"),
        ("扫一扫在手机打开当前页", "chrome"),
        ("主办单位：某县人民政府", "chrome")]


def test_html_legacy_charset_from_meta() -> None:
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>' \
           '<body><p>政府信息公开工作年度报告</p></body></html>'
    doc = read_html(html.encode("gb2312"), "a.html")
    assert doc.encoding == "gb2312"
    assert doc.pages[0].segments[0].text == "政府信息公开工作年度报告"


# ---------------------------------------------------------------- text reader

def _spans_slice(text: str, data: bytes) -> list[tuple[str, tuple[int, int]]]:
    doc = read_text(data, "r.txt")
    segs = doc.pages[0].segments
    assert [s.order for s in segs] == list(range(len(segs)))
    for s in segs:
        assert text[s.span[0]:s.span[1]] == s.text, s
    return [(s.text, s.span) for s in segs]


def test_text_reader_keeps_blank_lines_with_spans() -> None:
    text = "一、总体情况\n\n正文\n\n\n规章|3|\n"
    assert _spans_slice(text, text.encode()) == [
        ("一、总体情况", (0, 6)), ("", (7, 7)), ("正文", (8, 10)), ("", (11, 11)), ("", (12, 12)),
        ("规章|3|", (13, 18))]


def test_text_reader_crlf_and_bom() -> None:
    text = "一、总体情况\r\n\r\n正文"
    assert _spans_slice(text, codecs.BOM_UTF8 + text.encode()) == [
        ("一、总体情况", (0, 6)), ("", (8, 8)), ("正文", (10, 12))]
    utf16 = read_text(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "r.txt")
    assert [(s.text, s.span) for s in utf16.pages[0].segments] == [
        ("一、总体情况", (0, 6)), ("", (8, 8)), ("正文", (10, 12))]


def test_text_reader_gbk_spans_count_characters_not_bytes() -> None:
    text = "一、总体情况\n\n二、主动公开政府信息情况\n"
    doc = read_text(text.encode("gbk"), "r.txt")
    assert doc.encoding == "gb18030"
    assert [(s.text, s.span) for s in doc.pages[0].segments] == [
        ("一、总体情况", (0, 6)), ("", (7, 7)), ("二、主动公开政府信息情况", (8, 20))]


def test_text_reader_segments_hold_no_line_breaks() -> None:
    text = "第一页\n\f第二页\n甲\u2028乙\n"
    segs = read_text(text.encode(), "r.txt").pages[0].segments
    assert all(s.text == "".join(s.text.splitlines()) for s in segs), [s.text for s in segs]
