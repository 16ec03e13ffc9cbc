"""Section headings as reports print them: where a heading ends."""
import pytest

from extract.sections import find_sections

HEADS = "一、总体情况\n正文。\n二、主动公开政府信息情况\n正文。\n三、收到和处理政府信息公开申请情况\n正文。\n" \
        "四、政府信息公开行政复议、行政诉讼情况\n正文。\n"


@pytest.mark.parametrize("five", [
    "五、存在的主要问题及改进措施\n（二）人大代表建议和政协提案办理结果公开情况。落实审查机制。",  # a sub-heading on the next line
    "五、存在的主要问题及改进措施(五)全面提升公开质量情况。",  # run together with it
    "五、政府信息公开工作存在的主要问题及改进措施\n七是强化监督工作情况",
])
def test_a_heading_ending_in_measures_does_not_take_the_sub_heading_after_it(five: str) -> None:
    heads = find_sections(HEADS + five + "\n六、其他需要报告的事项\n无。\n")
    assert [h.text for h in heads][4] == five.split("\n")[0].split("(")[0]


def test_a_heading_wrapped_over_two_lines_is_still_joined() -> None:
    heads = find_sections(HEADS + "五、政府信息公开工作存在的主要问题\n及改进情况\n正文。\n六、其他需要报告的事项\n无。\n")
    assert heads[4].text == "五、政府信息公开工作存在的主要问题及改进情况"


@pytest.mark.parametrize("five, head", [
    ("五、存在的主要问题及改进举措(四)政府信息公开平台建设情况。", "五、存在的主要问题及改进举措"),
    ("五、存在的主要问题及改进举措二是加强平台建设情况。", "五、存在的主要问题及改进举措"),
    ("五、存在的主要问题及改进情况（一）存在问题。", "五、存在的主要问题及改进情况"),
])
def test_a_sub_heading_run_on_after_a_heading_is_not_part_of_it(five: str, head: str) -> None:
    heads = find_sections(HEADS + five + "\n六、其他需要报告的事项\n无。\n")
    assert heads[4].text == head


def test_a_heading_wrapped_between_the_two_characters_of_its_ending() -> None:
    text = HEADS.replace("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情\n况")
    heads = find_sections(text + "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n")
    assert heads[3].text == "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"
