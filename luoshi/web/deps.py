"""What routes depend on: a database session, the signed-in user (cookie session for pages, bearer token
or cookie for the API) and the CSRF check of a form post. Only routes and these deps raise HTTPException.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from luoshi import errors
from luoshi.ledger import Actor, Role
from luoshi.settings import Settings
from luoshi.store import users as store_users
from luoshi.store.users import UserView, actor_for
from luoshi.textsafety import control_in
from luoshi.web import csrf


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the web sees them, and as the ledger's rules see them (`actor`)."""

    user: UserView

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def name(self) -> str:
        return self.user.display_name or self.user.username

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def role_label(self) -> str:
        return self.user.role.label

    @property
    def unit_id(self) -> int | None:
        return self.user.unit_id

    @property
    def unit_name(self) -> str | None:
        return self.user.unit_name

    @cached_property
    def actor(self) -> Actor:
        # A route asks for it several times per request; a frozen dataclass still lets cached_property
        # keep it (it writes the instance __dict__, not through __setattr__).
        return actor_for(self.user)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "username": self.username, "name": self.name, "role": self.role.value,
                "role_label": self.role_label, "unit": self.unit_id, "unit_name": self.unit_name}


# Both are async so that FastAPI runs them on the event loop: a sync dependency costs a hop to a worker
# thread and back. Opening a session does no I/O (the connection is taken at the first statement, in the
# route's thread); closing it hands the connection back to the pool.
async def get_db(request: Request) -> AsyncIterator[Session]:
    # A GET only reads (anything else would be a change without a CSRF check).
    with request.app.state.db.session(read_only=request.method in csrf.SAFE_METHODS) as session:
        yield session


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def session_viewer(request: Request, session: Session) -> Viewer | None:
    """The user of the signed session cookie, if it names an active one and its session has not been
    ended on the server since (logout, sign-out everywhere, deactivation raise the user's generation)."""
    user_id, generation = request.session.get("uid"), request.session.get("gen")
    if not isinstance(user_id, int) or not isinstance(generation, int):
        return None
    try:
        user = store_users.get_user(session, user_id=user_id)
    except errors.NotFound:
        return None
    if not user.active or user.session_generation != generation:
        return None
    viewer = Viewer(user)
    request.state.viewer = viewer
    return viewer


class LoginRequired(Exception):
    """A page was asked for without a session: the browser is sent to the login page."""


def _page_viewer(request: Request, session: Session) -> Viewer:
    viewer = session_viewer(request, session)
    if viewer is None:
        raise LoginRequired()
    return viewer


class Deferred:
    """Who the caller is, to be found in the route's own thread (`ViewerRoute`): the dependency that names
    it does no I/O, so FastAPI runs it on the event loop instead of handing it to a worker thread of its own
    and then the route to another (two hops a request, and a connection taken in one thread while the route
    waited for the next: `luoshi.web.limits.Admission`)."""

    __slots__ = ("find",)

    def __init__(self, find: Callable[[], Viewer]):
        self.find = find


def _signed_in(request: Request) -> bool:
    """Whether the session cookie names a user at all (no I/O: whether that user is still active is asked
    of the database with the route)."""
    return isinstance(request.session.get("uid"), int) and isinstance(request.session.get("gen"), int)


async def page_user(request: Request, session: SessionDep) -> Viewer:
    if not _signed_in(request):
        raise LoginRequired()
    return Deferred(lambda: _page_viewer(request, session))  # type: ignore[return-value]  # ViewerRoute


async def csrf_checked(request: Request) -> None:
    if request.method not in csrf.SAFE_METHODS and not await csrf.valid(request):
        raise HTTPException(403, "CSRF 校验失败：请刷新页面后重新提交（表单缺少有效的 csrf_token）")


LARGEST_NUMBER = 2**31 - 1  # ids and pages are the database's INTEGER


def _numbers_in_range(request: Request) -> None:
    """An id in the path or a page number beyond any stored row is refused (422) before a query is made:
    neither SQLite nor PostgreSQL can hold it, and a database error must not be a 500."""
    values = [*request.path_params.values(), *(request.query_params.getlist(k) for k in ("page", "per_page"))]
    flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
    if any(isinstance(v, str) and v.strip().lstrip("+-").isdigit() and abs(int(v)) > LARGEST_NUMBER for v in flat):
        raise HTTPException(422, "数值超出范围：页码和编号须是不超过 2147483647 的正整数")


