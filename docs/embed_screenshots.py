"""Take docs/embedding.md's screenshots: `make screenshots` (needs Debian's chromium).

Serves the bundled collection from a throwaway store, and a campaign page from a second origin
on 127.0.0.1 (allowed through EMBED_ORIGINS) with the snippets as docs/embedding.md gives them;
saves the widget and the frame on a laptop and a phone, the plain link a site not allowed gets,
and the search page's "Embed this search" panel, into docs/screenshots/embed-*.png.
"""

import re
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, expect, sync_playwright

from testkit.servers import free_port, service, static_site

OUT = Path(__file__).parent / "screenshots"
SEARCH = "theme=care-leavers&age_band=16-25"
# The styling example of docs/embedding.md.
HOST_STYLE = """
  body { font: 18px/1.5 Georgia, serif; color: #222; max-width: 44rem; margin: 2rem auto;
         padding: 0 1rem; }
  h1 { color: #5a2d82; }
  case-study-search {
    --case-study-search-link-color: #5a2d82;
    --case-study-search-muted-color: #555;
    --case-study-search-border-color: #d8c8e8;
    --case-study-search-gap: 0.75rem;
  }
  case-study-search::part(count) { text-transform: uppercase; letter-spacing: 0.05em; }
"""


def snippet(service_url: str, mode: str = "") -> str:
    attributes = 'mode="frame" ' if mode else ""
    return (
        f'<case-study-search {attributes}theme="care-leavers" age-band="16-25" limit="3">\n'
        f'  <a href="{service_url}/?theme=care-leavers&amp;age_band=16-25">'
        "Bright Futures case studies: Care leavers, 16 to 25</a>\n"
        "</case-study-search>\n"
        f'<script src="{service_url}/widget.js" defer></script>'
    )


def host_pages(folder: Path, service_url: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, mode in (("widget", ""), ("frame", "frame")):
        (folder / f"{name}.html").write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>Leaving care well</title><link rel="icon" href="data:,"><style>{HOST_STYLE}'
            "</style></head><body><main><h1>Leaving care well</h1><p>Councils that help young "
            "people leaving care into work, homes and study:</p>"
            f"{snippet(service_url, mode)}</main></body></html>"
        )


def shoot(browser: Browser, url: str, name: str, width: int, mode: str) -> None:
    page = browser.new_page(viewport={"width": width, "height": 600})
    if mode == "fallback":  # the widget learns at once that the site is refused, and says so
        with page.expect_console_message(lambda m: "is not on the list" in m.text):
            page.goto(url)
    else:
        page.goto(url)
    if mode == "widget":
        expect(page.locator("case-study-search li").first).to_be_visible()
    elif mode == "frame":
        expect(page.locator("case-study-search iframe")).to_have_attribute(
            "style", re.compile("height")
        )
    page.screenshot(path=str(OUT / name), full_page=True)
    print(f"wrote {OUT / name}")
    page.close()


def panel(browser: Browser, base: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/?{SEARCH}")
    page.locator("details.embed > summary").click()
    expect(page.locator("[data-embed-previews] case-study-search li").first).to_be_visible()
    page.locator("details.embed").screenshot(path=str(OUT / "embed-panel.png"))
    print(f"wrote {OUT / 'embed-panel.png'}")
    page.close()


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is missing: apt-get install chromium")
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        port = free_port()
        service_url = f"http://127.0.0.1:{port}"
        host_pages(tmp / "host", service_url)
        host_pages(tmp / "stranger", service_url)
        with (
            static_site(tmp / "host") as host,
            static_site(tmp / "stranger") as stranger,
            service(tmp, {"EMBED_ORIGINS": host, "RATE_LIMIT": "off"}, port=port) as base,
            sync_playwright() as p,
        ):
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            shoot(browser, f"{host}/widget.html", "embed-widget.png", 1280, "widget")
            shoot(browser, f"{host}/widget.html", "embed-widget-phone.png", 390, "widget")
            shoot(browser, f"{host}/frame.html", "embed-frame.png", 1280, "frame")
            shoot(browser, f"{host}/frame.html", "embed-frame-phone.png", 390, "frame")
            shoot(browser, f"{stranger}/widget.html", "embed-fallback.png", 1280, "fallback")
            panel(browser, base)
            browser.close()


if __name__ == "__main__":
    main()
