"""/api/orgs: the organisation directory and, per unit, the people seen for it at meetings over time."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path

from luoshi.ledger.actors import OFFICE

from luoshi.store import orgs as store
from luoshi.web.deps import CurrentUser, SessionDep, Viewer

router = APIRouter(prefix="/orgs", tags=["organisations"])

# How the office reaches a unit (a webhook address may carry its secret; mobiles are personal): the
# office's to see, no one else's.
OFFICE_ONLY = ("webhook_url", "webhook_format", "mobiles")


def _shown(org: Any, user: Viewer) -> Any:
    """`org` as `user` may see it: without OFFICE_ONLY keys at any depth (a unit's summary, parent and
    children carry them too) unless the user is the office."""
    if user.role in OFFICE:
        return org
    if isinstance(org, dict):
        return {k: _shown(v, user) for k, v in org.items() if k not in OFFICE_ONLY}
    if isinstance(org, list):
        return [_shown(v, user) for v in org]
    return org


@router.get("", summary="Every unit, with aliases and counts of items and people")
def list_orgs(session: SessionDep, user: CurrentUser, q: str | None = None) -> list[dict[str, Any]]:
    return [_shown(asdict(o), user) for o in store.list_organisations(session, q=q)]


@router.get("/{org_id}", summary="One unit: parent, children and the people seen for it, most recent first")
def get_org(org_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep,
            user: CurrentUser) -> dict[str, Any]:
    detail = store.get_organisation(session, org_id=org_id)
    out = _shown(asdict(detail), user)
    out["people"] = [{**asdict(p), "meetings": [{"date": d.isoformat() if d else None, "document": doc, "role": role}
                                                for d, doc, role in p.meetings]} for p in detail.people]
    return out
