"""Browser tests: Playwright's sync API driving Debian's chromium against pytest-django's
live server. Without a browser they skip, saying why; under CI (REQUIRE_BROWSER=1) they fail."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside
# one unless told that this is safe (it is: the live server serves from its own thread).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "x"  # tests/workflows/conftest.person()
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # the phone of issue #21


def _no_browser(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not os.path.exists(CHROMIUM):
        _no_browser(f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def e2e_world(transactional_db):
    from tests.workflows.conftest import build_world

    return build_world()


class Session:
    """One person's browser window: logs in through the login page like anyone would."""

    def __init__(self, browser, base_url: str, username: str | None, viewport: dict = DESKTOP):
        self.context = browser.new_context(base_url=base_url, locale="vi-VN", viewport=viewport)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.username = username
        if username:
            self.login()

    def login(self) -> None:
        page = self.page
        page.goto("/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(self.username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_label("Mật khẩu").press("Enter")  # the keyboard is enough
        page.wait_for_url(re.compile(r"/$"))
        assert page.get_by_role("heading", name=re.compile("Xin chào")).is_visible()

    def shot(self, name: str, full_page: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def login(browser, live_server):
    opened: list[Session] = []

    def open_session(username: str | None, viewport: dict = DESKTOP) -> Session:
        """A signed-in window (username None: nobody signed in) of the given size."""
        session = Session(browser, live_server.url, username, viewport)
        opened.append(session)
        return session

    yield open_session
    for session in opened:
        session.close()


@pytest.fixture(scope="session")
def axe():
    """axe-core, as shipped inside the axe-playwright-python package (a dev dependency): its
    run(page) injects axe.min.js with page.evaluate, which the pages' CSP does not govern."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        _no_browser("the axe-playwright-python package is not installed (pip install -e '.[dev]')")
    return Axe()
