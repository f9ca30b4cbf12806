"""The service as the signed-in journeys need it: its own store and index, and a real SMTP
server on 127.0.0.1 (aiosmtpd) that its mail goes to, so a test reads mail as a person would."""

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from testkit.servers import free_port, service
from testkit.smtp import SmtpServer, smtp_server


@dataclass(frozen=True)
class Site:
    url: str
    env: dict[str, str]
    smtp: SmtpServer
    shots: Path


@contextlib.contextmanager
def mail_site(tmp: Path, timeout: float = 240) -> Iterator[Site]:
    """Screenshots go to $SHOTS_DIR when it is set (for people to look at), else into tmp."""
    port = free_port()
    shots = Path(os.environ.get("SHOTS_DIR") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with smtp_server() as smtp:
        env = {
            "DATABASE_URL": f"sqlite:///{tmp / 'store.db'}",
            "INDEX_DIR": str(tmp / "index"),
            "SMTP_URL": smtp.url,
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "MAIL_RETRY_SECONDS": "0.5",
            "RATE_LIMIT": "off",
        }
        with service(tmp, env, port=port, timeout=timeout) as url:
            yield Site(url, env, smtp, shots)
