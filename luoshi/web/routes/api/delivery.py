"""/api/delivery: promise versus delivery (承诺兑现) of a year — each promise beside the result the next work
report states, with the score, reasons and verdict — and the office's confirmation or rejection."""

# No `from __future__ import annotations`: FastAPI must see the body models as classes.
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, Field

from luoshi.store import delivery as store
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep, require_role
from luoshi.web.tracking_views import (DELIVERY_READERS, delivery_dict, delivery_for, delivery_year, document_texts,
                                       link_dict)

router = Router(prefix="/delivery", tags=["delivery"])


@router.get("", summary="The promises of a year with the results linked to them, and those unlinked")
def list_delivery(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                  year: Annotated[int | None, Query(description="the promises' year; default: the latest")] = None,
                  state: Annotated[str | None, Query(description="proposed, confirmed or rejected")] = None
                  ) -> dict[str, Any]:
    require_role(user, *DELIVERY_READERS)
    year = year or delivery_year(session, settings)
    found = delivery_for(session, year=year, state=state)
    return delivery_dict(found, settings.zone, document_texts(session, found))


class Decision(BaseModel):
    version: int | None = Field(None, description="the link version you read; 409 if it has changed since")
    note: str | None = None


@router.post("/{link_id}/confirm", summary="Confirm a proposed link: the result answers the promise (office)")
def confirm(link_id: int, body: Decision, session: SessionDep, user: CurrentUser,
            settings: SettingsDep) -> dict[str, Any]:
    return link_dict(store.confirm_link(session, link_id=link_id, actor=user.actor, expected_version=body.version,
                                        note=body.note or None, settings=settings), settings.zone)


@router.post("/{link_id}/reject", summary="Reject a proposed link: the result answers something else (office)")
def reject(link_id: int, body: Decision, session: SessionDep, user: CurrentUser,
           settings: SettingsDep) -> dict[str, Any]:
    return link_dict(store.reject_link(session, link_id=link_id, actor=user.actor, expected_version=body.version,
                                       note=body.note or None, settings=settings), settings.zone)
