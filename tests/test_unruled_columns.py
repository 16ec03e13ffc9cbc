"""Tables printed without rules whose columns no row fills: the header gives them.

A report whose applicants were all people and companies prints 表三's 科研机构 and 社会公益组织
columns empty on every row; a year without suits leaves 表四's 行政诉讼 columns empty. Without
rules those columns leave no gap of their own among the values, and a row of five printed
numbers had to be spread over seven columns by guesswork (dev real_001 rendered unruled lost
35 of its 198 cells that way).
"""
from __future__ import annotations

import json
import random

import pytest

from extract.ocr import OcrLine, OcrWord
from training import render as R
from training.synth import random_report

needs_font = pytest.mark.skipif(not R.font_available("wqy-zenhei"), reason="wqy-zenhei font not installed")


def _line(text: str, x: float, y: float, step: float = 22, h: float = 24) -> OcrLine:
    words = [OcrWord(ch, (x + step * i, y, x + step * i + 20, y + h), 0.9) for i, ch in enumerate(text)]
    return OcrLine(text, (x, y, x + step * len(text), y + h), 0.9, words)


HEADS = ["自然人", "商业企业", "科研机构", "社会公益", "法律服务", "其他", "总计"]
X = [300, 420, 540, 660, 780, 900, 1020]  # column left edges (pixels): 120 apart


def _t3_lines(rows: list[tuple[str, list[str | None]]]) -> list[OcrLine]:
    lines = [_line(h, x, 0, step=24) for h, x in zip(HEADS, X)]
    for r, (label, values) in enumerate(rows, start=1):
        lines.append(_line(label, 0, 40 * r))
        lines += [_line(v, x + 10, 40 * r) for v, x in zip(values, X) if v is not None]
    return lines


def test_header_opens_the_columns_no_row_fills():
    from extract.scan import table_from_alignment
    rows = [("本年新收", ["821", "35", None, None, "2", "1", "859"]), ("上年结转", ["18", None, None, None, None, None, "18"]),
            ("予以公开", ["258", "12", None, None, "1", "1", None]), ("总计", ["767", "35", None, None, "2", "1", "805"]),
            ("结转下年", ["72", None, None, None, None, None, "72"])]
    table = table_from_alignment(_t3_lines(rows), (0, 0, 1200, 300))
    assert table is not None
    grid = table.grid()
    assert len(grid[0]) == 8  # the label column and seven columns of values
    assert [row[1:] for row in grid[1:]] == [[v or "" for v in values] for _, values in rows]


def test_header_words_run_together_over_two_empty_columns_still_open_both():
    """The detector ran 科研机构 and 社会公益 into one line, centred between their columns: one
    cluster in a gap three steps wide. The distance between the columns of values around the gap
    says two columns stand there (real_001's unruled scan at 300 dpi lost 8 cells this way)."""
    from extract.scan import table_from_alignment
    rows = [("本年新收", ["821", "35", None, None, "2", "1", "859"]), ("予以公开", ["258", "12", None, None, "1", "1", "272"]),
            ("总计", ["767", "35", None, None, "2", "1", "805"])]
    lines = [ln for ln in _t3_lines(rows) if ln.text not in ("科研机构", "社会公益")]
    lines.append(_line("科研机构社会公益", X[2] + 10, 0, step=24))  # one run, 192 px wide, centred at 666
    table = table_from_alignment(lines, (0, 0, 1200, 300))
    assert table is not None
    assert [row[1:] for row in table.grid()[1:]] == [[v or "" for v in values] for _, values in rows]


def test_without_header_words_in_the_gap_the_columns_stay_as_the_values_give_them():
    """No header text inside the gap (the header was not read): one boundary, as before."""
    from extract.scan import table_from_alignment
    rows = [("本年新收", ["821", "35", None, None, "2", "1", "859"]), ("予以公开", ["258", "12", None, None, "1", "1", "272"]),
            ("总计", ["767", "35", None, None, "2", "1", "805"])]
    lines = [ln for ln in _t3_lines(rows) if ln.text not in ("科研机构", "社会公益")]
    table = table_from_alignment(lines, (0, 0, 1200, 300))
    assert table is not None and table.grid()[1][1:] == ["821", "35", "2", "1", "859"]


