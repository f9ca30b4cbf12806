"""One error shape for everything: application/problem+json (RFC 9457), from a few handlers."""

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope, Send

from app.core.errors import (
    Conflict,
    Error,
    Forbidden,
    Invalid,
    NotFound,
    TooMany,
    Unauthenticated,
    Unavailable,
)

PROBLEM_JSON = "application/problem+json"
MAX_ERRORS = 30  # listed in a validation error; the rest are counted, so the answer stays small
MACHINE_PATHS = ("/widget.js", "/healthz", "/readyz", "/metrics")  # never answered as a page
log = logging.getLogger(__name__)


# Each domain error's status and title; subclasses inherit their parent's.
STATUS: dict[type[Error], tuple[int, str]] = {
    NotFound: (404, "Not found"),
    Invalid: (422, "Invalid parameter"),
    Unauthenticated: (401, "Unauthorized"),
    Forbidden: (403, "Forbidden"),
    Conflict: (409, "Conflict"),
    Unavailable: (503, "Search is rebuilding"),
    TooMany: (429, "Too many requests"),
}
HEADERS: dict[type[Error], dict[str, str]] = {
    Unauthenticated: {"WWW-Authenticate": 'Bearer realm="api"'},
    Unavailable: {"Retry-After": "2"},
}


def _status(exc: Error) -> tuple[int, str, dict[str, str]]:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return (*STATUS[cls], HEADERS.get(cls, {}))
    return 400, "Bad request", {}


def wants_html(request: Request) -> bool:
    """A browser asking for a page gets the error as a page; everyone else as problem+json."""
    path = request.url.path
    if path.startswith(("/api/", "/feeds/", "/static/")) or path in MACHINE_PATHS:
        return False
    return "text/html" in request.headers.get("accept", "")


def problem_body(
    status: int,
    title: str,
    detail: str,
    instance: str,
    errors: list[dict[str, str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The one problem document every error is made from (handlers, middleware, /readyz)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return {**body, **extra}


def problem(
    request: Request,
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """The error as problem+json, or as a plain-words page for a browser."""
    if wants_html(request):
        from app.web.pages.templating import templates  # pages only

        return templates.TemplateResponse(
            request,
            "embed_error.html" if request.url.path == "/embed" else "error.html",
            {"status": status, "title": title, "detail": detail},
            status_code=status,
            headers=headers,
        )
    body = problem_body(status, title, detail, request.url.path, errors, **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    title: str,
    detail: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer with a problem document straight from middleware, before the app sees anything."""
    body = json.dumps(problem_body(status, title, detail, scope.get("path", ""))).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                *(headers or [(b"connection", b"close")]),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _pointer(loc: tuple[Any, ...]) -> str:
    return "#/" + "/".join(str(part) for part in loc)


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Error)
    status, title, headers = _status(exc)
    if isinstance(exc, Unavailable):
        log.error("unavailable, rebuilding: %s", getattr(exc, "cause", exc.detail))
    response = problem(request, status, title, exc.detail, exc.errors, **exc.extensions)
    response.headers.update(headers)
    if isinstance(exc, TooMany):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    titles = {
        400: "Bad request",
        404: "Not found",
        405: "Method not allowed",
        413: "Request too large",
        429: "Too many requests",
    }
    detail = str(exc.detail)
    if detail == "There was an error parsing the body":  # FastAPI's words for unreadable JSON
        detail = (
            "The body is not JSON this service can read: malformed, nested too deeply or not UTF-8."
        )
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"Nothing lives at {request.url.path}; the API is under /api/v1 (see /docs)."
    response = problem(request, exc.status_code, titles.get(exc.status_code, "Error"), detail)
    if exc.headers:
        response.headers.update(exc.headers)
    if exc.status_code == 405:
        allowed = ", ".join(_allowed_methods(request))
        response = problem(
            request,
            405,
            titles[405],
            f"{request.url.path} answers {allowed}, not {request.method}.",
        )
        response.headers["Allow"] = allowed
    return response


def _allowed_methods(request: Request) -> list[str]:
    """Every method any route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for pattern, served in getattr(request.app.state, "route_methods", []):
        if pattern.match(request.url.path):
            methods |= served
    return sorted(methods)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    found = exc.errors()
    errors = [
        {
            "detail": f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}",
            "pointer": _pointer(tuple(e["loc"])),
        }
        for e in found[:MAX_ERRORS]
    ]
    detail = "; ".join(e["detail"] for e in errors) or "The request is not valid."
    if len(found) > MAX_ERRORS:
        detail += f"; and {len(found) - MAX_ERRORS} more problems not listed"
    return problem(request, 422, "Invalid request", detail, errors)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(request, 500, "Internal error", "Something went wrong on our side; try again.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Error, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
