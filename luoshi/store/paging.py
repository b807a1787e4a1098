"""One page of a list (the ledger, targets, suggestions): its rows, the total and where it stands.

Lists filtered in SQL page there; lists filtered by a rule computed in Python page with `Page.of`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @classmethod
    def of(cls, everything: Sequence[T], page: int, per_page: int) -> "Page[T]":
        """Page `page` of all the rows, cut in Python."""
        return cls(list(everything[(page - 1) * per_page: page * per_page]), len(everything), page, per_page)
