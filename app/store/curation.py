"""Everyday-phrase synonyms and best bets in the store, each change recorded in
`curation_change` in the same transaction. The number of those rows is a version that only
grows: every process polls it and re-reads both lists when it moves (services/curation.py)."""

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.curation import BestBet, Decision, LaySynonym, Match, invalid, refused
from app.core.errors import Conflict, NotFound
from app.store.case_studies import PUBLISHED
from app.store.curation_tables import BestBet as BestBetRow
from app.store.curation_tables import CurationChange
from app.store.curation_tables import LaySynonym as LaySynonymRow
from app.store.db import take_turn
from app.store.models import CaseStudy, QueryCount, utcnow


def version(session: Session) -> int:
    """How many changes synonyms and best bets have had."""
    return int(session.exec(select(func.count()).select_from(CurationChange)).one())


def _record(
    session: Session, kind: str, subject: str, action: str, actor: str, **what: Any
) -> None:
    detail = json.dumps(what, ensure_ascii=False)[:1000] if what else ""
    session.add(
        CurationChange(kind=kind, subject=subject, action=action, detail=detail, actor=actor)
    )


# -- synonyms ---------------------------------------------------------------------------------


def _synonym(row: LaySynonymRow) -> LaySynonym:
    assert row.id is not None
    status: Decision = "accepted" if row.status == "accepted" else "dismissed"
    return LaySynonym(
        row.id, row.phrase, list(row.targets), status, row.note, row.decided_by, row.decided_at
    )


def list_synonyms(session: Session, status: Decision | None = None) -> list[LaySynonym]:
    query = select(LaySynonymRow).order_by(col(LaySynonymRow.phrase))
    if status is not None:
        query = query.where(LaySynonymRow.status == status)
    return [_synonym(row) for row in session.exec(query)]


def decided_phrases(session: Session) -> set[str]:
    return set(session.exec(select(LaySynonymRow.phrase)))


def decide(
    session: Session,
    phrase: str,
    status: Decision,
    targets: list[str],
    actor: str,
    note: str | None,
    by: tuple[str, datetime] | None = None,
    undecided: bool = False,
    expected: frozenset[int] | None = None,
) -> LaySynonym:
    """Accept or dismiss a phrase, replacing an earlier decision, and commit. `by` puts a
    forgotten decision back as made (its decider and time, from restorable()); the change log
    records `actor` restoring it. `undecided` and `expected` as for still_undecided()."""
    if expected is not None:  # read, compared, then written: two at once take turns
        take_turn(session, SYNONYMS_LOCK, LaySynonymRow)
    row = session.exec(select(LaySynonymRow).where(LaySynonymRow.phrase == phrase)).first()
    if why := refused(phrase, _synonym(row) if row else None, undecided, expected):
        session.rollback()
        raise why
    if row is None:
        row = LaySynonymRow(phrase=phrase, status=status, decided_by=actor)
    decider, at = by or (actor, utcnow())
    row.status, row.targets, row.note, row.decided_by = status, targets, note, decider
    row.decided_at = at
    session.add(row)
    _record(session, "synonym", phrase, "restored" if by else status, actor, targets=targets)
    try:
        session.commit()
    except IntegrityError as error:  # decided by someone else at the same moment
        session.rollback()
        raise Conflict(f"“{phrase}” was decided by someone else just now; look again.") from error
    session.refresh(row)
    return _synonym(row)


SYNONYMS_LOCK = 0x62665F6C6179  # "bf_lay"


def still_undecided(session: Session, phrase: str, expected: frozenset[int] | None = None) -> None:
    """Conflict if the phrase was decided since its decider saw it as a suggestion; or, with
    `expected` (the versions of its decision an API client read; none: undecided), if its
    decision is not one of them. Never a decision replaced unseen."""
    row = session.exec(select(LaySynonymRow).where(LaySynonymRow.phrase == phrase)).first()
    if why := refused(phrase, _synonym(row) if row else None, expected is None, expected):
        raise why


def _digest(phrase: str, status: str, targets: list[str], note: str | None) -> str:
    """A decision's fingerprint, kept when it is forgotten (its words could outgrow the change
    log's detail): an Undo that brings the same decision back may put back its decider."""
    decision = json.dumps([phrase, status, targets, note or ""], ensure_ascii=False)
    return hashlib.sha256(decision.encode()).hexdigest()


def remove_synonym(session: Session, synonym_id: int, actor: str) -> LaySynonym:
    """Forget a decision (search stops using an accepted phrase); NotFound if unknown. The
    change log keeps who made it and when, for an Undo to put it back as it was."""
    row = session.get(LaySynonymRow, synonym_id)
    if row is None:
        raise NotFound(f"No synonym has the id {synonym_id}; GET /api/v1/synonyms for the ids.")
    removed = _synonym(row)
    session.delete(row)
    digest = _digest(removed.phrase, removed.status, removed.targets, removed.note)
    made = {"decided_by": removed.decided_by, "decided_at": removed.decided_at.isoformat()}
    _record(session, "synonym", row.phrase, "removed", actor, digest=digest, **made)
    session.commit()
    return removed


