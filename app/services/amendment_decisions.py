"""A moderator's side of an amendment to a published case study: publish it (the live row takes
its content), request changes, reject it, confirm its safeguarding check; and closing an open
amendment when its case study is unpublished.

Publishing claims the change log, then the live row, then the amendment, each at the version
read (the order `ModerationService.unpublish` takes them too), so an amendment racing an
unpublish, a change of the amendment or another decision is published whole or not at all.
"""

from collections.abc import Callable
from datetime import date

from app.core.content import CaseStudyFile
from app.core.errors import Forbidden
from app.core.principals import Principal
from app.services import amendments, workflow
from app.services.amendments import AmendmentService, live_content
from app.services.notices import QUIET, CouncilNotices
from app.services.workflow import CHANGES, OPEN, PUBLISHED, REJECTED, SUBMITTED, Versions
from app.store import case_studies as store
from app.store import revisions, submissions
from app.store.db import Session
from app.store.models import CaseStudy, utcnow
from app.store.revision_tables import CaseStudyRevision

UNPUBLISHED = "The case study was unpublished, so this amendment was closed: {reason}"


class AmendmentDecisions:
    """Moderators' decisions on amendments, over a request's session."""

    def __init__(
        self,
        amendments: AmendmentService,
        refresh_index: Callable[[], object],
        notices: CouncilNotices = QUIET,
    ) -> None:
        self.amendments = amendments
        self._refresh_index = refresh_index
        self.notices = notices

    def queue(
        self, session: Session, principal: Principal, states: list[str], page: int, per_page: int
    ) -> tuple[int, list[CaseStudyRevision]]:
        """Amendments waiting for a decision (or in the states asked for), oldest first."""
        _moderator(principal)
        return revisions.listed(session, states, None, page, per_page)

    def publish(
        self,
        session: Session,
        principal: Principal,
        revision_id: int,
        note: str | None,
        expected: Versions = None,
    ) -> tuple[CaseStudyRevision, CaseStudy]:
        """The live case study takes the amendment's content (same slug, `updated` today); a
        flagged amendment only once its safeguarding check is confirmed."""
        revision, live = self._moderated(session, principal, revision_id, (SUBMITTED,), expected)
        assert live.id is not None
        workflow.four_eyes(session, principal, live.id, revision.id)
        if revision.safeguarding_findings and revision.safeguarding_checked_version is None:
            raise amendments.refuse(
                revision,
                "The safeguarding check flagged this amendment: confirm it was checked (POST "
                f"/api/v1/moderation/amendments/{revision_id}/confirm-safeguarding) before "
                "publishing.",
            )
        if live.status != PUBLISHED:
            raise amendments.refuse(
                revision,
                f"The case study is {live.status} now, not published: this amendment cannot be "
                "published over it.",
            )
        before = live_content(live)
        workflow.claim(session, live, (PUBLISHED,), PUBLISHED)  # the change log, then the row
        amendments.claim(session, revision, (SUBMITTED,))
        today = date.today().isoformat()
        content = {**revision.content, "updated": today}
        data = CaseStudyFile(**content, slug=live.slug, status="published", last_reviewed=today)
        store.fill_case_study(live, data)
        live.safeguarding_findings = revision.safeguarding_findings
        live.safeguarding_checked_by = revision.safeguarding_checked_by
        live.safeguarding_checked_at = revision.safeguarding_checked_at
        live.safeguarding_checked_version = revision.safeguarding_checked_version
        live.warnings = revision.warnings
        live.moderation_message = note
        amendments.close(revision, PUBLISHED, note)
        changes = workflow.changes_between(before, live_content(live))
        workflow.event(
            session, live, principal, "amendment_published", SUBMITTED, PUBLISHED, note, changes,
            revision,
        )  # fmt: skip
        self.notices.tell(session, live, "amendment_published", note)
        submissions.save(session, live, revision)
        self.notices.sent()
        self._refresh_index()
        return revision, live

    def request_changes(
        self,
        session: Session,
        principal: Principal,
        revision_id: int,
        message: str,
        expected: Versions = None,
    ) -> CaseStudyRevision:
        """Send the amendment back to its council with the message; it stays open."""
        return self._answer(
            session, principal, revision_id, expected, (SUBMITTED,), amendments.move, CHANGES,
            message, "amendment_changes_requested",
        )  # fmt: skip

    def reject(
        self,
        session: Session,
        principal: Principal,
        revision_id: int,
        reason: str,
        expected: Versions = None,
    ) -> CaseStudyRevision:
        """Close the amendment; the live version stays as it is."""
        return self._answer(
            session, principal, revision_id, expected, OPEN, amendments.close, REJECTED, reason,
            "amendment_rejected",
        )  # fmt: skip

    def confirm_safeguarding(
        self,
        session: Session,
        principal: Principal,
        revision_id: int,
        note: str,
        expected: Versions = None,
    ) -> CaseStudyRevision:
        """Record that a moderator checked what the check flagged, for the version read."""
        revision, live = self._moderated(session, principal, revision_id, OPEN, expected)
        confirmed = revision.version
        amendments.claim(session, revision, OPEN)
        revision.safeguarding_checked_by = principal.name
        revision.safeguarding_checked_at = utcnow()
        revision.safeguarding_checked_version = confirmed
        state = revision.state
        workflow.event(
            session, live, principal, "safeguarding_confirmed", state, state, note,
            amendment=revision,
        )  # fmt: skip
        submissions.save(session, revision)
        return revision

    def _answer(
        self,
        session: Session,
        principal: Principal,
        revision_id: int,
        expected: Versions,
        allowed: tuple[str, ...],
        then: Callable[[CaseStudyRevision, str, str | None], None],
        state: str,
        words: str,
        action: str,
    ) -> CaseStudyRevision:
        """A decision that answers the council in words: claim the amendment in one of the
        `allowed` states, move it (`then`) to `state` with them, and tell the council."""
        revision, live = self._moderated(session, principal, revision_id, allowed, expected)
        before = revision.state
        amendments.claim(session, revision, allowed)
        then(revision, state, words)
        workflow.event(session, live, principal, action, before, state, words, amendment=revision)
        self.notices.tell(session, live, action, words)
        submissions.save(session, revision)
        self.notices.sent()
        return revision

    def _moderated(
        self,
        session: Session,
        principal: Principal,
        revision_id: int,
        allowed: tuple[str, ...],
        expected: Versions,
    ) -> tuple[CaseStudyRevision, CaseStudy]:
        _moderator(principal)
        revision, live = self.amendments.get(session, principal, revision_id, expected)
        if revision.state not in allowed:
            raise amendments.refuse(
                revision,
                f"This amendment is {revision.state}; it must be {' or '.join(allowed)} for that.",
            )
        return revision, live


def close_on_unpublish(session: Session, live: CaseStudy, reason: str) -> None:
    """Close the case study's open amendment in the transaction that unpublishes it, which has
    claimed the live row: the amendment proposed changes to a version no longer public. Its
    version moves on, so a change made from the version read is a Conflict."""
    assert live.id is not None
    revision = revisions.open_for(session, live.id)
    if revision is None:
        return
    amendments.claim(session, revision, OPEN)
    amendments.close(revision, REJECTED, UNPUBLISHED.format(reason=reason))
    session.add(revision)


def _moderator(principal: Principal) -> None:
    if not principal.moderates:
        raise Forbidden("Moderation needs a moderator or admin key.")
