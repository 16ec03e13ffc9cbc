"""One test per table shape seen in real reports, on small hand-written inputs."""
from __future__ import annotations

import pytest

from extract.pipeline import extract_report
from extract.schema import LAYOUTS

T3_ROWS_2021 = [
    ("一、本年新收政府信息公开申请数量", [5, 1, 0, 0, 0, 0, 6]),
    ("二、上年结转政府信息公开申请数量", [1, 0, 0, 0, 0, 0, 1]),
    ("(一)予以公开", [3, 1, 0, 0, 0, 0, 4]),
    ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", [1, 0, 0, 0, 0, 0, 1]),
    ("1.属于国家秘密", [0] * 7), ("2.其他法律行政法规禁止公开", [0] * 7), ("3.危及“三安全一稳定”", [0] * 7),
    ("4.保护第三方合法权益", [0] * 7), ("5.属于三类内部事务信息", [0] * 7), ("6.属于四类过程性信息", [0] * 7),
    ("7.属于行政执法案卷", [0] * 7), ("8.属于行政查询事项", [0] * 7),
    ("1.本机关不掌握相关政府信息", [1, 0, 0, 0, 0, 0, 1]), ("2.没有现成信息需要另行制作", [0] * 7),
    ("3.补正后申请内容仍不明确", [0] * 7), ("1.信访举报投诉类申请", [0] * 7), ("2.重复申请", [0] * 7),
    ("3.要求提供公开出版物", [0] * 7), ("4.无正当理由大量反复申请", [0] * 7),
    ("5.要求行政机关确认或重新出具已获取信息", [0] * 7),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [0] * 7),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0] * 7),
    ("3.其他", [0] * 7),
    ("(七)总计", [5, 1, 0, 0, 0, 0, 6]),
    ("四、结转下年度继续办理", [1, 0, 0, 0, 0, 0, 1]),
]
HEAD = "某县民政局2024年政府信息公开工作年度报告\n一、总体情况\n2024年,我局认真贯彻落实。\n二、主动公开政府信息情况\n"
T2 = "规章|1|0|3|\n行政规范性文件|2|1|9|\n行政许可|15|\n行政处罚|7|\n行政强制|0|\n行政事业性收费|12.5|\n"
T4 = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议|行政诉讼|\n结果维持|结果纠正|其他结果|尚未审结|总计|\n"
      "1|0|0|1|2|0|0|0|0|0|0|0|0|0|0|\n")
TAIL = "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n"


def report(t3_lines: list[str], t2: str = T2, t4: str = T4) -> str:
    return HEAD + t2 + "三、收到和处理政府信息公开申请情况\n申请人情况|自然人|商业企业|总计|\n" + "\n".join(t3_lines) + "\n" + t4 + TAIL


def check(text: str):
    """The report parses back to exactly T3_ROWS_2021, T2 and T4, with no arithmetic error."""
    r = extract_report(text.encode(), name="r.txt")
    assert r.status in ("ok", "partial"), r.error
    got = {k: v for k, v in r.cells.items() if k.startswith("t3.")}
    want = {}
    for row, (_, vals) in zip([x for x in LAYOUTS["2021"].table("t3").rows if not x.extra], T3_ROWS_2021):
        for col, v in zip(row.columns, vals):
            want[f"t3.{row.key}.{col.key}"] = v
    assert got == want
    assert r.cells["t2.normative.in_force"] == 9 and r.cells["t2.fees.amount"] == 12.5
    assert r.cells["t4.review.total"] == 2
    assert not [f for f in r.findings if f.severity == "error"]
    return r


def test_pipe_separated():
    check(report([lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]))


def test_tab_separated():
    check(report([lab + "\t" + "\t".join(map(str, v)) for lab, v in T3_ROWS_2021]))


def test_one_cell_per_line_with_blank_lines():
    lines = []
    for lab, v in T3_ROWS_2021:
        lines += [lab, ""] + [x for n in v for x in (str(n), "")]
    check(report(lines))


