"""Help for submitters: tags proposed from a draft's text, and close matches with published
case studies.

Each proposal says why: the vocabulary term (or one of its synonyms) appears in the text, or the
most similar published case studies carry the tag. Similar case studies come from the index, so
only published ones count.
"""

import re
from collections import defaultdict

from app.core.errors import Invalid
from app.core.submissions import SimilarCaseStudy, TagDraft, TagSuggestion, TagSuggestions
from app.core.vocabulary import TAG_FILTERS, Vocabulary
from app.core.words import words
from app.search.analysis import stem
from app.search.index import SearchIndex
from app.search.thesaurus import Thesaurus, get_thesaurus
from app.services.duplicates import SIMILAR, draft_texts
from app.store import case_studies as store
from app.store.db import Session

PROPOSE_AT = 1.0  # a vocabulary match, or the weight of the most similar case study
KIND_FIELDS = TAG_FILTERS  # tag kind -> filter name
_AGES = re.compile(
    r"\b(\d{1,2})[- ]years?[- ]olds?\b|\baged?\s+(\d{1,2})(?:\s*(?:-|to|and)\s*(\d{1,2}))?",
    re.IGNORECASE,
)


class Tagger:
    def __init__(
        self, index: SearchIndex, vocabulary: Vocabulary, thesaurus: Thesaurus | None = None
    ) -> None:
        self.index = index
        self.vocabulary = vocabulary
        self.thesaurus = thesaurus or get_thesaurus()
        # Each term's label and the label's synonyms, as runs of stems.
        self._phrases: dict[str, dict[str, list[tuple[str, str]]]] = {}
        for kind in ("priority_areas", "themes"):
            self._phrases[kind] = {
                term.slug: [
                    (phrase, self._stems(phrase))
                    for phrase in [term.label, *self.thesaurus.synonyms(term.label)]
                ]
                for term in vocabulary.terms(kind)
            }

    def _stems(self, text: str) -> str:
        # Word by word through stem(), whose cache is bounded in bytes: drafts are councils'.
        found = (stem(word) for word in words(text))
        return " " + " ".join(s for s in found if s is not None) + " "

    def suggest(self, session: Session, draft: TagDraft) -> TagSuggestions:
        texts = draft_texts(draft.model_dump())
        whole = "\n".join(texts.values())
        if len(whole.strip()) < 20:
            raise Invalid(
                "Send at least a title and a summary (20 characters or more) to suggest tags.",
                [{"detail": "title, summary or body: too little text", "pointer": "#/body"}],
            )
        scores: dict[str, dict[str, float]] = {k: defaultdict(float) for k in KIND_FIELDS}
        reasons: dict[str, dict[str, list[str]]] = {k: defaultdict(list) for k in KIND_FIELDS}
        self._from_vocabulary(whole, scores, reasons)
        # The same reasons as the pages say them (see TagSuggestion.reasons_in_words).
        words = {
            kind: {slug: list(said) for slug, said in by.items()} for kind, by in reasons.items()
        }
        similar = self._from_similar(session, texts, scores, reasons, words)
        lists = {
            kind: sorted(
                (
                    _suggestion(
                        slug,
                        self.vocabulary.label(kind, slug),
                        score,
                        reasons[kind][slug],
                        words[kind].get(slug, reasons[kind][slug]),
                    )
                    for slug, score in scores[kind].items()
                    if score >= PROPOSE_AT
                ),
                key=lambda s: -s.score,
            )
            for kind in KIND_FIELDS
        }
        return TagSuggestions(**lists, similar=similar)

    def _from_vocabulary(
        self,
        text: str,
        scores: dict[str, dict[str, float]],
        reasons: dict[str, dict[str, list[str]]],
    ) -> None:
        stems = self._stems(text)
        for kind, terms in self._phrases.items():
            for slug, phrases in terms.items():
                for phrase, phrase_stems in phrases:
                    if phrase_stems.strip() and phrase_stems in stems:
                        scores[kind][slug] += 1.0
                        reasons[kind][slug].append(f'the text mentions "{phrase}"')
                        break
        for band in self.thesaurus.age_bands(text):
            scores["age_bands"][band] += 1.0
            reasons["age_bands"][band].append("the text uses an age word for this band")
        for match in _AGES.finditer(text):
            ages = [int(a) for a in match.groups() if a]
            for band in sorted({b for age in ages for b in self.vocabulary.bands_for_age(age)}):
                if not any("aged" in r for r in reasons["age_bands"][band]):
                    scores["age_bands"][band] += 1.0
                    reasons["age_bands"][band].append(f'the text mentions ages ("{match.group()}")')

    def _from_similar(
        self,
        session: Session,
        texts: dict[str, str],
        scores: dict[str, dict[str, float]],
        reasons: dict[str, dict[str, list[str]]],
        words: dict[str, dict[str, list[str]]],
    ) -> list[SimilarCaseStudy]:
        found = self.index.similar(texts, {}, SIMILAR)
        if not found:
            return []
        best = found[0][1] or 1.0
        rows = {cs.slug: cs for cs in store.list_published_by_slug(session, [s for s, _ in found])}
        similar = []
        carried: dict[str, dict[str, list[str]]] = {k: defaultdict(list) for k in KIND_FIELDS}
        for slug, score in found:
            row = rows.get(slug)
            if row is None:
                continue
            weight = score / best
            similar.append(
                SimilarCaseStudy(slug=slug, title=row.title, similarity=round(weight, 2))
            )
            for kind in KIND_FIELDS:
                for value in row.tag_values(kind):
                    scores[kind][value] += weight
                    carried[kind][value].append(slug)
        titles = {s.slug: s.title for s in similar}
        for kind, values in carried.items():
            for value, slugs in values.items():
                reasons[kind][value].append(
                    f"{len(slugs)} of the {len(similar)} most similar published case studies "
                    f"carry it: {', '.join(slugs)}"
                )
                # Two titles at most: a reason is read beside the tag, in a narrow column.
                named = ", ".join(f"“{titles[slug]}”" for slug in slugs[:2])
                if len(slugs) > 2:
                    named += f" and {len(slugs) - 2} more"
                words[kind].setdefault(value, []).append(
                    f"{len(slugs)} of the {len(similar)} most similar published case studies "
                    f"{'carries' if len(slugs) == 1 else 'carry'} it: {named}"
                )
        return similar


def _suggestion(
    slug: str, label: str, score: float, reasons: list[str], words: list[str]
) -> TagSuggestion:
    suggestion = TagSuggestion(value=slug, label=label, score=round(score, 2), reasons=reasons)
    suggestion._words = words
    return suggestion
