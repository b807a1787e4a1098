"""Library errors as HTTP answers: JSON `{"detail": …}` under /api, a Chinese error page elsewhere.

The mapping is the one place a `LuoshiError` becomes a status: not found (or not visible) 404, forbidden
403, stale version or impossible now 409, bad or missing values 422, wrong credentials 401.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from luoshi import errors
from luoshi.ledger import errors as ledger
from luoshi.web import validation
from luoshi.web.render import flash
from luoshi.web.throttle import TooManyFailures

STATUS: tuple[tuple[type[Exception], int], ...] = (
    (TooManyFailures, 429),
    (errors.NotFound, 404),
    (errors.AuthenticationFailed, 401),
    (ledger.PermissionDenied, 403),
    (ledger.Conflict, 409),
    (ledger.InvalidTransition, 409),
    (errors.AlreadyExists, 409),
    (ledger.MissingField, 422),
    (ledger.InvalidValue, 422),
    (errors.ReadError, 422),
    (errors.LuoshiError, 400),
)

HEADINGS = {400: "请求有误", 401: "请先登录", 403: "无权操作", 404: "未找到", 409: "操作冲突", 422: "填写有误",
            429: "尝试过于频繁", 500: "系统错误", 503: "暂时无法服务"}

DATABASE_DOWN = "数据库暂时无法访问：请稍后再试；若持续出现，请联系系统管理员检查数据库服务"
OUT_OF_RANGE = "数值超出范围：页码和编号须是不超过 2147483647 的正整数，文字不可过长"


def status_of(exc: Exception) -> int:
    return next(code for cls, code in STATUS if isinstance(exc, cls))


def refused(request: Request, session: Session, exc: errors.LuoshiError, message: str | None = None) -> int:
    """A change a page's form asked for and the rules refused (409 or 422): rolled back and told in a
    flash (`message`, else the error's), and its status for the page shown again. Any other error goes on.
    """
    status = status_of(exc)
    if status not in (409, 422):
        raise exc
    session.rollback()
    flash(request, "error", f"{HEADINGS[status]}：{exc if message is None else message}")
    return status


def form_version(value: object) -> int | None:
    """The version a form posted with the record it read, if it is a whole number."""
    return int(value) if isinstance(value, str) and value.isdigit() else None


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/openapi.json"


def error_page(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    from luoshi.web.render import page

    response = page(request, "error.html", status_code=status, heading=HEADINGS.get(status, "出错了"),
                    detail=detail, user=getattr(request.state, "viewer", None))
    response.headers.update(headers or {})
    return response


async def _luoshi_error(request: Request, exc: Exception) -> Response:
    status = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(exc, TooManyFailures):
        headers = {"Retry-After": str(exc.retry_after)}
    if wants_json(request):
        return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)
    return error_page(request, status, str(exc), headers)


# What the framework says by itself (Starlette's "Not Found", "Method Not Allowed" …), as a user reads it.
FRAMEWORK = {400: "请求有误：请从页面上的按钮或链接操作", 404: "没有这个页面：请检查地址，或从首页进入",
             405: "此地址不接受这种请求：请从页面上的按钮或链接操作",
             413: "提交的内容过大：请删减或拆分后再提交", 415: "提交的内容格式不对：请从页面上的表单提交"}


def _detail(exc: HTTPException) -> str:
    """The exception's message, or the Chinese one for a status when it is the framework's own phrase."""
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:
        phrase = None
    if exc.detail == phrase or not isinstance(exc.detail, str):
        return FRAMEWORK.get(exc.status_code, HEADINGS.get(exc.status_code, "请求有误"))
    return exc.detail


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if wants_json(request):
        return JSONResponse({"detail": _detail(exc)}, status_code=exc.status_code, headers=exc.headers)
    return error_page(request, exc.status_code, _detail(exc), exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    said = [validation.message(e) for e in exc.errors()]
    problems = "；".join(dict.fromkeys(said))
    if wants_json(request):
        errors = [{"loc": jsonable_encoder(e["loc"]), "type": e["type"], "msg": m} for e, m in zip(exc.errors(), said)]
        return JSONResponse({"detail": problems, "errors": errors}, status_code=422)
    return error_page(request, 422, problems)


async def _login_required(request: Request, exc: Exception) -> Response:
    from urllib.parse import quote

    target = "/login?next=" + quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _database_down(request: Request, exc: Exception) -> Response:
    """The database cannot be reached (or is locked beyond the wait): 503, so that clients retry."""
    from luoshi.web.monitoring import DB_UNAVAILABLE

    DB_UNAVAILABLE.inc()
    headers = {"Retry-After": "5"}
    message = TOO_SLOW if _cancelled(exc) else DATABASE_DOWN
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=503, headers=headers)
    return error_page(request, 503, message, headers)


TOO_SLOW = "这次查询用时过长，已被停止：请缩小筛选范围、换用更具体的词，或稍后重试"


def _cancelled(exc: Exception) -> bool:
    """Whether PostgreSQL stopped the statement (its `statement_timeout`), rather than being out of reach."""
    return type(getattr(exc, "orig", None)).__name__ == "QueryCanceled"


async def _out_of_range_error(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold (PostgreSQL's DataError, SQLite's OverflowError): the caller's, 422."""
    if wants_json(request):
        return JSONResponse({"detail": OUT_OF_RANGE}, status_code=422)
    return error_page(request, 422, OUT_OF_RANGE)


SERVER_ERROR = "系统出错，此次操作未能完成：请稍后重试；若仍出错，请联系系统管理员"


async def _server_error(request: Request, exc: Exception) -> Response:
    """Anything not foreseen: 500 in Chinese, never the exception's words (they may name code or paths);
    the server's log keeps the traceback."""
    if wants_json(request):
        return JSONResponse({"detail": SERVER_ERROR}, status_code=500)
    return error_page(request, 500, SERVER_ERROR)


def install(app: FastAPI) -> None:
    from luoshi.web.deps import LoginRequired

    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(errors.LuoshiError, _luoshi_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(OperationalError, _database_down)
    app.add_exception_handler(InterfaceError, _database_down)
    app.add_exception_handler(DataError, _out_of_range_error)
    app.add_exception_handler(OverflowError, _out_of_range_error)
    app.add_exception_handler(Exception, _server_error)