def test_one_cell_per_line_with_blank_lines_and_an_empty_cell_in_a_row_of_zeros():
    # the empty cell is an empty paragraph with its own blank line: three blank lines, two softs,
    # for one cell; a row of zeros gives the arithmetic nothing to choose by
    lines = []
    for lab, v in T3_ROWS_2021:
        cells = [str(n) for n in v]
        if lab == "8.属于行政查询事项":
            cells[5] = ""
        lines += [lab, ""] + [x for c in cells for x in (c, "")]
    r = extract_report(report(lines).encode(), name="r.txt")
    assert [r.cells[f"t3.denied.query.{c}"] for c in ("natural_person", "legal_service", "other_org", "total")] == \
        [0, 0, None, 0]
    assert not [f for f in r.findings if f.rule == "parse.ambiguous"]


def test_row_label_split_over_lines_and_detached_values():
    lines = []
    for lab, v in T3_ROWS_2021:
        half = len(lab) // 2
        lines += [lab[:half], lab[half:], " ".join(map(str, v))]
    check(report(lines))


def test_flattened_space_separated_one_line():
    check(report(["".join(f"{lab}{' '.join(map(str, v))}" for lab, v in T3_ROWS_2021)]))


def test_digit_runs_without_separators_resolved_by_arithmetic():
    # "5100006" is 5|1|0|0|0|0|6 only if the six applicant columns add up to the total
    r = check(report(["".join(f"{lab}{''.join(map(str, v))}" for lab, v in T3_ROWS_2021)]))
    assert r.provenance["t3.new_received.total"].how == "split"


def test_zero_runs_of_an_ocr_line_that_also_lost_a_cell():
    """A printed text with tabs, scanned: OCR joins the zeros of a row (000000, 000 0 0 0, 00000 0)
    and loses the cell printed empty; every zero is a cell of its own (no count starts with 0), and
    the row's total gives the lost one back: no ambiguity, no arithmetic error."""
    rows = [lab + "\t" + "\t".join(map(str, v)) for lab, v in T3_ROWS_2021]
    rows[4] = "1.属于国家秘密 000000"
    rows[5] = "2.其他法律行政法规禁止公开 000 0 0 0"
    rows[6] = "3.危及“三安全一稳定” 00000 0"
    r = check(report(rows))
    assert r.provenance["t3.denied.state_secret.total"].how == "placed"


def test_zero_run_row_filling_the_table_before_empty_cells():
    """表四's fifteen zeros read as four runs, then the empty cells of an unruled grid's extra columns."""
    t4 = T4.replace("1|0|0|1|2|0|0|0|0|0|0|0|0|0|0|", "1|00|1|2|0000|000000|||||")
    r = check(report([lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021], t4=t4))
    assert [r.cells[f"t4.suit_after_review.{c}"] for c in ("upheld", "total")] == [0, 0]


def test_table_split_by_page_break_with_repeated_header():
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    rows = rows[:13] + ["- 3 -", "申请人情况|自然人|商业企业|总计|"] + rows[13:]
    check(report(rows))


def test_row_with_missing_cell_is_inferred_when_arithmetic_forces_it():
    rows = [lab + "\t" + "\t".join(map(str, v)) for lab, v in T3_ROWS_2021]
    rows[2] = "(一)予以公开\t3\t1\t0\t0\t0\t4"  # one zero lost
    r = check(report(rows))
    assert {r.provenance[f"t3.granted.{c}"].how for c in ("research", "social_org", "legal_service", "other_org")} \
        <= {"placed", "inferred"}


def test_row_that_lost_most_values_is_inferred_and_is_no_arithmetic_error():
    """A scan that kept 3 of a row's 7 values: the table's column sums give every value back, they
    keep the row's total and its printed numbers, so the row is a warning, not broken arithmetic;
    printed numbers the inferred row does not hold keep the error."""
    rows = [lab + "\t" + "\t".join(map(str, v)) for lab, v in T3_ROWS_2021]
    rows[2] = "(一)予以公开\t3\t1\t4"
    r = extract_report(report(rows).encode(), name="r.txt")
    assert [r.cells[f"t3.granted.{c}"] for c in ("natural_person", "commercial", "research", "total")] == [3, 1, 0, 4]
    assert not [f for f in r.findings if f.severity == "error"]
    assert any(f.rule == "parse.row_inferred" and f.severity == "warning" for f in r.findings)
    rows[2] = "(一)予以公开\t3\t2\t4"
    r = extract_report(report(rows).encode(), name="r.txt")
    assert any(f.rule == "t3.unsplittable" and f.severity == "error" for f in r.findings)


