"""luoshi's own commands as separate processes for the tests of several processes on one PostgreSQL
(`luoshi serve`, `luoshi worker`), and a PostgreSQL schema of their own, migrated, with the web fixtures'
units and users in it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from browserfixtures import free_port
from conftest import ROOT, _skip_or_fail, new_pg_schema, postgres_base_url


def pg_empty_schema_or_skip() -> str:
    """The URL of a new, empty PostgreSQL schema; skipped (failed in CI) without a server that takes it."""
    base = postgres_base_url()
    if base is None:
        _skip_or_fail("PostgreSQL is not reachable at 127.0.0.1:5432; set LUOSHI_TEST_POSTGRES_URL")
    try:
        return new_pg_schema(base)
    except Exception as exc:  # the server answers the port but refuses us, or the URL's port is closed
        _skip_or_fail(f"PostgreSQL refused a test schema: {exc}")
        raise


def pg_schema_or_skip() -> str:
    """The URL of a new PostgreSQL schema migrated to the head; skipped (failed in CI) without a server."""
    from luoshi.store.db import make_engine, upgrade

    url = pg_empty_schema_or_skip()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def luoshi_env(database_url: str, data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a luoshi process on `database_url`, importing this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_")}
    env |= {"PYTHONPATH": str(ROOT), "LUOSHI_DATABASE_URL": database_url, "LUOSHI_DATA_DIR": str(data_dir),
            "LUOSHI_ENVIRONMENT": "test", "LUOSHI_SECRET_KEY": "two-servers-test-secret-0123456789",
            "LUOSHI_AUDIT_KEY": "two-servers-test-audit-key-0123456789"}
    env |= {f"LUOSHI_{k.upper()}": v for k, v in settings.items()}
    return env


class LuoshiProcess:
    """`luoshi ARGS…` in a child process, its output in a log file; `kill()` is kill -9."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.log = log
        self.process = subprocess.Popen([sys.executable, "-m", "luoshi.cli", *args], env=env, cwd=log.parent,
                                        stdout=log.open("wb"), stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class Server(LuoshiProcess):
    """`luoshi serve` on a free loopback port, answering /healthz once started."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(["serve", "--port", str(self.port)], env, log)

    def wait_ready(self, seconds: float = 60) -> "Server":
        wait_for_http(f"{self.url}/healthz", seconds, self)
        return self


def wait_for_http(url: str, seconds: float, process: LuoshiProcess | subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        popen = getattr(process, "process", process)
        if popen is not None and popen.poll() is not None:
            detail = process.output() if isinstance(process, LuoshiProcess) else ""
            raise AssertionError(f"{url}: the process ended ({popen.returncode}) before answering\n{detail}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {seconds} s")
