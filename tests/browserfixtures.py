"""Fixtures of the browser tests: one headless Chromium (Debian's, driven by Playwright) and one uvicorn
server per test session, on a free loopback port, serving a fresh SQLite database.

Without Chromium (or Playwright) the browser tests are skipped with the reason, unless
LUOSHI_TEST_REQUIRE_ALL=1 (CI), where they fail.
"""

from __future__ import annotations

import atexit
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, _skip_or_fail

CHROMIUM = os.environ.get("LUOSHI_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """uvicorn serving `app` in a thread of this process, until `stop()`."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "Server":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"the test server did not start on port {self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


_SHARED: dict[str, object] = {}


def _shared_browser():
    """The one Playwright and Chromium of this process, started on first use, stopped at exit.

    Every test module imports the `chromium` fixture, and pytest makes one fixture instance per module
    that imports it; a second `sync_playwright()` in the same thread would fail, so all share this one.
    """
    if "browser" not in _SHARED:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _SHARED["playwright"] = playwright
        _SHARED["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        atexit.register(_stop_browser)
    return _SHARED["browser"]


def _stop_browser() -> None:
    browser, playwright = _SHARED.pop("browser", None), _SHARED.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole test session, shared by every module that imports this."""
    if not Path(CHROMIUM).exists():
        _skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); browser tests skipped")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _skip_or_fail("the playwright package is not installed (pip install -e '.[test]'); browser tests skipped")
    return _shared_browser()


def sign_in(browser, url: str, username: str, password: str, *, width: int = 1360):
    """A page of a new browser context (Chinese locale, downloads accepted) signed in to the site at `url`."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
