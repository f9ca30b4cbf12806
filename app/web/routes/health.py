"""For operators and load balancers: /healthz (alive), /readyz (able to serve correctly) and
/metrics (Prometheus)."""

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.core.errors import Unauthenticated
from app.services.health import readiness
from app.web.problems import problem

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Answers 200 while the process is up."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    responses={503: {"description": "Not ready: the store is unreachable or the index behind"}},
)
def readyz(request: Request) -> Response:
    """200 when the store answers and the index holds every change older than a few seconds;
    503 (problem+json) otherwise, with what is wrong."""
    ready, report = readiness(request.app.state.engine, request.app.state.search.index)
    if ready:
        return JSONResponse({"status": "ready", **report})
    detail = "Not ready to serve: " + "; ".join(f"{k}: {v}" for k, v in report.items())
    return problem(request, 503, "Not ready", detail, headers={"Retry-After": "2"}, **report)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain; version=0.0.4": {}}, "description": "Metrics"}},
)
def metrics(request: Request) -> Response:
    """Prometheus metrics: requests and latency by route and status, searches, zero-result
    searches, index lag and documents indexed (this process's). With METRICS_TOKEN set, only
    for `Authorization: Bearer <METRICS_TOKEN>`."""
    token = request.app.state.settings.metrics_token
    if token is not None:
        sent = request.headers.get("authorization", "")
        scheme, _, credentials = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            credentials.strip().encode(), token.encode()
        ):
            raise Unauthenticated("The metrics need Authorization: Bearer <METRICS_TOKEN>.")
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )
