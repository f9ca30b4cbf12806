"""Take the README's screenshots: `make screenshots` (needs Debian's chromium).

Serves the bundled collection from a throwaway store on 127.0.0.1 and saves the search page and
a case study page, at a laptop's width and a phone's, into docs/screenshots/. A shot may click
something first (the phone's Filter button).
"""

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from testkit.servers import service

OUT = Path(__file__).parent / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# (file, path, viewport, what to click first or None)
SHOTS = [
    ("search.png", "/?q=care+leavers&region=north-west", DESKTOP, None),
    (
        "case-study.png",
        "/case-studies/suffolk-staying-close?from=q%3Dcare%2Bleavers",
        DESKTOP,
        None,
    ),
    ("search-phone.png", "/?q=fostering", PHONE, None),
    ("search-phone-filters.png", "/?q=fostering&age_band=11-16", PHONE, "#filter-toggle"),
    (
        "case-study-phone.png",
        "/case-studies/suffolk-staying-close?from=q%3Dcare%2Bleavers",
        PHONE,
        None,
    ),
]


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is missing: apt-get install chromium")
    OUT.mkdir(exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        service(Path(tmp)) as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for name, path, viewport, click in SHOTS:
            page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
            page.goto(base + path)
            if click:
                page.click(click)
            page.screenshot(path=str(OUT / name))
            print(f"wrote {OUT / name}")
        browser.close()


if __name__ == "__main__":
    main()
