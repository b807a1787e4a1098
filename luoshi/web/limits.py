"""Request bodies bounded before they are read: an upload (multipart) larger than `max_upload_mb`, or
any other body over `OTHER_BYTES`, is refused with 413 from its Content-Length, or as soon as a body sent
without one goes past it; an anonymous upload is refused with 401 before a byte of it is read (Starlette
would otherwise spool it to a temporary file before any route could check who sent it).
"""

from __future__ import annotations

import asyncio
import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

OTHER_BYTES = 1024 * 1024  # a JSON or form body: a progress report is a few KB
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file
CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _TooLarge(BaseException):
    """Raised from `receive` past the limit. A BaseException, so that the framework's handlers of body
    parsing errors (which answer 400) let it through to `BodyLimit`, which answers 413."""


# Evidence files travel with a progress report or a completion application of an item: those routes
# allow the evidence limit (files × size, `BodyLimited` checks it with its own message); others the upload's.
EVIDENCE_PATH = re.compile(r"^/(?:api/)?items/\d+/")


class BodyLimit:
    def __init__(self, app: ASGIApp, *, upload_bytes: int, evidence_bytes: int | None = None):
        self.app = app
        self.upload_bytes = upload_bytes
        self.evidence_bytes = max(upload_bytes, evidence_bytes or 0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in CHANGES:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        upload = headers.get("content-type", "").startswith("multipart/")
        allowed = self.evidence_bytes if EVIDENCE_PATH.match(scope.get("path", "")) else self.upload_bytes
        limit = allowed + MULTIPART_OVERHEAD if upload else OTHER_BYTES
        if upload and "authorization" not in headers and not scope.get("session", {}).get("uid"):
            await _answer(scope, send, 401, "请先登录，再上传文件")
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _answer(scope, send, 413, self._message(upload, allowed))
            return
        received, started = 0, False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge()
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await _answer(scope, send, 413, self._message(upload, allowed))

    def _message(self, upload: bool, allowed: int) -> str:
        if upload:
            return f"上传的文件超过 {allowed // (1024 * 1024)} MB 上限：请压缩或拆分后再上传"
        return f"提交的内容超过 {OTHER_BYTES // 1024} KB 上限：请删减后再提交"


async def _answer(scope: Scope, send: Send, status: int, detail: str) -> None:
    """A JSON answer under /api, a plain Chinese page elsewhere; the connection is closed after it."""
    if scope["path"].startswith("/api"):
        body, kind = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8"), b"application/json"
    else:
        body, kind = f"<!doctype html><meta charset=utf-8><title>落实</title><p>{detail}</p>".encode(), b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class Admission:
    """At most `limit` requests at once inside the app, as many as a server process has worker threads; the
    others wait their turn on the event loop, before they hold a thread or a database connection.

    A request took a connection in one thread (who the caller is) and ran its route in another. Under
    overload, every thread was taken by a new request waiting for a connection, while every connection was
    held by an earlier request waiting for a thread to run its route: both servers stopped, and answered
    again only as the pool's waits ran out (30 s), request after request (`bench/province.py --rate 120`:
    46 of 120 requests a second answered, most after 15 s). With no more requests inside than threads, a
    request that holds a connection always finds a thread. Routes now find their user in their own thread
    (`deps.ViewerRoute`), but an `async` route still reads its body on the event loop and then does its
    work in a thread, and the pool keeps a connection for each thread: the bound stays. The health and
    metrics routes and static files pass by: they hold neither.
    """

    EXEMPT = ("/healthz", "/readyz", "/metrics", "/static/")

    def __init__(self, app: ASGIApp, *, limit: int):
        self.app = app
        self.limit = limit
        self._slots: tuple[object, asyncio.Semaphore] | None = None  # (its event loop, the semaphore)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.EXEMPT):
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:  # a server has one loop; tests may run several
            self._slots = (loop, asyncio.Semaphore(self.limit))
        async with self._slots[1]:
            await self.app(scope, receive, send)
