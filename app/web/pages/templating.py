"""Server-rendered pages: the Jinja environment (autoescaped) and links that keep a search's
state, so every state of the search page is a URL that can be shared."""

import functools
import re
from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.requests import Request

from app.config import ROOT
from app.core.currency import may_be_out_of_date
from app.core.drafting import SECTIONS
from app.core.safeguarding import MESSAGES
from app.core.textdiff import changed_fields
from app.services.filters import FILTER_PARAMS, SearchRequest
from app.web.pages.dates import in_words

templates = Jinja2Templates(directory=ROOT / "app" / "templates")
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True
templates.env.filters["in_words"] = in_words  # {{ study.published | in_words }}: "November 2017"


def reference(record_id: int) -> str:
    """A submission's reference, "BF-00012": given on the confirmation and shown on the officer's
    and the moderator's pages of it, so either can quote it to the other."""
    return f"BF-{record_id:05d}"


templates.env.filters["reference"] = reference  # {{ row.id | reference }}


def email_breaks(address: str) -> Markup:
    """{{ account.email | email_breaks }}: the address with a line-break opportunity (<wbr>)
    before its @ and each dot, so a narrow screen wraps it at those ("moderator.phone" /
    "@campaign" / ".example") and never inside a word, as a string with none would be."""
    return Markup("<wbr>").join(escape(part) for part in re.split(r"(?=[@.])", address))


templates.env.filters["email_breaks"] = email_breaks


@pass_context
def out_of_date(context: Context, last_reviewed: str | None) -> bool:
    """{% if out_of_date(study.last_reviewed) %}: not checked for REVIEW_STALE_MONTHS."""
    months: int = context["request"].app.state.settings.review_stale_months
    return may_be_out_of_date(last_reviewed, date.today(), months)


templates.env.globals["out_of_date"] = out_of_date

# A case study's fields as the form names them, for a submission's history ("Changed: Title,
# Measured outcomes"): the content's own names ("body", "source_url") mean nothing to an officer.
FIELD_WORDS = {
    "title": "Title",
    "council": "Council",
    "region": "Region",
    "summary": "Summary",
    "body": "What happened (the challenge, solution, impact, lessons, plain words or questions)",
    "outcomes": "Measured outcomes",
    "has_measured_outcome": "Measured outcomes",
    "priority_areas": "Priority areas",
    "age_bands": "Ages",
    "themes": "Themes",
    "programme": "Programme or model",
    "partners": "Partners",
    "evidence": "Evidence",
    "published": "Date first published",
    "duplicate_reason": "Why both should stand (for the moderators)",
    "updated": "Date last updated",
    "source_url": "Web address",
    **SECTIONS,  # the body's, where an amendment's changes name them
}


def field_words(names: Iterable[str]) -> str:
    """{{ event.changes.keys() | field_words }}: "Title, Measured outcomes"."""
    words = [FIELD_WORDS.get(name, name.replace("_", " ").capitalize()) for name in names]
    return ", ".join(dict.fromkeys(words))


templates.env.filters["field_words"] = field_words
# {{ event.changes | changed_fields | field_words }}: the body's changes by section.
templates.env.filters["changed_fields"] = changed_fields

# Where the safeguarding check found something, as the moderators' review says it: the
# finding's stored message names the field as the API does ("body names someone next to their
# age: remove or anonymise it"), and a moderator does not remove anything.
FOUND_IN = {
    "title": "The title",
    "summary": "The summary",
    "body": "The text",
    "programme": "The programme's name",
    "outcomes": "A measured outcome",
    "partners": "A partner's name",
    "duplicate_reason": "The council's word on why both should stand",
}


def finding_words(finding: dict[str, Any]) -> str:
    """{{ finding | finding_words }}: "The text names someone next to their age"."""
    where = FOUND_IN.get(str(finding.get("field")), "The text")
    return f"{where} {MESSAGES.get(str(finding.get('kind')), 'may identify someone')}"


