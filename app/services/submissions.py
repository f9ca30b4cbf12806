"""A council's side of a submission: submit, list, read, amend, withdraw, and its history.

Every change claims the record at the version it read (`workflow.claim`) and writes a history
event in the same transaction (`workflow.event`).
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from app.core.content import CaseStudyContent
from app.core.errors import Conflict, Forbidden
from app.core.principals import Principal
from app.core.submissions import History, HistoryEvent
from app.search.index import SearchIndex
from app.services import workflow
from app.services.notices import QUIET, CouncilNotices
from app.services.workflow import CHANGES, OPEN, PUBLISHED, SUBMITTED, WITHDRAWN, Versions
from app.store import case_studies as store
from app.store import submissions
from app.store.db import Session
from app.store.models import CaseStudy

Render = Callable[[CaseStudy], dict[str, Any]]


class SubmissionService:
    """The submission workflow over a request's session."""

    def __init__(self, index: SearchIndex, notices: CouncilNotices = QUIET) -> None:
        self.index = index
        self.notices = notices

    # -- reading ----------------------------------------------------------------------------

    def get(self, session: Session, principal: Principal, record_id: int) -> CaseStudy:
        return workflow.load(session, principal, record_id)

    def find(
        self,
        session: Session,
        principal: Principal,
        statuses: list[str],
        council: str | None,
        page: int,
        per_page: int,
        oldest_first: bool = False,
        flagged: bool | None = None,
    ) -> tuple[int, list[CaseStudy]]:
        """A council's own records; a moderator's choice of any council's."""
        return submissions.list_submissions(
            session,
            owner=principal.council if principal.role == "council" else None,
            council=council,
            statuses=statuses,
            page=page,
            per_page=per_page,
            oldest_first=oldest_first,
            flagged=flagged,
        )

    def councils(self, session: Session, principal: Principal) -> list[str]:
        """The councils with submissions, for a moderator's filter (a council: its own)."""
        if not principal.moderates:
            return [principal.council] if principal.council else []
        return submissions.submission_councils(session)

    def history(self, session: Session, principal: Principal, record_id: int) -> History:
        row = workflow.load(session, principal, record_id)
        events = submissions.list_events(session, record_id)
        return History(
            id=record_id,
            slug=row.slug,
            events=[HistoryEvent.model_validate(e, from_attributes=True) for e in events],
        )

    def unpublished(self, session: Session, rows: list[CaseStudy]) -> set[int]:
        """The ids of those rows waiting for changes because a moderator unpublished them: their
        state is `changes_requested` in the API, but the pages say what happened."""
        waiting = [row.id for row in rows if row.status == CHANGES and row.id is not None]
        return submissions.unpublished(session, waiting)

    # -- council actions --------------------------------------------------------------------

    def submit(
        self,
        session: Session,
        principal: Principal,
        content: CaseStudyContent,
        raw: Any,
        idempotency_key: str | None,
        render: Render,
        reason: str | None = None,
    ) -> dict[str, Any]:
        """Store a new submission, with `reason` (why it should stand beside a close published
        match) for the moderators; return its rendered answer. A retry with the same
        Idempotency-Key gets the first answer back; the same key for another request is a
        Conflict."""
        request_hash = hashlib.sha256(
            json.dumps(raw, sort_keys=True, default=str).encode()
        ).hexdigest()
        if idempotency_key:
            replay = self._replay(session, principal, idempotency_key, request_hash)
            if replay is not None:
                return replay
        if principal.role == "council" and not principal.owns(content.council):
            raise Forbidden(
                f"This key submits for {principal.council!r}; the council field says "
                f"{content.council!r}."
            )
        for _ in range(3):  # a slug clash is one in a billion; a retry storm is common
            body = self._store(
                session, principal, content, raw, idempotency_key, request_hash, render, reason
            )
            if body is None and idempotency_key:  # the same key raced us and won
                body = self._replay(session, principal, idempotency_key, request_hash)
            if body is not None:
                self.notices.sent()
                return body
        raise Conflict("Another request changed this at the same moment; try again.")

    def _store(
        self,
        session: Session,
        principal: Principal,
        content: CaseStudyContent,
        raw: Any,
        idempotency_key: str | None,
        request_hash: str,
        render: Render,
        reason: str | None,
    ) -> dict[str, Any] | None:
        """Store the submission and its idempotency record; None (rolled back) if its slug or
        its Idempotency-Key was taken by a request that committed first."""
        owner = principal.council if principal.role == "council" else content.council
        row = submissions.new_submission(
            workflow.new_slug(owner or content.council, content.title), SUBMITTED, owner
        )
        row.duplicate_reason = reason
        workflow.fill(session, self.index, row, content, raw)
        if not submissions.try_flush(session, row):
            return None
        workflow.event(session, row, principal, "submitted", None, SUBMITTED)
        self.notices.tell(session, row, "submitted", None)
        body = render(row)
        if idempotency_key:
            assert principal.key_id is not None
            submissions.add_idempotent(
                session, principal.key_id, idempotency_key, request_hash, body
            )
        return body if submissions.try_save(session) else None

    def _replay(
        self, session: Session, principal: Principal, key: str, request_hash: str
    ) -> dict[str, Any] | None:
        record = submissions.find_idempotent(session, principal.key_id, key)
        if record is None:
            return None
        if record.request_hash != request_hash:
            raise Conflict(
                "This Idempotency-Key was already used for a different request; use a new key "
                "for a new submission."
            )
        return record.response

    def amend(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        patch: dict[str, Any],
        expected: Versions = None,
    ) -> CaseStudy:
        """Change the content of an open submission and send it back for review; `expected` is
        the versions an If-Match named. A `duplicate_reason` in the patch replaces the council's
        word to the moderators (None clears it); left out, it stays."""
        row = workflow.load(session, principal, record_id, expected)
        if not (principal.owns(row.owner_council) or principal.role == "admin"):
            raise Forbidden("Only the council that submitted it can amend a submission.")
        if row.status == PUBLISHED:
            raise workflow.refuse(
                row,
                "This case study is published: propose an amendment (POST /api/v1/submissions/"
                f"{row.id}/amendments). The published version stays public until a moderator "
                "publishes it.",
            )
        if row.status not in OPEN:
            raise workflow.refuse(
                row,
                f"This submission is {row.status}; only a submitted one or one with changes "
                "requested can be amended.",
            )
        patch, reason = workflow.split_reason(patch, row.duplicate_reason)
        current = store.to_file(row).model_dump(exclude=workflow.DERIVED)
        content = workflow.merged(principal, current, patch)
        changes = workflow.changes_between(current, content.model_dump(exclude=workflow.DERIVED))
        before = row.status
        workflow.claim(session, row, OPEN, SUBMITTED)
        workflow.note_reason(changes, row.duplicate_reason, reason)
        row.duplicate_reason = reason
        workflow.fill(session, self.index, row, content, patch)
        row.status = SUBMITTED
        workflow.event(session, row, principal, "amended", before, SUBMITTED, changes=changes)
        self.notices.tell(session, row, "amended", None)
        submissions.save(session)
        self.notices.sent()
        return row

    def withdraw(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        expected: Versions = None,
    ) -> CaseStudy:
        """Withdraw an open submission (again: no change); `expected` as for amend."""
        row = workflow.load(session, principal, record_id, expected)
        if not (principal.owns(row.owner_council) or principal.role == "admin"):
            raise Forbidden("Only the council that submitted it can withdraw a submission.")
        if row.status == WITHDRAWN:
            return row
        if row.status not in OPEN:
            raise workflow.refuse(
                row,
                f"This submission is {row.status}; a published case study stays published (propose "
                "an amendment to change it, or ask the moderators to unpublish it).",
            )
        workflow.claim(session, row, OPEN, WITHDRAWN)
        workflow.move(session, row, principal, "withdrawn", WITHDRAWN, None)
        submissions.save(session)
        return row