def test_label_wrapped_around_its_values_in_an_unruled_table():
    """A borderless table prints a two-line label with its values vertically centred, so the text
    layer reads label line, values, label line: the values are the row's."""
    rows = [lab + " " + " ".join(map(str, v)) for lab, v in T3_ROWS_2021]
    rows[2] = "(一)予以\n3 1 0 0 0 0 4\n公开"
    rows[19] = "5.要求行政机关确认或重\n0 0 0 0 0 0 0\n新出具已获取信息"
    check(report(rows))


def test_label_whose_last_line_shares_a_cell_with_its_group_number():
    """An unruled scan's columns read into cells: the group label (四)无法提供 beside a two-line row
    label puts (四) into the cell of the label's last line, before the values."""
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    rows[12] = "|1.本机关不掌握相关政府信||||||||\n|(四)息|1|0|0|0|0|0|1|"
    check(report(rows))


def test_group_label_wrapped_under_a_row_is_not_the_row_3_other():
    """(六)其他处理 wrapped beside 2.申请人逾期未按收费…: the row's last value 23 before the next
    line's 其他处 is no "3.其他" label (…2 / 3.其他), so the row keeps its total."""
    data = [(lab, list(v)) for lab, v in T3_ROWS_2021]
    for i in (0, 23):  # 本年新收 and (七)总计 gain the 23 applications
        data[i][1][2] += 23
        data[i][1][6] += 23
    rows = [lab + " " + " ".join(map(str, v)) for lab, v in data]
    rows[21] = "2.申请人逾期未按收费通知\n(六)要求缴纳费用、行政机关不 0 0 23 0 0 0 23\n其他处再处理其政府信息公开申请\n理"
    r = extract_report(report(rows).encode(), name="r.txt")
    assert [r.cells[f"t3.other.no_fee.{c}"] for c in ("research", "total")] == [23, 23]
    assert r.cells["t3.other.other.total"] == 0
    assert not [f for f in r.findings if f.severity == "error"]


def test_item_number_apart_from_its_label_is_no_value():
    """OCR spaces the item number from its words (``3. 其他``): the 3 opens the label, it is not one
    of the row's values (with it, a row that breaks its total could be read two ways)."""
    data = [(lab, list(v)) for lab, v in T3_ROWS_2021]
    for i in (0, 23):  # 本年新收 and (七)总计 take the row's applications
        data[i][1][0] += 55
        data[i][1][4] += 10
        data[i][1][6] += 68
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in data]
    rows[22] = "3. 其他|55|0|0|0|10|0|68|"  # a row that breaks its own total: read as printed, flagged
    r = extract_report(report(rows).encode(), name="r.txt")
    assert [r.cells[f"t3.other.other.{c}"] for c in ("natural_person", "legal_service", "total")] == [55, 10, 68]
    assert "t3.row_total.other.other" in [f.rule for f in r.findings if f.severity == "error"]


def test_item_numbers_ocr_misread_open_their_labels_and_are_no_values():
    """A poor scan reads 、 after an item number as a middle dot or a comma (``2·其他…``,
    ``3，鬼及…`` with 危 misread): the digit still numbers the next label, not an eighth value of
    the row above (which, in a row that breaks its total, left the row ambiguous)."""
    data = [(lab, list(v)) for lab, v in T3_ROWS_2021]
    data[4] = (data[4][0], [1, 0, 0, 0, 0, 0, 2])  # 属于国家秘密 (printed with a wrong total), 其他法律…, 危及…
    data[5] = (data[5][0], [0, 1, 0, 0, 0, 0, 1])
    data[6] = (data[6][0], [2, 0, 0, 0, 0, 0, 2])
    for i in (0, 23):  # 本年新收 and (七)总计 take them
        data[i][1][0] += 3
        data[i][1][1] += 1
        data[i][1][6] += 4 + (i == 23)
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in data]
    rows[5] = rows[5].replace("2.", "2·").replace("禁止公开", "禁止公")  # its wrapped last character lost
    rows[6] = rows[6].replace("3.危及", "3，鬼及")
    rows[7] = rows[7].replace("4.", "4•")
    r = extract_report(report(rows).encode(), name="r.txt")
    for key, (_, values) in zip(("state_secret", "law_forbidden", "three_safety", "third_party"), data[4:8]):
        cols = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
        assert [r.cells[f"t3.denied.{key}.{c}"] for c in cols] == values, key
    assert not [f for f in r.findings if f.rule == "parse.ambiguous"]
    assert "t3.row_total.denied.state_secret" in {f.rule for f in r.findings if f.severity == "error"}


