"""The labelled synthetic corpus: whole reports rendered as every input kind, each character
of the pipeline's flat text carrying its true class for free.

A report is drawn as labelled blocks (title, section headings, sub-headings, narrative,
the three tables with header/row/value cells, signature, page furniture), rendered to a
text shape, HTML or a text-layer PDF, read back by nianbao's own readers and flattened
exactly as at extraction time (furniture kept). The flat text is then aligned with the
labelled source text (rapidfuzz edit operations), so the labels follow whatever the reader
did: markers, dropped separators, normalized characters.

Train and test data differ in seeds *and* templates: every bank of narrative, sub-headings,
agencies and furniture is split in two, ``train`` taking the even entries and ``test``
the odd ones.

Example:
    >>> ex = make_example(3, "pipe", "train")
    >>> len(ex["text"]) == len(ex["classes"]) == len(ex["boxes"])
    True
    >>> sorted(set(ex["classes"]) - {"O"})
    ['COL', 'FUR', 'ROW', 'SEC', 'SUB', 'TTL', 'TXT', 'VAL']
"""
from __future__ import annotations

import html as _html
import random
import unicodedata
from dataclasses import dataclass, field

from extract.document import Document
from extract.flat import FlatText, flatten
from extract.readers import read_document
from extract.schema import HEADING_VARIANTS, SECTIONS, cell_keys
from models.features import char_boxes
from models.labels import BREAKS

from .render import Heading, Para, ReportSpec, TableBlock, page_frame, render_pdf, tables_for
from .synth import random_cells

TEXT_SHAPES = ("pipe", "tab", "lines", "blank_lines", "markdown", "flat_spaced", "flat_run")
KINDS = TEXT_SHAPES + ("html", "pdf", "pdf_ocr")
CELL_CLASS = {"head": "COL", "label": "ROW", "group": "ROW", "band": "TTL", "value": "VAL"}

# ------------------------------------------------------------------ template banks (even: train, odd: test)
PLACES = ("灵丘县", "衡阳市祁东县", "长治市", "淮安市洪泽区", "平潭综合实验区", "上海市", "昆明市五华区", "盐池县", "宿迁市宿城区",
          "广州市天河区", "成都市武侯区", "哈尔滨市", "拉萨市", "乌鲁木齐市", "杭州市余杭区", "贵阳市", "海口市", "西宁市",
          "北京市朝阳区", "天津市滨海新区", "重庆市渝北区", "石家庄市", "太原市小店区", "呼和浩特市", "沈阳市和平区", "长春市",
          "南京市鼓楼区", "合肥市", "福州市", "南昌市青山湖区", "济南市历下区", "郑州市金水区", "武汉市江岸区", "长沙市岳麓区",
          "南宁市", "三亚市", "兰州市", "银川市", "大理州", "延边州", "", "")
BODIES = ("人民政府", "人民政府办公室", "文化和旅游局", "民政局", "财政局", "自然资源和规划局", "生态环境局", "教育局",
          "卫生健康委员会", "市场监督管理局", "数据局", "住房和城乡建设局", "交通运输局", "公安局", "司法局", "应急管理局",
          "发展和改革委员会", "人力资源和社会保障局", "农业农村局", "水利局", "商务局", "审计局", "统计局", "医疗保障局",
          "退役军人事务局", "林业局", "税务局", "城市管理局", "某某镇人民政府", "某某街道办事处")
