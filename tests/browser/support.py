"""What every browser test shares: Debian's chromium started and closed, a page per person,
how a person logs in, where screenshots go. Each test drives chromium through Playwright's
sync API against pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import CHROMIUM

# The live server runs in a thread of the test process; Playwright's sync API runs an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "pw-for-tests-123"
TIMEOUT_MS = 15_000


@contextmanager
def chromium_browser() -> Iterator:
    """Debian's chromium under Playwright, closed whatever the test does."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def person_page(browser, *, height: int = 900):
    """A page in a context of its own (one person's cookies), in Chinese, with the tests' timeout.
    ``page.context.close()`` ends that person's session."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def artifacts() -> Path:
    path = Path(os.environ.get("SHARECITY_ARTIFACTS", "var/artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def login(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base_url}{next_path}")
