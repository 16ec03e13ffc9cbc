"""The two report layouts as data: tables, rows, columns, labels, variants, cell keys.

The State Council fixed the annual report format twice: 国办公开办函〔2019〕60号 (the
"2019" layout) and 国办公开办函〔2021〕30号 (the "2021" layout). Both are described
here once; the table parser, the rules, the output and the metrics all use the
canonical cell keys of ``shared/gold/FORMAT.md`` defined here.

A row's ``match`` lists the distinctive part of the official label plus the variants
seen in real reports, as literal text over normalized text (see ``extract.normalize``;
spaces and cell breaks may fall between any two characters), or as a regular
expression when prefixed ``re:``. ``number`` is the row's item number inside its group
(``1.属于国家秘密``), used to cut that number off the previous row's values.

Example:
    >>> len(cell_keys("2021")), len(cell_keys("2019"))
    (200, 198)
    >>> LAYOUTS["2021"].table("t3").row("denied.state_secret").label
    '1.属于国家秘密'
"""
from __future__ import annotations

from dataclasses import dataclass, field

LAYOUT_NAMES = ("2021", "2019")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # count (non-negative integer) | money (decimal) | change (may be negative)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    match: tuple[str, ...]
    columns: tuple[Column, ...]
    number: int | None = None
    extra: bool = False  # parsed to detect a layout mix-up, not part of the layout's keys

    def keys(self, table: str) -> list[str]:
        return [f"{table}.{self.key}.{c.key}" for c in self.columns]


@dataclass(frozen=True)
class TableSpec:
    id: str  # t2 | t3 | t4
    title: str
    rows: tuple[Row, ...]
    header_terms: tuple[str, ...] = ()

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def keys(self) -> list[str]:
        return [k for r in self.rows if not r.extra for k in r.keys(self.id)]


@dataclass(frozen=True)
class Layout:
    name: str
    tables: tuple[TableSpec, ...]
    cues: tuple[str, ...] = field(default=())  # phrases that only this layout prints

    def table(self, tid: str) -> TableSpec:
        return next(t for t in self.tables if t.id == tid)

    def keys(self) -> list[str]:
        return [k for t in self.tables for k in t.keys()]


# ---------------------------------------------------------------- table 二
_N3_2021 = (Column("issued", "本年制发件数"), Column("repealed", "本年废止件数"), Column("in_force", "现行有效件数"))
_N3_2019 = (Column("made", "本年新制作数量"), Column("published", "本年新公开数量"), Column("total", "对外公开总数量"))
_PCD = (Column("previous", "上一年项目数量"), Column("change", "本年增/减", "change"), Column("decisions", "处理决定数量"))
_DEC = (Column("decisions", "本年处理决定数量"),)

_REGULATIONS = ("规章",)
_NORMATIVE = ("规范性文件",)

T2_2021 = TableSpec("t2", "主动公开政府信息情况", (
    Row("regulations", "规章", _REGULATIONS, _N3_2021),
    Row("normative", "行政规范性文件", _NORMATIVE, _N3_2021),
    Row("licensing", "行政许可", ("行政许可",), _DEC),
    Row("punishment", "行政处罚", ("行政处罚",), _DEC),
    Row("coercion", "行政强制", ("行政强制",), _DEC),
    Row("fees", "行政事业性收费", ("行政事业性收费",), (Column("amount", "本年收费金额(单位:万元)", "money"),)),
), header_terms=("信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"))

T2_2019 = TableSpec("t2", "主动公开政府信息情况", (
    Row("regulations", "规章", _REGULATIONS, _N3_2019),
    Row("normative", "规范性文件", _NORMATIVE, _N3_2019),
    Row("licensing", "行政许可", ("行政许可",), _PCD),
    Row("other_services", "其他对外管理服务事项", ("其他对外管理服务事项", "对外管理服务事项"), _PCD),
    Row("punishment", "行政处罚", ("行政处罚",), _PCD),
    Row("coercion", "行政强制", ("行政强制",), _PCD),
    Row("fees", "行政事业性收费", ("行政事业性收费",), _PCD[:2]),
    Row("procurement", "政府集中采购", ("政府集中采购",),
        (Column("items", "采购项目数量"), Column("amount", "采购总金额", "money"))),
), header_terms=("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量",
                 "本年增/减", "处理决定数量", "采购项目数量", "采购总金额"))

# ---------------------------------------------------------------- table 三
T3_COLUMNS = (
    Column("natural_person", "自然人"), Column("commercial", "商业企业"), Column("research", "科研机构"),
    Column("social_org", "社会公益组织"), Column("legal_service", "法律服务机构"), Column("other_org", "其他"),
    Column("total", "总计"),
)
_C = T3_COLUMNS


def _r(key: str, label: str, *match: str, number: int | None = None, extra: bool = False) -> Row:
    return Row(key, label, tuple(match), _C, number, extra)