def test_label_wrapped_around_its_values_with_empty_cells_on_each_line():
    """An unruled scan read into cells: the label's first line, its values, its last word, each line
    with the row's other cells empty (\x1e). The values inside the label are the row's, not the empty
    cells beside its last word, though a shorter key (其他法律行政) matched the first line alone."""
    from extract.tables import find_rows, row_slots
    cells = lambda vs: "\x1f" + "\x1f".join(vs) + "\x1f"  # noqa: E731
    empty7, zeros = cells(["\x1e"] * 7), cells("0" * 7)
    text = ("1.属于国家秘密" + zeros + "\n2.其他法律行政法规禁止公" + empty7 + "\n\x1e" + cells("5000005") + "\n"
            "\x1e\x1f开" + empty7 + "\n3.危及“三安全一稳定”" + zeros + "\n")
    found = {row.key: row_slots(text, row, s, e, v) for row, s, e, v in find_rows(text, LAYOUTS["2021"].table("t3"), 0, len(text))}
    assert [x.raw for x in found["denied.law_forbidden"]] == list("5000005")


def test_row_with_extra_empty_cells_is_trimmed():
    rows = [lab + "\t" + "\t".join(map(str, v)) + "\t\t" for lab, v in T3_ROWS_2021]
    check(report(rows))


def test_printed_empty_cells_are_null_not_zero():
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    rows[4] = "1.属于国家秘密| | | | | | | |"
    r = extract_report(report(rows).encode(), name="r.txt")
    assert [r.cells[f"t3.denied.state_secret.{c}"] for c in ("natural_person", "total")] == [None, None]
    assert any(f.rule == "value.empty" and "t3.denied.state_secret.total" in f.cells for f in r.findings)


def test_inconsistent_table_is_flagged_as_error_with_expected_and_found():
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    rows[-1] = "四、结转下年度继续办理|2|0|0|0|0|0|2|"  # 5+1 != 5+2
    r = extract_report(report(rows).encode(), name="r.txt")
    bad = [f for f in r.findings if f.rule == "t3.balance.natural_person"]
    assert bad and bad[0].severity == "error" and bad[0].expected == 6 and bad[0].found == 7


def test_ambiguous_digit_run_is_null_with_finding_not_a_guess():
    t2 = T2.replace("规章|1|0|3|", "规章6132")  # 6|1|32, 6|13|2, 61|3|2 ... nothing decides
    r = extract_report(report([lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021], t2=t2).encode(),
                       name="r.txt")
    assert r.cells["t2.regulations.issued"] is None
    assert any(f.rule == "parse.ambiguous" and "t2.regulations.issued" in f.cells for f in r.findings)
    assert r.status == "partial"


def test_traditional_characters_and_fullwidth_digits():
    text = report([lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021])
    from opencc import OpenCC
    trad = OpenCC("s2t").convert(text).translate(str.maketrans("0123456789|", "０１２３４５６７８９｜"))
    check(trad)


@pytest.mark.parametrize("variant", ["商业机构", "合计"])
def test_label_variants(variant):
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    if variant == "合计":
        rows[-2] = rows[-2].replace("总计", "合计")
    text = report(rows).replace("商业企业", variant)
    check(text)


