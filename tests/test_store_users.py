"""Users and tokens: argon2 password hashes, one message for a wrong name or password, tokens stored as
hashes only, and the ledger actor a user acts as."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from luoshi.errors import AlreadyExists, AuthenticationFailed
from luoshi.ledger import Actor, InvalidValue, Role
from luoshi.store.models import ApiToken, User
from luoshi.store.orgs import create_organisation
from luoshi.store.users import (UserView, actor_for, authenticate, create_token, create_user, revoke_token,
                                update_user, user_for_token)


def test_a_unit_user_is_created_with_its_unit_and_acts_for_it(session):
    create_organisation(session, name="市商务局")
    user = create_user(session, username="li", password="secret-123", role="unit", unit="商务局", display_name="李四")
    assert user == UserView(1, "li", "李四", Role.UNIT, 1, "市商务局", True)
    assert actor_for(user) == Actor("li", Role.UNIT, "1", "李四")
    stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$") and "secret-123" not in stored


def test_authenticate_gives_one_message_for_name_and_password(session):
    create_user(session, username="dc1", password="secret-123", role="supervisor")
    assert authenticate(session, username="dc1", password="secret-123").username == "dc1"
    messages = []
    for name, password in [("dc1", "wrong-pass"), ("nobody", "secret-123")]:
        with pytest.raises(AuthenticationFailed) as caught:
            authenticate(session, username=name, password=password)
        messages.append(str(caught.value))
    assert messages == ["用户名或密码错误"] * 2


def test_an_inactive_user_cannot_log_in(session):
    user = create_user(session, username="dc1", password="secret-123", role="supervisor")
    update_user(session, user_id=user.id, active=False)
    with pytest.raises(AuthenticationFailed):
        authenticate(session, username="dc1", password="secret-123")


@pytest.mark.parametrize("kwargs, message", [
    ({"role": "boss"}, "角色“boss”无法识别：可选承办单位联络员（unit）、人大（congress）、领导（leader）、督查室（supervisor）、"
                       "系统管理员（admin）"),
    ({"role": "unit"}, "承办单位联络员须指定所属单位：请选择单位"),
    ({}, "承办单位联络员须指定所属单位：请选择单位"),  # the default role is the least privileged
    ({"role": "supervisor", "password": "short"}, "密码只有 5 位：至少需要 8 位"),
    ({"role": "supervisor", "username": "a b"}, "用户名“a b”须为 1–100 个字符且不含空格"),
])
def test_bad_users_are_refused_by_name(session, kwargs, message):
    args = {"username": "x", "password": "secret-123", **kwargs}
    with pytest.raises(InvalidValue) as caught:
        create_user(session, **args)
    assert str(caught.value) == message


def test_a_username_is_taken_once(session):
    create_user(session, username="dc1", password="secret-123", role="supervisor")
    with pytest.raises(AlreadyExists) as caught:
        create_user(session, username="dc1", password="secret-456", role="leader")
    assert str(caught.value) == "用户名“dc1”已被使用：请换一个用户名"


def test_tokens_are_stored_as_hashes_and_can_expire_or_be_revoked(session):
    user = create_user(session, username="bot", password="secret-123", role="supervisor")
    token = create_token(session, user_id=user.id, name="ci")
    short = create_token(session, user_id=user.id, ttl=timedelta(hours=1))
    assert user_for_token(session, token=token).username == "bot"
    assert token not in [t.token_hash for t in session.scalars(select(ApiToken))]
    with pytest.raises(AuthenticationFailed):
        user_for_token(session, token=short, now=datetime.now(UTC) + timedelta(hours=2))
    revoke_token(session, token=token)
    with pytest.raises(AuthenticationFailed) as caught:
        user_for_token(session, token=token)
    assert str(caught.value) == "令牌无效、已撤销或已过期：请重新获取（POST /api/token）"


def test_a_password_reset_ends_the_users_sessions_and_tokens_and_is_logged(session):
    import json

    from luoshi.store.models import AdminEntryRow
    from luoshi.store.users import get_user, reset_password

    user = create_user(session, username="li", password="secret-123", role="leader")
    token = create_token(session, user_id=user.id)
    assert reset_password(session, user_id=user.id, password="new-secret-9", by="admin1") == 1
    assert authenticate(session, username="li", password="new-secret-9").username == "li"
    with pytest.raises(AuthenticationFailed):
        authenticate(session, username="li", password="secret-123")
    with pytest.raises(AuthenticationFailed):
        user_for_token(session, token=token)
    assert get_user(session, user_id=user.id).session_generation == 1
    last = session.scalars(select(AdminEntryRow).order_by(AdminEntryRow.seq.desc())).first()
    assert (last.type, last.actor, last.subject, json.loads(last.event)["data"]) == (
        "password_reset", "admin1", "user:li", {"tokens_revoked": 1})
