"""Telling a council's people when one of their submissions changes state: one email each,
queued in the transaction that made the change (so a change rolled back tells nobody), sent off
the request path once it commits."""

from collections.abc import Callable

from app.services import letters, mail
from app.store import users
from app.store.db import Session
from app.store.models import CaseStudy


class CouncilNotices:
    """Queues the emails (`tell`, before the commit) and wakes the sender (`sent`, after)."""

    def __init__(self, base: str, wake: Callable[[], None] = lambda: None) -> None:
        self.base = base
        self.wake = wake

    def tell(self, session: Session, row: CaseStudy, action: str, message: str | None) -> None:
        if action not in letters.NEWS or not row.owner_council:
            return
        link = f"{self.base}/my/submissions/{row.id}"
        subject, body = letters.state_changed(action, row.title, row.owner_council, message, link)
        for person in users.council_users(session, row.owner_council):
            mail.queue(session, f"submission-{action}", person.email, subject, body)

    def sent(self) -> None:
        self.wake()


class _Quiet(CouncilNotices):
    """For services made without mail (the command line, some tests): tells no one."""

    def tell(self, session: Session, row: CaseStudy, action: str, message: str | None) -> None:
        return None


QUIET = _Quiet("")
