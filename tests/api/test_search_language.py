"""Search that understands practitioners: synonyms, spellings, ranking, typos and age words."""

import pytest
from fastapi.testclient import TestClient

from testkit.factories import BODY, make_case_study
from tests.api.test_search import search, slugs
from tests.app_fixtures import MakeClient


def body(text: str) -> str:
    return BODY.format(challenge=text, solution="A team was set up.", impact="It helped.")


@pytest.fixture(scope="module")
def language(make_module_client: MakeClient) -> TestClient:
    """Case studies that say the same things in the sector's different words (the tests that
    use these clients only search, so each module shares one app per database)."""
    studies = [
        make_case_study(
            slug="spelled-out",
            title="Mental health support in schools",
            summary="Child and adolescent mental health services worked inside secondary schools.",
        ),
        make_case_study(
            slug="acronym",
            title="Faster help for anxious pupils",
            summary="CAMHS practitioners ran drop-in sessions for pupils.",
        ),
        make_case_study(
            slug="american",
            title="A behavior program for primary schools",
            summary="Teachers learned a new approach in a family center.",
            age_bands=["5-11"],
        ),
        make_case_study(
            slug="looked-after",
            title="Better placements for looked after children",
            summary="The council matched looked after children with carers nearby.",
        ),
        make_case_study(
            slug="in-care",
            title="Staying in school while in care",
            summary="Children in care kept their school place when they moved home.",
        ),
        make_case_study(
            slug="early-intervention",
            title="Early intervention hub",
            summary="Families got early intervention from a single hub.",
            age_bands=["0-5", "5-11"],
        ),
        make_case_study(
            slug="draft-unpublished",
            title="Zygomorphic safeguarding draft",
            summary="A draft that nobody may see: xylophonist counselling.",
            status="submitted",
        ),
    ]
    return make_module_client(studies)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CAMHS", {"spelled-out", "acronym"}),
        ("child and adolescent mental health services", {"spelled-out", "acronym"}),
        ("looked after children", {"looked-after", "in-care"}),
        ("children in care", {"looked-after", "in-care"}),
        ("LAC", {"looked-after", "in-care"}),
        ("early help", {"early-intervention"}),
    ],
)
def test_acronyms_and_synonyms_find_each_other(
    language: TestClient, query: str, expected: set[str]
) -> None:
    assert expected <= set(slugs(search(language, q=query)))


def test_the_words_typed_rank_above_their_synonyms(language: TestClient) -> None:
    assert slugs(search(language, q="CAMHS"))[0] == "acronym"
    assert slugs(search(language, q="child and adolescent mental health"))[0] == "spelled-out"


@pytest.mark.parametrize(
    "query", ["behaviour programme", "behavior program", "family centre", "family center"]
)
def test_british_and_american_spellings_are_one(language: TestClient, query: str) -> None:
    assert slugs(search(language, q=query))[0] == "american"


def test_looking_after_a_child_is_not_being_looked_after(language: TestClient) -> None:
    """Children "looked after" are in care; a grandparent "looking after" a child is not. The
    sector's participle is found as typed, not by its stem ("look after")."""
    assert "in-care" not in slugs(search(language, q="my nan is looking after my little brother"))
    assert "in-care" not in slugs(search(language, q="look after my little brother"))
    assert "in-care" in slugs(search(language, q="children looked after"))
    assert "in-care" in slugs(search(language, q="Looked-After"))


def test_quoted_phrases_are_taken_literally(language: TestClient) -> None:
    assert slugs(search(language, q='"CAMHS"')) == ["acronym"]


@pytest.fixture(scope="module")
def ranking(make_module_client: MakeClient) -> TestClient:
    studies = [
        make_case_study(
            slug="in-body",
            title="A new service",
            summary="A council changed how it works.",
            body=body("Kinship carers were supported by the new service."),
        ),
        make_case_study(
            slug="in-title",
            title="Support for kinship carers",
            summary="A council changed how it works.",
        ),
        make_case_study(
            slug="scattered",
            title="Youth clubs",
            summary="Young people ran the youth clubs; violence fell in the town centre.",
        ),
        make_case_study(
            slug="phrase",
            title="Street work",
            summary="Workers tackled youth violence on the streets of the town.",
        ),
        make_case_study(
            slug="some-words",
            title="Parenting classes",
            summary="Parents of toddlers learnt about sleep and games.",
            age_bands=["0-5"],
        ),
        make_case_study(
            slug="all-words",
            title="Parenting support",
            summary="Parents of toddlers learnt about sleep and speech.",
            age_bands=["5-11"],
        ),
    ]
    return make_module_client(studies)