def _garbled(garble: dict[int, str]) -> list[str]:
    rows = [(garble.get(i, label), vals) for i, (label, vals) in enumerate(T3_ROWS_2021)]
    rows[4] = (rows[4][0], [0, 0, 2, 0, 0, 0, 2])  # 1.属于国家秘密 (kept below, in the totals)
    rows[7] = (rows[7][0], [1, 0, 0, 0, 0, 0, 1])  # 4.保护第三方合法权益, whose label is garbled
    return ["|".join([label] + [str(v) for v in vals]) + "|" for label, vals in rows]


def test_rows_with_unreadable_labels_are_placed_by_position():
    """A poor scan reads 3.危及… 4.保护… 5.属于… as fragments; between two rows that did match,
    one line per missing layout row with a full set of values is placed in order, with lower
    confidence and a finding per row."""
    lines = _garbled({6: "3 段文全一稳定", 7: "合法权益", 8: "信息"})
    lines[-2] = "(七)总计|6|1|2|0|0|0|9|"
    lines[0] = "一、本年新收政府信息公开申请数量|7|1|2|0|0|0|10|"
    lines[-1] = "四、结转下年度继续办理|2|0|0|0|0|0|2|"
    r = extract_report(report(lines).encode(), name="r.txt")
    assert r.cells["t3.denied.third_party.natural_person"] == 1 and r.cells["t3.denied.third_party.total"] == 1
    assert r.cells["t3.denied.state_secret.research"] == 2 and r.cells["t3.denied.internal.total"] == 0
    placed = [f for f in r.findings if f.rule == "parse.row_by_position"]
    assert [f.found for f in placed] == ["3 段文全一稳定", "合法权益", "信息"]
    assert all(f.severity == "warning" for f in placed)
    src = r.provenance["t3.denied.third_party.total"]
    assert src.how == "by-position" and src.confidence <= 0.7
    assert not [f for f in r.findings if f.severity == "error"]


def test_rows_are_not_placed_when_the_lines_do_not_fit():
    """One garbled line where two layout rows are missing: nothing is placed by position."""
    lines = _garbled({6: "3 段文全一稳定"})
    del lines[7]
    r = extract_report(report(lines).encode(), name="r.txt")
    assert not [f for f in r.findings if f.rule == "parse.row_by_position"]
    assert r.cells["t3.denied.third_party.natural_person"] is None


def test_rows_with_one_misread_character_are_placed_among_other_lines():
    """A poor scan misreads one character of a label (查→造, 强→理) where the lines between the rows
    that matched do not fit one per missing row: a group label opens the next row's line, a
    sub-table's title and header stand between. Each row is placed on the line whose label is
    its own but for that character, with a finding; the others are left alone."""
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    i = next(k for k, (lab, _) in enumerate(T3_ROWS_2021) if "行政查询" in lab)
    rows[i] = "8.属于行政造询事项|0|2|0|0|0|0|2|"
    rows[i + 1] = "(四)无法提供|" + rows[i + 1]
    rows[0] = "一、本年新收政府信息公开申请数量|5|3|0|0|0|0|8|"
    rows[-2] = "(七)总计|5|3|0|0|0|0|8|"
    t2 = T2.replace("行政强制|0|\n", "行政理制|4|\n第二十条第(八)项|\n信息内容|本年收费金额(单位:万元)|\n")
    r = extract_report(report(rows, t2=t2).encode(), name="r.txt")
    assert [r.cells[f"t3.denied.query.{c}"] for c in ("natural_person", "commercial", "total")] == [0, 2, 2]
    coercion = [k for k in r.cells if k.startswith("t2.coercion.")]
    assert [r.cells[k] for k in coercion][-1] == 4
    placed = {f.found for f in r.findings if f.rule == "parse.row_by_position"}
    assert placed == {"8.属于行政造询事项", "行政理制"}
    assert r.provenance["t3.denied.query.total"].how == "by-position"
    assert not [f for f in r.findings if f.severity == "error"]