def test_a_value_centred_beside_a_two_line_label_joins_the_label_s_first_line():
    from extract.scan import table_from_alignment
    lines = [_line("(二)部分公开(区分处理", 0, 0), _line("3", 310, 14), _line("情形)", 0, 28),
             _line("1.属于国家秘密", 0, 70), _line("14", 310, 70), _line("规章", 0, 110), _line("5", 310, 110)]
    table = table_from_alignment(lines, (0, 0, 600, 200))
    assert table is not None
    assert table.grid() == [["(二)部分公开(区分处理", "3"], ["情形)", ""], ["1.属于国家秘密", "14"], ["规章", "5"]]


@needs_font
def test_unruled_pdf_with_empty_applicant_and_suit_columns_reads_every_cell(tmp_path):
    """End to end: a report whose 科研机构/社会公益组织 columns and 行政诉讼 groups are empty on
    every row, printed without rules as a text-layer PDF: the cells of the rows in a table region
    as labelled."""
    from extract import extract_report

    rep = random_report(random.Random(11), layout="2021", consistent=True)
    gold = rep.gold("synth_empty_cols")
    cells = gold["cells"]
    for k in list(cells):
        if k.startswith("t3.") and k.rsplit(".", 1)[1] in ("research", "social_org"):
            cells[k] = None
        if k.startswith("t4.suit_"):
            cells[k] = None
    for k in cells:  # each row's total: the sum of its other columns again
        if k.startswith("t3.") and k.endswith(".total"):
            row = k.rsplit(".", 1)[0]
            cells[k] = sum(v or 0 for kk, v in cells.items() if kk.startswith(row + ".") and kk != k)
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "doc.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    (pdf,) = R.build_fixture_set(gold_dir, tmp_path / "out", ("pdf_unruled",))
    report = extract_report(pdf, use_model=False)
    wrong = {k: (v, report.cells.get(k)) for k, v in cells.items() if report.cells.get(k) != v}
    # 107 cells were wrong before the header gave the columns, 7 before the section headings
    # anchored the pieces no layout region covers: the header and the one row a page break
    # leaves above the rest of 表三, and 表四's header with its lone row of values
    assert wrong == {}


class _Backend:
    name = "fake"

    def __init__(self, lines: list[OcrLine]) -> None:
        self.lines = lines

    def recognize(self, image):
        return list(self.lines)


def test_a_figure_region_with_rows_of_values_is_read_as_a_table_and_a_figure_without_stays_text(monkeypatch):
    """CDLA calls some unruled tables figures. The end of 表三 on a new page (many label-only rows,
    three rows of values) is a table; a picture's caption lines in a figure region stay text."""
    import numpy as np

    import extract.scan as scan
    lines = [_line("1.信访举报投诉类申请", 0, 300), _line("148", 310, 300), _line("1", 430, 300),
             _line("(五)不予处理", 0, 340), _line("3.要求提供公开出版物", 0, 380), _line("4.无正当理由", 0, 420),
             _line("(六)其他处理", 0, 460), _line("(七)总计", 0, 500), _line("767", 310, 500), _line("35", 430, 500),
             _line("四、结转下年度继续办理", 0, 540), _line("72", 310, 540), _line("0", 430, 540),
             _line("图1 公开平台示意", 100, 900)]
    monkeypatch.setattr(scan, "layout_regions", lambda image: [("figure", (0.0, 280.0, 600.0, 580.0)),
                                                               ("figure", (0.0, 880.0, 600.0, 940.0))])
    image = np.full((1200, 700, 3), 255, np.uint8)
    for ln in lines:  # ink where the text stands: the page is not blank
        x0, y0, x1, y1 = (int(v) for v in ln.box)
        image[y0 + 4:y1 - 4, x0:min(x1, 699)] = 0
    page = scan.ocr_page(image, 1, _Backend(lines))
    assert len(page.tables) == 1 and page.tables[0].grid()[-1] == ["四、结转下年度继续办理", "72", "0"]
    assert [s.text for s in page.segments] == ["图1 公开平台示意"]