def test_title_matches_rank_above_body_matches(ranking: TestClient) -> None:
    assert slugs(search(ranking, q="kinship carers"))[:2] == ["in-title", "in-body"]


def test_phrase_matches_rank_above_scattered_words(ranking: TestClient) -> None:
    assert slugs(search(ranking, q="youth violence"))[:2] == ["phrase", "scattered"]


def test_all_words_rank_above_some_and_some_still_count(ranking: TestClient) -> None:
    found = slugs(search(ranking, q="sleep speech"))
    assert found[:2] == ["all-words", "some-words"]
    assert slugs(search(ranking, q="sleep nonexistentword"))  # a stray word does not empty it


def test_age_words_lift_matching_bands_without_filtering(ranking: TestClient) -> None:
    # The two match these words equally, so they come in the order they were indexed, until the
    # age word lifts the under-fives one.
    assert slugs(search(ranking, q="parents sleep"))[0] == "all-words"
    found = slugs(search(ranking, q="parents sleep toddlers"))
    assert found[0] == "some-words"
    assert "all-words" in found  # a boost, not a filter


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("safegaurding", "safeguarding"),
        ("adolesents", "adolescents"),
        ("permenance", "permanence"),
    ],
)
def test_misspelt_queries_are_corrected(make_client: MakeClient, typed: str, meant: str) -> None:
    studies = [
        make_case_study(
            slug="meant",
            title=f"Better {meant}",
            summary=f"The council worked on {meant} for children.",
        ),
        make_case_study(
            slug="other", title="Something else", summary="Unrelated work on other matters."
        ),
    ]
    with make_client(studies) as client:
        body = search(client, q=typed)
    assert body["q"] == typed
    assert body["did_you_mean"] == meant
    assert body["corrected"] is True
    assert slugs(body) == ["meant"]


def test_a_typo_of_a_word_only_the_thesaurus_knows_is_corrected(make_client: MakeClient) -> None:
    # No case study says "depression"; the thesaurus's everyday entry "postnatal depression"
    # leads to "perinatal mental health", which one does.
    studies = [
        make_case_study(
            slug="perinatal",
            title="Perinatal mental health in family hubs",
            summary="Mothers got perinatal mental health support close to home.",
        ),
        make_case_study(
            slug="other", title="Something else", summary="Unrelated work on other matters."
        ),
    ]
    with make_client(studies) as client:
        body = search(client, q="postnatal depresion")
    assert body["did_you_mean"] == "postnatal depression"
    assert body["corrected"] is True
    assert slugs(body) == ["perinatal"]


def test_a_word_the_thesaurus_knows_is_not_corrected_to_a_word_it_resembles(
    make_client: MakeClient,
) -> None:
    # "skiving" was corrected to "saving", a word the collection uses, and so found the
    # case studies about money rather than the ones about school attendance.
    studies = [
        make_case_study(
            slug="attendance",
            title="School attendance in the autumn term",
            summary="Absence fell once families had a named worker.",
        ),
        make_case_study(
            slug="saving", title="Saving on placements", summary="The council made a saving."
        ),
    ]
    with make_client(studies) as client:
        body = search(client, q="skiving")
    assert body["did_you_mean"] is None and body["corrected"] is False
    assert slugs(body) == ["attendance"]


def test_correct_queries_are_left_alone(language: TestClient) -> None:
    body = search(language, q="mental health schools")
    assert body["did_you_mean"] is None and body["corrected"] is False


def test_corrections_keep_the_rest_of_the_query(language: TestClient) -> None:
    body = search(language, q='Placments "looked after" -x AND NOT pupils')
    assert body["did_you_mean"] == 'Placements "looked after" -x AND NOT pupils'


def test_corrections_never_come_from_unpublished_case_studies(language: TestClient) -> None:
    # "xylophonist" and "zygomorphic" exist only in a draft.
    for typed in ("xylophonistt", "zygomorphik"):
        body = search(language, q=typed)
        assert body["did_you_mean"] is None and body["total"] == 0


