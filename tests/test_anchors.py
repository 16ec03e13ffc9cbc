"""Where a block anchored by 表三's or 表四's heading starts and ends (extract/anchors.py)."""
from __future__ import annotations

from extract.anchors import table_heading, title_blocks
from extract.ocr import OcrLine


def _line(text: str, x: float, y: float) -> OcrLine:
    return OcrLine(text, (x, y, x + 20 * len(text), y + 20), 1.0)


def _texts(blocks: list[list[OcrLine]]) -> list[list[str]]:
    return [[l.text for l in b] for b in blocks]


T3 = _line("三、收到和处理政府信息公开申请情况", 0, 0)
T4 = _line("四、政府信息公开行政复议、行政诉讼情况", 0, 200)


def test_a_later_heading_that_ocr_splits_on_its_row_still_ends_the_block():
    rows = [T3, _line("自然人", 300, 40), _line("总计", 500, 40), _line("一、本年新收", 0, 80), _line("5", 300, 80),
            _line("5", 500, 80), _line("四、", 0, 200), _line("政府信息公开行政复议、行政诉讼情况", 50, 200),
            _line("行政复议", 0, 240), _line("0 1", 300, 280)]
    # and, read as one row, the split heading anchors 表四's block in turn
    assert _texts(title_blocks(rows)) == [["自然人", "总计", "一、本年新收", "5", "5"], ["行政复议", "0 1"]]


def test_table_three_s_own_numbered_row_labels_do_not_end_its_block():
    rows = [T3, _line("三、本年度办理结果", 0, 40), _line("四、结转下年度继续办理", 0, 80), _line("2", 300, 80)]
    assert _texts(title_blocks(rows)) == [["三、本年度办理结果", "四、结转下年度继续办理", "2"]]


def test_a_blurred_zero_read_as_a_full_stop_does_not_end_the_block_and_a_sentence_does():
    rows = [T4, _line("行政复议", 0, 240), _line("0", 0, 280), _line("。", 100, 280), _line("3", 200, 280),
            _line("本年度未发生行政诉讼。", 0, 320), _line("1", 0, 360)]
    assert _texts(title_blocks(rows)) == [["行政复议", "0", "。", "3"]]


def test_a_table_already_found_below_the_heading_ends_the_block():
    rows = [T4, _line("行政复议", 0, 240), _line("0", 0, 280), _line("五、存在的问题", 0, 500), _line("7", 0, 540)]
    assert _texts(title_blocks(rows, tables=[(0, 235, 600, 300)])) == []
    assert _texts(title_blocks(rows, tables=[(0, 270, 600, 300)])) == []  # no number above that table
    assert _texts(title_blocks(rows)) == [["行政复议", "0"]]


def test_the_heading_s_wrapped_second_line_and_rows_after_the_last_value_are_left_out():
    head = _line("四、因政府信息公开申请行政复议、提起", 0, 200)
    rows = [head, _line("行政诉讼的情况", 0, 230), _line("行政复议", 0, 270), _line("0 0", 300, 310),
            _line("注：本表单位为件", 0, 350)]
    assert _texts(title_blocks(rows)) == [["行政复议", "0 0"]]


def test_headings_in_traditional_characters_or_spaced_anchor_and_row_labels_do_not():
    assert table_heading("四、政府信息公開行政復議、行政訴訟情況") == "四"
    assert table_heading("三、收到和处理政府信息公开 申请情况") == "三"
    assert table_heading("三、本年度办理结果") is None
    assert table_heading("四、2023年行政复议情况") is None  # a sentence's number, not a heading
    assert title_blocks([_line("行政复议", 0, 240), _line("0", 0, 280)]) == []  # no heading, no block


def test_a_paragraph_between_the_heading_and_its_table_is_passed_over():
    rows = [T4, _line("深入推进网站集约化，提升群众满", 0, 240), _line("意度。", 0, 270), _line("行政复议", 0, 300),
            _line("7 1 0", 0, 340), _line("五、存在的主要问题及改进情况", 0, 400)]
    assert _texts(title_blocks(rows)) == [["行政复议", "7 1 0"]]


def test_a_paragraph_after_the_table_s_first_rows_still_ends_the_block():
    rows = [T4, _line("行政复议", 0, 240), _line("7 1 0", 0, 280), _line("本年度未发生行政诉讼。", 0, 320), _line("1", 0, 360)]
    assert _texts(title_blocks(rows)) == [["行政复议", "7 1 0"]]


def test_table_three_s_header_printed_again_after_a_page_break_anchors_its_rows():
    page2 = [_line("申请人情况", 300, 0), _line("自然人", 300, 40), _line("总计", 500, 40),
             _line("1.属于国家秘密", 0, 80), _line("29 0 14", 300, 80), _line("(七)总计", 0, 120), _line("29", 300, 120),
             _line("四、政府信息公开行政复议、行政诉讼情况", 0, 200), _line("行政复议", 0, 240), _line("0", 0, 280)]
    assert _texts(title_blocks(page2)) == [["申请人情况", "自然人", "总计", "1.属于国家秘密", "29 0 14", "(七)总计", "29"],
                                           ["行政复议", "0"]]
    # under its own heading, the header is one of the heading's rows, not a block of its own
    assert _texts(title_blocks([_line(T3.text, 0, -40), *page2[:5]])) == [["申请人情况", "自然人", "总计", "1.属于国家秘密", "29 0 14"]]
