"""Everything a moderator needs to decide on one submission, gathered in one place: the text as
it will be published with the safeguarding findings marked where they are, what the council's
last amendment changed, tags proposed for it and the published case studies it resembles, and
its history with the version each event made."""

from dataclasses import dataclass, field
from typing import Any

from app.core.content import CaseStudyFile
from app.core.errors import Invalid
from app.core.marked import marked_markdown, marked_text, with_marks
from app.core.principals import Principal
from app.core.submissions import HistoryEvent, TagDraft, TagSuggestion, TagSuggestions
from app.core.textdiff import FieldDiff, field_diffs
from app.services import workflow
from app.services.amendments import live_content
from app.services.submissions import SubmissionService
from app.services.tagging import Tagger
from app.services.workflow import wrote
from app.store import case_studies as store
from app.store import submissions as events_store
from app.store.db import Session
from app.store.models import CaseStudy, SubmissionEvent
from app.store.revision_tables import CaseStudyRevision

KINDS = ("priority_areas", "age_bands", "themes")
OPENING_AND_CHANGING = ("amendment_proposed", "update_needed", "amendment_amended")


@dataclass(frozen=True)
class Marked:
    """The text fields as HTML with the findings marked, and the findings found nowhere."""

    title: str
    summary: str
    body: str
    outcomes: list[str]
    programme: str | None
    duplicate_reason: str | None  # the council's word on why both should stand
    unplaced: list[dict[str, Any]]


@dataclass(frozen=True)
class Amendment:
    """The council's latest amendment: the version it made and what it changed."""

    version: int
    fields: list[FieldDiff]


@dataclass(frozen=True)
class Review:
    row: CaseStudy
    content: CaseStudyFile
    marked: Marked
    amendment: Amendment | None
    suggestions: TagSuggestions | None
    missing_tags: dict[str, list[TagSuggestion]]  # proposed but not chosen, by kind
    duplicates: list[dict[str, Any]]
    events: list[tuple[str, HistoryEvent]]  # (the version it made, the event), newest first
    needs_confirmation: bool = field(default=False)
    written_by_reader: bool = field(default=False)  # so another moderator must publish it


def _mark(row: CaseStudy) -> Marked:
    findings = row.safeguarding_findings or []

    def passages(name: str) -> list[str]:
        return [f["passage"] for f in findings if f.get("field") == name]

    unplaced = []
    for finding in findings:
        where = finding.get("field", "")
        texts = {
            "title": [row.title],
            "summary": [row.summary],
            "body": [row.body],
            "programme": [row.programme or ""],
            "outcomes": list(row.outcomes),
            "partners": list(row.partners),
            "duplicate_reason": [row.duplicate_reason or ""],
        }.get(where, [])
        if not any(with_marks(t, [finding["passage"]])[1] for t in texts):
            unplaced.append(finding)
    return Marked(
        title=marked_text(row.title, passages("title")),
        summary=marked_text(row.summary, passages("summary")),
        body=marked_markdown(row.body, passages("body")),
        outcomes=[marked_text(o, passages("outcomes")) for o in row.outcomes],
        programme=marked_text(row.programme, passages("programme")) if row.programme else None,
        duplicate_reason=marked_text(row.duplicate_reason, passages("duplicate_reason"))
        if row.duplicate_reason
        else None,
        unplaced=unplaced,
    )


def _amendment(events: list[tuple[int, HistoryEvent]]) -> Amendment | None:
    for version, event in reversed(events):
        if event.action == "amended" and event.changes:
            return Amendment(version, field_diffs(event.changes))
    return None


def _versions(rows: list[SubmissionEvent]) -> list[int]:
    """The case study's version each event left it at (counted, for events from before they
    said so: every change of the case study made one)."""
    found, counted = [], 0
    for row in rows:
        counted = row.version if row.version is not None else counted + 1
        found.append(counted)
    return found


def _labels(rows: list[SubmissionEvent], amendment_id: int | None) -> list[str]:
    """What each event's version is a version of: the case study's, or proposed changes' own
    (an amendment counts its versions apart from the case study's)."""
    labels = []
    for row, version in zip(rows, _versions(rows), strict=True):
        if row.amendment_id is None:
            labels.append(f"case study version {version}" if amendment_id else f"version {version}")
        elif row.amendment_id == amendment_id:
            labels.append(f"version {row.amendment_version} of these changes")
        else:
            labels.append(f"version {row.amendment_version} of other proposed changes")
    return labels


def council_changes(rows: list[SubmissionEvent], revision: CaseStudyRevision) -> dict[str, Any]:
    """What the amendment changes against the version it was proposed to, from its own events
    (once closed, the live row is no longer that version: published, it holds these changes
    and the day they were published)."""
    base: dict[str, Any] = {}
    for row in rows:
        if row.amendment_id == revision.id and row.action in OPENING_AND_CHANGING:
            for name, change in row.changes.items():
                base.setdefault(name, change.get("from"))
    after = revision.content
    return {
        name: {"from": before, "to": after.get(name)}
        for name, before in base.items()
        if after.get(name) != before
    }