# -- everyday words, filler words, explain --------------------------------------------------


@pytest.fixture(scope="module")
def everyday(make_module_client: MakeClient) -> TestClient:
    """Case studies in the sector's words, and one in a parent's."""
    studies = [
        make_case_study(
            slug="kinship",
            title="Kinship carers supported",
            summary="Family and friends raising children under special guardianship orders.",
        ),
        make_case_study(
            slug="exclusions",
            title="Fewer exclusions",
            summary="Schools cut permanent exclusions with outreach from a specialist team.",
        ),
        make_case_study(
            slug="lay-words",
            title="What the kids said",
            summary="The kids told the council how other councils ran their youth clubs.",
        ),
    ]
    return make_module_client(studies)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nan and grandad bringing up the grandkids", "kinship"),
        ("son keeps getting kicked out of school", "exclusions"),
    ],
)
def test_everyday_words_find_the_sectors_words(
    everyday: TestClient, query: str, expected: str
) -> None:
    assert slugs(search(everyday, q=query))[0] == expected


def test_everyday_words_are_one_way(everyday: TestClient) -> None:
    # "kids" also searches for "children"; "children" does not search for "kids".
    assert set(slugs(search(everyday, q="kids"))) == {"lay-words", "kinship"}
    assert slugs(search(everyday, q="children")) == ["kinship"]


def test_the_searcher_is_told_which_sectors_words_were_also_searched(
    everyday: TestClient,
) -> None:
    """A result may hold none of the words typed ("grandparents" finds "special guardianship"),
    so the page and the API say what else was searched for; the sector's own words and words
    with no everyday meaning add nothing to say."""
    body = search(everyday, q="grandparents raising grandkids")
    assert slugs(body) == ["kinship"]
    assert "special guardianship" in body["also_searched"]
    assert "grandparents" not in body["also_searched"]  # what was typed is not "also"
    assert search(everyday, q="kinship carers")["also_searched"] == []
    assert search(everyday, q="exclusions")["also_searched"] == []
    page = everyday.get("/", params={"q": "grandparents raising grandkids"})
    told = page.text.split('<p class="also-searched">We also searched for ')[1].split("</p>")[0]
    shown = [piece.split("</strong>")[0] for piece in told.split("<strong>")[1:]]
    assert shown == body["also_searched"][:5] and told.endswith(": the words case studies use.")
    assert "We also searched for" not in everyday.get("/", params={"q": "exclusions"}).text


def test_filler_words_neither_match_nor_highlight_on_their_own(everyday: TestClient) -> None:
    body = search(everyday, q="how do other councils train kinship carers?")
    assert slugs(body) == ["kinship"]  # "how", "other", "councils" alone find nothing
    marked = " ".join(body["results"][0]["highlights"].values())
    assert "<mark>Kinship carers</mark>" in marked  # typed words that are a synonym phrase: whole
    assert "<mark>how</mark>" not in marked.casefold()
    # Typed alone, a filler word is searched for: there is nothing else to search for.
    assert slugs(search(everyday, q="how")) == ["lay-words"]


def test_explain_says_why_each_result_ranks_where_it_does(everyday: TestClient) -> None:
    body = search(everyday, q="how do grandparents get help", explain="true")
    first = body["results"][0]
    assert first["slug"] == "kinship"
    why = first["explain"]
    assert why["ignored"] == ["how", "do", "get"]
    assert why["bm25f_rank"] == 1 and why["score"] > 0
    assert why["score"] == pytest.approx(sum(p["score"] for p in why["parts"]), rel=1e-4)
    (part,) = [p for p in why["parts"] if p["part"] == "grandparents"]
    used = {m["words"]: m for m in part["matched"]}
    assert used["special guardianship"]["origin"] == "everyday"
    assert used["special guardianship"]["fields"] == {"summary": 1}
    assert why["semantic_rank"] >= 1 and why["fused"] > 0
    # Without explain, results carry no explanation at all.
    assert "explain" not in search(everyday, q="grandparents")["results"][0]


