"""Answering "Is this still current?" from its email: each link opens a page that asks to press
"Still current" or "Needs an update" (a mail system that opens links to check them answers
nothing), and the press records the answer. No account is needed: the link is the permission,
for one case study, for REVIEW_LINK_DAYS."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from app.core.errors import Conflict, Invalid
from app.services.reviews import Question
from app.web.deps import ReviewsDep, SessionDep, csrf_protect
from app.web.pages.rendering import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PRIVATE = {"Referrer-Policy": "no-referrer"}  # the page's address holds the token
Answer = Literal["still-current", "needs-update"]
TokenQuery = Annotated[str, Query(max_length=200)]
TokenField = Annotated[str, Form(max_length=200)]


def _page(
    request: Request, answer: Answer, question: Question, token: str, status: int = 200
) -> Response:
    context = {"answer": answer, "question": question, "token": token}
    return render(request, "review_question.html", context, status, PRIVATE)


def _gone(request: Request, detail: str) -> Response:
    return render(request, "review_link_gone.html", {"detail": detail}, 410, PRIVATE)


@router.get("/reviews/{answer}")
def question_page(
    request: Request,
    session: SessionDep,
    reviews: ReviewsDep,
    answer: Answer,
    token: TokenQuery = "",
) -> Response:
    try:
        question = reviews.question(session, token)
    except Invalid as error:
        return _gone(request, error.detail)
    return _page(request, answer, question, token)


@router.post("/reviews/{answer}")
def give_answer(
    request: Request, session: SessionDep, reviews: ReviewsDep, answer: Answer, token: TokenField
) -> Response:
    try:
        if answer == "still-current":
            question = reviews.still_current(session, token)
        else:
            question = reviews.needs_update(session, token)
    except Invalid as error:
        return _gone(request, error.detail)
    except Conflict:
        return _page(request, answer, reviews.question(session, token), token, 409)
    return render(request, "review_answered.html", {"question": question}, headers=PRIVATE)
