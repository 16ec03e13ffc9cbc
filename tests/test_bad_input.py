"""The "bad input" contract: ``extract_report`` never raises, and an input that is not a
readable annual report comes back quickly as ``status="failed"`` with an error that says why.
The CLI keeps going through a batch with bad files in it and leaves no temporary files."""
from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract.cli import main
from extract.pipeline import extract_report
from extract.report import Report
from training.synth import random_report, render

MAX_SECONDS = 5.0  # generous: every one of these should be rejected in well under a second
NOT_A_REPORT = "not a government information disclosure annual report"


BUDGET_REPORT = """\
某市民政局2023年度部门决算
第一部分 部门概况
一、主要职能
贯彻执行国家有关民政工作的方针政策和法律法规，拟订全市民政事业发展规划并组织实施。
二、部门决算单位构成
本部门2023年度部门决算汇总编报单位共5个，其中行政单位1个，事业单位4个。
第二部分 2023年度部门决算表
第三部分 2023年度部门决算情况说明
一、收入支出决算总体情况说明
2023年度收入总计18452.36万元，支出总计18452.36万元。与2022年度相比，收入、支出总计各增加1236.58万元，增长7.2%。
主要原因是最低生活保障资金和特困人员救助供养资金增加。
二、收入决算情况说明
本年收入合计17208.14万元，其中：财政拨款收入16890.52万元，占98.15%；事业收入210.40万元，占1.22%；其他收入107.22万元，占0.63%。
三、支出决算情况说明
本年支出合计17650.09万元，其中：基本支出3128.77万元，占17.73%；项目支出14521.32万元，占82.27%。
四、财政拨款收入支出决算总体情况说明
2023年度财政拨款收入总计17402.66万元，支出总计17402.66万元。
五、一般公共预算财政拨款支出决算情况说明
2023年度一般公共预算财政拨款支出16543.21万元，占本年支出合计的93.73%。
(一)社会保障和就业支出15987.43万元，占96.64%；
(二)卫生健康支出312.56万元，占1.89%；
(三)住房保障支出243.22万元，占1.47%。
六、一般公共预算财政拨款基本支出决算情况说明
2023年度一般公共预算财政拨款基本支出2987.65万元，其中：人员经费2611.38万元，公用经费376.27万元。
七、"三公"经费财政拨款支出决算情况说明
2023年度"三公"经费财政拨款支出预算为28.50万元，支出决算为21.36万元，完成预算的74.95%。
其中：因公出国(境)费0万元；公务用车购置及运行维护费18.20万元；公务接待费3.16万元。
八、政府性基金预算财政拨款收入支出决算情况说明
2023年度政府性基金预算财政拨款收入859.45万元，支出859.45万元，主要用于彩票公益金安排的社会福利项目。
九、国有资本经营预算财政拨款支出决算情况说明
本部门2023年度无国有资本经营预算财政拨款支出。
十、其他重要事项的情况说明
(一)机关运行经费支出情况：2023年度机关运行经费支出376.27万元，比上年减少12.35万元，下降3.2%。
(二)政府采购支出情况：2023年度政府采购支出总额1365.80万元，其中政府采购货物支出215.30万元。
(三)国有资产占有使用情况：截至2023年12月31日，共有车辆6辆，单价100万元以上设备0台(套)。
(四)预算绩效管理情况：组织对2023年度一般公共预算项目支出全面开展绩效自评，共涉及资金14521.32万元。
第四部分 名词解释
一、财政拨款收入：指本级财政当年拨付的资金。
二、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。
"""

NEWS_ARTICLE = """\
我市召开2024年政务公开工作推进会
本报讯（记者 张明）3月15日上午，我市召开2024年政务公开工作推进会，总结去年工作，部署今年任务。
会议指出，过去一年全市各级各部门认真落实政务公开各项要求，政府网站集约化建设取得明显成效。
会议强调，要持续深化政务公开，围绕群众关切做好政策解读，不断提升政务服务水平。
市政府副秘书长出席会议并讲话，各县区政府办公室负责人参加会议。
"""

