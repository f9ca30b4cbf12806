"""What councils' and moderators' actions share: the states, loading a record the caller may
see, moving it to a new state with a history event, and filling it from content.

    submitted --publish--> published --unpublish--> changes_requested
    submitted --request-changes--> changes_requested --amend--> submitted
    submitted | changes_requested --reject--> rejected
    submitted | changes_requested --withdraw--> withdrawn

A published case study is changed by an amendment beside it (`amendments`), so it stays public
until a moderator publishes the amendment (`amendment_decisions`).

Every change claims the record at the version it read (`claim`): of two changes made from one
version, one wins and the other is a Conflict naming the version and state it lost to.
"""

import json
import re
import secrets
import unicodedata
from collections.abc import Collection
from typing import Any

from pydantic import ValidationError

from app.core import safeguarding
from app.core.content import CaseStudyContent, CaseStudyFile, tags_in_their_order
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.principals import Principal
from app.core.submissions import SubmissionWarning
from app.search.index import SearchIndex
from app.services.duplicates import duplicates
from app.store import case_studies as store
from app.store import changelog, submissions
from app.store.db import Session
from app.store.models import CaseStudy, SubmissionEvent, utcnow
from app.store.revision_tables import CaseStudyRevision
from app.store.standing import still_acting

SUBMITTED, CHANGES, PUBLISHED = "submitted", "changes_requested", "published"
REJECTED, WITHDRAWN = "rejected", "withdrawn"
OPEN = (SUBMITTED, CHANGES)  # states a council may still amend or withdraw
TEXT_FIELDS = ("title", "council", "summary", "body", "programme")
REASON = "duplicate_reason"  # the council's word on why it stands beside a close match
_COUNCIL_WORDS = {
    "city", "council", "county", "borough", "metropolitan", "district", "london", "of", "the",
    "royal", "and",
}  # fmt: skip
_SLUG_ENDING = "abcdefghijkmnpqrstuvwxyz23456789"  # no l, o, 0 or 1 to misread
Versions = Collection[int] | None  # the versions an If-Match named; None: whichever is current
# Events whose actor wrote the words: of a submission, or of an amendment (amendment_id set).
WRITING = ("submitted", "amended", "amendment_proposed", "amendment_amended")
OWN_WORK = (
    "You wrote or changed these words, so another moderator must check them and publish them: "
    "nothing is published that only its writer has read."
)


def slugify(text: str, limit: int = 80) -> str:
    """Lower-case ASCII words joined by hyphens. Accents come off their letters first
    ("Môn" is `mon`, "Café" `cafe`): they were dropped with them, `m-n`, `caf`."""
    bare = unicodedata.normalize("NFKD", text.casefold())
    words = re.findall(r"[a-z0-9]+", "".join(c for c in bare if not unicodedata.combining(c)))
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "case-study"


def invalid(error: ValidationError, where: str = "body") -> Invalid:
    """Pydantic's errors as one Invalid listing each, with JSON pointers into the request."""
    errors = [
        {
            "detail": f"{'.'.join(str(p) for p in e['loc']) or where}: {e['msg']}",
            "pointer": "#/" + "/".join([where, *(str(p) for p in e["loc"])]),
        }
        for e in error.errors()
    ]
    return Invalid("; ".join(e["detail"] for e in errors), errors)


def sanitised_fields(raw: Any, content: CaseStudyContent) -> list[SubmissionWarning]:
    """The text fields whose stored form lost HTML or unsafe links on the way in."""
    if not isinstance(raw, dict):
        return []
    changed = []
    for name in (*TEXT_FIELDS, "outcomes", "partners"):
        sent, kept = raw.get(name), getattr(content, name, None)
        if isinstance(sent, str) and isinstance(kept, str | None):
            differs = " ".join(sent.split()) != " ".join((kept or "").split())
        elif isinstance(sent, list) and isinstance(kept, list):
            differs = [" ".join(str(s).split()) for s in sent] != [
                " ".join(k.split()) for k in kept
            ]
        else:
            differs = False
        if differs:
            changed.append(name)
    if not changed:
        return []
    return [
        SubmissionWarning(
            kind="sanitised",
            detail=f"HTML, control characters or unsafe links were removed from: "
            f"{', '.join(changed)}. Check the stored text reads as intended.",
        )
    ]


