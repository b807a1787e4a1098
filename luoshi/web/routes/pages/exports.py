"""Downloads of the lists a user is looking at (ledger, targets, suggestions as XLSX, CSV or JSON, under
the list's current filters and the user's visibility) and the bulletin page (督查通报; the office only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from luoshi import exports
from luoshi.errors import LuoshiError
from luoshi.ledger.actors import OFFICE
from luoshi.store import exporting
from luoshi.store.items import today_in
from luoshi.web.deps import PageUser, Router, SessionDep, SettingsDep, require_role
from luoshi.web.render import flash, page

router = Router()

# The query parameters each list's page filters by, as the store's list functions name them.
FILTERS = {
    "ledger": ("state", "unit", "warning", "document", "due_from", "due_to", "q"),
    "targets": ("year", "unit", "status", "kind", "document", "q"),
    "suggestions": ("state", "category", "unit", "warning", "satisfaction", "document", "q"),
}
NUMBERS = ("year", "document")
DATES = ("due_from", "due_to")


def _value(name: str, raw: str) -> Any:
    if name in NUMBERS:
        return int(raw) if raw.isdigit() else None
    if name in DATES:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return None
    return raw


def list_filters(name: str, params: Any) -> dict[str, Any]:
    """The filters of list `name` in a query string; empty and malformed values are no filter."""
    out = {}
    for key in FILTERS[name]:
        raw = (params.get(key) or "").strip()
        value = _value(key, raw) if raw else None
        if value not in (None, ""):
            out[key] = value
    return out


def download(data: bytes, filename: str, media_type: str, fallback: str) -> Response:
    """The bytes as a file download: the Chinese name per RFC 6266, `fallback` for older clients."""
    from urllib.parse import quote

    headers = {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"}
    return Response(data, media_type=media_type, headers=headers)


def export_response(session: Any, name: str, fmt: str, params: Any, viewer: Any, settings: Any) -> Response:
    filters = list_filters(name, params)
    if name == "ledger":  # the page's buttons give the same rows in every format: drafts only when ticked
        filters["include_drafts"] = params.get("include_drafts") in ("1", "on", "true")
    data = exporting.export_file(session, name, fmt, actor=viewer.actor, settings=settings,
                                 issuer=viewer.unit_name or "", **filters)
    today = today_in(settings)
    return download(data, exporting.file_name(name, fmt, today), exports.FORMATS[fmt][1],
                    f"luoshi-{name}-{today.isoformat()}{exports.FORMATS[fmt][0]}")


def _list_export(name: str) -> Any:
    def route(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
              format: str = "xlsx") -> Response:
        return export_response(session, name, format, request.query_params, user, settings)

    route.__name__ = f"export_{name}"
    return route


for _name in FILTERS:
    router.add_api_route(f"/{_name}/export", _list_export(_name), methods=["GET"])


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def month_bounds(today: date) -> tuple[date, date]:
    """The month before `today`'s: the period a monthly bulletin usually covers."""
    first_this = today.replace(day=1)
    last = date.fromordinal(first_this.toordinal() - 1)
    return last.replace(day=1), last


@router.get("/bulletin")
def bulletin(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    require_role(user, *OFFICE)
    today = today_in(settings)
    start, end = month_bounds(today)
    params = request.query_params
    form = {"from": params.get("from") or start.isoformat(), "to": params.get("to") or end.isoformat(),
            "issuer": params.get("issuer") or settings.bulletin_issuer, "number": params.get("number") or "",
            "number_example": exporting.bulletin_number(settings.bulletin_prefix, today.year, "11")}
    first, last = _day(form["from"]), _day(form["to"])
    figures = None
    if first and last and first <= last and first <= today:
        figures = exporting.bulletin_content(session, start=first, end=last, settings=settings)
    elif "from" in params:
        flash(request, "error", "请选择有效的起止日期（YYYY-MM-DD，开始不晚于结束，也不晚于今天）")
    return page(request, "bulletin.html", user=user, active="bulletin", title="督查通报", form=form, content=figures)


@router.get("/bulletin/download")
def bulletin_download(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    require_role(user, *OFFICE)
    params = request.query_params
    first, last = _day(params.get("from")), _day(params.get("to"))
    if first is None or last is None:
        raise LuoshiError("请填写通报期间的开始和结束日期（年-月-日，如 2026-10-01）")
    data = exporting.bulletin_file(session, start=first, end=last, settings=settings,
                                   issuer=params.get("issuer") or "",
                                   number=params.get("number") or "")
    return download(data, f"{exports.bulletin_title(first, last)}.docx", exports.DOCX_MEDIA_TYPE,
                    f"luoshi-bulletin-{first.isoformat()}-{last.isoformat()}.docx")
