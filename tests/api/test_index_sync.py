"""A change in the store reaches the running service's search through the change log."""

import time

from fastapi.testclient import TestClient

from app.services.collection import load_collection
from tests.factories import make_case_study


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
    import shutil

    shutil.rmtree(settings.index_dir.resolve())
    settings.index_dir.unlink()
    assert wait_for(lambda: found(client, "fostering") == ["south-fostering"])
