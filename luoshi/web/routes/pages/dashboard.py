"""The leader's dashboard (驾驶舱): headline figures and charts on one screen, each drilling down to the list
it counts. The figures are rendered into the page (and into a JSON data block the charts read), so the
page shows its numbers without waiting for a second request."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from luoshi.web.deps import PageUser, Router, SessionDep, SettingsDep
from luoshi.web.render import page
from luoshi.web.routes.api.dashboard import dashboard_for

router = Router()
PAGE_UNITS = 10  # the ranking's chart shows the first ten (a province has over a thousand units)


@router.get("/dashboard")
def dashboard(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
              year: int | None = None) -> Response:
    data = dashboard_for(session, user, settings, year, units=PAGE_UNITS)
    return page(request, "dashboard.html", user=user, active="dashboard", title="驾驶舱", d=data,
                json_link="/api/dashboard" + (f"?year={year}" if year is not None else ""))
