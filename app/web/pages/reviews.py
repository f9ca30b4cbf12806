"""Answering "Is this still current?" from its email: each link opens a page that asks to press
"Still current" or "Needs an update" (a mail system that opens links to check them answers
nothing), and the press records the answer. No account is needed: the link is the permission,
for one case study, for REVIEW_LINK_DAYS."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from app.core.errors import Conflict, Invalid
from app.services.reviews import CurrencyChecks, Question
from app.store.db import Session
from app.web.deps import ReviewsDep, SessionDep, csrf_protect
from app.web.pages.rendering import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
PRIVATE = {"Referrer-Policy": "no-referrer"}  # the page's address holds the token
Answer = Literal["still-current", "needs-update"]
TokenQuery = Annotated[str, Query(max_length=200)]
TokenField = Annotated[str, Form(max_length=200)]


def _ask(
    request: Request, session: Session, reviews: CurrencyChecks, answer: Answer, token: str
) -> Response:
    try:
        question = reviews.question(session, token)
    except Invalid as error:
        return _gone(request, error.detail)
    return _page(request, answer, question, token)


def _answer(
    request: Request, session: Session, reviews: CurrencyChecks, answer: Answer, token: str
) -> Response:
    give = reviews.still_current if answer == "still-current" else reviews.needs_update
    try:
        question = give(session, token)
    except Invalid as error:
        return _gone(request, error.detail)
    except Conflict:  # answered meanwhile, or no longer published: the page says which
        return _page(request, answer, reviews.question(session, token), token, 409)
    return render(request, "review_answered.html", {"question": question}, headers=PRIVATE)


def _page(
    request: Request, answer: Answer, question: Question, token: str, status: int = 200
) -> Response:
    context = {"answer": answer, "question": question, "token": token}
    return render(request, "review_question.html", context, status, PRIVATE)


def _gone(request: Request, detail: str) -> Response:
    return render(request, "review_link_gone.html", {"detail": detail}, 410, PRIVATE)


@router.get("/reviews/still-current")
def still_current_page(
    request: Request, session: SessionDep, reviews: ReviewsDep, token: TokenQuery = ""
) -> Response:
    return _ask(request, session, reviews, "still-current", token)


@router.post("/reviews/still-current")
def still_current(
    request: Request, session: SessionDep, reviews: ReviewsDep, token: TokenField
) -> Response:
    return _answer(request, session, reviews, "still-current", token)


@router.get("/reviews/needs-update")
def needs_update_page(
    request: Request, session: SessionDep, reviews: ReviewsDep, token: TokenQuery = ""
) -> Response:
    return _ask(request, session, reviews, "needs-update", token)


@router.post("/reviews/needs-update")
def needs_update(
    request: Request, session: SessionDep, reviews: ReviewsDep, token: TokenField
) -> Response:
    return _answer(request, session, reviews, "needs-update", token)
