"""Attendance lists of meeting minutes: 出席 (people) and 列席 (people of units, or units' representatives).

`列席：市政府办王晨清、倪明德，市委宣传部代表` gives two people of 市政府办 and 市委宣传部 without a name.
Lists written in columns (`出席：张三  李四`), with a unit before a colon or a space, and names broken
across lines are read too: the source's spacing says where a column ends, the names' form the rest.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from importlib import resources
from typing import Any

from luoshi.extract.document import Document
from luoshi.extract.orgs import GLOSS, SUFFIXES, assignable, cached, default_table, suffix_strength, trie_pattern
from luoshi.extract.people import TITLE_END, TITLES, has_inner_person, name_score, split_org_person
from luoshi.extract.pipeline import stage
from luoshi.text.layout import ARTIFACTS

_RULES = json.loads(resources.files("luoshi.extract").joinpath("rules/attendees.json").read_text(encoding="utf-8"))
ROLE_OF = {label: r["role"] for r in _RULES["roles"] for label in r["labels"]}
ORG_FREE = frozenset(r["role"] for r in _RULES["roles"] if not r.get("with_org", True))
# A label opens a list at the start of a paragraph or after a sentence, before a colon or alone on its
# line; a label of two words (出席人员) may also run into the first entry when the layout joined its line.
CUE = re.compile(rf"(?:^|(?<=[。；;]))(?P<label>{trie_pattern(ROLE_OF)})(?P<colon>[:：]|$)?", re.M)
REPRESENTATIVE = re.compile(_RULES["representative"])
NOTE = re.compile(_RULES["note"])
ROLE_NOTE = re.compile(_RULES["role_note"])
FOOT = re.compile(_RULES["foot"])
HARD = re.compile(r"[，,、；;。：:]+")
LIST_MARK = re.compile(r"[，,、]")
PLACE_PREFIX = "市县区省"
# The values of a cut of a piece into entries (_merge): what a fragment that reads as no entry costs, a
# bare title (to be joined with its name), and each cut in a list of columns or in a punctuated list.
NO_ENTRY, TITLE_VALUE, CUT_COST, CUT_COST_WRAPPED, MAX_FRAGMENTS = -10.0, -1.0, 0.5, 4.0, 6
BARE_ENDINGS = frozenset(SUFFIXES)
GAP = re.compile(r"(\n| )")
TRAILING = re.compile(r"(?:等)+$")
CJK_PAIR_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
SINGLE_SPACE = re.compile(r"(?<=\S) (?=\S)")
WHITESPACE = re.compile(r"\s+")
ENDS_SENTENCE = re.compile(r"[。，、；;,]\s*$")
# `县领导A、B出席会议`, `C、D等参加会议`, `区人大常委会副主任E应邀列席会议`: a sentence's list before its verb.
NARRATIVE = re.compile(r"(?:等)?(?:同志)?(?:应邀|特邀|受邀)?(?P<verb>出席|参加|列席)(?:了)?(?:会议|本次会议|常务会议)?"
                       r"(?=[。；;，,]|$)")
NARRATIVE_PARAGRAPHS = 10
NARRATIVE_LINE = re.compile(r"[^。；;]{2,120}?(?:出席|参加|列席)(?:了)?(?:会议|本次会议)?。?")
DECISIONS_BEGIN = re.compile(r"(?:会议|会上|会前)|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]")
CHAIR_CLAUSE = re.compile(r"^.*(?:主持召开|主持|召开)[^，,]*[，,]")
GROUP_HEAD = re.compile(r"^(?:[市县区旗州盟]|[市县区旗州盟]政府|[市县区旗州盟]委)?(?:领导|班子成员)(?:同志)?[:：]?")
INVITED = re.compile(r"^(?:会议|会上)?(?:还|并|同时)?(?:邀请了?|特邀了?)")
AND = re.compile(r"(?<=[\u4e00-\u9fff])(?:及|以及)(?=[\u4e00-\u9fff])")
GROUP_TAIL = re.compile(r"等[^、，,]*(?:人员|成员|同志|领导|负责人|负责)$")


@dataclass(frozen=True)
class Entry:
    """One list entry read by its form: kind is person, weak (a name of uncertain form), org_person,
    unit, rep (a unit's representative) or title (a bare title, no entry of its own)."""

    kind: str
    org: str | None = None
    name: str | None = None
    sure: float = 4.0  # how surely the name is one by its form (people.name_score)


@stage("attendees", assigns=("attendees",))
def attendees(doc: Document) -> None:
    doc.record["attendees"] = read_attendees(doc)


def read_attendees(doc: Document) -> list[dict[str, Any]]:
    """`[{role, org, name}]` of every attendance list of `doc`, in order."""
    text = doc.text
    cues = [m for m in CUE.finditer(text) if m["colon"] is not None or _runs_into_list(text, m)]
    out: list[dict[str, Any]] = []
    starts = [p.start for p in doc.paragraphs] if cues else []
    for i, m in enumerate(cues):
        limit = cues[i + 1].start() if i + 1 < len(cues) else len(text)
        end = _list_end(doc, starts, m.end(), limit)
        out += parse_list(_spaced_text(doc, m.end(), end), ROLE_OF[m["label"]])
    return out or narrative_attendees(doc)


def narrative_attendees(doc: Document) -> list[dict[str, Any]]:
    """Attendance told in a news account's sentences: `县领导A、B出席会议`, `副区长C、D出席；区人大常委会副主任E
    应邀列席会议`. Read in the paragraphs before the decisions; groups without names (`相关单位负责人列席
    会议`) are no attendees."""
    out: list[dict[str, Any]] = []
    read = 0
    for p in doc.paragraphs[:NARRATIVE_PARAGRAPHS]:
        if out and DECISIONS_BEGIN.match(p.text):
            break
        out += _narrative_entries(p.text)
        read += 1
    # an account may name who attended at its end (`A、B、C等区领导参加会议。`), in a paragraph of its own
    for p in doc.paragraphs[read:][-3:]:
        if NARRATIVE_LINE.fullmatch(p.text):
            out += _narrative_entries(p.text)
    return out


def _narrative_entries(text: str) -> list[dict[str, Any]]:
    """The people each `…出席/参加/列席会议` sentence of a paragraph names."""
    out: list[dict[str, Any]] = []
    start = 0
    for m in NARRATIVE.finditer(text):
        sentence = max(text.rfind(c, 0, m.start()) for c in "。；;") + 1
        begin, start = max(start, sentence), m.end()
        people = _narrative_list(text[begin:m.start()])
        # A news account's 参加 is the 出席 of a 纪要; a unit sent without a name attends as 列席 does
        # (`区财政局、区审计局等部门负责人参加会议`), a group of units (`有关部门`) not at all.
        role = "列席" if m["verb"] == "列席" else "出席"
        for entry in parse_list(people, role):
            if entry["name"]:
                out.append(entry)
            elif entry["org"] and assignable(entry["org"]):
                out.append({**entry, "role": "列席"})
    return out


def _narrative_list(clause: str) -> str:
    """The list of a sentence that says who attended: after the chair's clause, without the group's head
    (`县领导`) and tail (`等县政府常务会组成人员`)."""
    chair = CHAIR_CLAUSE.search(clause)
    if chair:
        clause = clause[chair.end():]
    clause = INVITED.sub("", clause.lstrip("，,、 "))
    clause = GROUP_HEAD.sub("", clause)
    return AND.sub("、", GROUP_TAIL.sub("", clause))


def _runs_into_list(text: str, m: re.Match[str]) -> bool:
    """`出席人员李明、王强`: a two-word label without a colon, followed by an entry and a list mark."""
    if len(m["label"]) < 4:
        return False
    line_end = text.find("\n", m.end())
    first = HARD.split(text[m.end(): line_end if line_end >= 0 else len(text)], maxsplit=1)
    entry = _entry(first[0]) if len(first) > 1 else None
    # `与会人员围绕发展大局、…提出意见`: a sentence about them, not a list (a bare unit-like word is no proof)
    return entry is not None and entry.kind in ("person", "org_person", "rep")


def _list_end(doc: Document, starts: list[int], start: int, limit: int) -> int:
    """Where the list opened at `start` ends: its paragraph, and the paragraphs after it that read as
    entries only (`市委宣传部代表。` on a line of its own), up to the next label at `limit`."""
    paragraphs = doc.paragraphs
    i = max(bisect_right(starts, start) - 1, 0)
    end = min(paragraphs[i].end, limit) if paragraphs else limit
    before = _spaced_text(doc, start, end)
    for p in paragraphs[i + 1:]:
        text = _spaced_text(doc, p.start, p.end)
        if p.start >= limit or not _continues(text, before):
            break
        end, before = p.end, text
    return end


def _broken(text: str) -> bool:
    """Whether a list's paragraph may go on in the next (`…王晨清、倪`, `…毛晓波，市`, a row of a table):
    a list ends with 。; a paragraph without it was wrapped at the page width or is one row of several."""
    return bool(text) and not text.endswith("。")


def _continues(text: str, before: str) -> bool:
    """Whether a paragraph after a list's paragraph `before` goes on with it: every piece an entry, at
    least one a person or a representative, or a run of units that ends like a list (not a signature
    line); after a paragraph broken mid-list, most pieces entries, with the broken piece."""
    if not text or FOOT.search(re.sub(r"\s+", "", text)):  # `记  录：`, its label spaced out
        return False
    if _broken(before) or text[0] in "，、,":
        carry = HARD.split(before)[-1]
        entries = [_entry(t) for t, _ in _tokens(carry + "\n" + text)]
        if entries and _broken(text):
            entries.pop()  # the last piece goes on in the next paragraph
        if not entries:
            return len(text) <= 16
        return sum(e is not None for e in entries) >= 0.6 * len(entries)
    entries = [_entry(t) for t, _ in _tokens(text)]
    if not entries:
        return False
    if any(e is None for e in entries):
        return False
    return any(e.kind not in ("unit", "title") for e in entries) or bool(ENDS_SENTENCE.search(text))


def _spaced_text(doc: Document, start: int, end: int) -> str:
    """Clean text[start:end] with one space where the source had a column gap or a line break: the
    source's own spacing, without the letter spacing of documents that space every character."""
    s, e = doc.layout.span(start, end)
    src = ARTIFACTS.sub("", doc.source[s:e])
    cjk = len(CJK_CHAR.findall(src))
    if cjk and len(CJK_PAIR_SPACE.findall(src)) > 0.4 * cjk:
        src = SINGLE_SPACE.sub("", src)
    # A line break stays a line break (a line wrap, or a row of a table); other gaps become one space.
    return WHITESPACE.sub(lambda m: "\n" if "\n" in m.group() else " ", src).strip()


def parse_list(text: str, role: str) -> list[dict[str, Any]]:
    """The entries of one list's text (after its label) as `[{role, org, name}]`: a name takes the unit
    written before it (`市政府办王晨清、倪明德`); in a role without units (出席) a person's org is null."""
    out: list[dict[str, Any]] = []
    org: str | None = None
    unnamed: int | None = None  # the index of a unit written without a name yet
    for token, note_role in _tokens(NOTE.sub(" ", text)):
        entry = _entry(token)
        if entry is None or entry.kind == "title":
            continue
        who = note_role or role
        if entry.kind in ("person", "weak"):
            record = {"role": who, "org": None if who in ORG_FREE else org, "name": entry.name}
            if unnamed is not None:
                out[unnamed], unnamed = record, None
            else:
                out.append(record)
            continue
        org = entry.org
        out.append({"role": who, "org": None if who in ORG_FREE and entry.name else org, "name": entry.name})
        unnamed = len(out) - 1 if entry.kind == "unit" else None
    return out


def _tokens(text: str) -> list[tuple[str, str | None]]:
    """The entries' texts with the role a bracketed note gives them (`张三（请假）`): pieces between
    punctuation, and within a piece the fragments between spaces that are entries of their own."""
    out: list[tuple[str, str | None]] = []
    wraps = bool(LIST_MARK.search(text))  # punctuation separates the entries, not the gaps
    for piece in HARD.split(text):
        note = ROLE_NOTE.search(piece)
        role = ROLE_OF.get(note["role"], note["role"]) if note else None
        piece = ROLE_NOTE.sub("", piece) if note else piece
        for token in _merge(GAP.split(piece.strip()), wraps):
            token = TRAILING.sub("", token)
            if token:
                out.append((token, role))
    return out


def _merge(parts: list[str], wraps: bool) -> list[str]:
    """Cut a piece into entries at some of its gaps (`parts` alternates fragments and gaps): the cut that
    reads best, each entry valued by how surely it is one. Fragments that are no entry join their
    neighbours (`倪` `明德`, `市农业` `农村局顾强`); entries of their own stay apart (`张三` `李四`).
    Where punctuation separates the entries (`wraps`), a gap is a line wrap or a stray space, so each
    cut costs more, except before a unit with its place (`…倪明德` `市发改委万芬奇`)."""
    frags = [f for f in parts[::2] if f]
    if len(frags) < 2:
        return frags
    cut_cost = CUT_COST_WRAPPED if wraps else CUT_COST
    best: list[tuple[float, int]] = [(0.0, 0)] + [(-1e9, 0)] * len(frags)
    for i in range(1, len(frags) + 1):
        for j in range(max(0, i - MAX_FRAGMENTS), i):
            entry = _entry("".join(frags[j:i]))
            starts_unit = entry is not None and entry.org is not None and len(entry.org) >= 3
            cost = 0.0 if j and starts_unit and entry.org[0] in PLACE_PREFIX else cut_cost
            total = best[j][0] + _value(entry) - cost
            if total > best[i][0] + 1e-9:  # on a tie the longer entry (the smaller j) stays
                best[i] = (total, j)
    out, i = [], len(frags)
    while i:
        j = best[i][1]
        out.append("".join(frags[j:i]))
        i = j
    return out[::-1]


def _value(entry: Entry | None) -> float:
    if entry is None:
        return NO_ENTRY
    return TITLE_VALUE if entry.kind == "title" else entry.sure


@cached
def _entry(token: str) -> Entry | None:
    """What one list entry is by its form, or None when it reads as none."""
    base = GLOSS.sub("", token) if "（" in token or "(" in token else token
    if not base:
        return None
    if len(base) <= 3 and name_score(base) >= 4 and not suffix_strength(base) and base not in TITLES:
        return Entry("person", None, base)  # the most common entry: a name of the usual form
    return _title_or_representative(token, base) or _person(base) or _unit_or_weak_name(token, base)


def _title_or_representative(token: str, base: str) -> Entry | None:
    title = TITLE_END.search(base)
    if title and (title.start() == 0 or (title.start() >= 2 and suffix_strength(base[: title.start()]))):
        return Entry("title")  # `副县长`, `县委常委`: a title with or without its unit, no one named
    rep = REPRESENTATIVE.search(token)
    if rep and rep.start() >= 2:
        unit = token[: rep.start()]
        bare = GLOSS.sub("", unit)
        if suffix_strength(bare) and not name_score(bare):
            return Entry("rep", unit, sure=_unit_sure(bare))
    return None


def _person(base: str) -> Entry | None:
    org, name = split_org_person(base)
    if not name or (name == base and len(base) >= 3 and suffix_strength(base) == 2):
        return None  # `沙河镇` reads as a name too, but a unit's ending says what it is
    sure = name_score(name, lenient=True)
    if org:  # as sure as its less sure part
        return Entry("org_person", org, name, min(sure, _unit_sure(org)))
    return Entry("person" if sure >= 4 else "weak", None, name, sure)


def _unit_or_weak_name(token: str, base: str) -> Entry | None:
    if suffix_strength(base) and len(base) <= 24 and not has_inner_person(base):
        return Entry("unit", token, sure=_unit_sure(base))
    sure = name_score(base, lenient=True)
    return Entry("weak", None, base, sure) if sure else None


def _unit_sure(org: str) -> float:
    """How surely `org` is a whole unit name: 4 for one that ends like a unit (局, 委, 中心 …); 2 for a
    weak ending (组, 会); ½ for an ending or a Party department alone (`街道`, `中心`, `组织部`), which a
    list writes after its place or 市委 — the rest of a name the layout cut."""
    table = default_table()
    if (org in BARE_ENDINGS and org not in table.by_form) or org in table.party:
        return 0.5
    return 4.0 if suffix_strength(org) == 2 else 2.0
