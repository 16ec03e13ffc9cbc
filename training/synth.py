"""Synthetic annual reports: random numbers that obey (or break) the format, rendered in
the shapes real reports take in the wild. Deterministic from a seed.

Used by the property tests (every shape must parse back) and, later, to train the
token classifier. Labels come from ``extract.schema`` so the generator and the
parser share one definition of the format.

Example:
    >>> import random
    >>> rep = random_report(random.Random(0), layout="2021")
    >>> text = render(rep, "pipe", random.Random(1))
    >>> "三、收到和处理政府信息公开申请情况" in text
    True
"""
from __future__ import annotations

import html as _html
import random
from dataclasses import dataclass, field

from extract.equations import equations, holds
from extract.schema import LAYOUTS, SECTIONS, T3_COLUMNS, T3_FLOW_ROWS, T4_OUTCOMES

SHAPES = ("pipe", "tab", "lines", "blank_lines", "markdown", "html", "flat_spaced", "flat_run")
PLACES = ("灵丘县", "衡阳市祁东县", "长治市", "淮安市洪泽区", "平潭综合实验区", "上海市", "昆区", "盐池县", "沭阳县", "广州市天河区",
          "成都市武侯区", "哈尔滨市", "拉萨市", "乌鲁木齐市", "杭州市余杭区", "贵阳市", "海口市", "西宁市")
BODIES = ("人民政府", "人民政府办公室", "文化和旅游局", "民政局", "财政局", "自然资源和规划局", "生态环境局", "教育局", "卫生健康委员会",
          "市场监督管理局", "数据局", "住房和城乡建设局", "交通运输局", "公安局", "司法局", "应急管理局")
FILLER = ("坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，",
          "持续深化政务公开，不断提升政府信息公开质量和实效，", "全年通过政府门户网站主动公开政府信息{n}条，",
          "进一步规范依申请公开办理流程，", "加强政策解读，发布解读材料{n}篇，", "组织开展业务培训{n}次，",
          "一是加强组织领导；二是完善制度建设；三是强化监督保障。")


@dataclass
class SynthReport:
    layout: str
    agency: str
    year: int
    cells: dict
    consistent: bool
    sections: list[str] = field(default_factory=list)

    def gold(self, doc_id: str) -> dict:
        """The report as a gold label (shared/gold/FORMAT.md)."""
        return {"doc_id": doc_id, "layout": self.layout, "meta": {"agency": self.agency, "year": self.year},
                "sections": self.sections, "cells": dict(self.cells), "notes": "synthetic"}


def _small(rng: random.Random, zero: float = 0.6, hi: int = 40) -> int:
    return 0 if rng.random() < zero else rng.randint(1, hi)


def random_cells(rng: random.Random, layout: str, *, consistent: bool = True, zero: float = 0.6) -> dict:
    """Numbers for every cell of a layout; consistent ones obey every equation."""
    cells: dict = {}
    t3 = LAYOUTS[layout].table("t3")
    results = [r.key for r in t3.rows if not r.extra and r.key not in T3_FLOW_ROWS]
    cols = [c.key for c in T3_COLUMNS[:-1]]
    for c in cols:
        tot = 0
        for r in results:
            cells[f"t3.{r}.{c}"] = v = _small(rng, zero if c == "natural_person" else 0.85, 60)
            tot += v
        fwd = _small(rng, 0.7, 20)
        carried = rng.randint(0, tot + fwd) if rng.random() < 0.4 else 0
        cells[f"t3.total.{c}"], cells[f"t3.carried_forward.{c}"] = tot, fwd
        cells[f"t3.carried_over.{c}"], cells[f"t3.new_received.{c}"] = carried, tot + fwd - carried
    for r in [r.key for r in t3.rows if not r.extra]:
        cells[f"t3.{r}.total"] = sum(cells[f"t3.{r}.{c}"] for c in cols)
    for g in LAYOUTS[layout].table("t4").rows:
        outs = [o.key for o in T4_OUTCOMES[:-1]]
        for o in outs:
            cells[f"t4.{g.key}.{o}"] = _small(rng, 0.7, 30)
        cells[f"t4.{g.key}.total"] = sum(cells[f"t4.{g.key}.{o}"] for o in outs)
    for row in LAYOUTS[layout].table("t2").rows:
        for col in row.columns:
            k = f"t2.{row.key}.{col.key}"
            if col.kind == "money":
                cells[k] = round(rng.uniform(0, 9999), rng.choice((0, 1, 2, 3))) if rng.random() > 0.4 else 0
                if isinstance(cells[k], float) and cells[k].is_integer():
                    cells[k] = int(cells[k])
            elif col.kind == "change":
                cells[k] = rng.choice((0, 0, 0, rng.randint(1, 9), -rng.randint(1, 9)))
            else:
                cells[k] = _small(rng, 0.4, rng.choice((20, 500, 5000)))
    if not consistent:
        eq = rng.choice([e for e in equations(layout) if e.id.startswith(("t3.balance", "t3.row_total", "t4."))])
        k = rng.choice(eq.rhs)
        cells[k] = cells[k] + rng.randint(1, 5)
        assert holds(eq, cells) is False
    return cells


