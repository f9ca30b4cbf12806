"""What the submission pages share: the form's fields read from a post, the vocabularies as the
form's choices, the safeguarding findings turned into marked-up text, and whose desk a draft is
on (a council's, or the campaign's for an admin's change to its own collection)."""

from typing import Any

from fastapi import Request
from markupsafe import Markup, escape

from app.core import drafting
from app.core.errors import Conflict, Invalid
from app.core.safeguarding import ADVICE
from app.core.vocabulary import Vocabulary
from app.services.drafts import CHECKED, Help, Spans, is_campaign
from app.store.models import Draft

# The form's two pages, one thing each (GOV.UK's "one thing per page"): the writing, then the
# tags (7 priorities, 4 age bands and 44 themes were 4,400 px and 46 Tabs of the one long form).
WRITING, TAGS = "writing", "tags"
ON_PAGE = {WRITING: tuple(n for n in drafting.FIELDS if n not in drafting.TICKED),
           TAGS: drafting.TICKED}  # fmt: skip
# Where each error summary link goes: a tag group's to its fieldset, whose question (legend)
# would be out of sight above its first box, past the tags the text suggests; a lost save's to
# the page's first question.
FIRST_OF = {
    WRITING: {"body": "challenge", "region": "region", "version": "title"},
    TAGS: {"version": "priority_areas-group", **{k: f"{k}-group" for k in drafting.TICKED}},
}


def page_of(error: Invalid) -> tuple[str, Invalid]:
    """The first page with something to fix, and what to fix on it."""
    for page in (WRITING, TAGS):
        if (mine := on_page(error, page)) is not None:
            return page, mine
    return WRITING, error


def on_page(error: Invalid, page: str) -> Invalid | None:
    """What there is to fix on this page, if anything (each page's error summary links only to
    its own fields; anything not a tag is the writing's)."""
    items = error.errors or [{"detail": error.detail, "pointer": "#/title"}]
    tags = [item for item in items if _field(item) in ON_PAGE[TAGS]]
    mine = tags if page == TAGS else [item for item in items if item not in tags]
    return Invalid("; ".join(item["detail"] for item in mine), mine) if mine else None


def _field(item: dict[str, str]) -> str:
    return item.get("pointer", "").removeprefix("#/").split("/")[0]


async def form_fields(request: Request) -> dict[str, Any]:
    """The draft's fields from a form post (lists for the checkboxes), tidied."""
    form = await request.form()
    fields: dict[str, Any] = {}
    for name in drafting.FIELDS:
        if name in drafting.TICKED:
            fields[name] = [v for v in form.getlist(name) if isinstance(v, str)]
        else:
            value = form.get(name)
            fields[name] = value if isinstance(value, str) else ""
    return drafting.tidy(fields)


def choices(vocabulary: Vocabulary) -> dict[str, Any]:
    """Each vocabulary's terms for the form's checkboxes and radios."""
    return {kind: vocabulary.terms(kind) for kind in ("regions", *drafting.TICKED, "evidence")}


def marked(text: str, spans: Spans) -> Markup:
    """The text, escaped, with each flagged sentence in a <mark> that says why."""
    out, at = [], 0
    for number, (start, end, kinds) in enumerate(spans, 1):
        out.append(escape(text[at:start]))
        why = " ".join(ADVICE[kind] for kind in kinds)
        out.append(
            Markup('<mark class="flag" id="flag-{}" title="{}">{}</mark>').format(
                number, why, text[start:end]
            )
        )
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def marked_lines(text: str, spans: Spans) -> list[Markup]:
    """A listed field's items as they will be published (drafting.line_spans: no bullets, no
    blank lines), each marked as `marked` does, a flagged sentence cut at the item's ends."""
    items = []
    for start, end in drafting.line_spans(text):
        inside = [(max(a, start) - start, min(b, end) - start, kinds)
                  for a, b, kinds in spans if a < end and b > start]  # fmt: skip
        items.append(marked(text[start:end], inside))
    return items


def findings(text: str, spans: Spans) -> list[dict[str, Any]]:
    """Each finding in a field: the words found and what to do, in plain words."""
    return [
        {"words": " ".join(text[start:end].split()), "advice": [ADVICE[k] for k in kinds]}
        for start, end, kinds in spans
    ]


def help_context(fields: dict[str, Any], found: Help) -> dict[str, Any]:
    flagged = {name: findings(fields[name], spans) for name, spans in found.flagged.items()}
    suggested: dict[str, list[Any]] = {}
    if found.suggestions is not None:
        for kind in drafting.TICKED:
            suggested[kind] = [
                s for s in getattr(found.suggestions, kind) if s.value not in fields[kind]
            ]
    return {
        "help": found,
        "asked": found.asked,
        "flagged": flagged,
        "suggested": suggested,
        "checked": CHECKED,
    }


STATE_WORDS = {
    "submitted": "waiting for review",
    "changes_requested": "back with you for changes",
    "published": "published",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
}


def in_plain_words(error: Conflict, record_id: int | None, where: str | None = None) -> Conflict:
    """A Conflict from the workflow (written for API clients) in words for the page; `where`
    the page to open it again from, if not the officer's submissions."""
    current = error.extensions.get("current")
    if not isinstance(current, dict) or record_id is None:
        return error
    state = STATE_WORDS.get(str(current.get("status")), str(current.get("status")))
    return Conflict(
        f"The case study changed after you opened it: it is now {state}. Nothing was changed "
        f"by this request. Open it again from "
        f"{where or f'your submissions (/my/submissions/{record_id})'} to see what it says now.",
        current=current,
    )


def desk(
    draft: Draft | None, record_id: int | None = None, campaign: bool = False
) -> dict[str, Any]:
    """The words and the way back the draft pages show: a council's submissions, or for an
    admin's draft (or a campaign case study, `campaign`) the case study's changes page."""
    if is_campaign(draft) or campaign:
        record = draft.amends_id if draft is not None else record_id
        return {
            "campaign": True,
            "caption": "The campaign's collection",
            "home": f"/moderation/case-studies/{record}/changes",
            "home_words": "the case study's changes page",
        }
    return {
        "campaign": False,
        "caption": None,  # the officer's council, from the account
        "home": "/my/submissions",
        "home_words": "your submissions",
    }
