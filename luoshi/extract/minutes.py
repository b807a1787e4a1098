"""Meeting minutes (会议纪要): the meeting, its agenda, its numbered decisions with leads and tasks.

The opening paragraph (`2023年12月29日下午，徐华东市长主持召开市政府第37次常务会议，审议《…》，听取…的汇报`)
gives the meeting and its agenda; the decisions follow `会议议定以下意见`/`纪要如下`, one item per top-level
number (一、 or （一） or 1.) or per `会议审议…` paragraph; each item's directives become tasks with owners.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any, Iterator

from luoshi.extract.dates import find_dates, iso, make_date
from luoshi.extract import outline
from luoshi.extract.document import Document, Paragraph
from luoshi.extract.outline import Block
from luoshi.extract.numerals import cn_to_int
from luoshi.extract.orgs import is_unit, split_units
from luoshi.extract.pipeline import stage
from luoshi.extract.timephrases import best_due, find_due

_RULES = json.loads(resources.files("luoshi.extract").joinpath("rules/minutes_patterns.json").read_text(encoding="utf-8"))


def _rx(key: str) -> re.Pattern:
    return re.compile(_RULES[key])


def _alternatives(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# `徐华东`, and names of two parts (`阿不都克力木·艾力`)
_NAME = r"(?:[\u4e00-\u9fff]{2,10}[·•・][\u4e00-\u9fff]{1,10}?|[\u4e00-\u9fff]{2,4}?)"
_TITLES = "|".join(sorted(map(re.escape, _RULES["chair_titles"]), key=len, reverse=True))
# A name starts a phrase (after a comma, the date, 由 …), never inside a word.
_NAME_START = r"(?:(?<=[，,、：:；\s日午上晚由受])|^)"
_AT = r"(?:同志)?(?:在[^，。；]{0,30}?)?主持"
# `徐华东市长主持`, `市长徐华东主持`, `市长徐华东同志在市政府三楼会议室主持`
CHAIR = [
    re.compile(rf"{_NAME_START}(?P<name>{_NAME})(?:同志)?(?P<title>{_TITLES}){_AT}"),
    re.compile(rf"(?P<title>{_TITLES})(?:[（(][^（）()]{{1,8}}[）)])?(?P<name>{_NAME}){_AT}"),  # 副区长（主持工作）王某主持
    re.compile(rf"{_NAME_START}(?P<name>{_NAME})同志(?:在[^，。；]{{0,30}}?)?主持"),  # 吕某某同志在…主持召开
    # `区长李某召开区政府第63次常务会议`: the head of government calls the meeting without 主持
    re.compile(rf"(?:^|(?<=[，,]))(?P<title>{_TITLES})(?P<name>{_NAME})(?:同志)?召开[^，。；]{{0,30}}?会议?"),
]
ORDINAL = _rx("ordinal")
PARTY_TITLE = re.compile(r"书记$")
PAST = re.compile(r"(?:在)?(?:过去(?:的)?(?:一|五|几)?年|去年|上年|近年来|近几年|多年来|一年来|今年以来|年初以来|自.{1,12}以来)")
# `主持召开区政府第9次常务会议`, or a news account's `区政府第70次常务会议召开。区长X主持`
HELD = rf"[^，。；,;]{{0,24}}?(?:{_RULES['meeting_kinds']})会议?(?:召开|举行)"
MEETING_CLAUSE = re.compile(rf"(?:{_RULES['meeting_clause']})[^，。；]*?会议?|{HELD}")
OPENING = re.compile(rf"(?:{_RULES['meeting_clause']}).{{0,40}}?会|{HELD}")
PART_OF_DAY = _rx("part_of_day")
CHAIRED_BY = re.compile(r"(?:会议|会上)由[^，。；]{2,40}?主持")
DAY_PART = re.compile(r"(?<=[日天)）])\s*" + _RULES["part_of_day"])
MONTH_DAY = re.compile(r"(?P<m>[0-9０-９一二三四五六七八九十]{1,2})\s*月\s*(?P<d>[0-9０-９一二三四五六七八九十]{1,3})\s*[日号]")
DECISIONS_START = _alternatives([r["pattern"] for r in _RULES["decisions_start"]])
DECISIONS_END = _rx("decisions_end")
TOPIC = _rx("topic_paragraph")
DECISION_PARAGRAPH = _rx("decision_paragraph")
AGENDA_VERBS = [(re.compile(v["pattern"]), v["verb"], v.get("only_titles", False)) for v in _RULES["agenda_verbs"]]
AGENDA_VERB = re.compile(
    rf"(?:^|(?<=[，,；;。：:、]))(?:{_RULES['agenda_lead_in']})(?P<verb>{'|'.join(v['pattern'] for v in _RULES['agenda_verbs'])})"
    rf"(?:{_RULES['agenda_verb_tail']})"
)
REPORT_TAIL = _rx("report_tail")
DECISIONS = [(re.compile(d["pattern"]), d["value"]) for d in _RULES["decision"]]
INTRO = _rx("intro")
DIRECTIVE = _rx("directive")
NARRATIVE = _rx("narrative")
IMPERATIVE = _rx("imperative")
LEAD_INS = _rx("lead_ins")
INTRODUCERS = _rx("introducers")
TOPIC_BY = re.compile(r"(?:该|此|本|这)?(?:项目|工程|项|事项|工作|方案|活动|任务|资金|经费)(?:工作)?(?=由|交由)")
# A sentence without a directive word can still give a task through one of these (由X…, 同意X提交的…).
MAY_LEAD = re.compile(rf"{_RULES['introducers']}|同意")
BOUNDARY = _rx("subject_boundary")
SUBJECT_REJECT = _rx("subject_reject")
SUPPORT = _rx("support")
SUPPORT_AFTER = re.compile(r"(?:要|需|须)?(?:密切|积极|全力|主动|做好|全面|共同|协同|大力)+(?:配合|协助|参与|协同)")
CO_WITH = re.compile(r"(?:要|需|须|应)?(?:牵头)?(?:[，,])?(?:会同|联合|协同|商请|协调|同)(?P<u>[^，,。；;]{2,50})")
NOT_SUBJECT = _rx("not_subject")
LEADS_VERB = _rx("leads_verb")
SUBMITTED_BY = re.compile(_RULES["submitted_by"].replace("{submit_verbs}", _RULES["submit_verbs"]))
HEARD = _rx("heard")
AGREED_PLAN = _rx("agreed_plan")
COLLECTIVE = _rx("collective")
ENUMERATOR = _rx("enumerator")
INLINE_ENUMERATOR = _rx("inline_enumerator")
TITLE = re.compile(r"《([^《》]+)》")
SUBMITTER = re.compile(rf"[^，,。；;《》]{{2,30}}?(?:(?:{_RULES['submit_verbs']})的|关于)(?=《)")
AGENDA_LINE = re.compile(r"(?:会议|会上)?(?:先后|分别|首先|还|并|随后|最后|集中|专题)?(?:研究审议|研究讨论|审议|听取|传达学习|学习|审定|讨论|研究)")
# Two reports heard in one clause (`A的汇报和B的汇报`, `A的情况和B情况汇报`), two spirits studied (`A精神和B精神`).
BOTH_REPORTS = re.compile(r"的?汇报[、和及；;]|的?汇报以及|(?<=情况)和(?=[^，,]*情况$)")
BOTH_SPIRITS = re.compile(r"(?<=精神)[》]?(?:和|以及)《?(?=[^，,]*精神》?$)")
# What a piece after `；` must end with to go on the list of the verb before it.
CONTINUED_SUBJECT = {"听取": re.compile(r"汇报$|情况$"), "传达学习": re.compile(r"精神》?$"),
                     "审议": re.compile(r"^《[^《》]+》$")}
# What may stand beside titles in one entry of a list: `《A》及其配套文件以及《B》` is A and B.
BETWEEN_TITLES = re.compile(r"(?:(?:及其|及|和|与)(?:配套|相关|有关)?(?:文件|政策|细则|附件|说明)|以及|和|及|与)*")
PLACEHOLDER = re.compile(r"(?:有关|相关|其他|其它)(?:工作|文件|事项|事宜|议题|情况)(?:汇报)?$")
LIST_TAIL = re.compile(r"等(?:议题|事项|文件|事宜|工作|方案|内容)*(?:事项)?$")
REPORT_END = re.compile(r"的?汇报$")
# A task written as a form: `…。责任单位：区住建局；配合单位：各街道；完成时限：2024年12月底前。`
OWNER_LABEL = re.compile(rf"[（(]?(?:{_RULES['owner_labels']})[:：]")
LABEL_FIELD = re.compile(
    rf"[（(]?(?:(?P<owner>{_RULES['owner_labels']})|(?P<co>{_RULES['co_labels']})|(?P<due>{_RULES['due_labels']}))"
    r"[:：]\s*(?P<value>[^；;。，,\n）)]*)[）)]?")
LABEL_GAP = re.compile(r"[；;，,\s]*")
# An item heading that is only a document's title (`关于《…方案》`): the meeting considered (审议) it.
DOCUMENT_HEADING = re.compile(r"(?:关于)?《([^《》]+)》")
PARENTHESES = re.compile(r"[（(][^（）()]*[）)]")
LIST_MARKS = re.compile(r"[、，,；（(]")
GROUP_JOIN = re.compile(r"以及|(?<=[\u4e00-\u9fff])及(?=[各全市县区镇乡旗])|(?<=[\u4e00-\u9fff]{2})和(?=各)")
# Leaders told to act (`市领导`, `区政府班子成员`, `各分管区长`): owners of a task, though not units.
LEADERS = re.compile(_RULES["leaders"])
NOT_IN_OWNER = re.compile(r"[的了是在，,。；]|(?<!主)要")
ROLE_HEAD = re.compile(r"(?:主要领导|主要负责同志|主要负责人|负责同志|负责人|分管领导|班子成员)$")
GENERIC_HEAD = re.compile(r"(?:职能部门|主管部门|行业主管部门|相关部门|有关部门)$")
# `环保、住建、城管、环卫等相关部门`: sectors named by their short forms, then the kind of unit they are.
SECTOR_LIST = re.compile(r"(?P<list>[\u4e00-\u9fff、，,]{4,60}?)等(?:相关|有关|其他)?(?:行业)?(?:主管|职能|责任|成员)?(?:部门|单位)")
SECTOR = re.compile(r"[\u4e00-\u9fff]{2,8}")
SECTOR_LEAD = re.compile(r"(?P<u>[\u4e00-\u9fff]{2,4}?)(?=会同|牵头|负责|联合|协同)")
# `A、B、莲洲镇等单位`: units listed, then the kind they are
ETC_TAIL = re.compile(r"等(?:相关|有关|其他)?(?:行业)?(?:主管|职能|责任|成员)?(?:部门|单位)$")
HEADING_CLAUSE = _rx("heading_clause")
# Numbering styles of items, highest rank first.
# Numbering schemes that may number decisions (outline.SCHEMES), highest rank first.
STYLES = ("cn", "paren_cn", "arabic", "paren_arabic", "circled", "ordinal")
# `关于水利工作，会议指出，…`: a heading naming the matter, then the meeting's voice.
ABOUT_HEADING = re.compile(r"(?P<topic>关于[^，,。；;：:]{2,40})[，,：:]\s*(?:会议|会上)")
# The chair speaks on a matter: `在听取完X汇报后，周某要求：`, `针对X，黄某强调，`, `就做好X工作，周某强调，`
SPOKEN_TOPIC = re.compile(r"(?:在(?:听取|审议|研究|讨论)(?:完|了)?[^，,。；]{2,60}?(?:后|时)|(?:针对|对于|就)[^，,。；]{2,60}?)"
                          r"[，,]\s*(?:会议|会上|[\u4e00-\u9fff]{2,4}?(?:同志)?)(?:强调|要求|指出|表示|提出|说)")
# A heading line of its own: `关于加快推进老旧小区改造工作`
ABOUT_LINE = re.compile(r"关于[^，,。；;：:！？]{2,40}(?:问题|工作|事项|事宜|情况|方案|意见|办法|规划|项目|建设|改革)[:：]?")
MEETING_VOICE = re.compile(r"(?:会议|会上|会前)(?:还|又|首先|先后|分别|同时|随后|最后)?")
VOICE = _rx("voice_paragraph")
# What opens a decision of its own in a line a web page ran together (`。 会议听取…`, `。会议原则通过…`)
RUN_START = _rx("run_start")
SINGLE_MATTER = _rx("single_matter")
BRACKETS = re.compile(r"[《》“”（）()「」【】〈〉]")
OPEN, CLOSE = set("《“（(「【〈"), set("》”）)」】〉")
SENTENCE_END = "。！？；;!?"
CLAUSE_END = "，,：:"


# --- text helpers ------------------------------------------------------------------------------------

_SPLITTERS: dict[str, re.Pattern] = {}


def top_level_split(text: str, start: int, end: int, seps: str) -> list[tuple[int, int]]:
    """[start, end) cut at the separators outside 《》“”（）: (start, end) of each non-empty piece."""
    rx = _SPLITTERS.get(seps)
    if rx is None:
        rx = _SPLITTERS[seps] = re.compile(rf"[{re.escape(seps)}《》“”（）()「」【】〈〉]")
    out, depth, piece = [], 0, start
    for m in rx.finditer(text, start, end):
        ch, i = m.group(), m.start()
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            if i > piece:
                out.append((piece, i))
            piece = i + 1
    if end > piece:
        out.append((piece, end))
    return out


def _strip(text: str, s: int, e: int, chars: str = "，,。；;：: *") -> tuple[int, int]:
    # `*` too: bold marks a conversion left behind (`**要变集聚为集群**`) are no part of a task.
    while s < e and text[s] in chars:
        s += 1
    while e > s and text[e - 1] in chars:
        e -= 1
    return s, e


def _units(name: str) -> list[str] | None:
    """The units a subject names (`市商务局、卫健委` → two), or None when it is not a list of units.
    `环保、住建、城管等相关部门` names its sectors; `行政审批、要素配置职能部门` and `各部门、各单位主要领导`
    share the head of their last name."""
    if not name or SUBJECT_REJECT.search(name):
        return None
    listed = ETC_TAIL.sub("", name) if LIST_MARKS.search(name) else name
    if listed != name:
        parts = _split_units(listed)
        if len(parts) >= 2 and all(_is_unit(p) for p in parts):
            return parts
    sectors = SECTOR_LIST.fullmatch(name)
    if sectors:
        parts = [x for x in re.split(r"[、，,]", sectors["list"]) if x]
        if len(parts) >= 2 and all(SECTOR.fullmatch(x) for x in parts):
            return parts
    parts = _split_units(name)
    return parts if parts and all(_is_unit(p) for p in parts) else None


def _is_unit(name: str) -> bool:
    # `各县（市、区）`: the bracketed gloss does not change what the name is; a bare role (`主要负责同志`)
    # is the head of the unit named before it, not a unit.
    name = PARENTHESES.sub("", name)
    if ROLE_HEAD.fullmatch(name) or name in ("领导", "领导干部"):
        return False
    leader = LEADERS.search(name)
    return is_unit(name) or bool(leader and leader.start() > 0 and not NOT_IN_OWNER.search(name, 0, leader.start()))


def _split_units(name: str) -> list[str]:
    """`市商务局、卫健委` → two units, but `各县（市、区）` and `市发展和改革委员会` stay one: a name is cut
    at 和/及/与 only when every piece is a unit. Groups joined by 以及/及/和 share no head; inside a group
    the last name's head (主要领导, 职能部门) is shared by the names before it that lack one."""
    groups = [g for g in GROUP_JOIN.split(name) if g]
    if len(groups) > 1 and all(LIST_MARKS.search(g) or _is_unit(g) for g in groups):
        out = []
        for g in groups:
            out += _shared_head(_split_list(g))
        if all(_is_unit(p) for p in out):
            return out
    return _shared_head(_split_list(name))