SENTENCES = (
    "{year}年，{body}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》",
    "全年通过政府门户网站主动公开政府信息{n}条",
    "持续深化政务公开，不断提升政府信息公开质量和实效",
    "发布政策解读材料{n}篇，其中图解{m}篇",
    "进一步规范依申请公开办理流程，严格按照法定时限答复",
    "组织开展政务公开业务培训{m}次，参训人员{n}人次",
    "严格落实“先审查、后公开”和“一事一审”制度",
    "全年清理更新过期信息{n}条，确保公开信息准确规范",
    "持续优化政府信息公开专栏，完善栏目设置",
    "通过政务新媒体发布信息{n}条，拓宽了群众获取信息的渠道",
    "将政务公开工作纳入年度绩效考核",
    "主动接受社会评议和监督",
    "围绕优化营商环境、乡村振兴、民生保障等重点领域加大公开力度",
    "召开新闻发布会{m}场，回应社会关切{n}次",
    "具体做法是：一是加强组织领导；二是完善制度建设；三是强化监督保障",
    "本年度共收到政府信息公开申请{n}件，均已按期办结",
    "政策解读形式还比较单一，图解、视频等多样化解读偏少",
    "部分栏目信息更新不够及时，公开内容的针对性和实用性有待增强",
    "下一步，将进一步健全政务公开工作机制，丰富政策解读形式",
    "加大业务培训力度，提升政府信息公开工作规范化水平",
    "本年度未收取信息处理费",
    "本机关无其他需要报告的事项",
    "办理人大代表建议{m}件、政协委员提案{n}件，办复率100%",
    "依据国办公开办函〔2021〕30号要求，本报告所列数据统计期限自{year}年1月1日起至{year}年12月31日止",
    "在政府网站公开财政预决算信息{m}个，“三公”经费信息{m}条",
    "落实政府信息公开保密审查机制，全年未发生泄密事件",
    "开展政府开放日活动{m}场次，邀请群众代表{n}人参加",
    "如对本报告有任何疑问，请与{body}办公室联系，联系电话：0{m}-{n}{m}",
    "依托12345政务服务便民热线受理群众咨询{n}件",
    "全年行政许可信息公开{n}条，行政处罚信息公开{m}条",
    "对照年度政务公开工作要点，逐项抓好落实",
    "本报告的电子版可在{body}门户网站下载",
    # appended: real report language (the even/odd split of the entries above is kept)
    "全年累计公开规范性文件{m}件，均在规定时限内公开",
    "严格执行规范性文件统一登记、统一编号、统一印发制度",
    "全年共办理政府信息公开申请{n}件，按时办结率100%",
    "未发生因政府信息公开引发的行政复议被纠错和行政诉讼败诉案件",
    "通过“两微一端”发布政务信息{n}条，阅读量{m}万余次",
    "围绕群众关心关注的热点问题，及时发布权威信息",
    "建立健全政务舆情收集、研判、处置和回应机制",
    "政府信息公开指南和目录已按要求更新",
    "{body}高度重视政府信息公开工作，成立了以主要负责同志为组长的工作领导小组",
    "将政府信息公开工作经费纳入年度预算",
    "全年未收到涉及政府信息公开的投诉举报",
    "依法保障人民群众的知情权、参与权、表达权和监督权",
    "聘请社会监督员{m}名，定期收集意见建议",
    "重大行政决策事项预公开{m}件，公开征求意见{n}条",
    "加强政府信息公开工作人员业务能力建设",
    "对依申请公开答复书的格式和内容进行了统一规范",
    "按照“谁公开、谁审查、谁负责”的原则开展公开前审查",
    "及时调整充实政务公开工作领导小组成员",
    "主动公开工作与群众期盼相比仍有差距",
    "政务公开工作人员变动频繁，业务能力有待进一步提高",
    "{year}年，我们将以更高标准推进政务公开工作",
    "建立政府信息公开申请办理台账，实行全流程管理",
    "办理在线咨询留言{n}条，平均答复时间{m}个工作日",
    "全年门户网站访问量达{n}万人次",
    "开展政策进社区、进企业宣讲活动{m}次",
    "及时公开重大项目批准和实施信息{m}条",
)
SUBHEADS = ("（一）主动公开情况", "（二）依申请公开情况", "（三）政府信息管理情况", "（四）政府信息公开平台建设情况",
            "（五）监督保障情况", "（一）存在的主要问题", "（二）改进措施", "（二）改进情况", "（一）信息处理费收取情况",
            "（二）人大代表建议和政协提案办理结果公开情况", "（三）年度政务公开工作要点落实情况", "（四）其他事项",
            "1.加强组织领导", "2.完善制度建设", "3.强化平台建设", "4.抓好政策解读", "（一）主动公开政府信息情况",
            "（三）政府信息公开平台建设", "（二）依申请公开办理", "（五）教育培训情况",
            # appended: real report language (the even/odd split of the entries above is kept)
            "（一）加强组织领导", "（二）强化制度保障", "（三）推进重点领域信息公开", "（四）做好政策解读回应", "（五）规范依申请公开办理", "（六）加强政务新媒体管理", "（一）政府信息主动公开情况",
            "（二）政府信息依申请公开情况", "（三）政府信息资源规范化标准化管理情况", "（四）政务公开平台建设情况", "（五）政府信息公开监督保障情况", "一是健全工作机制", "二是规范公开流程",
            "三是强化审查把关", "四是拓宽公开渠道", "五是加强队伍建设", "1.深化重点领域公开", "2.加强政策解读", "3.回应社会关切", "4.规范依申请公开", "5.加强平台建设",
            "6.强化监督考核", "（一）存在问题", "（二）改进举措", "（一）工作中存在的不足", "（二）下一步工作打算", "(1)主动公开", "(2)依申请公开", "（三）强化考核评议",
            "（四）加强教育培训")
FURNITURE = ("首页 > 政务公开 > 政府信息公开年报", "当前位置：首页 > 信息公开 > 年度报告", "打印本页 关闭窗口",
             "【字体：大 中 小】", "发布时间：{date} 来源：{agency} 浏览次数：{n}", "扫一扫在手机打开当前页", "相关稿件",
             "网站地图 | 联系我们 | 网站声明", "主办单位：{agency} 网站标识码：{code}", "http://www.gov.cn/art/{y}/{m}/{d}/art_{n}_{code}.html",
             "{date} {time} {agency}", "分享到： 微信 微博", "信息来源：{agency} 发布日期：{date}", "【打印】【关闭】",
             "索引号：{code}/{y}-{n} 发布机构：{agency}", "访问量：{n}", "政府信息公开年报 - {agency}",
             "上一篇：{agency}{y}年政府信息公开工作年度报告", "返回顶部", "下一篇：关于印发{y}年政务公开工作要点的通知")
