"""The reporting body and year read from a report's title, in the title forms reports print."""
import pytest

from extract.sections import find_meta

BODY = "\n一、总体情况\n2021年，本局认真贯彻落实《条例》。\n"


@pytest.mark.parametrize("head, agency, year", [
    ("某县民政局2021年政府信息公开工作年度报告", "某县民政局", 2021),
    ("某县民政局2021年度政府信息公开工作报告", "某县民政局", 2021),
    ("2021年某县民政局政府信息公开工作年度报告", "某县民政局", 2021),
    ("某县民政局关于2021年政府信息公开工作的年度报告", "某县民政局", 2021),
    ("某县民政局\n关于2021年政府信息公开工作的年度报告", "某县民政局", 2021),  # the body on a line of its own
    ("某县民政局\n关于2021年政府信息公开工作的年度报\n告", "某县民政局", 2021),  # and the title wrapped
])
def test_title_forms(head: str, agency: str, year: int) -> None:
    assert find_meta(head + BODY) == {"agency": agency, "year": year}


@pytest.mark.parametrize("link", ["上一篇：", "微信：", "下一篇:"])
def test_a_link_to_another_report_above_the_title_is_not_the_title(link: str) -> None:
    head = f"{link}某市财政局2023年政府信息公开工作年度报告\n某县民政局2021年政府信息公开工作年度报告"
    assert find_meta(head + BODY) == {"agency": "某县民政局", "year": 2021}


def test_a_labelled_title_is_still_the_title() -> None:
    assert find_meta("标题：某县民政局2021年政府信息公开工作年度报告" + BODY)["agency"] == "某县民政局"


def test_a_title_wrapped_inside_xinxi_gongkai() -> None:
    head = "2024年某市某区民政局政府信息公\n开工作年度报告"
    assert find_meta(head + BODY) == {"agency": "某市某区民政局", "year": 2024}


def test_a_browser_print_header_before_the_title_is_not_the_agency() -> None:
    head = "2021/1/24 9:10 2019年某县民政局政府信息公开工作年度报告\n某县民政局2019年政府信息公开工作年度报告"
    assert find_meta(head + BODY) == {"agency": "某县民政局", "year": 2019}
    # OCR misread the header's 报告: the title below still names the body, never the clock
    head = "290171/24 9.10 2019年某县民致局政府信息公开工作年度报告\n2019年某县民政局政府信息公开工作年度报告"
    assert find_meta(head + BODY)["agency"] == "某县民政局"  # OCR misread the header: the title below is the clean one


def test_a_link_to_another_report_without_a_colon_loses_to_the_title_the_text_signs() -> None:
    head = "长者模式某市财政局2023年政府信息公开工作年度报告\n某县民政局2021年政府信息公开工作年度报告"
    tail = "\n如对本报告有疑问，请与某县民政局办公室联系。\n某县民政局\n2022年1月20日\n"
    assert find_meta(head + BODY + tail) == {"agency": "某县民政局", "year": 2021}
    # the same link printed again as page furniture is still a title line, not a signature
    assert find_meta(head + BODY + "长者模式某市财政局2023年政府信息公开工作年度报告\n" + tail)["agency"] == "某县民政局"


# A file's own title (HTML <title>, PDF or Word metadata) names the body where the printed text names none.
_UNTITLED = ("<p>一、总体情况</p><p>本年度认真贯彻落实《条例》。</p><p>二、主动公开政府信息情况</p>"
             "<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
             "<tr><td>规章</td><td>1</td><td>0</td><td>3</td></tr></table>"
             "<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>")


def _html(title: str, body: str = "") -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}{_UNTITLED}</body></html>".encode()


def test_the_html_page_title_names_the_body_when_the_page_prints_none() -> None:
    from extract import extract_report
    r = extract_report(_html("某县民政局2021年政府信息公開工作年度報告_某县人民政府"), name="a.html", use_model=False)
    assert r.meta == {"agency": "某县民政局", "year": 2021}  # simplified, the site's name after it dropped


def test_a_printed_title_wins_over_the_page_title() -> None:
    from extract import extract_report
    r = extract_report(_html("某市人民政府门户网站", "<p>某县民政局2021年政府信息公开工作年度报告</p>"), name="a.html",
                       use_model=False)
    assert r.meta["agency"] == "某县民政局"
    r = extract_report(_html("某市人民政府 政府信息公开年报"), name="a.html", use_model=False)
    assert r.meta["agency"] is None  # a site's own title names no report's body


def test_pdf_and_word_metadata_titles_are_read() -> None:
    import io

    import docx
    from reportlab.pdfgen import canvas

    from extract.readers.docx import read_docx
    from extract.readers.pdf import read_pdf
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setTitle("某县民政局2021年政府信息公开工作年度报告")
    c.drawString(72, 720, "2021 annual report")
    c.save()
    assert read_pdf(buf.getvalue(), "a.pdf").title == "某县民政局2021年政府信息公开工作年度报告"
    d = docx.Document()
    d.add_paragraph("一、总体情况")
    d.core_properties.title = "某县民政局2021年政府信息公开工作年度报告"
    buf = io.BytesIO()
    d.save(buf)
    assert read_docx(buf.getvalue(), "a.docx").title == "某县民政局2021年政府信息公开工作年度报告"
