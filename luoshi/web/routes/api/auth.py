"""/api/token: a bearer token for a username and password (slowed after repeated failures); /api/me."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request

from luoshi.store import users as store_users
from luoshi.web import throttle
from luoshi.web.deps import CurrentUser, Router, SessionDep

router = Router(tags=["auth"])


class Credentials(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)
    name: str = Field("", max_length=100, description="what the token is for, shown in the token list")
    days: int = Field(90, ge=1, le=366, description="days the token is valid (it can be revoked before)")


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/token", response_model=Token, summary="A bearer token for a username and password",
             responses={401: {"description": "wrong username or password"},
                        429: {"description": "too many failures: wait Retry-After seconds"}})
def token(body: Credentials, request: Request, session: SessionDep) -> dict[str, Any]:
    user = throttle.login(session, username=body.username, password=body.password, client=throttle.client_of(request))
    return {"access_token": store_users.create_token(session, user_id=user.id, name=body.name or "api",
                                                     ttl=timedelta(days=body.days))}


@router.get("/me", summary="Who the token (or session) belongs to")
def me(user: CurrentUser) -> dict[str, Any]:
    return user.to_dict()

