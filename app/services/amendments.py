"""Amending a published case study: the council proposes new content as an amendment beside the
live row, which stays public, exactly as it was, until a moderator publishes the amendment
(`amendment_decisions`).

    (published case study) --propose--> submitted --request-changes--> changes_requested
    changes_requested | submitted --amend--> submitted
    submitted --publish--> published (the live row takes the content)
    submitted | changes_requested --reject / withdraw / the case study unpublished--> closed

Every change names the version it read: opening one claims the live row at its version (so it
races a moderator's unpublish fairly), and changing one claims the amendment at its own version.
A case study has at most one open amendment (a unique column, whoever races to open a second).
"""

from typing import Any

from app.core.content import CaseStudyContent, CaseStudyFile
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.principals import Principal
from app.search.index import SearchIndex
from app.services import workflow
from app.services.duplicates import duplicates
from app.services.notices import QUIET, CouncilNotices
from app.services.workflow import OPEN, PUBLISHED, SUBMITTED, WITHDRAWN, Versions
from app.store import case_studies as store
from app.store import revisions, submissions
from app.store.db import Session
from app.store.models import CaseStudy, utcnow
from app.store.revision_tables import CaseStudyRevision


def live_content(row: CaseStudy) -> dict[str, Any]:
    return store.to_file(row).model_dump(mode="json", exclude=workflow.DERIVED)


def as_sent(row: CaseStudy, revision: CaseStudyRevision | None = None) -> CaseStudyFile:
    """What the council sent, to read again: the case study, or the published one with the
    proposed changes over it (as the moderators review them)."""
    data = store.to_file(row).model_dump()
    return CaseStudyFile.model_construct(**{**data, **(revision.content if revision else {})})


