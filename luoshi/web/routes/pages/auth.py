"""Signing in and out. The session is a signed cookie holding only the user id and the CSRF token;
failed attempts are slowed per username and client from the failures stored in the database."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import AuthenticationFailed
from luoshi.ledger import Role
from luoshi.store import users as store_users
from luoshi.web import throttle
from luoshi.web.deps import CsrfChecked, Router, SessionDep, session_viewer
from luoshi.web.render import page, redirect

router = Router()


def safe_next(target: str | None) -> str:
    """Only a path on this site: never `//other.host` or `https://…` (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


# Where each role starts its day: a unit at its workspace, a leader at the dashboard, the congress office
# at the deputies' suggestions and review points it follows, the office at the ledger.
LANDING = {Role.UNIT: "/workspace", Role.LEADER: "/dashboard", Role.CONGRESS: "/suggestions"}


@router.get("/")
def home(request: Request, session: SessionDep) -> Response:
    viewer = session_viewer(request, session)
    if viewer is None:
        return redirect("/login")
    return redirect(LANDING.get(viewer.role, "/ledger"))


@router.get("/login")
def login_form(request: Request, session: SessionDep, next: str = "/") -> Response:
    if session_viewer(request, session) is not None:
        return redirect(safe_next(next))
    return page(request, "login.html", title="登录", next=safe_next(next), username="", error=None)


@router.post("/login", dependencies=[CsrfChecked])
def login(request: Request, session: SessionDep, username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/") -> Response:
    try:
        user = throttle.login(session, username=username, password=password, client=throttle.client_of(request))
    except throttle.TooManyFailures as exc:
        response = page(request, "login.html", status_code=429, title="登录", next=safe_next(next),
                        username=username, error=str(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AuthenticationFailed:
        return page(request, "login.html", status_code=401, title="登录", next=safe_next(next), username=username,
                    error="用户名或密码错误")
    request.session.clear()  # a new session (and CSRF token) for the signed-in user
    request.session["uid"] = user.id
    request.session["gen"] = user.session_generation
    return redirect(safe_next(next))


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: SessionDep) -> Response:
    """Ends the session on the server too: a copy of the cookie taken before no longer signs anyone in
    (the user's other browsers are signed out with it)."""
    viewer = session_viewer(request, session)
    if viewer is not None:
        store_users.end_session(session, user_id=viewer.id)
    request.session.clear()
    return redirect("/login")

