"""The demo: a fresh SQLite database with the bundled sample documents ingested, a user of every role,
and some items already handed out and worked on, so every page has something to show.

`build_demo(url)` is what `luoshi demo` runs before it starts the server.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import make_url

from luoshi.errors import LuoshiError, StoreError
from luoshi.ingest import ingest_paths
from luoshi.ledger import Actor, Role
from luoshi.samples import sample_paths
from luoshi.settings import load_settings
from luoshi.store import items as store_items
from luoshi.store import users as store_users
from luoshi.store.db import Database
from luoshi.store.models import Assignment, ItemRow, Organisation


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role_label: str
    unit: str | None = None


@dataclass
class DemoSummary:
    path: str
    documents: int
    items: int
    users: list[DemoUser] = field(default_factory=list)


OFFICE = ("duchashi", "luoshi-office", "supervisor", "张敏")
OTHERS = (("admin", "luoshi-admin", "admin", "系统管理员"), ("shizhang", "luoshi-leader", "leader", "王县长"),
          ("renda", "luoshi-congress", "congress", "周丽"))
UNIT_PEOPLE = ("李强", "王芳")
UNIT_PASSWORD = "luoshi-unit"
INGESTED_DAYS_AGO = 45  # the demo's items are worked on over the 40 days that follow


def _fresh_sqlite(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise StoreError(f"演示数据库只能建在 SQLite 文件中，不能用 {url!r}：请用 --database 给出一个文件路径")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(parsed.database + suffix):
            os.remove(parsed.database + suffix)
    return parsed.database


def _busiest_units(db: Database, n: int) -> list[tuple[int, str]]:
    """The units that lead the most items: the demo's unit users work for them."""
    with db.session() as s:
        counts = Counter(s.scalars(select(Assignment.organisation_id).where(Assignment.role == "lead")))
        names = {org_id: name for org_id, name in s.execute(select(Organisation.id, Organisation.name))}
    return [(org, names[org]) for org, _ in counts.most_common(n)]


def build_demo(url: str, *, replace: bool = True) -> DemoSummary:
    """Build the demo database at `url` (a SQLite file, replaced when `replace`); see the module docstring."""
    path = _fresh_sqlite(url) if replace else make_url(url).database or ""
    settings = load_settings(database_url=url)
    db = Database(url)
    now = datetime.now(UTC)
    try:
        with db.session() as s:
            # Read in before anything was done with the items, so each item's history opens with 录入.
            report = ingest_paths(s, sample_paths(), settings=settings, now=now - timedelta(days=INGESTED_DAYS_AGO))
        if report.errors:
            raise LuoshiError("; ".join(f.error or f.path for f in report.errors))
        users = []
        with db.session() as s:
            for username, password, role, name in (OFFICE, *OTHERS):
                view = store_users.create_user(s, username=username, password=password, role=role, display_name=name)
                users.append(DemoUser(username, password, view.role.label))
            for i, (org_id, org_name) in enumerate(_busiest_units(db, 2), start=1):
                view = store_users.create_user(s, username=f"unit{i}", password=UNIT_PASSWORD, role="unit",
                                               unit=org_id, display_name=UNIT_PEOPLE[i - 1])
                users.append(DemoUser(view.username, UNIT_PASSWORD, view.role.label, org_name))
        with db.session() as s:
            _bring_to_life(s, settings, [u for u in users if u.unit], now)
        return DemoSummary(path, len(report.files) - len(report.errors), report.items, users)
    finally:
        db.dispose()


PROVINCE = dict(items=5000, counties=5, seed=1)  # `luoshi demo --province`: a small province


def build_province_demo(url: str) -> DemoSummary:
    """A fresh SQLite database at `url` holding a small synthetic province (`luoshi.samples.province`)."""
    from luoshi.ledger import Role
    from luoshi.samples.province import ProvinceSpec, write_province
    from luoshi.store.db import make_engine, upgrade

    path = _fresh_sqlite(url)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = load_settings(database_url=url)
    summary = write_province(url, ProvinceSpec(**PROVINCE), settings)
    users = [DemoUser(username, password, Role(role).label) for username, password, role in summary.users]
    return DemoSummary(path, summary.counts.get("documents", 0), summary.counts.get("items", 0), users)


def _bring_to_life(session, settings, unit_users: list[DemoUser], now: datetime) -> None:
    """Hand out the items of the busiest units and move some along, dated over the past weeks (after the
    documents were read in). An item whose text fixed its due date (6月底前) keeps that date; the others
    are given one that shows the scenario (due soon, overdue, …)."""
    office = Actor(OFFICE[0], Role.SUPERVISOR, name=OFFICE[3])
    for user in unit_users:
        view = store_users.get_user(session, username=user.username)
        unit = store_users.actor_for(view)
        ids = session.scalars(select(ItemRow.id).join(Assignment, Assignment.item_id == ItemRow.id)
                              .where(Assignment.organisation_id == view.unit_id, Assignment.role == "lead",
                                     ItemRow.state == "draft").order_by(ItemRow.id)).all()
        # The scenarios most worth showing first: a unit with only a few items still has one sent back (n 3,
        # in progress again), one overdue (n 2) and one in progress (n 0).
        for n, item_id in zip((3, 2, 0, 1, 4), ids):
            start = now - timedelta(days=40 - n)

            def step(who, action, days, **payload):
                version = store_items.load_item(session, item_id=item_id, actor=office).version
                store_items.act(session, item_id=item_id, actor=who, action=action, expected_version=version,
                                settings=settings, now=start + timedelta(days=days), **payload)

            step(office, "confirm", 0)
            extracted = session.scalar(select(ItemRow.due).where(ItemRow.id == item_id))
            due = extracted or (now + timedelta(days=[60, 5, -3, 30, 90][n])).date()
            step(office, "assign", 0, due=due.isoformat(), note="请按期办结并报送进展")
            if n in (0, 1, 3):
                step(unit, "accept", 1)
                step(unit, "report_progress", 10, text="已制定工作方案，正在推进实施", percent=[40, 20, 0, 70][n])
            if n == 3:
                step(unit, "apply_completion", 20, text="工作已全部完成，附验收材料")
                step(office, "return", 22, reason="请补充验收材料和照片")
            if n == 2:
                step(office, "remind", 35, text="该事项已逾期，请尽快办理并报送进展")
