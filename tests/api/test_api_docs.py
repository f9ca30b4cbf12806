"""/docs and /redoc are whole without the internet: every script and stylesheet they load is
served by the service itself, there is no inline script, and their CSP names no outside host."""

import re

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(reader: TestClient) -> TestClient:
    """Every test here only reads: one app per module and database."""
    return reader


@pytest.mark.parametrize(
    ("path", "asset"),
    [
        ("/docs", "/static/api-docs/swagger-ui-bundle.js"),
        ("/docs", "/static/api-docs/swagger-ui.css"),
        ("/redoc", "/static/api-docs/redoc.standalone.js"),
    ],
)
def test_the_docs_load_only_their_own_assets(client: TestClient, path: str, asset: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    html = page.text
    assert f'"{asset}"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another host
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # and no inline script
    served = client.get(asset)
    assert served.status_code == 200 and len(served.content) > 10_000


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_policy_names_no_outside_host(client: TestClient, path: str) -> None:
    policy = client.get(path).headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "http" not in policy and "//" not in policy and "*" not in policy


def test_swagger_ui_is_started_from_a_file_with_the_schema_address(client: TestClient) -> None:
    html = client.get("/docs").text
    assert 'data-openapi-url="/openapi.json"' in html
    script = client.get("/static/swagger-init.js")
    assert script.status_code == 200 and "SwaggerUIBundle(" in script.text
    assert client.get("/openapi.json").status_code == 200


def test_redoc_is_started_from_a_file_with_the_schema_address(client: TestClient) -> None:
    html = client.get("/redoc").text
    assert 'data-openapi-url="/openapi.json"' in html and "<redoc" not in html
    script = client.get("/static/redoc-init.js")
    assert script.status_code == 200 and "Redoc.init(" in script.text
