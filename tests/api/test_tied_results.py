"""Paging through results that tie: every case study exactly once, equal ones in slug order,
including those published since the index was built (numbered after the rest)."""

from typing import Any

from fastapi.testclient import TestClient

from testkit.factories import make_case_study, make_draft
from tests.api.alerting import publish
from tests.app_fixtures import MakeClient

SAME = make_draft()  # a submission's fields: the collection's and the published ones tie


def _all_pages(client: TestClient, **params: Any) -> list[str]:
    shown: list[str] = []
    page, pages = 1, 1
    while page <= pages:
        response = client.get("/api/v1/search", params={**params, "per_page": 2, "page": page})
        assert response.status_code == 200, response.text
        body = response.json()
        pages = body["pages"]
        shown += [hit["slug"] for hit in body["results"]]
        page += 1
    return shown


def test_tied_results_page_in_slug_order_once_each(make_client: MakeClient) -> None:
    # Indexed first, in slug order; those published below get "leeds-…" slugs, which sort
    # between these but are numbered after them.
    collection = [make_case_study(slug=slug, **SAME) for slug in ("a-hub", "m-hub", "z-hub")]
    with make_client(collection) as client:
        published = [publish(client, **SAME) for _ in range(2)]
        everything = sorted(["a-hub", "m-hub", "z-hub", *published])
        assert everything[1:3] == sorted(published)
        assert _all_pages(client, q="kinship carers hub") == everything
        assert _all_pages(client, q="kinship carers hub", sort="title") == everything
        newest = _all_pages(client, sort="newest")
        # The ones published today come first; the undated collection after, by slug.
        assert newest == sorted(published) + ["a-hub", "m-hub", "z-hub"]
