"""The organisation directory (单位): units matched by any of their names, proposed when ingest meets a new
one, with their hierarchy, webhook, and the people seen for them at meetings over time.

Names are matched by `key_of`: the level of the place prefix and `luoshi.extract.orgs.unit_key`, so 市卫健委,
太仓市卫健委 and 市卫生健康委员会 are one unit, while 县住建局 (a county's) and 区住房和城乡建设局 (a district's)
are two. A name without a level (卫健委) finds the one unit of that key at any level, when there is one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from luoshi.errors import AlreadyExists, NotFound
from luoshi.extract import orgs as names
from luoshi.ledger import Conflict, InvalidValue, Unit
from luoshi.ledger.actors import WEBHOOK_FORMATS
from luoshi.store.audit import append_admin
from luoshi.store import search_index
from luoshi.store.models import Assignment, Meeting, Membership, Organisation, Person, User
from luoshi.store.outbox import ChannelRow
from luoshi.store.tracking import SuggestionCoUnit, SuggestionRow, TargetUnit


LEVEL_MARK = "/"  # between the level and the level-free key: `县/住房和城乡建设局`


def key_of(name: str) -> str:
    """Equal for the names of one unit: `县/住房和城乡建设局` for 县住建局 and 青溪县住房和城乡建设局; a name
    without a level prefix keys without one (`卫生健康委员会`)."""
    level = names.unit_level(name)
    return f"{level}{LEVEL_MARK}{names.unit_key(name)}" if level else names.unit_key(name)


def find_organisation(session: Session, value: str | int) -> Organisation | None:
    """The organisation with this id (`12`, `"12"`) or any of its names (`市卫健委`), or None. A name
    without a level (`卫健委`) that keys no unit finds the unit of that key at some level if there is only one:
    with both 县住建局 and 区住建局 stored, `住建局` names neither."""
    return _kept(session, _named(session, str(value).strip()))


def _named(session: Session, text: str) -> Organisation | None:
    if text.isdigit():
        return session.get(Organisation, int(text))
    if not text:
        return None
    org = session.scalars(select(Organisation).where(Organisation.name == text)).first()
    key = key_of(text)
    org = org or session.scalars(select(Organisation).where(Organisation.key == key)).first() or _aliased(session, text)
    if org is not None or LEVEL_MARK in key:
        return org
    leveled = session.scalars(select(Organisation).where(Organisation.key.endswith(LEVEL_MARK + key, autoescape=True))
                              .limit(2)).all()
    return leveled[0] if len(leveled) == 1 else None


def _aliased(session: Session, text: str) -> Organisation | None:
    """The unit that has `text` among its aliases (a former name, kept when it was renamed or merged)."""
    written = json.dumps(text)  # as the JSON column stores it
    return session.scalars(select(Organisation).where(cast(Organisation.aliases, String).contains(written, autoescape=True))
                           .order_by(Organisation.merged_into_id.is_not(None), Organisation.id)).first()


def _kept(session: Session, org: Organisation | None) -> Organisation | None:
    """The unit `org` was merged into (through any chain of merges), or `org` itself."""
    seen = set()
    while org is not None and org.merged_into_id is not None and org.id not in seen:
        seen.add(org.id)
        org = session.get(Organisation, org.merged_into_id)
    return org


def is_collective(name: str) -> bool:
    """各地各部门, 财政部门, 市领导, 报告起草组: an owner that names no one unit that could be handed an item
    (and so never enters the directory); see `luoshi.extract.orgs.owner_kind`."""
    return not names.assignable(name)


def resolve_unit(session: Session, name: str, *, now: datetime | None = None) -> Organisation:
    """The organisation `name` names, created as `proposed` when none matches; the name as written is
    remembered as an alias. Does not commit."""
    written = "".join(name.split())
    org = find_organisation(session, written)
    if org is None:
        full = names.canonical(written)
        if session.scalar(select(Organisation.id).where(Organisation.name == full)) is not None:
            full = written
        org = Organisation(name=full, key=key_of(written), aliases=[], proposed=True, webhook_format="json",
                           mobiles=[], created_at=now or datetime.now(UTC))
        session.add(org)
        session.flush()
    if written != org.name and written not in org.aliases:
        org.aliases = [*org.aliases, written]
    return org


@dataclass(frozen=True)
class OrgSummary:
    id: int
    name: str
    aliases: list[str]
    parent_id: int | None
    proposed: bool
    webhook_url: str | None
    items: int  # items it leads or co-operates on
    people: int
    not_unit: bool = False

    @property
    def status(self) -> str:
        """confirmed | proposed (by an ingest, not yet confirmed) | not_unit (marked as no unit)"""
        return "not_unit" if self.not_unit else "proposed" if self.proposed else "confirmed"


@dataclass(frozen=True)
class PersonSeen:
    """A person seen for a unit: at which meetings (date, document), first and last."""

    person_id: int
    name: str
    first_seen: date | None
    last_seen: date | None
    meetings: list[tuple[date | None, int, str]]  # (meeting day, document id, role 出席/列席)


@dataclass(frozen=True)
class OrgDetail:
    summary: OrgSummary
    parent: OrgSummary | None
    children: list[OrgSummary]
    people: list[PersonSeen]
    webhook_format: str
    mobiles: list[str]


def _summaries(session: Session, orgs: list[Organisation]) -> list[OrgSummary]:
    ids = [o.id for o in orgs]
    items = dict(session.execute(select(Assignment.organisation_id, func.count())
                                 .where(Assignment.organisation_id.in_(ids)).group_by(Assignment.organisation_id)).all())
    people = dict(session.execute(select(Membership.organisation_id, func.count(func.distinct(Membership.person_id)))
                                  .where(Membership.organisation_id.in_(ids))
                                  .group_by(Membership.organisation_id)).all())
    return [OrgSummary(o.id, o.name, list(o.aliases), o.parent_id, o.proposed, o.webhook_url,
                       items.get(o.id, 0), people.get(o.id, 0), bool(o.not_unit)) for o in orgs]


STATUSES = {"confirmed": "已确认", "proposed": "待确认", "not_unit": "非单位"}


def list_organisations(session: Session, *, proposed: bool | None = None, q: str | None = None,
                       status: str | None = None) -> list[OrgSummary]:
    """The directory, by name, without the units merged into others; `proposed` True/False for only
    proposed/confirmed units; `status` one of STATUSES; `q` in the name."""
    stmt = select(Organisation).where(Organisation.merged_into_id.is_(None)).order_by(Organisation.name)
    if proposed is not None:
        stmt = stmt.where(Organisation.proposed == proposed)
    if status is not None:
        if status not in STATUSES:
            raise InvalidValue(f"单位状态“{status}”无法识别：可选{'、'.join(f'{v}（{k}）' for k, v in STATUSES.items())}",
                               "status")
        stmt = stmt.where(Organisation.not_unit == (status == "not_unit"))
        if status != "not_unit":
            stmt = stmt.where(Organisation.proposed == (status == "proposed"))
    if q:
        stmt = stmt.where(Organisation.name.contains(q.strip()))
    return _summaries(session, list(session.scalars(stmt)))


def get_organisation(session: Session, *, org_id: int) -> OrgDetail:
    """One unit with its parent, children and the people seen for it at meetings, most recent first."""
    org = _get(session, org_id)
    parent = session.get(Organisation, org.parent_id) if org.parent_id else None
    children = list(session.scalars(select(Organisation).where(Organisation.parent_id == org.id)
                                    .order_by(Organisation.name)))
    [summary, *rest] = _summaries(session, [org] + ([parent] if parent else []) + children)
    parent_summary = rest[0] if parent else None
    return OrgDetail(summary, parent_summary, rest[1:] if parent else rest, people_of(session, org_id=org.id),
                     org.webhook_format, list(org.mobiles))


def people_of(session: Session, *, org_id: int) -> list[PersonSeen]:
    """Who represented unit `org_id` at which meetings, the most recently seen first."""
    rows = session.execute(
        select(Person.id, Person.name, Meeting.held_on, Meeting.document_id, Membership.role)
        .join(Membership, Membership.person_id == Person.id).join(Meeting, Meeting.id == Membership.meeting_id)
        .where(Membership.organisation_id == org_id).order_by(Person.id, Meeting.held_on))
    seen: dict[int, PersonSeen] = {}
    for pid, name, held_on, doc_id, role in rows:
        p = seen.setdefault(pid, PersonSeen(pid, name, None, None, []))
        p.meetings.append((held_on, doc_id, role))
    out = []
    for p in seen.values():
        days = [m[0] for m in p.meetings if m[0]]
        out.append(PersonSeen(p.person_id, p.name, min(days, default=None), max(days, default=None), p.meetings))
    return sorted(out, key=lambda p: (p.last_seen or date.min, p.name), reverse=True)


def create_organisation(session: Session, *, name: str, aliases: list[str] | None = None,
                        parent_id: int | None = None, webhook_url: str | None = None,
                        webhook_format: str = "json", by: Any = None) -> Organisation:
    """A confirmed unit, created by hand; AlreadyExists when a unit of that name or key is there."""
    name = "".join(name.split())
    if not name:
        raise InvalidValue("单位名称不能为空：请填写单位全称", "name")
    existing = find_organisation(session, name)
    if existing is not None:
        raise AlreadyExists(f"单位“{name}”已在名录中（{existing.name}）：请直接使用，或改用其他名称")
    org = Organisation(name=name, key=key_of(name), aliases=list(aliases or []), parent_id=parent_id,
                       proposed=False, webhook_url=None, webhook_format="json", mobiles=[],
                       created_at=datetime.now(UTC))
    session.add(org)
    session.flush()
    _set_webhook(org, webhook_url, webhook_format)
    append_admin(session, type="organisation_created", actor=by, subject=f"organisation:{org.id}",
                 data={"name": org.name, "aliases": org.aliases, "parent_id": org.parent_id,
                       "webhook_url": org.webhook_url})
    session.commit()
    return org


def update_organisation(session: Session, *, org_id: int, by: Any = None, **changes: Any) -> Organisation:
    """Change a unit: `name`, `aliases`, `parent_id`, `proposed` (False confirms it), `webhook_url`,
    `webhook_format` (json, dingtalk, wecom), `mobiles`; `by` (an Actor) goes into the admin log. Commits."""
    org = _get(session, org_id)
    allowed = {"name", "aliases", "parent_id", "proposed", "not_unit", "webhook_url", "webhook_format", "mobiles"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidValue(f"单位没有“{unknown[0]}”这一项：可修改的有{'、'.join(sorted(allowed))}", unknown[0])
    if "parent_id" in changes and changes["parent_id"] is not None:
        _check_parent(session, org, int(changes["parent_id"]))
    if "webhook_url" in changes or "webhook_format" in changes:
        _set_webhook(org, changes.pop("webhook_url", org.webhook_url), changes.pop("webhook_format", org.webhook_format))
    for name, value in changes.items():
        setattr(org, name, value)
    append_admin(session, type="organisation_updated", actor=by, subject=f"organisation:{org.id}",
                 data={"name": org.name, "aliases": org.aliases, "parent_id": org.parent_id, "proposed": org.proposed,
                       "not_unit": org.not_unit, "webhook_url": org.webhook_url, "webhook_format": org.webhook_format,
                       "mobiles": org.mobiles})
    session.commit()
    return org


def _get(session: Session, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound.of("unit")
    return org


def _current(session: Session, org_id: int) -> Organisation:
    """The unit `org_id`, which must not have been merged into another."""
    org = _get(session, org_id)
    if org.merged_into_id is not None:
        kept = _kept(session, org)
        raise Conflict(f"单位“{org.name}”已并入“{kept.name if kept else ''}”：请刷新单位名录后重试")
    return org


def confirm_organisation(session: Session, *, org_id: int, by: Any = None) -> Organisation:
    """The office confirms a unit an ingest proposed (or one marked as no unit after all). Commits."""
    _current(session, org_id)
    return update_organisation(session, org_id=org_id, by=by, proposed=False, not_unit=False)


def mark_not_unit(session: Session, *, org_id: int, by: Any = None) -> Organisation:
    """The office marks a name the extraction took for a unit as none (a person, a meeting, a misreading):
    it leaves the unit choices; what already names it keeps it. Commits."""
    _current(session, org_id)
    return update_organisation(session, org_id=org_id, by=by, proposed=False, not_unit=True)


def set_parent(session: Session, *, org_id: int, parent_id: int | None, by: Any = None) -> Organisation:
    """Set (or, with None, clear) the unit above `org_id`. Commits."""
    _current(session, org_id)
    return update_organisation(session, org_id=org_id, by=by, parent_id=parent_id)


def rename_organisation(session: Session, *, org_id: int, name: str, by: Any = None) -> Organisation:
    """Give a unit a new name; the old one stays as an alias (documents and people still find it). A name
    another unit has is refused (merge them instead). Commits."""
    org = _current(session, org_id)
    new = "".join(name.split())
    if not new:
        raise InvalidValue("单位名称不能为空：请填写单位全称", "name")
    if new == org.name:
        return org
    other = find_organisation(session, new)
    if other is not None and other.id != org.id:
        raise AlreadyExists(f"单位“{new}”已在名录中（{other.name}）：如是同一单位，请使用“合并”")
    old = org.name
    org.aliases = _aliases(org.aliases + [old], new)
    org.name, org.key = new, key_of(new)
    append_admin(session, type="organisation_renamed", actor=by, subject=f"organisation:{org.id}",
                 data={"name": new, "previous_name": old, "aliases": org.aliases})
    _reindex(session, [org.id])
    session.commit()
    return org


def _aliases(names: list[str], own: str) -> list[str]:
    return [n for n in dict.fromkeys(names) if n and n != own]


@dataclass(frozen=True)
class Merged:
    """What a merge moved to the kept unit."""

    kept: int
    merged: int
    items: int
    targets: int
    suggestions: int
    users: int
    people: int


def merge_organisations(session: Session, *, keep_id: int, merge_id: int, by: Any = None) -> Merged:
    """Merge unit `merge_id` into `keep_id`: its items, targets and suggestions (as lead or co-operating
    unit), its users, the people seen for it, its sub-units and notice channels move to the kept unit, and
    its names become aliases of the kept one. The merged row stays, pointing to the kept one, so that the
    history that named it (events, reports, reminders: facts, never rewritten) still reads. Commits."""
    if keep_id == merge_id:
        raise InvalidValue("不能把单位并入它自己：请选择另一个单位", "into")
    gone = _current(session, merge_id)
    if session.get(Organisation, keep_id) is None:
        raise InvalidValue("要并入的单位不在单位名录中：请从名录中选择", "into")
    keep = _current(session, keep_id)
    items = _move_links(session, Assignment, Assignment.item_id, gone.id, keep.id)
    targets = _move_links(session, TargetUnit, TargetUnit.target_id, gone.id, keep.id)
    suggestions = _move_suggestions(session, gone.id, keep.id)
    users = _move_users(session, gone.id, keep.id, by)
    people = _move_memberships(session, gone.id, keep.id)
    for child in session.scalars(select(Organisation).where(Organisation.parent_id == gone.id)):
        child.parent_id = keep.id if child.id != keep.id else gone.parent_id
    for channel in session.scalars(select(ChannelRow).where(ChannelRow.unit_id == gone.id)):
        channel.unit_id = keep.id
    keep.aliases = _aliases(keep.aliases + [gone.name] + gone.aliases, keep.name)
    keep.proposed = keep.not_unit = False
    gone.merged_into_id, gone.proposed = keep.id, False
    moved = Merged(keep.id, gone.id, len(items), len(targets), len(suggestions), users, people)
    append_admin(session, type="organisation_merged", actor=by, subject=f"organisation:{keep.id}",
                 data={"merged": gone.id, "merged_name": gone.name, "aliases": keep.aliases,
                       "moved": {"items": moved.items, "targets": moved.targets, "suggestions": moved.suggestions,
                                 "users": users, "people": people}})
    session.flush()
    search_index.index_items(session, items)
    search_index.index_targets(session, targets)
    search_index.index_suggestions(session, suggestions)
    session.commit()
    return moved


def _move_links(session: Session, model: Any, owner: Any, gone: int, keep: int) -> list[int]:
    """Move the (owner, unit) rows of unit `gone` to `keep`; where the owner has `keep` already, one row
    stays, leading if either led. The owners' ids."""
    moved = []
    for row in session.scalars(select(model).where(model.organisation_id == gone)).all():
        owner_id = getattr(row, owner.key)
        moved.append(owner_id)
        twin = session.scalars(select(model).where(owner == owner_id, model.organisation_id == keep)).first()
        if twin is None:
            row.organisation_id = keep
            continue
        if row.role == "lead":
            twin.role, twin.position = "lead", min(twin.position, row.position)
        session.delete(row)
    session.flush()
    return moved