def _shared_head(parts: list[str]) -> list[str]:
    if len(parts) < 2:
        return parts
    role = ROLE_HEAD.search(parts[-1])
    if role and _is_unit(parts[-1][:role.start()]):
        return [p if ROLE_HEAD.search(p) else p + role.group() for p in parts[:-1]] + [parts[-1]]
    head = GENERIC_HEAD.search(parts[-1])
    if head:
        return [p if _is_unit(p) else p + head.group() for p in parts[:-1]] + [parts[-1]]
    return parts


def _split_list(name: str) -> list[str]:
    if not LIST_MARKS.search(name):
        pieces = split_units(name)
        return pieces if len(pieces) == 1 or all(map(_is_unit, pieces)) or not _is_unit(name) else [name]
    out = []
    for a, b in top_level_split(name, 0, len(name), "、，,；"):
        part = name[a:b]
        pieces = split_units(part) if "（" not in part and "(" not in part else [part]
        if len(pieces) > 1 and not all(_is_unit(p) for p in pieces) and _is_unit(part):
            pieces = [part]
        out += pieces
    return out


def _is_collective(name: str) -> bool:
    return bool(COLLECTIVE.match(name))


# --- the opening paragraph: meeting and agenda -------------------------------------------------------------

def opening(doc: Document) -> Paragraph | None:
    """The paragraph that says who chaired which meeting when (`…主持召开…会议`)."""
    if "minutes_opening" not in doc.facts:
        # A web page's title (`陈某主持召开县政府第28次常务会议`) says it too: the opening is the first
        # paragraph that also dates the meeting or goes on after it, else the first that says it at all.
        candidates = [p for p in doc.paragraphs[:15] if OPENING.search(p.text) and not p.text.endswith("纪要")]
        def rank(p: Paragraph) -> int:
            said = bool(MONTH_DAY.search(p.text) or re.search(r"[，,。]", p.text))
            return 2 * ("主持" in p.text and said) + said
        found = max(candidates, key=rank, default=None)  # max keeps the first of the best
        doc.facts["minutes_opening"] = found
    return doc.facts["minutes_opening"]


