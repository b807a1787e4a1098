"""/api/orgs: the organisation directory and, per unit, the people seen for it at meetings over time."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from luoshi.store import orgs as store
from luoshi.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/orgs", tags=["organisations"])


@router.get("", summary="Every unit, with aliases and counts of items and people")
def list_orgs(session: SessionDep, user: CurrentUser, q: str | None = None) -> list[dict[str, Any]]:
    return [asdict(o) for o in store.list_organisations(session, q=q)]


@router.get("/{org_id}", summary="One unit: parent, children and the people seen for it, most recent first")
def get_org(org_id: int, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    detail = store.get_organisation(session, org_id=org_id)
    out = asdict(detail)
    out["people"] = [{**asdict(p), "meetings": [{"date": d.isoformat() if d else None, "document": doc, "role": role}
                                                for d, doc, role in p.meetings]} for p in detail.people]
    return out
