"""Response bodies from domain values: the only place that builds the service's URLs."""

from app.core.submissions import (
    Safeguarding,
    SafeguardingFinding,
    SubmissionList,
    SubmissionPublic,
    SubmissionWarning,
)
from app.services.workflow import PUBLISHED
from app.store import case_studies as store
from app.store.models import CaseStudy


def submission_public(row: CaseStudy, base_url: str) -> SubmissionPublic:
    assert row.id is not None
    content = store.to_file(row).model_dump(exclude={"slug", "status"})
    findings = [SafeguardingFinding(**f) for f in row.safeguarding_findings]
    return SubmissionPublic.model_construct(
        **content,
        id=row.id,
        slug=row.slug,
        status=row.status,
        version=row.version,
        owner_council=row.owner_council,
        moderation_message=row.moderation_message,
        safeguarding=Safeguarding(
            flagged=bool(findings),
            findings=findings,
            checked_by=row.safeguarding_checked_by,
            checked_at=row.safeguarding_checked_at,
            checked_version=row.safeguarding_checked_version,
        ),
        warnings=[SubmissionWarning(**w) for w in row.warnings],
        created_at=row.created_at,
        modified_at=row.modified_at,
        url=f"{base_url}/api/v1/submissions/{row.id}",
        public_url=(
            f"{base_url}/api/v1/case-studies/{row.slug}" if row.status == PUBLISHED else None
        ),
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