def _meeting_date(text: str, ref: date | None) -> tuple[date | None, int]:
    """The meeting date in the opening paragraph (the last date before 主持, since a head line may
    be run into the paragraph), and where it ends; a year-less date takes ref's year (or the year of a
    page's own date just before it: `2022-03-23 11:18 编辑…|3月21日，县长…主持召开`)."""
    clauses = [c for c in MEETING_CLAUSE.finditer(text)]
    chaired = [c for c in clauses if "主持" in c.group()] or clauses[:1]
    # a page's headline run into the paragraph (`X主持召开…会议2015年9月22日上午，X同志…主持召开`) dates
    # nothing: the date is the one before the first clause that has one before it
    for clause in chaired or [None]:
        stop = clause.start() if clause else min(len(text), 80)
        dates = find_dates(text, 0, stop)
        day = next(reversed(list(MONTH_DAY.finditer(text, 0, stop))), None)
        if day and (not dates or day.start() >= dates[-1][1]):
            year = dates[-1][2].year if dates else (ref.year if ref else None)
            d = make_date(year, cn_to_int(day["m"]), cn_to_int(day["d"])) if year else None
            if d and ref and not dates and d > ref:
                d = make_date(ref.year - 1, d.month, d.day)
            if d:
                return d, day.end()
            if not dates:
                return None, 0
        if dates:
            return dates[-1][2], dates[-1][1]
    return None, 0


def _chair(text: str) -> tuple[str | None, str | None]:
    found = [m for m in (rx.search(text) for rx in CHAIR) if m]
    if not found:
        return None, None
    m = min(found, key=lambda m: m.end())
    title = m.groupdict().get("title")
    if title and PARTY_TITLE.search(title):
        # `区委副书记、区长、区政府党组书记王某主持`: the chair chairs as the head of government
        chain = text[max(0, m.start() - 40):m.start("title") if m.start("title") > m.start() else m.start()]
        chain = re.split(r"[，,。；;]", chain)[-1]
        gov = [t for t in re.findall(_TITLES, chain) if not PARTY_TITLE.search(t)]
        title = gov[-1] if gov else title
    return m["name"], title


