"""Slowing repeated failed logins, from the attempts stored in the database: every process computes the
same lockout from the same rows, so nothing lives in memory. The table is the web's own
(`login_failures`), created on start when missing.

Three scopes are counted: a username from one address (`FREE` = 3 free failures), a username from any
address (`FREE_ACCOUNT`: rotating addresses or a forged X-Forwarded-For buys nothing), and an address for
any username (`FREE_CLIENT`: spraying one password over many accounts). Past a scope's free failures
within `WINDOW`, each further try waits twice as long as the one before (5 s, 10 s, 20 s … up to
`MAX_WAIT`) from the last failure; a successful login clears the username's failures from that address.

Counting is atomic: an attempt is stored *before* its password is checked and judged by the attempts
stored before it, so a parallel burst gets no more guesses checked than a sequence of tries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import (Column, Engine, Index, Integer, MetaData, String, Table, delete, insert, inspect, or_,
                        select, text)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session
from starlette.requests import Request

from luoshi.errors import AuthenticationFailed, LuoshiError
from luoshi.store.types import UTCDateTime
from luoshi.store.users import UserView, authenticate

FREE = 3
FREE_ACCOUNT = 10
FREE_CLIENT = 30
BASE_WAIT = timedelta(seconds=5)
MAX_WAIT = timedelta(minutes=15)
WINDOW = timedelta(hours=1)


def wait_after(failures: int, free: int = FREE) -> timedelta:
    """How long to wait after the `failures`-th failure in a row before the next try is heard."""
    if failures < free:
        return timedelta(0)
    return min(BASE_WAIT * 2 ** (failures - free), MAX_WAIT)


def retry_after(failures: Sequence[datetime], now: datetime, free: int = FREE) -> int:
    """Whole seconds until a login may be tried again (0: now), given the failure times in the window."""
    recent = sorted(t for t in failures if now - t < WINDOW)
    if not recent:
        return 0
    delay = wait_after(len(recent), free)
    if not delay:
        # Under the free tries nothing waits, even when a concurrent try stamped its row a moment after `now`.
        return 0
    until = recent[-1] + delay
    remaining = (until - now).total_seconds()
    return max(0, int(remaining + 0.999))


def message(seconds: int) -> str:
    when = f"{seconds} 秒" if seconds < 120 else f"{(seconds + 59) // 60} 分钟"
    return f"登录失败次数过多，请 {when}后再试"


# -- the failures, stored --------------------------------------------------------------------------

class TooManyFailures(LuoshiError):
    """Too many failed logins for this username from this client: try again after `retry_after` s (429)."""

    def __init__(self, retry_after: int):
        super().__init__(message(retry_after))
        self.retry_after = retry_after


# The web's own table, beside the store's schema (see `ensure_tables`).
METADATA = MetaData()
LOGIN_FAILURES = Table(
    "login_failures", METADATA,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False),
    Column("client", String(64), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Index("ix_login_failures_username_client_at", "username", "client", "at"),
)


def ensure_tables(engine: Engine) -> None:
    """Create the failures table if it is missing (idempotent; two processes starting at once are fine)."""
    try:
        METADATA.create_all(engine, checkfirst=True)
    except (OperationalError, ProgrammingError, IntegrityError):
        if not inspect(engine).has_table("login_failures"):
            raise


def client_of(request: Request) -> str:
    """The client's address: the peer's, or X-Forwarded-For's only when the peer is a proxy named in
    LUOSHI_TRUSTED_PROXIES (uvicorn rewrites it then; see `luoshi.web.server`)."""
    return (request.client.host if request.client else "unknown")[:64]


def _key(username: str) -> str:
    return username.strip().lower()[:100]


def failures(session: Session, *, username: str, client: str, now: datetime) -> list[datetime]:
    t = LOGIN_FAILURES.c
    return list(session.scalars(select(t.at).where(t.username == _key(username), t.client == client,
                                                    t.at > now - WINDOW)))


def _wait(session: Session, *, username: str, client: str, before: int, now: datetime) -> int:
    """Seconds the attempt stored as row `before` must wait, judged by the attempts stored before it."""
    t = LOGIN_FAILURES.c
    rows = session.execute(select(t.username, t.client, t.at).where(
        or_(t.username == username, t.client == client), t.at > now - WINDOW, t.id < before)).all()
    scopes = ((FREE, [r.at for r in rows if r.username == username and r.client == client]),
              (FREE_ACCOUNT, [r.at for r in rows if r.username == username]),
              (FREE_CLIENT, [r.at for r in rows if r.client == client]))
    return max(retry_after(times, now, free) for free, times in scopes)


def login(session: Session, *, username: str, password: str, client: str, now: datetime | None = None) -> UserView:
    """The user, if the password is right and neither this username, nor this client, is locked out.

    Raises TooManyFailures (without checking the password) while locked out, AuthenticationFailed
    (and keeps the attempt as a failure) for a wrong name or password.
    """
    now = now or datetime.now(UTC)
    key = _key(username)
    t = LOGIN_FAILURES.c
    if session.get_bind().dialect.name == "postgresql":
        # Tries at one account take turns: without it a try could be counted before an earlier one commits
        # (its row invisible), and a parallel burst would get more guesses checked than a sequence.
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": "luoshi-login:" + key})
    attempt = session.execute(insert(LOGIN_FAILURES).values(username=key, client=client, at=now)
                              .returning(t.id)).scalar_one()
    wait = _wait(session, username=key, client=client, before=attempt, now=now)
    if wait:
        session.execute(delete(LOGIN_FAILURES).where(t.id == attempt))  # a refused try is not a guess
        session.commit()
        raise TooManyFailures(wait)
    session.commit()
    try:
        user = authenticate(session, username=username, password=password)
    except AuthenticationFailed:
        session.rollback()
        raise
    session.execute(delete(LOGIN_FAILURES).where(t.username == key, t.client == client))
    session.commit()
    return user
