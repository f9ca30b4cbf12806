"""The moderators' pages share a navigation bar; this renders a page with it.

The search-language pages (synonyms, best bets) come from another branch: they are linked only
when this app serves them, so the bar never links to a 404."""

import re
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.web.pages.rendering import render

LINKS = (
    ("/moderation", "Queue"),
    ("/moderation/coverage", "Coverage"),
    ("/moderation/searches", "Searches"),
    ("/moderation/synonyms", "Everyday words"),  # as the page is headed
    ("/moderation/best-bets", "Best bets"),
    ("/moderation/stale", "Out of date"),
    ("/people", "People"),
    ("/moderation/keys", "API keys"),
    ("/moderation/embeds", "Embedding"),
)


def _served(request: Request, path: str) -> bool:
    routes: list[tuple[re.Pattern[str], set[str]]] = request.app.state.route_methods
    return any(pattern.match(path) and "GET" in methods for pattern, methods in routes)


def nav(request: Request, current: str) -> list[tuple[str, str, bool]]:
    """(address, words, whether it is this page) for each page the app serves."""
    return [(href, words, href == current) for href, words in LINKS if _served(request, href)]


def render_moderation(
    request: Request,
    template: str,
    current: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    return render(request, template, {"nav": nav(request, current), **(context or {})}, status_code)
