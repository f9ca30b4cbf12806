"""Reading and writing collection files; every problem said with file, field and allowed values."""

from pathlib import Path

from app.core.collection import (
    parse_case_study,
    read_collection,
    render_case_study,
    write_collection,
)
from testkit.factories import make_case_study, sample_collection

BAD = Path(__file__).parent.parent / "fixtures" / "bad"


def test_round_trip_gives_the_same_case_studies(tmp_path: Path) -> None:
    studies = sample_collection()
    write_collection(tmp_path, studies)
    loaded, problems = read_collection(tmp_path)
    assert problems == []
    assert loaded == sorted(studies, key=lambda s: s.slug)


def test_file_name_is_the_slug(tmp_path: Path) -> None:
    path = tmp_path / "leeds-example.md"
    path.write_text(render_case_study(make_case_study(slug="ignored")))
    study = parse_case_study(path)
    assert not isinstance(study, list) and study.slug == "leeds-example"


def test_every_problem_is_reported_with_field_and_allowed_values() -> None:
    problems = parse_case_study(BAD / "unknown-tags.md")
    assert isinstance(problems, list)
    by_field = {p.field: p.message for p in problems}
    assert set(by_field) == {
        "council",
        "region",
        "priority_areas",
        "themes",
        "evidence",
        "published",
    }
    assert "'Example Borough Council' is not a council of England or Wales" in by_field["council"]
    assert "unknown priority area 'quick-wins'" in by_field["priority_areas"]
    assert "allowed: outcomes-focus, local-leadership" in by_field["priority_areas"]
    assert "unknown theme 'no-such-theme'" in by_field["themes"]
    assert "family-support" in by_field["themes"]
    assert "North West" in by_field["region"]
    assert all(p.file == "unknown-tags.md" for p in problems)


def test_unreadable_files_say_why() -> None:
    studies, problems = read_collection(BAD)
    assert studies == []
    messages = {p.file: p.message for p in problems}
    assert "front matter" in messages["no-front-matter.md"]
    assert "not valid YAML" in messages["broken-yaml.md"]


def test_duplicate_source_addresses_are_refused(tmp_path: Path) -> None:
    first = make_case_study(slug="first", source_url="https://example.org/same")
    second = make_case_study(slug="second", source_url="https://example.org/same")
    write_collection(tmp_path, [first, second])
    studies, problems = read_collection(tmp_path)
    assert [s.slug for s in studies] == ["first"]
    assert [str(p) for p in problems] == ["second.md: source_url: is also the source of first.md"]


def test_slug_in_front_matter_must_match_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "one.md"
    path.write_text("---\nslug: two\n---\nBody\n")
    problems = parse_case_study(path)
    assert isinstance(problems, list) and problems[0].field == "slug"