def merged(principal: Principal, current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """The content with the patch applied, validated as a submission's; Invalid or Forbidden."""
    return workflow.merged(principal, current, patch).model_dump(
        mode="json", exclude=workflow.DERIVED
    )


def state_of(revision: CaseStudyRevision) -> dict[str, Any]:
    return {"version": revision.version, "status": revision.state}


def refuse(revision: CaseStudyRevision, detail: str) -> Conflict:
    return Conflict(detail, current=state_of(revision))


def claim(session: Session, revision: CaseStudyRevision, allowed: tuple[str, ...]) -> None:
    """Take the amendment at the version read; a Conflict naming what came first otherwise."""
    if revisions.claim(session, revision, allowed):
        return
    assert revision.id is not None
    now = revisions.find(session, revision.id)
    assert now is not None  # amendments are never deleted
    raise refuse(
        now,
        f"Another change to this amendment came first: it is now version {now.version} "
        f"({now.state}). Read it again (GET /api/v1/amendments/{now.id}) and decide on what it "
        "says now.",
    )


def move(revision: CaseStudyRevision, state: str, message: str | None) -> None:
    """Put a claimed amendment in another state, with the moderators' word on it."""
    revision.state = state
    revision.moderation_message = message
    revision.modified_at = utcnow()


def close(revision: CaseStudyRevision, state: str, message: str | None) -> None:
    """End a claimed amendment: the case study may have another one after this."""
    move(revision, state, message)
    revision.open_for = None


def check(
    session: Session, index: SearchIndex, revision: CaseStudyRevision, slug: str, raw: Any
) -> None:
    """The safeguarding check (of the content and the amendment's `duplicate_reason`, set
    first) and the warnings for new content (a confirmation is cleared); `raw` is what was
    sent, to say what cleaning removed."""
    revision.safeguarding_findings = workflow.findings(revision.content, revision.duplicate_reason)
    revision.safeguarding_checked_by = None
    revision.safeguarding_checked_at = None
    revision.safeguarding_checked_version = None
    warnings = workflow.sanitised_fields(raw, CaseStudyContent(**revision.content))
    warnings += duplicates(session, index, revision.content, own_slug=slug)
    revision.warnings = [w.model_dump() for w in warnings]


class AmendmentService:
    """A council's side of amending a published case study, over a request's session."""

    def __init__(self, index: SearchIndex, notices: CouncilNotices = QUIET) -> None:
        self.index = index
        self.notices = notices

    # -- reading ----------------------------------------------------------------------------

    def get(
        self, session: Session, principal: Principal, revision_id: int, expected: Versions = None
    ) -> tuple[CaseStudyRevision, CaseStudy]:
        """The amendment and its live case study if this principal may see them (NotFound
        otherwise); with `expected`, a Conflict unless the amendment is at one of them."""
        revision = revisions.find(session, revision_id)
        live = submissions.find_submission(session, revision.case_study_id) if revision else None
        if revision is None or live is None or not _may_see(principal, live):
            raise NotFound(f"No amendment {revision_id} that this key can see.")
        if expected is not None and revision.version not in expected:
            raise refuse(
                revision,
                f"This amendment has changed since the version you read: it is now version "
                f"{revision.version} ({revision.state}). Read it again (GET /api/v1/amendments/"
                f"{revision_id}) and decide on what it says now.",
            )
        return revision, live

    def for_case_study(
        self, session: Session, principal: Principal, record_id: int
    ) -> list[CaseStudyRevision]:
        workflow.load(session, principal, record_id)
        return revisions.for_case_study(session, record_id)

    def open_one(self, session: Session, record_id: int) -> CaseStudyRevision | None:
        return revisions.open_for(session, record_id)

    def open_for_each(
        self, session: Session, rows: list[CaseStudy]
    ) -> dict[int, CaseStudyRevision]:
        """The open amendment of each published one of these case studies that has one."""
        return revisions.open_for_each(
            session, [r.id for r in rows if r.id is not None and r.status == PUBLISHED]
        )

    def sent_back(
        self, session: Session, principal: Principal, page: int, per_page: int
    ) -> tuple[int, list[CaseStudy]]:
        """The published case studies whose proposed changes the moderators sent back to the
        council (a council's own; a moderator's of every council), oldest request first: they
        wait on the officer as a case study sent back does."""
        owner = principal.council if principal.role == "council" else None
        total, found = revisions.listed(session, ["changes_requested"], owner, page, per_page)
        rows = (submissions.find_submission(session, r.case_study_id) for r in found)
        return total, [row for row in rows if row is not None]

    # -- council actions --------------------------------------------------------------------

    def propose(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        patch: dict[str, Any],
        expected: Versions = None,
    ) -> CaseStudyRevision:
        """Open an amendment to a published case study with the patch applied (its
        `duplicate_reason`, if any, kept for the moderators); `expected` is the case study's
        versions an If-Match named."""
        live = workflow.load(session, principal, record_id, expected)
        if not (principal.owns(live.owner_council) or principal.moderates):
            raise Forbidden("Only the council that submitted it can amend a case study.")
        patch, reason = workflow.split_reason(patch, None)
        content = merged(principal, live_content(live), patch)
        return self.open(session, principal, live, content, SUBMITTED, None, patch, reason)

    def open(
        self,
        session: Session,
        principal: Principal,
        live: CaseStudy,
        content: dict[str, Any],
        state: str,
        message: str | None,
        raw: Any = None,
        reason: str | None = None,
    ) -> CaseStudyRevision:
        """Claim the live row at the version read (its content unchanged, its version one more)
        and open the amendment beside it, with a history event and a letter; committed."""
        assert live.id is not None
        if live.status != PUBLISHED:
            raise workflow.refuse(
                live,
                f"This case study is {live.status}, not published: change it itself "
                f"(PATCH /api/v1/submissions/{live.id}). An amendment is for a published one.",
            )
        _no_open_amendment(session, live.id)
        before = live_content(live)
        if not submissions.claim(session, live, (PUBLISHED,)):
            now = submissions.find_submission(session, live.id)
            assert now is not None
            raise workflow.refuse(
                now,
                f"Another change to this case study came first: it is now version "
                f"{now.version} ({now.status}). Read it again (GET /api/v1/submissions/{now.id})"
                " and decide on what it says now.",
            )
        revision = CaseStudyRevision(
            case_study_id=live.id,
            open_for=live.id,
            state=state,
            base_version=live.version,
            content=content,
            proposed_by=principal.name,
            moderation_message=message,
            duplicate_reason=reason,
        )
        check(session, self.index, revision, live.slug, raw)
        if not revisions.try_open(session, revision):
            raise _already_open(session, live.id)
        action = "amendment_proposed" if state == SUBMITTED else "update_needed"
        changes = workflow.changes_between(before, content)
        workflow.event(
            session, live, principal, action, PUBLISHED, PUBLISHED, message, changes, revision
        )
        self.notices.tell(session, live, action, message)
        submissions.save(session, live, revision)
        self.notices.sent()
        return revision

    def amend(
        self,
        session: Session,
        principal: Principal,
        revision_id: int,
        patch: dict[str, Any],
        expected: Versions = None,
    ) -> CaseStudyRevision:
        """Change an open amendment's content; it goes (back) to the moderators as submitted. A
        `duplicate_reason` in the patch replaces the word to the moderators (None clears it);
        left out, it stays."""
        revision, live = self.get(session, principal, revision_id, expected)
        _may_change(principal, live)
        if revision.state not in OPEN:
            raise refuse(revision, _closed(revision))
        patch, reason = workflow.split_reason(patch, revision.duplicate_reason)
        content = merged(principal, revision.content, patch)
        changes = workflow.changes_between(revision.content, content)
        workflow.note_reason(changes, revision.duplicate_reason, reason)
        before = revision.state
        claim(session, revision, OPEN)
        revision.content = content
        revision.duplicate_reason = reason
        check(session, self.index, revision, live.slug, patch)
        revision.state = SUBMITTED
        revision.modified_at = utcnow()
        workflow.event(
            session, live, principal, "amendment_amended", before, SUBMITTED, None, changes,
            revision,
        )  # fmt: skip
        self.notices.tell(session, live, "amendment_amended", None)
        submissions.save(session, revision)
        self.notices.sent()
        return revision

    def withdraw(
        self,
        session: Session,
        principal: Principal,
        revision_id: int,
        expected: Versions = None,
    ) -> CaseStudyRevision:
        """Withdraw an open amendment (again: no change); the live version stays."""
        revision, live = self.get(session, principal, revision_id, expected)
        _may_change(principal, live)
        if revision.state == WITHDRAWN:
            return revision
        if revision.state not in OPEN:
            raise refuse(revision, _closed(revision))
        before = revision.state
        claim(session, revision, OPEN)
        close(revision, WITHDRAWN, revision.moderation_message)
        workflow.event(
            session, live, principal, "amendment_withdrawn", before, WITHDRAWN, amendment=revision
        )
        submissions.save(session, revision)
        return revision


def _may_see(principal: Principal, live: CaseStudy) -> bool:
    return principal.moderates or principal.owns(live.owner_council)


def _may_change(principal: Principal, live: CaseStudy) -> None:
    if not (principal.owns(live.owner_council) or principal.moderates):
        raise Forbidden("Only the council that submitted it can change its amendment.")


def _no_open_amendment(session: Session, record_id: int) -> None:
    if revisions.open_for(session, record_id) is not None:
        raise _already_open(session, record_id)


def _already_open(session: Session, record_id: int) -> Conflict:
    found = revisions.open_for(session, record_id)
    detail = (
        f"This case study already has an open amendment (GET /api/v1/amendments/{found.id}): "
        "change that one, or withdraw it first."
        if found
        else "Another amendment to this case study was opened at the same moment; read it."
    )
    return refuse(found, detail) if found else Conflict(detail)


def _closed(revision: CaseStudyRevision) -> str:
    return (
        f"This amendment is {revision.state}; only a submitted one or one with changes "
        "requested can be changed. Propose a new amendment to the published case study."
    )