async def no_control_characters(request: Request) -> None:
    """A change whose JSON or form text holds a control character (\\x01, \\x0b …) is refused with 422
    before anything is stored: no one types them, and an XLSX or DOCX export cannot hold them. (Uploaded
    files are read by their own readers; every export also strips them.)"""
    _numbers_in_range(request)
    if request.method in csrf.SAFE_METHODS:
        return
    kind = request.headers.get("content-type", "")
    found = None
    if kind.startswith("application/json"):
        try:
            found = control_in(json.loads(await request.body()))
        except ValueError:
            return  # not JSON: FastAPI answers 422 itself
    elif kind.startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        found = control_in([value for item in form.multi_items() for value in item if isinstance(value, str)])
    if found is not None:
        raise HTTPException(422, f"提交的文字含有不可见的控制字符（U+{ord(found):04X}）：请删去后重新提交")


bearer = HTTPBearer(auto_error=False, description="A token from POST /api/token")


async def api_user(request: Request, session: SessionDep,
                   credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Viewer:
    if credentials is None and not _signed_in(request):
        raise _not_signed_in()
    return Deferred(lambda: _api_viewer(request, session, credentials))  # type: ignore[return-value]  # ViewerRoute


def _not_signed_in() -> HTTPException:
    return HTTPException(401, "未登录或登录已失效：请重新登录，或发送 Authorization: Bearer <令牌>（POST /api/token 获取）",
                         headers={"WWW-Authenticate": "Bearer"})


def _api_viewer(request: Request, session: Session, credentials: HTTPAuthorizationCredentials | None) -> Viewer:
    """The API caller: a bearer token, or the browser's session (a change then needs X-CSRF-Token)."""
    if credentials is not None:
        try:
            user = store_users.user_for_token(session, token=credentials.credentials)
        except errors.AuthenticationFailed as exc:
            raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
        viewer = Viewer(user)
        request.state.viewer = viewer
        return viewer
    viewer = session_viewer(request, session)
    if viewer is None:
        raise _not_signed_in()
    if request.method not in csrf.SAFE_METHODS and not csrf.header_valid(request):
        raise HTTPException(403, "CSRF 校验失败：在浏览器登录状态下修改数据，请求须带 X-CSRF-Token 请求头；请刷新页面后重试")
    return viewer


PageUser = Annotated[Viewer, Depends(page_user)]
CurrentUser = Annotated[Viewer, Depends(api_user)]
CsrfChecked = Depends(csrf_checked)
TextChecked = Depends(no_control_characters)
_FINDERS = (page_user, api_user)


class ViewerRoute(APIRoute):
    """A route whose signed-in user (`PageUser`, `CurrentUser`) is found first thing in the thread that runs
    it (an `async` route's in a worker thread, as the dependency was), before any line of the route: a
    refused caller (401, the login page) is refused before the route runs, as before. A caller with no
    token and no session is refused before anything else; one whose token or session turns out not to be
    good, after FastAPI has checked the request's parameters (a bad one is then answered 422, not 401)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any):
        super().__init__(path, _finding_the_viewer(endpoint), **kwargs)


def _finding_the_viewer(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(endpoint, eval_str=True)
    names = [name for name, parameter in signature.parameters.items()
             if any(getattr(extra, "dependency", None) in _FINDERS
                    for extra in getattr(parameter.annotation, "__metadata__", ()))]
    if not names:
        return endpoint

    def found(values: dict[str, Any]) -> dict[str, Any]:
        return {**values, **{name: values[name].find() for name in names if isinstance(values[name], Deferred)}}

    if inspect.iscoroutinefunction(endpoint):
        async def route(**values: Any) -> Any:
            return await endpoint(**await run_in_threadpool(found, values))
    else:
        def route(**values: Any) -> Any:  # type: ignore[misc]
            return endpoint(**found(values))
    route.__signature__ = signature  # type: ignore[attr-defined]  # FastAPI reads the route's parameters here
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(route, attribute, getattr(endpoint, attribute))
    return route


class Router(APIRouter):
    """luoshi's router: its routes find their user in their own thread (`ViewerRoute`)."""

    def __init__(self, **kwargs: Any):
        super().__init__(route_class=ViewerRoute, **kwargs)


def require_role(viewer: Viewer, *roles: Role) -> None:
    if viewer.role not in roles:
        names = "、".join(dict.fromkeys(r.label for r in roles))
        raise HTTPException(403, f"{viewer.role.label}无权进行此操作：只有{names}可以；如需办理，请联系督查室")
