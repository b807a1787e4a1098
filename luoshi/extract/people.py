"""Person names as 公文 lists write them: `王晨清`, `市政府办王晨清`, `副市长张三`, `张三同志`.

A name is read by its form (a surname from rules/surnames.txt and a one- or two-character given name);
`split_org_person` cuts a unit written before a name (`人行青山支行林立彬` → the branch and the person).
"""

from __future__ import annotations

import json
import re
from importlib import resources

from luoshi.extract.orgs import SUFFIXES, cached, default_table, is_unit, suffix_strength, trie_pattern

CJK = "\u4e00-\u9fff"
SPACE = re.compile(r"\s+")
DOT_NAME = re.compile(rf"^[{CJK}]{{1,8}}[·•．.][{CJK}]{{1,8}}(?:[·•．.][{CJK}]{{1,8}})?$")
ONLY_CJK = re.compile(rf"^[{CJK}]+$")
COLLECTIVE_ENDS = "地级下属块门位"  # 各地, 各级, 全市上下, 市属, 各板块, 有关部门, 各单位


def _read_surnames() -> dict[str, str]:
    """Surname → its section ("common", "rare" or "compound") from rules/surnames.txt."""
    text = resources.files("luoshi.extract").joinpath("rules/surnames.txt").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    section = "common"
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        else:
            out.setdefault(line, section)
    return out


SURNAMES = _read_surnames()
_RULES = json.loads(resources.files("luoshi.extract").joinpath("rules/people.json").read_text(encoding="utf-8"))
TITLES = frozenset(_RULES["titles"])
_TITLE = trie_pattern(TITLES)
TITLE_END = re.compile(f"(?:{_TITLE})$")
HONORIFIC_END = re.compile("(?:" + "|".join(map(re.escape, _RULES["honorifics"])) + ")$")
NOT_NAMES = frozenset(_RULES["not_names"])
NOT_IN_GIVEN = frozenset(_RULES["not_in_given_name"])
# What starts no name although the surname table may lack it: the last characters of unit endings.
NOT_SURNAME = NOT_IN_GIVEN | {suffix[-1] for suffix in SUFFIXES}


def surname_of(s: str) -> str | None:
    """The surname `s` starts with, compound surnames first (`欧阳明` → `欧阳`), or None."""
    if SURNAMES.get(s[:2]) == "compound" and len(s) > 2:
        return s[:2]
    return s[:1] if SURNAMES.get(s[:1]) in ("common", "rare") else None


@cached
def name_score(s: str, lenient: bool = False) -> float:
    """How surely `s` is a person's name by its form: 0 when it is not one; about 4 for a common surname
    and a one- or two-character given name; 1 for a name with a surname the table lacks (`lenient`)."""
    if not s or s in NOT_NAMES or s in TITLES:
        return 0.0
    if DOT_NAME.match(s):  # a transliterated name (阿不都·热合曼), unless a unit runs into it
        head = re.split(r"[·•．.]", s, maxsplit=1)[0]
        return 0.0 if any(suffix_strength(head[:k]) == 2 for k in range(2, len(head) + 1)) else 4.0
    if not ONLY_CJK.match(s) or not 2 <= len(s) <= 4:
        return 0.0
    surname = surname_of(s)
    given = s[len(surname):] if surname else s[1:]
    if not 1 <= len(given) <= 2 or any(c in NOT_IN_GIVEN for c in given):
        return 0.0
    if surname is None:  # no surname of the table: a name only if it does not start like a unit's end
        return 1.0 if lenient and len(s) <= 3 and s[0] not in NOT_SURNAME else 0.0
    if len(s) == 4 and len(surname) == 1:
        return 0.0
    return 4.0 if SURNAMES[surname] in ("common", "compound") else 3.0


def is_person_name(s: str, lenient: bool = False) -> bool:
    """Whether `s` reads as a person's name (`王晨清`, `欧阳明`, `阿不都·热合曼`); `lenient` also takes a
    two- or three-character name whose surname the table lacks, where the context says a name stands."""
    return name_score(SPACE.sub("", s or ""), lenient) > 0


def strip_honorific(s: str) -> str:
    """`张三同志` → `张三`."""
    m = HONORIFIC_END.search(s)
    return s[: m.start()] if m and m.start() >= 2 else s


@cached
def split_org_person(s: str) -> tuple[str | None, str | None]:
    """A person written after its unit and title: `市政府办王晨清` → (`市政府办`, `王晨清`); `副市长张三` →
    (None, `张三`); `王晨清` → (None, `王晨清`). (None, None) when no name can be read at the end."""
    s = strip_honorific(SPACE.sub("", s or ""))
    core, titled = _strip_titles_end(s)
    if len(core) <= 3 and name_score(core):
        return None, core  # too short for a unit and a name
    best: tuple[str | None, str | None] = (None, None)
    best_score = 0.0
    for org, name, has_title in _readings(core):
        score = _reading_score(org, name, titled or has_title)
        if score > best_score:
            best, best_score = (org or None, name), score
    return best


def _strip_titles_end(s: str) -> tuple[str, bool]:
    """`张三副市长` → (`张三`, True): a title after the name."""
    m = TITLE_END.search(s)
    if m and m.start() >= 2:
        return s[: m.start()], True
    return s, False


def _readings(core: str):
    """(org, name, title between them) for each place the name may start."""
    yield "", core, False
    if "·" in core or "•" in core:
        for k in range(2, len(core) - 2):
            yield core[:k], core[k:], False
    ends = _org_ends()
    for n in (3, 2, 4):
        if len(core) <= n or core[-n - 1] not in ends:
            continue
        rest, name = core[:-n], core[-n:]
        m = TITLE_END.search(rest)
        if m:
            yield rest[: m.start()], name, True
        yield rest, name, False


@cached
def _org_ends() -> frozenset[str]:
    """The characters a unit or a title can end with: where a name after them may start."""
    words = [*SUFFIXES, *default_table().by_form, *TITLES]
    return frozenset(w[-1] for w in words) | frozenset(COLLECTIVE_ENDS)


def _reading_score(org: str, name: str, titled: bool) -> float:
    strength = suffix_strength(org) if org else 0
    if org and (strength == 0 or has_inner_person(org)):
        return 0.0
    # A surname the table lacks passes only where a unit or a title surely ends right before it.
    score = name_score(name, lenient=strength == 2 or titled)
    if score == 0:
        return 0.0
    score += {3: 0.6, 2: 0.5}.get(len(name), 0.3) + strength + (0.3 if titled else 0.0)
    return score


def has_inner_person(s: str) -> bool:
    """Whether `s` reads as a unit, a person and another unit run together (`市人大顾建康市政协`): two
    entries of a list whose separator the layout lost, not one unit."""
    for k in range(2, len(s) - 3):
        if suffix_strength(s[:k]) != 2:
            continue
        for n in (2, 3):
            rest = s[k + n:]
            if len(rest) >= 2 and name_score(s[k:k + n]) >= 3 and is_unit(rest):
                return True
    return False