def _changes(session: Session, kind: str, subject: str) -> list[tuple[CurationChange, Any]]:
    """A subject's changes, latest first, each with its detail read."""
    rows = session.exec(
        select(CurationChange)
        .where(CurationChange.kind == kind, CurationChange.subject == subject)
        .order_by(col(CurationChange.id).desc())
    )
    return [(row, json.loads(row.detail) if row.detail else {}) for row in rows]


def _made(made: dict[str, str], by: str, at: str) -> tuple[str, datetime]:
    return made[by], datetime.fromisoformat(made[at])


def restorable(
    session: Session, phrase: str, status: Decision, targets: list[str], note: str | None
) -> tuple[str, datetime]:
    """Who made the decision on `phrase` and when, if it is the one last forgotten (the same
    status, targets and note) and nothing was done to the phrase since; Conflict otherwise."""
    last = next(iter(_changes(session, "synonym", phrase)), None)
    if last and last[0].action == "removed":
        if last[1].get("digest") == _digest(phrase, status, targets, note):
            return _made(last[1], "decided_by", "decided_at")
    raise Conflict(
        f"The decision on “{phrase}” cannot be put back as it was: it has changed since it "
        "was forgotten. Decide it again below."
    )


def restorations(session: Session) -> dict[str, tuple[str, datetime]]:
    """The phrases whose decision was forgotten and then put back, as the last thing done to
    them: who put it back, and when."""
    last = (
        select(func.max(CurationChange.id))
        .where(CurationChange.kind == "synonym")
        .group_by(col(CurationChange.subject))
    )
    rows = session.exec(
        select(CurationChange).where(
            col(CurationChange.id).in_(last), CurationChange.action == "restored"
        )
    )
    return {row.subject: (row.actor, row.at) for row in rows}


def recent_queries(session: Session, start: date, limit: int) -> list[tuple[str, int, int]]:
    """Queries counted since start: (query, searches, zero-result searches), most searched
    first."""
    searches = func.sum(QueryCount.searches)
    zero = func.sum(QueryCount.zero_results)
    rows = session.exec(
        select(QueryCount.query, searches, zero)
        .where(QueryCount.day >= start)
        .group_by(col(QueryCount.query))
        .order_by(zero.desc(), searches.desc(), col(QueryCount.query))
        .limit(limit)
    )
    return [(q, int(s), int(z)) for q, s, z in rows]


# -- best bets --------------------------------------------------------------------------------


def _bet(row: BestBetRow) -> BestBet:
    assert row.id is not None
    match: Match = "words" if row.match == "words" else "exact"
    return BestBet(row.id, row.query, match, row.slug, row.position, row.added_by, row.added_at)


def published_titles(session: Session) -> list[tuple[str, str, str]]:
    """(slug, title, council) of every published case study, by title: what may be pinned
    (titles repeat between councils, so a moderator chooses by both)."""
    columns = select(CaseStudy.slug, CaseStudy.title, CaseStudy.council)
    query = columns.where(CaseStudy.status == PUBLISHED)
    query = query.order_by(col(CaseStudy.title), col(CaseStudy.slug))  # titles may repeat
    return [(slug, title, council) for slug, title, council in session.exec(query)]


def list_best_bets(session: Session) -> list[BestBet]:
    rows = session.exec(
        select(BestBetRow).order_by(
            col(BestBetRow.query), col(BestBetRow.position), col(BestBetRow.slug)
        )
    )
    return [_bet(row) for row in rows]


# Pins are read, then written: two moderators pinning at once each saw the other's place free,
# and a query had six pins, two to a place. Writers of best bets take turns (db.take_turn).
BEST_BETS_LOCK = 0x62665F62657473  # "bf_bets"


def _one_at_a_time(session: Session) -> None:
    take_turn(session, BEST_BETS_LOCK, BestBetRow)


