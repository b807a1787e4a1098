"""Organisations (单位) by their 公文 forms: 市X局, X委, X办, X中心, X镇, X街道, 管委会, 集团, 公司 …

Names are kept as written; `canonical` writes an alias in full (市卫健委 → 市卫生健康委员会) and `unit_key`
compares units whatever their level or place (市卫健委 = 卫健委 = 青山市卫生健康委员会). The forms and the
alias table are shipped data (rules/org_forms.json, rules/org_aliases.json) a user can extend.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from luoshi.errors import LuoshiError

CJK = "\u4e00-\u9fff"
SPACE = re.compile(r"\s+")
# A bracketed gloss does not change what a name is: `各县（市、区）`.
GLOSS = re.compile(r"[（(][^（）()]{0,12}[）)]")
# Sentence punctuation never stands inside a unit name.
NOT_IN_NAME = re.compile(r"[。；;！!？?《》“”\"]")
BARE_PREFIX = "市县区省州旗"


def _rules(name: str) -> dict[str, Any]:
    return json.loads(resources.files("luoshi.extract").joinpath(f"rules/{name}").read_text(encoding="utf-8"))


def trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation for `words` that tries the longest continuation first and fails fast:
    a character trie, so that matching costs the length of the word, not the size of the list."""
    trie: dict[str, Any] = {}
    for word in set(words):
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie) if trie else "(?!)"


def _trie_regex(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:  # the word may stop here: the longer words are tried first (greedy `?`)
        return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
    return body


def _char_class_without(excluded: str) -> str:
    """`[一-鿿]` less the characters of `excluded`, as one character class."""
    cuts = sorted({ord(c) for c in excluded if "\u4e00" <= c <= "\u9fff"})
    ranges, lo = [], 0x4E00
    for cp in cuts:
        if cp > lo:
            ranges.append((lo, cp - 1))
        lo = cp + 1
    ranges.append((lo, 0x9FFF))
    return "[" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]"


_FORMS = _rules("org_forms.json")
STRONG_SUFFIXES = tuple(s for g in _FORMS["suffixes"] if g["strong"] for s in g["suffixes"])
WEAK_SUFFIXES = tuple(s for g in _FORMS["suffixes"] if not g["strong"] for s in g["suffixes"])
SUFFIXES = STRONG_SUFFIXES + WEAK_SUFFIXES
_COLLECTIVE_PART = "|".join(c["pattern"] for c in _FORMS["collectives"])
COLLECTIVE = re.compile(rf"^(?:{_COLLECTIVE_PART})+$")
ZONES = tuple(_FORMS["zones"])
PLACE_STEP = re.compile(rf"[{CJK}]{{2,6}}?(?:{'|'.join(_FORMS['place_levels'])})")
ORG_PREFIX = re.compile("^(?:" + "|".join(map(re.escape, _FORMS["org_prefixes"])) + ")")
NEEDS_PREFIX = frozenset(_FORMS["needs_prefix"])
# The levels a place prefix ends in, longest first (自治县 before 县).
LEVELS = tuple(sorted({*_FORMS["place_levels"], "镇", "乡", "街道"}, key=len, reverse=True))
# Running text: what never stands inside a unit name; the endings of towns and zones, and the words and
# characters that make such an ending no town (各镇, 推进城镇化, 特色小镇).
BODY = _char_class_without(_FORMS["not_in_body"])
TOWN_WORDS = trie_pattern(_FORMS["town_words"])
NOT_TOWN = trie_pattern(_FORMS["not_town_start"])
NOT_TOWN_END = _FORMS["not_town_end"]


