"""User administration on the page and in the API: a new user gets the least privileged role, the admin
changes a user's role or unit and gives a new password (which signs that user out everywhere)."""

from __future__ import annotations

from webfixtures import PASSWORD, csrf_of, login, web_sqlite  # noqa: F401


def test_the_new_user_form_offers_the_least_privileged_role_first(web_sqlite):
    admin = web_sqlite.browser("admin")
    html = admin.get("/admin/users").text
    new_user_form = html[html.index('action="/admin/users"'):]
    assert new_user_form.index('<option value="unit">') < new_user_form.index('<option value="admin">')
    made = web_sqlite.api("admin").post("/api/users", json={"username": "zhao", "password": "secret-123",
                                                            "unit": web_sqlite.units["a"]})
    assert (made.status_code, made.json()["role"], made.json()["unit_name"]) == (201, "unit", "市商务局")


def test_the_admin_changes_a_role_and_unit_on_the_page(web_sqlite):
    admin = web_sqlite.browser("admin")
    target = web_sqlite.users["unit_a"].id
    token = csrf_of(admin.get("/admin/users").text)
    moved = admin.post(f"/admin/users/{target}/role", data={"role": "unit", "unit": str(web_sqlite.units["b"]),
                                                           "csrf_token": token}, follow_redirects=True)
    assert "用户 unit_a 现为承办单位联络员（市财政局）" in moved.text
    promoted = admin.post(f"/admin/users/{target}/role", data={"role": "leader", "unit": str(web_sqlite.units["b"]),
                                                              "csrf_token": token}, follow_redirects=True)
    assert "用户 unit_a 现为领导" in promoted.text
    refused = admin.post(f"/admin/users/{target}/role", data={"role": "unit", "unit": "", "csrf_token": token})
    assert refused.status_code == 422 and "承办单位联络员须指定所属单位" in refused.text
    api = web_sqlite.api("admin").get("/api/users").json()
    assert [(u["role"], u["unit_name"]) for u in api if u["username"] == "unit_a"] == [("leader", None)]


def test_a_password_reset_signs_the_user_out_and_the_new_password_works(web_sqlite):
    admin, victim = web_sqlite.browser("admin"), web_sqlite.browser("office")
    target = web_sqlite.users["office"].id
    assert victim.get("/ledger").status_code == 200
    short = admin.post(f"/admin/users/{target}/password",
                       data={"password": "short", "csrf_token": csrf_of(admin.get("/admin/users").text)})
    assert short.status_code == 422 and "密码只有 5 位：至少需要 8 位" in short.text
    done = admin.post(f"/admin/users/{target}/password", follow_redirects=True,
                      data={"password": "brand-new-77", "csrf_token": csrf_of(admin.get("/admin/users").text)})
    assert "已为用户 office 设置新密码，其已在所有设备上退出" in done.text
    assert victim.get("/ledger", follow_redirects=False).status_code == 303  # back to the login page
    assert login(victim, "office", PASSWORD).status_code != 303
    assert login(victim, "office", "brand-new-77").status_code == 303


def test_the_api_resets_a_password_and_only_the_admin_may(web_sqlite):
    target = web_sqlite.users["leader"].id
    old_token = web_sqlite.api("leader")
    assert old_token.get("/api/items").status_code == 200
    assert web_sqlite.api("office").post(f"/api/users/{target}/password",
                                         json={"password": "brand-new-77"}).status_code == 403
    reset = web_sqlite.api("admin").post(f"/api/users/{target}/password", json={"password": "brand-new-77"})
    assert (reset.status_code, reset.json()["username"], reset.json()["tokens_revoked"]) == (200, "leader", 1)
    assert old_token.get("/api/items").status_code == 401
    missing = web_sqlite.api("admin").post("/api/users/99999/password", json={"password": "brand-new-77"})
    assert (missing.status_code, missing.json()["detail"]) == (404, "没有这个用户：请从用户列表中选择")