def _move_suggestions(session: Session, gone: int, keep: int) -> list[int]:
    led = list(session.scalars(select(SuggestionRow).where(SuggestionRow.lead_unit_id == gone)))
    for row in led:
        row.lead_unit_id = keep
    co = list(session.scalars(select(SuggestionCoUnit).where(SuggestionCoUnit.organisation_id == gone)))
    for row in co:
        lead = session.get(SuggestionRow, row.suggestion_id)
        twin = session.scalars(select(SuggestionCoUnit).where(SuggestionCoUnit.suggestion_id == row.suggestion_id,
                                                              SuggestionCoUnit.organisation_id == keep)).first()
        if twin is not None or (lead is not None and lead.lead_unit_id == keep):
            session.delete(row)
        else:
            row.organisation_id = keep
    session.flush()
    return list(dict.fromkeys([r.id for r in led] + [r.suggestion_id for r in co]))


def _move_users(session: Session, gone: int, keep: int, by: Any) -> int:
    """The users of unit `gone` move to `keep`, each change in the admin log (which a user's unit is checked
    against)."""
    users = list(session.scalars(select(User).where(User.unit_id == gone)))
    for user in users:
        user.unit_id = keep
        append_admin(session, type="user_updated", actor=by, subject=f"user:{user.username}",
                     data={"role": user.role, "unit_id": keep, "active": user.active,
                           "display_name": user.display_name})
    return len(users)


