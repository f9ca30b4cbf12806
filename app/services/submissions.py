"""Council submissions and their moderation: the states, who may move them, and the history.

    submitted --publish--> published --unpublish--> changes_requested
    submitted --request-changes--> changes_requested --amend--> submitted
    submitted | changes_requested --reject--> rejected
    submitted | changes_requested --withdraw--> withdrawn

Every change writes a history event in the same transaction; a change that can alter what
search shows also writes the change log, and the index is brought up to date before the answer
goes back, so a publish is searchable at once.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.core import safeguarding
from app.core.content import (
    CaseStudyContent,
    CaseStudyFile,
    History,
    HistoryEvent,
    Safeguarding,
    SafeguardingFinding,
    SubmissionList,
    SubmissionPublic,
    SubmissionWarning,
)
from app.core.failpoints import failpoint
from app.search.index import SearchIndex
from app.services.tagging import duplicates
from app.store import case_studies as store
from app.store.keys import Principal
from app.store.models import CaseStudy, IdempotencyRecord, SubmissionEvent, utcnow
from app.web.problems import Conflict, Forbidden, InvalidParameter, NotFound

SUBMITTED, CHANGES, PUBLISHED = "submitted", "changes_requested", "published"
REJECTED, WITHDRAWN = "rejected", "withdrawn"
OPEN = (SUBMITTED, CHANGES)  # states a council may still amend or withdraw
TEXT_FIELDS = ("title", "council", "summary", "body", "programme")
_COUNCIL_WORDS = {
    "city", "council", "county", "borough", "metropolitan", "district", "london", "of", "the",
    "royal", "and",
}  # fmt: skip


def slugify(text: str, limit: int = 80) -> str:
    words = re.findall(r"[a-z0-9]+", text.casefold())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "case-study"


def _problems(error: ValidationError, where: str = "body") -> InvalidParameter:
    errors = [
        {
            "detail": f"{'.'.join(str(p) for p in e['loc']) or where}: {e['msg']}",
            "pointer": "#/" + "/".join([where, *(str(p) for p in e["loc"])]),
        }
        for e in error.errors()
    ]
    return InvalidParameter("; ".join(e["detail"] for e in errors), errors)


def sanitised_fields(raw: Any, content: CaseStudyContent) -> list[SubmissionWarning]:
    """The text fields whose stored form lost HTML or unsafe links on the way in."""
    if not isinstance(raw, dict):
        return []
    changed = []
    for name in (*TEXT_FIELDS, "outcomes", "partners"):
        sent, kept = raw.get(name), getattr(content, name, None)
        if isinstance(sent, str) and isinstance(kept, str | None):
            differs = " ".join(sent.split()) != " ".join((kept or "").split())
        elif isinstance(sent, list) and isinstance(kept, list):
            differs = [" ".join(str(s).split()) for s in sent] != [
                " ".join(k.split()) for k in kept
            ]
        else:
            differs = False
        if differs:
            changed.append(name)
    if not changed:
        return []
    return [
        SubmissionWarning(
            kind="sanitised",
            detail=f"HTML, control characters or unsafe links were removed from: "
            f"{', '.join(changed)}. Check the stored text reads as intended.",
        )
    ]


class SubmissionService:
    """The submission workflow over a request's session."""

    def __init__(self, index: SearchIndex, refresh_index: Callable[[], object]) -> None:
        self.index = index
        self._refresh_index = refresh_index

    # -- reading ----------------------------------------------------------------------------

    def public(self, row: CaseStudy, base_url: str) -> SubmissionPublic:
        assert row.id is not None
        content = store.to_file(row).model_dump(exclude={"slug", "status"})
        findings = [SafeguardingFinding(**f) for f in row.safeguarding_findings]
        return SubmissionPublic.model_construct(
            **content,
            id=row.id,
            slug=row.slug,
            status=row.status,
            owner_council=row.owner_council,
            moderation_message=row.moderation_message,
            safeguarding=Safeguarding(
                flagged=bool(findings),
                findings=findings,
                checked_by=row.safeguarding_checked_by,
                checked_at=row.safeguarding_checked_at,
            ),
            warnings=[SubmissionWarning(**w) for w in row.warnings],
            created_at=row.created_at,
            modified_at=row.modified_at,
            url=f"{base_url}/api/v1/submissions/{row.id}",
            public_url=(
                f"{base_url}/api/v1/case-studies/{row.slug}" if row.status == PUBLISHED else None
            ),
        )

    def _load(self, session: Session, principal: Principal, record_id: int) -> CaseStudy:
        """The record if this principal may see it; 404 otherwise, so others' records do not
        even show that they exist."""
        row = session.get(CaseStudy, record_id)
        if row is None or not (principal.moderates or principal.owns(row.owner_council)):
            raise NotFound(f"No submission {record_id} that this key can see.")
        session.refresh(row, attribute_names=["tags"])
        return row

    def get(self, session: Session, principal: Principal, record_id: int) -> CaseStudy:
        return self._load(session, principal, record_id)

    def find(
        self,
        session: Session,
        principal: Principal,
        statuses: list[str],
        council: str | None,
        page: int,
        per_page: int,
        oldest_first: bool = False,
    ) -> tuple[int, list[CaseStudy]]:
        query = select(CaseStudy).where(col(CaseStudy.owner_council).is_not(None))
        if principal.role == "council":
            query = query.where(CaseStudy.owner_council == principal.council)
        elif council:
            query = query.where(func.lower(CaseStudy.owner_council) == council.casefold())
        if statuses:
            query = query.where(col(CaseStudy.status).in_(statuses))
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        order = col(CaseStudy.id) if oldest_first else col(CaseStudy.id).desc()
        rows = session.exec(query.order_by(order).offset((page - 1) * per_page).limit(per_page))
        return int(total), list(rows)

    def page(
        self, rows: tuple[int, list[CaseStudy]], page: int, per_page: int, base_url: str
    ) -> SubmissionList:
        total, found = rows
        return SubmissionList(
            total=total,
            page=page,
            per_page=per_page,
            results=[self.public(row, base_url) for row in found],
        )

    def history(self, session: Session, principal: Principal, record_id: int) -> History:
        row = self._load(session, principal, record_id)
        events = session.exec(
            select(SubmissionEvent)
            .where(SubmissionEvent.case_study_id == record_id)
            .order_by(col(SubmissionEvent.id))
        )
        return History(
            id=record_id,
            slug=row.slug,
            events=[HistoryEvent.model_validate(e, from_attributes=True) for e in events],
        )

    # -- council actions --------------------------------------------------------------------

    def submit(
        self,
        session: Session,
        principal: Principal,
        content: CaseStudyContent,
        raw: Any,
        base_url: str,
        idempotency_key: str | None,
    ) -> tuple[int, dict[str, Any]]:
        """Store a new submission; return (status code, body). A retry with the same
        Idempotency-Key gets the first answer back; the same key for another request is a 409."""
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
        owner = principal.council if principal.role == "council" else content.council
        slug = self._free_slug(session, owner or content.council, content.title)
        row = CaseStudy(slug=slug, status=SUBMITTED, owner_council=owner)  # type: ignore[call-arg]
        self._fill(session, row, content, raw)
        session.add(row)
        session.flush()
        self._event(session, row, principal, "submitted", None, SUBMITTED)
        body = self.public(row, base_url).model_dump(mode="json")
        if idempotency_key:
            assert principal.key_id is not None
            session.add(
                IdempotencyRecord(
                    api_key_id=principal.key_id,
                    key=idempotency_key,
                    request_hash=request_hash,
                    status_code=201,
                    response=body,
                )
            )
        try:
            session.commit()
        except IntegrityError:  # the same key, or the same slug, raced us
            session.rollback()
            if idempotency_key:
                replay = self._replay(session, principal, idempotency_key, request_hash)
                if replay is not None:
                    return replay
            raise Conflict("Another request changed this at the same moment; try again.") from None
        return 201, body

    def _replay(
        self, session: Session, principal: Principal, key: str, request_hash: str
    ) -> tuple[int, dict[str, Any]] | None:
        record = session.exec(
            select(IdempotencyRecord).where(
                IdempotencyRecord.api_key_id == principal.key_id, IdempotencyRecord.key == key
            )
        ).first()
        if record is None:
            return None
        if record.request_hash != request_hash:
            raise Conflict(
                "This Idempotency-Key was already used for a different request; use a new key "
                "for a new submission."
            )
        return record.status_code, record.response

    def amend(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        patch: dict[str, Any],
        base_url: str,
    ) -> CaseStudy:
        row = self._load(session, principal, record_id)
        if not (principal.owns(row.owner_council) or principal.role == "admin"):
            raise Forbidden("Only the council that submitted it can amend a submission.")
        if row.status not in OPEN:
            raise Conflict(
                f"This submission is {row.status}; only a submitted one or one with changes "
                "requested can be amended."
            )
        current = store.to_file(row).model_dump(exclude={"slug", "status"})
        try:
            content = CaseStudyContent.model_validate({**current, **patch})
        except ValidationError as error:
            raise _problems(error) from None
        if principal.role == "council" and not principal.owns(content.council):
            raise Forbidden(f"This key submits for {principal.council!r}; keep the council field.")
        after = content.model_dump()
        changes = {
            name: {"from": current.get(name), "to": after.get(name)}
            for name in after
            if after.get(name) != current.get(name)
        }
        before = row.status
        self._fill(session, row, content, patch)
        row.status = SUBMITTED
        self._event(session, row, principal, "amended", before, SUBMITTED, changes=changes)
        session.commit()
        return row

    def withdraw(self, session: Session, principal: Principal, record_id: int) -> CaseStudy:
        row = self._load(session, principal, record_id)
        if not (principal.owns(row.owner_council) or principal.role == "admin"):
            raise Forbidden("Only the council that submitted it can withdraw a submission.")
        if row.status == WITHDRAWN:
            return row
        if row.status not in OPEN:
            raise Conflict(
                f"This submission is {row.status}; ask the moderators to unpublish a published "
                "case study."
            )
        self._move(session, row, principal, "withdrawn", WITHDRAWN, None)
        session.commit()
        return row

    # -- moderation -------------------------------------------------------------------------

    def publish(
        self, session: Session, principal: Principal, record_id: int, note: str | None
    ) -> CaseStudy:
        row = self._moderated(session, principal, record_id, (SUBMITTED,), "publish")
        if row.safeguarding_findings and row.safeguarding_checked_at is None:
            raise Conflict(
                "The safeguarding check flagged this submission: confirm it was checked "
                f"(POST /api/v1/moderation/{record_id}/confirm-safeguarding) before publishing."
            )
        if row.published is None:  # the date it was first published, unless the council gave one
            row.published = date.today().isoformat()
            row.published_year = date.today().year
        self._move(session, row, principal, "published", PUBLISHED, note)
        row.moderation_message = note
        store.record_change(session, row.slug)
        session.commit()
        failpoint("after-publish-commit")  # the store has it, the index not yet
        self._refresh_index()
        return row

    def request_changes(
        self, session: Session, principal: Principal, record_id: int, message: str
    ) -> CaseStudy:
        return self._decide(
            session, principal, record_id, (SUBMITTED,), "changes_requested", CHANGES, message
        )

    def reject(
        self, session: Session, principal: Principal, record_id: int, reason: str
    ) -> CaseStudy:
        return self._decide(session, principal, record_id, OPEN, "rejected", REJECTED, reason)

    def unpublish(
        self, session: Session, principal: Principal, record_id: int, reason: str
    ) -> CaseStudy:
        return self._decide(
            session, principal, record_id, (PUBLISHED,), "unpublished", CHANGES, reason
        )

    def _decide(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        allowed: tuple[str, ...],
        action: str,
        to: str,
        message: str,
    ) -> CaseStudy:
        """A moderator's decision with a message for the council; a change to what is
        published reaches the index before the answer."""
        verb = {"changes_requested": "request changes to", "rejected": "reject"}.get(
            action, "unpublish"
        )
        row = self._moderated(session, principal, record_id, allowed, verb)
        was_published = row.status == PUBLISHED
        self._move(session, row, principal, action, to, message)
        row.moderation_message = message
        if was_published:
            store.record_change(session, row.slug)
        session.commit()
        if was_published:
            self._refresh_index()
        return row

    def confirm_safeguarding(
        self, session: Session, principal: Principal, record_id: int, note: str
    ) -> CaseStudy:
        row = self._moderated(session, principal, record_id, (SUBMITTED, CHANGES), "confirm")
        row.safeguarding_checked_by = principal.name
        row.safeguarding_checked_at = utcnow()
        self._event(session, row, principal, "safeguarding_confirmed", row.status, row.status, note)
        session.add(row)
        session.commit()
        return row

    # -- helpers ----------------------------------------------------------------------------

    def _moderated(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        allowed: tuple[str, ...],
        verb: str,
    ) -> CaseStudy:
        if not principal.moderates:
            raise Forbidden("Moderation needs a moderator or admin key.")
        row = self._load(session, principal, record_id)
        if row.status not in allowed:
            raise Conflict(
                f"Cannot {verb} a case study that is {row.status}; it must be "
                f"{' or '.join(allowed)}."
            )
        return row

    def _fill(self, session: Session, row: CaseStudy, content: CaseStudyContent, raw: Any) -> None:
        data = CaseStudyFile(**content.model_dump(), slug=row.slug, status=row.status)  # type: ignore[arg-type]
        store.fill_case_study(row, data)
        findings = [f.as_dict() for f in safeguarding.check(content.model_dump())]
        if findings != row.safeguarding_findings:  # new findings need a new check
            row.safeguarding_checked_by = None
            row.safeguarding_checked_at = None
        row.safeguarding_findings = findings
        warnings = sanitised_fields(raw, content)
        warnings += duplicates(session, self.index, content.model_dump(), own_slug=row.slug)
        row.warnings = [w.model_dump() for w in warnings]

    def _move(
        self,
        session: Session,
        row: CaseStudy,
        principal: Principal,
        action: str,
        to: str,
        message: str | None,
    ) -> None:
        before = row.status
        row.status = to
        row.modified_at = utcnow()
        row.content_hash = store.content_hash(store.to_file(row))  # as `indexer load` would
        session.add(row)
        self._event(session, row, principal, action, before, to, message)

    def _event(
        self,
        session: Session,
        row: CaseStudy,
        principal: Principal,
        action: str,
        before: str | None,
        after: str | None,
        message: str | None = None,
        changes: dict[str, Any] | None = None,
    ) -> None:
        assert row.id is not None
        session.add(
            SubmissionEvent(
                case_study_id=row.id,
                actor=principal.name,
                role=principal.role,
                action=action,
                from_status=before,
                to_status=after,
                message=message,
                changes=json.loads(json.dumps(changes or {}, default=str)),
            )
        )

    def _free_slug(self, session: Session, council: str, title: str) -> str:
        words = [w for w in slugify(council).split("-") if w not in _COUNCIL_WORDS]
        base = slugify(" ".join([*words[:3], title]))
        slug, n = base, 1
        while store.find_case_study(session, slug, published_only=False) is not None:
            n += 1
            slug = f"{base}-{n}"
        return slug
