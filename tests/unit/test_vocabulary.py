"""The vocabulary file: loaded, validated, and the age and region helpers."""

from pathlib import Path

import pytest

from app.core.vocabulary import VocabularyError, get_vocabulary, load_vocabulary


def test_the_project_vocabulary_has_the_campaign_terms() -> None:
    vocabulary = get_vocabulary()
    assert len(vocabulary.priority_areas) == 7
    assert vocabulary.slugs("age_bands") == ["0-5", "5-11", "11-16", "16-25"]
    assert len(vocabulary.themes) >= 41
    assert len(vocabulary.regions) == 10


@pytest.mark.parametrize(
    ("age", "bands"),
    [
        (0, ["0-5"]),
        (5, ["0-5", "5-11"]),
        (11, ["5-11", "11-16"]),
        (16, ["11-16", "16-25"]),
        (25, ["16-25"]),
    ],
)
def test_boundary_ages_belong_to_both_bands(age: int, bands: list[str]) -> None:
    assert get_vocabulary().bands_for_age(age) == bands


def test_region_by_slug_or_label() -> None:
    vocabulary = get_vocabulary()
    assert vocabulary.region_slug("Yorkshire and the Humber") == "yorkshire-and-the-humber"
    assert vocabulary.region_slug("london") == "london"
    assert vocabulary.region_slug("Narnia") is None


def test_a_duplicated_slug_is_refused(tmp_path: Path) -> None:
    text = Path("data/vocabulary.yaml").read_text().replace("slug: neglect", "slug: adoption")
    (tmp_path / "v.yaml").write_text(text)
    with pytest.raises(VocabularyError, match=r"themes: duplicated slugs \['adoption'\]"):
        load_vocabulary(tmp_path / "v.yaml")
