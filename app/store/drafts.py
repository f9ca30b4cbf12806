"""Council officers' drafts: kept as typed, one council's at a time (names compared as
`Principal.owns` compares them, case and spacing aside); admins' drafts of changes to the
campaign's own collection are kept under CAMPAIGN, which no council's name is."""

from datetime import timedelta
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, delete, select, update

from app.core.names import normal_name
from app.store.db import take_turn
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


# A new form sent twice this close together by one person, as typed, is one draft (a
# double-clicked "Save as draft" or "Continue"), not two copies to tell apart.
DOUBLE_POST = timedelta(seconds=30)


def just_started(
    session: Session, council: str, created_by: str, fields: dict[str, Any]
) -> Draft | None:
    """A new draft this person started with exactly these fields within DOUBLE_POST, still
    unsaved since; callers hold the drafts (hold_drafts) so that one sent at once is seen."""
    query = select(Draft).where(
        Draft.owner_council == normal_name(council),
        Draft.created_by == created_by,
        col(Draft.amends_id).is_(None),
        Draft.version == 1,
        col(Draft.created_at) >= utcnow() - DOUBLE_POST,
    )
    return next((row for row in session.exec(query) if row.fields == fields), None)


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


CAMPAIGN = ""  # the owner of an admin's draft: normal_name of a council is never empty


def update_draft(session: Session, row: Draft, fields: dict[str, Any]) -> bool:
    """Save the fields if the draft is still at the version read, one version more:

        UPDATE draft SET fields = ?, version = version + 1 WHERE id = ? AND version = ?

    False (nothing written) if another save came first."""
    now, read = utcnow(), row.version
    result = session.exec(
        update(Draft)
        .where(col(Draft.id) == row.id, col(Draft.version) == read)
        .values(fields=fields, modified_at=now, version=read + 1)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return False
    for name, value in (("fields", fields), ("modified_at", now), ("version", read + 1)):
        set_committed_value(row, name, value)  # written: no second UPDATE at commit
    return True


def delete_draft(session: Session, row: Draft) -> None:
    session.delete(row)


def claim_draft(session: Session, row: Draft) -> bool:
    """Delete the draft in this transaction, as the one request that sends it; False if another
    request deleted it first (a second press of the button)."""
    result = session.exec(delete(Draft).where(col(Draft.id) == row.id))
    return bool(result.rowcount)


# Starting the draft of a change reads whether one is started, then starts one: a double-click
# on "Change" started two, and the officer lost track of what they typed in one of them.
DRAFTS_LOCK = 0x62665F64726674  # "bf_drft"


def hold_drafts(session: Session) -> None:
    """Take turns with anyone else starting a draft, until this transaction ends."""
    take_turn(session, DRAFTS_LOCK, Draft)


def draft_amending(session: Session, record_id: int) -> Draft | None:
    query = select(Draft).where(Draft.amends_id == record_id).order_by(col(Draft.id).desc())
    return session.exec(query).first()
