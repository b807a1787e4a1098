"""Who acts on the ledger: a user with one role (and, for a unit user, one unit), and the units themselves.

Authentication is the web layer's business; here an `Actor` is simply who the rules are asked about.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from luoshi import glossary
from luoshi.ledger.errors import InvalidValue


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"  # 督查室
    UNIT = "unit"  # 承办单位联络员, bound to one unit
    LEADER = "leader"  # 领导
    CONGRESS = "congress"  # 人大: reads suggestions; no actions yet

    @property
    def label(self) -> str:
        return glossary.zh(f"role.{self.value}")


# The roles from the least privileged (a unit's liaison sees only its unit's items) to the most; a new user
# gets the first unless another is chosen.
BY_PRIVILEGE = (Role.UNIT, Role.CONGRESS, Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
LEAST_PRIVILEGED = BY_PRIVILEGE[0]
ROLE_CHOICES = "、".join(f"{r.label}（{r.value}）" for r in BY_PRIVILEGE)

# The supervision office's powers; admin holds them too so a small deployment needs one account, but
# never a unit's or a leader's (an admin writing a unit's progress would put words in its mouth).
OFFICE = frozenset({Role.SUPERVISOR, Role.ADMIN})


@dataclass(frozen=True)
class Actor:
    """A user as the rules see them: `id` goes into every event; `unit` only for a unit user."""

    id: str
    role: Role
    unit: str | None = None
    name: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "role", Role(self.role))
        except ValueError:
            raise InvalidValue(f"角色“{self.role}”无法识别：可选{ROLE_CHOICES}", "role") from None
        if self.role is Role.UNIT and not self.unit:
            raise InvalidValue("承办单位联络员须指定所属单位：请选择单位", "unit")
        if self.role is not Role.UNIT and self.unit:
            raise InvalidValue(f"{self.role.label}不属于某个单位：只有承办单位联络员指定所属单位，请把单位留空",
                               "unit")


WEBHOOK_FORMATS = ("dingtalk", "wecom", "json")


@dataclass(frozen=True)
class Unit:
    """A unit (单位) that handles items, with where its reminders go.

    `webhook_url` is optional; `webhook_format` says what body it takes: `dingtalk` or `wecom` (a group
    robot's text message) or `json` (a generic body for any other receiver). `mobiles` are @-mentioned.
    """

    id: str
    name: str
    webhook_url: str | None = None
    webhook_format: str = "json"
    mobiles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.webhook_format not in WEBHOOK_FORMATS:
            raise InvalidValue(f"单位 {self.id} 的推送格式“{self.webhook_format}”无法识别：可选"
                               f"{'、'.join(WEBHOOK_FORMATS)}", "webhook_format")
        object.__setattr__(self, "mobiles", tuple(self.mobiles))
