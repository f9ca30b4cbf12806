"""What every browser journey checks on the pages it reaches, written once: axe-core finds
nothing, the page fits the screen's width (with WCAG's text spacing too), the keyboard reaches a
control and shows focus on it, and no script error is logged."""

import os
import re
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# What Playwright says when a script ran on a page that was being replaced by the next.
NAVIGATING = ("reading 'documentElement'", "Execution context was destroyed")

SIZES = {"desk": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def accessible(page: Page) -> None:
    """axe-core finds no violation of any impact (it needs the page's JavaScript).

    It checks the page once it has loaded. A click that navigates returns before the next page
    exists, and axe run in between found no document (CI, 2 December): that page is checked
    again once it has loaded, so the page checked is always the one arrived at."""
    page.wait_for_load_state("load")
    try:
        results: Any = Axe().run(page)
    except PlaywrightError as error:
        if not any(sign in str(error) for sign in NAVIGATING):
            raise
        page.wait_for_load_state("load")
        results = Axe().run(page)
    found = [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
    ]
    assert found == [], (page.url, found)


def fits(page: Page) -> None:
    """Nothing scrolls sideways at the page's width."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways"  # type: ignore[index]


# WCAG 1.4.12's text spacing, as its bookmarklet sets it: nothing may be lost or overlap.
SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
)


# WCAG 1.4.4's text resized to 200%, by the root's font size (harsher than the browser's own
# setting: a media query's rem stays the browser's first font size, 16 px).
ROOT_200 = "html { font-size: 200% !important; }"


def adopt(page: Page, css: str) -> None:
    """Apply `css` until the page changes (a constructed style sheet: the pages'
    Content-Security-Policy refuses an inline <style>)."""
    page.evaluate(
        "css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);"
        " document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }",
        css,
    )


def spaced(page: Page) -> None:
    """Apply the text-spacing styles until the page changes."""
    adopt(page, SPACING)


def shoot(target: Page | Locator, **options: Any) -> None:
    """A screenshot for people to look at, taken when $SHOTS_DIR is set (when someone will).

    A full-page screenshot cost Chromium 0.5-2 s of CPU (a long page at 1280 px, measured), and
    the journeys take some seventy of them: files nobody opened on a run that only checks. A
    test that needs the page painted takes its own screenshot."""
    if os.environ.get("SHOTS_DIR"):
        target.screenshot(**options)


def check(page: Page, shot: str | Path, javascript: bool = True) -> None:
    """Fits the width, passes axe-core (with JavaScript on: without it axe.run never settles),
    and a screenshot of the whole page for people to look at (see shoot)."""
    fits(page)
    if javascript:
        accessible(page)
    shoot(page, path=shot, full_page=True)


def tab_to(page: Page, text: str, limit: int = 60) -> None:
    """Press Tab until the focused element reads `text`, and check that focus shows. A page
    with an autofocus element (a banner, an error summary) is given it first, as a person sees
    it: Chromium applies autofocus after rendering, and a Tab pressed before that, on a loaded
    machine, started from the top of the page."""
    try:
        page.wait_for_function(
            "() => { const a = document.querySelector('[autofocus]');"
            " return !a || a.offsetParent === null || document.activeElement !== document.body }",
            timeout=5_000,
        )
    except PlaywrightTimeoutError:
        # Chromium at times skips autofocus altogether on a loaded machine (CI, 1 December):
        # the markup asks for it, so start where a browser that honours it would.
        page.locator("[autofocus]").first.focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return (e.innerText || e.value || e.getAttribute('aria-label') || '').trim() })()"
        )
        if " ".join(focused.split()) == text:
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
            assert outline != "none" or shadow != "none", f"{text!r} shows no focus"
            return
    raise AssertionError(f"Tab never reached {text!r} on {page.url} (last: {focused!r})")


def script_errors(page: Page) -> list[str]:
    """The list the page's console errors and uncaught exceptions will be added to."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def back_at(page: Page, search: str) -> None:
    """Wait for "Back to results" to reach the exact search, at the result the person left
    (the #result-… fragment the link adds)."""
    page.wait_for_url(re.compile("^" + re.escape(search) + r"#result-[a-z0-9-]+$"))