# A 纪要 may give the meeting as labelled lines at its head: `时  间：2023年3月2日上午`, `主持人：市长 张某`.
FIELD_LINE = re.compile(r"(?P<label>时\s*间|日\s*期|主\s*持(?:\s*人)?)\s*[:：]\s*(?P<value>.+)")
FIELD_CHAIR = re.compile(rf"(?:(?P<title>{_TITLES})\s*)?(?P<name>{_NAME})(?:同志)?(?:[（(](?P<after>{_TITLES})[）)])?$")


def _labelled_meeting(doc: Document) -> dict[str, Any]:
    """The meeting's date, part of day and chair from labelled head lines, where a 纪要 has them."""
    found: dict[str, Any] = {}
    for p in doc.paragraphs[:20]:
        m = FIELD_LINE.match(p.text)
        if not m:
            continue
        value = m["value"].strip()
        if m["label"][0] in "时日" and "date" not in found:
            dates = find_dates(value)
            if dates:
                found["date"] = dates[0][2]
                part = PART_OF_DAY.match(value, dates[0][1])
                found["part_of_day"] = part["part"] if part else None
        elif m["label"][0] == "主" and "chair" not in found:
            who = FIELD_CHAIR.match(re.sub(r"\s+", "", value))
            if who:
                found["chair"], found["chair_title"] = who["name"], who["title"] or who["after"]
    return found


@stage("meeting", assigns=("meeting",))
def meeting(doc: Document) -> None:
    p = opening(doc)
    if p is None:
        labelled = _labelled_meeting(doc)
        if labelled:
            doc.facts["meeting_date"] = labelled.get("date")
            head = "\n".join(q.text for q in doc.paragraphs[:6])
            ordinal = ORDINAL.search(head)
            doc.record["meeting"] = {
                "ordinal": cn_to_int(ordinal["n"]) if ordinal else None, "date": iso(labelled.get("date")),
                "part_of_day": labelled.get("part_of_day"), "chair": labelled.get("chair"),
                "chair_title": labelled.get("chair_title")}
        return
    text = p.text
    when, date_end = _meeting_date(text, doc.facts.get("doc_date") or doc.facts.get("ref_date"))
    part = PART_OF_DAY.match(text, date_end) if date_end else None
    if part is None:  # the part of day is read whether or not the date has its year (`3日下午`, `今天上午`)
        clauses = list(MEETING_CLAUSE.finditer(text))
        clause = next((c for c in clauses if "主持" in c.group()), clauses[0] if clauses else None)
        part = DAY_PART.search(text, 0, clause.start() if clause else min(len(text), 80))
    chair, title = _chair(text)
    # The meeting's own number, not one of a meeting whose spirit it studied (传达学习…第三次全会精神).
    start = _agenda_span(text)[0]
    clause_end = re.compile(r"[，,。；;]").search(text, start) if start else None
    ordinal = ORDINAL.search(text, 0, clause_end.start() if clause_end else len(text))
    # What the opening leaves out an account may say next to it: the date in the sentence before
    # (`12月18日上午，我县召开…会议。` / `县长X主持会议并讲话`), the chair after (`会议由区长X主持`), the
    # number in the page's headline (`区政府召开第2次区长办公会议`).
    i = doc.paragraphs.index(p)
    if when is None and part is None and i > 0 and OPENING.search(doc.paragraphs[i - 1].text):
        before = doc.paragraphs[i - 1].text
        when, date_end = _meeting_date(before, doc.facts.get("doc_date") or doc.facts.get("ref_date"))
        part = PART_OF_DAY.match(before, date_end) if date_end else DAY_PART.search(before, 0, 80)
    if chair is None:
        for q in doc.paragraphs[i + 1:i + 4]:
            chair, title = _chair(q.text) if CHAIRED_BY.search(q.text) else (None, None)
            if chair:
                break
    if ordinal is None:
        ordinal = next((m for q in doc.paragraphs[:i] if OPENING.search(q.text) and len(q.text) <= 40
                        for m in [ORDINAL.search(q.text)] if m), None)
    doc.facts["meeting_date"] = when
    doc.record["meeting"] = {
        "ordinal": cn_to_int(ordinal["n"]) if ordinal else None,
        "date": iso(when),
        "part_of_day": part["part"] if part else None,
        "chair": chair,
        "chair_title": title,
    }


def _verb(word: str) -> tuple[str, bool]:
    for rx, verb, only_titles in AGENDA_VERBS:
        if rx.fullmatch(word):
            return verb, only_titles
    return word, False


def _agenda_span(text: str) -> tuple[int, int]:
    """Where the agenda is written in the opening paragraph: after the meeting, before `纪要如下`."""
    m = MEETING_CLAUSE.search(text)
    start = m.end() if m else 0
    stop = DECISIONS_START.search(text, start)
    return start, stop.start() if stop else len(text)


def parse_agenda(text: str) -> list[dict[str, str]]:
    """[{verb, subject}] of an agenda sentence: `审议《A》《B》，听取X，Y的汇报` → A, B, X, Y."""
    start, end = _agenda_span(text)
    verbs = [m for m in AGENDA_VERB.finditer(text, start, end) if _depth0(text, start, m.start())]
    out = []
    for i, m in enumerate(verbs):
        stop = verbs[i + 1].start() if i + 1 < len(verbs) else end
        verb, only_titles = _verb(m["verb"])
        out += _agenda_subjects(text, m.end(), stop, verb, only_titles)
    cleaned = [(a["verb"], _clean_subject(a["subject"])) for a in out]
    return [{"verb": verb, "subject": subject} for verb, subject in cleaned if subject]


def _clean_subject(subject: str) -> str:
    """A subject without the list marks around it (`A精神、` before the next verb) or the quotes that
    wrap all of it (`“2016年审计项目计划”`)."""
    subject = subject.strip("、，,和及 ")
    if len(subject) > 2 and subject[0] == "“" and subject[-1] == "”" and "“" not in subject[1:-1]:
        subject = subject[1:-1]
    return subject


def _depth0(text: str, start: int, pos: int) -> bool:
    depth = 0
    for m in BRACKETS.finditer(text, start, pos):
        depth += 1 if m.group() in OPEN else -1
    return depth <= 0


def _agenda_subjects(text: str, s: int, e: int, verb: str, only_titles: bool) -> list[dict[str, str]]:
    """The subjects of one agenda verb: its sentence, and the pieces after `；` that go on its list
    without a verb of their own (`听取了A汇报；B汇报；C汇报`) when they read as subjects of it."""
    pieces = top_level_split(text, s, e, "。；;")
    if not pieces:
        return []
    out = _sentence_subjects(text, *pieces[0], verb, only_titles)
    for (a, b), (_, nxt) in zip(pieces[1:], pieces):
        goes_on = CONTINUED_SUBJECT.get(verb)
        if "。" in text[nxt:a] or goes_on is None or not goes_on.search(text[a:b].strip()):
            break
        out += _sentence_subjects(text, a, b, verb, only_titles)
    return out


