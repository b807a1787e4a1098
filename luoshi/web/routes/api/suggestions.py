"""/api/suggestions: deputies' suggestions (代表建议) as the caller may see them, statistics by category,
unit and satisfaction, one suggestion with its rounds and history, and each action on it (one POST per
action, with the `version` read: 409 when it has moved on since)."""

# No `from __future__ import annotations`: FastAPI must see the body models as classes.
from datetime import date
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, Field

from luoshi.ledger.suggestions import SuggestionAction
from luoshi.store import suggestions as store
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep
from luoshi.web.paging import CursorParam, PageNumber, Paged, paged
from luoshi.web.tracking_views import statistics_dict, suggestion_dict, suggestion_history

router = Router(prefix="/suggestions", tags=["suggestions"])


class SuggestionList(Paged):
    suggestions: list[dict[str, Any]]


@router.get("", response_model=SuggestionList,
            summary="Suggestions, filtered and paged (a unit: those it leads or co-operates on)")
def list_suggestions(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                     state: Annotated[list[str] | None, Query(description="registered, assigned, replied, "
                                                              "rehandling, closed; repeatable")] = None,
                     category: str | None = None,
                     unit: Annotated[str | None, Query(description="organisation id or name")] = None,
                     satisfaction: Annotated[str | None, Query(description="satisfied, basically_satisfied, "
                                                               "dissatisfied")] = None,
                     warning: Annotated[str | None, Query(description="red (overdue), yellow, green, none")] = None,
                     q: str | None = None,
                     procedure: Annotated[str | None, Query(description="suggestion (代表建议) or review "
                                                            "(审议意见)")] = None,
                     page: PageNumber = 1,
                     per_page: Annotated[int, Query(ge=1, le=store.PER_PAGE_MAX)] = 50,
                     cursor: CursorParam = None) -> dict[str, Any]:
    result = store.list_suggestions(session, actor=user.actor, state=state or None, category=category or None,
                                    unit=unit or None, satisfaction=satisfaction or None, warning=warning or None,
                                    q=q or None, procedure=procedure or None, page=page, per_page=per_page,
                                    cursor=cursor, settings=settings)
    return {"suggestions": [suggestion_dict(v, settings.zone) for v in result.rows], **paged(result)}


@router.get("/statistics", summary="Counts by category, by lead unit and by satisfaction")
def statistics(session: SessionDep, user: CurrentUser, settings: SettingsDep,
               category: str | None = None) -> dict[str, Any]:
    return statistics_dict(store.suggestion_statistics(session, actor=user.actor, category=category or None,
                                                       settings=settings))


class NewSuggestion(BaseModel):
    title: str
    no: int | None = None
    category: str | None = None
    deputies: list[str] = Field(default_factory=list)
    text: str = ""
    procedure: str = Field("suggestion", description="suggestion (代表建议: reply in three months, evaluated) or "
                                                     "review (审议意见: a handling report in two months)")


@router.post("", status_code=201, summary="Enter a suggestion by hand (the office or the congress)")
def create(body: NewSuggestion, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    view = store.create_suggestion(session, actor=user.actor, title=body.title, no=body.no, category=body.category,
                                   deputies=body.deputies, text=body.text, procedure=body.procedure,
                                   settings=settings)
    return suggestion_dict(view, settings.zone)


@router.get("/{suggestion_id}", summary="One suggestion: text, deputies, units, rounds, warning, your actions")
def get_suggestion(suggestion_id: int, session: SessionDep, user: CurrentUser,
                   settings: SettingsDep) -> dict[str, Any]:
    return suggestion_dict(store.get_suggestion(session, suggestion_id=suggestion_id, actor=user.actor,
                                                settings=settings), settings.zone)


@router.get("/{suggestion_id}/history", summary="Every step of the suggestion: who, when, what, why")
def get_history(suggestion_id: int, session: SessionDep, user: CurrentUser,
                settings: SettingsDep) -> list[dict[str, Any]]:
    return suggestion_history(session, suggestion_id=suggestion_id, actor=user.actor, zone=settings.zone)


class Step(BaseModel):
    version: int | None = Field(None, description="the suggestion version you read; 409 if it has changed since")
    lead_unit: str | int | None = Field(None, description="assign, reassign: the lead unit (主办), id or name")
    co_units: list[str | int] | None = Field(None, description="assign, reassign: co-operating units (协办)")
    due: date | None = Field(None, description="assign, reassign: the reply deadline (default three months)")
    note: str | None = None
    reason: str | None = Field(None, description="reassign: why")
    text: str | None = Field(None, description="reply, co_opinion: the text; remind: the message")
    outcome: str | None = Field(None, description="reply: solved, planned or explained")
    satisfaction: str | None = Field(None, description="evaluate: 满意, 基本满意, 不满意 (or their ids)")
    comment: str | None = Field(None, description="evaluate: the deputy's comment")
    units: list[str | int] | None = Field(None, description="remind: the units to chase (default the lead)")


@router.post("/{suggestion_id}/{action}", summary="Take an action: assign, reassign, co_opinion, reply, "
             "evaluate (不满意 opens re-handling) or remind")
def act(suggestion_id: int, action: SuggestionAction, body: Step, session: SessionDep, user: CurrentUser,
        settings: SettingsDep) -> dict[str, Any]:
    # Every field given goes to the rules, which name one the action does not take (422).
    values = body.model_dump(exclude={"version"}, exclude_none=True)
    view = store.act_on_suggestion(session, suggestion_id=suggestion_id, actor=user.actor, action=action,
                                   expected_version=body.version, settings=settings, **values)
    return suggestion_dict(view, settings.zone)
