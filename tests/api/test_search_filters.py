"""The filters the search page shows beyond the vocabulary's: a council (with its facet) and
whether a case study reports a measured outcome (`measured`), through the JSON API."""

from typing import Any

from fastapi.testclient import TestClient

from testkit.factories import make_draft
from tests.api.conftest import Keys, auth, submit


def search(client: TestClient, **params: Any) -> Any:
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def counts(body: Any, facet: str) -> dict[str, int]:
    return {f["value"]: f["count"] for f in body["facets"][facet]}


def test_measured_selects_case_studies_reporting_a_measured_outcome(client: TestClient) -> None:
    everything = search(client)
    assert counts(everything, "measured") == {"false": 5, "true": 1}
    measured = search(client, measured="true")
    assert [r["slug"] for r in measured["results"]] == ["north-care-leavers"]
    # Disjunctive, as the other facets: choosing one keeps the other's count.
    assert measured["facets"]["measured"] == [
        {"value": "false", "label": "No measured outcomes yet", "count": 5, "selected": False},
        {"value": "true", "label": "Reports measured outcomes", "count": 1, "selected": True},
    ]
    assert search(client, measured="false")["total"] == 5
    assert search(client, measured="true", theme="fostering")["total"] == 0


def test_measured_must_be_true_or_false(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"measured": "perhaps"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/query/measured"


def test_councils_are_a_facet_whose_values_filter(client: TestClient) -> None:
    body = search(client)
    assert counts(body, "council")["North Tyneside Council"] == 2
    assert len(body["facets"]["council"]) == 5
    chosen = search(client, council="north  TYNESIDE council")
    assert chosen["total"] == 2
    selected = [f for f in chosen["facets"]["council"] if f["selected"]]
    assert selected == [
        {
            "value": "North Tyneside Council",
            "label": "North Tyneside Council",
            "count": 2,
            "selected": True,
        }
    ]
    # The other councils keep their counts, so a second can be added.
    assert counts(chosen, "council")["Warwickshire County Council"] == 1


def test_a_published_case_study_with_outcomes_counts_as_measured(
    client: TestClient, keys: Keys
) -> None:
    body = submit(client, keys.leeds, make_draft()).json()  # the draft lists an outcome
    assert search(client, measured="true")["total"] == 1
    client.post(f"/api/v1/moderation/{body['id']}/publish", headers=auth(keys.moderator))
    assert search(client, measured="true")["total"] == 2
    assert counts(search(client), "council")["Leeds City Council"] == 1
