"""The notification outbox: each unit's channels (企业微信, 钉钉, 飞书 robots, a JSON webhook, e-mail), the
messages waiting to be sent to them, and the runners that send them.

A change writes its notices here in its own transaction (`notices_for_event`, called by `items.save`);
time-based reminders are queued by `schedule` (before the due date, daily while overdue, after a silence);
a worker `claim`s rows atomically — `FOR UPDATE SKIP LOCKED` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite —
sends them outside any transaction (`luoshi.notify`), and `finish`es each: sent, or retried later with
exponential backoff, or given up after `MAX_ATTEMPTS`. A notice has a `key` (kind, item, unit, day …)
unique per channel, so queueing it again — a second scheduler pass, two workers — adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Boolean, Engine, ForeignKey, Index, Integer, String, Text, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from luoshi.errors import NotFound
from luoshi.ledger import Action, Actor, InvalidValue, Item, PermissionDenied, Role, State
from luoshi.ledger.actors import OFFICE
from luoshi.ledger.notices import Notice, NoticeKind, item_notice, test_notice
from luoshi.store.kept import built
from luoshi.store.models import Assignment, Base, ItemRow, Organisation, ReminderRow

CHANNEL_KINDS = {"wecom": "企业微信群机器人", "dingtalk": "钉钉群机器人", "feishu": "飞书群机器人",
                 "webhook": "JSON Webhook", "email": "电子邮件"}
LEGACY_FORMATS = {"wecom": "wecom", "dingtalk": "dingtalk", "json": "webhook"}  # Organisation.webhook_format
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=30)  # 30 s, 1 min, 2 min, 4 min … after each failure
BACKOFF_CAP = timedelta(hours=1)
LEASE = timedelta(minutes=5)  # a claim older than this is a runner that died mid-send: claimed again
HANDLING = (State.ASSIGNED.value, State.IN_PROGRESS.value)
EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")


class ChannelRow(Base):
    """Where a unit's notices go: a robot's or webhook's URL (with the robot's signing secret), or e-mail
    addresses; `mobiles` are @-mentioned in a group robot's message."""

    __tablename__ = "notify_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # a CHANNEL_KINDS key
    target: Mapped[str] = mapped_column(String(1000))
    secret: Mapped[str | None] = mapped_column(String(200))
    mobiles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class OutboxRow(Base):
    """One notice to one channel, and what became of sending it. `channel_id` None: the unit's own webhook
    of the organisation directory (`Organisation.webhook_url`)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # a NoticeKind value
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("notify_channels.id", ondelete="CASCADE"), index=True)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="SET NULL"))
    message: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))  # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class JobRunnerRow(Base):
    """A process that sends notices (`luoshi worker`, or the jobs inside `luoshi serve`) and when it was
    last seen: `luoshi serve` leaves the work to a worker seen lately."""

    __tablename__ = "job_runners"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # worker | serve
    seen_at: Mapped[datetime]


# -- channels -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChannelView:
    id: int | None  # None: the unit's webhook in the organisation directory
    unit_id: int
    kind: str
    target: str
    secret: str | None
    mobiles: tuple[str, ...]
    enabled: bool

    @property
    def label(self) -> str:
        return CHANNEL_KINDS[self.kind]

    @property
    def key(self) -> str:
        return "org" if self.id is None else str(self.id)

    def to_dict(self) -> dict[str, Any]:
        """As a page or the API shows it: the secret is never shown, only whether there is one."""
        return {"id": self.id, "unit_id": self.unit_id, "kind": self.kind, "kind_label": self.label,
                "target": self.target, "has_secret": bool(self.secret), "mobiles": list(self.mobiles),
                "enabled": self.enabled, "from_directory": self.id is None}


def _channel(r: ChannelRow) -> ChannelView:
    return ChannelView(r.id, r.unit_id, r.kind, r.target, r.secret, tuple(r.mobiles or ()), r.enabled)


def _directory_channel(org: Any) -> ChannelView:
    return ChannelView(None, org.id, LEGACY_FORMATS.get(org.webhook_format, "webhook"), org.webhook_url, None,
                       tuple(org.mobiles or ()), True)


def check_manages(actor: Actor, unit_id: int) -> None:
    """A unit's user manages its own unit's channels; the office every unit's; others none."""
    if actor.role in OFFICE:
        return
    if actor.role is Role.UNIT and actor.unit == str(unit_id):
        return
    if actor.role is Role.UNIT:
        raise NotFound.of("unit")
    raise PermissionDenied("只有本单位联络员或督查室可以设置提醒渠道")


