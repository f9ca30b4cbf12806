"""When each case study was first published, as a change-log position, for the alert job:
"new" for an alert means first published after its position, so an edit of a case study that
was already out is never sent as new."""

from sqlmodel import Session, col, select

from app.store import case_studies
from app.store.alert_tables import AlertPublication
from app.store.changelog import changed_since, last_change_id
from app.store.models import CaseStudy


def start_from_now(session: Session) -> int:
    """Take every case study published now as old (position 0); return the log's position.
    Not committed: done once, in the transaction that creates the job's row."""
    for slug in session.exec(
        select(col(CaseStudy.slug)).where(col(CaseStudy.status) == case_studies.PUBLISHED)
    ):
        session.add(AlertPublication(slug=slug, change_id=0))
    return last_change_id(session)


def note_publications(session: Session, after: int, up_to: int) -> int:
    """Record the case studies first published by a change in (after, up_to]; return how many.
    Not committed."""
    noted = 0
    while after < up_to:
        changes = [c for c in changed_since(session, after) if c.id is not None and c.id <= up_to]
        if not changes:
            break
        slugs = list(dict.fromkeys(c.slug for c in changes))
        published = {cs.slug for cs in case_studies.list_published_by_slug(session, slugs)}
        known = set(
            session.exec(
                select(col(AlertPublication.slug)).where(col(AlertPublication.slug).in_(slugs))
            )
        )
        for change in changes:
            if change.slug in published and change.slug not in known:
                assert change.id is not None
                session.add(AlertPublication(slug=change.slug, change_id=change.id))
                known.add(change.slug)
                noted += 1
        last = changes[-1].id
        assert last is not None
        after = last
    session.flush()
    return noted


def published_between(session: Session, after: int, up_to: int) -> list[str]:
    """The slugs first published in (after, up_to], oldest first."""
    query = select(AlertPublication).where(
        col(AlertPublication.change_id) > after, col(AlertPublication.change_id) <= up_to
    )
    return [p.slug for p in session.exec(query.order_by(col(AlertPublication.change_id)))]
