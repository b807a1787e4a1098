"""/api/orgs: the organisation directory and, per unit, the people seen for it at meetings over time; the
office manages it: confirm a proposed unit, rename, merge two, mark a name as no unit, set the parent."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, Field

from luoshi.ledger.actors import OFFICE
from luoshi.store import orgs as store
from luoshi.web.deps import CurrentUser, Router, SessionDep, Viewer, require_role

router = Router(prefix="/orgs", tags=["organisations"])

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


def _summary(org: store.OrgSummary, user: Viewer) -> dict[str, Any]:
    return _shown({**asdict(org), "status": org.status}, user)


@router.get("", summary="Every unit (none merged into another), with aliases, status and counts of items and people")
def list_orgs(session: SessionDep, user: CurrentUser, q: str | None = None,
              status: Annotated[str | None, Query(description="confirmed, proposed or not_unit")] = None
              ) -> list[dict[str, Any]]:
    return [_summary(o, user) for o in store.list_organisations(session, q=q, status=status)]


@router.get("/{org_id}", summary="One unit: parent, children and the people seen for it, most recent first")
def get_org(org_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep,
            user: CurrentUser) -> dict[str, Any]:
    detail = store.get_organisation(session, org_id=org_id)
    out = _shown(asdict(detail), user)
    out["people"] = [{**asdict(p), "meetings": [{"date": d.isoformat() if d else None, "document": doc, "role": role}
                                                for d, doc, role in p.meetings]} for p in detail.people]
    return out


OrgId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class Rename(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="the new name; the old one stays as an alias")


class Merge(BaseModel):
    into: int = Field(ge=1, le=2**31 - 1, description="the unit kept: this one's items, users, people and "
                                                       "names move to it")


class Parent(BaseModel):
    parent_id: int | None = Field(None, ge=1, le=2**31 - 1, description="the unit above; null: none")


def _managed(session: SessionDep, user: Viewer, org_id: int) -> dict[str, Any]:
    return _summary(store.get_organisation(session, org_id=org_id).summary, user)


@router.post("/{org_id}/confirm", summary="Confirm a unit an ingest proposed (office)")
def confirm_org(org_id: OrgId, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, *OFFICE)
    store.confirm_organisation(session, org_id=org_id, by=user.actor)
    return _managed(session, user, org_id)


@router.post("/{org_id}/not-unit", summary="Mark a name the extraction took for a unit as none (office)")
def mark_not_unit(org_id: OrgId, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, *OFFICE)
    store.mark_not_unit(session, org_id=org_id, by=user.actor)
    return _managed(session, user, org_id)


@router.post("/{org_id}/rename", summary="Rename a unit; the old name stays as an alias (office)")
def rename_org(org_id: OrgId, body: Rename, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, *OFFICE)
    store.rename_organisation(session, org_id=org_id, name=body.name, by=user.actor)
    return _managed(session, user, org_id)


@router.post("/{org_id}/parent", summary="Set or clear the unit above this one (office)")
def set_parent(org_id: OrgId, body: Parent, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, *OFFICE)
    store.set_parent(session, org_id=org_id, parent_id=body.parent_id, by=user.actor)
    return _managed(session, user, org_id)


@router.post("/{org_id}/merge", summary="Merge this unit into another (office): what moved")
def merge_org(org_id: OrgId, body: Merge, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, *OFFICE)
    return asdict(store.merge_organisations(session, keep_id=body.into, merge_id=org_id, by=user.actor))