def _sentence_subjects(text: str, s: int, e: int, verb: str, only_titles: bool) -> list[dict[str, str]]:
    # A subject runs to the end of its sentence; 《》 titles right after the verb are one entry each.
    by = SUBMITTER.match(text, s, e)
    if by:
        s = by.end()  # `县财政局提交的《…》`: the title is the subject
    titles = re.match(r"(?:《[^《》]+》[、和及与，]?|以及)+", text[s:e])
    clause = top_level_split(text, s, e, "，,")[0] if titles else None
    listed = top_level_split(text, *clause, "、") if clause else []
    if titles and len(listed) > 1 and titles.end() < clause[1] - s and not only_titles:
        # `《A》、2026年民生实事候选项目、《C》等议题`: titles and named matters in one list; a title may
        # have its version after it (`《政府工作报告》(修改稿)`) or its attachments (`《A》及其配套文件`)
        out = []
        for a, b in listed:
            piece = LIST_TAIL.sub("", text[a:b])
            piece = REPORT_END.sub("", piece) if verb == "听取" else piece
            named = TITLE.findall(piece)
            rest = TITLE.sub("", piece)
            if named and BETWEEN_TITLES.fullmatch(rest):
                out += [{"verb": verb, "subject": t} for t in named]
            elif piece:
                out.append({"verb": verb, "subject": piece.replace("《", "").replace("》", "")})
        return out
    if titles:
        return [{"verb": verb, "subject": t} for t in TITLE.findall(titles.group())]
    if only_titles:  # `专题讨论拟提请…审议的《A》、《B》`: the documents the clause names
        clause = top_level_split(text, s, e, "，,")[0]
        return [{"verb": verb, "subject": t} for t in TITLE.findall(text, *clause)]
    if verb != "听取":
        piece = top_level_split(text, s, e, "，,")
        subjects = [text[a:b] for a, b in piece[:1]]
        if verb == "传达学习" and subjects:  # `A会议精神和《B讲话精神》`: two spirits studied
            subjects = [x.replace("《", "").replace("》", "") for x in BOTH_SPIRITS.split(subjects[0])]
        return [{"verb": verb, "subject": x} for x in subjects if x]
    body = text[s:e]
    tails = list(re.finditer(r"(?:的)?汇报", body))
    body = body[: tails[-1].start()] if tails else body
    out = []
    clauses = top_level_split(body, 0, len(body), "，,")
    # `听取A情况，B情况的汇报` lists reports up to 汇报; without it only the first clause is what was heard
    for a, b in clauses if tails else clauses[:1]:
        for part in BOTH_REPORTS.split(body[a:b]):
            subject = REPORT_TAIL.sub("", part).replace("《", "").replace("》", "")
            if subject:
                out.append({"verb": verb, "subject": subject})
    return out


def _agenda_paragraph(text: str) -> tuple[list[dict[str, str]], bool]:
    """The agenda a paragraph after the opening lists sentence by sentence (`会议传达学习了A。听取了B汇报；
    C汇报。审议了《D》。`), and whether the whole paragraph is agenda."""
    found: list[dict[str, str]] = []
    sentences = top_level_split(text, 0, len(text), "。")
    for a, b in sentences:
        if not AGENDA_LINE.match(text, a):
            return found, False
        found += [x for x in parse_agenda("，" + text[a:b]) if not PLACEHOLDER.match(x["subject"])]
    return found, True


def agenda_after_opening(doc: Document) -> tuple[Paragraph | None, list[dict[str, str]]]:
    """The agenda a news account lists after an opening that has none (`会议审议了《A》；听取了B的汇报`,
    `审议《A》，听取B的汇报，审议《C》`, or sentence by sentence), and the paragraph when it is all agenda
    (then no decision of its own). One matter heard, then what the meeting said of it, is a decision."""
    if "agenda_after_opening" in doc.facts:
        return doc.facts["agenda_after_opening"]
    p, result = opening(doc), (None, [])
    own = [a for a in (parse_agenda(p.text) if p else []) if not PLACEHOLDER.match(a["subject"])]
    nxt = next((q for q in doc.paragraphs if q.start > p.start), None) if p is not None and not own else None
    if nxt is not None and AGENDA_LINE.match(nxt.text):
        found, whole = _agenda_paragraph(nxt.text)
        later = [q for q in doc.paragraphs if q.start > nxt.start]
        topics = any(AGENDA_LINE.match(q.text) and not DECISIONS_END.search(q.text) for q in later)
        if whole and (len(found) >= 2 or (found and not topics)):
            result = (nxt, found)
        elif len(found) >= 2:
            result = (None, found)
    doc.facts["agenda_after_opening"] = result
    return result


@stage("agenda", assigns=("agenda",))
def agenda(doc: Document) -> None:
    p = opening(doc)
    found = [a for a in (parse_agenda(p.text) if p else []) if not PLACEHOLDER.match(a["subject"])]
    if not found:
        found = agenda_after_opening(doc)[1]
    if not found:
        # Openings that only say `研究了以下事项` leave the agenda to the items' headings.
        for item in structure(doc):
            heading = parse_agenda("，" + item.title) if item.title else []
            document = DOCUMENT_HEADING.fullmatch(item.title or "")
            found += heading or ([{"verb": "审议", "subject": document[1]}] if document else [])
    doc.record["agenda"] = found


# --- the decisions: items ------------------------------------------------------------------------------

@dataclass
class Item:
    """One decision: its heading (title) and the clean-text paragraphs [(start, end)] of its body."""

    no: int
    title: str
    body: list[tuple[int, int]] = field(default_factory=list)


def _region(doc: Document) -> list[Block]:
    """The blocks of the decisions: after `会议议定以下意见` (or the opening), before 出席/列席/主送. A web
    page that runs the whole account into the opening's line gives its decisions from the same line."""
    paras = doc.paragraphs
    first = opening(doc)
    begin = paras.index(first) + 1 if first else 0
    led_in = first is not None and bool(DECISIONS_START.search(first.text))
    if not led_in:
        # without an opening (a head of labelled lines: 时间、地点、主持人、参加人员…) the lead-in comes later
        for i in range(begin, min(len(paras), begin + (6 if first else 20))):
            if _style(paras[i]) and _style(paras[i])[0] != "topic":
                break
            if DECISIONS_START.search(paras[i].text) and len(paras[i].text) < 80:
                begin, led_in = i + 1, True
                break
    body = outline.blocks(doc.text, [(p.start, p.end) for p in paras[begin:]], RUN_START)
    lead: list[Block] = []
    if first is not None and not led_in:
        runs = outline.blocks(doc.text, [(first.start, first.end)], RUN_START)
        # The decisions a run-together opening line goes on with, unless the paragraphs after it hold
        # decisions of their own; one sentence of `会议审议了…` after the opening is its agenda, not a decision.
        near = paras[begin + 8].start if begin + 8 < len(paras) else len(doc.text)
        lead = runs[1:] if len(runs) > 2 and not any(_style(b) for b in body if b.start < near) else []
    out = []
    for b in lead + body:
        if DECISIONS_END.search(b.text):
            if out:
                break
            continue
        out.append(b)
    return out