def channels(session: Session, *, unit_ids: Iterable[int] | None = None,
             enabled_only: bool = False) -> dict[int, list[ChannelView]]:
    """`{unit id: channels}` of the given units (all when None), the directory's webhook first."""
    ids = None if unit_ids is None else list(dict.fromkeys(unit_ids))
    out: dict[int, list[ChannelView]] = {i: [] for i in ids or ()}
    if ids == []:
        return out
    orgs = select(Organisation).where(Organisation.webhook_url.is_not(None), Organisation.webhook_url != "")
    rows = select(ChannelRow).order_by(ChannelRow.id)
    if ids is not None:
        orgs, rows = orgs.where(Organisation.id.in_(ids)), rows.where(ChannelRow.unit_id.in_(ids))
    if enabled_only:
        rows = rows.where(ChannelRow.enabled.is_(True))
    for org in session.scalars(orgs):
        out.setdefault(org.id, []).append(_directory_channel(org))
    for r in session.scalars(rows):
        out.setdefault(r.unit_id, []).append(_channel(r))
    return out


def unit_channels(session: Session, *, actor: Actor, unit_id: int) -> list[ChannelView]:
    check_manages(actor, unit_id)
    if session.get(Organisation, unit_id) is None:
        raise NotFound.of("unit")
    return channels(session, unit_ids=[unit_id])[unit_id]


def _check_target(kind: str, target: str) -> str:
    target = target.strip()
    if kind == "email":
        addresses = [a for a in re.split(r"[\s,;，；]+", target) if a]
        bad = [a for a in addresses if not EMAIL.fullmatch(a)]
        if not addresses or bad:
            raise InvalidValue(f"电子邮件地址有误：{'、'.join(bad) or '未填写'}；请填写如 duban@example.gov.cn，"
                               "多个地址用逗号分隔", "target")
        return ", ".join(addresses)
    if not re.fullmatch(r"https?://[^\s]+", target):
        raise InvalidValue("请填写以 http:// 或 https:// 开头的机器人或 Webhook 地址", "target")
    return target


def add_channel(session: Session, *, actor: Actor, unit_id: int, kind: str, target: str,
                secret: str | None = None, mobiles: Iterable[str] = (), now: datetime | None = None) -> ChannelView:
    """Add a channel to a unit (its own user, or the office). Commits."""
    check_manages(actor, unit_id)
    if session.get(Organisation, unit_id) is None:
        raise NotFound.of("unit")
    if kind not in CHANNEL_KINDS:
        raise InvalidValue(f"渠道类型 {kind!r} 无效；可选：{'、'.join(CHANNEL_KINDS.values())}", "kind")
    numbers = [m for m in (s.strip() for s in mobiles) if m]
    bad = [m for m in numbers if not re.fullmatch(r"\+?\d{5,15}", m)]
    if bad:
        raise InvalidValue(f"手机号有误：{'、'.join(bad)}；请只填写数字", "mobiles")
    row = ChannelRow(unit_id=unit_id, kind=kind, target=_check_target(kind, target),
                     secret=(secret or "").strip() or None, mobiles=numbers, enabled=True, created_by=actor.id,
                     created_at=now or datetime.now(UTC))
    session.add(row)
    session.commit()
    return _channel(row)


def remove_channel(session: Session, *, actor: Actor, channel_id: int) -> None:
    """Remove a channel (its notices not yet sent go with it). Commits."""
    row = session.get(ChannelRow, channel_id)
    if row is None:
        raise NotFound.of("channel")
    check_manages(actor, row.unit_id)
    session.delete(row)
    session.commit()


# -- queueing ---------------------------------------------------------------------------------------

def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    stmt = (pg_insert(OutboxRow) if dialect == "postgresql" else sqlite_insert(OutboxRow)).on_conflict_do_nothing(
        index_elements=["key"])
    result = session.connection().execute(stmt, rows)
    return result.rowcount if result.rowcount is not None and result.rowcount >= 0 else len(rows)


def enqueue(session: Session, notices: Sequence[Notice], *, now: datetime,
            to: dict[int, list[ChannelView]] | None = None) -> int:
    """Queue each notice once on each enabled channel of its unit (in the caller's transaction); a key
    queued before is left alone. Returns the rows added."""
    if not notices:
        return 0
    to = to if to is not None else channels(session, unit_ids={n.unit_id for n in notices}, enabled_only=True)
    rows = [dict(key=f"{n.key}:{c.key}", kind=n.kind.value, item_id=n.item_id, unit_id=n.unit_id,
                 channel_id=c.id, reminder_id=n.reminder_id, message=n.message(), state="pending", attempts=0,
                 next_attempt_at=now, created_at=now)
            for n in notices for c in to.get(n.unit_id, ()) if c.enabled]
    added = 0
    for start in range(0, len(rows), 500):
        added += _insert_ignoring_duplicates(session, rows[start:start + 500])
    return added


