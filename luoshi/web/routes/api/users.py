"""/api/users: user administration (admin only): list, create, change role, unit or whether active."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, Field

from luoshi.ledger import Role
from luoshi.ledger.actors import LEAST_PRIVILEGED
from luoshi.store import users as store
from luoshi.web.deps import CurrentUser, Router, SessionDep, require_role

router = Router(prefix="/users", tags=["users"])


class NewUser(BaseModel):
    username: str
    password: str = Field(min_length=8)
    role: Role = Field(LEAST_PRIVILEGED, description="default: the least privileged role (a unit's liaison)")
    unit: str | int | None = Field(None, description="a unit user's organisation (id or name)")
    name: str = ""


class UserChange(BaseModel):
    active: bool | None = None
    role: Role | None = None
    unit: str | int | None = None
    name: str | None = None


class PasswordReset(BaseModel):
    password: str = Field(min_length=8)


def _user(view: store.UserView) -> dict[str, Any]:
    data = {**asdict(view), "role": view.role.value, "role_label": view.role.label}
    data.pop("session_generation")
    return data


@router.get("", summary="Every user (admin)")
def list_users(session: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    require_role(user, Role.ADMIN)
    return [_user(u) for u in store.list_users(session)]


@router.post("", status_code=201, summary="Create a user (admin)")
def create_user(body: NewUser, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, Role.ADMIN)
    return _user(store.create_user(session, username=body.username, password=body.password, role=body.role.value,
                                   unit=body.unit, display_name=body.name, by=user.username))


@router.patch("/{user_id}", summary="Change a user's role, unit, name or whether they may sign in (admin)")
def update_user(user_id: int, body: UserChange, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, Role.ADMIN)
    return _user(store.update_user(session, user_id=user_id, active=body.active,
                                   role=body.role.value if body.role else None, unit=body.unit,
                                   display_name=body.name, by=user.username))


@router.post("/{user_id}/password", summary="Give a user a new password; their sessions end and tokens are revoked (admin)")
def reset_password(user_id: int, body: PasswordReset, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    require_role(user, Role.ADMIN)
    revoked = store.reset_password(session, user_id=user_id, password=body.password, by=user.username)
    return {**_user(store.get_user(session, user_id=user_id)), "tokens_revoked": revoked}