def _style(p: Paragraph | Block) -> tuple[str, int] | None:
    """How a block opens a decision: a numbering scheme and its number, `topic` (`会议审议…`, `关于X，会议…`),
    `voice` (`会议强调…`, `会议原则通过…`), or None for a block that goes on the one before."""
    m = outline.marker(p.text)
    if m and m.scheme in STYLES:
        return m.scheme, m.n
    if TOPIC.match(p.text) or ABOUT_HEADING.match(p.text) or ABOUT_LINE.fullmatch(p.text) or SPOKEN_TOPIC.match(p.text):
        return "topic", 0
    if DECISION_PARAGRAPH.match(p.text) or VOICE.match(p.text):
        return "voice", 0
    return None


def _heading(doc: Document, p: Paragraph | Block, style: str) -> tuple[int, int]:
    """The clean-text span of an item's heading: the text after its numeral, up to its first sentence end."""
    text = doc.text
    m = outline.marker(p.text) if style in STYLES else None
    s = p.start + (m.end if m else 0)
    if style in ("topic", "voice"):
        if ABOUT_LINE.fullmatch(p.text):
            return _strip(text, p.start, p.end)
        about = ABOUT_HEADING.match(p.text)
        if about:
            return _strip(text, p.start, p.start + about.end("topic"))
        s += len(MEETING_VOICE.match(p.text).group()) if MEETING_VOICE.match(p.text) else 0  # `会议审议…` → `审议…`
        pieces = top_level_split(text, s, p.end, "，,。；;")
        return pieces[0] if pieces else (s, s)
    pieces = top_level_split(text, s, p.end, "。；;：:")
    a, b = pieces[0] if pieces else (s, p.end)
    clauses = top_level_split(text, a, b, "，,")
    if len(clauses) > 1 and HEADING_CLAUSE.search(text, *clauses[0]):
        a, b = clauses[0]  # `同意《…》，由区住建局…`: the heading is the clause naming the matter
    return _strip(text, a, b)


def _mode(blocks: list[Block], single_matter: bool = False) -> str | None:
    """How the document marks its decisions: by the numbering scheme of its top level, by `会议审议…`
    topic paragraphs, or (with neither) by each paragraph in the meeting's voice (`会议强调…`) — unless the
    meeting was held on one matter (专题会议), whose 会议指出/会议要求 paragraphs are that one decision."""
    scheme = outline.top_scheme(blocks, tuple(STYLES))
    if scheme:
        return scheme
    styles = [_style(b) for b in blocks]
    if any(st and st[0] == "topic" for st in styles):
        return "topic"
    if sum(1 for st in styles if st and st[0] == "voice") >= 2 and not single_matter:
        return "voice"
    return None


def structure(doc: Document) -> list[Item]:
    """The items of the minutes, with their headings and bodies (computed once per document)."""
    if "minutes_items" in doc.facts:
        return doc.facts["minutes_items"]
    items: list[Item] = []
    listed = agenda_after_opening(doc)[0]
    blocks = [b for b in _region(doc) if listed is None or not listed.start <= b.start < listed.end]
    if sum(1 for b in blocks if SPOKEN_TOPIC.match(b.text)) >= 2:
        # `会议研究A、B，听取C、D。` then `针对A，某某要求…` paragraph by paragraph: the first is the agenda
        first_spoken = next(i for i, b in enumerate(blocks) if SPOKEN_TOPIC.match(b.text))
        blocks = [b for i, b in enumerate(blocks)
                  if i >= first_spoken or not (TOPIC.match(b.text) and not DIRECTIVE.search(b.text))]
    first = opening(doc)
    mode = _mode(blocks, bool(first and SINGLE_MATTER.search(first.text)) or bool(SINGLE_MATTER.search(doc.record.get("title") or "")))
    for p in blocks:
        found = _style(p)
        if found and found[0] == "voice" and mode == "topic":
            # `会议原则通过了《A》。会议强调…` paragraphs before or among topic paragraphs: a decision of its
            # own when it opens the decisions or names a matter of its own
            opens = not items and (DECISION_PARAGRAPH.match(p.text) or DIRECTIVE.search(p.text))
            found = ("topic", 0) if opens or (items and _new_matter(doc, items[-1], p)) else None
        if found and found[0] == mode and (mode in ("topic", "voice") or found[1] == len(items) + 1):
            a, b = _heading(doc, p, mode)
            items.append(Item(len(items) + 1, doc.text[a:b]))
            m = outline.marker(p.text) if mode in STYLES else None
            items[-1].body.append((p.start + (m.end if m else 0), p.end))
        elif items:
            items[-1].body.append((p.start, p.end))
    doc.facts["minutes_items"] = items or _single_item(doc, blocks)
    return doc.facts["minutes_items"]


def _new_matter(doc: Document, item: Item, p: Block) -> bool:
    """Whether a `会议原则同意…` block after a topic paragraph is a decision of its own: it names a document
    the item's heading does not, or the item already has its decision."""
    body = "".join(doc.text[s:e] for s, e in item.body)
    named = set(TITLE.findall(p.text.split("。")[0]))
    if not DECISION_PARAGRAPH.match(p.text):
        return False
    return bool(_decision(body)) or bool(named and not named & set(TITLE.findall(body)))


def _single_item(doc: Document, blocks: list[Block]) -> list[Item]:
    """Minutes of one matter, not numbered (`会议指出…`, `会议要求…`): one item, titled by the opening's topic."""
    first = opening(doc)
    if first is None or not blocks:
        return []  # without the opening there is no telling the decisions from the head
    body = [(b.start, b.end) for b in blocks]
    m = MEETING_CLAUSE.search(first.text)
    pieces = top_level_split(first.text, m.end() if m else 0, len(first.text), "，,。；;")
    return [Item(1, first.text[slice(*pieces[0])] if pieces else "", body)]


def _decision(text: str) -> str | None:
    for rx, value in DECISIONS:
        if rx.search(text):
            return value
    return None


def _heard_units(text: str) -> list[str]:
    """The units whose report the meeting heard (`会议听取了璜泾镇、太仓生态环境局关于…的汇报`)."""
    for m in HEARD.finditer(text):
        units = [u for u in _split_units(m["u"]) if _is_unit(u) and not SUBJECT_REJECT.search(u)]
        if units:
            return units
    return []


