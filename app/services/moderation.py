"""A moderator's side of a submission: publish, request changes, reject, unpublish, confirm the
safeguarding check.

Each decision claims the record at the version the moderator read (`workflow.claim`), so it
applies to exactly that version or to none. A change to what search shows also writes the
change log, and the index is brought up to date before the answer goes back, so a publish is
searchable at once.
"""

from collections.abc import Callable
from datetime import date

from app.core.errors import Forbidden
from app.core.failpoints import failpoint
from app.core.principals import Principal
from app.services import workflow
from app.services.amendment_decisions import close_on_unpublish
from app.services.notices import QUIET, CouncilNotices
from app.services.workflow import CHANGES, OPEN, PUBLISHED, REJECTED, SUBMITTED, Versions
from app.store import submissions
from app.store.db import Session
from app.store.models import CaseStudy, utcnow


class ModerationService:
    """Moderators' decisions over a request's session."""

    def __init__(
        self, refresh_index: Callable[[], object], notices: CouncilNotices = QUIET
    ) -> None:
        self._refresh_index = refresh_index
        self.notices = notices

    def publish(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        note: str | None,
        expected: Versions = None,
    ) -> CaseStudy:
        """Publish the version read; a flagged one only once its safeguarding check is
        confirmed (an amendment since clears the confirmation)."""
        row = self._moderated(session, principal, record_id, (SUBMITTED,), "publish", expected)
        workflow.four_eyes(session, principal, record_id, None)
        if row.safeguarding_findings and row.safeguarding_checked_version is None:
            raise workflow.refuse(
                row,
                "The safeguarding check flagged this submission: confirm it was checked "
                f"(POST /api/v1/moderation/{record_id}/confirm-safeguarding) before publishing.",
            )
        workflow.claim(session, row, (SUBMITTED,), PUBLISHED)
        if row.published is None:  # the date it was first published, unless the council gave one
            row.published = date.today().isoformat()
            row.published_year = date.today().year
        row.last_reviewed = date.today().isoformat()  # a moderator has just checked it
        workflow.move(session, row, principal, "published", PUBLISHED, note)
        row.moderation_message = note
        self.notices.tell(session, row, "published", note)
        submissions.save(session)
        self.notices.sent()
        failpoint("after-publish-commit")  # the store has it, the index not yet
        self._refresh_index()
        return row

    def request_changes(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        message: str,
        expected: Versions = None,
    ) -> CaseStudy:
        allowed = (SUBMITTED,)
        return self._decide(
            session, principal, record_id, allowed, "changes_requested", CHANGES, message, expected
        )

    def reject(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        reason: str,
        expected: Versions = None,
    ) -> CaseStudy:
        return self._decide(
            session, principal, record_id, OPEN, "rejected", REJECTED, reason, expected
        )

    def unpublish(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        reason: str,
        expected: Versions = None,
    ) -> CaseStudy:
        return self._decide(
            session, principal, record_id, (PUBLISHED,), "unpublished", CHANGES, reason, expected
        )

    def confirm_safeguarding(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        note: str,
        expected: Versions = None,
    ) -> CaseStudy:
        """Record that a moderator checked what the safeguarding check flagged, for the version
        they read."""
        allowed = (SUBMITTED, CHANGES)
        row = self._moderated(session, principal, record_id, allowed, "confirm", expected)
        confirmed = row.version
        workflow.claim(session, row, allowed, row.status)
        row.safeguarding_checked_by = principal.name
        row.safeguarding_checked_at = utcnow()
        row.safeguarding_checked_version = confirmed
        workflow.event(
            session, row, principal, "safeguarding_confirmed", row.status, row.status, note
        )
        submissions.save(session, row)
        return row

    def _decide(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        allowed: tuple[str, ...],
        action: str,
        to: str,
        message: str,
        expected: Versions,
    ) -> CaseStudy:
        """A decision with a message for the council; a change to what is published reaches
        the index before the answer."""
        verb = {"changes_requested": "request changes to", "rejected": "reject"}.get(
            action, "unpublish"
        )
        row = self._moderated(session, principal, record_id, allowed, verb, expected)
        was_published = row.status == PUBLISHED
        workflow.claim(session, row, allowed, to)
        if was_published:  # an amendment to a version no longer public has nothing to amend
            close_on_unpublish(session, row, message)
        workflow.move(session, row, principal, action, to, message)
        row.moderation_message = message
        self.notices.tell(session, row, action, message)
        submissions.save(session)
        self.notices.sent()
        if was_published:
            self._refresh_index()
        return row

    def _moderated(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        allowed: tuple[str, ...],
        verb: str,
        expected: Versions,
    ) -> CaseStudy:
        if not principal.moderates:
            raise Forbidden("Moderation needs a moderator or admin key.")
        row = workflow.load(session, principal, record_id, expected)
        if row.status not in allowed:
            raise workflow.refuse(
                row,
                f"Cannot {verb} a case study that is {row.status}; it must be "
                f"{' or '.join(allowed)}.",
            )
        return row
