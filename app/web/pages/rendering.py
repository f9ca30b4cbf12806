"""Rendering the pages of signed-in work and of signing in: every one gets the account (for the
account bar), a CSRF token for its forms, `Cache-Control: no-store` (they show what is not
public) and, for a form that failed, its errors in GOV.UK's shape."""

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.core.errors import Error
from app.web import csrf
from app.web.pages.templating import templates


def field_errors(error: Error, default_field: str) -> dict[str, str]:
    """An error's messages by form field (first message per field), in the order given."""
    found: dict[str, str] = {}
    for item in error.errors or [{"detail": error.detail, "pointer": f"#/{default_field}"}]:
        field = item.get("pointer", "").removeprefix("#/").split("/")[-1] or default_field
        found.setdefault(field, item["detail"])
    return found


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    context = {
        "account": getattr(request.state, "account", None),
        "csrf_field": csrf.FIELD,
        "csrf_token": lambda: csrf.token(request),
        "errors": {},
        **(context or {}),
    }
    response = templates.TemplateResponse(
        request,
        template,
        context,
        status_code=status_code,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )
    csrf.remember(request, response)
    return response