def add_best_bet(
    session: Session,
    query: str,
    match: Match,
    case_study: CaseStudy,
    actor: str,
    limit: int,
    position: int | None = None,
    by: tuple[str, datetime] | None = None,
) -> BestBet:
    """Pin a case study to a query after those already pinned, or at `position` (an unpin
    undone puts it back where it was, the later ones moving down, and `by` as who pinned it
    and when: pin_restorable()); Conflict if it already is (named by its title, about the case
    study: the form's field), or if the query has its fill."""
    slug = case_study.slug
    _one_at_a_time(session)
    pinned = list(session.exec(select(BestBetRow).where(BestBetRow.query == query)))
    if any(row.slug == slug for row in pinned):
        detail = f"“{case_study.title}” is already pinned to “{query}”: choose another case study."
        raise Conflict(detail, errors=[{"detail": detail, "pointer": "#/slug"}])
    if len(pinned) >= limit:
        raise Conflict(f"“{query}” already has {limit} pinned case studies; unpin one first.")
    # A store from before unpins closed the gaps may hold 1, 3: numbered 1 to n again, so that
    # the new pin is the last of n + 1, not "in position 4" of three.
    order: list[BestBetRow | None] = [*sorted(pinned, key=lambda r: (r.position, r.slug))]
    at = len(order) + 1 if position is None else max(1, min(position, len(order) + 1))
    order.insert(at - 1, None)  # the new one's place
    for place, each in enumerate(order, 1):
        if each is not None and each.position != place:
            each.position = place
            session.add(each)
    pinner, when = by or (actor, utcnow())
    row = BestBetRow(
        query=query, match=match, slug=slug, position=at, added_by=pinner, added_at=when
    )
    session.add(row)
    _record(
        session, "best_bet", query, "restored" if by else "pinned", actor, slug=slug, match=match
    )
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(f"{slug} was pinned to “{query}” by someone else just now.") from error
    session.refresh(row)
    return _bet(row)


def remove_best_bet(session: Session, bet_id: int, actor: str) -> BestBet:
    _one_at_a_time(session)
    row = session.get(BestBetRow, bet_id, populate_existing=True)
    if row is None:
        raise NotFound(f"No best bet has the id {bet_id}; GET /api/v1/best-bets for the ids.")
    removed = _bet(row)
    session.delete(row)
    # Those after it move up, so that a query's pins are always 1 to 3: a pin after an unpin
    # was "in position 4" of three.
    later = select(BestBetRow).where(
        BestBetRow.query == row.query, col(BestBetRow.position) > row.position
    )
    for after in session.exec(later):
        after.position -= 1
        session.add(after)
    made = {"added_by": row.added_by, "added_at": row.added_at.isoformat(), "match": row.match}
    _record(session, "best_bet", row.query, "unpinned", actor, slug=row.slug, **made)
    session.commit()
    return removed


def pin_restorable(session: Session, query: str, slug: str, match: Match) -> tuple[str, datetime]:
    """Who pinned `slug` to `query` and when, if the last thing done to that pin was its unpin
    (with the same match); Conflict otherwise."""
    for change, made in _changes(session, "best_bet", query):
        if made.get("slug") == slug:
            if change.action == "unpinned" and made.get("match") == match and "added_at" in made:
                return _made(made, "added_by", "added_at")
            break
    raise Conflict(f"{slug} cannot be pinned back to “{query}” as it was: pin it again below.")


def pin_restorations(
    session: Session, queries: set[str]
) -> dict[tuple[str, str], tuple[str, datetime]]:
    """The pins of `queries` unpinned and then put back, as the last thing done to them: who
    put each back, and when, by (query, slug)."""
    last: dict[tuple[str, str], CurationChange] = {}
    for query in queries:
        for change, made in reversed(_changes(session, "best_bet", query)):
            last[query, made.get("slug", "")] = change
    return {pin: (c.actor, c.at) for pin, c in last.items() if c.action == "restored"}


def move_best_bet(session: Session, bet_id: int, position: int, actor: str) -> BestBet:
    """Move a pin to another position of its query's, the others closing up around it. Each row
    is written only if its position is still the one read (compare-and-set), so a move, pin or
    unpin made meanwhile by someone else is a Conflict, not a query with two pins in one place."""
    _one_at_a_time(session)
    row = session.get(BestBetRow, bet_id, populate_existing=True)
    if row is None:
        raise NotFound(f"No best bet has the id {bet_id}; GET /api/v1/best-bets for the ids.")
    same = select(BestBetRow).where(BestBetRow.query == row.query)
    pinned = sorted(session.exec(same), key=lambda r: (r.position, r.slug))
    if not 1 <= position <= len(pinned):
        raise invalid(f"“{row.query}” has positions 1 to {len(pinned)}.", "#/position")
    order = [r for r in pinned if r.id != row.id]
    order.insert(position - 1, row)
    was = {r.id: r.position for r in pinned}
    for place, each in enumerate(order, start=1):
        if was[each.id] == place:
            continue
        written = session.execute(
            update(BestBetRow)
            .where(col(BestBetRow.id) == each.id, col(BestBetRow.position) == was[each.id])
            .values(position=place)
            .execution_options(synchronize_session=False)
        )
        if written.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            raise Conflict(f"The pins of “{row.query}” changed just now: look at them again.")
    _record(session, "best_bet", row.query, "moved", actor, slug=row.slug, position=position)
    session.commit()
    session.refresh(row)
    return _bet(row)
