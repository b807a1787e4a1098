"""The organisation directory as a process keeps it for reading: every unit's names, keys and aliases, read
again only when the database's version of the units list (`luoshi.store.list_versions`, raised in the
transaction of each change to `organisations`) is not the one it was read at. A search asks whether each of
its words names a unit (by name, key, alias, or a level-free key): five statements a search against a
province's 1 300 units before, one small row now.

For reading only: the version is raised when a change commits, so a transaction that changes the directory
does not see its own change here; it finds units with `luoshi.store.orgs.find_organisation`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.store import list_versions
from luoshi.store.kept import Kept
from luoshi.store.models import Organisation
from luoshi.store.orgs import LEVEL_MARK, key_of


@dataclass(frozen=True)
class Listed:
    """A unit as the directory lists it."""

    id: int
    name: str
    key: str
    merged_into_id: int | None


class Directory:
    """The units by id, name, key and alias, and the units of each level-free key at any level."""

    def __init__(self, rows: list[Any]):
        units = [Listed(r.id, r.name, r.key, r.merged_into_id) for r in sorted(rows, key=lambda r: r.id)]
        self.by_id = {u.id: u for u in units}
        self.by_name = {u.name: u for u in units}
        self.by_key = {u.key: u for u in units}
        # An alias finds a unit still kept before one merged away, then the first made (as `orgs._aliased`).
        self.by_alias: dict[str, Listed] = {}
        for row in sorted(rows, key=lambda r: (r.merged_into_id is not None, r.id)):
            for alias in row.aliases or ():
                if isinstance(alias, str):
                    self.by_alias.setdefault(alias, self.by_id[row.id])
        self.leveled: dict[str, list[Listed]] = defaultdict(list)
        for u in units:
            if LEVEL_MARK in u.key:
                self.leveled[u.key.rsplit(LEVEL_MARK, 1)[1]].append(u)

    def find(self, text: str) -> Listed | None:
        """The unit `text` names (as `orgs.find_organisation`, but not by id), followed through its merges."""
        text = text.strip()
        if not text or text.isdigit():
            return None
        key = key_of(text)
        unit = self.by_name.get(text) or self.by_key.get(key) or self.by_alias.get(text)
        if unit is None and LEVEL_MARK not in key:
            at_levels = self.leveled.get(key, [])
            unit = at_levels[0] if len(at_levels) == 1 else None
        seen = set()
        while unit is not None and unit.merged_into_id is not None and unit.id not in seen:
            seen.add(unit.id)
            unit = self.by_id.get(unit.merged_into_id)
        return unit

    def at_levels(self, key: str) -> list[Listed]:
        """The units whose key is `key` (level-free) at some level, by id."""
        return list(self.leveled.get(key, []))


_ROWS = Kept(select(Organisation.id, Organisation.name, Organisation.key, Organisation.aliases,
                    Organisation.merged_into_id))


def directory(session: Session) -> Directory:
    """The directory as it is now: this process's copy while the units' version is the one it was read at."""
    return list_versions.kept(session, "units", "directory", lambda _previous: Directory(_ROWS.all(session)))
