"""Readable factories for test data: made-up case studies of real councils (a case study names
a council we know), never the bundled collection."""

from typing import Any

from app.core.content import CaseStudyFile

BODY = """## The challenge

{challenge}

## The solution

{solution}

## The impact

{impact}
"""


def make_case_study(**overrides: Any) -> CaseStudyFile:
    """A valid case study; pass fields to change what a test is about."""
    slug = overrides.pop("slug", "example-family-support")
    fields: dict[str, Any] = {
        "slug": slug,
        "title": "Family support in Halton",
        "council": "Halton Borough Council",
        "region": "North West",
        "summary": "Halton set up a family support service for parents under pressure.",
        "body": BODY.format(
            challenge="Families waited too long for help.",
            solution="A single team offered help at home.",
            impact="Families said the help came sooner.",
        ),
        "outcomes": [],
        "priority_areas": ["early-help"],
        "age_bands": ["5-11"],
        "themes": ["family-support"],
        "evidence": "emerging",
        "source_url": f"https://example.org/{slug}",
    }
    fields.update(overrides)
    return CaseStudyFile.model_validate(fields)


def sample_collection() -> list[CaseStudyFile]:
    """Six case studies that differ in the ways search and filters care about."""
    return [
        make_case_study(
            slug="north-care-leavers",
            title="Apprenticeships for care leavers",
            council="North Tyneside Council",
            region="North East",
            summary="North Tyneside offered apprenticeships to care leavers with a mentor each.",
            priority_areas=["outcomes-focus"],
            age_bands=["16-25"],
            themes=["care-leavers", "employment-and-skills"],
            evidence="measured",
            outcomes=["Most apprentices stayed in work"],
            published="2019-05",
        ),
        make_case_study(
            slug="south-fostering",
            title="Recruiting foster carers for teenagers",
            council="Somerset Council",
            region="South West",
            summary="Somerset ran a campaign to recruit foster carers for teenagers in care.",
            priority_areas=["sustainable-funding"],
            age_bands=["11-16"],
            themes=["fostering", "adolescents"],
            evidence="measured",
            published="2017",
        ),
        make_case_study(
            slug="east-early-years",
            title="Early years peer challenge",
            council="Essex County Council",
            region="East of England",
            summary="Essex invited peers to challenge its early years offer.",
            priority_areas=["continuous-improvement", "early-help"],
            age_bands=["0-5"],
            themes=["early-years", "childrens-centres"],
            evidence="emerging",
            published="2021-03-04",
        ),
        make_case_study(
            slug="west-social-work-academy",
            title="A social work academy for newly qualified staff",
            council="Warwickshire County Council",
            region="West Midlands",
            summary="Warwickshire opened an academy that supports newly qualified social workers.",
            priority_areas=["social-work-workforce"],
            age_bands=["0-5", "5-11", "11-16"],
            themes=["workforce"],
            evidence="evaluated",
            published="2018-09",
        ),
        make_case_study(
            slug="london-exploitation",
            title="Contextual safeguarding against exploitation",
            council="London Borough of Lewisham",
            region="London",
            summary="Lewisham works with schools and police to protect adolescents.",
            priority_areas=["early-help", "what-works"],
            age_bands=["11-16", "16-25"],
            themes=["child-exploitation", "county-lines"],
            evidence="emerging",
        ),
        make_case_study(
            slug="north-family-support",
            title="Family support at home",
            council="North Tyneside Council",
            region="North East",
            summary="North Tyneside's family support workers visit parents at home.",
            priority_areas=["early-help"],
            age_bands=["5-11"],
            themes=["family-support", "parenting-support"],
            evidence="measured",
            published="2020",
        ),
    ]


def make_draft(**overrides: Any) -> dict[str, Any]:
    """A valid submission body, as a council would send it."""
    draft: dict[str, Any] = {
        "title": "Kinship carers support hub",
        "council": "Leeds City Council",
        "region": "Yorkshire and the Humber",
        "summary": "A hub that gives kinship carers advice, training and peer support.",
        "body": BODY.format(
            challenge="Kinship carers felt unsupported and alone.",
            solution="A hub with a helpline, training evenings and peer groups.",
            impact="Carers said they felt less alone.",
        ),
        "outcomes": ["Carers supported rose from 40 to 95"],
        "priority_areas": ["early-help"],
        "age_bands": ["5-11"],
        "themes": ["permanence"],
        "evidence": "emerging",
    }
    draft.update(overrides)
    return draft
