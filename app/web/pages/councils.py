"""/councils: what the service is for councils, how to get an account, and the safeguarding
rules in brief, linked from every page's footer."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.web.pages.embed import contact_href
from app.web.pages.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/councils")
def for_councils(request: Request) -> Response:
    settings = request.app.state.settings
    contact: str = settings.campaign_contact
    context = {
        "link_minutes": settings.sign_in_link_minutes,
        "contact": contact,
        "contact_href": contact_href(contact),
    }
    return templates.TemplateResponse(request, "councils.html", context)