class ReviewService:
    """Assembles a Review from the submission workflow and the tagger."""

    def __init__(self, submissions: SubmissionService, tagger: Tagger) -> None:
        self.submissions = submissions
        self.tagger = tagger

    def review(self, session: Session, principal: Principal, record_id: int) -> Review:
        row = self.submissions.get(session, principal, record_id)
        history = self.submissions.history(session, principal, record_id)
        rows = events_store.list_events(session, record_id)
        content = store.to_file(row)
        suggestions = self._suggestions(session, row)
        missing = (
            {
                kind: [
                    s for s in getattr(suggestions, kind) if s.value not in getattr(content, kind)
                ]
                for kind in KINDS
            }
            if suggestions
            else {kind: [] for kind in KINDS}
        )
        # As publishing rules it: a confirmation holds until an amendment clears it.
        confirmed = row.safeguarding_checked_version is not None
        return Review(
            row=row,
            content=content,
            marked=_mark(row),
            amendment=_amendment(list(zip(_versions(rows), history.events, strict=True))),
            suggestions=suggestions,
            missing_tags=missing,
            duplicates=[w for w in row.warnings if w.get("kind") == "possible_duplicate"],
            events=list(reversed(list(zip(_labels(rows, None), history.events, strict=True)))),
            needs_confirmation=bool(row.safeguarding_findings) and not confirmed,
            written_by_reader=wrote(rows, principal, None),
        )

    def since(
        self,
        session: Session,
        principal: Principal,
        record_id: int,
        version: int,
        amendment_id: int | None = None,
    ) -> list[HistoryEvent]:
        """What was done to the case study after `version` (or, given `amendment_id`, to those
        proposed changes after their own `version`), oldest first: a moderator whose decision
        came too late is told what came first, and who did it."""
        history = self.submissions.history(session, principal, record_id)
        rows = events_store.list_events(session, record_id)
        numbers = (
            _versions(rows)
            if amendment_id is None
            else [(r.amendment_version or 0) if r.amendment_id == amendment_id else 0 for r in rows]
        )
        made = zip(numbers, history.events, strict=True)
        return [event for number, event in made if number > version]

    def review_amendment(
        self, session: Session, principal: Principal, revision: CaseStudyRevision, live: CaseStudy
    ) -> Review:
        """An amendment as it would be published, with what it changes against the live
        version; `row` is a copy of the live row holding the amendment (never stored)."""
        assert live.id is not None
        data = {**store.to_file(live).model_dump(), **revision.content}
        row = CaseStudy(
            id=live.id,
            slug=live.slug,
            status=revision.state,
            version=revision.version,
            owner_council=live.owner_council,
            created_at=revision.created_at,
            modified_at=revision.modified_at,
            moderation_message=revision.moderation_message,
            safeguarding_findings=revision.safeguarding_findings,
            safeguarding_checked_by=revision.safeguarding_checked_by,
            safeguarding_checked_at=revision.safeguarding_checked_at,
            safeguarding_checked_version=revision.safeguarding_checked_version,
            warnings=revision.warnings,
            duplicate_reason=revision.duplicate_reason,
        )  # type: ignore[call-arg]
        store.fill_case_study(row, CaseStudyFile.model_construct(**data))
        row.status = revision.state  # the file's status is the live one's
        history = self.submissions.history(session, principal, live.id)
        rows = events_store.list_events(session, live.id)
        changes = (
            workflow.changes_between(live_content(live), revision.content)
            if revision.open_for is not None
            else council_changes(rows, revision)
        )
        found = self._suggestions(session, row)
        content = store.to_file(row)
        return Review(
            row=row,
            content=content,
            marked=_mark(row),
            amendment=Amendment(revision.version, field_diffs(changes)) if changes else None,
            suggestions=found,
            missing_tags={
                kind: [s for s in getattr(found, kind) if s.value not in getattr(content, kind)]
                if found
                else []
                for kind in KINDS
            },
            duplicates=[w for w in row.warnings if w.get("kind") == "possible_duplicate"],
            events=list(
                reversed(list(zip(_labels(rows, revision.id), history.events, strict=True)))
            ),
            needs_confirmation=bool(row.safeguarding_findings)
            and row.safeguarding_checked_version is None,
            written_by_reader=wrote(rows, principal, revision.id),
        )

    def _suggestions(self, session: Session, row: CaseStudy) -> TagSuggestions | None:
        draft = TagDraft(
            title=row.title,
            summary=row.summary,
            body=row.body,
            outcomes=list(row.outcomes)[:30],
            programme=row.programme,
        )
        try:
            found = self.tagger.suggest(session, draft)
        except Invalid:  # too little text to go on
            return None
        found.similar = [s for s in found.similar if s.slug != row.slug]
        return found
