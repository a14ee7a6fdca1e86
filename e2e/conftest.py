"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Skipped cleanly when Playwright or /usr/bin/chromium is missing (quick SQLite runs).
Browsers are never downloaded: Playwright is pointed at the system Chromium.
Screenshots of the main pages go to `test-artifacts/e2e/` (not committed).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# tests themselves must still be allowed (scripts/test.sh sets this too).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "e2e"
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shop(live_server, transactional_db, settings, sms_outbox) -> str:
    """The live shop's base URL, with the demo catalog and emails linking back to it."""
    from catalog.demo import demo_catalog_seed

    settings.FRONTEND_URL = live_server.url
    settings.PAYMENT_SANDBOX_CALLBACK_URL = ""
    demo_catalog_seed()
    return live_server.url


def new_page(
    browser: Any, *, width: int = 1280, height: int = 900, javascript: bool = True, locale: str = "en-US"
):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale=locale, java_script_enabled=javascript
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page


@pytest.fixture
def page(browser) -> Iterator[Any]:
    """A fresh browser context (cookies, storage) per test, English UI, desktop width."""
    context, page = new_page(browser)
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
