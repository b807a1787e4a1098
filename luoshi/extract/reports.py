"""Government work reports (政府工作报告): speaker, years, targets, commitments, results and the glossary.

A report reviews one year (工作回顾) and plans the next (目标任务); its sections, cue words and
vocabularies are data (rules/reports.json), and every quantity record says which rule produced it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Iterator

from luoshi.extract.dates import find_dates, iso
from luoshi.extract.document import Document, Paragraph
from luoshi.extract.header import without_page_chrome
from luoshi.extract.pipeline import stage
from luoshi.extract.quantities import Quantity, find_quantities
from luoshi.extract.reviews import find_sessions

_DATA: dict[str, Any] = json.loads(
    resources.files("luoshi.extract").joinpath("rules/reports.json").read_text(encoding="utf-8"))


def _rule(entry: dict) -> tuple[str, re.Pattern]:
    return entry["id"], re.compile(entry["pattern"])


_, REVIEW = _rule(_DATA["sections"]["review_heading"])
_, PLAN = _rule(_DATA["sections"]["plan_heading"])
_, APPENDIX = _rule(_DATA["sections"]["appendix_heading"])
_, OTHER_PERIOD = _rule(_DATA["sections"]["future_context"])
_, APPENDIX_PLEDGES = _rule(_DATA["sections"]["appendix_pledges"])
PLAN_OPENING = re.compile(_DATA["sections"]["plan_opening"]["opening"].replace(
    "{year}", r"(?:19|20)[0-9]{2}"))
PLAN_FUTURE = re.compile(_DATA["sections"]["plan_opening"]["future"])
WILL_OPEN = re.compile(r"(?:19|20)[0-9]{2}年[，,]?(?:全|我|该)?[省市县区旗州]?(?:将|要|计划|力争)")
TARGET_CUE_ID, TARGET_CUE = _rule(_DATA["targets"]["cue"])
TARGET_STOP = re.compile(_DATA["targets"]["stop"])
STRIVE = re.compile(r"(?:^|(?<=[，,。\n]))[^，。；,]{0,12}?(?:力争实现|力争|确保实现|确保)(?=[^，。；,]{2,20}?(?:增长|达到))")
STRIVEN_MIN = 3  # figures a striving sentence names to be the year's targets
NUMBERLESS = [_rule(r) for r in _DATA["targets"]["numberless"]]
CLAUSE_END = frozenset(_DATA["targets"]["clause_separators"])
ITEM_END = frozenset("；;。")
TARGET_HEADING_ID, TARGET_HEADING = _rule(_DATA["targets"]["heading"])
QUALITATIVE_ID = _DATA["targets"]["qualitative"]["id"]
QUALITATIVE = re.compile("|".join(map(re.escape, _DATA["targets"]["qualitative"]["predicates"])))
NOT_INDICATOR = re.compile(_DATA["targets"]["qualitative"]["not_indicator"])
INDICATOR_MAX = _DATA["targets"]["qualitative"]["indicator_max"]
SUBJECT_LEAD = sorted(_DATA["targets"]["qualitative"]["indicator_lead"], key=len, reverse=True)
SUBJECT_TRIM = sorted(_DATA["targets"]["qualitative"]["indicator_trim"], key=len, reverse=True)
ASSIGNED = re.compile(r"完成[^，。；]{0,12}?下达")
GENERIC_OBJECTS = re.compile(_DATA["targets"]["generic_objects"])
CONTINUATION = re.compile(_DATA["targets"]["continuation"])
OPENING = 800  # characters at the start of a news account where it names the session
QUALIFIER_REACH = 12
QUALIFIED_MEASURE = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:增长|增速|增幅|下降|提高|达到)")
ALTERNATIVE = ("或", "或者")  # 超30亿元或3亿美元: two currencies of one threshold  # characters between a qualifying amount and the count it qualifies
PHRASE_END = frozenset("，。；：！？、,;:!?\n")
SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
FULL_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
SPEAKER = re.compile(
    "(?:" + "|".join(sorted(map(re.escape, _DATA["speaker_titles"]), key=len, reverse=True)) + ")"
    r"[：:]?\n?([\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8}|[\u4e00-\u9fff]{2,4}?)(?=$|\n|首页|时间|来源|各位代表|所?作|向大会|[：:，,。（(\s])",
    re.M)
# A news account of the report: `县长张三代表县人民政府向大会作政府工作报告`
_TITLES = "(?:" + "|".join(sorted(map(re.escape, _DATA["speaker_titles"]), key=len, reverse=True)) + ")"
_DELIVERS = (r"(?:代表[\u4e00-\u9fff]{2,12}?)?(?:向[\u4e00-\u9fff]{0,8}?大会)?作了?[《“]?(?:政府)?工作报告"
             r"|在[《“]?政府工作报告[》”]?中")
REPORTED_SPEAKER = re.compile(  # 县长张三代表…作政府工作报告, or 张三县长作…
    rf"{_TITLES}([\u4e00-\u9fff]{{2,4}}?)(?:{_DELIVERS})|(?<=[，,。\s、])([\u4e00-\u9fff]{{2,3}}){_TITLES}(?:{_DELIVERS})")
OCCASION = re.compile(r"在((?:[\u4e00-\u9fff]{2,20}?)?第?[一二三四五六七八九十]+届\n?[\u4e00-\u9fff\n]{0,12}?会议)上")
DELIVERY = re.compile(r"(?:——|（|\(|^)\s*([0-9〇○一二三四五六七八九十年月日]{6,16}日)\s*在", re.M)
YEAR = re.compile(r"((?:19|20|１９|２０)[0-9０-９]{2})年")
YEAR_IS = re.compile(r"(?<![0-9０-９])((?:19|20|１９|２０)[0-9０-９]{2})年是")  # 2013年是…开局之年: the year planned
JUST_PAST = re.compile(r"刚刚过去的((?:19|20|１９|２０)[0-9０-９]{2})年")
PLAN_YEAR_CUES = [_rule(r) for r in _DATA["years"]["plan"]]
REVIEW_YEAR_CUES = [_rule(r) for r in _DATA["years"]["review"]]
LEADS = sorted(_DATA["lead_words"], key=len, reverse=True)
MEASURES = sorted(_DATA["measures"], key=len, reverse=True)
MEASURE_SUFFIX = re.compile("(?:" + "|".join(map(re.escape, MEASURES)) + r")\Z")
MEASURE_PREFIX = re.compile("|".join(map(re.escape, MEASURES)))
TRIM = sorted(_DATA["indicator_trim"], key=len, reverse=True)
SKIP_BEFORE = tuple(_DATA["commitments"]["skip_before"])
SKIP_AFTER = tuple(_DATA["commitments"]["skip_after"])
WEB_CHROME = re.compile(_DATA["web_chrome"])
TITLE_PREFIX = re.compile(_DATA["title_prefix"])
TITLE = re.compile(r"[^。，：:]{0,40}?工作报告(?:（摘要）|的决议)?")
LIST_MARK = re.compile(r"——|[一二三四五六七八九十]+[是、]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?![0-9])")
LIST_ITEM = re.compile("^(?:" + LIST_MARK.pattern + ")")


@dataclass(frozen=True)
class Sections:
    """Where the parts of a report are, as clean-text offsets, and the years they are about."""

    body_start: int
    review: tuple[int, int]
    plan: tuple[int, int] | None
    appendix: int
    review_year: int | None
    plan_year: int | None


def _is_heading(p: Paragraph) -> bool:
    t = p.text
    if len(t) > 50:
        return False
    inner = t[:-1]
    return "。" not in inner and "；" not in t and (not t.endswith("。") or bool(LIST_ITEM.match(t)))


def _years(s: str) -> list[int]:
    return [int(y) for y in YEAR.findall(s)]


def sections(doc: Document) -> Sections:
    """The review, plan and appendix of a report (computed once per document)."""
    found = doc.facts.get("report_sections")
    if found is None:
        found = doc.facts["report_sections"] = _find_sections(doc)
    return found


def _find_sections(doc: Document) -> Sections:
    paras, text = doc.paragraphs, doc.text
    body_start, first = _body_start(paras)
    appendix = _appendix_start(paras, len(text))
    review_i, plan_i = _headings(paras, first, appendix)
    review_start = paras[review_i].start if review_i is not None else body_start
    plan_start = paras[plan_i].start if plan_i is not None else None
    if plan_start is None:
        cue = _target_cue(doc, body_start, appendix, None)
        if cue is not None:
            plan_start = _sentence_start(text, cue)
    review_end = _review_end(paras, review_i, plan_start if plan_start is not None else appendix)
    if plan_i is not None and OTHER_PERIOD.search(paras[plan_i].text):
        # 二、“十五五”时期目标任务和2026年工作安排: the year's part starts at the year's targets
        cue = _target_cue(doc, plan_start, appendix, plan_start)
        if cue is not None:
            plan_start = next((p.start for p in paras if p.end >= cue), cue)
    if plan_start is None and review_end < appendix:
        plan_start = review_end  # what follows a numbered review (一、…回顾 / 二、…) is the work ahead
    if plan_start is None and review_i is None:
        plan_start = _plan_opening(doc, body_start, appendix)
        review_end = plan_start if plan_start is not None else review_end
    review_year, plan_year = _section_years(doc, review_i, plan_i, (body_start, review_end),
                                            (plan_start, appendix) if plan_start is not None else None)
    plan = (plan_start, appendix) if plan_start is not None else None
    return Sections(body_start, (review_start, review_end), plan, appendix, review_year, plan_year)


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding `pos` starts (a news account runs a whole report into one paragraph)."""
    return max(text.rfind(c, 0, pos) for c in "。！？\n") + 1


