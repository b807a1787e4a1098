"""What one request costs luoshi, in instructions: a figure that does not depend on how busy the machine is.

Run: python bench/instructions.py --url DB [--kinds "ledger API,item API,me,ledger page"] [--requests 50]
The app is made in this process on a province (`bench/make_province.py`) and called directly through ASGI (no
server, no client, no network): each kind is sent --requests times after a warm-up, under valgrind's
callgrind, and once more with a single request; the difference, divided by --requests, is the instructions one
request costs the app, from its first middleware to its last byte, its database driver included (PostgreSQL's
own work is another process's). Counts repeat within a fraction of a percent run after run, on a busy
machine or an idle one, where CPU seconds of one-at-a-time requests vary by ±15 % here (`bench/province.py`).
The process is set up as a server process is (its garbage collector frozen after start and its young
generation collected every `GC_YOUNG` allocations), without the server's background jobs.
Needs valgrind (Debian's package). Each kind takes about a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import subprocess
import sys

KINDS = {
    "ledger API": ("token", "/api/items?state=in_progress&sort=due&per_page=25"),
    "ledger API (unit)": ("unit token", "/api/items?state=in_progress&sort=due&per_page=25"),
    "ledger API (red)": ("token", "/api/items?state=in_progress&warning=red&sort=due&page=2&per_page=25"),
    "ledger API (yellow)": ("token", "/api/items?state=assigned&warning=yellow&sort=-due&per_page=25"),
    "item API": ("token", "/api/items/{item}"),
    "me": ("token", "/api/me"),
    "ledger page": ("cookie", "/ledger?state=in_progress&sort=due&per_page=25"),
    "item page": ("cookie", "/items/{item}"),
    "dashboard": ("cookie", "/dashboard"),
    "search (office)": ("token", "/api/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"),  # 营商环境: a common word
    "search (unit)": ("unit token", "/api/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"),
    "healthz": (None, "/healthz"),
}


def measure(url: str, kind: str, requests: int) -> int:
    """Instructions of `requests` requests of `kind`, less those of one (the start, the warm-up alike)."""
    counts = []
    for n in (1, requests + 1):
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                               __file__, "--url", url, "--inside", kind, "--requests", str(n)],
                              capture_output=True, text=True, check=False,
                              env={**os.environ, "PYTHONHASHSEED": "0"})  # the same dict orders in both runs
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode != 0 or found is None:
            raise SystemExit(f"{kind}: the run under valgrind failed:\n{done.stderr[-2000:]}")
        counts.append(int(found.group(1)))
    return (counts[1] - counts[0]) // requests


def inside(url: str, kind: str, requests: int) -> None:
    """The requests themselves, in this process (run by `measure` under valgrind)."""
    os.environ.update(LUOSHI_DATABASE_URL=url, LUOSHI_ENVIRONMENT="test",
                      LUOSHI_SECRET_KEY=os.environ.get("LUOSHI_SECRET_KEY", "instructions-bench-" + "x" * 24))
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from luoshi.ledger import Role
    from luoshi.samples.province import PASSWORD
    from luoshi.store import users as store_users
    from luoshi.store.models import ItemRow
    from luoshi.web.app import GC_YOUNG, create_app

    app = create_app()
    credentials, template = KINDS[kind]
    headers = [(b"host", b"bench")]
    with app.state.db.session() as s:
        if credentials in ("token", "unit token"):
            who = (store_users.get_user(s, username="office") if credentials == "token" else
                   next(u for u in store_users.list_users(s) if u.role is Role.UNIT and u.unit_id))
            token = store_users.create_token(s, user_id=who.id, name="instructions bench")
            headers.append((b"authorization", f"Bearer {token}".encode()))
        item = s.scalar(select(ItemRow.id).where(ItemRow.state == "in_progress").order_by(ItemRow.id).limit(1))
    if credentials == "cookie":
        client = TestClient(app)
        page = client.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": "office", "password": PASSWORD, "csrf_token": csrf},
                    follow_redirects=False)
        headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in client.cookies.items()).encode()))
    path, _, query = template.format(item=item).partition("?")

    async def call() -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
                 "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        await app(scope, receive, send)
        if sent[0]["status"] != 200:
            raise SystemExit(f"{kind}: {path} answered {sent[0]['status']}")

    async def run() -> None:
        for _ in range(20):  # warm-up: statement caches, prepared statements, templates
            await call()
        gc.collect()
        gc.freeze()
        gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
        for _ in range(requests):
            await call()

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="a province's database (bench/make_province.py)")
    parser.add_argument("--kinds", default="ledger API,ledger API (unit),item API,me,ledger page,item page,healthz")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        inside(args.url, args.inside, args.requests)
        return
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise SystemExit(f"unknown kind {unknown[0]!r}: one of {', '.join(KINDS)}")
    print(f"instructions per request ({args.requests} requests of each kind, in process, under callgrind)")
    for kind in kinds:
        print(f"  {kind:<20} {measure(args.url, kind, args.requests) / 1e6:8.2f} M", flush=True)


if __name__ == "__main__":
    main()
