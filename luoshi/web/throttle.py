"""Slowing repeated failed logins, per username and client address, from the failures stored in the
database: every process computes the same lockout from the same rows, so nothing lives in memory.
The table is the web's own (`login_failures`), created on start when missing.

After `FREE` failures within `WINDOW`, each further try must wait twice as long as the one before
(5 s, 10 s, 20 s … up to `MAX_WAIT`) counted from the last failure; a successful login clears them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Engine, Index, Integer, MetaData, String, Table, delete, insert, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session
from starlette.requests import Request

from luoshi.errors import AuthenticationFailed, LuoshiError
from luoshi.store.types import UTCDateTime
from luoshi.store.users import UserView, authenticate

FREE = 3
BASE_WAIT = timedelta(seconds=5)
MAX_WAIT = timedelta(minutes=15)
WINDOW = timedelta(hours=1)


def wait_after(failures: int) -> timedelta:
    """How long to wait after the `failures`-th failure in a row before the next try is heard."""
    if failures < FREE:
        return timedelta(0)
    return min(BASE_WAIT * 2 ** (failures - FREE), MAX_WAIT)


def retry_after(failures: Sequence[datetime], now: datetime) -> int:
    """Whole seconds until a login may be tried again (0: now), given the failure times in the window."""
    recent = sorted(t for t in failures if now - t < WINDOW)
    if not recent:
        return 0
    until = recent[-1] + wait_after(len(recent))
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
    return (request.client.host if request.client else "unknown")[:64]


def _key(username: str) -> str:
    return username.strip().lower()[:100]


def failures(session: Session, *, username: str, client: str, now: datetime) -> list[datetime]:
    t = LOGIN_FAILURES.c
    return list(session.scalars(select(t.at).where(t.username == _key(username), t.client == client,
                                                    t.at > now - WINDOW)))


def login(session: Session, *, username: str, password: str, client: str, now: datetime | None = None) -> UserView:
    """The user, if the password is right and this username and client are not locked out.

    Raises TooManyFailures (without checking the password) while locked out, AuthenticationFailed
    (and stores the failure) for a wrong name or password.
    """
    now = now or datetime.now(UTC)
    wait = retry_after(failures(session, username=username, client=client, now=now), now)
    if wait:
        raise TooManyFailures(wait)
    t = LOGIN_FAILURES.c
    try:
        user = authenticate(session, username=username, password=password)
    except AuthenticationFailed:
        session.execute(insert(LOGIN_FAILURES).values(username=_key(username), client=client, at=now))
        session.commit()
        raise
    session.execute(delete(LOGIN_FAILURES).where(t.username == _key(username), t.client == client))
    session.commit()
    return user