NOT_A_REPORT_HTML = """\
<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于举办2024年全民健身运动会的通知</title></head>
<body><div class="nav">首页 &gt; 通知公告</div>
<div class="content"><h1>关于举办2024年全民健身运动会的通知</h1>
<p>各乡镇人民政府、县直各单位：</p>
<p>为深入实施全民健身国家战略，经研究，决定于2024年5月举办全民健身运动会。现将有关事项通知如下：</p>
<p>一、比赛时间：2024年5月18日至19日。</p><p>二、比赛地点：县体育中心。</p>
<table border="1"><tr><td>项目</td><td>人数</td></tr><tr><td>篮球</td><td>12</td></tr><tr><td>乒乓球</td><td>4</td></tr></table>
</div><div class="footer">扫一扫在手机打开当前页 版权所有</div></body></html>
"""


def _extract(source, **kw) -> tuple[Report, float]:
    t = time.perf_counter()
    report = extract_report(source, **kw)
    return report, time.perf_counter() - t


def assert_failed(report: Report, elapsed: float, *words: str) -> None:
    assert report.status == "failed", f"expected failed, got {report.status}"
    assert report.error, "a failed report must say why"
    assert not report.error.startswith("internal error"), report.error
    for w in words:
        assert w in report.error, f"{w!r} not in error {report.error!r}"
    assert report.cells == {} and report.findings == [] and report.provenance == {}
    assert elapsed < MAX_SECONDS, f"took {elapsed:.1f}s"
    json.loads(report.to_json())  # a failed report is still a valid output record


def random_bytes(seed: int, n: int, lo: int = 0, hi: int = 256) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(lo, hi) for _ in range(n))


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


# ---------------------------------------------------------------- unreadable files

def test_empty_file(tmp_path: Path) -> None:
    assert_failed(*_extract(write(tmp_path, "empty.txt", b"")), "empty")


@pytest.mark.parametrize("name", ["blank.txt", "blank.html"])
def test_whitespace_only_file(tmp_path: Path, name: str) -> None:
    assert_failed(*_extract(write(tmp_path, name, b" \n\t\r\n  \n")), "empty")


def nul_heavy_binary(seed: int, n: int) -> bytes:
    """Bytes shaped like an executable or image: a quarter NULs, the rest random."""
    rng = random.Random(seed)
    return bytes(0 if rng.random() < 0.25 else rng.randrange(1, 256) for _ in range(n))


@pytest.mark.parametrize("data", [nul_heavy_binary(1234, 64 * 1024), random_bytes(1234, 64 * 1024)],
                         ids=["nul-heavy", "uniform"])
def test_binary_garbage_named_txt(tmp_path: Path, data: bytes) -> None:
    assert data.count(0) > 100
    assert_failed(*_extract(write(tmp_path, "garbage.txt", data)), "binary")


def test_undecodable_bytes(tmp_path: Path) -> None:
    data = random_bytes(99, 8 * 1024, 0x80, 0x100)  # no NULs, and not text in any CJK encoding
    assert_failed(*_extract(write(tmp_path, "mojibake.txt", data)), "undecodable")


def test_undecodable_bytes_given_as_bytes() -> None:
    assert_failed(*_extract(random_bytes(7, 8 * 1024, 0x80, 0x100), name="upload.txt"), "undecodable")


def test_control_bytes_without_nuls_are_binary(tmp_path: Path) -> None:
    data = random_bytes(5, 8 * 1024, 1, 32)  # \x01-\x1f: valid UTF-8, but no text file looks like this
    assert_failed(*_extract(write(tmp_path, "ctrl.txt", data)), "binary")


