"""Hostile clients, generated: schemathesis drives every operation of the served OpenAPI schema
with generated and mutated input against a real uvicorn, a bounded number of examples each,
with an admin key so that requests reach the deepest code. No answer may be a 5xx, and every
answer must match the schema: its status, its content type, its headers and its body."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from app.store.db import make_engine
from app.store.keys import create_key
from testkit.servers import service
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.e2e
EXAMPLES = 12


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare
) -> Iterator[tuple[str, str, Path]]:
    tmp: Path = tmp_path_factory.mktemp("schema")
    with service(tmp, {"RATE_LIMIT": "off", "LOG_LEVEL": "warning"}, prepare=seeded_server) as base:
        engine = make_engine(f"sqlite:///{tmp / 'store.db'}")
        with Session(engine) as session:
            secret = create_key(session, "admin", label="schemathesis")[1]
        engine.dispose()
        yield base, secret, tmp


def test_no_server_errors_and_every_answer_matches_the_schema(
    served: tuple[str, str, Path],
) -> None:
    base, secret, tmp = served
    cli = shutil.which("schemathesis", path=os.path.dirname(sys.executable))
    assert cli, "schemathesis is a dev dependency"
    # Schemathesis reads a schema URL with a 10 s timeout, which a server of a loaded machine
    # (CI, at a load of about 10) has missed: the schema is read here, and each of its own
    # requests given 60 s.
    schema = tmp / "openapi.json"
    schema.write_bytes(httpx.get(f"{base}/openapi.json", timeout=60).raise_for_status().content)
    result = subprocess.run(
        [
            cli,
            "run",
            str(schema),
            "--url",
            base,
            "--request-timeout",
            "60",
            "--checks",
            "all",
            # Beyond the schema, values must exist in the vocabulary and a draft must say
            # something: a 422 for schema-shaped nonsense is the contract, not a failure.
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            str(EXAMPLES),
            "--generation-deterministic",
            "--header",
            f"Authorization: Bearer {secret}",
            "--no-color",
            "--report-dir",
            str(tmp / "report"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false"},
    )
    assert result.returncode == 0, result.stdout[-6000:]
    assert "passed" in result.stdout


def test_the_served_schema_documents_problem_responses(served: tuple[str, str, Path]) -> None:
    base, _, _ = served
    document = httpx.get(f"{base}/openapi.json", timeout=30).json()
    search = document["paths"]["/api/v1/search"]["get"]["responses"]
    assert "application/problem+json" in search["422"]["content"]
    assert "Problem" in document["components"]["schemas"]


def test_405_names_every_method_the_path_answers(served: tuple[str, str, Path]) -> None:
    base, _, _ = served
    response = httpx.put(f"{base}/api/v1/submissions", timeout=30)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert response.headers["content-type"] == "application/problem+json"