def test_one_character_of_a_stacked_header_opens_its_column_in_a_wide_gap_only():
    """An OCR'd scan ran 商业企科研机社会公法 together over the columns of values, so only 构, the
    second line of 科研机/构, stands inside the gap that 科研机构 and 社会公益组织 leave: it opens
    科研机构's column, and 社会公益组织 the one 申请人情况 sits over. The same lone character in a gap
    of one step between two columns (a letter-spaced header) opens none."""
    from extract.columns import header_bounds
    gaps = [(150, 288, False), (303, 325, False), (336, 431, False), (438, 466, False), (472, 496, False)]
    bounds, opened = header_bounds(gaps, [(360, 369), (386, 413)], char=9.0)
    assert opened == [364.5, 399.5] and len(bounds) == 7
    bounds, opened = header_bounds(gaps, [(308, 317)], char=9.0)
    assert opened == [] and len(bounds) == 5


@needs_font
def test_a_layout_model_failure_keeps_every_page_of_an_unruled_pdf_and_its_text(tmp_path, monkeypatch):
    """The layout model failing on a page (a render error, a broken model file) costs the page at
    most its unruled tables, never the page: what no section heading anchors is read as lines."""
    import extract.scan as scan
    from extract.readers import read_document

    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    rep = random_report(random.Random(5), layout="2021", consistent=True)
    (gold_dir / "doc.json").write_text(json.dumps(rep.gold("synth_x"), ensure_ascii=False), encoding="utf-8")
    (pdf,) = R.build_fixture_set(gold_dir, tmp_path / "out", ("pdf_unruled",))
    working = sum(len(p.tables) for p in read_document(pdf).pages)
    assert working

    calls = []

    def broken(image):
        calls.append(image.shape)
        raise RuntimeError("model file truncated")
    monkeypatch.setattr(scan, "layout_regions", broken)
    doc = read_document(pdf)
    assert calls and not doc.warnings and all(p.segments or p.tables for p in doc.pages)
    # only what a section heading or 表三's header printed again after a page break anchors is read as a table
    assert 0 < sum(len(p.tables) for p in doc.pages) <= working
    texts = [s.text for p in doc.pages for s in p.segments] + [c.text for p in doc.pages for t in p.tables for c in t.cells]
    assert any("一、本年新收政府信息公开申请数量" in t for t in texts)
    assert any("主动公开政府信息情况" in t for t in texts)


def test_lines_below_the_heading_of_table_three_are_read_as_a_table_where_no_region_covers_them():
    """A page break leaves 表三's header and first row at the foot of a page, too small for the
    layout model: its section heading anchors them, and the header gives the empty columns."""
    from extract.scan import unruled_tables

    title = _line("三、收到和处理政府信息公开申请情况", 0, -60)
    rows = [("一、本年新收申请", ["821", "35", None, None, "2", "1", "859"])]
    lines = [title, *_t3_lines(rows), _line("- 2 -", 600, 2300)]
    tables, loose = unruled_tables(lines, [], 2339.0, 2)
    assert len(tables) == 1 and [l.text for l in loose] == [title.text, "- 2 -"]
    assert tables[0].grid()[-1] == ["一、本年新收申请", "821", "35", "", "", "2", "1", "859"]
    # without the heading the same lines stay lines, as before
    assert unruled_tables(lines[1:], [], 2339.0, 2)[0] == []


def test_a_table_region_that_stops_short_of_the_last_columns_is_widened_to_its_rows():
    """CDLA's box around a wide unruled table sometimes ends a column or two early (a 表四 of 15
    values). The rows' runs beyond its edge belong to the table: without them a row of 13 values
    cannot be spread over 15 columns. A line of prose below the box's height is left alone."""
    from extract.scan import unruled_tables

    rows = [("一、本年新收申请", ["821", "35", "0", "0", "2", "1", "859"]),
            ("二、上年结转申请", ["12", "0", "0", "0", "0", "0", "12"])]
    lines = [*_t3_lines(rows), _line("下一步将继续加强政务公开工作", 0, 200)]
    region = (0.0, -10.0, 960.0, 110.0)  # 其他 (900) inside, 总计 (1020) outside
    tables, loose = unruled_tables(lines, [("table", region)], 2339.0, 1)
    assert len(tables) == 1 and [l.text for l in loose] == ["下一步将继续加强政务公开工作"]
    grid = tables[0].grid()
    assert grid[0][-1] == "总计" and grid[-1] == ["二、上年结转申请", "12", "0", "0", "0", "0", "0", "12"]
