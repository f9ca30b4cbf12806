"""The lay-language bridge: queries people typed that find nothing or little become proposed
synonyms ("kids in care" → "looked after children"); moderators accept them (edited) or dismiss
them, and accepted ones apply to search in every process (services/curation.py).

Where the proposals come from, honestly: the query counts (text and whether anything was found,
never who searched) name the queries; each is searched again now, and kept if it finds nothing,
or LOW_RESULTS or fewer with a word that finds nothing on its own. For each, the sector's
phrases nearest to it in meaning by the word embeddings (search/bridge.py) that the published
case studies use are proposed. Quick reformulations are not counted (that would mean linking
one person's searches), so they are not a source.
"""

from datetime import date, datetime, timedelta
from pathlib import Path

from app.core.curation import (
    MAX_TARGETS,
    Decision,
    LaySynonym,
    Proposal,
    SynonymSuggestion,
    checked_note,
    checked_phrase,
    invalid,
)
from app.core.errors import Forbidden, Invalid
from app.core.principals import Principal
from app.core.vocabulary import Vocabulary
from app.search import bridge
from app.search.analysis import stem
from app.search.thesaurus_file import add_everyday
from app.services.curation import Curation
from app.services.search import SearchService
from app.store import curation as store
from app.store.db import Session
from app.store.standing import still_acting

LOW_RESULTS = 2  # a query that finds this many or fewer case studies is worth a synonym
CANDIDATES = 500  # counted queries looked at, most zero-result searches first
PROPOSALS = 3


