"""/api/dashboard: the leader's dashboard (驾驶舱) as JSON, the twin of /dashboard. Every figure carries the
link that lists what it counts (the filtered ledger, targets or suggestions), which the charts open."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy.orm import Session

from luoshi.ledger import Colour, Role, State
from luoshi.ledger.suggestions import Satisfaction, SuggestionState
from luoshi.ledger.targets import Status
from luoshi.settings import Settings
from luoshi.store import dashboard as store
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep, Viewer
from luoshi.web.links import link

ASSESSMENT_READERS = (Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.UNIT)  # as luoshi.store.assessment
router = Router(tags=["dashboard"])
WEEKDAYS = "一二三四五六日"


def zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _entries(counts: dict[str, int], labels: dict[str, str], links: dict[str, str]) -> list[dict[str, Any]]:
    return [{"key": k, "label": labels[k], "count": n, "link": links[k]} for k, n in counts.items()]


def dashboard_dict(d: store.Dashboard, *, unit_name: str | None = None) -> dict[str, Any]:
    """The dashboard as the page and the API show it: figures, Chinese labels and drill-down links."""
    h, today = d.headline, d.today
    soon = {"warning": "yellow", "due_from": today.isoformat(),
            "due_to": (today + timedelta(days=d.near_days)).isoformat()}
    year = d.targets.year
    return {
        "today": today.isoformat(), "today_label": f"{zh_date(today)} 星期{WEEKDAYS[today.weekday()]}",
        "near_days": d.near_days, "unit": d.unit, "unit_name": unit_name,
        "headline": {
            "total": h.total, "done": h.done, "completion_rate": round(h.completion_rate, 4), "on_time": h.on_time,
            "on_time_rate": round(h.on_time_rate, 4), "open": h.open, "overdue": h.overdue,
            "due_soon": h.due_soon, "drafts": h.drafts,
            "links": {"total": "/ledger", "done": link("/ledger", state="done"),
                      "overdue": link("/ledger", warning="red"),
                      "due_soon": link("/ledger", **soon), "drafts": link("/ledger", state="draft")}},
        "by_state": _entries(d.by_state, {s.value: s.label for s in State},
                             {s.value: link("/ledger", state=s.value) for s in State}),
        "by_warning": [{"key": c.value, "label": c.label, "count": d.by_warning[c.value],
                        "link": link("/ledger", warning=c.value)} for c in (Colour.RED, Colour.YELLOW, Colour.GREEN)],
        "units": [{"id": u.id, "name": u.name, "overdue": u.overdue, "due_soon": u.due_soon,
                   "links": {"overdue": link("/ledger", unit=u.id, warning="red"),
                             "due_soon": link("/ledger", unit=u.id, **soon)}} for u in d.units],
        "targets": {"year": year, "total": d.targets.total, "link": link("/targets", year=year),
                    "by_status": _entries(d.targets.by_status, {s.value: s.label for s in Status},
                                          {s.value: link("/targets", year=year, status=s.value) for s in Status})},
        "suggestions": {
            "total": d.suggestions.total, "link": "/suggestions",
            "by_state": _entries(d.suggestions.by_state, {s.value: s.label for s in SuggestionState},
                                 {s.value: link("/suggestions", state=s.value) for s in SuggestionState}),
            "by_satisfaction": _entries(
                d.suggestions.by_satisfaction, {**{s.value: s.label for s in Satisfaction}, "pending": "未评价"},
                {**{s.value: link("/suggestions", satisfaction=s.value) for s in Satisfaction},
                 "pending": "/suggestions"})},
        # The ledger filters by due date, not by creation or completion: a month opens the items due in it.
        "trend": [{"month": m.month.strftime("%Y-%m"), "label": f"{m.month.year}年{m.month.month}月",
                   "created": m.created, "completed": m.completed,
                   "link": link("/ledger", due_from=m.month.isoformat(), due_to=_month_end(m.month).isoformat())}
                  for m in d.trend],
    }


def dashboard_for(session: Session, user: Viewer, settings: Settings, year: int | None = None,
                  units: int | None = None) -> dict[str, Any]:
    """The figures `user` may see, as a dict (shared by the page and the API); `units`: the first so many
    units of the ranking (the API: all of them)."""
    d = store.dashboard(session, actor=user.actor, settings=settings, year=year, units=units)
    out = dashboard_dict(d, unit_name=user.unit_name if d.unit is not None else None)
    if user.role in ASSESSMENT_READERS:
        # The ranking is its own request (the page loads it after the figures): at 100 000 items it costs
        # as much as all the dashboard's other queries together.
        out["assessment_link"] = "/assessment/top"
    return out


@router.get("/dashboard", summary="The dashboard (驾驶舱): completion, states, warnings, units, targets, "
                                  "suggestions, 12-month trend")
def dashboard(session: SessionDep, user: CurrentUser, settings: SettingsDep,
              year: Annotated[int | None, Query(description="plan year of the targets shown (default: this year, "
                                                            "else the latest before it)")] = None,
              ) -> dict[str, Any]:
    """A unit user gets their own unit's figures; the office, leaders and admins the whole ledger's."""
    return dashboard_for(session, user, settings, year)