def _planning_units(text: str) -> list[str]:
    """The units whose plan the meeting agreed (`会议原则同意县教育局下一步工作安排`): with no one else
    named, they take the item forward."""
    for m in AGREED_PLAN.finditer(text):
        units = _units(m["u"])
        if units:
            return units
    return []


def _submitting_units(text: str) -> list[str]:
    """The units whose proposal the meeting agreed (`会议原则同意区发改局提出的…计划`): like units heard,
    they take the item forward when they are the first told to act."""
    for m in SUBMITTED_BY.finditer(text):
        units = _units(m["u"])
        if units:
            return units
    return []


@stage("items", assigns=("items",))
def items(doc: Document) -> None:
    ref = doc.facts.get("doc_date") or doc.facts.get("meeting_date")
    doc.record["items"] = [_item_record(doc, item, ref) for item in structure(doc)]


def _item_record(doc: Document, item: Item, ref: date | None) -> dict[str, Any]:
    text = doc.text
    body = "\n".join(text[s:e] for s, e in item.body)
    heard = _heard_units("\n".join(text[s:e] for s, e in item.body[1:])) or _heard_units(item.title) \
        or _submitting_units(body)
    tasks, leads = _tasks(doc, item, heard)
    leads = leads or _planning_units(body) or (_submitting_units(body) if not tasks and _decision(body) else [])
    return {
        "no": item.no,
        "title": item.title,
        "documents": TITLE.findall(item.title),
        "decision": _decision(body),
        "leads": leads,
        "tasks": [_task_record(doc, t, ref) for t in tasks],
    }


# --- tasks -------------------------------------------------------------------------------------------

@dataclass
class Task:
    start: int
    end: int
    owners: list[str]
    lead_rank: int = 0  # how surely the owners lead the item: 3 由X, 2 会后X, 1 X牵头 or X提交的…, 0 not a lead
    co_owners: list[str] = field(default_factory=list)  # 配合单位 of a task written as a form
    due_at: tuple[int, int] | None = None  # where a 完成时限 label puts the due phrase


def _task_record(doc: Document, t: Task, ref: date | None) -> dict[str, Any]:
    rec = doc.ground(t.start, t.end)
    due = best_due(doc.text[slice(*(t.due_at or (t.start, t.end)))], ref)
    rec.update(owners=t.owners, co_owners=t.co_owners, due_text=due.text if due else None,
               due=iso(due.date) if due else None)
    return rec


@dataclass
class Subject:
    units: list[str]
    rank: int  # lead rank of the clause (see Task.lead_rank)
    support: bool = False  # `卫健、教体等部门密切配合`: units that help the task before, not a task of theirs
    co_owners: list[str] = field(default_factory=list)  # `X要会同Y…`: Y


def _subject(text: str, s: int, e: int) -> Subject | None:
    """The units a clause text[s:e] directs, when it opens with them (`会后由市发改委根据…`, `市商务局要…`)."""
    clause = text[s:e]
    lead_in = LEAD_INS.match(clause)
    pos = lead_in.end() if lead_in else 0
    intro = INTRODUCERS.match(clause, pos)
    if intro is None:  # `项目由县城投公司负责实施`, `此项工作由X牵头`: the matter, then who does it
        topic = TOPIC_BY.match(clause, pos)
        intro = INTRODUCERS.match(clause, topic.end()) if topic else None
    if intro:
        pos = intro.end()
    for m in BOUNDARY.finditer(clause, pos + 2, min(len(clause), pos + 42)):
        units = _units(clause[pos:m.start()])
        if units:
            if SUPPORT.match(clause, m.start()) or SUPPORT_AFTER.match(clause, m.start()):
                return Subject(units, 0, support=True)  # `市财政局配合`: a helper, not the one directed
            nxt = NOT_SUBJECT.match(clause, m.start())
            if nxt and nxt.group().endswith("的"):
                return None  # `县住建局提交的方案`: the units qualify a noun
            return Subject(units, _lead_rank(clause, lead_in, intro, m.start()), co_owners=_co_owners(clause, m.start()))
    bare = SECTOR_LEAD.match(clause, pos) if intro and intro.group() != "要求" else None
    if bare:  # `请国土会同发改、财政等部门…`: a sector named by its short form after 请/由/责成
        return Subject([bare["u"]], 3, co_owners=_co_owners(clause, bare.end("u")))
    return None


def _co_owners(clause: str, pos: int) -> list[str]:
    """The units a clause's subject works with: `X要会同Y研究…`, `X联合Y…`, `X协同Y…` → Y."""
    m = CO_WITH.match(clause, pos)
    if not m:
        return []
    # the units after 会同, up to the verb (`区财政局细化扶持政策` → 区财政局)
    for b in BOUNDARY.finditer(m["u"], 2):
        units = _units(m["u"][:b.start()])
        if units:
            return units
    return _units(m["u"]) or []


def _lead_rank(clause: str, lead_in: re.Match | None, intro: re.Match | None, verb_at: int) -> int:
    if intro and intro.group() != "要求":
        return 3  # 由X…, 请X…, 责成X…
    if lead_in and "会" in lead_in.group():
        return 2  # 会后X…
    if intro:
        return 1  # 要求X根据会议意见修改完善后…
    return 1 if LEADS_VERB.match(clause, verb_at) else 0  # X牵头…


def _scopes(doc: Document, item: Item) -> Iterator[tuple[int, int]]:
    """The spans within which an owner carries over to the next sentence: a numbered sub-paragraph
    with the paragraphs that continue it, or one `会议…` paragraph."""
    text = doc.text
    cur: list[int] | None = None
    for s, e in item.body:
        if cur is None or ENUMERATOR.match(text, s) or text.startswith("会议", s):
            if cur:
                yield cur[0], cur[1]
            cur = [s, e]
        else:
            cur[1] = e
    if cur:
        yield cur[0], cur[1]


