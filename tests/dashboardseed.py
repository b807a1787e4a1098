"""A small known ledger for the dashboard's tests: twelve items of three units in every state and colour
(dated relative to today, so the colours hold whatever day the tests run), four targets of this year with
their actual values, and four deputies' suggestions. `EXPECTED` is what the dashboard must count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from luoshi.ledger import Actor, Role
from luoshi.settings import Settings
from luoshi.store.items import act, create_item, today_in, utcnow
from luoshi.store.models import Document
from luoshi.store.orgs import create_organisation, find_organisation
from luoshi.store.suggestions import act_on_suggestion, create_suggestion
from luoshi.store.tracking import ActualRow, TargetRow, TargetUnit

OFFICE = Actor("office", Role.SUPERVISOR, name="督查室")
UNIT_NAMES = {"a": "市商务局", "b": "市财政局", "c": "市住建局"}


@dataclass(frozen=True)
class Seeded:
    today: date
    now: datetime
    units: dict[str, int]  # a, b, c → organisation id
    items: dict[str, int]  # title → item id
    created: list[date]  # the local day each item was recorded
    completed: list[date]  # the local day each done item was approved


def unit_actor(unit_id: int) -> Actor:
    return Actor(f"liaison-{unit_id}", Role.UNIT, unit=str(unit_id))


# title, lead, co, the day it is recorded (days from today), steps (action, day, payload; `due` in days)
ITEMS: Sequence[tuple[str, str, str | None, int, list[tuple[str, int, dict]]]] = (
    ("起草优化营商环境条例", "a", None, 0, []),
    ("编制财政中期规划", "b", None, 0, []),
    ("清理拖欠企业账款", "b", None, 0, [("confirm", 0, {})]),
    ("推进外贸稳增长", "a", None, -40, [("confirm", -40, {}), ("assign", -40, {"due": -10})]),
    ("建设跨境电商产业园", "a", None, -20, [("confirm", -20, {}), ("assign", -20, {"due": -3}), ("accept", -19, {})]),
    ("落实结构性减税降费", "b", None, 0, [("confirm", 0, {}), ("assign", 0, {"due": 3}), ("accept", 0, {})]),
    ("推进政府采购改革", "a", "b", 0, [("confirm", 0, {}), ("assign", 0, {"due": 5}), ("accept", 0, {})]),
    ("完善预算绩效管理", "c", None, 0, [("confirm", 0, {}), ("assign", 0, {"due": 60}), ("accept", 0, {})]),
    ("举办招商引资推介会", "a", None, -10, [("confirm", -10, {}), ("assign", -10, {"due": 30}), ("accept", -10, {}),
                                    ("apply_completion", -1, {"text": "推介会已举办"}), ("approve", 0, {})]),
    ("清理闲置国有资产", "b", None, -70, [("confirm", -70, {}), ("assign", -70, {"due": -40}), ("accept", -70, {}),
                                  ("apply_completion", -6, {"text": "已清理"}), ("approve", -5, {})]),
    ("试点数字人民币", "a", None, 0, [("confirm", 0, {}), ("assign", 0, {"due": 20}),
                               ("cancel", 0, {"reason": "上级统一部署"})]),
    ("优化口岸通关流程", "c", None, -10, [("confirm", -10, {}), ("assign", -10, {"due": 10}), ("accept", -10, {}),
                                  ("apply_completion", 0, {"text": "已完成"})]),
)
UNIT_ACTIONS = {"accept", "apply_completion", "report_progress"}

EXPECTED = {
    "headline": {"total": 8, "done": 2, "completion_rate": 0.25, "on_time": 1, "on_time_rate": 0.5, "open": 6,
                 "overdue": 2, "due_soon": 2, "drafts": 3},
    "by_state": {"draft": 2, "confirmed": 1, "assigned": 1, "in_progress": 4, "completion_requested": 1, "done": 2,
                 "cancelled": 1},
    "by_warning": {"red": 2, "yellow": 2, "green": 2},
    "units": [("市商务局", 2, 1), ("市财政局", 0, 2)],
    "targets": {"on_track": 1, "behind": 1, "achieved": 1, "missed": 0, "no_data": 1},
    "suggestions": {"registered": 1, "assigned": 1, "replied": 0, "rehandling": 1, "closed": 1},
    "satisfaction": {"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 1, "pending": 2},
}
# What the liaison of 市商务局 sees: the items, targets and suggestions of that unit only.
EXPECTED_UNIT_A = {
    "headline": {"total": 4, "done": 1, "completion_rate": 0.25, "on_time": 1, "on_time_rate": 1.0, "open": 3,
                 "overdue": 2, "due_soon": 1, "drafts": 0},
    "by_state": {"draft": 0, "confirmed": 0, "assigned": 1, "in_progress": 2, "completion_requested": 0, "done": 1,
                 "cancelled": 1},
    "by_warning": {"red": 2, "yellow": 1, "green": 0},
    "units": [("市商务局", 2, 1)],
    "targets": {"on_track": 0, "behind": 0, "achieved": 1, "missed": 0, "no_data": 0},
    "suggestions": {"registered": 0, "assigned": 1, "replied": 0, "rehandling": 0, "closed": 1},
    "satisfaction": {"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 0, "pending": 1},
}


def _units(session) -> dict[str, int]:
    out = {}
    for key, name in UNIT_NAMES.items():
        org = find_organisation(session, name)
        out[key] = org.id if org is not None else create_organisation(session, name=name).id
    session.commit()
    return out


def _items(session, settings: Settings, now: datetime, today: date, units: dict[str, int]):
    ids, created, completed = {}, [], []
    for title, lead, co, day, steps in ITEMS:
        row = create_item(session, actor=OFFICE, kind="task", title=title, text=title, lead_units=[str(units[lead])],
                          co_units=[str(units[co])] if co else [], settings=settings, now=now + timedelta(days=day))
        ids[title] = row.id
        created.append((now + timedelta(days=day)).astimezone(settings.zone).date())
        for version, (action, when, payload) in enumerate(steps, start=1):
            payload = dict(payload)
            if "due" in payload:
                payload["due"] = (today + timedelta(days=payload["due"])).isoformat()
            who = unit_actor(units[lead]) if action in UNIT_ACTIONS else OFFICE
            act(session, item_id=row.id, actor=who, action=action, expected_version=version, settings=settings,
                now=now + timedelta(days=when), **payload)
            if action == "approve":
                completed.append((now + timedelta(days=when)).astimezone(settings.zone).date())
    return ids, created, completed


# indicator, kind, measure, value, unit, bound, lead, actual this month (None: none entered)
TARGETS = (
    ("地区生产总值增长", "target", "增长", "6", "%", "about", None, "6"),
    ("新建新能源充电站", "commitment", None, "40", "座", None, "a", "45"),
    ("城镇新增就业", "commitment", None, "1.7", "万人", None, "b", "0.01"),
    ("改造老旧小区", "commitment", None, "12", "个", None, "c", None),
)


def _targets(session, now: datetime, today: date, units: dict[str, int]) -> None:
    text = "；".join(f"{i}{v}{u}" for i, _, _, v, u, _, _, _ in TARGETS)
    doc = Document(name="dashboard-report.txt", path="dashboard-report.txt", sha256=f"dashboard-{now.isoformat()}",
                   version=1, doc_type="work_report", title=f"{today.year}年政府工作报告", record={}, text=text,
                   ingested_at=now, ingested_by="test")
    session.add(doc)
    session.flush()
    for n, (indicator, kind, measure, value, unit, bound, lead, actual) in enumerate(TARGETS):
        row = TargetRow(kind=kind, year=today.year, indicator=indicator, measure=measure, value=value, unit=unit,
                        bound=bound, text=f"{indicator}{value}{unit}", document_id=doc.id, source_path=f"targets[{n}]",
                        fingerprint=f"dashboard-{n}", created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        if lead:
            session.add(TargetUnit(target_id=row.id, organisation_id=units[lead], role="lead", position=0))
        if actual is not None:
            session.add(ActualRow(target_id=row.id, period=today.strftime("%Y-%m"), value=actual, entered_by="office",
                                  entered_at=now, source="form"))
    session.commit()


def _suggestions(session, settings: Settings, now: datetime, units: dict[str, int]) -> None:
    def step(sid, actor, action, version, **payload):
        act_on_suggestion(session, suggestion_id=sid, actor=actor, action=action, expected_version=version,
                          settings=settings, now=now, **payload)

    made = [create_suggestion(session, actor=OFFICE, title=t, category="经济发展", deputies=["张代表"], settings=settings,
                              now=now).id for t in ("加快项目落地", "扶持中小企业", "壮大文旅产业", "改善农村道路")]
    a, b = unit_actor(units["a"]), unit_actor(units["b"])
    step(made[1], OFFICE, "assign", 1, lead_unit=str(units["a"]))
    step(made[2], OFFICE, "assign", 1, lead_unit=str(units["a"]))
    step(made[2], a, "reply", 2, text="已出台扶持办法", outcome="solved")
    step(made[2], OFFICE, "evaluate", 3, satisfaction="满意")
    step(made[3], OFFICE, "assign", 1, lead_unit=str(units["b"]))
    step(made[3], b, "reply", 2, text="列入明年计划", outcome="planned")
    step(made[3], OFFICE, "evaluate", 3, satisfaction="不满意", comment="进度太慢")


def seed(db, settings: Settings, now: datetime | None = None) -> Seeded:
    """The known ledger in `db` (units created when missing), as of `now` (default: the clock)."""
    now = now or utcnow()
    today = today_in(settings, now)
    with db.session() as s:
        units = _units(s)
        ids, created, completed = _items(s, settings, now, today, units)
        _targets(s, now, today, units)
        _suggestions(s, settings, now, units)
    return Seeded(today, now, units, ids, created, completed)
