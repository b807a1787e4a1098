"""/api/exports: the lists (ledger, targets, suggestions) as XLSX, CSV or JSON files under their filters,
and the bulletin (督查通报, the office only) as DOCX, for integrations with a bearer token."""

from __future__ import annotations

from datetime import date

from fastapi import Query
from starlette.requests import Request
from starlette.responses import Response

from luoshi import exports
from luoshi.ledger.actors import OFFICE
from luoshi.store import exporting
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep, require_role
from luoshi.web.routes.pages.exports import FILTERS, download, export_response

router = Router(prefix="/exports", tags=["exports"])


@router.get("/bulletin", summary="The supervision bulletin of a period as DOCX (office only)")
def bulletin(session: SessionDep, user: CurrentUser, settings: SettingsDep,
             start: date = Query(alias="from"), end: date = Query(alias="to"),
             issuer: str = "", number: str = "") -> Response:
    require_role(user, *OFFICE)
    data = exporting.bulletin_file(session, start=start, end=end, settings=settings, issuer=issuer, number=number)
    return download(data, f"{exports.bulletin_title(start, end)}.docx", exports.DOCX_MEDIA_TYPE,
                    f"luoshi-bulletin-{start.isoformat()}-{end.isoformat()}.docx")


@router.get("/{name}", summary="A list as a file: ledger, targets or suggestions; format xlsx, csv or json")
def export_list(name: str, request: Request, session: SessionDep, user: CurrentUser, settings: SettingsDep,
                format: str = "xlsx") -> Response:
    """The list's filters are its page's query parameters (`state`, `unit`, `warning`, `year`, …); only
    the rows the caller may see are exported."""
    if name not in FILTERS:
        raise exports.unknown_list(name)
    return export_response(session, name, format, request.query_params, user, settings)
