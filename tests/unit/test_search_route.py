"""SearchRoute reads a search endpoint's query string itself: every answer, 422s included, and
what /openapi.json says must be what FastAPI's own route gives for the same declaration."""

from collections.abc import Iterator
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient

from app.services.filters import SearchRequest
from app.web.problems import install_error_handlers
from app.web.routes.params import search_params
from app.web.search_route import SearchRoute


async def asker(request: Request) -> str:
    return request.url.path


def endpoint(
    path: Annotated[str, Depends(asker)],
    search: Annotated[SearchRequest, Depends(search_params)],
    explain: Annotated[bool, Query(description="Why")] = False,
) -> Response:
    return JSONResponse({"path": path, "explain": explain, "search": repr(search)})


def app_with(lean: bool) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.router.add_api_route(
        "/s", endpoint, methods=["GET"], route_class_override=SearchRoute if lean else None
    )
    return app


ASKED = [
    "",
    "q=care&theme=fostering&theme=kinship&age=7&sort=newest&page=2&per_page=50",
    "q=a&q=b&page=3&page=4",  # a single value given twice: the last
    "theme=&council=Leeds&measured=false&published_from=2019&explain=true",
    "page=0",
    "page=zz&explain=maybe",
    "age=&sort=",
    "per_page=0&page=0&age=-1&measured=x&published_to=1800&sort=bogus&explain=2",
    "theme=" + "&theme=".join(["a"] * 51),
    "q=" + "x" * 600,
    "unknown=1&page=1001",
]


@pytest.mark.parametrize("query", ASKED)
def test_answers_as_fastapi_does(query: str) -> None:
    with TestClient(app_with(False)) as plain, TestClient(app_with(True)) as lean:
        expected, got = plain.get(f"/s?{query}"), lean.get(f"/s?{query}")
    assert (got.status_code, got.headers["content-type"]) == (
        expected.status_code,
        expected.headers["content-type"],
    )
    assert got.json() == expected.json()


def test_documented_as_fastapi_documents_it() -> None:
    assert app_with(True).openapi() == app_with(False).openapi()


def test_refuses_what_it_cannot_read() -> None:
    """Made at start, so that a parameter it would read wrongly fails there, not in use."""

    def generator() -> Iterator[int]:
        yield 1

    def from_generator(thing: Annotated[int, Depends(generator)]) -> None:
        return None

    def with_tuple(n: Annotated[tuple[int, ...], Query()] = ()) -> None:
        return None

    def required(n: int) -> None:
        return None

    def aliased(n: Annotated[int, Query(alias="m")] = 0) -> None:
        return None

    cases = ((from_generator, "async"), (with_tuple, "list"), (required, "default"))
    for endpoint, why in (*cases, (aliased, "alias")):
        with pytest.raises(TypeError, match=why):
            FastAPI().router.add_api_route("/x", endpoint, route_class_override=SearchRoute)
    with pytest.raises(TypeError, match="dependencies are not run"):
        FastAPI().router.add_api_route(
            "/x", endpoint, dependencies=[Depends(asker)], route_class_override=SearchRoute
        )