@dataclass(frozen=True)
class Unit:
    """A unit of the alias table: its id, full name (without the place) and other forms."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    party: bool = False

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _units_from(data: Any, origin: str) -> list[Unit]:
    entries = data.get("units") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise LuoshiError(f"{origin}: expected {{\"units\": [{{\"id\", \"name\", \"aliases\"}}, …]}}")
    units = []
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not isinstance(e.get("id"), str) or not isinstance(e.get("name"), str):
            raise LuoshiError(f"{origin}: unit {i} needs a string `id` and `name`, got {e!r}")
        aliases = e.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
            raise LuoshiError(f"{origin}: unit {e['id']!r}: `aliases` must be a list of non-empty strings")
        units.append(Unit(e["id"], e["name"], tuple(aliases), bool(e.get("party", False))))
    return units


class OrgTable:
    """The alias table and the matchers built from it (one compiled regex each)."""

    def __init__(self, units: list[Unit]):
        self.units = list(units)
        self.by_form: dict[str, Unit] = {}
        self.by_id: dict[str, Unit] = {}
        for unit in self.units:  # a later entry (a user's file) overrides an earlier one
            self.by_id[unit.id] = unit
            for form in unit.forms:
                self.by_form[form] = unit
        self.party = {f for u in self.units if u.party for f in u.forms}
        self._tail = re.compile("(?:" + trie_pattern(self.by_form) + ")$")
        self._finder = self._compile_finder()

    def extended(self, units: list[Unit]) -> "OrgTable":
        return OrgTable(self.units + list(units))

    def _compile_finder(self) -> re.Pattern[str]:
        """One regex for unit mentions, its branches tried in order at each position: collectives
        (各地各部门); towns and zones after a boundary (城东镇); the table's forms, after 市/县/区 or alone
        (市发改委, 卫健委); and 市/县/区 + a name + a strong ending (市城发集团)."""
        # Short forms stand alone only after a boundary: `台办` is no unit in `平台办理`.
        free = [f for f in self.by_form if f not in NEEDS_PREFIX and len(f) > 2]
        short = [f for f in self.by_form if f not in NEEDS_PREFIX and len(f) <= 2]
        prefix = f"[{BARE_PREFIX}镇乡](?:委)?"
        not_after = trie_pattern(_FORMS["not_after_prefix"])
        false_ending = trie_pattern(_FORMS["false_endings"])
        strong = trie_pattern(s for s in STRONG_SUFFIXES if s not in ("镇", "乡"))
        before = rf"(?:(?<=[^{CJK}])|(?<=[由和及与同请向对])|^)"
        after = rf"(?=[^{CJK}]|$|[要需须应负牵会和及与等的在将已作向对按分共])"
        # `局面`, `部署`, `办理`: the unit ending ran into a word.
        not_word = f"(?![{_FORMS['not_after_unit']}])"
        # A bare 市/县/区 that ends a word (`城市`, `园区`) opens no unit.
        bare = f"(?<![{_FORMS['not_before_prefix']}])[市县区省]"
        return re.compile(
            rf"(?:{_COLLECTIVE_PART})+"
            rf"|{before}(?!{NOT_TOWN}){BODY}{{2,4}}?(?<![{NOT_TOWN_END}])(?:{TOWN_WORDS})"
            rf"(?:人民政府|政府|办事处|管委会|管理委员会)?{after}"
            rf"|(?:{prefix})?(?:{trie_pattern(free)}){not_word}"
            rf"|(?:{prefix}|{before})(?:{trie_pattern(short)}){not_word}"
            rf"|{prefix}(?:{trie_pattern(NEEDS_PREFIX)})"
            rf"|{bare}(?:委)?(?!{not_after}){BODY}{{0,7}}?(?!{false_ending}){BODY}(?:{strong}){not_word}"
        )

    # --- names ---------------------------------------------------------------------------------------
    def canonical(self, name: str) -> str:
        """The full form of a unit name: `市卫健委` → `市卫生健康委员会`; unknown names come back as they are."""
        s = SPACE.sub("", name or "")
        m = self._tail.search(s)
        return s[: m.start()] + self.by_form[m.group()].name if m else s

    def lookup(self, name: str) -> Unit | None:
        """The unit of the table `name` is a form of, whatever its place prefix (`青山市卫健委` → health)."""
        s = _strip_org_prefix(SPACE.sub("", name or ""))
        for cut in _cuts(s):
            unit = self._exact(s[cut:])
            if unit:
                return unit
        return None

    def _exact(self, rest: str) -> Unit | None:
        unit = self.by_form.get(rest)
        if unit is None and rest.startswith("委") and rest[1:] in self.party:
            unit = self.by_form[rest[1:]]  # `市委宣传部`: the Party committee's department
        return unit

    def unit_key(self, name: str) -> str:
        """A key that is equal for the forms of one unit at any level: the full name without the place
        (`市卫健委`, `卫健委`, `青山市卫生健康委员会` → `卫生健康委员会`)."""
        unit = self.lookup(name)
        if unit:
            return unit.name
        s = _strip_org_prefix(SPACE.sub("", name or ""))
        return self.canonical(s[_place_cut(s):])

    def level(self, name: str) -> str:
        """The level the place prefix of `name` ends in (`县住建局` → 县, `云江市临川区卫健委` → 区,
        `街道办` → ""), or "" when the name has none: 县住建局 and 区住建局 are two units of one key."""
        s = _strip_org_prefix(SPACE.sub("", name or ""))
        cut = next((c for c in _cuts(s) if self._exact(s[c:])), None)
        prefix = s[:_place_cut(s) if cut is None else cut]
        return next((lv for lv in LEVELS if prefix.endswith(lv)), "")

    def unit_id(self, name: str) -> str | None:
        unit = self.lookup(name)
        return unit.id if unit else None

    def find_units(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
        """Unit mentions in running text: `[(start, end, name)]`, in order, not overlapping."""
        end = len(text) if end is None else end
        return [(m.start(), m.end(), m.group()) for m in self._finder.finditer(text, start, end)]


def _strip_org_prefix(s: str) -> str:
    m = ORG_PREFIX.match(s)
    return s[m.end():] if m and len(s) > m.end() + 1 else s


def _cuts(s: str) -> list[int]:
    """Where a place prefix of `s` may end, nearest first: `江南省青山市卫健委` → 0, 3, 6; a bare name of
    2–3 characters (`青山生态环境局`) counts too, the table deciding whether what follows is a unit."""
    cuts = [0]
    if s[:1] in BARE_PREFIX and len(s) > 2:
        cuts.append(1)
    for n in (2, 3):
        if len(s) > n + 1 and not is_unit(s[:n]):
            cuts.append(n)
    pos = 0
    while True:
        m = _place_step(s, pos)
        if not m or len(s) - m.end() < 2:
            break
        pos = m.end()
        cuts.append(pos)
    return sorted(set(cuts))


def _place_step(s: str, pos: int) -> re.Match[str] | None:
    """A place name at `pos` (`青山市`), not a zone that is a unit itself (`高新区`) nor a bare `市…`."""
    if s[pos:pos + 1] in BARE_PREFIX:
        return None
    m = PLACE_STEP.match(s, pos)
    return None if m is None or m.group().endswith(ZONES) else m


def _place_cut(s: str) -> int:
    """How much of `s` is a place prefix when the table does not know the unit (`青山市城发集团` → 3)."""
    pos = 0
    while True:
        m = _place_step(s, pos)
        if not m or not is_unit(s[m.end():]):
            break
        pos = m.end()
    if pos == 0 and s[:1] in BARE_PREFIX and len(s) > 2 and is_unit(s[1:]):
        return 1
    return pos


# --- the default table ---------------------------------------------------------------------------------
_DEFAULT = OrgTable(_units_from(_rules("org_aliases.json"), "rules/org_aliases.json"))


def default_table() -> OrgTable:
    return _DEFAULT


def load_aliases(path: str | Path, base: OrgTable | None = None) -> OrgTable:
    """A table of `base` (the shipped one by default) extended with the units of a JSON file of the
    shape of rules/org_aliases.json (`{"units": [{"id", "name", "aliases"}]}`); later entries win."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise LuoshiError(f"{path}: cannot read the alias file ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise LuoshiError(f"{path}: not valid JSON ({exc})") from exc
    return (base or _DEFAULT).extended(_units_from(data, str(path)))


