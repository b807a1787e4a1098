"""The web app: `create_app()` wires settings, the database, signed-cookie sessions, security headers,
the JSON API under /api (OpenAPI at /openapi.json) and the pages. Nothing is kept in the process beyond
the database connection pool, so several processes can serve the same database side by side.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Match
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.staticfiles import StaticFiles

from luoshi import jobs, keys, scans
from luoshi import ingest as _ingest  # noqa: F401  (registers the ingest job)
from luoshi.store import aggregates as _aggregates  # noqa: F401  (registers the dashboard keying job)
from luoshi.settings import Settings, get_settings
from luoshi.store.db import Database, open_database
from luoshi.store import statistics
from luoshi.store.warnings import ensure_current
from luoshi.web import errors, monitoring, render, throttle
from luoshi.web.limits import Admission, BodyLimit
from luoshi.web.routes import api, pages

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "luoshi_session"
SESSION_MAX_AGE = 12 * 3600  # a working day; the signature carries the time, so expiry needs no server state

# The pages load only their own script and stylesheet (htmx is vendored, no CDN); nothing inline, no
# other origin, no framing.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'self'")
# What anyone may keep a copy of; every other answer (pages, exports, the API) is sent `no-store`.
PUBLIC_PATHS = ("/static/", "/public", "/api/public", "/openapi.json")
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                    "Referrer-Policy": "same-origin"}

API_DESCRIPTION = """The supervision ledger (督办台账) of luoshi as JSON.

Authenticate with `POST /api/token` (username, password) and send the token as `Authorization: Bearer …`.
Errors are `{"detail": "…"}`: 401 no or bad token, 403 the action is not yours to take, 404 no such item
(or one of another unit), 409 the item changed since you read it (send the `version` you read) or the
action is not possible in its state, 422 a missing or bad value.
"""


class SecurityHeaders:
    """Adds the security headers to every response (a plain ASGI middleware: no per-request task)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                headers["Content-Security-Policy"] = CSP
                if not scope["path"].startswith(PUBLIC_PATHS):
                    headers["Cache-Control"] = "no-store"  # a private page or export stays in no cache
            await send(message)

        await self.app(scope, receive, with_headers)


def serving(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """What a server process does once it runs, before its first request.

    Sync routes run in anyio's worker threads, 40 by default: under load they take turns at Python's
    interpreter lock, each request waiting on the others, so `web_threads` bounds them. And the objects
    of startup (modules, routes, templates) are frozen out of the garbage collector, whose full
    collections otherwise walked them all, stopping every request in the process for tens of ms.
    """
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        worker = getattr(app.state, "ocr_worker", None)
        if worker is not None:
            worker.resume()  # scans queued before this process started
        gc.collect()
        gc.freeze()
        notices = _jobs(app, settings)
        stop = threading.Event()  # each server process also runs background jobs (large uploads)
        db = getattr(app.state, "db", None)
        runner = threading.Thread(target=jobs.run_forever, args=(db, stop), daemon=True, name="luoshi-jobs")
        if db is not None:
            runner.start()
        if worker is not None:  # scans queued through another host, or left by a process that died
            threading.Thread(target=worker.sweep_forever, args=(stop,), daemon=True, name="luoshi-ocr-sweep").start()
        yield
        stop.set()
        if db is not None:
            runner.join(timeout=5)
        if notices is not None:
            notices.stop()

    return lifespan


def _jobs(app: FastAPI, settings: Settings) -> Any:
    """The notification jobs in this server process (`serve_jobs`): they stand back while a `luoshi worker`
    runs, so one machine needs no second process and a larger setup loses nothing by having one."""
    db = getattr(app.state, "db", None)
    if not settings.serve_jobs or db is None:
        return None
    from luoshi.notify import Worker

    return Worker(db, settings, kind="serve").start()


def create_app(settings: Settings | None = None, *, database: Database | None = None,
               https_only: bool | None = None) -> FastAPI:
    """The app for `settings` (default: the environment's) on `database` (default: settings.database_url).

    Session cookies are HttpOnly, SameSite=Lax, signed with `keys.session_secret` (never a placeholder); `https_only` (default: in
    production) also marks them Secure.
    """
    settings = settings or get_settings()
    app = FastAPI(title="luoshi 落实 API", description=API_DESCRIPTION, version="1",
                  openapi_url="/openapi.json", docs_url=None, redoc_url=None, lifespan=serving(settings))
    app.state.settings = settings
    render.configure(settings.environment)
    app.state.db = database or open_database(settings.database_url, pool_size=settings.pool_size,
                                             statement_timeout=settings.statement_timeout_seconds)
    app.state.ocr_worker = scans.Worker(app.state.db, settings=settings)
    throttle.ensure_tables(app.state.db.engine)
    with app.state.db.session() as session:  # before the first request: rows of another warning rule
        ensure_current(session, settings.warning_policy, settings.timezone)
    statistics.ensure(app.state.db.engine)
    monitoring.watch_pool(app.state.db.engine, settings.pool_size)
    secure = settings.environment == "production" if https_only is None else https_only
    app.add_middleware(Admission, limit=settings.threads)  # innermost: past it a request may hold a thread
    app.add_middleware(BodyLimit, upload_bytes=settings.max_upload_mb * 1024 * 1024,  # inside the session
                       evidence_bytes=(settings.files_max_count * settings.files_max_mb + 1) * 1024 * 1024)
    app.add_middleware(SessionMiddleware, secret_key=keys.session_secret(settings), session_cookie=SESSION_COOKIE,
                       max_age=SESSION_MAX_AGE, same_site="lax", https_only=secure)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(monitoring.RequestLog)  # outermost: times and logs every answer, errors included
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.include_router(monitoring.router)
    app.include_router(api.router, prefix="/api")
    _matching_only(app.router.routes[-1], lambda path: path == "/api" or path.startswith("/api/"))
    app.include_router(pages.router)
    _matching_only(app.router.routes[-1], lambda path: not path.startswith("/api/"))
    return app


def _matching_only(route: Any, wanted: Callable[[str], bool]) -> None:
    """Let `route` (an included router) answer only the paths `wanted` says it may hold. FastAPI tries an
    included router's every route on a path, 4 µs each: the API's 120 on each page's path (/ledger: 390 µs
    of its ~600 µs of matching), the pages' on each API path. The route keeps its class's behaviour and
    type (OpenAPI lists it as before): only `matches`, Starlette's question of every route, says no early."""
    base = type(route)

    class Matching(base):  # type: ignore[misc, valid-type]
        def matches(self, scope: Scope) -> tuple[Match, Scope]:
            if scope["type"] in ("http", "websocket") and not wanted(scope["path"]):
                return Match.NONE, {}
            return super().matches(scope)

    Matching.__name__ = Matching.__qualname__ = base.__name__
    route.__class__ = Matching
