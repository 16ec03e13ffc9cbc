"""OCR digit misreads that table 三's arithmetic pins down (extract/misreads.py), end to end."""
from __future__ import annotations

from extract.misreads import find_misreads, ocr_confusable
from extract.pipeline import analyze
from extract.readers import read_document
from extract.report import Report
from tests.test_tables_shapes import T3_ROWS_2021, report


def _extract(rows: list[str], ocr: bool, score: float = 0.9) -> Report:
    doc = read_document(report(rows).encode(), name="r.txt")
    for page in doc.pages:
        page.ocr = ocr  # the same text as a scan's OCR would give it, OCR unsure of every line
        for seg in page.segments:
            seg.confidence = score if ocr else 1.0
    return analyze(doc, Report(doc_id="r", source="r.txt", kind="txt"), use_model=False)


def _rows(**changed: list[int]) -> list[str]:
    out = []
    for label, values in T3_ROWS_2021:
        values = changed.get(label, values)
        out.append(label + "|" + "|".join(map(str, values)) + "|")
    return out


def test_a_cell_misread_by_one_digit_takes_the_value_its_row_and_column_agree_on():
    rows = _rows(**{"2.重复申请": [6, 0, 0, 0, 0, 0, 0]})  # the 0 read as 6
    r = _extract(rows, ocr=True)
    assert r.cells["t3.rejected.duplicate.natural_person"] == 0
    src = r.provenance["t3.rejected.duplicate.natural_person"]
    assert src.how == "corrected" and src.confidence <= 0.6 and src.text == "6"
    (f,) = [f for f in r.findings if f.rule == "ocr.misread"]
    assert (f.found, f.expected, f.cells) == (6, 0, ["t3.rejected.duplicate.natural_person"])
    assert not [f for f in r.findings if f.severity == "error"]


def test_a_text_layer_keeps_what_it_prints():
    r = _extract(_rows(**{"2.重复申请": [6, 0, 0, 0, 0, 0, 0]}), ocr=False)
    assert r.cells["t3.rejected.duplicate.natural_person"] == 6
    assert {f.rule for f in r.findings if f.severity == "error"} == {"t3.row_total.rejected.duplicate",
                                                                    "t3.results_sum.natural_person"}


def test_a_sure_ocr_read_is_taken_as_printed():
    r = _extract(_rows(**{"2.重复申请": [6, 0, 0, 0, 0, 0, 0]}), ocr=True, score=0.995)
    assert r.cells["t3.rejected.duplicate.natural_person"] == 6
    assert not [f for f in r.findings if f.rule == "ocr.misread"]


def test_no_correction_when_the_pinned_value_is_no_look_alike_of_the_read():
    r = _extract(_rows(**{"2.重复申请": [16, 0, 0, 0, 0, 0, 0]}), ocr=True)  # 16 -> 0: two digits
    assert r.cells["t3.rejected.duplicate.natural_person"] == 16
    # a total printed 1 more than its parts (a report's own error, as the synthetic reports make): 7 is no
    # misread of 6
    r = _extract(_rows(**{"一、本年新收政府信息公开申请数量": [5, 1, 0, 0, 0, 0, 7]}), ocr=True)
    assert r.cells["t3.new_received.total"] == 7
    assert not [f for f in r.findings if f.rule == "ocr.misread"]


def test_a_total_misread_by_one_digit_is_pinned_by_its_row_and_the_balance():
    r = _extract(_rows(**{"一、本年新收政府信息公开申请数量": [5, 1, 0, 0, 0, 0, 8]}), ocr=True)  # 6 read as 8
    assert r.cells["t3.new_received.total"] == 6
    assert r.provenance["t3.new_received.total"].rule == "t3.balance.total t3.row_total.new_received"


def test_a_row_that_adds_up_is_left_as_read_even_when_its_columns_break():
    # 6 in a row that adds up to 6: whatever the columns say, the row prints what it means (a report's error)
    r = _extract(_rows(**{"2.重复申请": [6, 0, 0, 0, 0, 0, 6]}), ocr=True)
    assert r.cells["t3.rejected.duplicate.natural_person"] == 6 and r.cells["t3.rejected.duplicate.total"] == 6
    assert not [f for f in r.findings if f.rule == "ocr.misread"]
    assert {f.rule for f in r.findings if f.severity == "error"} == {"t3.results_sum.natural_person",
                                                                    "t3.results_sum.total"}


def test_ocr_confusable():
    assert ocr_confusable(9, 0) and ocr_confusable(58, 53) and ocr_confusable(71, 11) and ocr_confusable(1131, 113)
    assert not ocr_confusable(7, 7) and not ocr_confusable(51, 15) and not ocr_confusable(500, 5)
    assert not ocr_confusable(4, 2) and not ocr_confusable(13, 131)  # a dropped digit: no look-alike


def test_two_misreads_in_one_column_are_left_alone():
    rows = _rows(**{"2.重复申请": [6, 0, 0, 0, 0, 0, 0], "3.要求提供公开出版物": [9, 0, 0, 0, 0, 0, 0]})
    r = _extract(rows, ocr=True)
    assert r.cells["t3.rejected.duplicate.natural_person"] == 6 and r.cells["t3.rejected.publication.natural_person"] == 9
    assert not [f for f in r.findings if f.rule == "ocr.misread"]  # the column asks 15 of each: no single value
    assert find_misreads({}, "2021", {"t3"}, frozenset(), set()) == []