# Caches of results that depend on the table (here and in people, attendees), emptied when it changes.
_CACHES: list[Any] = []


def cached(fn: Any) -> Any:
    """`lru_cache` for a pure function of strings whose result depends on the default table."""
    wrapped = lru_cache(maxsize=16384)(fn)
    _CACHES.append(wrapped)
    return wrapped


def use_table(table: OrgTable) -> None:
    """Make `table` the one the module functions use (e.g. after `load_aliases`)."""
    global _DEFAULT
    _DEFAULT = table
    for fn in _CACHES:
        fn.cache_clear()


# --- module functions (the default table) ------------------------------------------------------------
def is_unit(name: str) -> bool:
    """Whether `name` reads as a unit (or a collective of units) in 公文."""
    s = GLOSS.sub("", name or "")
    if len(s) < 2 or len(s) > 30 or NOT_IN_NAME.search(s):
        return False
    return bool(COLLECTIVE.match(s)) or s.endswith(SUFFIXES) or s in _DEFAULT.by_form


# What an owner is, for the directory: only a unit can be handed an item. A collective (各地各部门, 全市上下)
# is a real owner of a general requirement, a generic reference (财政部门, 相关职能部门, 乡镇) or a sector's
# short form (住建) names no one unit, leaders (市领导, 区政府班子成员) are people, and a drafting group
# (报告起草组) or a collective of committees (安全生产各专委会) is no standing unit.
GENERIC_OWNER = re.compile(r"(?:部门|单位|属地|乡镇|镇街|街镇|村居|村（社区）|村\(社区\))$")
UNSPECIFIED = re.compile(r"相关|有关|其他|其余|部分|个别")
LEADER_OWNER = re.compile(r"(?:领导|班子成员|负责同志|负责人|领导干部|[市区县旗州]长)$")
GROUP_OWNER = re.compile(r"起草组$|^[\u4e00-\u9fff]*各[\u4e00-\u9fff]+$")


