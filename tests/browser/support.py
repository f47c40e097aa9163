"""What every browser test shares: chromium's arguments, how a person logs in, where
screenshots go. Each test drives Debian's chromium through Playwright's sync API against
pytest-django's live server."""

from __future__ import annotations

import os
from pathlib import Path

# The live server runs in a thread of the test process; Playwright's sync API runs an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "pw-for-tests-123"
TIMEOUT_MS = 15_000


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