def _move_memberships(session: Session, gone: int, keep: int) -> int:
    rows = list(session.scalars(select(Membership).where(Membership.organisation_id == gone)))
    for row in rows:
        twin = session.scalar(select(Membership.id).where(Membership.person_id == row.person_id,
                                                          Membership.meeting_id == row.meeting_id,
                                                          Membership.organisation_id == keep))
        if twin is None:
            row.organisation_id = keep
        else:
            session.delete(row)
    session.flush()
    return len({r.person_id for r in rows})


def _reindex(session: Session, org_ids: list[int]) -> None:
    """The search entries naming these units, written again (their names changed)."""
    session.flush()
    search_index.index_items(session, session.scalars(select(Assignment.item_id)
                                                      .where(Assignment.organisation_id.in_(org_ids))).all())
    search_index.index_targets(session, session.scalars(select(TargetUnit.target_id)
                                                        .where(TargetUnit.organisation_id.in_(org_ids))).all())
    led = select(SuggestionRow.id).where(SuggestionRow.lead_unit_id.in_(org_ids))
    co = select(SuggestionCoUnit.suggestion_id).where(SuggestionCoUnit.organisation_id.in_(org_ids))
    search_index.index_suggestions(session, sorted(set(session.scalars(led)) | set(session.scalars(co))))