def test_a_first_row_whose_label_was_misread_is_placed_below_the_header():
    """规章 read as 章: the only line of values between the table's header and the first row that
    matched is that row's; two such lines for one missing row place nothing."""
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    head = "第二十条第(一)项|\n信息内容|本年制发件数|本年废止件数|现行有效件数|\n"
    r = extract_report(report(rows, t2=head + T2.replace("规章|", "章|")).encode(), name="r.txt")
    assert [r.cells[f"t2.regulations.{c}"] for c in ("issued", "repealed", "in_force")] == [1, 0, 3]
    assert [f.found for f in r.findings if f.rule == "parse.row_by_position"] == ["章"]
    r = extract_report(report(rows, t2=head + T2.replace("规章|", "其他|7|7|7|\n章|")).encode(), name="r.txt")
    assert r.cells["t2.regulations.issued"] is None


def test_a_row_is_not_placed_on_a_line_two_characters_off():
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    i = next(k for k, (lab, _) in enumerate(T3_ROWS_2021) if "行政查询" in lab)
    rows[i] = "8.属于行政造洵事项|0|0|0|0|0|0|0|\n小计|0|0|0|0|0|0|0|"  # two lines with values for one row
    rows[i + 1] = "(四)无法提供|" + rows[i + 1]
    r = extract_report(report(rows).encode(), name="r.txt")
    assert r.cells["t3.denied.query.total"] is None
    assert not [f for f in r.findings if f.rule == "parse.row_by_position"]


def test_a_group_label_on_a_line_of_its_own_leaves_one_line_per_row():
    """A poor scan misread two characters of (二)部分公开's long label, and the next group's label
    stands on a line of its own: the one line with values between the rows that matched is the row's."""
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    i = next(k for k, (lab, _) in enumerate(T3_ROWS_2021) if "部分公开" in lab)
    rows[i] = "(二)鄙分公开(区分处理的,只计述情形,不计其绝情形|" + "|".join(map(str, T3_ROWS_2021[i][1])) + "|"
    rows[i + 1] = "(三)不予公开\n" + rows[i + 1]
    r = extract_report(report(rows).encode(), name="r.txt")
    cols = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
    assert [r.cells[f"t3.partial.{c}"] for c in cols] == T3_ROWS_2021[i][1]
    assert [f.found for f in r.findings if f.rule == "parse.row_by_position"] == ["(二)鄙分公开(区分处理的,只计述情形,不计其绝情形"]


# shapes of tables printed without rules, as an OCR'd scan aligns them into columns
def test_header_split_in_two_leaves_empty_cells_between_the_values():
    t2 = T2.replace("规章|1|0|3|", "规章|1||0||3||").replace("行政规范性文件|2|1|9|", "行政规范性文件|2||1||9||")
    r = check(report([lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021], t2=t2))
    assert [r.cells[f"t2.regulations.{c}"] for c in ("issued", "repealed", "in_force")] == [1, 0, 3]


def test_repeated_header_after_a_page_break_does_not_lend_its_empty_cells_to_the_row_above():
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    rows[6] = "3.危及“三安全一稳定”|0|0|00|0|0|0|"  # two cells read as one, as an unruled scan does
    rows = rows[:7] + ["||||申请人情况|||", "|自然人|商业企业|总计|"] + rows[7:]
    r = check(report(rows))
    assert r.provenance["t3.denied.three_safety.total"].how == "split"


def test_row_label_over_three_lines_with_its_values_beside_the_middle_one():
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    i = next(k for k, (lab, _) in enumerate(T3_ROWS_2021) if "收费通知" in lab)
    rows[i:i + 1] = ["2.申请人逾期未按收费通知要求缴纳费|||||||||", "用、行政机关不再处理其政府信息公开|2|0|1|0|0|0|3|",
                     "申请||||||||"]
    r = extract_report(report(rows).encode(), name="r.txt")
    assert [r.cells[f"t3.other.no_fee.{c}"] for c in ("natural_person", "research", "total")] == [2, 1, 3]
    assert r.cells["t3.other.other.total"] == 0 and r.cells["t3.other.no_correction.total"] == 0


