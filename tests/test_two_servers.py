"""Two `luoshi serve` processes on one PostgreSQL schema behind Debian's nginx, configured by the shipped
deploy/nginx/luoshi.conf (only its ports replaced): what one process did, the other sees — a session, a
login throttle, an evidence file — and killing one loses no request nginx may retry.

The two processes share the data folder as two hosts would share a mount (or S3) for evidence files;
everything else they share is the database. nginx runs as a foreground process with its own prefix, pid
and temporary folders under the test's folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from browserfixtures import free_port
from conftest import ROOT, _skip_or_fail
from evidencefiles import jpeg
from luoshi.store import users as store_users
from luoshi.store.db import Database
from luoshi.web import throttle
from processes import Server, luoshi_env, pg_schema_or_skip, wait_for_http
from webfixtures import PASSWORD, cheap_password_hashes, csrf_of, login, make_web

NGINX = Path(os.environ.get("LUOSHI_TEST_NGINX", "/usr/sbin/nginx"))
SHIPPED = ROOT / "deploy" / "nginx" / "luoshi.conf"


def nginx_config(folder: Path, *, listen: int, upstreams: list[int]) -> Path:
    """The shipped site config with the test's ports, inside a main config that keeps every file of nginx
    under `folder`."""
    site = SHIPPED.read_text(encoding="utf-8")
    shipped_ports = re.findall(r"server 127\.0\.0\.1:(\d+)", site)
    assert len(shipped_ports) == len(upstreams), "the shipped upstream lists one server per test process"
    for shipped, port in zip(shipped_ports, upstreams):
        site = site.replace(f"server 127.0.0.1:{shipped}", f"server 127.0.0.1:{port}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    (folder / "luoshi.conf").write_text(site, encoding="utf-8")
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    main = "\n".join([
        "user root;" if os.geteuid() == 0 else "",  # workers that can write the test's temporary folders
        "worker_processes 1;", "daemon off;", f"pid {folder}/nginx.pid;", f"error_log {folder}/error.log warn;",
        "events { worker_connections 256; }",
        "http {", f"  access_log {folder}/access.log;",
        f"  client_body_temp_path {temp['body']};", f"  proxy_temp_path {temp['proxy']};",
        f"  fastcgi_temp_path {temp['fastcgi']};", f"  uwsgi_temp_path {temp['uwsgi']};",
        f"  scgi_temp_path {temp['scgi']};", f"  include {folder}/luoshi.conf;", "}", ""])
    path = folder / "nginx.conf"
    path.write_text(main, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Two servers on one database behind nginx, started once for the module (the test that kills a server
    comes last): (nginx URL, server 1, server 2, the web fixtures' units, users and items)."""
    from luoshi.settings import Settings

    if not NGINX.exists():
        _skip_or_fail(f"nginx is not installed at {NGINX}: apt-get install nginx-light")
    url = pg_schema_or_skip()
    tmp_path = tmp_path_factory.mktemp("two-servers")
    with pytest.MonkeyPatch.context() as monkeypatch:
        cheap_password_hashes(monkeypatch)
        db = Database(url, migrate=False)
        web = make_web(db, Settings(environment="test", secret_key="test-secret", _env_file=None))
    shared = tmp_path / "shared-data"  # the hosts' shared mount
    env = luoshi_env(url, shared, trusted_proxies="127.0.0.1", serve_jobs="false", log_format="json")
    servers = [Server(env, tmp_path / f"server-{n}.log") for n in (1, 2)]
    folder = tmp_path / "nginx"
    folder.mkdir()
    port = free_port()
    config = nginx_config(folder, listen=port, upstreams=[s.port for s in servers])
    checked = subprocess.run([str(NGINX), "-t", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen([str(NGINX), "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for server in servers:
            server.wait_ready()
        wait_for_http(f"http://127.0.0.1:{port}/healthz", 20, nginx)
        yield f"http://127.0.0.1:{port}", servers[0], servers[1], web
    finally:
        nginx.terminate()
        nginx.wait(10)
        for server in servers:
            server.stop()
        db.dispose()


def test_a_session_made_through_one_server_is_seen_through_the_other(site):
    front, one, two, web = site
    with httpx.Client(base_url=one.url) as first:
        assert login(first, "office", PASSWORD).status_code == 303
        cookies = dict(first.cookies)
    with httpx.Client(base_url=two.url, cookies=cookies) as second:
        ledger = second.get("/ledger", follow_redirects=False)
        assert ledger.status_code == 200 and "office-名" in ledger.text
        assert second.get("/api/me").json()["username"] == "office"
    with httpx.Client(base_url=front, cookies=cookies) as through_nginx:
        answers = [through_nginx.get("/api/me") for _ in range(4)]
    assert [a.json()["username"] for a in answers] == ["office"] * 4
    # nginx's request id reaches the JSON log of whichever process answered, with the route and the user
    ids = [a.headers["X-Request-ID"] for a in answers]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and len(set(ids)) == 4
    logged: dict[str, dict] = {}

    def all_logged() -> bool:  # a line is written once its answer is sent: a moment after the client has it
        logged.update({entry["request_id"]: entry for server in (one, two) for entry in json_lines(server.output())})
        return set(ids) <= set(logged)

    until(all_logged, 10)
    assert [(logged[i]["route"], logged[i]["status"], logged[i]["user"]) for i in ids] == [
        ("/api/me", 200, web.users["office"].id)] * 4


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_failed_logins_through_one_server_lock_the_account_on_the_other(site):
    front, one, two, web = site
    with httpx.Client(base_url=one.url) as first:
        codes = [login(first, "leader", "wrong-wrong-1").status_code for _ in range(throttle.FREE)]
    with httpx.Client(base_url=two.url) as second:
        locked = login(second, "leader", PASSWORD)
    assert (codes, locked.status_code) == ([401] * throttle.FREE, 429)
    assert "登录失败次数过多" in locked.text and int(locked.headers["Retry-After"]) > 0


def test_an_evidence_file_uploaded_through_one_server_is_downloaded_through_the_other(site):
    front, one, two, web = site
    item_id = web.item("in_progress")
    with web.db.session() as s:
        token = store_users.create_token(s, user_id=web.users["unit_a"].id)
    auth = {"Authorization": f"Bearer {token}"}
    data = jpeg()
    sent = httpx.post(f"{one.url}/api/items/{item_id}/progress", headers=auth,
                      data={"text": "主体完工", "percent": "60", "version": str(web.version(item_id))},
                      files={"files": ("现场照片.jpg", data, "image/jpeg")})
    assert sent.status_code == 200, sent.text
    [listed] = httpx.get(f"{two.url}/api/items/{item_id}/attachments", headers=auth).json()
    download = httpx.get(f"{two.url}/api/items/{item_id}/attachments/{listed['id']}", headers=auth)
    assert (download.status_code, download.content) == (200, data)


def test_health_and_metrics_through_nginx_and_directly(site):
    front, one, two, web = site
    assert httpx.get(f"{front}/readyz").json() == {"status": "ok"}
    assert httpx.get(f"{front}/metrics").status_code == 403  # nginx refuses it on the public address
    answer = httpx.get(f"{front}/healthz", headers={"X-Request-ID": "mine-1"})
    assert answer.headers["X-Request-ID"] != "mine-1"  # nginx sets its own id, whatever the client sent
    direct = httpx.get(f"{one.url}/metrics")
    assert direct.status_code == 200 and 'luoshi_queue_depth{queue="outbox"}' in direct.text


def test_killing_one_server_loses_no_request_nginx_can_retry(site):
    front, one, two, web = site
    item_id = web.item("assigned")
    with web.db.session() as s:
        token = store_users.create_token(s, user_id=web.users["office"].id)
    auth = {"Authorization": f"Bearer {token}"}
    statuses: list[int | str] = []
    cut: list[str] = []
    stop = threading.Event()

    def fire() -> None:
        with httpx.Client(base_url=front, headers=auth, timeout=20) as client:
            while not stop.is_set():
                try:
                    statuses.append(client.get(f"/api/items/{item_id}").status_code)
                except httpx.RemoteProtocolError as exc:
                    # An answer the killed process had begun to send (nginx had relayed its first bytes) can be
                    # retried by no proxy: nginx closes the connection and the client asks again, as a
                    # browser does with a GET. At most the requests in flight at the kill, one a client.
                    cut.append(type(exc).__name__)
                except httpx.HTTPError as exc:
                    statuses.append(type(exc).__name__)

    clients = [threading.Thread(target=fire) for _ in range(4)]
    for thread in clients:
        thread.start()
    until(lambda: len(statuses) >= 20)
    before = len(statuses)
    one.kill()
    until(lambda: len(statuses) >= before + 40)
    stop.set()
    for thread in clients:
        thread.join(30)
    assert len(statuses) >= before + 40  # requests ran before and after the kill
    assert [s for s in statuses if s != 200] == []  # no 502, no refused connection: nginx retried them
    assert len(cut) <= len(clients)


def until(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