def _plan_opening(doc: Document, lo: int, hi: int) -> int | None:
    """Where a report without headings turns to the year ahead: the first sentence that opens on it
    (`新的一年，我们将…`, `2025年，全县要…`) and says what will be done."""
    text, latest = doc.text, None
    for m in FULL_SENTENCE.finditer(text, lo, hi):
        sentence = m.group()
        opening = PLAN_OPENING.match(sentence)
        if opening and PLAN_FUTURE.search(sentence):
            year = YEAR.match(opening.group())
            # a year named before (`明确2024年…目标`) may open the plan when the sentence says what will be
            # done at once (`2024年，该县将…`)
            if not year or latest is None or int(year.group(1)) > latest \
                    or (int(year.group(1)) == latest and WILL_OPEN.match(sentence)):
                return m.start()
        latest = max(_years(sentence), default=latest) if latest is None else max([latest, *_years(sentence)])
    return None


def _body_start(paras: list[Paragraph]) -> tuple[int, int]:
    """Where the body starts (after `各位代表：` and `现在，我代表…请予审议`) and its first paragraph."""
    for i, p in enumerate(paras[:40]):
        if p.text.startswith("各位代表") or re.search(r"各位代表[：:]", p.text):
            if len(p.text) < 80 and i + 1 < len(paras) and "审议" in paras[i + 1].text[:80]:
                return paras[i + 1].end, i + 2
            return p.end, i + 1
    return 0, 0