PAGE_NUMBERS = ("- {n} -", "—{n}—", "第{n}页", "第 {n} 页 共 {m} 页", "{n}/{m}", "— {n} —", "第{n}页/共{m}页", "Page {n}")


# compositional banks: many more surfaces than any list of whole sentences
TOPICS = ("政务公开", "政策解读", "信息发布", "依申请公开", "平台建设", "制度建设", "队伍建设", "监督考核", "保密审查", "回应关切",
          "政务新媒体", "政府网站", "公开目录", "基层政务公开", "重点领域信息公开", "财政信息公开", "公共企事业单位信息公开",
          "政策文件", "办事指南", "民生实事", "营商环境", "乡村振兴", "安全生产", "生态环境", "教育医疗", "社会保障",
          # appended: real report language (the even/odd split of the entries above is kept)
          "行政许可", "行政处罚", "行政规范性文件", "重大行政决策", "财政预决算", "政府采购", "公共资源配置", "重大建设项目", "社会救助", "就业创业", "食品药品安全", "环境保护",
          "征地拆迁", "棚户区改造", "义务教育", "医疗卫生", "养老服务", "防汛救灾", "疫情防控", "涉企政策", "减税降费", "权责清单", "政府信息公开指南", "政务舆情", "新闻发布",
          "网站集约化", "政务服务", "一网通办", "营商环境优化", "人大建议政协提案", "政府开放日", "政务公开专区", "公开属性认定", "保密审查机制", "信息公开年报", "机构职能",
          "统计数据", "审计结果", "安全生产监管", "农村集体资产")
VERBS = ("持续加强", "不断完善", "扎实推进", "进一步规范", "认真落实", "积极探索", "大力推进", "切实做好", "全面梳理", "稳步推进",
         "着力提升", "严格执行", "及时更新", "深入开展", "统筹推进", "主动回应", "健全完善", "优化调整",
         # appended: real report language (the even/odd split of the entries above is kept)
         "加快推进", "积极推动", "全面落实", "持续深化", "不断强化", "切实加强", "认真做好", "扎实开展", "有序推进", "深入推进", "全面推行", "持续推进", "着力加强",
         "切实提高", "进一步加强", "进一步完善", "进一步拓宽", "努力打造", "积极构建", "规范开展", "精心组织", "及时发布", "定期开展", "主动公开", "依法规范", "严格落实",
         "大力加强", "全面加强", "逐步完善", "不断深化", "积极回应", "全面提升", "稳妥推进", "加大", "强化", "规范")
ENDS = ("工作机制", "管理制度", "工作水平", "公开质量", "栏目建设", "审核流程", "答复规范", "服务能力", "标准化建设", "考核评议",
        "培训力度", "更新维护", "监督检查", "解读质量", "互动交流", "信息共享",
        # appended: real report language (the even/odd split of the entries above is kept)
        "工作实效", "公开力度", "长效机制", "工作合力", "公开透明度", "群众满意度", "制度体系", "公开渠道", "办理质效", "回应实效", "规范化水平", "标准化水平", "便利化水平",
        "责任落实", "保障措施", "工作台账", "平台功能", "专栏建设", "队伍素质", "业务水平", "宣传引导", "公开目录", "运行维护", "信息发布", "审核把关", "办理时限", "公开形式",
        "解读方式", "监督评议", "考核机制")
FUR_KEYS = ("发布时间", "来源", "浏览次数", "索引号", "发文机关", "发布机构", "成文日期", "主题分类", "访问次数", "作者", "责任编辑",
            "信息来源", "点击数", "文号", "发布日期", "字号",
            # appended: real report language (the even/odd split of the entries above is kept)
            "发布人", "发布单位", "更新时间", "生成日期", "公开方式", "公开范围", "有效性", "体裁分类", "组配分类", "服务对象分类", "所属机构", "文件编号", "阅读次数",
            "编辑", "审核", "信息分类")
FUR_WORDS = ("首页", "政务公开", "信息公开", "政府信息公开年报", "年度报告", "打印", "关闭", "收藏", "分享", "返回顶部", "网站地图",
             "联系我们", "无障碍", "长者模式", "English", "繁体", "政府信息公开", "法定主动公开内容", "扫一扫", "微信", "微博",
             "相关链接", "上一篇", "下一篇", "登录", "注册", "搜索",
             # appended: real report language (the even/odd split of the entries above is kept)
             "我要纠错", "字号", "打印此页", "关闭此页", "视力保护色", "政务服务", "互动交流", "公开目录", "政策文件", "无障碍浏览", "适老化", "手机版", "网站导航",
             "设为首页", "加入收藏", "智能问答", "返回", "更多", "政府信息公开指南", "政务公开专栏", "依申请公开", "机构职能", "新闻中心", "专题专栏", "办事服务", "热门搜索")


