"""API keys for the workflow tests: two councils, a moderator and an admin, made as the
operator would (straight into the app's store); a real SMTP server for the mail tests."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.store.keys import create_key
from testkit.smtp import SmtpServer, smtp_server


@dataclass(frozen=True)
class Keys:
    leeds: str
    york: str
    moderator: str
    admin: str


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def keys(client: TestClient) -> Keys:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return Keys(
            leeds=create_key(session, "council", "Leeds City Council")[1],
            york=create_key(session, "council", "City of York Council")[1],
            moderator=create_key(session, "moderator", label="campaign team")[1],
            admin=create_key(session, "admin", label="operator")[1],
        )


def submit(client: TestClient, key: str, draft: dict[str, Any], **headers: str) -> Any:
    return client.post("/api/v1/submissions", json=draft, headers={**auth(key), **headers})


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    with smtp_server() as server:
        yield server