_T3_HEAD = (
    _r("new_received", "一、本年新收政府信息公开申请数量", "本年新收"),
    _r("carried_over", "二、上年结转政府信息公开申请数量", "上年结转"),
    _r("granted", "(一)予以公开", "予以公开"),
    _r("partial", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "部分公开"),
    _r("denied.state_secret", "1.属于国家秘密", "国家秘密", number=1),
    _r("denied.law_forbidden", "2.其他法律行政法规禁止公开", "法律行政法规禁止", "其他法律行政", "法规禁止公开", number=2),
    _r("denied.three_safety", "3.危及“三安全一稳定”", "三安全一稳定", "危及", number=3),
    _r("denied.third_party", "4.保护第三方合法权益", "第三方合法权益", "保护第三方", number=4),
    _r("denied.internal", "5.属于三类内部事务信息", "三类内部事务", "内部事务信息", number=5),
    _r("denied.process", "6.属于四类过程性信息", "四类过程性", "过程性信息", number=6),
    _r("denied.enforcement_file", "7.属于行政执法案卷", "行政执法案卷", number=7),
    _r("denied.query", "8.属于行政查询事项", "行政查询事项", number=8),
    _r("unable.not_held", "1.本机关不掌握相关政府信息", "不掌握相关", "不掌握", number=1),
    _r("unable.needs_creation", "2.没有现成信息需要另行制作", "另行制作", "没有现成信息", number=2),
    _r("unable.unclear", "3.补正后申请内容仍不明确", "仍不明确", "补正后申请", number=3),
    _r("rejected.petition", "1.信访举报投诉类申请", "信访举报投诉", "信访举报", number=1),
    _r("rejected.duplicate", "2.重复申请", "重复申请", number=2),
    _r("rejected.publication", "3.要求提供公开出版物", "公开出版物", number=3),
    _r("rejected.excessive", "4.无正当理由大量反复申请", "大量反复申请", "大量反复", number=4),
    _r("rejected.confirm", "5.要求行政机关确认或重新出具已获取信息", "重新出具", "确认或重新", number=5),
)
_T3_TAIL = (
    _r("total", "(七)总计", "总计", "合计"),
    _r("carried_forward", "四、结转下年度继续办理", "结转下年度", "结转下一年度"),
)
T3_2021 = TableSpec("t3", "收到和处理政府信息公开申请情况", _T3_HEAD + (
    # a 2019-style single (六)其他处理 row printed in a 2021 report: kept aside, reported as a layout finding
    _r("other", "(六)其他处理", "其他处理", extra=True),
    _r("other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
       "逾期不补正", "无正当理由逾期", number=1),
    _r("other.no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
       "收费通知", "缴纳费用", number=2),
    _r("other.other", "3.其他", r"re:(?:(?<=[\s\x1f\x1e)\d])|^)(?:\(?3\)?\s*[.、,]?\s*)其他(?!处|法律|结果|对外|需要|组织|机构|行政)", number=3),
) + _T3_TAIL, header_terms=("申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构",
                           "社会公益组织", "法律服务机构", "其他", "总计"))
T3_2019 = TableSpec("t3", T3_2021.title, _T3_HEAD + (
    _r("other", "(六)其他处理", "其他处理"),
) + _T3_TAIL, header_terms=T3_2021.header_terms)

# rows whose sum over the result rows gives 三(七)总计
T3_FLOW_ROWS = ("new_received", "carried_over", "total", "carried_forward")

# ---------------------------------------------------------------- table 四
T4_OUTCOMES = (Column("upheld", "结果维持"), Column("corrected", "结果纠正"), Column("other", "其他结果"),
               Column("pending", "尚未审结"), Column("total", "总计"))
T4 = TableSpec("t4", "政府信息公开行政复议、行政诉讼情况", (
    Row("review", "行政复议", ("行政复议",), T4_OUTCOMES),
    Row("suit_direct", "未经复议直接起诉", ("未经复议直接起诉", "直接起诉"), T4_OUTCOMES),
    Row("suit_after_review", "复议后起诉", ("复议后起诉",), T4_OUTCOMES),
), header_terms=("行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
                 "未经复议直接起诉", "复议后起诉"))

LAYOUTS: dict[str, Layout] = {
    "2021": Layout("2021", (T2_2021, T3_2021, T4), cues=("本年制发件数", "本年废止件数", "现行有效件数",
                                                         "逾期不补正", "收费通知")),
    "2019": Layout("2019", (T2_2019, T3_2019, T4), cues=("本年新制作数量", "本年新公开数量", "对外公开总数量",
                                                         "上一年项目数量", "政府集中采购", "第二十条第(九)项")),
}

# ---------------------------------------------------------------- sections
# The six top-level headings: (number, required words any of, official text)
SECTIONS = (
    ("一", ("总体情况", "概述", "总体"), "一、总体情况"),
    ("二", ("主动公开",), "二、主动公开政府信息情况"),
    ("三", ("申请",), "三、收到和处理政府信息公开申请情况"),
    ("四", ("复议", "诉讼"), "四、政府信息公开行政复议、行政诉讼情况"),
    ("五", ("问题", "改进"), "五、存在的主要问题及改进情况"),
    ("六", ("其他", "报告的事项", "需要报告"), "六、其他需要报告的事项"),
)


# Headings as real reports print them (beyond the official wording above), used to repair a
# heading that OCR misread by a character or two.
HEADING_VARIANTS = (
    "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开工作被申请行政复议、提起行政诉讼情况",
    "四、因政府信息公开申请行政复议、提起行政诉讼的情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    "四、政府信息公开行政复议、行政诉讼的情况", "五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况",
    "五、政府信息公开工作存在的主要问题及改进措施", "五、存在的主要问题及改进措施", "六、其他需要报告的事项",
)


def cell_keys(layout: str) -> list[str]:
    """Every canonical cell key of a layout, in table order (FORMAT.md)."""
    return LAYOUTS[layout].keys()


def column_kind(key: str) -> str:
    """``count``, ``money`` or ``change`` for a canonical cell key."""
    if key.endswith(".amount"):
        return "money"
    if key.endswith(".change"):
        return "change"
    return "count"
