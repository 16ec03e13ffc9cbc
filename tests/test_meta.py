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
