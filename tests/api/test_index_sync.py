"""A change in the store reaches the running service's search through the change log."""

import shutil
import time

from fastapi.testclient import TestClient

from app.services.collection import load_collection
from testkit.factories import make_case_study


def found(client: TestClient, q: str) -> list[str]:
    return [r["slug"] for r in client.get("/api/v1/search", params={"q": q}).json()["results"]]


def wait_for(condition: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_store_changes_reach_search(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    study = make_case_study(
        slug="late-arrival", title="Kinship carers network", themes=["permanence"]
    )
    load_collection(engine, [study])
    assert wait_for(lambda: found(client, "kinship") == ["late-arrival"])

    load_collection(engine, [study.model_copy(update={"status": "withdrawn"})])
    assert wait_for(lambda: found(client, "kinship") == [])
    assert client.get("/api/v1/case-studies/late-arrival").status_code == 404


def test_a_deleted_index_is_rebuilt_while_serving(client: TestClient) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    shutil.rmtree(settings.index_dir)
    assert found(client, "fostering") == ["south-fostering"]  # still answering meanwhile
    assert wait_for(lambda: (settings.index_dir / "CURRENT").exists())
    assert wait_for(lambda: found(client, "fostering") == ["south-fostering"])


def test_a_damaged_index_is_rebuilt_while_serving(client: TestClient) -> None:
    index = client.app.state.search.index  # type: ignore[attr-defined]
    damaged = index.generation()
    for path in damaged.iterdir():
        path.write_bytes(b"\x00garbage" * 10)
    # Searching never answers 500: a 503 at worst, until the new generation is in place.
    deadline = time.monotonic() + 10
    codes = set()
    while time.monotonic() < deadline:
        response = client.get("/api/v1/search", params={"q": "fostering"})
        codes.add(response.status_code)
        if response.status_code == 200 and index.generation() != damaged:
            break
        time.sleep(0.05)
    assert codes <= {200, 503}
    assert index.generation() != damaged
    assert found(client, "fostering") == ["south-fostering"]
