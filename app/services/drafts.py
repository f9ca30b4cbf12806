"""A council officer's drafts: saved as typed, checked as they write (tag suggestions, close
published matches, the safeguarding check at the words that caused it), and sent from the
check-your-answers page as a new submission or as an amendment of one at the version read.
An admin drafts changes to the campaign's own collection the same way (the admin role is the
one that may change a campaign case study's amendment); a moderator publishes them."""

from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from app.core import drafting, safeguarding
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.names import normal_name
from app.core.principals import Principal
from app.core.submissions import SubmissionWarning, TagDraft, TagSuggestions
from app.services.amendments import AmendmentService
from app.services.duplicates import duplicates
from app.services.submissions import SubmissionService
from app.services.tagging import Tagger
from app.services.workflow import CHANGES, OPEN, PUBLISHED, REASON
from app.store import case_studies as store
from app.store import drafts
from app.store.db import Session
from app.store.models import CaseStudy, Draft

Spans = list[tuple[int, int, list[str]]]
# the fields people write
CHECKED = (*drafting.TEXT[:3], *drafting.SECTIONS, *drafting.LINES, *drafting.NOTES)


@dataclass(frozen=True)
class Help:
    """What the service can tell an officer about a draft as it stands."""

    flagged: dict[str, Spans] = field(default_factory=dict)  # form field -> where, and what
    suggestions: TagSuggestions | None = None
    duplicates: list[SubmissionWarning] = field(default_factory=list)
    asked: str | None = None  # for a draft of changes asked for: the moderators' message

    @property
    def findings(self) -> int:
        return sum(len(spans) for spans in self.flagged.values())


