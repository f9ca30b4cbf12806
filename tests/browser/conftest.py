"""One headless Chromium (Debian's package) per test process, shared by the browser modules
that run there; each module's contexts (its pages, cookies, storage) are closed when it ends."""

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# CI runs three test processes on two cores, each with its servers and Chromium: a page that
# paints in a second alone took over 5 s (Playwright's default wait) there. An assertion that
# holds returns as soon as it does, so a longer wait costs only the failing test.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Launched once per worker (a launch, with Playwright's driver, was ~2 s of CPU, measured;
    there are a dozen browser modules)."""
    if CHROMIUM is None:
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox"],
            timeout=120_000,  # Playwright's 30 s, on a loaded machine, is too close
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def browser(chromium: Browser) -> Iterator[Browser]:
    """The worker's Chromium for one module: every context the module opened and left open is
    closed when it ends, as closing a browser of its own did."""
    yield chromium
    for context in chromium.contexts:
        context.close()