def test_row_label_over_two_lines_each_opening_with_an_empty_cell():
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    i = next(k for k, (lab, _) in enumerate(T3_ROWS_2021) if "部分公开" in lab)
    rows[i:i + 1] = ["||(二)部分公开(区分处理的,只计这||||||||", "||一情形,不计其他情形)|1|0|0|0|0|0|1|"]
    r = check(report(rows))
    assert r.cells["t3.partial.natural_person"] == 1 and r.provenance["t3.partial.total"].how == "printed"


def test_row_label_over_three_lines_matched_twice_reads_the_line_with_values():
    # an unruled scan: the group label (六)其他处理 runs down beside the row label, so the
    # label's two patterns (收费通知, 缴纳费用) match on two lines and only the second has values
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    i = next(k for k, (lab, _) in enumerate(T3_ROWS_2021) if "收费通知" in lab)
    rows[i:i + 1] = ["|(六)其 2.申请人逾期未按收费通知要||||||||", "|他处理求缴纳费用、行政机关不再|2|0|1|0|0|0|3|",
                     "|处理其政府信息公开申请||||||||"]
    r = extract_report(report(rows).encode(), name="r.txt")
    assert [r.cells[f"t3.other.no_fee.{c}"] for c in ("natural_person", "research", "total")] == [2, 1, 3]
    assert r.provenance["t3.other.no_fee.total"].how == "printed"


def test_a_lost_total_row_is_a_missing_row_not_broken_arithmetic():
    """A scan that loses (七)总计 (a page break, a blurred label): its cells are unread, not zero, so
    一+二 = 三(七)+四 is not judged; the missing row is reported instead."""
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021 if lab != "(七)总计"]
    r = extract_report(report(rows).encode(), name="r.txt")
    assert "structure.missing_row" in {f.rule for f in r.findings}
    assert not [f for f in r.findings if f.severity == "error"]
    assert r.cells["t3.total.total"] is None and r.status == "partial"


def test_comma_separated_cells_keep_their_last_value():
    """A row per line, its cells separated by full-width commas: every value read (a digit before
    ``，`` and a label is a value, not the next label's item number)."""
    check(report(["，".join([lab, *map(str, v)]) + "，" for lab, v in T3_ROWS_2021]))


def test_section_heading_cut_into_cells_by_a_table_grid():
    """A scan's grid took 表四's heading for its first row (四、政府信息公开 | 行政复议、行政诉讼情况):
    the heading is still found, whole, and 表四 still read."""
    t4 = T4.replace("四、政府信息公开行政复议、行政诉讼情况\n", "四、政府信息公开|行政复议、行政诉讼情况|\n")
    r = extract_report(report([lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021], t4=t4).encode(),
                       name="r.txt")
    assert "四、政府信息公开行政复议、行政诉讼情况" in r.sections
    assert r.cells["t4.review.total"] == 2


def test_a_row_after_an_empty_label_cell_that_breaks_its_total_is_read_as_printed_and_flagged():
    # an unruled table's second label column leaves an empty cell before the values; the printed
    # total (6) is not the sum (7): the values are still what is printed, and the error is reported
    lines = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    lines[-2] = "(七)总计||5|1|0|0|0|1|6|"
    r = extract_report(report(lines).encode(), name="r.txt")
    assert [r.cells[f"t3.total.{c}"] for c in ("natural_person", "commercial", "other_org", "total")] == [5, 1, 1, 6]
    assert any(f.rule == "t3.row_total.total" and f.severity == "error" for f in r.findings)


def test_table_four_one_cell_per_line_keeps_the_trace_of_its_empty_cell():
    head = ["四、政府信息公开行政复议、行政诉讼情况", "", "行政复议", "", "行政诉讼", "", "结果维持", "", "结果纠正", "",
            "其他结果", "", "尚未审结", "", "总计", ""]
    values = ["1", "0", "0", "1", "2", "0", "0", "3", "0", "3", "", "0", "0", "0", "0"]
    t4 = "\n".join(head + [x for v in values for x in (v, "")]) + "\n"
    lines = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    r = extract_report(report(lines, t4=t4).encode(), name="r.txt")
    got = [r.cells[k] for k in r.cells if k.startswith("t4.")]
    assert got == [1, 0, 0, 1, 2, 0, 0, 3, 0, 3, None, 0, 0, 0, 0]


