"""The API's own documentation at /docs (Swagger UI) and /redoc (ReDoc), served whole by this
service: their scripts and styles come from the fastapi-offline package, never from a CDN, so
the docs work on a council network that reaches no outside host. No inline script either, so
the CSP can stay at script-src 'self'."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from app.web.pages.templating import templates

router = APIRouter(include_in_schema=False)
ASSETS = "/static/api-docs"  # mounted before /static by create_app


def assets() -> StaticFiles:
    """Swagger UI's and ReDoc's files as the fastapi-offline package ships them."""
    return StaticFiles(packages=[("fastapi_offline", "static")])


def _page(request: Request, template: str) -> Response:
    root = request.scope.get("root_path", "")
    context = {
        "title": request.app.title,
        "openapi_url": f"{root}{request.app.openapi_url}",
        "assets": f"{root}{ASSETS}",
        "static": f"{root}/static",
    }
    return templates.TemplateResponse(request, template, context)


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> Response:
    return _page(request, "api_docs/swagger.html")


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> Response:
    return _page(request, "api_docs/redoc.html")
