"""Fixtures of the web tests: an app on each database backend (the store's `db` fixture), two units,
a user of every role, clients signed in by token or by the login form, and items driven to any state.

Import what a test module uses: `from webfixtures import web  # noqa: F401`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import delete

from luoshi.ledger import Actor, Role
from luoshi.store import items as store_items
from luoshi.store import users as store_users
from luoshi.store.orgs import create_organisation
from luoshi.web.app import create_app
from luoshi.web.throttle import LOGIN_FAILURES

PASSWORD = "correct-horse-9"
UNITS = {"a": "市商务局", "b": "市财政局"}
# username → (role, unit key); unit_a leads the items made by `Web.item`, unit_b stands apart.
USERS = {"admin": (Role.ADMIN, None), "office": (Role.SUPERVISOR, None), "leader": (Role.LEADER, None),
         "unit_a": (Role.UNIT, "a"), "unit_b": (Role.UNIT, "b"), "congress": (Role.CONGRESS, None)}
ROLES = tuple(USERS)
OFFICE = Actor("office", Role.SUPERVISOR, name="督查室")

# The path from a draft to each state, as (actor username, action, payload).
TO_STATE = {
    "draft": [],
    "confirmed": [("office", "confirm", {})],
    "assigned": [("office", "confirm", {}), ("office", "assign", {"due": "2030-06-30"})],
    "in_progress": [("office", "confirm", {}), ("office", "assign", {"due": "2030-06-30"}),
                    ("unit_a", "accept", {})],
    "extension_pending": [("office", "confirm", {}), ("office", "assign", {"due": "2030-06-30"}),
                          ("unit_a", "accept", {}),
                          ("unit_a", "request_extension", {"due": "2030-09-30", "reason": "征地未完成"})],
    "completion_requested": [("office", "confirm", {}), ("office", "assign", {"due": "2030-06-30"}),
                             ("unit_a", "accept", {}), ("unit_a", "apply_completion", {"text": "已完成"})],
    "done": [("office", "confirm", {}), ("office", "assign", {"due": "2030-06-30"}), ("unit_a", "accept", {}),
             ("unit_a", "apply_completion", {"text": "已完成"}), ("office", "approve", {})],
}


def cheap_password_hashes(monkeypatch) -> None:
    """Argon2 with its cheapest parameters: the tests make many users and logins."""
    monkeypatch.setattr(store_users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@dataclass
class Web:
    app: object
    db: object
    settings: object
    units: dict[str, int]
    users: dict[str, store_users.UserView]
    tokens: dict[str, str] = field(default_factory=dict)

    def actor(self, username: str) -> Actor:
        return store_users.actor_for(self.users[username])

    def api(self, username: str | None = None) -> TestClient:
        """A client of the JSON API with `username`'s bearer token (none: anonymous)."""
        client = TestClient(self.app)
        if username:
            if username not in self.tokens:
                with self.db.session() as s:
                    self.tokens[username] = store_users.create_token(s, user_id=self.users[username].id)
            client.headers["Authorization"] = f"Bearer {self.tokens[username]}"
        return client

    def browser(self, username: str | None = None) -> TestClient:
        """A client signed in through the login form, like a browser (cookies, CSRF token)."""
        client = TestClient(self.app)
        if username:
            response = login(client, username, PASSWORD)
            assert response.status_code == 303, response.text
        return client

    def item(self, state: str = "draft", title: str = "推进外贸稳增长") -> int:
        """A new item led by unit a, driven to `state` (see TO_STATE)."""
        with self.db.session() as s:
            row = store_items.create_item(s, actor=OFFICE, kind="task", title=title, text=title,
                                          lead_units=[UNITS["a"]], settings=self.settings)
            item_id = row.id
            for version, (who, action, payload) in enumerate(TO_STATE[state], start=1):
                store_items.act(s, item_id=item_id, actor=self.actor(who), action=action,
                                expected_version=version, settings=self.settings, **payload)
        return item_id

    def version(self, item_id: int) -> int:
        with self.db.session() as s:
            return store_items.load_item(s, item_id=item_id, actor=OFFICE).version


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has a CSRF field"
    return match.group(1)


def login(client: TestClient, username: str, password: str):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=False)


def make_web(db, settings) -> Web:
    with db.session() as s:
        units = {k: create_organisation(s, name=name).id for k, name in UNITS.items()}
        s.commit()
        users = {name: store_users.create_user(s, username=name, password=PASSWORD, role=role.value,
                                               unit=units[unit] if unit else None, display_name=f"{name}-名")
                 for name, (role, unit) in USERS.items()}
    app = create_app(settings, database=db)
    with db.session() as s:
        s.execute(delete(LOGIN_FAILURES))
        s.commit()
    return Web(app, db, settings, units, users)


@pytest.fixture
def web(db, settings, monkeypatch) -> Web:
    """The app on each backend, with two units and a user of every role."""
    cheap_password_hashes(monkeypatch)
    return make_web(db, settings)


@pytest.fixture
def web_sqlite(make_db, settings, monkeypatch) -> Web:
    """The app on SQLite only (for tests of the web layer that the backend cannot change)."""
    cheap_password_hashes(monkeypatch)
    return make_web(make_db("sqlite"), settings)


def now() -> datetime:
    return datetime.now(UTC)