def _link(settings: Any, item_id: int) -> str:
    return f"{settings.base_url.rstrip('/')}/items/{item_id}"


def _unit_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(ids))
    if not ids:
        return {}
    return {r.id: r.name for r in session.execute(select(Organisation.id, Organisation.name)
                                                  .where(Organisation.id.in_(ids)))}


def notices_for_event(session: Session, *, item: Item, event: Any, reminders: Sequence[ReminderRow],
                      settings: Any, today: date, now: datetime) -> int:
    """Queue what an event tells the units: ASSIGN the units handed the item, REMIND each unit chased (its
    reminder row then says whether anything will be sent). In the event's transaction."""
    kind = event.to_dict()["type"]
    item_id = int(item.id)
    if kind == Action.ASSIGN.value:
        units = [int(u) for u in item.lead_units + item.co_units]
        names = _unit_names(session, units)
        notices = [item_notice(NoticeKind.ASSIGNED, key=f"assigned:{item_id}:{u}:{event.version}", item=item,
                               unit_id=u, unit_name=names.get(u, ""), today=today, link=_link(settings, item_id))
                   for u in units]
        return enqueue(session, notices, now=now)
    if kind == Action.NOTIFY.value:
        data = event.to_dict()
        names = _unit_names(session, [int(u) for u in data["units"]])
        notices = [item_notice(NoticeKind.NOTICE, key=f"notice:{item_id}:{u}:{event.version}", item=item,
                               unit_id=int(u), unit_name=names.get(int(u), ""), today=today,
                               link=_link(settings, item_id), text=data["text"], number=data.get("number"))
                   for u in data["units"]]
        return enqueue(session, notices, now=now)
    if kind == Action.REMIND.value and reminders:
        session.flush()
        names = _unit_names(session, [r.unit_id for r in reminders])
        to = channels(session, unit_ids=[r.unit_id for r in reminders], enabled_only=True)
        notices = []
        for r in reminders:
            r.delivery = "pending" if to.get(r.unit_id) else "none"
            notices.append(item_notice(NoticeKind.REMIND, key=f"remind:{r.id}", item=item, unit_id=r.unit_id,
                                       unit_name=names.get(r.unit_id, ""), today=today,
                                       link=_link(settings, item_id), reminder_id=r.id, text=r.text))
        return enqueue(session, notices, now=now, to=to)
    return 0


def queue_test(session: Session, *, actor: Actor, unit_id: int, settings: Any, now: datetime | None = None) -> int:
    """Queue a test message to every channel of a unit (its own user, or the office). Commits."""
    now = now or datetime.now(UTC)
    check_manages(actor, unit_id)
    org = session.get(Organisation, unit_id)
    if org is None:
        raise NotFound.of("unit")
    to = channels(session, unit_ids=[unit_id], enabled_only=True)
    if not to.get(unit_id):
        raise InvalidValue("本单位尚未设置提醒渠道：请先添加企业微信、钉钉、飞书机器人、Webhook 或电子邮件", "channels")
    notice = test_notice(key=f"test:{unit_id}:{now.isoformat()}", unit_id=unit_id, unit_name=org.name,
                         by=actor.name or actor.id, link=settings.base_url)
    added = enqueue(session, [notice], now=now, to=to)
    session.commit()
    return added


# -- the time-based reminders ----------------------------------------------------------------------------

def schedule(session: Session, *, settings: Any, now: datetime | None = None) -> int:
    """Queue today's time-based notices, and commit: due within `remind_before_days` (once per due date),
    overdue (once a day), no report for `remind_stale_days` (once per such stretch). Idempotent: a second
    pass the same day adds nothing. Only units with a channel are considered."""
    from luoshi.store.items import _assemble, _LISTED

    now = now or datetime.now(UTC)
    zone = settings.zone
    today = now.astimezone(zone).date()
    to = channels(session, enabled_only=True)
    reachable = [u for u, cs in to.items() if cs]
    if not reachable:
        return 0
    soon = today + timedelta(days=settings.remind_before_days)
    silent_since = now - timedelta(days=settings.remind_stale_days)
    last_heard = ItemRow.last_progress_at
    rows = session.execute(
        select(*_LISTED).where(
            ItemRow.state.in_(HANDLING),
            ItemRow.id.in_(select(Assignment.item_id).where(Assignment.organisation_id.in_(reachable))),
            or_(ItemRow.due <= soon, last_heard < silent_since,
                (last_heard.is_(None) & (ItemRow.assigned_at < silent_since))))
        .order_by(ItemRow.id)).all()
    if not rows:
        return 0
    items, names = _assemble(session, rows, zone)
    notices: list[Notice] = []
    for item in items:
        for unit in item.lead_units + item.co_units:
            if int(unit) in to:
                notices += _due_notices(item, int(unit), names.get(unit, ""), today, now, settings)
    added = enqueue(session, notices, now=now, to=to)
    session.commit()
    return added