def test_file_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:  # sparse: 100 MiB in no time and no disk
        f.write("一、总体情况\n".encode())
        f.truncate(100 * 2**20)
    report, elapsed = _extract(path)
    assert_failed(report, elapsed, "too large", "100.0 MiB", "20 MiB")


def test_unsupported_extension(tmp_path: Path) -> None:
    data = b"PK\x03\x04" + random_bytes(3, 2048)  # a zip of something
    report, elapsed = _extract(write(tmp_path, "report.xyz", data))
    assert_failed(report, elapsed, "unsupported file type", ".xyz")


def test_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "no_such_dir" / "report.txt"
    report, elapsed = _extract(path)
    assert_failed(report, elapsed, "not a file", "report.txt")
    assert report.source == str(path) and report.doc_id == "report"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert_failed(*_extract(tmp_path), "not a file")


def test_broken_pdf(tmp_path: Path) -> None:
    assert_failed(*_extract(write(tmp_path, "broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog")), "PDF")


# ---------------------------------------------------------------- readable, but not a report

@pytest.mark.parametrize("name, text", [("budget_2023.txt", BUDGET_REPORT), ("news.txt", NEWS_ARTICLE),
                                        ("notice.html", NOT_A_REPORT_HTML)])
def test_other_documents_are_not_reports(tmp_path: Path, name: str, text: str) -> None:
    report, elapsed = _extract(write(tmp_path, name, text))
    assert_failed(report, elapsed, NOT_A_REPORT)
    assert report.kind == Path(name).suffix.lstrip(".")  # it was read, then rejected


def test_budget_report_in_gb18030_is_not_a_report(tmp_path: Path) -> None:
    report, elapsed = _extract(write(tmp_path, "budget.txt", BUDGET_REPORT.encode("gb18030")))
    assert_failed(report, elapsed, NOT_A_REPORT)


# ---------------------------------------------------------------- a batch through the CLI

def good_report(seed: int):
    rng = random.Random(seed)
    rep = random_report(rng, consistent=True)
    return rep, render(rep, "pipe", rng)


def test_cli_batch_with_bad_files(tmp_path: Path) -> None:
    inp, out = tmp_path / "in", tmp_path / "out"
    inp.mkdir()
    bad = {"empty": write(inp, "empty.txt", b""),
           "garbage": write(inp, "garbage.txt", nul_heavy_binary(8, 4096)),
           "budget": write(inp, "budget.txt", BUDGET_REPORT)}
    good = {}
    for seed in (11, 12):
        rep, text = good_report(seed)
        write(inp, f"good{seed}.txt", text)
        good[f"good{seed}"] = rep

    t = time.perf_counter()
    result = CliRunner().invoke(main, ["extract", str(inp), "-o", str(out), "--no-progress"])
    assert time.perf_counter() - t < 5 * MAX_SECONDS
    assert result.exit_code == 0, result.output
    assert "5 input(s)" in result.output and "3 failed" in result.output

    names = sorted(os.listdir(out))  # os.listdir: hidden ".x.json.*.tmp" files included
    assert not [n for n in names if n.endswith(".tmp")], names
    names = [n for n in names if n.endswith(".json")]
    assert names == sorted(f"{stem}.json" for stem in [*bad, *good])

    outputs = {n[:-5]: json.loads((out / n).read_text(encoding="utf-8")) for n in names}
    for stem in bad:
        assert outputs[stem]["status"] == "failed" and outputs[stem]["error"], stem
        assert outputs[stem]["cells"] == {}
    assert "empty" in outputs["empty"]["error"]
    assert "binary" in outputs["garbage"]["error"]
    assert NOT_A_REPORT in outputs["budget"]["error"]
    for stem, rep in good.items():
        got = outputs[stem]
        assert got["status"] in ("ok", "partial") and got["error"] is None, stem
        assert got["layout"] == rep.layout
        assert got["meta"] == {"agency": rep.agency, "year": rep.year}
        assert got["cells"] == rep.cells, stem
