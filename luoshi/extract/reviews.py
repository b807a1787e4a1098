"""Congress review summaries (人大审议意见/代表建议汇总): session, period, suggestion groups.

The suggestions sit in the part headed `…意见和建议` (or, without such a part, anywhere in the body),
grouped under headings such as `一是关于…方面（4条）`, each numbered `1.` and naming its deputies.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from luoshi.extract.dates import find_dates, find_period, iso, make_date
from luoshi.extract.document import Document, Paragraph
from luoshi.extract.numerals import cn_to_int
from luoshi.extract.pipeline import stage

_RULES = json.loads(resources.files("luoshi.extract").joinpath("rules/reviews.json").read_text(encoding="utf-8"))
CJK = "\u4e00-\u9fff"

SESSION = re.compile(_RULES["session"])
PLACE = re.compile(_RULES["place"])
PLACE_LEAD_IN = re.compile(_RULES["place_lead_in"])
MONTH_PERIOD = re.compile(_RULES["month_period"])
CJK_TAIL = re.compile(rf"[{CJK}]{{1,16}}$")
SECTION_HEADING = re.compile(_RULES["section_heading"])
SUGGESTION_SECTION = re.compile(_RULES["suggestion_section"])
MARKERS = [(m["id"], re.compile(m["pattern"])) for m in _RULES["markers"]]
RANK = {m["id"]: m["rank"] for m in _RULES["markers"]}
INLINE_MARKER = re.compile(_RULES["inline_marker"])
COUNT = re.compile(_RULES["count"])
GROUP_ENDING = re.compile(_RULES["group_ending"])
CATEGORY_PREFIX = re.compile(_RULES["category_prefix"])
CATEGORY_SUFFIX = re.compile(_RULES["category_suffix"])
TITLE_PROPOSAL = re.compile(_RULES["title_proposal"])
FOOT = re.compile(_RULES["foot"])
LEAD_WORDS = re.compile(_RULES["lead_words"])
NOT_NAME = re.compile(_RULES["not_name"])
SUGGESTION_VERB = re.compile(_RULES["suggestion_verbs"])
SURNAMES = frozenset(_RULES["surnames"])
COMPOUND_SURNAMES = frozenset(_RULES["compound_surnames"])

_ROLE = rf"(?:{_RULES['deputy_roles']})?代表"
_MORE = _RULES["more_deputies"]
_ADVERBS = rf"(?:{_RULES['deputy_adverbs']})*"
_VERBS = _RULES["deputy_verbs"]
# `汪香元、杨锐代表建议`, `吴敬宇代表、傅玖列席代表建议`, `张三等5名代表：`: the names run back from here.
# `周晓红代表（列席）建议`: the role may follow in brackets.
_ROLE_NOTE = rf"(?:[（(](?:{_RULES['deputy_roles']})(?:代表)?[）)])?"
DEPUTIES_BEFORE = re.compile(rf"(?:{_MORE})?{_ROLE}(?!们){_ROLE_NOTE}{_ADVERBS}(?P<verb>{_VERBS}|[:：])")
NAMES_RUN = re.compile(rf"[{CJK}、]+$")
RUN_MAX = 60
# `代表张三提出`, `市人大代表张三、李四建议`
DEPUTIES_AFTER = re.compile(
    rf"{_ROLE}(?P<names>[{CJK}]{{2,4}}(?:[、，,和][{CJK}]{{2,4}}){{0,9}})(?:{_MORE})?(?:{_ROLE})?{_ADVERBS}"
    rf"(?P<verb>提出|建议|提议)")
# `（张三、李四代表）`, `（领衔代表：张三）`, `（张三等5名代表提出）`
DEPUTIES_PAREN = re.compile(r"[（(](?P<names>[^（）()]{2,80}?)[）)]")
# `领衔代表：张三` outside brackets
DEPUTIES_LABELLED = re.compile(rf"(?:{_RULES['deputy_labels']})[:：](?P<names>[{CJK}、，,]{{2,80}})")
NAME_NOISE = re.compile(rf"(?:{_RULES['deputy_labels']})|{_ROLE}|{_MORE}|(?:联名)?提出$|[:：]")
PAREN_CUE = re.compile(rf"代表|{_RULES['deputy_labels']}")  # also: no clause in a text without it
NAME = re.compile(rf"[{CJK}]{{2,4}}")
NAME_SPLIT = re.compile(r"[、，,；;]")
SENTENCE_END = re.compile(r"[。；;！？!?]")
TITLE_END = re.compile(r"[。；;！？!?：:]|[（(](?=[^（）()]*代表)")
CLAUSE_END = re.compile(r"[，,。；;！？!?：:]")
PUNCTUATION = re.compile(r"[，,。；;：:、]")
MARKER_TAIL = " 、.．：:，,"
HEADING_MAX = 60  # a heading longer than this is a paragraph of text
TITLE_MAX = 40


# --- header: session and period --------------------------------------------------------------------------

def find_sessions(text: str) -> list[tuple[int, str]]:
    """Every congress session named in text with its place, `市十七届人大二次会议`, and where it starts."""
    return [(m.start(), _place_before(text, m.start()) + m.group()) for m in SESSION.finditer(text)]


def find_session(text: str, near: int = 0) -> str | None:
    """The session named nearest to `near` (the first one by default)."""
    found = find_sessions(text)
    return min(found, key=lambda f: abs(f[0] - near))[1] if found else None


SESSION_NUMBERS = re.compile(r"([0-9０-９一二三四五六七八九十]{1,3})届.*?([0-9０-９一二三四五六七八九十]{1,3})次")


def _short_form(session: str | None, text: str) -> str | None:
    """The short name (`市十五届人大七次会议`) a text also gives a session it names in full."""
    if not session or "人民代表大会" not in session:
        return session
    numbers = SESSION_NUMBERS.search(session)
    for _, other in find_sessions(text):
        if "人民代表大会" not in other and numbers and SESSION_NUMBERS.search(other) \
                and SESSION_NUMBERS.search(other).groups() == numbers.groups():
            return other
    return session


def _place_before(text: str, pos: int) -> str:
    tail = CJK_TAIL.search(text, max(0, pos - 16), pos)
    if not tail:
        return ""
    run = tail.group()
    # `5日市十七届…`: the 日 of a date is no part of the place.
    if tail.start() > 0 and text[tail.start() - 1].isdigit() and run[0] in "日号":
        run = run[1:]
    run = PLACE_LEAD_IN.sub("", run)
    return run if PLACE.fullmatch(run) else ""


def _opening(doc: Document) -> list[Paragraph]:
    """The paragraphs before the first top-level heading: where the session and its dates are told."""
    out = []
    for p in doc.paragraphs[:12]:
        if SECTION_HEADING.match(p.text) and out:
            break
        out.append(p)
    return out


def _period(text: str, issued: date | None) -> tuple[date, date, int] | None:
    """The first period of text, `2023年1月3日至5日` or (year from the issue date) `1月3日至5日`, and where."""
    found = find_period(text)
    if found:
        at = next(s for s, _, d in find_dates(text) if d == found[0])
        return found[0], found[1], at
    m = MONTH_PERIOD.search(text)
    if not m or issued is None:
        return None
    month, day = cn_to_int(m["m"]), cn_to_int(m["d"])
    # The session was held before the summary was issued.
    year = issued.year - (1 if (month or 0, day or 0) > (issued.month, issued.day) else 0)
    first = make_date(year, month, day)
    last = make_date(year, cn_to_int(m["m2"]) if m["m2"] else month, cn_to_int(m["d2"]))
    return (first, last, m.start()) if first and last and last >= first else None


@stage("review_header", assigns=("session", "period"))
def review_header(doc: Document) -> None:
    opening = _opening(doc)
    period, session = None, None
    for p in opening:
        period = _period(p.text, doc.facts.get("doc_date"))
        if period:
            # The sentence that dates the session names it (a title run into it may name others).
            session = find_session(p.text, near=period[2])
            break
    for p in opening:
        session = session or find_session(p.text)
    doc.record["session"] = _short_form(session or find_session(doc.text), doc.text)
    doc.record["period"] = [iso(period[0]), iso(period[1])] if period else None


# --- deputies ---------------------------------------------------------------------------------------------

def _is_name(token: str, listed: bool = True) -> bool:
    """Whether token reads as a person's name; one not `listed` between 、 (the first of a run, one
    after 代表) must also start with a surname, since words like 认真办理 stand there too."""
    if not NAME.fullmatch(token) or NOT_NAME.search(token):
        return False
    return listed or token[:2] in COMPOUND_SURNAMES or token[0] in SURNAMES


def _tokens(names: str) -> list[str]:
    """`吴敬宇代表、傅玖列席` → [吴敬宇, 傅玖]: labels dropped, split on 、，and on 和 between names."""
    out = []
    for part in NAME_SPLIT.split(NAME_NOISE.sub("、", names)):
        # A name of two to four characters never needs cutting; `张三和李四` (five or more) does.
        out += part.split("和") if len(part) > 4 else [part]
    return [t for t in out if t]


def _names_before(names: str) -> list[str]:
    """The names at the end of a run that reaches back to the previous punctuation."""
    tokens = _tokens(names)
    if tokens:
        tokens[0] = LEAD_WORDS.sub("", tokens[0])
    kept: list[str] = []
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        if not _is_name(token, listed=i > 0):
            break
        kept.append(token)
    return kept[::-1]


@dataclass
class _Clause:
    start: int
    end: int
    names: list[str]
    verb: str  # the verb after the names, "" for a bracket or a label


def deputy_clauses(text: str) -> list[_Clause]:
    """Every place in text that names deputies, in order."""
    if not PAREN_CUE.search(text):
        return []
    found = []
    for m in DEPUTIES_BEFORE.finditer(text):
        run = NAMES_RUN.search(text, max(0, m.start() - RUN_MAX), m.start())
        names = _names_before(run.group()) if run else []
        if names:
            found.append(_Clause(run.start(), m.end(), names, m["verb"]))
    for m in DEPUTIES_AFTER.finditer(text):
        tokens = _tokens(m["names"])
        if tokens and all(_is_name(t, listed=False) for t in tokens):
            found.append(_Clause(m.start(), m.end(), tokens, m["verb"]))
    for rx in (DEPUTIES_PAREN, DEPUTIES_LABELLED):
        for m in rx.finditer(text):
            if rx is DEPUTIES_PAREN and not PAREN_CUE.search(m["names"]):
                continue
            names = [t for t in _tokens(m["names"]) if _is_name(t)]
            if names:
                found.append(_Clause(m.start(), m.end(), names, ""))
    return sorted(found, key=lambda c: c.start)


def _merge(clauses: list[_Clause]) -> list[str]:
    out: list[str] = []
    for clause in clauses:
        out += [n for n in clause.names if n not in out]
    return out


def find_deputies(text: str) -> list[str]:
    """The deputies text names, in order, each once: `吴敬宇代表、傅玖列席代表建议` → [吴敬宇, 傅玖]."""
    return _merge(deputy_clauses(text))


# --- numbered paragraphs ----------------------------------------------------------------------------------

@dataclass
class _Numbered:
    para: Paragraph
    style: str
    no: int | None
    body: str  # the paragraph after its number
    clauses: list[_Clause] = field(default_factory=list)
    kind: str = ""  # "group", "suggestion", or "" when it is neither


def _marker(text: str) -> tuple[str, int | None, int] | None:
    for style, rx in MARKERS:
        m = rx.match(text)
        if m:
            n = m["n"]
            no = ord(n) - ord("①") + 1 if "①" <= n <= "⑳" else cn_to_int(n)
            return style, no, m.end()
    return None


def _numbered(p: Paragraph) -> _Numbered | None:
    found = _marker(p.text)
    if not found:
        return None
    style, no, end = found
    body = p.text[end:].lstrip(MARKER_TAIL)
    return _Numbered(p, style, no, body, deputy_clauses(body))


def _heading_like(body: str) -> bool:
    inner = SENTENCE_END.search(body.rstrip("。：:"))
    return len(body) <= HEADING_MAX and inner is None


def _is_group(n: _Numbered) -> bool:
    if n.clauses or not _heading_like(n.body):
        return False
    return bool(COUNT.search(n.body) or GROUP_ENDING.search(n.body))


def _classify(entries: list[_Numbered], strict: bool) -> None:
    """Mark each numbered paragraph a group heading, a suggestion or neither; a short heading that is
    neither for sure takes the kind of the other paragraphs numbered in its style."""
    undecided = []
    for n in entries:
        if _is_group(n):
            n.kind = "group"
        elif n.clauses and (not strict or _proposes(n)):
            n.kind = "suggestion"
        elif _heading_like(n.body) and not n.body.endswith("。"):
            undecided.append(n)
    styles = {kind: {n.style for n in entries if n.kind == kind} for kind in ("group", "suggestion")}
    # A group stands above its suggestions: `（1）` under `1.` is a point of a suggestion, not a group.
    top = min((RANK[s] for s in styles["suggestion"]), default=len(RANK))
    for n in undecided:
        proposal = bool(TITLE_PROPOSAL.match(n.body))
        if n.style in styles["suggestion"] and n.style not in styles["group"] and (proposal or not strict):
            n.kind = "suggestion"
        elif n.style in styles["group"] or (not proposal and RANK[n.style] < top):
            n.kind = "group"
        elif proposal:
            n.kind = "suggestion"


def _proposes(n: _Numbered) -> bool:
    """Outside a part headed 建议, the deputies a paragraph starts with must propose (建议, 提出 …), not
    give an opinion (认为, 表示): review paragraphs quote proposals too, after their opinions."""
    if TITLE_PROPOSAL.match(n.body):
        return True
    verb = n.clauses[0].verb
    return not verb or verb in "：:" or bool(SUGGESTION_VERB.fullmatch(verb))


# --- where the suggestions are ------------------------------------------------------------------------------

def _section_heads(paras: list[Paragraph]) -> list[int]:
    """Indices of the top-level headings (一、…) that open parts, not groups or suggestions."""
    out = []
    for i, p in enumerate(paras):
        if not SECTION_HEADING.match(p.text):
            continue
        first = SENTENCE_END.split(p.text, 1)[0]
        if len(first) > HEADING_MAX or COUNT.search(first) or GROUP_ENDING.search(first):
            continue
        # `一、关于…的建议（张三代表）` is a suggestion; `…回顾张伟代表认为` a heading run into its text.
        if not any(not c.verb or SUGGESTION_VERB.fullmatch(c.verb) for c in deputy_clauses(first)):
            out.append(i)
    return out


def _body(doc: Document) -> list[Paragraph]:
    """The paragraphs after the head; a short summary may have no paragraph long enough to end the head
    as `header` sees it, so the head also ends at the first numbered paragraph with text."""
    head_end = doc.facts.get("head_end", 0)
    for i, p in enumerate(doc.paragraphs):
        found = _marker(p.text)
        if p.start >= head_end or (found and p.text[found[2]:].strip(MARKER_TAIL)):
            return [piece for p in doc.paragraphs[i:] for piece in _unrun(p)]
    return []


def _unrun(p: Paragraph) -> list[Paragraph]:
    """A paragraph cut where a `第2号` the layout did not know as a number runs on after a title."""
    cuts = [m.start() for m in INLINE_MARKER.finditer(p.text)]
    if not cuts:
        return [p]
    bounds = [0, *cuts, len(p.text)]
    return [Paragraph(p.start + a, p.start + b, p.text[a:b]) for a, b in zip(bounds, bounds[1:])]


def _scope(doc: Document) -> tuple[list[Paragraph], bool, set[int]]:
    """The paragraphs that hold the suggestions, whether they must prove themselves proposals (when no
    part is headed 建议), and where the headings of those parts start."""
    paras = _body(doc)
    foot = next((i for i, p in enumerate(paras) if FOOT.match(p.text)), len(paras))
    paras = paras[:foot]
    heads = _section_heads(paras)
    proposing = [i for i in heads if SUGGESTION_SECTION.search(SENTENCE_END.split(paras[i].text, 1)[0])]
    # Several headings and all of them 建议: those are the suggestions' own headings, not parts.
    if proposing and (len(proposing) < len(heads) or len(proposing) == 1):
        out: list[Paragraph] = []
        for i in proposing:
            stop = next((j for j in heads if j > i), len(paras))
            out += paras[i:stop]
        return out, False, {paras[i].start for i in proposing}
    return paras, True, set()


# --- the records --------------------------------------------------------------------------------------------

def _title(n: _Numbered) -> str | None:
    body = n.body
    lead = n.clauses[0] if n.clauses and n.clauses[0].verb and n.clauses[0].start <= 4 else None
    if lead:  # `张三代表建议加快…，…` / `张三等5名代表：关于…的建议`
        body = body[lead.end:].lstrip("：:，, ")
    m = TITLE_PROPOSAL.match(body)
    if m:
        return m.group()
    # After the deputies the title is the first clause of what they propose; else the run-in heading.
    end = (CLAUSE_END if lead else TITLE_END).search(body)
    title = body[: end.start()] if end else body
    if len(title) > TITLE_MAX:
        clause = CLAUSE_END.search(title)
        title = title[: clause.start()] if clause else ""
    return title if 0 < len(title) <= TITLE_MAX else None


def _category(body: str) -> str | None:
    text = COUNT.sub("", body)
    text = CATEGORY_SUFFIX.sub("", CATEGORY_PREFIX.sub("", text))
    return text or None


def _suggestion(doc: Document, n: _Numbered, following: list[Paragraph], taken: set[int]) -> dict[str, Any]:
    end = n.para.end
    clauses = list(n.clauses)
    # A title line (`1.关于…的建议（张三代表）`) is followed by the suggestion's own paragraphs, up to the
    # next suggestion or group, or a signature line (`XX人大常委会办公室`, a date: no punctuation).
    if not SENTENCE_END.search(n.para.text[-1:]):
        for p in following:
            if p.start in taken or not PUNCTUATION.search(p.text):
                break
            end = p.end
            clauses += deputy_clauses(p.text)
    ground = doc.ground(n.para.start, end)
    return {"no": n.no, "title": _title(n), "deputies": _merge(clauses), "text": ground["text"],
            "span": ground["span"]}


def _group(n: _Numbered | None) -> dict[str, Any]:
    if n is None:
        return {"no": None, "category": None, "count": None, "suggestions": []}
    m = COUNT.search(n.body)
    count = cn_to_int(m["n"] or m["n2"]) if m else None
    return {"no": n.no, "category": _category(n.body), "count": count, "suggestions": []}


def _unnumbered(p: Paragraph, strict: bool) -> _Numbered | None:
    """A paragraph without a number that opens with its deputies (`张三、李四代表建议…`) under a group."""
    n = _Numbered(p, "", None, p.text, deputy_clauses(p.text))
    lead = n.clauses[0] if n.clauses else None
    if lead is None or not lead.verb or lead.start > 4 or (strict and not _proposes(n)):
        return None
    return n


def build_groups(doc: Document) -> list[dict[str, Any]]:
    paras, strict, part_heads = _scope(doc)
    entries = [n for n in map(_numbered, paras) if n]
    # `三、关于对…的意见和建议` opens the part; it is not one of its groups.
    entries = [n for n in entries if n.para.start not in part_heads or _is_group(n)]
    _classify(entries, strict)
    index = {n.para.start: n for n in entries if n.kind}
    taken = set(index) | part_heads
    groups: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    last = ""  # what the previous suggestion or group was: "group", "numbered" or "unnumbered"
    for i, p in enumerate(paras):
        n = index.get(p.start)
        if n is None:
            # Unnumbered suggestions follow a group heading; after a numbered title line they are its text.
            n = _unnumbered(p, strict) if last in ("group", "unnumbered") and p.start not in taken else None
            if n is None or current is None:
                continue
            n.no = len(current["suggestions"]) + 1
            n.kind, last = "suggestion", "unnumbered"
        elif n.kind == "group":
            current, last = _group(n), "group"
            groups.append(current)
            continue
        else:
            last = "numbered"
        if current is None:
            current = _group(None)
            groups.append(current)
        current["suggestions"].append(_suggestion(doc, n, paras[i + 1:], taken))
    return _finish(groups)


def _finish(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A heading without a written count and without suggestions was a heading of something else.
    groups = [g for g in groups if g["suggestions"] or g["count"] is not None]
    for g in groups:
        if g["count"] is None:
            g["count"] = len(g["suggestions"])
    if len(groups) == 1 and groups[0]["no"] is None:
        groups[0]["no"] = 1
    return groups


@stage("suggestions", assigns=("suggestion_groups", "suggestions"))
def suggestions(doc: Document) -> None:
    groups = build_groups(doc)
    doc.record["suggestion_groups"] = groups
    doc.record["suggestions"] = [{**s, "group": g["no"]} for g in groups for s in g["suggestions"]]
