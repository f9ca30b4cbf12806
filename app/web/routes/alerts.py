"""POST /api/v1/alerts: ask for emails about new case studies matching a search (the search
page's form does the same through app/web/pages/alerts.py)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import Invalid
from app.search.query import MAX_QUERY_CHARS
from app.services.filters import SearchRequest
from app.web.deps import AlertsDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["alerts"])
Many = Annotated[list[str], Field(max_length=50)]
Year = Annotated[int | None, Field(ge=1900, le=2100)]


class AlertCreate(BaseModel):
    """The address, how often, and the search (its parameters as GET /api/v1/search takes
    them; the sort and the page do not matter to an alert)."""

    model_config = ConfigDict(extra="forbid", strict=True)  # 0 is no `measured: false`

    email: str = Field(max_length=1000, examples=["name@example.org"])
    frequency: Literal["immediate", "daily", "weekly"] = Field(
        description="`immediate`: as they are published; `daily` or `weekly`: one email listing "
        "them all"
    )
    q: str = Field(default="", max_length=MAX_QUERY_CHARS)
    priority_area: Many = []
    age_band: Many = []
    age: Annotated[int | None, Field(ge=0, le=25)] = None
    theme: Many = []
    region: Many = []
    council: Many = []
    evidence: Many = []
    published_from: Year = None
    published_to: Year = None
    measured: bool | None = None

    def search(self) -> SearchRequest:
        names = ("priority_area", "age_band", "theme", "region", "evidence")
        return SearchRequest(
            q=self.q,
            filters={name: getattr(self, name) for name in names},
            age=self.age,
            councils=self.council,
            published_from=self.published_from,
            published_to=self.published_to,
            measured=self.measured,
        )


class AlertAccepted(BaseModel):
    detail: str = Field(description="What happens next, in plain words")
    search: str = Field(description="The search in words, as the emails will name it")


@router.post("/alerts", status_code=202, response_model=AlertAccepted)
def create_alert(
    request: Request,
    body: AlertCreate,
    session: SessionDep,
    service: AlertsDep,
) -> JSONResponse:
    """Ask for emails about new case studies matching a search.

    Double opt-in: the address is sent a link to confirm, and nothing else is sent until that
    link is followed (an unconfirmed request is deleted after 7 days). Each email lists the case
    studies published since the last one that the search finds, and none is sent when there
    are none. Every email has a one-click unsubscribe (RFC 8058) and a link to manage all of the
    address's alerts. The answer is the same whoever the address belongs to.
    """
    client = request.client.host if request.client else "unknown"
    try:
        words = service.subscribe(session, body.email, body.frequency, body.search(), client)
    except Invalid as error:
        errors = [
            {**item, "pointer": item["pointer"].replace("#/", "#/body/", 1)}
            for item in error.errors or []
        ]
        raise Invalid(error.detail, errors) from None
    accepted = AlertAccepted(
        detail="We have emailed a link to confirm these alerts. Nothing more is sent until it "
        "is followed; the request is deleted after 7 days if it is not.",
        search=words,
    )
    return JSONResponse(accepted.model_dump(), status_code=202)