def _check_parent(session: Session, org: Organisation, parent_id: int) -> None:
    seen, current = {org.id}, session.get(Organisation, parent_id)
    if current is None or current.merged_into_id is not None:
        raise InvalidValue("上级单位不在单位名录中：请从名录中选择", "parent_id")
    parent = current
    while current is not None:
        if current.id in seen:
            raise InvalidValue(f"不能把{parent.name}设为{org.name}的上级单位：{org.name}会成为自己的上级", "parent_id")
        seen.add(current.id)
        current = session.get(Organisation, current.parent_id) if current.parent_id else None


def _set_webhook(org: Organisation, url: str | None, fmt: str) -> None:
    url = (url or "").strip() or None
    if url is not None and not url.startswith(("http://", "https://")):
        raise InvalidValue(f"机器人地址“{url}”须以 http:// 或 https:// 开头", "webhook_url")
    if fmt not in WEBHOOK_FORMATS:
        raise InvalidValue(f"消息格式“{fmt}”无法识别：可选{'、'.join(WEBHOOK_FORMATS)}", "webhook_format")
    org.webhook_url, org.webhook_format = url, fmt


def as_unit(org: Organisation) -> Unit:
    """The ledger's `Unit` (what reminders are addressed to)."""
    return Unit(str(org.id), org.name, org.webhook_url, org.webhook_format, tuple(org.mobiles or ()))


