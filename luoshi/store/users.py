"""Users and API tokens: creating users with argon2 password hashes, checking passwords and bearer
tokens (only a token's SHA-256 is stored), and the ledger `Actor` a user acts as.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import Session

from luoshi.errors import AlreadyExists, AuthenticationFailed, NotFound
from luoshi.ledger import Actor, InvalidValue, Role
from luoshi.ledger.actors import LEAST_PRIVILEGED, ROLE_CHOICES
from luoshi.store.audit import append_admin
from luoshi.store.kept import Kept
from luoshi.store.models import ApiToken, Organisation, User

HASHER = PasswordHasher()
# Checked against when the user does not exist, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash("luoshi-no-such-user")
MIN_PASSWORD = 8
ROLES = tuple(r.value for r in Role)
TOKEN_PREFIX = "ls_"


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: Role
    unit_id: int | None
    unit_name: str | None
    active: bool
    session_generation: int = 0


@dataclass(frozen=True)
class TokenView:
    """An API token as its owner sees it (never the token itself: only its hash is kept)."""

    id: int
    user_id: int
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def status(self, now: datetime) -> str:
        """active | expired | revoked"""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at is not None and self.expires_at <= now else "active"


def actor_for(user: User | UserView) -> Actor:
    """The ledger's `Actor` for a user: id = username; a unit user's unit = its organisation id."""
    role = Role(user.role)
    unit = str(user.unit_id) if role is Role.UNIT and user.unit_id is not None else None
    return Actor(user.username, role, unit, user.display_name or user.username)


# Every request looks its user up (by session or token), so these reads are one Core statement each,
# built once: the user and the name of its unit in one join, no ORM objects.
_USERS, _ORGS, _TOKENS = User.__table__, Organisation.__table__, ApiToken.__table__
_VIEW_COLUMNS = (_USERS.c.id, _USERS.c.username, _USERS.c.display_name, _USERS.c.role, _USERS.c.unit_id,
                 _ORGS.c.name.label("unit_name"), _USERS.c.active, _USERS.c.session_generation)


def _views() -> Select[Any]:
    return select(*_VIEW_COLUMNS).select_from(_USERS.outerjoin(_ORGS, _ORGS.c.id == _USERS.c.unit_id))


_USER_BY_ID = Kept(_views().where(_USERS.c.id == bindparam("user_id")))
_USER_BY_NAME = Kept(_views().where(_USERS.c.username == bindparam("username")))
_USER_BY_TOKEN = Kept(_views().add_columns(_TOKENS.c.id.label("token_id"), _TOKENS.c.revoked_at,
                                           _TOKENS.c.expires_at, _TOKENS.c.last_used_at)
                      .join(_TOKENS, _TOKENS.c.user_id == _USERS.c.id)
                      .where(_TOKENS.c.token_hash == bindparam("token_hash")))


def _row_view(row: Any) -> UserView:  # a row of _views()' columns
    return UserView(row.id, row.username, row.display_name, Role(row.role), row.unit_id, row.unit_name,
                    bool(row.active), row.session_generation or 0)


def create_user(session: Session, *, username: str, password: str, role: Role | str = LEAST_PRIVILEGED,
                unit: str | int | None = None, display_name: str = "", by: Actor | str | None = None) -> UserView:
    """A new user, of the least privileged role unless another is given; a unit user names its unit (an
    organisation id or name, created as proposed if new).

    Raises AlreadyExists (username taken), InvalidValue (bad role, no unit for a unit user, a unit for
    another role, a password shorter than 8 characters). Commits.
    """
    from luoshi.store.orgs import find_organisation, resolve_unit

    username = username.strip()
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise InvalidValue(f"用户名“{username}”须为 1–100 个字符且不含空格", "username")
    if role not in ROLES:
        raise InvalidValue(f"角色“{role}”无法识别：可选{ROLE_CHOICES}", "role")
    _check_password(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AlreadyExists(f"用户名“{username}”已被使用：请换一个用户名")
    org = None
    if unit not in (None, ""):
        org = find_organisation(session, unit) or (None if str(unit).isdigit() else resolve_unit(session, str(unit)))
        if org is None:
            raise InvalidValue(f"单位“{unit}”不在单位名录中：请从名录中选择单位", "unit")
    Actor(username, Role(role), str(org.id) if org else None)  # the ledger's rules on role and unit
    user = User(username=username, display_name=display_name.strip(), password_hash=HASHER.hash(password),
                role=Role(role).value, unit_id=org.id if org else None, active=True, created_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    append_admin(session, type="user_created", actor=by, subject=f"user:{username}",
                 data={"role": user.role, "unit_id": user.unit_id, "display_name": user.display_name})
    session.commit()
    return get_user(session, user_id=user.id)


def get_user(session: Session, *, user_id: int | None = None, username: str | None = None) -> UserView:
    """The user of this id (or else username), active or not; NotFound if there is none."""
    if user_id is not None:
        row = _USER_BY_ID.first(session, {"user_id": user_id})  # every page's signed-in user
    else:
        row = _USER_BY_NAME.first(session, {"username": username or ""})
    if row is None:
        raise NotFound("没有这个用户：请从用户列表中选择")
    return _row_view(row)


def _find(session: Session, user_id: int | None, username: str | None) -> User:
    if user_id is not None:
        user = session.get(User, user_id)
    else:
        user = session.scalars(select(User).where(User.username == (username or ""))).first()
    if user is None:
        raise NotFound("没有这个用户：请从用户列表中选择")
    return user


def list_users(session: Session) -> list[UserView]:
    return [_row_view(r) for r in session.connection().execute(_views().order_by(_USERS.c.username))]


def authenticate(session: Session, *, username: str, password: str) -> UserView:
    """The user whose name and password these are; AuthenticationFailed otherwise (same message for a
    wrong name and a wrong password). A hash made with older parameters is upgraded."""
    user = session.scalars(select(User).where(User.username == username.strip())).first()
    try:
        HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise AuthenticationFailed("用户名或密码错误") from None
    if user is None or not user.active:
        raise AuthenticationFailed("用户名或密码错误")
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
        session.commit()
    return get_user(session, user_id=user.id)


def set_password(session: Session, *, username: str, password: str, by: Actor | str | None = None) -> None:
    _check_password(password)
    user = _find(session, None, username)
    user.password_hash = HASHER.hash(password)
    append_admin(session, type="password_set", actor=by, subject=f"user:{user.username}")
    session.commit()


def update_user(session: Session, *, user_id: int, active: bool | None = None, role: str | None = None,
                unit: str | int | None = None, display_name: str | None = None,
                by: Actor | str | None = None) -> UserView:
    """Change a user's role, unit, name or whether they may log in. Commits."""
    from luoshi.store.orgs import find_organisation

    user = _find(session, user_id, None)
    new_role = role if role is not None else user.role
    if new_role not in ROLES:
        raise InvalidValue(f"角色“{new_role}”无法识别：可选{ROLE_CHOICES}", "role")
    unit_id = user.unit_id
    if unit is not None:
        org = find_organisation(session, unit) if unit != "" else None
        if unit != "" and org is None:
            raise InvalidValue(f"单位“{unit}”不在单位名录中：请从名录中选择单位", "unit")
        unit_id = org.id if org else None
    if new_role != Role.UNIT.value and unit is None:
        unit_id = None
    Actor(user.username, Role(new_role), str(unit_id) if unit_id else None)
    user.role, user.unit_id = new_role, unit_id
    if active is not None:
        if user.active and not active:  # reactivating later revives neither a session nor a token
            _end_sessions(session, user, now=datetime.now(UTC))
        user.active = active
    if display_name is not None:
        user.display_name = display_name.strip()
    append_admin(session, type="user_updated", actor=by, subject=f"user:{user.username}",
                 data={"role": user.role, "unit_id": user.unit_id, "active": user.active,
                       "display_name": user.display_name})
    session.commit()
    return get_user(session, user_id=user.id)


