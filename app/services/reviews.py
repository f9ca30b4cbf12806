"""Case studies that stay current: send each published case study's "Is this still current?"
when it falls due (once per case study and period, whichever process gets there first), take
the answer from its emailed link, and list the case studies that may be out of date.

An answer changes the record through the workflow (`workflow.claim`), so it goes in the history
and the change log like any change, and every index follows it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.config import Settings
from app.core.accounts import REVOKED
from app.core.currency import add_months, review_due
from app.core.dates import in_words
from app.core.errors import Conflict, Invalid
from app.core.principals import Principal
from app.services import letters, mail, workflow
from app.services.amendments import AmendmentService, live_content
from app.services.workflow import CHANGES, PUBLISHED
from app.store import case_studies as store
from app.store import reviews, revisions, submissions, users
from app.store.db import Engine, Session
from app.store.models import CaseStudy, utcnow
from app.store.review_tables import ReviewReminder

log = logging.getLogger(__name__)
STILL_CURRENT, NEEDS_UPDATE = "still_current", "needs_update"
LINK_GONE = "This link has expired or is not one we sent."
UPDATE_NOTE = (
    'Answered "Needs an update" to "Is this still current?": change this amendment and send '
    "it for review; the published version stays on the site until a moderator publishes it."
)


@dataclass(frozen=True)
class Question:
    """What an emailed link asks about, and whether (and how) it was answered already."""

    title: str
    slug: str
    record_id: int
    last_reviewed: str | None
    answer: str | None
    answered_at: datetime | None
    bundled: bool
    published: bool
    amendment_id: int | None = None  # the open amendment ("Needs an update" opens one)


@dataclass(frozen=True)
class Stale:
    """A case study that may be out of date, with its latest reminder (if any)."""

    title: str
    slug: str
    council: str
    last_reviewed: str | None
    reminded_at: datetime | None
    answer: str | None
    record_id: int = 0
    bundled: bool = False  # the campaign's own: an admin changes it, from its changes page


class CurrencyChecks:
    """The reminders and their answers; `refresh_index` brings this process's index up to date
    after an answer, `wake_mail` tells the sender something was queued."""

    def __init__(
        self,
        settings: Settings,
        wake_mail: Callable[[], object] = lambda: None,
        refresh_index: Callable[[], object] = lambda: None,
        amendments: AmendmentService | None = None,
    ) -> None:
        self.settings = settings
        self.amendments = amendments  # None on the command line, which answers nothing
        self._wake_mail = wake_mail
        self._refresh_index = refresh_index

    # -- sending ----------------------------------------------------------------------------

    def send_due(self, engine: Engine, today: date | None = None) -> int:
        """Queue the reminders that are due, the longest overdue first and REVIEW_BATCH at most
        (the rest go in the next rounds); return how many were sent."""
        today = today or date.today()
        months = self.settings.review_after_months
        with Session(engine) as session:
            done = reviews.reminded(session)
            due = sorted(
                (when, p.id)
                for p in reviews.list_published(session)
                if (when := review_due(p.last_reviewed, p.added, months)) <= today
                and (p.id, when) not in done
            )
        sent = 0
        for when, record_id in due:  # the longest overdue first, REVIEW_BATCH at most
            if sent >= self.settings.review_batch:
                break
            sent += self._remind(engine, record_id, when, today)
        if sent:
            log.info("reviews: %d reminder(s) queued", sent)
            self._wake_mail()
        return sent

    def _remind(self, engine: Engine, record_id: int, due_on: date, today: date) -> bool:
        """One case study's reminder to each of its people, in one transaction; False if it is
        no longer due, has nobody to ask, or another process sent it first."""
        with Session(engine) as session:
            row = session.get(CaseStudy, record_id)
            if row is None or row.status != PUBLISHED:
                return False
            added = row.created_at.date()
            if review_due(row.last_reviewed, added, self.settings.review_after_months) != due_on:
                return False  # checked meanwhile
            people = reviews.recipients(session, row.owner_council)
            reminder = reviews.claim_reminder(session, record_id, due_on) if people else None
            if reminder is None or reminder.id is None:
                return False
            expires = utcnow() + timedelta(days=self.settings.review_link_days)
            for person in people:
                assert person.id is not None
                secret = reviews.new_link(session, reminder.id, person.id, expires)
                subject, body = self._letter(row, secret)
                mail.queue(session, "review", person.email, subject, body)
            # False (rolled back) if another process committed this period's reminder first.
            return submissions.try_save(session)

    def _letter(self, row: CaseStudy, secret: str) -> tuple[str, str]:
        base = self.settings.link_base
        return letters.review_reminder(
            row.title,
            in_words(row.last_reviewed),
            f"{base}/case-studies/{row.slug}",
            f"{base}/reviews/still-current?token={secret}",
            f"{base}/reviews/needs-update?token={secret}",
            self.settings.review_link_days,
            bundled=row.owner_council is None,
        )

    # -- answering --------------------------------------------------------------------------

    def question(self, session: Session, secret: str) -> Question:
        """What a link asks about; Invalid if it is unknown or expired."""
        _principal, row, reminder = self._open(session, secret)
        return Question(
            row.title,
            row.slug,
            row.id or 0,
            row.last_reviewed,
            reminder.answer,
            reminder.answered_at,
            row.owner_council is None,
            row.status == PUBLISHED,
            amendment.id if (amendment := revisions.open_for(session, row.id or 0)) else None,
        )

    def still_current(self, session: Session, secret: str, today: date | None = None) -> Question:
        """Record that the case study was checked today; Conflict if the reminder was already
        answered or the case study is no longer published."""
        principal, row, reminder = self._open(session, secret)
        self._answer(session, row, reminder, STILL_CURRENT)
        workflow.claim(session, row, (PUBLISHED,), PUBLISHED)
        row.last_reviewed = (today or date.today()).isoformat()
        row.content_hash = store.content_hash(store.to_file(row))
        workflow.event(session, row, principal, "reviewed", PUBLISHED, PUBLISHED, "Still current")
        submissions.save(session, row)
        self._refresh_index()
        return self.question(session, secret)

    def needs_update(self, session: Session, secret: str) -> Question:
        """Open an amendment of the case study for its council to change, with changes
        requested: the published version stays public until a moderator publishes the update.
        If one is open already, that one is the place; Conflict as for `still_current`."""
        principal, row, reminder = self._open(session, secret)
        self._answer(session, row, reminder, NEEDS_UPDATE)
        already = revisions.open_for(session, row.id) if row.id is not None else None
        if already is not None:
            workflow.event(
                session, row, principal, "update_needed", PUBLISHED, PUBLISHED, UPDATE_NOTE,
                amendment=already,
            )  # fmt: skip
            submissions.save(session)
        else:  # commits the answer with the amendment, or neither
            assert self.amendments is not None
            content = live_content(row)
            self.amendments.open(session, principal, row, content, CHANGES, UPDATE_NOTE)
        return self.question(session, secret)

    def _open(self, session: Session, secret: str) -> tuple[Principal, CaseStudy, ReviewReminder]:
        found = reviews.find_link(session, secret, utcnow())
        person = users.find_user(session, found[0].user_id) if found else None
        if found is None or person is None or person.state == REVOKED:
            raise Invalid(LINK_GONE)
        row = submissions.find_submission(session, found[1].case_study_id)
        assert row is not None  # a reminder goes with its case study
        return users.to_account(person).principal, row, found[1]

    def _answer(
        self, session: Session, row: CaseStudy, reminder: ReviewReminder, what: str
    ) -> None:
        if reminder.answer is not None or not reviews.answer(session, reminder, what, utcnow()):
            session.rollback()
            raise Conflict("This question has already been answered.")
        if row.status != PUBLISHED:
            session.rollback()
            raise Conflict("This case study is no longer published, so there is nothing to check.")

    # -- the stale list ---------------------------------------------------------------------

    def stale(
        self,
        session: Session,
        page: int = 1,
        per_page: int | None = None,
        today: date | None = None,
    ) -> tuple[int, list[Stale]]:
        """How many published case studies were not checked for REVIEW_STALE_MONTHS, and one
        page of them (all without per_page), the longest unchecked first."""
        cutoff = add_months(today or date.today(), -self.settings.review_stale_months)
        offset = (page - 1) * per_page if per_page else 0
        total, rows = reviews.list_stale(session, cutoff, offset, per_page)
        latest = reviews.latest_reminders(session, (r.id for r in rows if r.id is not None))
        found = []
        for r in rows:
            reminder = latest.get(r.id or 0)
            sent, answer = (reminder.sent_at, reminder.answer) if reminder else (None, None)
            found.append(
                Stale(
                    r.title,
                    r.slug,
                    r.council,
                    r.last_reviewed,
                    sent,
                    answer,
                    r.id or 0,
                    r.owner_council is None,
                )  # fmt: skip
            )
        return total, found
