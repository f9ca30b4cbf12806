"""Council officers' drafts: kept as typed, one council's at a time (names compared as
`Principal.owns` compares them, case and spacing aside)."""

from typing import Any

from sqlmodel import Session, col, delete, select

from app.core.names import normal_name
from app.store.models import Draft, utcnow


def new_draft(
    session: Session,
    council: str,
    created_by: str,
    fields: dict[str, Any],
    amends: tuple[int, int] | None = None,
) -> Draft:
    """A new draft, flushed so it has its id; `amends` is the (record, version) it changes."""
    row = Draft(
        owner_council=normal_name(council),
        created_by=created_by,
        fields=fields,
        amends_id=amends[0] if amends else None,
        amends_version=amends[1] if amends else None,
    )
    session.add(row)
    session.flush()
    return row


def find_draft(session: Session, council: str, draft_id: int) -> Draft | None:
    """The draft if it is this council's; None otherwise (so others' do not show they exist)."""
    row = session.get(Draft, draft_id)
    if row is None or row.owner_council != normal_name(council):
        return None
    return row


def list_drafts(session: Session, council: str) -> list[Draft]:
    """A council's drafts, the most recently changed first."""
    query = select(Draft).where(Draft.owner_council == normal_name(council))
    return list(session.exec(query.order_by(col(Draft.modified_at).desc(), col(Draft.id).desc())))


def update_draft(session: Session, row: Draft, fields: dict[str, Any]) -> None:
    row.fields = fields
    row.modified_at = utcnow()
    session.add(row)


def delete_draft(session: Session, row: Draft) -> None:
    session.delete(row)


def claim_draft(session: Session, row: Draft) -> bool:
    """Delete the draft in this transaction, as the one request that sends it; False if another
    request deleted it first (a second press of the button)."""
    result = session.exec(delete(Draft).where(col(Draft.id) == row.id))
    return bool(result.rowcount)


def draft_amending(session: Session, record_id: int) -> Draft | None:
    query = select(Draft).where(Draft.amends_id == record_id).order_by(col(Draft.id).desc())
    return session.exec(query).first()
