"""The search endpoints' route class: their query string validated by one pydantic model made
once, at start, from the parameters they declare, instead of by FastAPI's work on each of their
13-14 parameters every request (0.6-0.7 ms of a search's CPU by the profile, issue 19).

What an endpoint declares is unchanged, so FastAPI still documents it (/openapi.json is the
same), and an invalid parameter gives the same 422: the same pydantic errors, in the order
FastAPI gives them (a dependency's parameters before the endpoint's own), at the same `loc`.
Only what the search endpoints use is taken: `Request`, query parameters (plain, `Query(...)`,
`list[...]`), and `async` dependencies whose own parameters are the request or query
parameters; anything else is refused when the route is made, not at the first request."""

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any, TypeVar, get_args, get_origin, get_type_hints

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.params import Depends, Query
from fastapi.responses import Response
from fastapi.routing import APIRoute, APIRouter
from pydantic import BaseModel, ValidationError, create_model
from starlette.concurrency import run_in_threadpool

_SEQUENCES = (list, tuple, set, frozenset)
Call = Callable[[Request, dict[str, Any]], Awaitable[Any]]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


class _Fields:
    """The query parameters of all of one endpoint, in FastAPI's order, as one model."""

    def __init__(self) -> None:
        self.declared: dict[str, tuple[Any, Any]] = {}
        self.many: list[tuple[str, bool]] = []

    def add(self, name: str, annotation: Any, default: Any) -> None:
        kind, info = annotation, None
        if get_origin(annotation) is Annotated:
            kind, *extras = get_args(annotation)
            info = next((e for e in extras if isinstance(e, Query)), None)
            if info is None or len(extras) != 1:
                raise TypeError(f"SearchRoute: {name} is not a plain query parameter")
        origin = get_origin(kind)
        if origin in _SEQUENCES and origin is not list:
            raise TypeError(f"SearchRoute: {name}: only list[...] is read as repeated")
        if default is inspect.Parameter.empty:
            raise TypeError(f"SearchRoute: {name} needs a default")
        if name in self.declared:
            raise TypeError(f"SearchRoute: {name} declared twice")
        if info is not None and info.alias not in (None, name):
            raise TypeError(f"SearchRoute: {name} has an alias, which it does not read")
        metadata = info.metadata if info is not None else []
        self.declared[name] = (Annotated[(kind, *metadata)] if metadata else kind, default)
        self.many.append((name, origin is list))

    def model(self, name: str) -> type[BaseModel]:
        return create_model(name, **self.declared)  # type: ignore[call-overload, no-any-return]


def _reader(endpoint: Callable[..., Any], fields: _Fields, top: bool = True) -> Call:
    """How to call endpoint (or one of its dependencies) with its arguments worked out from the
    request and the validated query parameters; fields gains the query parameters it reads."""
    if not top and not inspect.iscoroutinefunction(endpoint):
        raise TypeError(f"SearchRoute: the dependency {endpoint.__name__} must be `async def`")
    hints = get_type_hints(endpoint, include_extras=True)
    steps: list[tuple[str, Call]] = []
    own: list[tuple[str, Any, Any]] = []
    for name, parameter in inspect.signature(endpoint).parameters.items():
        annotation = hints.get(name, Any)
        depends = None
        if get_origin(annotation) is Annotated:
            depends = next((e for e in get_args(annotation) if isinstance(e, Depends)), None)
        if annotation is Request:
            steps.append((name, _the_request))
        elif depends is not None and depends.dependency is not None:
            steps.append((name, _reader(depends.dependency, fields, top=False)))
        else:
            own.append((name, annotation, parameter.default))
    for name, annotation, default in own:  # FastAPI checks a dependency's parameters first
        fields.add(name, annotation, default)
        steps.append((name, _value(name)))
    is_async = inspect.iscoroutinefunction(endpoint)

    async def call(request: Request, values: dict[str, Any]) -> Any:
        arguments = {name: await step(request, values) for name, step in steps}
        if is_async:
            return await endpoint(**arguments)
        return await run_in_threadpool(endpoint, **arguments)

    return call


async def _the_request(request: Request, values: dict[str, Any]) -> Request:
    return request


def _value(name: str) -> Call:
    async def value(request: Request, values: dict[str, Any]) -> Any:
        return values[name]

    return value


class SearchRoute(APIRoute):
    """A route whose query string is read and validated in one step (see the module)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        if self.dependencies:
            raise TypeError("SearchRoute: a route's or its router's own dependencies are not run")
        fields = _Fields()
        call = _reader(self.endpoint, fields)
        model = fields.model(f"{self.endpoint.__name__}_query")
        many = fields.many

        async def handle(request: Request) -> Response:
            query = request.query_params
            raw: dict[str, Any] = {}
            for name, repeated in many:
                if repeated:
                    if found := query.getlist(name):
                        raw[name] = found
                elif (one := query.get(name)) is not None:
                    raw[name] = one
            try:
                values = model.model_validate(raw).__dict__
            except ValidationError as invalid:
                errors = invalid.errors(include_url=False)
                raise RequestValidationError(
                    [{**e, "loc": ("query", *e["loc"])} for e in errors]
                ) from None
            response: Response = await call(request, values)
            return response

        return handle


def get(router: APIRouter, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
    """`@router.get(path, **options)`, the route made a SearchRoute."""

    def register(endpoint: Endpoint) -> Endpoint:
        router.add_api_route(
            path, endpoint, methods=["GET"], route_class_override=SearchRoute, **options
        )
        return endpoint

    return register