def test_explain_must_be_true_or_false(everyday: TestClient) -> None:
    response = everyday.get("/api/v1/search", params={"q": "kinship", "explain": "perhaps"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_place_words_lift_their_region_without_filtering(make_client: MakeClient) -> None:
    studies = [
        make_case_study(
            slug="english",
            title="Edge of care service",
            summary="Edge of care work with families.",
            region="London",
        ),
        make_case_study(
            slug="welsh",
            title="Edge of care service",
            summary="Edge of care work with families.",
            region="Wales",
        ),
    ]
    with make_client(studies) as client:
        assert slugs(search(client, q="edge of care"))[0] == "english"  # indexed first
        body = search(client, q="Welsh edge of care", explain="true")
    assert slugs(body) == ["welsh", "english"]  # a lift, not a filter
    parts = {p["part"]: p["score"] for p in body["results"][0]["explain"]["parts"]}
    assert parts["place words: case studies in those regions"] == 3.0


def test_a_case_study_is_found_by_its_plain_words(make_client: MakeClient) -> None:
    """The "In plain words" section is searched (as its own field) and shown on the page."""
    lodgings = body("Care leavers needed somewhere to live.")
    plain = make_case_study(
        slug="said-plainly",
        title="Supported lodgings",
        body="## In plain words\n\nA spare bedroom in a family's house for a teenager leaving"
        " care.\n\n" + lodgings,
    )
    studies = [plain, make_case_study(slug="unsaid", title="Lodgings", body=lodgings)]
    with make_client(studies) as client:
        found = search(client, q="spare bedroom", explain="true")
        page = client.get("/case-studies/said-plainly").text
    assert slugs(found) == ["said-plainly"]
    assert "plain_words" in str(found["results"][0]["explain"])
    assert "<h2" in page and "In plain words" in page and "spare bedroom" in page


def test_a_case_study_is_found_by_the_questions_it_helps_answer(make_client: MakeClient) -> None:
    """The "Questions it helps answer" list is searched as its own field, not as the body (the
    body's words stay the account's own), and shown on the page as a list."""
    lodgings = body("Care leavers needed somewhere to live.")
    asked = make_case_study(
        slug="asked",
        title="Supported lodgings",
        body=lodgings + "\n## Questions it helps answer\n\n- could my spare bedroom help a"
        " teenager leaving care?\n- host families for young people\n",
    )
    studies = [asked, make_case_study(slug="unasked", title="Lodgings", body=lodgings)]
    with make_client(studies) as client:
        found = search(client, q="spare bedroom", explain="true")
        page = client.get("/case-studies/asked").text
        listed = client.get("/", params={"q": "spare bedroom"}).text
        told = search(client, q="somewhere to live")
    assert slugs(found) == ["asked"]
    matched = str(found["results"][0]["explain"])
    assert "questions" in matched and "'body'" not in matched
    assert "Questions it helps answer" in page and "<li>host families for young people</li>" in page
    # The best sentence is a question, and says so: it is not a quote from the story.
    lights = found["results"][0]["highlights"]
    assert "body" not in lights and "<mark>spare bedroom</mark>" in lights["question"]
    assert 'class="asked">Helps answer: </span>could my <mark>spare bedroom</mark>' in listed
    assert {"body"} <= set(told["results"][0]["highlights"]) and "question" not in str(told)


def test_a_word_most_case_studies_hold_does_not_match_on_its_own(
    make_client: MakeClient,
) -> None:
    """ "kids who keep running away" listed every case study that says "children" (156 of the
    bundled 199); a word in most case studies now matches only beside a rarer one of the query,
    and still counts alone when the query has no rarer word that matches."""
    studies = [
        make_case_study(
            slug=f"general-{n}",
            title=f"Help for families, part {n}",
            summary="Children and their families were helped by the council.",
        )
        for n in range(3)
    ] + [
        make_case_study(
            slug="runaways",
            title="Finding runaways",
            summary="Children and families: teenagers who kept running away were found quickly.",
        )
    ]
    with make_client(studies) as client:
        rare = search(client, q="children who keep running away", explain="true")
        common = search(client, q="children families")
        stray = search(client, q="children zyxwvut")
    assert slugs(rare) == ["runaways"] and rare["total"] == 1
    assert {"running away"} <= {p["part"] for p in rare["results"][0]["explain"]["parts"]}
    assert common["total"] == 4  # no rarer word: the common ones match
    assert stray["total"] == 4  # a word no case study holds does not empty the results