def reset_password(session: Session, *, user_id: int, password: str, by: Actor | str | None = None) -> int:
    """The admin gives a user a new password: every session of theirs ends and every token is revoked (who
    knew the old one is out). Returns the number of tokens revoked. Commits."""
    _check_password(password)
    user = _find(session, user_id, None)
    now = datetime.now(UTC)
    user.password_hash = HASHER.hash(password)
    revoked = _end_sessions(session, user, now=now)
    append_admin(session, type="password_reset", actor=by, subject=f"user:{user.username}",
                 data={"tokens_revoked": revoked}, at=now)
    session.commit()
    return revoked


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidValue(f"密码只有 {len(password)} 位：至少需要 {MIN_PASSWORD} 位", "password")


def _end_sessions(session: Session, user: User, *, now: datetime) -> int:
    """Raise the user's session generation and revoke every token still valid; how many were revoked."""
    user.session_generation = (user.session_generation or 0) + 1
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    revoked = 0
    for token in tokens:
        token.revoked_at = now
        revoked += 1
    return revoked


def end_sessions(session: Session, *, user_id: int, by: Actor | str | None = None) -> int:
    """Sign a user out everywhere: every browser session ends and every API token is revoked. Returns the
    number of tokens revoked. Commits."""
    user = _find(session, user_id, None)
    now = datetime.now(UTC)
    revoked = _end_sessions(session, user, now=now)
    append_admin(session, type="sessions_ended", actor=by, subject=f"user:{user.username}",
                 data={"tokens_revoked": revoked}, at=now)
    session.commit()
    return revoked


def end_session(session: Session, *, user_id: int) -> None:
    """Logout: the user's browser sessions end on the server (tokens stay). Commits."""
    user = _find(session, user_id, None)
    user.session_generation = (user.session_generation or 0) + 1
    session.commit()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


DEFAULT_TOKEN_TTL = timedelta(days=90)


