"""Response bodies from domain values: the only place that builds the service's URLs.

`origin` is where the service is reached (PUBLIC_URL, or a trusted request's own scheme and host:
see app/web/middleware/public_origin.py), never a Host header a client made up.
"""

from urllib.parse import urlencode

from app.core.results import (
    CaseStudyDetail,
    Facets,
    FacetValue,
    RelatedPage,
    SearchPage,
    SearchResult,
    SuggestPage,
)
from app.core.submissions import (
    AmendmentPublic,
    Safeguarding,
    SafeguardingFinding,
    SubmissionList,
    SubmissionPublic,
    SubmissionWarning,
)
from app.services.workflow import PUBLISHED
from app.store import case_studies as store
from app.store.models import CaseStudy
from app.store.revision_tables import CaseStudyRevision
from app.web.schemas import (
    CaseStudyPublic,
    RelatedPagePublic,
    SearchPagePublic,
    SearchResultPublic,
    SuggestionPublic,
    SuggestPagePublic,
)


def case_study_url(origin: str, slug: str) -> str:
    """The case study in the JSON API."""
    return f"{origin}/api/v1/case-studies/{slug}"


def case_study_page_url(origin: str, slug: str) -> str:
    """The case study's page, for people."""
    return f"{origin}/case-studies/{slug}"


def case_study_public(study: CaseStudyDetail, origin: str) -> CaseStudyPublic:
    return CaseStudyPublic.model_construct(**dict(study), url=case_study_url(origin, study.slug))


def _result(result: SearchResult, origin: str) -> SearchResultPublic:
    return SearchResultPublic.model_construct(
        **dict(result), url=case_study_url(origin, result.slug)
    )


def search_page_public(page: SearchPage, origin: str) -> SearchPagePublic:
    """Validated in one call from the page's own fields (already validated once, so the JSON is
    the same byte for byte): pydantic's compiled validator builds the ten results faster than
    model_construct, which is Python, field by field (a 10k page built and encoded in about
    0.35 instead of 0.6 ms, issue 19)."""
    results = [{**r.__dict__, "url": case_study_url(origin, r.slug)} for r in page.results]
    return SearchPagePublic.model_validate({**page.__dict__, "results": results})


def search_page_json(page: SearchPage, origin: str) -> bytes:
    """search_page_public(page, origin).model_dump_json(), byte for byte, with the facets (the
    last field, half the body) written from each value's JSON kept (facets_json)."""
    head = search_page_public(page, origin).model_dump_json(exclude=_FACETS).encode()
    return b"".join((head[:-1], b',"facets":', facets_json(page.facets), b"}"))


_FACETS = {"facets"}
_FACET_NAMES = tuple(Facets.model_fields)
# Each FacetValue's JSON, kept by its identity (app/services/facet_values.py hands the same
# value to every search that shows it, and nothing changes one once made): pydantic writing
# them was about a third of encoding a page (issue 19). The value is kept beside its JSON, so
# its id is not reused while the entry is here; when full, the kept ones are let go.
_KEPT_VALUES = 16_384
_value_json: dict[int, tuple[FacetValue, bytes]] = {}


def facets_json(facets: Facets) -> bytes:
    """facets.model_dump_json(), byte for byte (tests/unit/test_search_json.py)."""
    kept = _value_json
    fields = []
    for name in _FACET_NAMES:
        values = []
        for value in getattr(facets, name):
            found = kept.get(id(value))
            if found is None or found[0] is not value:
                if len(kept) >= _KEPT_VALUES:
                    kept.clear()
                found = kept[id(value)] = (value, value.model_dump_json().encode())
            values.append(found[1])
        fields.append(b'"%s":[%s]' % (name.encode(), b",".join(values)))
    return b"{%s}" % b",".join(fields)


def related_public(page: RelatedPage, origin: str) -> RelatedPagePublic:
    return RelatedPagePublic(slug=page.slug, results=[_result(r, origin) for r in page.results])


def suggest_public(page: SuggestPage, origin: str) -> SuggestPagePublic:
    """Each suggestion with the API request it leads to: a search for a theme, a programme (as
    a phrase) or a council, or a case study itself."""
    suggestions = []
    for s in page.suggestions:
        if s.kind == "case_study":
            url = case_study_url(origin, s.value)
        elif s.kind == "programme":
            url = f"{origin}/api/v1/search?" + urlencode({"q": f'"{s.value}"'})
        else:
            url = f"{origin}/api/v1/search?" + urlencode([(s.kind, s.value)])  # theme, council
        suggestions.append(SuggestionPublic.model_construct(**dict(s), url=url))
    return SuggestPagePublic(q=page.q, suggestions=suggestions)


def _safeguarding(record: CaseStudy | CaseStudyRevision) -> Safeguarding:
    """What the safeguarding check found in a submission or an amendment, and who checked it."""
    findings = [SafeguardingFinding(**f) for f in record.safeguarding_findings]
    return Safeguarding(
        flagged=bool(findings),
        findings=findings,
        checked_by=record.safeguarding_checked_by,
        checked_at=record.safeguarding_checked_at,
        checked_version=record.safeguarding_checked_version,
    )


def submission_public(row: CaseStudy, base_url: str) -> SubmissionPublic:
    """A submission as its council or a moderator sees it, with its URLs."""
    assert row.id is not None
    content = store.to_file(row).model_dump(exclude={"slug", "status"})
    return SubmissionPublic.model_construct(
        **content,
        id=row.id,
        slug=row.slug,
        status=row.status,
        version=row.version,
        owner_council=row.owner_council,
        moderation_message=row.moderation_message,
        safeguarding=_safeguarding(row),
        warnings=[SubmissionWarning(**w) for w in row.warnings],
        duplicate_reason=row.duplicate_reason,
        created_at=row.created_at,
        modified_at=row.modified_at,
        url=f"{base_url}/api/v1/submissions/{row.id}",
        public_url=case_study_url(base_url, row.slug) if row.status == PUBLISHED else None,
    )


def submission_list(
    found: tuple[int, list[CaseStudy]], page: int, per_page: int, base_url: str
) -> SubmissionList:
    total, rows = found
    return SubmissionList(
        total=total,
        page=page,
        per_page=per_page,
        results=[submission_public(row, base_url) for row in rows],
    )


def amendment_public(
    revision: CaseStudyRevision, live: CaseStudy, base_url: str
) -> AmendmentPublic:
    """An amendment as its council or a moderator sees it, with its URLs."""
    assert revision.id is not None and live.id is not None
    return AmendmentPublic.model_construct(
        **revision.content,
        has_measured_outcome=bool(revision.content.get("outcomes")),
        id=revision.id,
        case_study_id=live.id,
        slug=live.slug,
        status=revision.state,
        version=revision.version,
        base_version=revision.base_version,
        proposed_by=revision.proposed_by,
        moderation_message=revision.moderation_message,
        safeguarding=_safeguarding(revision),
        warnings=[SubmissionWarning(**w) for w in revision.warnings],
        duplicate_reason=revision.duplicate_reason,
        created_at=revision.created_at,
        modified_at=revision.modified_at,
        url=f"{base_url}/api/v1/amendments/{revision.id}",
        submission_url=f"{base_url}/api/v1/submissions/{live.id}",
        public_url=case_study_url(base_url, live.slug),
    )
