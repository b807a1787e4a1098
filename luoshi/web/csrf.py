"""CSRF protection for cookie sessions: a random token kept in the signed session, echoed by every form
(hidden field `csrf_token`) and every htmx request (header `X-CSRF-Token`), compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token(request: Request) -> str:
    """The session's CSRF token, made on first use (also before login, for the login form)."""
    value = request.session.get("csrf")
    if not value:
        value = secrets.token_urlsafe(32)
        request.session["csrf"] = value
    return value


def header_valid(request: Request) -> bool:
    """Whether the request's X-CSRF-Token header is the session's token (the API with a cookie)."""
    expected, given = request.session.get("csrf"), request.headers.get(HEADER)
    return bool(expected and given and hmac.compare_digest(given, expected))


async def valid(request: Request) -> bool:
    """Whether an unsafe request carries the session's token in its header or form field."""
    expected = request.session.get("csrf")
    if not expected:
        return False
    given = request.headers.get(HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        given = form.get(FIELD)
    return isinstance(given, str) and hmac.compare_digest(given, expected)
