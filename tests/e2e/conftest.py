"""Browser fixtures: Playwright driving Debian's Chromium (never ``playwright install``)."""
from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed")


def _browser_page(**options):  # type: ignore[no-untyped-def]
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        context = browser.new_context(**{"locale": "ja-JP", "timezone_id": "Asia/Tokyo", **options})
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()
        browser.close()


@pytest.fixture
def page(live_server):  # type: ignore[no-untyped-def]
    yield from _browser_page()


@pytest.fixture
def phone(live_server):  # type: ignore[no-untyped-def]
    """A 390×844 touch screen (an iPhone 14-sized phone)."""
    yield from _browser_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                             device_scale_factor=3)