def _due_notices(item: Item, unit: int, unit_name: str, today: date, now: datetime, settings: Any) -> list[Notice]:
    link = _link(settings, int(item.id))
    common = dict(item=item, unit_id=unit, unit_name=unit_name, today=today, link=link)
    out = []
    if item.due is not None and item.due < today:
        out.append(item_notice(NoticeKind.OVERDUE, key=f"overdue:{item.id}:{unit}:{today.isoformat()}", **common))
    elif item.due is not None and (item.due - today).days <= settings.remind_before_days:
        out.append(item_notice(NoticeKind.DUE_SOON, key=f"due_soon:{item.id}:{unit}:{item.due.isoformat()}",
                               **common))
    heard = item.last_progress_at or item.assigned_at
    if heard is not None:
        silent = (today - heard.astimezone(settings.zone).date()).days
        stretch = silent // settings.remind_stale_days
        if stretch >= 1:
            out.append(item_notice(NoticeKind.STALE, key=f"stale:{item.id}:{unit}:{heard.isoformat()}:{stretch}",
                                   silent_days=silent, **common))
    return out


# -- claiming and finishing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claimed:
    """A row a runner holds: its notice (`message`), the channel to send it on, and its attempt number."""

    id: int
    kind: str
    message: dict[str, Any]
    channel: ChannelView | None  # None: the channel or unit was removed meanwhile
    attempts: int


def claim(engine: Engine, *, runner: str, now: datetime | None = None, limit: int = 20) -> list[Claimed]:
    """Take up to `limit` rows due to be sent, so that no other runner takes them: rows pending and due,
    and rows whose runner's claim is older than LEASE (it died). Each claim counts an attempt."""
    now = now or datetime.now(UTC)
    due = or_((OutboxRow.state == "pending") & (OutboxRow.next_attempt_at <= now),
              (OutboxRow.state == "sending") & (OutboxRow.claimed_at < now - LEASE))
    pick = select(OutboxRow.id).where(due).order_by(OutboxRow.next_attempt_at, OutboxRow.id).limit(limit)
    take = (update(OutboxRow).values(state="sending", claimed_by=runner, claimed_at=now,
                                     attempts=OutboxRow.attempts + 1)
            .returning(OutboxRow.id, OutboxRow.kind, OutboxRow.message, OutboxRow.channel_id, OutboxRow.unit_id,
                       OutboxRow.attempts))
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            taken = conn.execute(take.where(OutboxRow.id.in_(pick.with_for_update(skip_locked=True)))).all()
    else:
        # SQLite: the write lock first (BEGIN IMMEDIATE), so the rows picked are the latest committed ones.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                taken = conn.execute(take.where(OutboxRow.id.in_(pick))).all()
                conn.exec_driver_sql("COMMIT")
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
    if not taken:
        return []
    with Session(engine) as session:
        ids = {r.channel_id for r in taken if r.channel_id is not None}
        listed = {c.id: _channel(c) for c in session.scalars(select(ChannelRow).where(ChannelRow.id.in_(ids)))}
        orgs = {o.id: o for o in session.scalars(select(Organisation).where(
            Organisation.id.in_({r.unit_id for r in taken if r.channel_id is None})))}
        out = []
        for r in sorted(taken, key=lambda r: r.id):
            org = orgs.get(r.unit_id)
            channel = (listed.get(r.channel_id) if r.channel_id is not None
                       else _directory_channel(org) if org is not None and org.webhook_url else None)
            out.append(Claimed(r.id, r.kind, r.message, channel, r.attempts))
        return out


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 30 s doubled each time, at most an hour."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def finish(session: Session, *, row_id: int, runner: str, error: str | None, now: datetime | None = None) -> str:
    """Record the outcome of sending a claimed row, and commit: `sent`; else `pending` again after the
    backoff, or `failed` after MAX_ATTEMPTS. A row another runner took meanwhile is left to it."""
    now = now or datetime.now(UTC)
    row = session.get(OutboxRow, row_id)
    if row is None or row.claimed_by != runner or row.state != "sending":
        session.rollback()
        return "lost"
    if error is None:
        row.state, row.sent_at, row.last_error = "sent", now, None
    else:
        row.last_error = error[:2000]
        row.state = "failed" if row.attempts >= MAX_ATTEMPTS else "pending"
        row.next_attempt_at = now + backoff(row.attempts)
    row.claimed_by, row.claimed_at = None, None
    if row.reminder_id is not None:
        reminder = session.get(ReminderRow, row.reminder_id)
        if reminder is not None and reminder.delivery != "sent":
            reminder.delivery = "sent" if error is None else "failed"
            reminder.delivery_error = error
            reminder.delivered_at = now if error is None else None
    session.commit()
    return row.state


