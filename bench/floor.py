"""The framework floor: a minimal FastAPI app that answers one fixed JSON body of a given size,
so the service's HTTP figures can be put beside what FastAPI and uvicorn cost by themselves."""

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response

BODY = (
    Path(os.environ["FLOOR_BODY_FILE"]).read_bytes() if "FLOOR_BODY_FILE" in os.environ else b"{}"
)
app = FastAPI()


@app.get("/api/v1/search")
def fixed() -> Response:
    return Response(BODY, media_type="application/json")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
