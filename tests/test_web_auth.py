"""Signing in and out, the session cookie, CSRF on every form post, and slowing repeated failed logins
(computed from the failures stored in the database, so a second app process sees the same lockout)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from luoshi.web import throttle
from luoshi.web.app import create_app
from webfixtures import PASSWORD, csrf_of, login, web, web_sqlite  # noqa: F401


def test_login_sets_a_signed_httponly_samesite_cookie_and_logout_ends_it(web_sqlite):
    client = TestClient(web_sqlite.app)
    response = login(client, "office", PASSWORD)
    assert (response.status_code, response.headers["location"]) == (303, "/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("luoshi_session=") and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert client.get("/ledger").status_code == 200
    token = csrf_of(client.get("/ledger").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/ledger", follow_redirects=False).headers["location"] == "/login?next=/ledger"


def test_secure_cookies_when_https_only(web_sqlite):
    app = create_app(web_sqlite.settings, database=web_sqlite.db, https_only=True)
    response = login(TestClient(app, base_url="https://testserver"), "office", PASSWORD)
    assert "secure" in response.headers["set-cookie"].lower()


def test_wrong_password_is_401_with_one_message_for_name_and_password(web_sqlite):
    client = TestClient(web_sqlite.app)
    wrong_password, no_such_user = login(client, "office", "nope-nope-1"), login(client, "nobody", "nope-nope-1")
    assert (wrong_password.status_code, no_such_user.status_code) == (401, 401)
    assert "用户名或密码错误" in wrong_password.text and "用户名或密码错误" in no_such_user.text


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(web_sqlite):
    client = TestClient(web_sqlite.app)
    token = csrf_of(client.get("/login").text)
    form = {"username": "office", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data={**form, "next": "/orgs"}, follow_redirects=False).headers["location"] == "/orgs"
    client = TestClient(web_sqlite.app)
    form["csrf_token"] = csrf_of(client.get("/login").text)
    assert client.post("/login", data={**form, "next": "//evil.example/x"},
                       follow_redirects=False).headers["location"] == "/"


def test_a_form_post_without_the_csrf_token_is_refused(web):
    item_id = web.item("in_progress")
    client = web.browser("unit_a")
    token = csrf_of(client.get(f"/items/{item_id}").text)
    form = {"text": "已完成选址", "percent": "40", "version": str(web.version(item_id))}
    refused = [client.post(f"/items/{item_id}/report_progress", data=form),
               client.post(f"/items/{item_id}/report_progress", data={**form, "csrf_token": "forged"}),
               client.post("/logout", data={}), client.post("/admin/users", data={"username": "x"}),
               TestClient(web.app).post("/login", data={"username": "office", "password": PASSWORD})]
    assert [r.status_code for r in refused] == [403] * 5
    assert "CSRF" in refused[0].text
    assert web.version(item_id) == int(form["version"])  # nothing was written
    accepted = client.post(f"/items/{item_id}/report_progress", data={**form, "csrf_token": token},
                           follow_redirects=False)
    assert accepted.status_code == 303


def test_htmx_requests_carry_the_token_in_a_header(web_sqlite):
    client = web_sqlite.browser("office")
    page = client.get("/ledger").text
    token = csrf_of(page)
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page
    item_id = web_sqlite.item("in_progress")
    form = {"text": "请抓紧", "version": str(web_sqlite.version(item_id))}
    assert client.post(f"/items/{item_id}/remind", data=form, headers={"X-CSRF-Token": token},
                       follow_redirects=False).status_code == 303


def test_the_api_with_a_session_cookie_needs_the_csrf_header_to_change_anything(web_sqlite):
    item_id = web_sqlite.item("in_progress")
    client = web_sqlite.browser("office")
    token = csrf_of(client.get("/ledger").text)
    assert client.get(f"/api/items/{item_id}").status_code == 200
    assert client.post(f"/api/items/{item_id}/remind", json={}).status_code == 403
    assert client.post(f"/api/items/{item_id}/remind", json={}, headers={"X-CSRF-Token": token}).status_code == 200


def test_repeated_failures_lock_the_username_from_that_client_out(web_sqlite):
    client = TestClient(web_sqlite.app)
    codes = [login(client, "office", "wrong-wrong-1").status_code for _ in range(throttle.FREE + 1)]
    assert codes == [401] * throttle.FREE + [429]
    locked = login(client, "office", PASSWORD)  # even the right password waits
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "登录失败次数过多" in locked.text
    assert login(TestClient(web_sqlite.app), "leader", PASSWORD).status_code == 303  # another username is not


def test_a_second_process_sees_the_same_lockout(web_sqlite):
    for _ in range(throttle.FREE):
        login(TestClient(web_sqlite.app), "office", "wrong-wrong-1")
    other_process = create_app(web_sqlite.settings, database=web_sqlite.db)
    assert login(TestClient(other_process), "office", PASSWORD).status_code == 429


def test_the_token_endpoint_is_throttled_too(web_sqlite):
    client = TestClient(web_sqlite.app)
    codes = [client.post("/api/token", json={"username": "office", "password": "wrong-wrong-1"}).status_code
             for _ in range(throttle.FREE + 1)]
    assert codes == [401] * throttle.FREE + [429]
    assert client.post("/api/token", json={"username": "office", "password": PASSWORD}).json()["detail"].startswith(
        "登录失败次数过多")


def test_the_wait_doubles_and_is_capped():
    assert [throttle.wait_after(n).total_seconds() for n in range(0, 12)] == [
        0, 0, 0, 5, 10, 20, 40, 80, 160, 320, 640, 900]


def test_the_wait_counts_from_the_last_failure_within_the_window():
    now = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    three = [now - timedelta(seconds=s) for s in (30, 20, 2)]
    assert throttle.retry_after(three, now) == 3  # 5 s after the third failure, 2 s gone
    assert throttle.retry_after(three, now + timedelta(seconds=3)) == 0
    assert throttle.retry_after([now - throttle.WINDOW] * 5, now) == 0  # old failures are forgotten


def test_a_successful_login_clears_the_failures(web_sqlite):
    client = TestClient(web_sqlite.app)
    login(client, "office", "wrong-wrong-1")
    assert login(client, "office", PASSWORD).status_code == 303
    with web_sqlite.db.session() as s:
        assert throttle.failures(s, username="office", client="testclient", now=datetime.now(UTC)) == []