def _bank(items: tuple[str, ...], split: str) -> tuple[str, ...]:
    return items[0::2] if split == "train" else items[1::2]


def _gb2312_level1() -> str:
    """The 3,755 level-1 characters of GB 2312: the common hanzi any report's prose draws on."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(out)


COMMON = _gb2312_level1()


def _word(rng: random.Random) -> str:
    """A pseudo-word of common characters: lexical variety the banks cannot give, so the model
    learns what prose, headings and furniture *look like* rather than which words they use."""
    return "".join(rng.choice(COMMON) for _ in range(rng.choice((2, 2, 2, 3, 4))))


def _pick(rng: random.Random, items: tuple[str, ...], split: str, p_word: float) -> str:
    return _word(rng) if rng.random() < p_word else rng.choice(_bank(items, split))


def _clause(rng: random.Random, split: str) -> str:
    r = rng.random()
    if r < 0.4:
        return rng.choice(_bank(VERBS, split)) + rng.choice(_bank(TOPICS, split)) + rng.choice(_bank(ENDS, split))
    if r < 0.8:
        return _pick(rng, VERBS, split, 0.4) + _pick(rng, TOPICS, split, 0.5) + _pick(rng, ENDS, split, 0.4)
    words = [_word(rng) for _ in range(rng.randint(2, 7))]
    if rng.random() < 0.3:
        words.insert(rng.randint(0, len(words)), f"{rng.randint(1, 3000)}{rng.choice(('条', '件', '次', '人次', '篇', '个', '%'))}")
    if rng.random() < 0.15:  # a heading's words inside a sentence (本机关无其他需要报告的事项) are still prose
        words.insert(rng.randint(0, len(words)), _heading_words(rng))
    if rng.random() < 0.15:  # a key and a value inside a sentence (a phone, an address, a date) is still prose
        words.append(f"{_word(rng)}{rng.choice(('：', ':', '为'))}{_value(rng)}")
    return "".join(words)


def _heading_words(rng: random.Random) -> str:
    """The words of a section heading of the format, without its number."""
    h = rng.choice(HEADING_VARIANTS)
    return h[2:] if rng.random() < 0.7 else h[2:][: rng.randint(4, max(4, len(h) - 2))]


def _host(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 8)))


def _value(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return f"0{rng.randint(10, 999)}-{rng.randint(10**6, 10**8 - 1)}"
    if r < 0.7:
        return f"{rng.randint(2019, 2026)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    return f"www.{_host(rng)}.gov.cn"


def _agency(rng: random.Random, split: str) -> str:
    """An agency from the split's banks, or (a third of the time) a made-up one of the same shape:
    place names and bodies the model has never seen are what real reports bring."""
    place = rng.choice(_bank(PLACES, split)) if rng.random() < 0.65 else _word(rng) + rng.choice(
        ("市", "县", "区", "州", "镇", "市" + _word(rng) + "区", "省", "自治县", "街道"))
    body = rng.choice(_bank(BODIES, split)) if rng.random() < 0.7 else _word(rng) + rng.choice(
        ("局", "委员会", "办公室", "管理局", "服务中心", "人民政府", "委", "厅", "管理委员会"))
    return place + body


def _subhead(rng: random.Random, split: str, k: int) -> str:
    """A sub-heading as reports number them inside a section: （一） (1) 一是 with Chinese
    numerals, 1. 1、 （1） with Arabic ones (never 一、 or 一., which number the six sections),
    then a short topic: no counts, no sentence."""
    if rng.random() < 0.6:
        mark = rng.choice(("（{}）", "({})", "{}是")).format("一二三四五六七八九"[k % 9])
    else:
        mark = rng.choice(("{}.", "{}、", "（{}）", "({})")).format(k % 9 + 1)
    r = rng.random()
    if r < 0.35:
        words = _pick(rng, TOPICS, split, 0.4) + rng.choice(("情况", "工作", "", "方面", "工作情况", "", ""))
    elif r < 0.65:
        words = _pick(rng, VERBS, split, 0.4) + _pick(rng, TOPICS, split, 0.5) + _pick(rng, ENDS, split, 0.3)
    elif r < 0.8:  # words that read like prose: a heading is told by its place and mark, not its words
        words = "".join(ch for ch in _clause(rng, split) if not ch.isdigit())[: rng.randint(4, 24)] + rng.choice(
            ("情况", "工作情况", "", "", ""))
    else:  # any length from a word to a long clause
        words = "".join(_word(rng) for _ in range(rng.randint(1, 6))) + rng.choice(
            ("情况", "工作情况", "方面", "问题", "措施", "公开情况", "办理情况", "", "", ""))
    return mark + words


def _furniture(rng: random.Random, split: str, agency: str, year: int) -> str:
    words, keys = _bank(FUR_WORDS, split), _bank(FUR_KEYS, split)
    r = rng.random()
    if r < 0.3:
        crumbs = [_word(rng) if rng.random() < 0.4 else w for w in rng.sample(words, rng.randint(2, 4))]
        return rng.choice((" > ", ">", " » ", "/", "->")).join(crumbs)
    if r < 0.6:
        vals = (f"{year + 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", agency, str(rng.randint(1, 99999)),
                f"{rng.randint(10**8, 10**9)}/{year + 1}-{rng.randint(1, 999):05d}", "本网", f"{rng.randint(8, 18)}:{rng.randint(10, 59)}")
        return rng.choice(("  ", " ", "　")).join(f"{k}{rng.choice(('：', ':', ''))}{rng.choice(vals)}"
                                                 for k in rng.sample(keys, rng.randint(1, 3)))
    if r < 0.75:
        host = _host(rng)
        return f"http{'s' if rng.random() < 0.5 else ''}://www.{host}.gov.cn/{rng.choice(('art', 'col', 'zwgk', 'xxgk'))}/{year + 1}/{rng.randint(1, 12)}/art_{rng.randint(100, 9999)}_{rng.randint(10**5, 10**7)}.html"
    if r < 0.85:  # links to the neighbouring articles: another report's title, or a made-up notice
        other = f"{_agency(rng, split)}{rng.randint(2019, 2025)}年政府信息公开工作年度报告" if rng.random() < 0.5 else \
            "关于" + "".join(_word(rng) for _ in range(rng.randint(2, 5))) + "的通知"
        return f"{rng.choice(words) if rng.random() < 0.5 else _word(rng)}{rng.choice(('：', ':', ''))}{other}"
    return " ".join(_word(rng) if rng.random() < 0.4 else w for w in rng.sample(words, rng.randint(1, 4)))


# ------------------------------------------------------------------ a labelled report
@dataclass
class LBlock:
    kind: str  # title | head | sub | para | table | sig
    text: str = ""
    sub: int = 0  # a paragraph that opens with an inline sub-heading: its first ``sub`` characters
    table: TableBlock | None = None


@dataclass
class LReport:
    layout: str
    agency: str
    year: int
    blocks: list[LBlock] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    cells: dict = field(default_factory=dict)  # every cell of the tables printed (None: printed empty or row left out)

    def gold(self, doc_id: str) -> dict:
        """The report as a gold label (shared/gold/FORMAT.md): what it prints, headings as printed."""
        return {"doc_id": doc_id, "layout": self.layout, "meta": {"agency": self.agency, "year": self.year},
                "sections": [b.text for b in self.blocks if b.kind == "head"], "cells": dict(self.cells),
                "notes": "synthetic, held-out templates (training.corpus, split 'test')"}

    def spec(self) -> ReportSpec:
        """The report for the PDF renderer (title and signature as renderer fields)."""
        blocks = []
        for b in self.blocks:
            if b.kind == "head":
                blocks.append(Heading(b.text))
            elif b.kind in ("sub", "para"):
                blocks.append(Para(b.text))
            elif b.kind == "table":
                blocks.append(b.table)
        title = next((b.text for b in self.blocks if b.kind == "title"), "")
        sig = [b.text for b in self.blocks if b.kind == "sig"]
        return ReportSpec(title=title, meta={"agency": self.agency, "year": self.year}, blocks=blocks, signature=sig,
                          layout=self.layout)


def _fill(t: str, rng: random.Random, body: str, year: int) -> str:
    return t.format(body=body, year=year, n=rng.randint(1, 2000), m=rng.randint(1, 60))


def _paragraph(rng: random.Random, split: str, body: str, year: int) -> str:
    bank = _bank(SENTENCES, split)
    parts = [_fill(rng.choice(bank), rng, body, year) if rng.random() < 0.45 else _clause(rng, split)
             for _ in range(rng.randint(1, 5))]
    return "，".join(parts) + "。"


def _drop_some(cells: dict, rng: random.Random) -> dict:
    """Empty cells and a missing row now and then, as real reports print them."""
    cells = dict(cells)
    if rng.random() < 0.3:
        for k in rng.sample(sorted(cells), k=rng.randint(1, 12)):
            cells[k] = None
    if rng.random() < 0.15:
        row = rng.choice(sorted({k.rsplit(".", 1)[0] for k in cells if k.startswith("t3.")}))
        cells = {k: v for k, v in cells.items() if not k.startswith(row + ".")}
    return cells


def labelled_report(rng: random.Random, split: str = "train") -> LReport:
    """A random report as labelled blocks, from the ``split``'s template banks."""
    layout = rng.choice(("2019", "2021"))
    year = rng.randint(2019, 2020) if layout == "2019" else rng.randint(2021, 2025)
    agency = _agency(rng, split)
    rep = LReport(layout, agency, year)
    cells = _drop_some(random_cells(rng, layout, consistent=rng.random() < 0.8), rng)
    tables = tables_for(layout, cells)
    rep.cells = {k: cells.get(k) for k in cell_keys(layout) if k.split(".")[0] in tables}
    title = rng.choice(("{a}{y}年政府信息公开工作年度报告", "{a}{y}年政府信息公开工作年度报告", "{a}{y}年度政府信息公开工作报告",  # the usual form twice
                        "{y}年{a}政府信息公开工作年度报告", "{a}关于{y}年政府信息公开工作的年度报告")).format(a=agency, y=year)
    rep.blocks.append(LBlock("title", title))
    if rng.random() < 0.7:
        rep.blocks.append(LBlock("para", _paragraph(rng, split, agency, year)))
    subs = _bank(SUBHEADS, split)
    k = 0
    for number, _, official in SECTIONS:
        variants = [h for h in HEADING_VARIANTS if h.startswith(number)] + [official]
        head = rng.choice(variants)
        if rng.random() < 0.2:
            head = head.replace("、", rng.choice(("．", ".", "、 ", "，")), 1)
        rep.blocks.append(LBlock("head", head))
        tid = {"二": "t2", "三": "t3", "四": "t4"}.get(number)
        n_pars = rng.randint(0, 1) if tid else rng.randint(1, 4 if number == "一" else 2)
        for _ in range(n_pars):
            r = rng.random()
            sub = rng.choice(subs) if rng.random() < 0.25 else _subhead(rng, split, k)
            k += 1
            if r < 0.25:
                rep.blocks.append(LBlock("sub", sub))
                rep.blocks.append(LBlock("para", _paragraph(rng, split, agency, year)))
            elif r < 0.6:
                s = sub + rng.choice(("。", "：", ":", "。"))
                rep.blocks.append(LBlock("para", s + _paragraph(rng, split, agency, year), sub=len(s)))
            else:
                rep.blocks.append(LBlock("para", _paragraph(rng, split, agency, year)))
        if tid in tables:
            rep.blocks.append(LBlock("table", table=tables[tid]))
    rep.blocks.append(LBlock("sig", agency))
    rep.blocks.append(LBlock("sig", f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"))
    date = f"{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}"
    rep.furniture = [f.format(date=date, agency=agency, n=rng.randint(10, 9999), code=rng.randint(10**6, 10**9),
                              y=year + 1, m=rng.randint(1, 12), d=rng.randint(1, 28), time=f"{rng.randint(8, 18)}:{rng.randint(10, 59)}")
                     if rng.random() < 0.4 else _furniture(rng, split, agency, year)
                     for f in rng.sample(_bank(FURNITURE, split), k=4)]
    return rep


# ------------------------------------------------------------------ rendering with labels
class _Labelled:
    """Text with one class per character, built piece by piece."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.classes: list[str] = []
        self.repeats: dict[str, str] = {}  # texts a page break may print again (header rows)

    def add(self, text: str, cls: str = "O") -> None:
        self.parts.append(text)
        self.classes.extend([cls] * len(text))
        if cls in ("COL", "ROW"):
            self.repeats[_key(text)] = cls



    @property
    def text(self) -> str:
        return "".join(self.parts)


def _page_number(rng: random.Random, n: int) -> str:
    return rng.choice(PAGE_NUMBERS).format(n=n, m=n + rng.randint(0, 6))


def _row_pieces(row: list, shape: str) -> list[tuple[str, str]]:
    return [(c.text, CELL_CLASS[c.kind]) for c in row]


def render_text(rep: LReport, shape: str, rng: random.Random) -> _Labelled:
    """The report as a plain-text shape (see ``TEXT_SHAPES``) with page furniture mixed in."""
    out = _Labelled()
    flat = shape.startswith("flat")
    nl = "" if shape == "flat_run" else ("\n" if not flat else rng.choice(("\n", "")))
    page = [1]

    def furniture(p: float) -> None:
        if rng.random() < p:
            page[0] += 1
            out.add(_page_number(rng, page[0]) if rng.random() < 0.6 else rng.choice(rep.furniture), "FUR")
            out.add("\n" if shape != "flat_run" else "")

    head_fur = rng.random() < 0.5
    if head_fur:
        out.add(rep.furniture[0], "FUR")
        out.add("\n")
    for b in rep.blocks:
        if b.kind == "table":
            rows = b.table.rows
            for r in rows:
                pieces = [(t, c) for t, c in _row_pieces(r, shape)]
                if shape == "pipe":
                    for t, c in pieces:
                        out.add(t, c)
                        out.add("|")
                    out.add("\n")
                elif shape == "tab":
                    for i, (t, c) in enumerate(pieces):
                        out.add("\t" if i else "")
                        out.add(t, c)
                    out.add("\n")
                elif shape == "markdown":
                    out.add("| ")
                    for t, c in pieces:
                        out.add(t or " ", c if t else "O")
                        out.add(" | ")
                    out.add("\n")
                    if r is rows[0]:
                        out.add("|" + "---|" * len(pieces) + "\n")
                elif shape in ("lines", "blank_lines"):
                    for t, c in pieces:
                        if t or shape == "blank_lines":
                            out.add(t, c)
                            out.add("\n\n" if shape == "blank_lines" else "\n")
                elif shape == "flat_spaced":
                    for t, c in pieces:
                        out.add(f" {t} " if c == "VAL" and t else t, c)
                    out.add(nl)
                else:  # flat_run
                    for t, c in pieces:
                        out.add(t, c)
                furniture(0.06)
            continue
        prefix = "## " if shape == "markdown" and b.kind == "head" else ""
        out.add(prefix)
        if b.kind == "para" and b.sub:
            out.add(b.text[:b.sub], "SUB")
            out.add(b.text[b.sub:], "TXT")
        else:
            out.add(b.text, {"head": "SEC", "sub": "SUB"}.get(b.kind, "TXT"))
        out.add("\n" if shape in TEXT_SHAPES[:5] or shape == "flat_spaced" else nl)
        if shape == "blank_lines":
            out.add("\n")
        furniture(0.08)
    if rng.random() < 0.6:
        for f in rep.furniture[1:3]:
            out.add(f, "FUR")
            out.add("\n")
    return out


def render_html(rep: LReport, rng: random.Random) -> tuple[str, _Labelled]:
    """The report as a web page, and its visible text in reading order with labels."""
    vis = _Labelled()
    body: list[str] = []
    chrome_top = rep.furniture[:2] if rng.random() < 0.7 else []
    for f in chrome_top:
        body.append(f"<div class='crumb'>{_html.escape(f)}</div>")
        vis.add(f, "FUR")
        vis.add("\n")
    for b in rep.blocks:
        if b.kind == "table":
            trs = []
            for r in b.table.rows:
                tds = []
                for c in r:
                    span = (f" rowspan={c.row_span}" if c.row_span > 1 else "") + (f" colspan={c.col_span}" if c.col_span > 1 else "")
                    tds.append(f"<td{span}>{_html.escape(c.text) or '&nbsp;'}</td>")
                    vis.add(c.text, CELL_CLASS[c.kind])
                    vis.add("\n")
                trs.append("<tr>" + "".join(tds) + "</tr>")
            body.append("<table border=1>" + "".join(trs) + "</table>")
            continue
        tag = {"head": "h3", "title": "h1"}.get(b.kind, "p")
        if b.kind == "para" and b.sub:
            body.append(f"<p><strong>{_html.escape(b.text[:b.sub])}</strong>{_html.escape(b.text[b.sub:])}</p>")
            vis.add(b.text[:b.sub], "SUB")
            vis.add(b.text[b.sub:], "TXT")
        else:
            body.append(f"<{tag}>{_html.escape(b.text)}</{tag}>")
            vis.add(b.text, {"head": "SEC", "sub": "SUB"}.get(b.kind, "TXT"))
        vis.add("\n")
    tail = []
    for f in rep.furniture[2:]:
        tail.append(f"<div class='footer'>{_html.escape(f)}</div>")
        vis.add(f, "FUR")
        vis.add("\n")
    page = ("<html><head><meta charset='utf-8'><title>" + _html.escape(rep.blocks[0].text) + "</title></head><body>"
            + "".join(body[:len(chrome_top)]) + "<div class='content'>" + "\n".join(body[len(chrome_top):]) + "</div>"
            + "".join(tail) + "</body></html>")
    return page, vis


def linear_text(rep: LReport) -> _Labelled:
    """The report's printed text in reading order (what a PDF reader should find), labelled.
    The page furniture a renderer adds is not in it (see ``align_classes``' ``printed``)."""
    vis = _Labelled()
    blocks = [b for b in rep.blocks if b.kind != "sig"] + [b for b in rep.blocks if b.kind == "sig"]
    for b in blocks:
        if b.kind == "table":
            for r in b.table.rows:
                for c in r:
                    vis.add(c.text, CELL_CLASS[c.kind])
                    vis.add("\n")
            continue
        if b.kind == "para" and b.sub:
            vis.add(b.text[:b.sub], "SUB")
            vis.add(b.text[b.sub:], "TXT")
        else:
            vis.add(b.text, {"head": "SEC", "sub": "SUB"}.get(b.kind, "TXT"))
        vis.add("\n")
    return vis


# ------------------------------------------------------------------ alignment
def _fold(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    return n if len(n) == 1 else ch


def _key(text: str) -> str:
    return "".join(_fold(c) for c in text if not c.isspace())


def align_classes(source: str, classes: list[str], flat, default: str = "FUR",
                  repeats: dict[str, str] | None = None, min_explained: float = 0.5,
                  printed: frozenset[int] = frozenset()) -> list[str]:
    """Carry per-character classes of ``source`` over to the flat text read from it.

    Matched characters take their source class; characters the reader added take the
    majority class of their line or cell. A line or cell the source does not explain (fewer
    than ``min_explained`` of its characters matched: a browser's URL footer whose digits the
    aligner paired with stray table values) is a ``repeats`` text (a header row printed again
    after a page break) or ``default`` (page furniture the renderer printed), all of it.
    ``printed`` are the indices (in ``flat.units()``) of lines the renderer is known to have
    printed as page furniture: they are ``default`` and kept out of the alignment, so that a
    page number ``- 1 -`` or a footer's digits cannot take a table's values from it.
    Whitespace and markers are ``O``.

    >>> from extract.flat import FlatText
    >>> flat = FlatText("0\\x1f1\\x1f\\n- 1 -\\n", starts=[0, 2, 5], origins=[None] * 3)
    >>> source, classes = "0\\n1\\n", ["VAL", "O", "VAL", "O"]
    >>> "".join(c[0] for c in align_classes(source, classes, flat))  # the page number took the 1
    'VOFOOFOFOFO'
    >>> "".join(c[0] for c in align_classes(source, classes, flat, printed=frozenset({2})))
    'VOVOOFOFOFO'
    """
    from rapidfuzz.distance import Indel

    target = flat.text
    units = flat.units() or [(0, len(target))]
    masked = list(target)
    for k in printed:
        s, e = units[k]
        masked[s:e] = ["\x00"] * (e - s)
    a = "".join(_fold(c) for c in source)
    out: list[str | None] = [None] * len(target)
    for op in Indel.opcodes(a, "".join(masked)):
        if op.tag == "equal":
            out[op.dest_start:op.dest_end] = classes[op.src_start:op.src_end]
    # units: fill the characters the source does not explain
    for k, (s, e) in enumerate(units):
        seen = [c for c in out[s:e] if c not in (None, "O")]
        size = sum(ch not in BREAKS for ch in target[s:e])
        if k not in printed and seen and len(seen) >= min_explained * size:
            fill = max(set(seen), key=seen.count)
        else:
            fill = default if k in printed else (repeats or {}).get(_key(target[s:e]), default)
            out[s:e] = [None] * (e - s)
        for i in range(s, e):
            if out[i] is None:
                out[i] = fill
    return ["O" if ch in BREAKS else (c or "O") for ch, c in zip(target, out)]


def _outside_frame(flat: FlatText, doc: Document, margins: tuple[float, float, float, float]) -> frozenset[int]:
    """Indices of the flat text's lines that lie wholly above or below the body's frame: the
    page furniture a PDF renderer drew in its margins. (Known gap: with a 72 pt bottom margin a Word
    export's ``- n -`` reaches a point into the frame, so it is aligned like any other line; testing
    the line's vertical middle instead would correct 2 labels in the recipe's 1440 documents and
    change the shipped model's training data, so it waits for the next retrain.)"""
    _, _, top, bottom = margins
    heights = {p.number: p.height for p in doc.pages}
    out = set()
    for k, o in enumerate(flat.origins):
        h = heights.get(o.page) if o is not None else None
        if o is None or o.box is None or not h:
            continue
        if o.box[3] <= top or o.box[1] >= h - bottom:
            out.add(k)
    return frozenset(out)


# ------------------------------------------------------------------ examples
_OCR_CONFUSIONS = {"0": "O", "1": "l", "己": "已", "未": "末", "日": "曰", "人": "入", "土": "士", "干": "千", "（": "(", "、": ",",
                   "复": "夏", "议": "汉", "申": "中", "请": "清", "处": "外"}


def _ocr_noise(text: str, rng: random.Random, rate: float) -> str:
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch not in BREAKS and rng.random() < rate:
            chars[i] = _OCR_CONFUSIONS.get(ch) or rng.choice("口日曰一丨十人入")
    return "".join(chars)


def make_example(seed: int, kind: str, split: str = "train") -> dict:
    """One labelled document: the flat text nianbao would see, its classes and boxes."""
    rng = random.Random(f"{split}:{kind}:{seed}")
    rep = labelled_report(rng, split)
    margins = None  # a PDF renderer's: the lines it drew outside them are its page furniture
    if kind in TEXT_SHAPES:
        lab = render_text(rep, kind, rng)
        raw = lab.text
        if rng.random() < 0.15:
            import opencc

            raw = opencc.OpenCC("s2t").convert(raw)
        doc = read_document(raw.encode("utf-8"), name="x.txt")
    elif kind == "html":
        page, lab = render_html(rep, rng)
        doc = read_document(page.encode("utf-8"), name="x.html")
    elif kind in ("pdf", "pdf_ocr"):
        style = rng.choice(("word", "browser"))
        spec = rep.spec()
        lab = linear_text(rep)
        pdf = render_pdf(spec, seed=seed, style=style, t3_across_pages=False)
        doc = read_document(pdf, name="x.pdf")
        margins = page_frame(style, seed)
    else:
        raise ValueError(f"unknown kind {kind!r}: expected one of {KINDS}")
    flat = flatten(doc, keep_furniture=True)
    printed = _outside_frame(flat, doc, margins) if margins else frozenset()
    classes = align_classes(lab.text, lab.classes, flat, repeats=lab.repeats, printed=printed)
    text = flat.text
    if kind == "pdf_ocr":
        text = _ocr_noise(text, rng, rng.uniform(0.005, 0.03))
    return {"id": f"{split}-{kind}-{seed}", "kind": kind, "text": text, "classes": classes,
            "boxes": [list(b) for b in char_boxes(flat, doc)]}