class UnitResolver:
    """`resolve_unit` with a memory of the names already resolved: one ingest names the same units many
    times (owners, attendees). Use it within one transaction."""

    def __init__(self, session: Session, now: datetime | None = None):
        self.session, self.now, self.known = session, now, {}  # type: dict[str, Organisation]

    def __call__(self, name: str) -> Organisation:
        written = "".join(name.split())
        org = self.known.get(written)
        if org is None:
            org = self.known[written] = resolve_unit(self.session, written, now=self.now)
        return org


def record_attendees(session: Session, *, meeting: Meeting, attendees: list[dict[str, Any]],
                     units: UnitResolver | None = None) -> int:
    """People of a meeting's attendee list, with the unit each attended for; the memberships added."""
    units = units or UnitResolver(session)
    listed = [a for a in attendees if (a.get("name") or "").strip()]
    wanted = {a["name"].strip() for a in listed}
    people = {p.name: p for p in session.scalars(select(Person).where(Person.name.in_(wanted)))}
    for name in sorted(wanted - set(people)):
        people[name] = Person(name=name)
        session.add(people[name])
    session.flush()
    have = {(p, o) for p, o in session.execute(select(Membership.person_id, Membership.organisation_id)
                                               .where(Membership.meeting_id == meeting.id))}
    added = 0
    for a in listed:
        person = people[a["name"].strip()]
        org = units(a["org"]) if a.get("org") and not is_collective(a["org"]) else None
        key = (person.id, org.id if org else None)
        if key in have:
            continue
        have.add(key)
        session.add(Membership(person_id=person.id, organisation_id=key[1], meeting_id=meeting.id,
                               role=a.get("role") or "", org_as_written=a.get("org")))
        added += 1
    session.flush()
    return added