def _appendix_start(paras: list[Paragraph], end: int) -> int:
    for p in paras[len(paras) * 3 // 5:]:
        if _is_heading(p) and APPENDIX.match(p.text):
            return p.start
    return end


def _headings(paras: list[Paragraph], first: int, appendix: int) -> tuple[int | None, int | None]:
    """The indexes of the review heading (…工作回顾) and of the plan heading (2024年工作安排)."""
    review_i = None
    for i in range(first, len(paras)):
        p = paras[i]
        if p.start >= appendix:
            break
        if not _is_heading(p) or "工作报告" in p.text:
            continue
        if review_i is None and REVIEW.search(p.text):
            review_i = i
        elif PLAN.search(p.text) and not REVIEW.search(p.text):
            years = _years(p.text)
            review_years = _years(paras[review_i].text) if review_i is not None else []
            if not years or not review_years or max(years) > max(review_years):
                return review_i, i
    return review_i, None


def _review_end(paras: list[Paragraph], review_i: int | None, end: int) -> int:
    """A numbered review (一、2023年工作回顾) ends at the next heading of its rank (二、…)."""
    if review_i is None:
        return end
    heading = paras[review_i].text
    marker = LIST_ITEM.match(heading)
    if not (marker and marker.group().endswith("、")):
        return end
    for p in paras[review_i + 1:]:
        if p.start >= end:
            break
        if _is_heading(p) and p.text[1:2] == "、" and LIST_ITEM.match(p.text) and p.text[:1] != heading[:1]:
            return p.start
    return end


def _section_years(doc: Document, review_i: int | None, plan_i: int | None, review: tuple[int, int],
                   plan: tuple[int, int] | None) -> tuple[int | None, int | None]:
    """(review year, plan year): from the headings, else the delivery date, else the text's own words."""
    paras, text = doc.paragraphs, doc.text
    review_years = _years(paras[review_i].text) if review_i is not None else []
    review_year = min(review_years, default=None)
    plan_year = max(_years(paras[plan_i].text), default=None) if plan_i is not None else None
    if plan_year is None and len(set(review_years)) > 1:
        plan_year = max(review_years)  # 1998年工作回顾和1999年工作的总体要求
    if plan_year is None:
        delivered = _delivery_date(doc)
        plan_year = delivered.year if delivered else None
    if review_year is None and review_i is not None and review_i + 1 < len(paras):
        lead = re.match(r"(?:刚刚过去的)?((?:19|20|１９|２０)[0-9０-９]{2})年[，,是]", paras[review_i + 1].text)
        review_year = int(lead.group(1)) if lead else None
    if review_year is None:
        m = JUST_PAST.search(text, review[0], min(review[1], review[0] + 3000))
        review_year = int(m.group(1)) if m else None
    if plan_year is None and plan is not None:
        m = YEAR_IS.search(text, *plan)
        plan_year = int(m.group(1)) if m and (review_year is None or int(m.group(1)) > review_year) else None
    if plan_year is None or review_year is None:
        plan_year, review_year = _years_in_words(text, review, plan, plan_year, review_year)
    if review_year is None and plan_year:
        review_year = plan_year - 1
    if plan_year is None and review_year:
        plan_year = review_year + 1
    return review_year, plan_year


def _years_in_words(text: str, review: tuple[int, int], plan: tuple[int, int] | None,
                    plan_year: int | None, review_year: int | None) -> tuple[int | None, int | None]:
    """(plan year, review year) from the words of a report without dated headings: `2025年的主要预期目标是`,
    `回顾2015年…`; a year found for one part never contradicts the year known for the other."""
    lo = review[0]
    hi = plan[1] if plan else review[1]
    if plan_year is None:
        for _, rx in PLAN_YEAR_CUES:
            m = rx.search(text, lo, hi)
            if m and (review_year is None or int(m.group(1)) > review_year):
                plan_year = int(m.group(1))
                break
    if review_year is None:
        for _, rx in REVIEW_YEAR_CUES:
            m = rx.search(text, review[0], min(review[1], review[0] + 3000))
            if m and (plan_year is None or int(m.group(1)) < plan_year):
                review_year = int(m.group(1))
                break
    return plan_year, review_year


# --- the head: speaker, occasion, date, title ---------------------------------------------------

def _head(doc: Document) -> list[Paragraph]:
    out = []
    for p in doc.paragraphs[:40]:
        if p.text.startswith("各位代表"):
            break
        if len(p.text) > 120:
            break
        if not WEB_CHROME.match(p.text):
            out.append(p)
    return out


def _delivery_date(doc: Document):
    """The date the report was given: `——2024年1月9日在…会议上`, else the first date of its head."""
    head = "\n".join(p.text for p in _head(doc))
    m = DELIVERY.search(head)
    dates = find_dates(m.group(1)) if m else find_dates("\n".join(p.text for p in _head(doc)[:6]))
    return dates[0][2] if dates else None


def _title(head: list[Paragraph]) -> str | None:
    lines = [without_page_chrome(p.text) for p in head]  # 2024年政府工作报告发布时间：…来源：…
    for i, line in enumerate(lines):
        candidates = [line]
        if i + 1 < len(lines) and len(line) < 12:
            candidates.append(line + lines[i + 1])  # 政府工作报 / 告: a title broken by the page
        for candidate in candidates:
            for part in re.split(r"[。！]", candidate):
                m = TITLE.fullmatch(part)
                if m and "记者" not in part and not re.search(r"作政府工作报告|听取|审议", part):
                    return TITLE_PREFIX.sub("", part)
    return None


def _reported_occasion(text: str) -> str | None:
    """The congress session a news account of a report opens on (`3月2日上午，镇安县第十七届人民代表大会
    第六次会议在…开幕`): the first one named with its place, in the full form when the text has it."""
    opening = text[:OPENING]
    found = [s for at, s in find_sessions(opening)
             if not opening.startswith(("以来", "的决议", "确定"), opening.find("会议", at) + 2)]
    placed = [s for s in found if not s.startswith(("第", "人大")) and not s[0].isdigit()]
    full = [s for s in placed if "人民代表大会" in s]
    return (full or placed or [None])[0]


@stage("report_header", assigns=("speaker", "occasion", "review_year", "plan_year", "title", "issued"))
def report_header(doc: Document) -> None:
    """Who gave the report, where and when, and the years it reviews and plans.

    A report's head is its title, the `——date在…会议上` line and the speaker; web pages put their
    own headline and publication time around it, which the head ignores.
    """
    head = _head(doc)
    head_text = "\n".join(p.text for p in head)
    m = SPEAKER.search(head_text) or REPORTED_SPEAKER.search(doc.text, 0, OPENING)
    doc.record["speaker"] = next(g for g in m.groups() if g) if m else None
    m = OCCASION.search(head_text)
    doc.record["occasion"] = m.group(1).replace("\n", "") if m else _reported_occasion(doc.text)
    delivered = _delivery_date(doc)
    if delivered:
        doc.record["issued"] = iso(delivered)
    doc.record["title"] = _title(head)
    s = sections(doc)
    doc.record["review_year"] = s.review_year
    doc.record["plan_year"] = s.plan_year


# --- quantities as records ----------------------------------------------------------------------

def _phrase_start(text: str, lo: int, pos: int) -> int:
    i = pos
    while i > lo and text[i - 1] not in PHRASE_END:
        i -= 1
    return i


def _phrase_end(text: str, pos: int, hi: int) -> int:
    i = pos
    while i < hi and text[i] not in PHRASE_END and text[i] not in "（(":
        i += 1
    return i


def _strip_words(s: str, words: list[str], *, front: bool = True, back: bool = False) -> str:
    changed = True
    while changed and s:
        changed = False
        for w in words:
            if front and s.startswith(w) and len(s) > len(w):
                s, changed = s[len(w):], True
            elif back and s.endswith(w) and len(s) > len(w):
                s, changed = s[: -len(w)], True
    return s


def _indicator(before: str, after: str) -> tuple[str | None, str | None]:
    """(indicator, measure) from the words before a quantity and those after it.

    What a count counts follows it when anything does (新增6家苏州市级总部企业); other quantities
    measure what precedes them (地区生产总值增长5%).
    """
    s = _strip_words(before, LEADS)
    measure = None
    # the longest measure the words end with, else the longest they start with (one regex, not a loop)
    suffix = MEASURE_SUFFIX.search(s)
    prefix = None if suffix else MEASURE_PREFIX.match(s)
    if suffix:
        measure, s = suffix.group(), s[:suffix.start()]
    elif prefix:
        measure, s = prefix.group(), s[prefix.end():]
    if measure is not None:  # 完成城镇燃气管道更新改造45公里: a second verb in front is not the indicator either
        second = MEASURE_PREFIX.match(s)
        if second and len(s) > len(second.group()) + 1:
            s = s[second.end():]
        elif second:
            for m in MEASURES:
                if s.startswith(m) and len(s) > len(m) + 1:
                    s = s[len(m):]
                    break
    s = _strip_words(s, TRIM, front=True, back=True)
    s = re.sub(r"等$", "", s)
    if after or len(s) < 2:
        s = after
    return (s or None), measure


def _record(doc: Document, q: Quantity, start: int, end: int, year: int | None,
            indicator_span: tuple[int, int], after_span: tuple[int, int]) -> dict[str, Any]:
    text = doc.text
    indicator, measure = _indicator(text[indicator_span[0]:indicator_span[1]], text[after_span[0]:after_span[1]])
    rec = {**doc.ground(start, end), "indicator": indicator, "measure": measure, "value": q.value, "unit": q.unit,
           "bound": q.bound, "year": year, "rule": q.rule}
    if q.value_max is not None:
        rec["value_max"] = q.value_max
    return rec


def quantity_records(doc: Document, lo: int, hi: int, year: int | None, *,
                     commitments: bool = False) -> Iterator[dict[str, Any]]:
    """A record for every quantity in clean text[lo:hi], its text the phrase that states it.

    Quantities joined by 和/、 (`城镇和农村居民人均可支配收入分别增长8%和9%`) are one indicator each,
    all grounded in the whole phrase.
    """
    text = doc.text
    quantities = find_quantities(text, lo, hi)
    prev_end, previous, shared = lo, None, None
    found: list[tuple[Quantity, int, int, bool]] = []  # (quantity, phrase start, phrase end, own indicator)
    qualifying = False
    for i, q in enumerate(quantities):
        nxt = quantities[i + 1].start if i + 1 < len(quantities) else hi
        if _qualifier(text, q, quantities[i - 1] if i else None, qualifying) or (
                i + 1 < len(quantities) and _qualifies(text, q, quantities[i + 1:])):
            qualifying = True
            continue  # 10亿元以上项目5个: the amount says which projects; the count is what is stated
        qualifying = False
        start = _phrase_start(text, max(lo, prev_end), q.start)
        while start < q.start and text[start] in "、，,":
            start += 1
        mark = LIST_MARK.match(text, start, q.start)
        if mark:  # 2.实现城镇新增就业18万人: the numbering is not part of the phrase
            start = mark.end()
        end = q.end
        if q.is_count and end < hi and text[end] not in PHRASE_END:
            end = _phrase_end(text, end, min(hi, nxt))  # 6个老旧小区: the thing counted follows the unit
        elif q.unit in ("%", "％") and text.startswith("的", q.end):
            end = _phrase_end(text, end, hi)  # 20%的村集体年收入超30万元: the share of what follows
        prev_end = q.end
        if q.rule == "unit.duration" and q.end < hi and text[q.end] not in PHRASE_END:
            continue  # 15分钟生活圈, 24小时服务: a duration that qualifies a noun is not a quantity stated
        if commitments and (text[max(lo, q.start - 2):q.start].endswith(SKIP_BEFORE)
                            or text.startswith(SKIP_AFTER, q.end)):
            continue
        found.append((q, start, end, True))
    for run in _runs(text, found):
        first_q, start, _, _ = run[0]
        recs = [_record(doc, q, s0, e0, year, (s0, q.start), _after(text, q, e0)) for q, s0, e0, _ in run]
        if len(run) > 1:
            recs = _distributed(doc, run, recs, shared)
            shared = [r["indicator"] for r in recs]
        else:
            shared = None
        for rec in recs:
            if rec["indicator"] is None and previous is not None:
                rec["indicator"] = previous  # 国内生产总值达到134.9万亿元、增长5%: the same indicator
            previous = rec["indicator"]
            yield rec


def _after(text: str, q: Quantity, end: int) -> tuple[int, int]:
    """The words after a quantity that say what it counts (6个老旧小区) or is a share of (20%的村集体…)."""
    if end <= q.end:
        return q.end, q.end
    return (q.end + 1 if text.startswith("的", q.end) else q.end), end


def _runs(text: str, found: list[tuple[Quantity, int, int, bool]]) -> Iterator[list[tuple[Quantity, int, int, bool]]]:
    """The quantities grouped in runs of the same unit joined by 和/、 alone (8%左右和8.5%左右)."""
    run: list[tuple[Quantity, int, int, bool]] = []
    for item in found:
        if run and _joined(text, run[-1][0], item[0]):
            run.append(item)
            continue
        if run:
            yield run
        run = [item]
    if run:
        yield run


def _joined(text: str, a: Quantity, b: Quantity) -> bool:
    between = text[a.end:b.start]
    return between in ("和", "、", "与", "及") and a.unit == b.unit and a.rule == b.rule


def _distributed(doc: Document, run: list[tuple[Quantity, int, int, bool]], recs: list[dict[str, Any]],
                 shared: list[str | None] | None) -> list[dict[str, Any]]:
    """One indicator for each quantity of a run, every record grounded in the run's whole phrase."""
    start = run[0][1]
    end = max(e for _, _, e, _ in run)
    own = recs[0]["indicator"]
    respective = "分别" in doc.text[start:run[0][0].start] or any(pair in (own or "") for pair in PAIRED)
    if own is None and shared and len(shared) == len(run):
        indicators = list(shared)  # 达到23292元和7750元、分别增长8.8%和10%: the same two indicators
    elif own and respective:
        indicators = split_indicator(own, len(run))
        head = _head_before(doc.text, start)
        if head and len(set(indicators)) == 1:  # 城镇、农村居民人均可支配收入分别增长…: the first head stood apart
            start -= len(head) + 1
            indicators = split_indicator(head + "、" + own, len(run))
    else:
        indicators = [own] * len(run)  # 接连突破8万亿元、9万亿元: one indicator, several figures
    grounded = doc.ground(start, end)
    if respective and recs[-1]["bound"] and all(r["bound"] is None for r in recs[:-1]):
        recs = [{**r, "bound": recs[-1]["bound"]} for r in recs]  # 分别增长5.5%、6%以上: both at least
    return [{**rec, **grounded, "indicator": ind, "measure": recs[0]["measure"]}
            for rec, ind in zip(recs, indicators)]


def _head_before(text: str, start: int) -> str | None:
    """The few characters set off by 、 before a phrase (`城镇` of `城镇、农村居民…`), if that is all there is."""
    if start < 2 or text[start - 1] != "、":
        return None
    k = start - 1
    while k > 0 and text[k - 1] not in PHRASE_END and start - k <= 6:
        k -= 1
    head = text[k:start - 1]
    return head if (k == 0 or text[k - 1] in PHRASE_END) and re.fullmatch(r"[\u4e00-\u9fff]{1,4}", head) else None


PAIRED = {k: tuple(v) for k, v in _DATA["respective"]["pairs"].items()}  # 城乡居民收入分别增长…
PARALLEL_HEADS = sorted(_DATA["respective"]["parallel_heads"], key=len, reverse=True)


def split_indicator(indicator: str, n: int) -> list[str]:
    """`城镇和农村常住居民人均可支配收入` (2) → the income of each; `城乡居民收入` → 城镇…, 农村…."""
    for pair, parts in PAIRED.items():
        if n == 2 and pair in indicator:
            return [indicator.replace(pair, part, 1) for part in parts]
    parts = re.split(r"[和与及、]", indicator)
    if len(parts) != n or not all(parts):
        return [indicator] * n
    last = parts[-1]
    if len(last) > len(parts[0]) + 1:  # 城镇和农村常住居民…: what follows the last head is shared
        head = next((h for h in PARALLEL_HEADS if last.startswith(h)), None)
        if head is None or not all(p in PARALLEL_HEADS for p in parts[:-1]):
            return [indicator] * n  # 软件和信息服务业增加值: which words are shared cannot be told
        parts = [p + last[len(head):] for p in parts[:-1]] + [last]
    return parts


def _qualifies(text: str, q: Quantity, following: list[Quantity]) -> bool:
    """An amount that names a class of things counted next (亿元以上项目40个, 10万元以下的小额贷款3000笔,
    超30亿元或3亿美元产业项目2个), or what a share is a share of (20%的村集体年收入超30万元)."""
    nxt = following[0]
    between = text[q.end:nxt.start]
    if any(c in PHRASE_END for c in between) or nxt.start - q.end > QUALIFIER_REACH:
        return False
    if q.bound in ("以上", "以下") and between in ALTERNATIVE and len(following) > 1:
        return _qualifies(text, nxt, following[1:]) or following[1].is_count  # 超30亿元或3亿美元…项目2个
    if q.bound in ("以上", "以下") and nxt.is_count:
        return bool(between) and "\u4e00" <= between[0] <= "\u9fff"
    # 500万元以上固定资产投资增长10%: the amount says which investment the figure is of
    return q.bound in ("以上", "以下") and bool(QUALIFIED_MEASURE.fullmatch(between))


def _qualifier(text: str, q: Quantity, previous: Quantity | None, previous_qualifies: bool) -> bool:
    """An amount that qualifies what a quantity before it counts (…或3亿美元 after 超30亿元; 超30万元 in
    20%的村集体年收入超30万元): it is no quantity of its own."""
    if previous is None:
        return False
    between = text[previous.end:q.start]
    if any(c in PHRASE_END for c in between):
        return False
    if between in ALTERNATIVE:
        return previous_qualifies
    return previous.unit in ("%", "％") and between.startswith("的") and q.bound is not None


def _sentences(doc: Document, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    for m in SENTENCE.finditer(doc.text, lo, hi):
        yield m.start(), m.end()


# --- targets --------------------------------------------------------------------------------------

def _target_cue(doc: Document, lo: int, hi: int, plan_start: int | None) -> int | None:
    """The end of the `主要预期目标是：` cue of the plan year (not of a five-year plan), or None."""
    text = doc.text
    best = None
    cues = list(TARGET_CUE.finditer(text, lo, hi))
    # `主要预期目标` says the year's targets; `主要指标` may as well be a five-year plan's (纲要明确了主要指标)
    for m in sorted(cues, key=lambda m: "预期" not in m.group()):
        near = max(lo, m.start() - 200)  # the sentence of the cue, looked for close by
        sentence_start = max(text.rfind("。", near, m.start()), text.rfind("\n", near, m.start()), near - 1) + 1
        if OTHER_PERIOD.search(text, sentence_start, m.start()):
            continue
        if plan_start is None or m.start() >= plan_start:
            return m.end()
        best = best if best is not None else m.end()
    return best


def _target_span(doc: Document, s: Sections) -> tuple[int, int] | None:
    """Where the list of the plan year's main targets is: after its cue, or under its heading."""
    text = doc.text
    plan_start = s.plan[0] if s.plan else None
    cue = _target_cue(doc, s.body_start, s.appendix, plan_start)
    if cue is None:
        return _headed_targets(doc, s) or _striven_targets(doc, s)
    m = re.compile(r"[^。]{0,8}?[：:]|\n?[是为]|[，,]即").match(text, cue)
    start = m.end() if m else cue
    while start < len(text) and text[start] in "\n：:":
        start += 1
    end = _list_end(doc, start)
    if LIST_MARK.match(text, start):
        # targets listed one per paragraph: ——地区生产总值增长5%左右；
        for p in doc.paragraphs_between(end, len(text)):
            if p.start <= end:
                continue
            if p.start > end + 1 or not LIST_ITEM.match(p.text):
                break
            end = p.end
    return start, end


def _striven_targets(doc: Document, s: Sections) -> tuple[int, int] | None:
    """Targets a report (or an account of it) states without naming them, in one sentence of the plan
    year that strives for several figures: `力争实现地区生产总值增长10%以上，…，固定资产投资增长13%以上`."""
    text = doc.text
    lo = s.plan[0] if s.plan else s.body_start
    for a, b in _sentences(doc, lo, s.appendix):
        m = STRIVE.search(text, a, b)
        if m and len(find_quantities(text, m.end(), b)) >= STRIVEN_MIN and not OTHER_PERIOD.search(text, a, b):
            return m.end(), b - 1 if text[b - 1] == "。" else b
    return None


def _list_end(doc: Document, start: int) -> int:
    """The end of a target list starting at `start`: its sentence, and the sentences and paragraphs
    after it while each states more targets (a paragraph broken off mid-list, `力争…增长8%以上`)."""
    text = doc.text
    stop = text.find("。", start)
    nl = text.find("\n", start)
    end = nl if nl >= 0 and (stop < 0 or nl < stop) else (stop if stop >= 0 else len(text))
    while end < len(text):
        if text[end] == "。":
            nxt = FULL_SENTENCE.match(text, end + 1)
        elif text[end] == "\n" and (text[end - 1] not in "。！？!?" or CONTINUATION.match(text, end + 1)):
            nxt = FULL_SENTENCE.match(text, end + 1)
            if nxt and (_heading_at(doc, nxt.start()) or LIST_ITEM.match(nxt.group())):
                break  # a new part of the report, not the rest of the list
        else:
            break
        if not nxt or TARGET_STOP.match(nxt.group()):
            break
        # a line broken off after `；` goes on with any target, one with no number too (粮食产量保持稳定；)
        if not (_states_targets(text, nxt.start(), nxt.end())
                or text[end] == "\n" and text[end - 1] in "；;，," and _numberless(text, nxt.start(), nxt.end())):
            break
        end = nxt.end() - 1 if nxt.group().endswith("。") else nxt.end()
    return end


def _heading_at(doc: Document, pos: int) -> bool:
    p = next((p for p in doc.paragraphs_between(pos, pos + 1)), None)
    return p is not None and p.start == pos and _is_heading(p) and not p.text.endswith(("；", ";", "，", ","))


def _headed_targets(doc: Document, s: Sections) -> tuple[int, int] | None:
    """Targets under a heading of their own (`一、2023年主要预期目标`), listed one per paragraph."""
    paras = [p for p in doc.paragraphs_between(s.body_start, s.appendix)]
    for i, p in enumerate(paras):
        if not (_is_heading(p) and TARGET_HEADING.search(p.text) and not OTHER_PERIOD.search(p.text)):
            continue
        items = paras[i + 1:]
        # a sentence of the year's general requirement may stand between the heading and the list
        for _ in range(2):
            if len(items) < 2 or LIST_ITEM.match(items[0].text) or _is_heading(items[0]) \
                    or _states_targets(doc.text, items[0].start, items[0].end):
                break
            items = items[1:]
        if not items:
            return None
        marker = LIST_ITEM.match(items[0].text)
        style = _marker_style(marker.group()) if marker else None
        end = items[0].end
        for q in items[1:]:
            m = LIST_ITEM.match(q.text)
            if (style is None or not m or _marker_style(m.group()) != style) or len(q.text) < 4:
                break
            end = q.end
        return items[0].start, end
    return None


def _marker_style(marker: str) -> str:
    """The kind of a list marker: `1.` and `2、` are digits, `（一）` bracketed numerals, `——` dashes."""
    return re.sub(r"[0-9]+", "0", re.sub(r"[一二三四五六七八九十]+", "一", marker))


def _states_targets(text: str, lo: int, hi: int) -> bool:
    return bool(find_quantities(text, lo, hi)) or any(rx.search(text, lo, hi) for _, rx in NUMBERLESS)


def _units(text: str, lo: int, hi: int, separators: frozenset[str]) -> Iterator[tuple[int, int]]:
    """The parts of text[lo:hi] between separators, leaving out what is in brackets (（责任领导：…）)."""
    start, depth = lo, 0
    for i in range(lo, hi + 1):
        c = text[i] if i < hi else "\n"
        if c in "（(":
            if depth == 0 and i > start:
                yield start, i
            depth += 1
        elif c in "）)" and depth:
            depth -= 1
            start = i + 1
        elif depth and c in "。\n":  # a bracket left open (a page cut short) ends with its sentence
            depth, start = 0, i + 1
        elif depth == 0 and (c in separators or c == "\n"):
            if i > start:
                yield start, i
            start = i + 1


def _clauses(text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    yield from _units(text, lo, hi, CLAUSE_END)


def _numberless(text: str, lo: int, hi: int) -> tuple[str, str] | None:
    """(indicator, rule) of a target stated without a number (粮食产量保持稳定), or None when the
    words name no indicator (全面完成省市下达的各项目标任务)."""
    while lo < hi and text[lo] in "、，,":
        lo += 1
    mark = LIST_MARK.match(text, lo, hi)
    if mark:
        lo = mark.end()
    clause = text[lo:hi].rstrip("。；;，,")
    for rule_id, rx in NUMBERLESS:
        m = rx.search(clause)
        if not m:
            continue
        if "indicator" in rx.groupindex:
            named = GENERIC_OBJECTS.sub("", m["indicator"]) if not GENERIC_OBJECTS.fullmatch(m["indicator"]) else ""
            named = re.sub(r"(?:考核|约束性)$", "", named)
            if len(named) >= 2:
                return named, rule_id
            continue
        indicator = _subject(clause[:m.start()])
        if indicator:
            return indicator, rule_id
    m = QUALITATIVE.search(clause)
    if m:
        indicator = _subject(clause[:m.start()])
        if indicator:
            return indicator, QUALITATIVE_ID
    return None


def _subject(words: str) -> str | None:
    """The indicator a clause opens on, or None when what stands there is no indicator."""
    s = _strip_words(_strip_words(words, LEADS), SUBJECT_LEAD)
    s = _strip_words(_strip_words(s, LEADS, front=False, back=True), SUBJECT_TRIM, front=False, back=True)
    if len(s) < 2 or len(s) > INDICATOR_MAX or NOT_INDICATOR.search(s) or s in LEADS:
        return None
    return s


def _numberless_parts(text: str, lo: int, hi: int, whole: bool) -> list[tuple[int, int]]:
    """The clauses of a list item that may each state a target without a number; an item whose last
    clause is a shared `完成…下达任务` (主要污染物减排、单位GDP能耗下降，…完成市下达任务) is one."""
    clauses = []
    for c in _clauses(text, lo, hi):
        if not find_quantities(text, *c):
            clauses.append(c)
        else:  # 力争规上工业增加值增长8%以上、固定资产投资合理增长: the part without a number
            clauses += [p for p in _units(text, *c, frozenset("、")) if not find_quantities(text, *p)]
    if whole and len(clauses) > 1 and _shared_assignment(text, *clauses[-1]) and _numberless(text, *clauses[0]):
        return [(lo, hi)]
    return clauses


def _shared_assignment(text: str, lo: int, hi: int) -> bool:
    """`…，大气、水环境质量改善完成市下达任务`: a 完成…下达 after an indicator, read as said of the whole item
    (one that opens on 完成 names its own object: `完成国家下达的减排目标`)."""
    m = ASSIGNED.search(text, lo, hi)
    return bool(m) and bool(_subject(text[lo:m.start()]))


@stage("targets", assigns=("targets",))
def targets(doc: Document) -> None:
    """The main expected targets (主要预期目标) of the plan year, one record per clause or number.

    A list whose items are set off by `；` has an item per target (`主要污染物减排、单位GDP能耗下降，
    …完成市下达任务`); otherwise each clause is one; numbers in brackets are notes, not targets.
    """
    s = sections(doc)
    span = _target_span(doc, s)
    doc.facts["target_span"] = span
    out: list[dict[str, Any]] = []
    if span is None:
        doc.record["targets"] = out
        return
    text = doc.text
    cue_id = TARGET_CUE_ID if _target_cue(doc, s.body_start, s.appendix, s.plan[0] if s.plan else None) \
        is not None else TARGET_HEADING_ID
    items = ITEM_END if any(c in ITEM_END - {"。"} for c in text[span[0]:span[1]]) else CLAUSE_END
    for us, ue in _units(text, *span, items):
        found = list(quantity_records(doc, us, ue, s.plan_year))
        if found:
            out += [{**r, "rule": f"{cue_id}/{r['rule']}"} for r in found]
        for cs, ce in _numberless_parts(text, us, ue, whole=not found and items is ITEM_END):
            named = _numberless(text, cs, ce)
            if named:
                while cs < ce and text[cs] in "、，,":
                    cs += 1
                mark = LIST_MARK.match(text, cs, ce)
                cs = mark.end() if mark else cs
                ce = ce - 1 if text[ce - 1] in "。；;，," else ce
                out.append({**doc.ground(cs, ce), "indicator": named[0], "measure": None, "value": None,
                            "unit": None, "bound": None, "year": s.plan_year, "rule": named[1]})
    doc.record["targets"] = out


# --- commitments and achievements -----------------------------------------------------------------

def _other_period(doc: Document, a: int, b: int, year: int | None) -> bool:
    """A sentence about another period (十五五, 到2030年, 年均增长) is not about the year at hand."""
    m = OTHER_PERIOD.search(doc.text, a, b)
    if not m:
        return False
    years = _years(m.group())
    return not years or year is None or max(years) > year


@stage("commitments", assigns=("commitments",))
def commitments(doc: Document) -> None:
    """Every quantified pledge of the plan year outside the main targets."""
    s = sections(doc)
    out: list[dict[str, Any]] = []
    if s.plan:
        skip = doc.facts.get("target_span") or _target_span(doc, s) or (0, 0)
        for a, b in _sentences(doc, *s.plan):
            if skip[0] <= a < skip[1] or a <= skip[0] < b or _other_period(doc, a, b, s.plan_year):
                continue
            out += quantity_records(doc, a, b, s.plan_year, commitments=True)
        for a, b in _appendix_pledges(doc, s):
            out += quantity_records(doc, a, b, s.plan_year, commitments=True)
    doc.record["commitments"] = out


def _appendix_pledges(doc: Document, s: Sections) -> Iterator[tuple[int, int]]:
    """The paragraphs of an appendix listing the year's pledges (附件：2026年民生实事), not its glossary."""
    pledging = False
    year = f"{s.plan_year}年" if s.plan_year else None
    for p in doc.paragraphs_between(s.appendix, len(doc.text)):
        if _is_heading(p) and not LIST_ITEM.match(p.text):
            pledging = bool(APPENDIX_PLEDGES.search(p.text) or year and year in p.text and "报告" not in p.text)
        elif pledging and not _gloss_entry(p.text):
            yield p.start, p.end


@stage("achievements", assigns=("achievements",))
def achievements(doc: Document) -> None:
    """The quantified results reported for the review year."""
    s = sections(doc)
    out: list[dict[str, Any]] = []
    lo, hi = s.review
    if hi > lo and (s.plan or s.review_year):
        for a, b in _sentences(doc, lo, hi):
            if not _other_period(doc, a, b, s.review_year):
                out += quantity_records(doc, a, b, s.review_year)
    doc.record["achievements"] = out


# --- glossary -------------------------------------------------------------------------------------

# `1.P4 “五大行动”：指…`: numbering, a page reference, the term, its definition (a conversion
# leftover such as `[bookmark: _GoBack]` may precede the numbering)
GLOSS_ENTRY = re.compile(
    r"^(?:\[[^\]]{0,40}\])?(?:\d+[.．、]|[（(]\d+[）)]|[①-⑳])?\s*(?:P\d+)?\s*"
    r"(?P<term>[^：:。，]{1,40}?)[：:](?P<definition>.+)$")
QUOTED = re.compile(r"“([^“”]+)”")
DEFINES = re.compile(r"是指|指|即")  # 五大行动：指…, an entry even when it is not numbered


def _gloss_entry(text: str) -> re.Match | None:
    """An entry `term：definition`; a colon inside brackets (…（牵头单位：…）) does not end a term."""
    m = GLOSS_ENTRY.match(text)
    if m and m["term"].count("（") + m["term"].count("(") != m["term"].count("）") + m["term"].count(")"):
        return None
    return m


@stage("glossary", assigns=("glossary",))
def glossary(doc: Document) -> None:
    """`[{term, definition, span}]` from the appendix of explanations (名词解释/附件)."""
    s = sections(doc)
    out: list[dict[str, Any]] = []
    for p in doc.paragraphs_between(s.appendix, len(doc.text)):
        m = _gloss_entry(p.text)
        if not m or not (m["term"].startswith("“") or m.start("term") > 0 or DEFINES.match(m["definition"])):
            continue
        t0, t1 = p.start + m.start("term"), p.start + m.end("term")
        if QUOTED.fullmatch(m["term"]):  # “五大行动”: the quotes mark the term, they are not part of it
            t0, t1 = t0 + 1, t1 - 1
        out.append({"term": doc.grounded_text(t0, t1),
                    "definition": doc.grounded_text(p.start + m.start("definition"), p.end),
                    "span": doc.span(p.start, p.end)})
    doc.record["glossary"] = out
