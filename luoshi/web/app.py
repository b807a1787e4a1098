"""The web app: `create_app()` wires settings, the database, signed-cookie sessions, security headers,
the JSON API under /api (OpenAPI at /openapi.json) and the pages. Nothing is kept in the process beyond
the database connection pool, so several processes can serve the same database side by side.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
import fastapi.routing
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette._utils import get_route_path
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
GC_YOUNG = 20_000  # allocations between collections of the young generation in a server process
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
    collections otherwise walked them all, stopping every request in the process for tens of ms; the young
    generation is collected less often (`GC_YOUNG`).
    """
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        worker = getattr(app.state, "ocr_worker", None)
        if worker is not None:
            worker.resume()  # scans queued before this process started
        gc.collect()
        gc.freeze()
        # A request allocates some thousands of objects; at the default threshold (700) the young generation
        # was collected several times a request. Every 20 000 allocations instead: 3 % less CPU per ledger
        # request (instructions counted), a little more memory held until the collection.
        gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
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
    app.include_router(pages.router)
    _quick_routing(app)
    return app


def _quick_routing(app: FastAPI) -> None:
    """Routing that tries only the routers that can answer a path. FastAPI (0.16x) keeps each included
    router as a branch and, at every request, walks every route of every branch to learn whether any
    changed (`_get_routes_version`), then tries a branch's routes in turn, 2–4 µs each, on its way to the
    one that answers: some 0.2 ms of a request to the ledger. The routes are all in place once the app is
    made; so each router's version is read once and kept, and each branch says no at once to a path whose
    first one or two segments none of its routes starts with (a route whose first segment is a parameter
    leaves its branch unguarded). A branch keeps its class's behaviour and type; only `matches`, Starlette's
    question of every route, answers early. A FastAPI without branches (older, or changed) is left as it is."""
    branch = getattr(fastapi.routing, "_IncludedRouter", None)
    if branch is None or not hasattr(fastapi.routing.APIRouter, "_get_routes_version"):
        return
    routers: dict[int, Any] = {}

    def collect(router: Any) -> None:
        if id(router) not in routers:
            routers[id(router)] = router
            for route in router.routes:
                if isinstance(route, branch):
                    collect(route.original_router)

    collect(app.router)
    for router in routers.values():
        version = router._get_routes_version()
        router._get_routes_version = lambda seen=None, version=version: version  # noqa: ARG005

    def guard(routes: Any) -> None:
        for route in routes:
            if not isinstance(route, branch):
                continue
            heads = _heads(route.effective_route_contexts())
            if heads is not None:
                route.__class__ = _guarded(type(route))
                route.heads = heads
            guard(route.effective_candidates())  # the branches it tries in turn, made once and kept

    guard(app.router.routes)


def _heads(contexts: Any) -> tuple[frozenset[str], frozenset[str]] | None:
    """The first segment (`/ledger`) or first two (`/api/items`) that every route of a branch starts with,
    as far as its path is literal; None if a route's first segment is a parameter (or a branch has none)."""
    one, two = set(), set()
    for context in contexts:
        path = getattr(context, "path", "") or ""
        literal = path.split("{", 1)[0]
        segments = literal.split("/")[1:]
        if "{" in path:
            segments = segments[:-1]  # the segment the parameter is in is not literal
        if not path.startswith("/") or not segments:
            return None
        if len(segments) >= 2:
            two.add(f"/{segments[0]}/{segments[1]}")
        else:
            one.add(f"/{segments[0]}")
    return (frozenset(one), frozenset(two)) if one or two else None


@functools.cache
def _guarded(base: type) -> type:
    class Guarded(base):  # type: ignore[misc, valid-type]
        heads: tuple[frozenset[str], frozenset[str]]

        def matches(self, scope: Scope) -> tuple[Match, Scope]:
            if scope["type"] in ("http", "websocket"):
                parts = get_route_path(scope).split("/", 3)
                first = "/" + parts[1] if len(parts) > 1 else "/"
                one, two = self.heads
                if first not in one and (len(parts) < 3 or f"{first}/{parts[2]}" not in two):
                    return Match.NONE, {}
            return super().matches(scope)

    Guarded.__name__ = Guarded.__qualname__ = base.__name__
    return Guarded