class DraftService:
    def __init__(
        self, submissions: SubmissionService, tagger: Tagger, amendments: AmendmentService
    ) -> None:
        self.submissions = submissions
        self.tagger = tagger
        self.amendments = amendments

    # -- reading ---------------------------------------------------------------------------

    def list(self, session: Session, principal: Principal) -> list[Draft]:
        return drafts.list_drafts(session, _council(principal))

    def get(self, session: Session, principal: Principal, draft_id: int) -> Draft:
        row = drafts.find_draft(session, _owner(principal), draft_id)
        if row is None:
            raise NotFound(f"No draft {draft_id} that you can see.")
        return row

    def help(self, session: Session, fields: dict[str, Any], own_slug: str | None = None) -> Help:
        fields = drafting.tidy(fields)
        flagged = {name: spans for name in CHECKED if (spans := safeguarding.flagged(fields[name]))}
        content = drafting.as_content(fields)
        texts = {"title": content["title"] or "", "summary": content["summary"] or ""}
        try:
            draft = TagDraft.model_validate({**texts, "body": content["body"]})
            suggestions: TagSuggestions | None = self.tagger.suggest(session, draft)
        except (Invalid, ValidationError):  # too little text yet, or too much to suggest from
            suggestions = None
        index = self.submissions.index
        close = duplicates(session, index, content, own_slug) if suggestions else []
        return Help(flagged, suggestions, close)

    def campaign_draft(self, session: Session, record_id: int) -> Draft | None:
        """The admins' draft of a change to this campaign case study, if one is started."""
        found = drafts.draft_amending(session, record_id)
        return found if is_campaign(found) else None

    def change_draft(self, session: Session, row: CaseStudy) -> Draft | None:
        """The draft of a change to this case study, if one is started (its council's, or for
        the campaign's collection the admins')."""
        assert row.id is not None
        return drafts.draft_amending(session, row.id)

    def outdated(self, session: Session, row: CaseStudy, draft: Draft | None) -> bool:
        """Whether the draft was started before the case study (or its open changes) last
        changed: it can no longer be sent, and starting again replaces it, so the pages that
        start one say so first and link to it, to copy from."""
        if draft is None or row.id is None:
            return False
        revision = self.amendments.open_one(session, row.id) if row.status == PUBLISHED else None
        now = (revision.version, revision.id) if revision else (row.version, None)
        return (draft.amends_version, draft.amends_revision) != now

    def help_for(
        self, session: Session, principal: Principal, draft: Draft, fields: dict[str, Any]
    ) -> Help:
        """The help for these fields of the draft: a draft of a change is not a duplicate of
        the case study it changes."""
        own = self.submissions.get(session, principal, draft.amends_id) if draft.amends_id else None
        found = self.help(session, fields, own.slug if own else None)
        return replace(found, asked=self._asked(session, own)) if own else found

    def _asked(self, session: Session, row: CaseStudy) -> str | None:
        """What the moderators asked to be changed, while they wait for it: the officer writes
        the changes on the form, away from the page that shows the message."""
        if row.status == CHANGES:
            return row.moderation_message
        revision = self.amendments.open_one(session, row.id) if row.id is not None else None
        if revision is not None and revision.state == CHANGES:
            return revision.moderation_message
        return None

    # -- changing --------------------------------------------------------------------------

    def start(self, session: Session, principal: Principal, fields: dict[str, Any]) -> Draft:
        """A new draft; the one just started if the same form was sent twice (a double-click)."""
        council, tidy = _council(principal), drafting.tidy(fields)
        drafts.hold_drafts(session)
        row = drafts.just_started(session, council, principal.name, tidy)
        row = row or drafts.new_draft(session, council, principal.name, tidy)
        session.commit()
        return row

    def start_amendment(self, session: Session, principal: Principal, record_id: int) -> Draft:
        """A draft of a change, from the submission as it is now, or from a published case
        study's open amendment (or as it is published, to propose one); the one already started
        from this version if there is one."""
        row = self.submissions.get(session, principal, record_id)
        assert row.id is not None
        if principal.role == "admin" and row.owner_council is not None:
            raise NotFound(
                f"No case study {record_id} of the campaign's collection: a council's case "
                "study is changed by its council."
            )
        revision = self.amendments.open_one(session, row.id) if row.status == PUBLISHED else None
        if row.status not in (*OPEN, PUBLISHED):
            raise Conflict(
                f"This submission is {row.status.replace('_', ' ')}; only one waiting for "
                "review, with changes requested or published can be changed."
            )
        version = revision.version if revision else row.version
        changes = revision.id if revision else None
        drafts.hold_drafts(session)
        found = drafts.draft_amending(session, row.id)
        if found and (found.amends_version, found.amends_revision) == (version, changes):
            return found
        if found is not None:  # started from an older version: start again from this one
            drafts.delete_draft(session, found)
        content = store.to_file(row).model_dump()
        fields = drafting.fields_of({**content, **(revision.content if revision else {})})
        # the word on why both should stand goes with it: the open amendment's, for a published
        # case study (a new amendment starts without one), the submission's otherwise
        reason = (revision or row).duplicate_reason if revision or row.status != PUBLISHED else None
        fields["duplicate_reason"] = reason or ""
        draft = drafts.new_draft(
            session, _owner(principal), principal.name, fields, (row.id, version)
        )
        draft.amends_revision = changes
        session.commit()
        return draft

    def save(
        self,
        session: Session,
        principal: Principal,
        draft_id: int,
        fields: dict[str, Any],
        expected: int | None = None,
        only: tuple[str, ...] | None = None,
    ) -> Draft:
        """Save the fields; with `expected` (the version the form was read at), a Conflict if
        someone saved the draft since, nothing written. With `only` (a page of the form's
        fields), those fields, the rest as the draft holds them at the version written over."""
        row = self.get(session, principal, draft_id)
        if only is not None:
            fields = {**row.fields, **{name: fields.get(name) for name in only}}
        if (expected is not None and row.version != expected) or not drafts.update_draft(
            session, row, drafting.tidy(fields)
        ):
            session.rollback()
            raise Conflict(
                "Someone else saved this draft after you opened it, so your changes were not "
                "saved. They are still in the form below: copy what you need, then open the "
                "draft again to see theirs.",
                current={"version": self.get(session, principal, draft_id).version},
            )
        session.commit()
        return row

    def council_of(self, session: Session, principal: Principal, draft: Draft) -> str:
        """The council the draft's content names: the officer's, or for an admin's draft the
        campaign case study's own."""
        if not is_campaign(draft) or draft.amends_id is None:
            return _council(principal)
        return self.submissions.get(session, principal, draft.amends_id).council

    def discard(self, session: Session, principal: Principal, draft_id: int) -> None:
        drafts.delete_draft(session, self.get(session, principal, draft_id))
        session.commit()

    def send(self, session: Session, principal: Principal, draft_id: int) -> CaseStudy:
        """Submit the draft, or amend the submission it changes at the version it was started
        from; the draft goes in the same transaction. Invalid if it is not ready; Conflict if
        it was sent already or the submission changed meanwhile."""
        row = self.get(session, principal, draft_id)
        council = self.council_of(session, principal, row)
        content = drafting.check(row.fields, council)
        raw = {**drafting.as_content(row.fields), "council": council}
        reason = drafting.reason_of(row.fields)
        amends, version = row.amends_id, row.amends_version
        if not drafts.claim_draft(session, row):
            raise Conflict("This draft has been sent already: see your submissions.")
        if amends is not None:  # as typed, so that what cleaning removes is warned of
            patch = {name: value for name, value in raw.items() if name != "council"}
            patch[REASON] = reason
            expected = None if version is None else {version}
            if row.amends_revision is not None:  # the published case study's open amendment
                self.amendments.amend(session, principal, row.amends_revision, patch, expected)
                return self.submissions.get(session, principal, amends)
            if self.submissions.get(session, principal, amends).status == PUBLISHED:
                self.amendments.propose(session, principal, amends, patch, expected)
                return self.submissions.get(session, principal, amends)
            return self.submissions.amend(session, principal, amends, patch, expected)
        sent = self.submissions.submit(
            session, principal, content, raw, None, lambda record: {"id": record.id}, reason
        )
        return self.submissions.get(session, principal, int(sent["id"]))


def is_campaign(draft: Draft | None) -> bool:
    """An admin's draft of a change to a case study of the campaign's own collection."""
    return draft is not None and draft.owner_council == drafts.CAMPAIGN


def _council(principal: Principal) -> str:
    if principal.role != "council" or not normal_name(principal.council or ""):
        raise Forbidden("Drafts are kept for council officers.")
    return principal.council or ""


def _owner(principal: Principal) -> str:
    """Whose drafts this principal works on: its council's, or an admin's the campaign's."""
    return drafts.CAMPAIGN if principal.role == "admin" else _council(principal)
