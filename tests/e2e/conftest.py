"""Browser tests drive Debian's Chromium through Playwright (no browser download)."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    reason = None
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        reason = "NO /usr/bin/chromium (apt-get install chromium): BROWSER TESTS SKIPPED"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "PLAYWRIGHT NOT INSTALLED: BROWSER TESTS SKIPPED"
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself (building data) are ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