# -- what pages show -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeliveryView:
    id: int
    kind: str
    kind_label: str
    title: str
    item_id: int | None
    unit_id: int
    channel: str
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "kind_label": self.kind_label, "title": self.title,
                "item_id": self.item_id, "unit_id": self.unit_id, "channel": self.channel, "state": self.state,
                "state_label": DELIVERY_STATES[self.state], "attempts": self.attempts, "last_error": self.last_error,
                "created_at": self.created_at.isoformat(), "sent_at": self.sent_at.isoformat() if self.sent_at else None}


DELIVERY_STATES = {"pending": "待发送", "sending": "发送中", "sent": "已送达", "failed": "发送失败"}


_DELIVERY_COLUMNS = [OutboxRow.__table__.c[name] for name in (
    "id", "kind", "message", "item_id", "unit_id", "channel_id", "state", "attempts", "last_error", "created_at",
    "sent_at")]


def item_notices(session: Session, *, item_id: int | str, actor: Actor, limit: int = 50,
                 seen: bool = False) -> list[DeliveryView]:
    """The notices sent about an item (a unit's user: to its unit), newest first; NotFound when the item
    is not the actor's to see (`seen`: the caller has just read the item as `actor`, which would have
    raised it)."""
    from luoshi.store.items import visible_id

    key = int(item_id) if seen else visible_id(session, item_id, actor)
    unit = int(actor.unit) if actor.role is Role.UNIT and actor.unit else None
    return deliveries(session, unit_id=unit, item_id=key, limit=limit)


def deliveries(session: Session, *, unit_id: int | None = None, item_id: int | None = None,
               limit: int = 50) -> list[DeliveryView]:
    """The newest notices of a unit or an item (the caller has checked the viewer may see them)."""
    stmt = (select(*_DELIVERY_COLUMNS, ChannelRow.kind.label("channel_kind"))
            .outerjoin(ChannelRow, ChannelRow.id == OutboxRow.channel_id).order_by(OutboxRow.id.desc()).limit(limit))
    if unit_id is not None:
        stmt = stmt.where(OutboxRow.unit_id == unit_id)
    if item_id is not None:
        stmt = stmt.where(OutboxRow.item_id == item_id)
    out = []
    for row in built(session.connection(), stmt):  # Core rows (an item page shows its notices)
        channel_kind = row.channel_kind
        label = CHANNEL_KINDS.get(channel_kind, "单位名录中的 Webhook") if row.channel_id else "单位名录中的 Webhook"
        out.append(DeliveryView(row.id, row.kind, NoticeKind(row.kind).label, row.message.get("title", ""),
                                row.item_id, row.unit_id, label, row.state, row.attempts, row.last_error,
                                row.created_at, row.sent_at))
    return out


# -- runners -----------------------------------------------------------------------------------------

def heartbeat(session: Session, *, name: str, kind: str, now: datetime | None = None) -> None:
    """Note that runner `name` is alive; runners not seen for a day (stopped processes) are forgotten."""
    now = now or datetime.now(UTC)
    session.execute(delete(JobRunnerRow).where(JobRunnerRow.seen_at < now - timedelta(days=1)))
    row = session.get(JobRunnerRow, name)
    if row is None:
        session.add(JobRunnerRow(name=name, kind=kind, seen_at=now))
    else:
        row.seen_at = now
    session.commit()


def worker_seen(session: Session, *, since: datetime) -> bool:
    """Whether a `luoshi worker` was seen at or after `since`."""
    return session.scalar(select(JobRunnerRow.name).where(JobRunnerRow.kind == "worker",
                                                          JobRunnerRow.seen_at >= since).limit(1)) is not None