class LayLanguage:
    """Suggestions from real use, and the moderators' decisions on them."""

    def __init__(self, search: SearchService, curation: Curation, vocabulary: Vocabulary):
        self.search = search
        self.curation = curation
        self.vocabulary = vocabulary

    def suggestions(
        self, session: Session, principal: Principal, days: int, limit: int
    ) -> list[SynonymSuggestion]:
        """Recent queries that find LOW_RESULTS or fewer now, not yet decided on and not already
        in the thesaurus, with proposals; most zero-result searches first."""
        _moderator(principal)
        start = date.today() - timedelta(days=days - 1)
        decided = store.decided_phrases(session)
        thesaurus = self.curation.thesaurus
        found: list[SynonymSuggestion] = []
        for query, searches, zero in store.recent_queries(session, start, CANDIDATES):
            phrase = checked_or_none(query)
            if phrase is None or phrase in decided or thesaurus.meanings(phrase):
                continue
            if thesaurus.synonyms(phrase):
                continue
            now = self.search.count(phrase)
            if now > LOW_RESULTS or (now and not self._unknown_word(phrase)):
                continue
            found.append(SynonymSuggestion(phrase, searches, zero, now, self.proposals(phrase)))
            if len(found) >= limit:
                break
        return found

    def _unknown_word(self, phrase: str) -> bool:
        """Whether a word of the phrase (not a filler word) finds nothing on its own, synonyms
        included: a query that finds little in words the search knows is no gap in them."""
        thesaurus = self.curation.thesaurus
        words = [w for w in phrase.split() if stem(w) and not thesaurus.is_filler(w)]
        return any(not self.search.count(word) for word in words)

    def proposals(self, phrase: str) -> list[Proposal]:
        """The sector's phrases nearest in meaning that the published case studies use."""
        thesaurus = self.curation.thesaurus
        words = [w for w in phrase.split() if not thesaurus.is_filler(w)]
        themes = [term.label.lower() for term in self.vocabulary.terms("themes")]
        candidates = list(dict.fromkeys([*thesaurus.entries(), *themes]))
        out: list[Proposal] = []
        for target, closeness in bridge.nearest(" ".join(words) or phrase, candidates, 12):
            if self.search.count(f'"{target}"'):
                out.append(Proposal(target, closeness))
            if len(out) >= PROPOSALS:
                break
        return out

    def list_synonyms(self, session: Session, principal: Principal) -> list[LaySynonym]:
        _moderator(principal)
        return store.list_synonyms(session)

    def accept(
        self,
        session: Session,
        principal: Principal,
        phrase: str,
        targets: list[str],
        note: str | None = None,
        undecided: bool = False,
        expected: frozenset[int] | None = None,
    ) -> LaySynonym:
        """Search also looks for the targets when someone types the phrase (one way). Each
        target must be found, as a phrase, in the published case studies: Invalid otherwise.
        `undecided`: it was offered as a suggestion; Conflict if decided since. `expected`: the
        versions of its decision the caller read (none: undecided); Conflict if not current."""
        _moderator(principal)
        phrase = checked_phrase(phrase, "#/phrase")
        if undecided or expected is not None:  # before the targets: no point fixing them
            store.still_undecided(session, phrase, expected)
        checked = self._targets(phrase, targets)
        still_acting(session, principal)
        note = checked_note(note)
        decided = store.decide(
            session,
            phrase,
            "accepted",
            checked,
            principal.name,
            note,
            undecided=undecided,
            expected=expected,
        )
        self.curation.refresh()
        return decided

    def _targets(self, phrase: str, targets: list[str]) -> list[str]:
        checked: list[str] = []
        for i, target in enumerate(targets):
            checked.append(checked_phrase(target, f"#/targets/{i}"))
            if checked[-1] == phrase:
                raise invalid("A target must differ from the phrase itself.", f"#/targets/{i}")
            if not self.search.count(f'"{checked[-1]}"'):
                raise invalid(
                    f"No published case study says “{checked[-1]}”, so searching for it would "
                    "find nothing; use the case studies' own words.",
                    f"#/targets/{i}",
                )
        checked = list(dict.fromkeys(checked))
        if not checked or len(checked) > MAX_TARGETS:
            raise invalid(f"Give between 1 and {MAX_TARGETS} of the sector's phrases.", "#/targets")
        return checked

    def restore(
        self,
        session: Session,
        principal: Principal,
        phrase: str,
        status: Decision,
        targets: list[str],
        note: str | None = None,
    ) -> LaySynonym:
        """Undo a Forget: the decision back as it was made, by whom and when (the change log
        records who put it back). Conflict if the phrase was decided since, or the decision
        given is not the one forgotten; Invalid if an accepted target no longer finds anything."""
        _moderator(principal)
        phrase = checked_phrase(phrase, "#/phrase")
        checked = self._targets(phrase, targets) if status == "accepted" else []
        note = checked_note(note)
        still_acting(session, principal)
        made = store.restorable(session, phrase, status, checked, note)
        decided = store.decide(session, phrase, status, checked, principal.name, note, by=made)
        self.curation.refresh()
        return decided

    def restorations(
        self, session: Session, principal: Principal
    ) -> dict[str, tuple[str, datetime]]:
        """Decisions forgotten and put back: who put each back, and when (by phrase)."""
        _moderator(principal)
        return store.restorations(session)

    def dismiss(
        self,
        session: Session,
        principal: Principal,
        phrase: str,
        note: str | None = None,
        undecided: bool = False,
        expected: frozenset[int] | None = None,
    ) -> LaySynonym:
        """Never propose the phrase again (and stop using it, if it was accepted); `undecided`
        and `expected` as for accept."""
        _moderator(principal)
        phrase = checked_phrase(phrase, "#/phrase")
        still_acting(session, principal)
        note = checked_note(note)
        decided = store.decide(
            session,
            phrase,
            "dismissed",
            [],
            principal.name,
            note,
            undecided=undecided,
            expected=expected,
        )
        self.curation.refresh()
        return decided

    def remove(self, session: Session, principal: Principal, synonym_id: int) -> LaySynonym:
        """Forget a decision: an accepted phrase stops applying, a dismissed one may be proposed
        again."""
        _moderator(principal)
        still_acting(session, principal)
        removed = store.remove_synonym(session, synonym_id, principal.name)
        self.curation.refresh()
        return removed


def checked_or_none(query: str) -> str | None:
    try:
        return checked_phrase(query, "#/q")
    except Invalid:
        return None


def accepted_everyday(session: Session) -> dict[str, list[str]]:
    """The accepted phrases and their targets, for exporting to the thesaurus file."""
    return {s.phrase: s.targets for s in store.list_synonyms(session, "accepted")}


def _moderator(principal: Principal) -> None:
    if not principal.moderates:
        raise Forbidden("Only moderators and admins decide on synonyms.")


def export_to_file(session: Session, path: Path) -> tuple[list[str], list[str]]:
    """Add the accepted phrases the thesaurus file lacks to it (written aside, then moved into
    place); return the phrases added and those the file already had."""
    text = path.read_text(encoding="utf-8")
    updated, added, skipped = add_everyday(text, accepted_everyday(session))
    if added:
        aside = path.with_suffix(".yaml.tmp")
        aside.write_text(updated, encoding="utf-8")
        aside.replace(path)
    return added, skipped