templates.env.filters["finding_words"] = finding_words

# Parameters that describe a search (what the page keeps when it builds a link).
SEARCH_KEYS = ("q", *FILTER_PARAMS, "sort", "per_page")


@functools.lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    """A name or value as urlencode quotes it (a search page builds some fifteen links from
    the same few values: issue 19)."""
    return quote_plus(text, safe="")


class Link:
    """The current search as (name, value) pairs, and variations of it as URLs."""

    def __init__(self, pairs: Iterable[tuple[str, str]], path: str = "/") -> None:
        self.pairs = [(k, v) for k, v in pairs if k in SEARCH_KEYS and v != ""]
        self.path = path

    @classmethod
    def of(cls, request: Request, path: str = "/") -> "Link":
        return cls(request.query_params.multi_items(), path)

    @classmethod
    def of_search(cls, search: SearchRequest, path: str = "/") -> "Link":
        """The link to a search, its parameters in one order (page and per_page left out
        unless per_page differs from the default)."""
        single = {
            "age": search.age,
            "published_from": search.published_from,
            "published_to": search.published_to,
            "measured": None if search.measured is None else str(search.measured).lower(),
            "sort": search.sort,
            "per_page": None if search.per_page == 10 else search.per_page,
        }
        pairs: list[tuple[str, str]] = []
        for name in SEARCH_KEYS:
            if name == "q":
                pairs.append(("q", search.q))
            elif name == "council":
                pairs += [("council", value) for value in search.councils]
            elif name in search.filters:
                pairs += [(name, value) for value in search.filters[name]]
            elif single.get(name) is not None:
                pairs.append((name, str(single[name])))
        return cls(pairs, path)

    def has(self, name: str, value: str) -> bool:
        return (name, value) in self.pairs

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def query(self, **extra: Any) -> str:
        pairs = self.pairs + [(k, str(v)) for k, v in extra.items() if v not in (None, "")]
        return "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in pairs)  # urlencode(pairs)

    def url(self, path: str | None = None, **extra: Any) -> str:
        query = self.query(**extra)
        return f"{path or self.path}?{query}" if query else (path or self.path)

    def without(self, name: str, value: str | None = None) -> "Link":
        return Link(
            [(k, v) for k, v in self.pairs if not (k == name and value in (None, v))], self.path
        )

    def adding(self, name: str, value: str) -> "Link":
        return Link([*self.without(name, value).pairs, (name, value)], self.path)

    def replacing(self, name: str, value: str) -> "Link":
        return Link([*self.without(name).pairs, (name, value)], self.path)

    @property
    def filters(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.pairs if k not in ("q", "sort", "per_page")]

    def clearing_filters(self) -> "Link":
        """The same words and sort, no filters."""
        return Link([(k, v) for k, v in self.pairs if k in ("q", "sort", "per_page")], self.path)

    def case_study_url(self, slug: str, page: int = 1) -> str:
        """A case study's page, carrying this search (and its page) in `from` so that its
        "Back to results" link returns to exactly this search."""
        return f"/case-studies/{slug}{self.case_study_query(page)}"

    def case_study_query(self, page: int = 1) -> str:
        """What case_study_url puts after a case study's path: the same for every result of
        a page, so the search page works it out once."""
        search = self.query(page=page if page > 1 else None)
        return f"?{urlencode({'from': search})}" if search else ""


def back_to_results(carried: str | None) -> str | None:
    """The search page URL a case study's `from` parameter names, or None. Only search
    parameters survive and the path is always "/", so it can never lead off this site."""
    if not carried or len(carried) > 4000:
        return None
    pairs = [
        (k, v)
        for k, v in parse_qsl(carried)
        if (k in SEARCH_KEYS and v != "") or (k == "page" and v.isdigit() and v != "1")
    ]
    return f"/?{urlencode(pairs)}" if pairs else None
