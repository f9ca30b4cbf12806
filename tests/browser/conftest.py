"""The browser tests share one headless Chromium per module (the fixture of test_pages.py)."""

from tests.browser.test_pages import browser  # noqa: F401
