"""GET /api/v1/case-studies/{slug} (and /related) and GET /api/v1/vocabulary."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.core.results import VocabularyPublic
from app.services.case_studies import get_case_study, vocabulary_with_counts
from app.web.deps import BaseUrlDep, SearchDep, SessionDep, VocabularyDep
from app.web.presenters import case_study_public, related_public
from app.web.schemas import CaseStudyPublic, RelatedPagePublic

router = APIRouter(prefix="/api/v1", tags=["case studies"])


@router.get("/case-studies/{slug}", response_model=CaseStudyPublic)
def case_study(
    session: SessionDep, base_url: BaseUrlDep, slug: Annotated[str, Path(max_length=120)]
) -> CaseStudyPublic:
    """A published case study in full: the body as Markdown and as sanitised HTML."""
    return case_study_public(get_case_study(session, slug), base_url)


@router.get("/case-studies/{slug}/related", response_model=RelatedPagePublic)
def related(
    session: SessionDep,
    service: SearchDep,
    base_url: BaseUrlDep,
    slug: Annotated[str, Path(max_length=120)],
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> RelatedPagePublic:
    """The published case studies most like this one, by their words and shared tags (themes
    count most, then priority areas, then age bands). Never includes the case study itself."""
    return related_public(service.related(session, slug, limit), base_url)


@router.get("/vocabulary", response_model=VocabularyPublic)
def vocabulary(session: SessionDep, vocabulary: VocabularyDep) -> VocabularyPublic:
    """Priority areas, age bands, themes, regions and evidence levels, with labels, descriptions
    and how many published case studies carry each."""
    return vocabulary_with_counts(session, vocabulary)
