"""User administration (admin): the accounts, adding one, changing its role or unit, giving it a new password,
switching one off or on."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.ledger import Role
from luoshi.ledger.actors import BY_PRIVILEGE
from luoshi.store import users as store
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep, require_role
from luoshi.web.queries import unit_options
from luoshi.web.render import flash, page, redirect

router = Router()


def _users_page(request: Request, session: SessionDep, user: PageUser, status_code: int = 200) -> Response:
    users = [{"id": u.id, "username": u.username, "name": u.display_name, "role": u.role.value,
              "role_label": u.role.label, "unit_id": u.unit_id, "unit_name": u.unit_name, "active": u.active}
             for u in store.list_users(session)]
    return page(request, "users.html", status_code=status_code, user=user, active="users", title="用户管理",
                users=users, roles=[(r.value, r.label) for r in BY_PRIVILEGE], units=unit_options(session))


@router.get("/admin/users")
def users(request: Request, session: SessionDep, user: PageUser) -> Response:
    require_role(user, Role.ADMIN)
    return _users_page(request, session, user)


@router.post("/admin/users", dependencies=[CsrfChecked])
def add_user(request: Request, session: SessionDep, user: PageUser, username: Annotated[str, Form()],
             password: Annotated[str, Form()], role: Annotated[str, Form()], name: Annotated[str, Form()] = "",
             unit: Annotated[str, Form()] = "") -> Response:
    require_role(user, Role.ADMIN)
    try:
        created = store.create_user(session, username=username, password=password, role=role,
                                    unit=unit or None, display_name=name, by=user.username)
    except LuoshiError as exc:
        session.rollback()
        flash(request, "error", f"新增用户失败：{exc}")
        return _users_page(request, session, user, status_code=422)
    flash(request, "ok", f"已新增用户 {created.username}（{created.role.label}）")
    return redirect("/admin/users")


@router.post("/admin/users/{user_id}/role", dependencies=[CsrfChecked])
def change_role(user_id: int, request: Request, session: SessionDep, user: PageUser, role: Annotated[str, Form()],
                unit: Annotated[str, Form()] = "") -> Response:
    require_role(user, Role.ADMIN)
    try:
        changed = store.update_user(session, user_id=user_id, role=role,  # only a unit's liaison keeps a unit
                                     unit=unit if role == Role.UNIT.value else "", by=user.username)
    except LuoshiError as exc:
        session.rollback()
        flash(request, "error", f"修改失败：{exc}")
        return _users_page(request, session, user, status_code=422)
    unit_name = f"（{changed.unit_name}）" if changed.unit_name else ""
    flash(request, "ok", f"用户 {changed.username} 现为{changed.role.label}{unit_name}")
    return redirect("/admin/users")


@router.post("/admin/users/{user_id}/password", dependencies=[CsrfChecked])
def reset_password(user_id: int, request: Request, session: SessionDep, user: PageUser,
                   password: Annotated[str, Form()]) -> Response:
    require_role(user, Role.ADMIN)
    try:
        store.reset_password(session, user_id=user_id, password=password, by=user.username)
    except LuoshiError as exc:
        session.rollback()
        flash(request, "error", f"重置密码失败：{exc}")
        return _users_page(request, session, user, status_code=422)
    flash(request, "ok", f"已为用户 {store.get_user(session, user_id=user_id).username} 设置新密码，其已在所有设备上退出")
    return redirect("/admin/users")


@router.post("/admin/users/{user_id}/{change}", dependencies=[CsrfChecked])
def set_active(user_id: int, change: str, request: Request, session: SessionDep, user: PageUser) -> Response:
    require_role(user, Role.ADMIN)
    if change == "signout":
        revoked = store.end_sessions(session, user_id=user_id, by=user.username)
        flash(request, "ok", f"已让该用户在所有设备上退出，撤销令牌 {revoked} 个")
        return redirect("/admin/users")
    if change not in ("activate", "deactivate"):
        return redirect("/admin/users")
    changed = store.update_user(session, user_id=user_id, active=change == "activate", by=user.username)
    flash(request, "ok", f"已{'启用' if changed.active else '停用'}用户 {changed.username}")
    return redirect("/admin/users")