def create_token(session: Session, *, user_id: int, name: str = "", ttl: timedelta | None = DEFAULT_TOKEN_TTL,
                 by: Actor | str | None = None) -> str:
    """A new bearer token for a user, returned once (only its hash is kept), valid for `ttl` (None: until
    revoked). Commits."""
    user = _find(session, user_id, None)
    if not user.active:
        raise AuthenticationFailed("该用户已停用，不能签发令牌")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), name=name, created_at=now,
                         expires_at=now + ttl if ttl else None))
    append_admin(session, type="token_created", actor=by or user.username, subject=f"user:{user.username}",
                 data={"name": name, "token_sha256_prefix": _token_hash(token)[:12]}, at=now)
    session.commit()
    return token


def user_for_token(session: Session, *, token: str, now: datetime | None = None) -> UserView:
    """The user a bearer token belongs to; AuthenticationFailed when unknown, revoked, expired or the
    user is inactive."""
    now = now or datetime.now(UTC)
    row = _USER_BY_TOKEN.first(session, {"token_hash": _token_hash(token.strip())})
    if (row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now)
            or not row.active):
        raise AuthenticationFailed("令牌无效、已撤销或已过期：请重新获取（POST /api/token）")
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_RESOLUTION:
        _touch(session, row.token_id, now)
    return _row_view(row)


LAST_USE_RESOLUTION = timedelta(minutes=5)  # a token's last use is written at most this often


def _pool_has_one(pool: Any) -> bool:
    """Whether `pool` gives a connection without waiting: one idle, or room to open one (a QueuePool's
    counts; another pool, such as an in-memory database's one per thread, always does)."""
    if not hasattr(pool, "checkedin") or not hasattr(pool, "overflow"):
        return True
    most = getattr(pool, "_max_overflow", -1)
    return pool.checkedin() > 0 or most < 0 or pool.overflow() < most


def _touch(session: Session, token_id: int, now: datetime) -> None:
    """Record a token's use (advisory: a busy database skips it rather than fail the request), by the first
    of the requests that find it older than LAST_USE_RESOLUTION. On PostgreSQL a request that only reads
    runs without a transaction, and the touch is one statement of its own on the request's connection; a
    request that writes leaves it to the next that reads. It took a second connection from the pool while
    the request held one: under load every request held one and waited for another, until the pool gave up
    30 s later, and the server answered nothing meanwhile. SQLite, one writer behind a read transaction,
    writes it in a short transaction of its own on a connection the pool has at once (none: skipped)."""
    from sqlalchemy.exc import SQLAlchemyError

    from luoshi.store.db import engine_of

    stale = or_(_TOKENS.c.last_used_at.is_(None), _TOKENS.c.last_used_at < now - LAST_USE_RESOLUTION)
    touch = _TOKENS.update().where(_TOKENS.c.id == token_id, stale).values(last_used_at=now)
    try:
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
                connection.execute(touch)
            return
        engine = engine_of(session)
        if not _pool_has_one(engine.pool):
            return
        with engine.begin() as conn:
            conn.execute(touch)
    except SQLAlchemyError:
        pass


_TOKEN_VIEW = select(_TOKENS.c.id, _TOKENS.c.user_id, _TOKENS.c.name, _TOKENS.c.created_at, _TOKENS.c.expires_at,
                     _TOKENS.c.last_used_at, _TOKENS.c.revoked_at)


def list_tokens(session: Session, *, user_id: int) -> list[TokenView]:
    """A user's tokens, newest first."""
    rows = session.execute(_TOKEN_VIEW.where(_TOKENS.c.user_id == user_id).order_by(_TOKENS.c.id.desc()))
    return [TokenView(*row) for row in rows]


def revoke_token_id(session: Session, *, token_id: int, user_id: int | None, by: Actor | str | None = None) -> None:
    """Revoke the token `token_id` of user `user_id` (None: of anyone, for an admin); NotFound when it is
    not theirs. Revoking a revoked token changes nothing. Commits."""
    row = session.get(ApiToken, token_id)
    if row is None or (user_id is not None and row.user_id != user_id):
        raise NotFound(f"没有编号为 {token_id} 的令牌")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        user = session.get(User, row.user_id)
        append_admin(session, type="token_revoked", actor=by,
                     subject=f"user:{user.username if user else row.user_id}",
                     data={"token_sha256_prefix": row.token_hash[:12]})
    session.commit()


def revoke_token(session: Session, *, token: str, by: Actor | str | None = None) -> None:
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == _token_hash(token.strip()))).first()
    if row is None:
        raise NotFound("没有这个令牌：它可能已被撤销，请重新获取")
    row.revoked_at = datetime.now(UTC)
    user = session.get(User, row.user_id)
    append_admin(session, type="token_revoked", actor=by, subject=f"user:{user.username if user else row.user_id}",
                 data={"token_sha256_prefix": row.token_hash[:12]})
    session.commit()
