"""Section headings, table regions, layout and meta (agency, year) from the flat text.

Example:
    >>> from extract.flat import FlatText
    >>> flat = FlatText(text="某县民政局2024年政府信息公开工作年度报告\\n一、总体情况\\n正文\\n六、其他需要报告的事项\\n无")
    >>> [h.text for h in find_sections(flat.text)]
    ['一、总体情况', '六、其他需要报告的事项']
    >>> find_meta(flat.text)
    {'agency': '某县民政局', 'year': 2024}
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .flat import EMPTY, SEP, SOFT
from .printed import OPENS_ITEM
from difflib import SequenceMatcher

from .schema import HEADING_VARIANTS, LAYOUTS, SECTIONS


@dataclass
class Heading:
    number: str  # 一 … 六
    text: str  # as printed (normalized, no whitespace)
    start: int
    end: int


_SENTENCE_END = re.compile(r"[。;；!！?？]")
_HEAD_END = re.compile(r"(情况|事项|措施)")  # how the headings of the format end (五、…及改进措施)
_ITEM_OPENING = re.compile(OPENS_ITEM.pattern + r"|^\s*[一二三四五六七八九十]是")  # 二是… opens one too
_ITEM_INSIDE = re.compile(r"[(（][一二三四五六七八九十]{1,2}[)）]|[一二三四五六七八九十]是")
_MARKS = f"\n{SEP}{EMPTY}{SOFT}"


def _across_cells(text: str, start: int) -> tuple[str, int] | None:
    """A heading a scan's table grid cut into cells (``四、政府信息公开|行政复议、行政诉讼情况``): its
    cells joined up to 情况/事项 on the same line, and where it ends; None when they do not make one.

    >>> _across_cells("四、政府信息公开\\x1f行政复议、行政诉讼情况\\x1f\\n行政复议", 0)
    ('四、政府信息公开行政复议、行政诉讼情况', 20)
    >>> _across_cells("四、本年\\x1f3\\x1f情况\\n", 0) is None
    True
    """
    stop = text.find("\n", start)
    joined = ""
    for i in range(start, min(len(text) if stop == -1 else stop, start + 60)):
        if text[i] in _MARKS:
            continue
        joined += text[i]
        if _HEAD_END.search(joined):
            if len(joined) > 45 or re.search(r"\d", joined) or _SENTENCE_END.search(joined):
                return None
            return re.sub(r"\s+", "", joined), i + 1
    return None


def _heading_text(text: str, start: int) -> tuple[str, int]:
    """The heading as printed: its line, or up to 情况/事项 when the line runs on."""
    line_end = len(text)
    for ch in _MARKS:
        k = text.find(ch, start)
        if k != -1:
            line_end = min(line_end, k)
    line = text[start:line_end]
    if not _HEAD_END.search(line) and line_end < len(text) and text[line_end] == SEP:
        joined = _across_cells(text, start)
        if joined:
            return joined
    if not _HEAD_END.search(line) and line_end < len(text) and text[line_end] == "\n" and len(line) < 30:
        nxt = text[line_end + 1:line_end + 1 + 45].split("\n", 1)[0]
        m = _HEAD_END.search(line[-1:] + nxt)  # 情|况 may be cut by the wrap itself
        cont = nxt[:m.end() - 1] if m else ""
        if m and len(line) + len(cont) <= 45 and not _SENTENCE_END.search(cont) and not _ITEM_OPENING.match(nxt):
            line = line + "\n" + cont  # a heading wrapped onto a second line
    item = _ITEM_INSIDE.search(line, 4)
    if item:  # a sub-heading run on after the heading: (四)… or 二是…
        line = line[:item.start()]
    m = _HEAD_END.search(line, 0, 45)
    if m:
        line = line[:m.end()]
    elif len(line) > 40 or _SENTENCE_END.search(line):
        if True:
            cut = re.search(r"[。,，;；:：\d]", line)
            line = line[:cut.start() if cut else 30]
    end = start + len(line)
    line = re.sub(r"\s+", "", line).rstrip(":：")
    return line, end


def find_sections(text: str) -> list[Heading]:
    """The six top-level headings in document order (a missing one is left out)."""
    out: list[Heading] = []
    pos = 0
    for number, words, _ in SECTIONS:
        pat = re.compile(rf"(?<![(（第一二三四五六七八九十]){number}\s*[、.．,，]\s*")
        for m in pat.finditer(text, pos):
            head, end = _heading_text(text, m.start())
            body = head[2:]
            if any(w in body[:24] for w in words) and not re.search(r"\d", head) and len(head) <= 40:
                out.append(Heading(number, head, m.start(), end))
                pos = end
                break
    return out


def repair_ocr_heading(text: str) -> str:
    """The known printed heading an OCR'd heading most likely is, when it is off by a character or two.

    >>> repair_ocr_heading("四、政府信息公开工作请行政复议、提起行政诉讼情况")
    '四、政府信息公开工作被申请行政复议、提起行政诉讼情况'
    >>> repair_ocr_heading("五、今年工作的不足")
    '五、今年工作的不足'
    >>> repair_ocr_heading("二.主动公开政府信息倩况")   # the mark after the number is as printed
    '二.主动公开政府信息情况'
    """
    mark = text[1:2] in ("、", ".", "．", ",", "，")  # the mark after the number, kept as printed
    words = text[2:] if mark else text[1:]
    best, score = text, 0.0
    for v in HEADING_VARIANTS:
        if v[0] != text[:1]:
            continue
        r = SequenceMatcher(None, words, v[2:]).ratio()
        if r > score:
            best, score = v, r
    distance = max(len(words), len(best) - 2) * (1 - score)
    if score < 0.88 or distance > 3:
        return text
    return best[0] + text[1] + best[2:] if mark else best


# ------------------------------------------------------------------ regions of the three tables
_T2_START = re.compile(r"第二十条第\s*[(（]?\s*[一1]\s*[)）]?\s*项|信息内容")
_T3_START = re.compile(r"申请人情况|本年新收")
_T4_START = re.compile(r"行政复议")


def table_regions(text: str, sections: list[Heading]) -> dict[str, tuple[int, int]]:
    """Where tables 二, 三 and 四 lie: between their section headings, else by their own labels."""
    at = {h.number: h for h in sections}
    n = len(text)

    def after(num: str, default: int) -> int:
        return at[num].end if num in at else default

    def before(nums: str, default: int) -> int:
        for k in nums:
            if k in at:
                return at[k].start
        return default

    t3_lo = after("三", -1)
    if t3_lo < 0:
        m = _T3_START.search(text)
        t3_lo = m.start() if m else n
    t2_lo = after("二", -1)
    if t2_lo < 0:
        m = _T2_START.search(text)
        t2_lo = m.start() if m else min(t3_lo, n)
    t3_hi = before("四五六", n)
    t4_lo = after("四", -1)
    if t4_lo < 0:
        m = _T4_START.search(text, t3_lo if t3_lo < n else 0)
        t4_lo = m.start() if m else n
        t3_hi = min(t3_hi, t4_lo)
    t4_hi = before("五六", n)
    if t4_hi <= t4_lo:
        t4_hi = n
    regions = {"t2": (t2_lo, t3_lo if t3_lo > t2_lo else before("三四五六", n)), "t3": (t3_lo, t3_hi),
               "t4": (t4_lo, t4_hi)}
    return {k: v for k, v in regions.items() if v[0] < v[1]}


def detect_layout(text: str, year: int | None) -> tuple[str, dict[str, int]]:
    """'2019' or '2021' from the phrases only one layout prints; the year breaks a tie."""
    score = {name: sum(1 for cue in lay.cues if re.search(r"\s*".join(map(re.escape, cue)), text))
             for name, lay in LAYOUTS.items()}
    if score["2021"] != score["2019"]:
        return max(score, key=score.get), score
    return ("2019" if year is not None and year <= 2020 else "2021"), score


# ------------------------------------------------------------------ meta
_TITLE = re.compile(r"(?P<a>[^\n\x1f。，,；;:：]{0,60}?)(?:关于)?(?P<y>(?:19|20)\d{2})\s*年\s*(?:度)?(?P<b>[^\n\x1f。，,]{0,40}?)"
                    r"(?:政府)?信息公开(?:工作)?的?(?:年度)?(?:报告|年报)")
_SUFFIX = ("人民政府办公厅", "人民政府办公室", "人民政府", "办公厅", "办公室", "委员会", "管委会", "管理委员会", "综合实验区",
           "办事处", "局", "厅", "委", "署", "院", "中心", "政府", "公司", "集团", "分局", "支队", "大队", "站", "所", "馆", "处", "办", "部")
_AGENCY_SENT = re.compile(r"(?:^|[\n。，,；;])\s*(?:\d{4}\s*年度?\s*[,，]?\s*)?(?:在[^。，,]{1,30}?下\s*[,，]\s*)?"
                          r"(?P<a>[\u4e00-\u9fff()（）]{3,30}?(?:" + "|".join(_SUFFIX) + r"))"
                          r"(?=认真|按照|将|全面|坚持|深入|严格|根据|紧紧|围绕|高度|始终|积极|继续|进一步|以|对|共|紧扣|聚焦|持续|扎实|不断)")
_SENTENCE_PUNCT = re.compile(r"[。,，;；]")
_BAD_AGENCY = re.compile(r"^(我|本|该|各|全|市委|县委|区委|省委|上级)")
_PERIOD = re.compile(r"统计期限[^。]{0,20}?(?:自|为|从)?\s*((?:19|20)\d{2})\s*年")
_YEAR_OF = re.compile(r"((?:19|20)\d{2})\s*年\s*度?")


def _clean_agency(a: str) -> str | None:
    a = re.sub(r"^\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(\s*\d{1,2}:\d{2}(:\d{2})?)?\s*", "", a.strip())  # a browser's print header
    a = re.sub(r"^(标题|题目)[:：]?", "", a)
    a = re.sub(r"[#*\s]|^(\d+|[\x1d-\x1f])+", "", a)
    a = a.strip("《》“”\"'()（）[]【】-—_")
    if len(a) < 2 or _BAD_AGENCY.match(a) or not re.search(r"[\u4e00-\u9fff]{2}", a):
        return None  # a body is named in Chinese characters
    return a


MAX_TITLE_LINES = 4
"""Lines read as the title at most (a page's own title, a crawler's links to other reports)."""
_LINK_PREFIX = re.compile(r"^[^\s：:，。,《]{1,6}[：:]|^[\d/.:\s-]{6,}\s")  # 上一篇：… 微信：… (a link to another
# article), 2021/1/24 9:10 … (a browser's print header, the page's title after its clock): not the title


def _title_candidates(head: str) -> list[list[str]]:
    """For each line that may be the title, most likely first: the line, and the line joined with its
    neighbours when the title wraps over lines.

    A line opening with a short label and a colon (``上一篇：某局2023年…年度报告``, a crawler's link
    to the neighbouring article) or with a clock (a browser's print header) comes after the others
    (``标题：…`` does not).
    """
    lines = [ln.strip() for ln in head.split("\n")]
    titled = [i for i, ln in enumerate(lines) if len(ln) <= 80 and ("信息公开" in ln or (  # or wrapped inside 公|开
        i + 1 < len(lines) and "信息公开" in ln[-3:] + lines[i + 1][:3]))]
    plain = [i for i in titled if not _LINK_PREFIX.match(lines[i]) or re.match(r"(标题|题目)\s*[：:]", lines[i])]
    out = []
    for i in (plain + [i for i in titled if i not in plain])[:MAX_TITLE_LINES]:
        line = lines[i]
        prev = lines[i - 1] if i and len(lines[i - 1]) <= 30 and not _SENTENCE_PUNCT.search(lines[i - 1]) else ""
        nxt = lines[i + 1] if i + 1 < len(lines) and len(lines[i + 1]) <= 12 else ""
        out.append([c for c in (line, line + nxt, prev + line, prev + line + nxt) if c])
    return out


def _named_in_title(group: list[str]) -> tuple[str | None, int | None]:
    """(agency, year) that one title line's candidates name: the first with an agency."""
    year = None
    for cand in group:
        m = _TITLE.search(cand)
        if m:
            year = int(m.group("y"))
            agency = _clean_agency(m.group("a")) or _clean_agency(m.group("b"))
            if agency:
                return agency, year
    return None, year


def find_meta(text: str) -> dict:
    """The reporting body and the year reported on ({'agency': str|None, 'year': int|None}).

    Where several lines name different bodies (a crawler's links to other reports above the report's
    own title), the body the text names most often outside any title is the report's (signature, contact).
    """
    head = text[:3000]
    agency = year = None
    named = [_named_in_title(g) for g in _title_candidates(head)]
    with_agency = [n for n in named if n[0]]
    if len({a for a, _ in with_agency}) > 1:
        titles = [ln for ln in text.split("\n") if _TITLE.search(ln)]  # its name outside any title: signature, contact

        def named(n: tuple) -> tuple[int, int, int]:
            total = text.count(n[0])
            return total - sum(ln.count(n[0]) for ln in titles), total, -with_agency.index(n)
        agency, year = max(with_agency, key=named)
    elif with_agency:
        agency, year = with_agency[0]
    elif named:
        year = next((y for _, y in named if y), None)
    for m in [] if agency else _TITLE.finditer(head):
        a = _clean_agency(m.group("a")) or _clean_agency(m.group("b"))
        if a is None and not m.group("a").strip():  # title broken over two lines: the agency above
            prev = head[:m.start()].rstrip("\n").rsplit("\n", 1)[-1]
            a = _clean_agency(prev) if len(prev) <= 30 and not re.search(r"[。,，;；:：]", prev) else None
        year = int(m.group("y"))
        if a:
            agency = a
            break
    if agency is None:
        m = _AGENCY_SENT.search(text[:6000])
        if m and not _BAD_AGENCY.match(m.group("a")):
            agency = m.group("a")
    if year is None:
        m = _PERIOD.search(text) or _YEAR_OF.search(text[:6000])
        year = int(m.group(1)) if m else None
    return {"agency": agency, "year": year}


def meta_in_title(title: str | None) -> dict:
    """The body and year that a file's own title names (``<title>某局2021年政府信息公开工作年度报告_某市人民政府</title>``):
    where the printed text names none, the page title or the PDF/Word metadata may.

    >>> meta_in_title("某某县教育局2021年政府信息公开工作年度报告_某某县人民政府")
    {'agency': '某某县教育局', 'year': 2021}
    >>> meta_in_title("Microsoft Word - 附件1.docx")
    {'agency': None, 'year': None}
    """
    agency, year = _named_in_title([title]) if title else (None, None)
    return {"agency": agency, "year": year}


def period_year(text: str) -> int | None:
    """The year of the statistics period stated in the text (统计期限自2019年1月1日起…), if any."""
    m = _PERIOD.search(text)
    return int(m.group(1)) if m else None
