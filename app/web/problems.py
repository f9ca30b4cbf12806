"""One error shape for everything: application/problem+json (RFC 9457), from a few handlers."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.search.index import IndexUnavailable

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class AppError(Exception):
    """An error a client can act on; its detail says what to fix."""

    status = 400
    title = "Bad request"

    headers: dict[str, str] | None = None

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class NotFound(AppError):
    status = 404
    title = "Not found"


class InvalidParameter(AppError):
    status = 422
    title = "Invalid parameter"


class Unauthorized(AppError):
    status = 401
    title = "Unauthorized"
    headers = {"WWW-Authenticate": 'Bearer realm="api"'}


class Forbidden(AppError):
    status = 403
    title = "Forbidden"


class Conflict(AppError):
    status = 409
    title = "Conflict"


def wants_html(request: Request) -> bool:
    """A browser asking for a page gets the error as a page; everyone else as problem+json."""
    path = request.url.path
    if path.startswith(("/api/", "/feeds/", "/static/")) or path == "/widget.js":
        return False
    return "text/html" in request.headers.get("accept", "")


def problem(
    request: Request,
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
) -> Response:
    if wants_html(request):
        from app.web.pages.templating import (
            templates,  # pages only: keeps the API free of templates
        )

        return templates.TemplateResponse(
            request, "error.html", {"title": title, "detail": detail}, status_code=status
        )
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _pointer(loc: tuple[Any, ...]) -> str:
    return "#/" + "/".join(str(part) for part in loc)


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    response = problem(request, exc.status, exc.title, exc.detail, exc.errors)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    titles = {
        400: "Bad request",
        404: "Not found",
        405: "Method not allowed",
        413: "Request too large",
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
    errors = [
        {
            "detail": f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}",
            "pointer": _pointer(tuple(e["loc"])),
        }
        for e in exc.errors()
    ]
    detail = "; ".join(e["detail"] for e in errors) or "The request is not valid."
    return problem(request, 422, "Invalid request", detail, errors)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(request, 500, "Internal error", "Something went wrong on our side; try again.")


async def _index_unavailable(request: Request, exc: Exception) -> Response:
    log.error("search index unreadable, rebuilding: %s", exc)
    response = problem(
        request,
        503,
        "Search is rebuilding",
        "The search index is being rebuilt; try again in a few seconds.",
    )
    response.headers["Retry-After"] = "2"
    return response


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(IndexUnavailable, _index_unavailable)
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
