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
    ({"role": "boss"}, "role 'boss' is not one of admin, supervisor, unit, leader, congress"),
    ({"role": "unit"}, "unit user 'x' has no unit: a unit user is bound to one unit"),
    ({"role": "supervisor", "password": "short"}, "the password of 'x' has 5 characters; at least 8"),
    ({"role": "supervisor", "username": "a b"}, "username 'a b': 1–100 characters without spaces"),
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
    assert str(caught.value) == "user 'dc1' exists already"


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