def owner_kind(name: str) -> str:
    """`unit`, `collective`, `generic`, `leader` or `group`: whether an owner names a unit to assign to."""
    s = GLOSS.sub("", SPACE.sub("", name or ""))
    if COLLECTIVE.match(s):
        return "collective"
    if LEADER_OWNER.search(s):
        return "leader"
    if GROUP_OWNER.search(s):
        return "group"
    if GENERIC_OWNER.search(s) or UNSPECIFIED.search(s) or not is_unit(s):
        return "generic"
    return "unit"


def assignable(name: str) -> bool:
    """Whether an owner names one unit that could be handed an item (see `owner_kind`)."""
    return owner_kind(name) == "unit"


@cached
def suffix_strength(name: str) -> int:
    """2 when `name` ends like a unit anywhere (局, 委, 中心, a known form), 1 when only where a unit is
    expected (会, 社, 组), 0 when it does not end like a unit."""
    s = GLOSS.sub("", name or "")
    if len(s) < 2 or NOT_IN_NAME.search(s):
        return 0
    if s.endswith(STRONG_SUFFIXES) or COLLECTIVE.match(s) or _DEFAULT._tail.search(s):
        return 2
    return 1 if s.endswith(WEAK_SUFFIXES) else 0


def split_units(text: str) -> list[str]:
    """`市商务局、卫健委` → [`市商务局`, `卫健委`]; a list of units joined by 、 和 及 与."""
    return [part for part in re.split(r"[、，,和及与]|以及", text) if part]


def canonical(name: str) -> str:
    """The full form of a unit name: `市卫健委` → `市卫生健康委员会`; unknown names come back as they are."""
    return _DEFAULT.canonical(name)


def unit_key(name: str) -> str:
    """Equal for the forms of one unit: `市卫健委`, `卫健委`, `青山市卫生健康委员会` → `卫生健康委员会`."""
    return _DEFAULT.unit_key(name)


def unit_level(name: str) -> str:
    """The level of the place prefix of a unit name: `县住建局` → 县, `太仓市住建局` → 市, `卫健委` → ""."""
    return _DEFAULT.level(name)


def unit_id(name: str) -> str | None:
    """The id of the table's unit `name` names (`市发改委` → `ndrc`), or None."""
    return _DEFAULT.unit_id(name)


def find_units(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Unit mentions in `text[start:end]` as `(start, end, name)`, found by one compiled regex."""
    return _DEFAULT.find_units(text, start, end)