def _sentences(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Sentences of text[s:e], also cut before inline numbering (`（一）…（二）…`, `。一要…`)."""
    out = []
    for a, b in top_level_split(text, s, e, SENTENCE_END + "\n"):
        cuts = [m.start() for m in INLINE_ENUMERATOR.finditer(text, a, b) if m.start() > a]
        for x, y in zip([a] + cuts, cuts + [b]):
            out.append((x, y))
    return out


def _clean_start(text: str, s: int, e: int) -> int:
    """Past numbering (`（一）`, `一是`) and the meeting's voice (`会议强调，`) at a sentence start."""
    for _ in range(3):
        s0 = s
        m = ENUMERATOR.match(text, s, e)
        if m:
            s = m.end()
        m = INTRO.match(text, s, e)
        if m:
            s = m.end()
        s, _ = _strip(text, s, e)
        if s == s0:
            break
    return s


def _tasks(doc: Document, item: Item, heard: list[str]) -> tuple[list[Task], list[str]]:
    text = doc.text
    tasks: list[Task] = []
    leads: list[str] = []
    for scope in _scopes(doc, item):
        first = len(tasks)
        owners: list[str] = []
        going = False  # the sentence before was a directive: an imperative one goes on with it
        labelled = _labelled_tasks(text, *scope)
        tasks += labelled
        for s, e in _sentences(text, *scope):
            if any(t.start < e and s < t.end for t in labelled):
                continue
            s = _clean_start(text, s, e)
            s, e = _strip(text, s, e)
            if e - s < 4:
                continue
            new = _sentence_tasks(text, s, e, owners, heard, going)
            going = bool(new)
            if new:
                owners = new[-1].owners
                tasks += new
        leads = leads or _leads(tasks[first:])
    return tasks, leads or _heard_leads(tasks, heard, text)


def _labelled_tasks(text: str, start: int, end: int) -> list[Task]:
    """Tasks written as a form: the sentence before `责任单位：…`, owned by the units the label names, with
    the co-operating units and the due phrase of the labels that follow it."""
    out: list[Task] = []
    floor = start
    for m in OWNER_LABEL.finditer(text, start, end):
        if m.start() < floor:
            continue
        pos, owners, co, due_at, block_end = m.start(), [], [], None, m.start()
        while (f := LABEL_FIELD.match(text, pos, end)) is not None:
            value = f["value"].strip()
            if f["owner"]:
                owners = _split_units(value) if value else []
            elif f["co"]:
                co = _split_units(value) if value else []
            else:
                due_at = (f.start("value"), f.end("value"))
            block_end = f.end()
            pos = LABEL_GAP.match(text, f.end(), end).end()
        if not owners:
            continue
        s, e = _strip(text, floor, m.start(), "，,。；;：: *\n")
        while e > s and text[e - 1] in "（(。；;，, ":  # `…机制（责任单位：…）`
            e -= 1
        cut = max(text.rfind(c, s, e) for c in "。！？\n")
        s = _clean_start(text, cut + 1 if cut >= s else s, e)
        if e - s >= 4:
            out.append(Task(s, _strip(text, s, block_end)[1], owners, 1, co, due_at))
        floor = block_end
    return out


def _sentence_tasks(text: str, s: int, e: int, owners: list[str], heard: list[str], going: bool) -> list[Task]:
    """The tasks of one sentence: one per run of clauses under the same subject; a sentence with no
    subject of its own is one task of the owners before it (or, `会后…` alone, of the units heard)."""
    if PAST.match(text, s):
        return []  # `在过去的一年，县委、县政府坚持…`: what was done, not what is to be done
    directive = bool(DIRECTIVE.search(text, s, e))
    if not directive and not going and not MAY_LEAD.search(text, s, e):
        return []  # neither a directive nor a 由X/同意X提交的… sentence: nothing to find in it
    clauses = top_level_split(text, s, e, CLAUSE_END)
    runs = _runs(text, clauses)
    if not runs:
        if directive:
            begin = _task_start(text, clauses, len(clauses))
        elif going and IMPERATIVE.match(text, s):
            begin = 0
        else:
            return []
        inherited = owners or (heard if "会后" in text[s:e] else [])
        return [Task(clauses[begin][0], e, list(inherited))]
    if not directive and not any(r.rank for _, r in runs):
        return []
    out = []
    for k, (i, subj) in enumerate(runs):
        stop = runs[k + 1][0] if k + 1 < len(runs) else len(clauses)
        begin = _task_start(text, clauses, i) if k == 0 else i
        if stop > begin:
            co = list(subj.co_owners)
            for a, b in clauses[i + 1:stop]:  # `请X牵头，会同Y制定方案`: Y in a clause of the run after X's
                co += [u for u in _co_owners(text[a:b], 0) if u not in co and u not in subj.units]
            out.append(Task(clauses[begin][0], clauses[stop - 1][1], subj.units, subj.rank, co))
    return out


def _runs(text: str, clauses: list[tuple[int, int]]) -> list[tuple[int, Subject]]:
    """(index of the clause, its subject) for each clause that names whom it directs."""
    runs: list[tuple[int, Subject]] = []
    for i, (a, b) in enumerate(clauses):
        subj = _subject(text, a, b)
        if subj is not None and subj.support:
            if runs:  # `X牵头，Y密切配合`: Y works with the task of X
                runs[-1][1].co_owners.extend(u for u in subj.units if u not in runs[-1][1].co_owners)
                continue
            subj = Subject(subj.units, 0)  # `各乡镇要积极配合，…` opening a sentence: their own task
        if subj is not None:
            prev = _units(text[slice(*clauses[i - 1])].strip()) if i and (not runs or runs[-1][0] < i - 1) else None
            if prev and not subj.support:  # `各班子成员，各街道、各部门主要负责同志要…`: one list over a comma
                subj = Subject(prev + [u for u in subj.units if u not in prev], subj.rank, co_owners=subj.co_owners)
                i -= 1
            runs.append((i, subj))
            continue
        # `原则同意区人防办提交的改造方案，要求…组织实施`: the clauses after it are the submitter's.
        submitted = SUBMITTED_BY.search(text, a, b)
        units = _units(submitted["u"]) if submitted else None
        if units and i + 1 < len(clauses):
            runs.append((i + 1, Subject(units, 1)))
    return runs


def _task_start(text: str, clauses: list[tuple[int, int]], upto: int) -> int:
    """The first clause of a task among clauses[:upto]: from the first that directs or dates
    (`2024年底前，市住建局要…`, `在…期间，要…`), but after any that only state facts (`…是一场攻坚战，要…`)."""
    first = next((i for i, (a, b) in enumerate(clauses[:upto])
                  if DIRECTIVE.search(text, a, b) or find_due(text[a:b])), None)
    if first is None:
        return upto
    start = 0
    for i in range(first):
        if NARRATIVE.search(text, *clauses[i]):
            start = i + 1
    return start


def _leads(tasks: list[Task]) -> list[str]:
    """The units told to take the item forward, from the first passage that names any (the decision
    comes before the points the meeting stressed): 由X before 会后X before X牵头 or X提交的…."""
    ranked = [t for t in tasks if t.lead_rank and any(not _is_collective(u) for u in t.owners)]
    best = max((t.lead_rank for t in ranked), default=0)
    out: list[str] = []
    for t in ranked:
        if t.lead_rank == best:
            out += [u for u in t.owners if not _is_collective(u) and u not in out]
    return out


def _heard_leads(tasks: list[Task], heard: list[str], text: str) -> list[str]:
    """With no unit named to take the item forward, the units whose report was heard do: when a bare
    `会后…抓好落实` is left to them, or when they are the first units told to act."""
    for t in tasks:
        if t.owners and t.owners == heard and "会后" in text[t.start:t.end]:
            return list(heard)
    for t in tasks:
        if t.owners and set(t.owners) <= set(heard):
            return list(t.owners)
    return []
