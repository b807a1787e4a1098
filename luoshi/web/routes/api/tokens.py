"""/api/tokens: a user's API tokens (listed with their last use, revoked one by one) and signing out
everywhere (/api/me/signout; an admin's /api/users/{id}/signout)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Path

from luoshi.ledger import Role
from luoshi.store import users as store
from luoshi.web.deps import CurrentUser, Router, SessionDep, require_role

router = Router(tags=["auth"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def token_dict(token: store.TokenView, now: datetime) -> dict[str, Any]:
    return {"id": token.id, "name": token.name, "created_at": token.created_at, "expires_at": token.expires_at,
            "last_used_at": token.last_used_at, "revoked_at": token.revoked_at, "status": token.status(now)}


@router.get("/tokens", summary="The caller's API tokens, newest first, with their last use")
def list_tokens(session: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [token_dict(t, now) for t in store.list_tokens(session, user_id=user.id)]


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke one of the caller's tokens (admin: anyone's)")
def revoke_token(token_id: Id, session: SessionDep, user: CurrentUser) -> None:
    store.revoke_token_id(session, token_id=token_id, user_id=None if user.role is Role.ADMIN else user.id,
                          by=user.username)


@router.post("/me/signout", summary="Sign the caller out everywhere: every session ends, every token is revoked")
def sign_out_everywhere(session: SessionDep, user: CurrentUser) -> dict[str, int]:
    return {"tokens_revoked": store.end_sessions(session, user_id=user.id, by=user.username)}


@router.post("/users/{user_id}/signout", summary="Sign a user out everywhere (admin)")
def sign_user_out(user_id: Id, session: SessionDep, user: CurrentUser) -> dict[str, int]:
    require_role(user, Role.ADMIN)
    return {"tokens_revoked": store.end_sessions(session, user_id=user_id, by=user.username)}
