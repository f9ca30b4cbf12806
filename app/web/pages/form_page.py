"""The moderators' list-and-form pages (people, best bets, everyday words, embedding) share one
shape, held here once: a list with a form that posts back to the page. A post that works
redirects (303, so a reload does not post it again) to the page, which shows a notice of what
was done; one that breaks a rule shows the page again with the form as sent and its errors
(422), or gives problem+json to a caller that is not a browser. The CSRF check is each page
router's dependency (`deps.csrf_protect`)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from app.core.errors import Conflict, Error, Invalid
from app.web.pages.moderation_nav import render_moderation
from app.web.pages.rendering import field_errors, render
from app.web.problems import wants_html


@dataclass(frozen=True)
class FormPage:
    """One such page. `first_field` takes an error that points at no field; `items_field` takes
    the errors about one item of a list (pointers ending in a number); `nav`, for a page under
    the moderators' navigation bar, is the bar's address for it."""

    template: str
    blank: Mapping[str, str]
    first_field: str
    items_field: str | None = None
    nav: str | None = None

    def show(
        self,
        request: Request,
        listing: dict[str, Any],
        notice: str | None = None,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response:
        """The page: what it lists, the form (blank, or as sent), its errors and any notice."""
        context = {
            **listing,
            "form": form or dict(self.blank),
            "errors": errors or {},
            "notice": notice,
        }
        if self.nav is None:
            return render(request, self.template, context, status_code)
        return render_moderation(request, self.template, self.nav, context, status_code)

    def post(
        self,
        request: Request,
        form: dict[str, str],
        action: Callable[[], str],
        listing: Callable[[], dict[str, Any]],
    ) -> Response:
        """Do `action` and go to the address it returns; if it raises Invalid or Conflict, show
        the page again (`listing` is read only then, after the failed action)."""
        try:
            to = action()
        except (Invalid, Conflict) as error:
            if not wants_html(request):
                raise  # problem+json for anything but a browser
            errors = field_errors(error, self.first_field)
            if self.items_field:
                errors = {(self.items_field if k.isdigit() else k): v for k, v in errors.items()}
            return self.show(request, listing(), form=form, errors=errors, status_code=422)
        return see_other(to)

    def gone(
        self,
        request: Request,
        error: Error,
        listing: Callable[[], dict[str, Any]],
        message: str,
        status_code: int = 404,
    ) -> Response:
        """A button pressed on what is no longer there, or no longer as the page showed it
        (another moderator, or another tab, got there first): the list as it is now, saying so,
        rather than the public error page ("Page not found" about case studies, "Something in
        this address is not right"), which sends the moderator to search. A caller that is not
        a browser gets the problem+json."""
        if not wants_html(request):
            raise error
        return self.show(request, {**listing(), "gone": message}, status_code=status_code)


@dataclass(frozen=True)
class Undo:
    """The notice's way to take back what was just done (an unpin, a decision forgotten): a form
    that posts `fields` to `action` as the page's own form would, to do it again. GOV.UK keeps a
    confirmation step for what cannot easily be undone; these can, so they act at once and say
    how to put them back. `label` ends the button's words for a screen reader ("Undo and …")."""

    action: str
    fields: Mapping[str, str]
    label: str


def see_other(to: str) -> Response:
    """After a form post: go to `to` with GET, so a reload does not post again."""
    return RedirectResponse(to, status_code=303)


def required(value: str, field: str, message: str) -> None:
    """Refuse an empty field with the message a person reads beside it."""
    if not value:
        raise Invalid(message, [{"detail": message, "pointer": f"#/{field}"}])
