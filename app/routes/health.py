"""GET /healthz: the process is alive."""

from fastapi import APIRouter

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Answers 200 while the process is up."""
    return {"status": "ok"}