def random_report(rng: random.Random, layout: str | None = None, *, consistent: bool | None = None) -> SynthReport:
    layout = layout or rng.choice(("2019", "2021"))
    consistent = rng.random() < 0.8 if consistent is None else consistent
    year = rng.randint(2019, 2020) if layout == "2019" else rng.randint(2021, 2025)
    agency = rng.choice(PLACES) + rng.choice(BODIES)
    return SynthReport(layout, agency, year, random_cells(rng, layout, consistent=consistent), consistent,
                       [s[2] for s in SECTIONS])


# ------------------------------------------------------------------ rendering
def _fmt(v) -> str:
    return "" if v is None else str(v)


def table_rows(rep: SynthReport) -> dict[str, list[list[str]]]:
    """The three tables as printed rows of cell texts (header rows included)."""
    lay = LAYOUTS[rep.layout]
    t2: list[list[str]] = []
    for i, row in enumerate(lay.table("t2").rows):
        if i == 0 or row.columns != lay.table("t2").rows[i - 1].columns:
            t2.append([f"第二十条第({'一五六八九'[min(i, 4)]})项"])
            t2.append(["信息内容"] + [c.label for c in row.columns])
        t2.append([row.label] + [_fmt(rep.cells[f"t2.{row.key}.{c.key}"]) for c in row.columns])
    t3 = [["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "申请人情况"],
          ["自然人", "法人或其他组织", "总计"], [c.label for c in T3_COLUMNS[1:-1]]]
    groups = {"granted": "三、本年度办理结果", "denied.state_secret": "(三)不予公开", "unable.not_held": "(四)无法提供",
              "rejected.petition": "(五)不予处理", "other.no_correction": "(六)其他处理"}
    for row in lay.table("t3").rows:
        if row.extra:
            continue
        lead = [groups[row.key]] if row.key in groups else []
        t3.append(lead + [row.label] + [_fmt(rep.cells[f"t3.{row.key}.{c.key}"]) for c in T3_COLUMNS])
    t4 = [["行政复议", "行政诉讼"], [o.label for o in T4_OUTCOMES] + ["未经复议直接起诉", "复议后起诉"],
          [o.label for o in T4_OUTCOMES] * 2,
          [_fmt(rep.cells[f"t4.{g.key}.{o.key}"]) for g in lay.table("t4").rows for o in T4_OUTCOMES]]
    return {"t2": t2, "t3": t3, "t4": t4}


def _narrative(rng: random.Random, n: int = 3) -> str:
    return "".join(rng.choice(FILLER).format(n=rng.randint(1, 900)) for _ in range(n)).rstrip("，") + "。"


def _table_text(rows: list[list[str]], shape: str) -> list[str]:
    if shape == "pipe":
        return ["|".join(r) + "|" for r in rows]
    if shape == "tab":
        return ["\t".join(r) for r in rows]
    if shape == "markdown":
        out = []
        for i, r in enumerate(rows):
            out.append("| " + " | ".join(c or " " for c in r) + " |")
            if i == 0:
                out.append("|" + "---|" * len(r))
        return out
    if shape == "lines":
        return [c for r in rows for c in r if c]
    if shape == "blank_lines":
        return [line for r in rows for c in r for line in (c, "")]
    if shape == "flat_spaced":
        return ["".join(c if not c.replace(".", "").replace("-", "").isdigit() else f" {c} " for c in r) for r in rows]
    if shape == "flat_run":
        return ["".join(r) for r in rows]
    raise ValueError(shape)


def render(rep: SynthReport, shape: str, rng: random.Random) -> str:
    """The whole report as text (or HTML for ``shape="html"``)."""
    tables = table_rows(rep)
    title = f"{rep.agency}{rep.year}年政府信息公开工作年度报告"
    blocks: list[tuple[str, object]] = [("p", title), ("p", _narrative(rng, 2))]
    for number, _, heading in SECTIONS:
        blocks.append(("h", heading))
        tid = {"二": "t2", "三": "t3", "四": "t4"}.get(number)
        if tid:
            blocks.append(("t", tables[tid]))
        else:
            blocks.append(("p", _narrative(rng)))
    if shape == "html":
        body = []
        for kind, x in blocks:
            if kind == "t":
                body.append("<table border=1>" + "".join(
                    "<tr>" + "".join(f"<td>{_html.escape(c) or '&nbsp;'}</td>" for c in r) + "</tr>" for r in x)
                            + "</table>")
            else:
                body.append(f"<p>{_html.escape(x)}</p>")
        return ("<html><head><meta charset='utf-8'><title>" + title + "</title></head><body><div class='nav'>首页 &gt; "
                "政府信息公开年报</div><div class='content'>" + "\n".join(body) + "</div><div class='footer'>扫一扫在手机打开当前页"
                "</div></body></html>")
    lines: list[str] = []
    for kind, x in blocks:
        lines.extend(_table_text(x, shape) if kind == "t" else [x])
    sep = "" if shape.startswith("flat") else "\n"
    return sep.join(lines) + "\n"


# ------------------------------------------------------------------ surface noise seen in real reports
_PINYIN = {"动": "dòng", "区": "qū", "发": "fā", "领": "lǐng", "导": "dǎo", "实": "shí", "时": "shí", "级": "jí"}


def perturb(text: str, rng: random.Random, *, kinds: tuple[str, ...] | None = None) -> str:
    """Apply the copy-paste and crawler debris real reports carry, without changing any number.

    ``kinds`` picks from: traditional, pinyin, question_marks, nbsp, label_spaces, variants,
    page_breaks, chrome (default: a random half of them).
    """
    all_kinds = ("traditional", "pinyin", "question_marks", "nbsp", "label_spaces", "variants", "page_breaks", "chrome")
    kinds = kinds if kinds is not None else tuple(k for k in all_kinds if rng.random() < 0.5)
    if "variants" in kinds:
        text = text.replace("商业企业", rng.choice(("商业企业", "商业机构")))
        text = text.replace("(七)总计", rng.choice(("(七)总计", "(七)合计", "（七）总计")))
        for n in range(1, 9):
            text = text.replace(f"\n{n}.", f"\n{n}{rng.choice(('.', '、', ',', '．'))}")
        text = text.replace("行政规范性文件", rng.choice(("行政规范性文件", "规范性文件")))
    if "label_spaces" in kinds:
        text = text.replace("本年新收", "本年 新收").replace("不予处理", "不予 处理").replace("结转下年度", "结转 下年度")
    if "pinyin" in kinds:
        text = "".join(ch + (f"({_PINYIN[ch]})" if ch in _PINYIN and rng.random() < 0.7 else "") for ch in text)
    if "question_marks" in kinds:
        lines = text.split("\n")
        text = "\n".join(ln + "?" if ln[-1:].isdigit() and rng.random() < 0.3 else ln for ln in lines)
    if "nbsp" in kinds:
        text = text.replace("。", "。\u00a0", 3)
    if "page_breaks" in kinds:
        lines = text.split("\n")
        for _ in range(2):
            i = rng.randrange(len(lines))
            lines.insert(i, f"- {rng.randint(2, 9)} -")
        text = "\n".join(lines)
    if "chrome" in kinds:
        text = "首页 > 政务公开 > 政府信息公开年报\n" + text + "\n扫一扫在手机打开当前页\n相关稿件\n"
    if "traditional" in kinds:
        import opencc

        text = opencc.OpenCC("s2t").convert(text)
    return text
