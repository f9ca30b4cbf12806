"""Reading published case studies and the vocabulary with its counts."""

from app.core.content import CaseStudyFile
from app.core.errors import NotFound
from app.core.markdown import markdown_to_html
from app.core.results import CaseStudyDetail, VocabularyPublic, VocabularyTermPublic
from app.core.vocabulary import KINDS, Vocabulary
from app.store import case_studies as store
from app.store.db import Session


def published_case_study(session: Session, slug: str) -> CaseStudyFile:
    """Return a published case study as written, its body unrendered (the page renders it in
    two parts); raise NotFound for an unknown or unpublished slug."""
    case_study = store.find_case_study(session, slug)
    if case_study is None:
        raise NotFound(f"No published case study has the slug {slug!r}; search at /api/v1/search.")
    return store.to_file(case_study)


def get_case_study(session: Session, slug: str) -> CaseStudyDetail:
    """Return a published case study with its body rendered, for the API."""
    data = published_case_study(session, slug)
    return CaseStudyDetail(
        **data.model_dump(exclude={"status"}), body_html=markdown_to_html(data.body)
    )


def vocabulary_with_counts(session: Session, vocabulary: Vocabulary) -> VocabularyPublic:
    counts = store.published_counts(session)
    region_counts = {vocabulary.region_slug(k) or k: n for k, n in counts["regions"].items()}
    lists = {}
    for kind in KINDS:
        kind_counts = region_counts if kind == "regions" else counts[kind]
        lists[kind] = [
            VocabularyTermPublic(
                slug=t.slug,
                label=t.label,
                description=t.description,
                count=kind_counts.get(t.slug, 0),
            )
            for t in vocabulary.terms(kind)
        ]
    return VocabularyPublic(**lists)