def load(
    session: Session,
    principal: Principal,
    record_id: int,
    expected: Versions = None,
) -> CaseStudy:
    """The record if this principal may see it; NotFound otherwise, so others' records do not
    even show that they exist. With `expected` (the versions an If-Match named), a Conflict
    unless the record is at one of them."""
    row = submissions.find_submission(session, record_id)
    if row is None or not (principal.moderates or principal.owns(row.owner_council)):
        raise NotFound(f"No submission {record_id} that this key can see.")
    if expected is not None and row.version not in expected:
        raise Conflict(
            f"This submission has changed since the version you read: it is now version "
            f"{row.version} ({row.status}). Read it again (GET /api/v1/submissions/{row.id}) "
            "and decide on what it says now.",
            current=current(row),
        )
    return row


# Not the council's to change: has_measured_outcome follows from the outcomes, last_reviewed
# from the "Is this still current?" answers and publishing.
DERIVED = {"slug", "status", "has_measured_outcome", "last_reviewed"}


def merged(
    principal: Principal, current: dict[str, Any], patch: dict[str, Any]
) -> CaseStudyContent:
    """A submission's or an amendment's content with a patch applied, validated as a
    submission's; Invalid, or Forbidden if a council's key moves it to another council."""
    try:
        content = CaseStudyContent.model_validate(
            {**current, **tags_in_their_order(current, patch)}
        )
    except ValidationError as error:
        raise invalid(error) from None
    if principal.role == "council" and not principal.owns(content.council):
        raise Forbidden(f"This key submits for {principal.council!r}; keep the council field.")
    return content


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Each field whose value the change altered, from and to (for the history)."""
    return {
        name: {"from": before.get(name), "to": after.get(name)}
        for name in after
        if after.get(name) != before.get(name)
    }


def current(row: CaseStudy) -> dict[str, Any]:
    """What a Conflict tells the loser: the record's version and state now."""
    return {"version": row.version, "status": row.status}


def refuse(row: CaseStudy, detail: str) -> Conflict:
    return Conflict(detail, current=current(row))


def claim(session: Session, row: CaseStudy, allowed: Collection[str], to: str) -> None:
    """Make this transaction the record's only writer, at the version it read and in one of the
    allowed states, before changing it to state `to`; a Conflict naming the winner's version
    and state if another change came first.

    A change to or from published also goes in the change log, so every index follows it. The
    log is written first: on PostgreSQL its lock is then taken before the row's, in the order
    `indexer load` takes them, so the two cannot deadlock."""
    if PUBLISHED in (row.status, to):
        changelog.record_change(session, row.slug)
    if submissions.claim(session, row, allowed):
        return
    assert row.id is not None
    now = submissions.find_submission(session, row.id)
    assert now is not None  # records are never deleted
    raise Conflict(
        f"Another change to this submission came first: it is now version {now.version} "
        f"({now.status}). Read it again (GET /api/v1/submissions/{now.id}) and decide on what "
        "it says now.",
        current=current(now),
    )


def findings(content: dict[str, Any], reason: str | None) -> list[dict[str, Any]]:
    """The safeguarding check's findings in the content and in the council's word to the
    moderators (read by them only, but it may still name a child)."""
    found = safeguarding.check(content)
    if reason:
        found += safeguarding.check_text(REASON, reason)
    return [f.as_dict() for f in found]


def split_reason(patch: dict[str, Any], kept: str | None) -> tuple[dict[str, Any], str | None]:
    """The patch's content fields, and the word to the moderators it sets: `kept` (the word as
    it stands) when it names none, None when it clears it."""
    rest = dict(patch)
    return rest, rest.pop(REASON, kept)