def test_a_row_placed_by_position_may_hold_a_cell_printed_empty():
    # a poor scan misreads 规章 and 规范性文件 before the first label that matched; one of the two
    # rows has a cell printed empty, which still counts as one of its cells
    t2 = "提章|1|0|3|\n提箱性文件|2||9|\n行政许可|15|\n行政处罚|7|\n行政强制|0|\n行政事业性收费|12.5|\n"
    lines = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    r = extract_report(report(lines, t2=t2).encode(), name="r.txt")
    assert [r.cells[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [2, None, 9]
    assert r.cells["t2.regulations.in_force"] == 3


def test_table_four_one_value_per_line_that_lost_its_last_value_gets_it_from_its_group():
    """A scan lost 表四's last number (复议后起诉 总计): the group's own total gives it back, and only there
    can the fourteen printed values stand without a group breaking its sum."""
    values = [2, 0, 0, 0, 2, 0, 0, 18, 0, 18, 27, 0, 20, 2]  # 49 lost
    t4 = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n"
          "未经复议直接起诉\n复议后起诉\n" + "结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n" * 2
          + "\n".join(map(str, values)) + "\n")
    r = extract_report(report([lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021], t4=t4).encode(),
                       name="r.txt")
    got = [r.cells[f"t4.{g}.{o}"] for g in ("review", "suit_direct", "suit_after_review")
           for o in ("upheld", "corrected", "other", "pending", "total")]
    assert got == values + [49]
    src = r.provenance["t4.suit_after_review.total"]
    assert (src.how, src.rule) == ("inferred", "t4.total.suit_after_review")


def test_a_row_run_together_into_two_long_runs_beside_an_empty_cell_is_split():
    """OCR lost the spaces of a row (160 22 37 13 211 139 582 as 160223713 211139582) and the table's grid
    gave it an empty cell after them: the runs are split so that the row adds up, the empty cell dropped."""
    rows = [lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021]
    rows[0] = "一、本年新收政府信息公开申请数量|160223713 211139582||"
    rows[1] = "二、上年结转政府信息公开申请数量|0|0|0|0|0|0|0|"
    r = extract_report(report(rows).encode(), name="r.txt")
    assert [r.cells[f"t3.new_received.{c}"] for c in ("natural_person", "commercial", "research", "social_org",
                                                      "legal_service", "other_org", "total")] == [160, 22, 37, 13,
                                                                                                 211, 139, 582]


def test_table_four_run_together_beside_empty_grid_cells_is_split_to_add_up():
    """OCR ran 29|0 and 17|17 together and the grid closed the line with two empty cells: fifteen cells as
    read, but they break the groups' sums; the runs split and the empty cells dropped add up."""
    t4 = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议|行政诉讼|\n结果维持|结果纠正|其他结果|尚未审结|总计|\n"
          "0|290|0|29|30|0|0|0|30|0|0|0|1717|||\n")
    r = extract_report(report([lab + "|" + "|".join(map(str, v)) + "|" for lab, v in T3_ROWS_2021], t4=t4).encode(),
                       name="r.txt")
    got = [r.cells[f"t4.{g}.{o}"] for g in ("review", "suit_direct", "suit_after_review")
           for o in ("upheld", "corrected", "other", "pending", "total")]
    assert got == [0, 29, 0, 0, 29, 30, 0, 0, 0, 30, 0, 0, 0, 17, 17]


def test_a_total_printed_empty_stays_empty_when_the_row_breaks_its_sum():
    """A report printed a row's 总计 empty (its parts add up to 35), read from a scanned grid: the empty cell
    is a cell, not grid debris to drop while some placement of the parts infers a total."""
    from extract.slots import read_slots
    from extract.tables import _candidates

    row = next(r for r in LAYOUTS["2021"].table("t3").rows if r.key == "denied.three_safety")
    slots = read_slots("\x1f0\x1f0\x1f0\x1f0\x1f35\x1f0\x1f\x1e\x1f\n")
    assert _candidates("t3", row, slots)[0].values == [0, 0, 0, 0, 35, 0, None]
