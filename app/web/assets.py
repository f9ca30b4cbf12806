"""Scripts other websites load, named by a hash of their content so that they can be cached for
a year: `/widget.<version>.js`, with the Subresource Integrity value of its bytes."""

import base64
import functools
import hashlib
from dataclasses import dataclass

from app.config import ROOT

STATIC = ROOT / "app" / "static"


@dataclass(frozen=True)
class VersionedScript:
    """Its version and integrity worked out once (hashing the script was 28 µs of every search
    page, which names both in its embed panel: issue 19)."""

    name: str
    body: bytes

    @functools.cached_property
    def version(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:16]

    @functools.cached_property
    def path(self) -> str:
        """The URL path of this exact version, which never changes what it serves."""
        return f"/{self.name}.{self.version}.js"

    @functools.cached_property
    def integrity(self) -> str:
        """For <script integrity=…>: the browser refuses the script if a byte differs."""
        return "sha384-" + base64.b64encode(hashlib.sha384(self.body).digest()).decode()


@functools.cache
def widget_script() -> VersionedScript:
    """The <case-study-search> script as this release ships it (read once per process)."""
    return VersionedScript("widget", (STATIC / "widget.js").read_bytes())