def note_reason(changes: dict[str, Any], before: str | None, after: str | None) -> None:
    """Record a changed word to the moderators with the content's changes, for the history."""
    if before != after:
        changes[REASON] = {"from": before, "to": after}


def fill(
    session: Session, index: SearchIndex, row: CaseStudy, content: CaseStudyContent, raw: Any
) -> None:
    """Put the content in the record, with its safeguarding findings (of the content and of
    the record's `duplicate_reason`, set first) and warnings."""
    data = CaseStudyFile(**content.model_dump(), slug=row.slug, status=row.status)  # type: ignore[arg-type]
    store.fill_case_study(row, data)
    # New text needs a new check, even where the findings read the same: a confirmation holds
    # for the version it was given for.
    row.safeguarding_findings = findings(content.model_dump(), row.duplicate_reason)
    row.safeguarding_checked_by = None
    row.safeguarding_checked_at = None
    row.safeguarding_checked_version = None
    warnings = sanitised_fields(raw, content)
    warnings += duplicates(session, index, content.model_dump(), own_slug=row.slug)
    row.warnings = [w.model_dump() for w in warnings]


def move(
    session: Session,
    row: CaseStudy,
    principal: Principal,
    action: str,
    to: str,
    message: str | None,
) -> None:
    """Change the state of a claimed record, with its history event."""
    before = row.status
    row.status = to
    row.modified_at = utcnow()
    row.content_hash = store.content_hash(store.to_file(row))  # as `indexer load` would
    session.add(row)
    event(session, row, principal, action, before, to, message)


def event(
    session: Session,
    row: CaseStudy,
    principal: Principal,
    action: str,
    before: str | None,
    after: str | None,
    message: str | None = None,
    changes: dict[str, Any] | None = None,
    amendment: CaseStudyRevision | None = None,
) -> None:
    """A history event at the versions it left: the case study's (`row`, claimed first if the
    change claims it) and, for an event of an amendment, the amendment's. Forbidden if the
    principal was revoked since the request authenticated: every change records an event, in
    its own transaction, so none is made by someone no longer allowed to make it."""
    assert row.id is not None
    still_acting(session, principal)
    submissions.add_event(
        session,
        row.id,
        actor=principal.name,
        role=principal.role,
        action=action,
        from_status=before,
        to_status=after,
        message=message,
        changes=json.loads(json.dumps(changes or {}, default=str)),
        version=row.version,
        amendment_id=amendment.id if amendment is not None else None,
        amendment_version=amendment.version if amendment is not None else None,
    )


def new_slug(council: str, title: str) -> str:
    """A readable slug with a random ending, `leeds-kinship-hub-k3v9qa`.

    The ending is always there: a `-2` given only when the plain slug was taken would tell a
    council that another council holds an unpublished record with the same title. Six
    characters of 32 make a clash about one in a billion; the caller tries again if one
    happens."""
    words = [w for w in slugify(council).split("-") if w not in _COUNCIL_WORDS]
    ending = "".join(secrets.choice(_SLUG_ENDING) for _ in range(6))
    return f"{slugify(' '.join([*words[:3], title]))}-{ending}"


def wrote(rows: list[SubmissionEvent], principal: Principal, amendment_id: int | None) -> bool:
    """Whether the principal wrote or changed the submission (amendment_id None) or the
    amendment, by the record's history."""
    return any(
        row.actor == principal.name and row.action in WRITING and row.amendment_id == amendment_id
        for row in rows
    )


def four_eyes(
    session: Session, principal: Principal, record_id: int, amendment_id: int | None
) -> None:
    """A second pair of eyes: the writer of a submission or an amendment (an admin changing a
    campaign case study, an admin's key that submitted) may not publish it themselves."""
    if wrote(submissions.list_events(session, record_id), principal, amendment_id):
        raise Forbidden(OWN_WORK)
