"""The organisation directory (单位): units matched by any of their names, proposed when ingest meets a new
one, with their hierarchy, webhook, and the people seen for them at meetings over time.

Names are matched by `key_of`: the level of the place prefix and `luoshi.extract.orgs.unit_key`, so 市卫健委,
太仓市卫健委 and 市卫生健康委员会 are one unit, while 县住建局 (a county's) and 区住房和城乡建设局 (a district's)
are two. A name without a level (卫健委) finds the one unit of that key at any level, when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.errors import AlreadyExists, NotFound
from luoshi.extract import orgs as names
from luoshi.ledger import InvalidValue, Unit
from luoshi.ledger.actors import WEBHOOK_FORMATS
from luoshi.store.audit import append_admin
from luoshi.store.models import Assignment, Meeting, Membership, Organisation, Person


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
    text = str(value).strip()
    if text.isdigit():
        return session.get(Organisation, int(text))
    if not text:
        return None
    org = session.scalars(select(Organisation).where(Organisation.name == text)).first()
    key = key_of(text)
    org = org or session.scalars(select(Organisation).where(Organisation.key == key)).first()
    if org is not None or LEVEL_MARK in key:
        return org
    leveled = session.scalars(select(Organisation).where(Organisation.key.endswith(LEVEL_MARK + key, autoescape=True))
                              .limit(2)).all()
    return leveled[0] if len(leveled) == 1 else None


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
                       items.get(o.id, 0), people.get(o.id, 0)) for o in orgs]


def list_organisations(session: Session, *, proposed: bool | None = None, q: str | None = None) -> list[OrgSummary]:
    """The directory, by name; `proposed` True/False for only proposed/confirmed units; `q` in the name."""
    stmt = select(Organisation).order_by(Organisation.name)
    if proposed is not None:
        stmt = stmt.where(Organisation.proposed == proposed)
    if q:
        stmt = stmt.where(Organisation.name.contains(q.strip()))
    return _summaries(session, list(session.scalars(stmt)))


def get_organisation(session: Session, *, org_id: int) -> OrgDetail:
    """One unit with its parent, children and the people seen for it at meetings, most recent first."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound(f"no organisation {org_id}")
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
        raise InvalidValue("an organisation needs a name", "name")
    existing = find_organisation(session, name)
    if existing is not None:
        raise AlreadyExists(f"organisation {name!r} exists already (id {existing.id}, {existing.name!r})")
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
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound(f"no organisation {org_id}")
    allowed = {"name", "aliases", "parent_id", "proposed", "webhook_url", "webhook_format", "mobiles"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidValue(f"an organisation has no field {unknown[0]!r}; fields: {', '.join(sorted(allowed))}",
                           unknown[0])
    if "parent_id" in changes and changes["parent_id"] is not None:
        _check_parent(session, org, int(changes["parent_id"]))
    if "webhook_url" in changes or "webhook_format" in changes:
        _set_webhook(org, changes.pop("webhook_url", org.webhook_url), changes.pop("webhook_format", org.webhook_format))
    for name, value in changes.items():
        setattr(org, name, value)
    append_admin(session, type="organisation_updated", actor=by, subject=f"organisation:{org.id}",
                 data={"name": org.name, "aliases": org.aliases, "parent_id": org.parent_id, "proposed": org.proposed,
                       "webhook_url": org.webhook_url, "webhook_format": org.webhook_format,
                       "mobiles": org.mobiles})
    session.commit()
    return org


def _check_parent(session: Session, org: Organisation, parent_id: int) -> None:
    seen, current = {org.id}, session.get(Organisation, parent_id)
    if current is None:
        raise InvalidValue(f"parent_id {parent_id}: no such organisation", "parent_id")
    while current is not None:
        if current.id in seen:
            raise InvalidValue(f"parent_id {parent_id}: {org.name} would be its own ancestor", "parent_id")
        seen.add(current.id)
        current = session.get(Organisation, current.parent_id) if current.parent_id else None


def _set_webhook(org: Organisation, url: str | None, fmt: str) -> None:
    url = (url or "").strip() or None
    if url is not None and not url.startswith(("http://", "https://")):
        raise InvalidValue(f"webhook_url {url!r} must start with http:// or https://", "webhook_url")
    if fmt not in WEBHOOK_FORMATS:
        raise InvalidValue(f"webhook_format {fmt!r} is not one of {', '.join(WEBHOOK_FORMATS)}", "webhook_format")
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
