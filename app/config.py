"""Settings: every knob with its default, read from the environment (or passed in by tests)."""

import json
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from limits import RateLimitItem, parse
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
# Set by `python -m app` for its worker processes: the service knows it is served with its
# connection deadlines (app/web/serve.py) and warns when it is not.
SERVED_BY = "BRIGHT_FUTURES_SERVED_BY"


def parse_limit(text: str) -> RateLimitItem:
    """'120/minute' -> a limit; raises ValueError saying what is accepted."""
    try:
        return parse(text)
    except ValueError as error:
        raise ValueError(
            f"{text!r} is not a rate limit: write it as 120/minute, 10/second or 1000/hour, "
            "or `off`"
        ) from error


def _listed(value: Any) -> Any:
    """A comma-separated list or a JSON list, as a list; anything else as it is."""
    if isinstance(value, str):
        text = value.strip()
        return json.loads(text) if text.startswith("[") else text.split(",")
    return value


class Settings(BaseSettings):
    """Configuration for one running service; see the README's configuration table."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str = f"sqlite:///{ROOT / 'var' / 'store.db'}"
    index_dir: Path = ROOT / "var" / "index"
    data_dir: Path = ROOT / "data" / "case_studies"
    load_on_start: bool = True
    migrate_on_start: bool = True
    index_sync_seconds: float = 1.0
    search_cache_mb: float = Field(default=64, ge=0)
    search_plans_mb: float | None = Field(default=None, ge=0)  # None: a quarter of the pages'
    public_url: str | None = None
    trusted_hosts: Annotated[list[str], NoDecode] = ["localhost", "127.0.0.1", "::1"]
    cors_origins: Annotated[list[str], NoDecode] = []
    embed_origins: Annotated[list[str], NoDecode] = []
    embed_contact: str = ""
    campaign_contact: str = ""  # how a council officer asks the campaign team for an account
    max_body_bytes: int = 1_048_576
    rate_limit: str = "120/minute"
    write_rate_limit: str = "30/minute"
    rate_limit_storage: str = "memory://"
    log_level: str = "info"
    log_format: Literal["json", "text"] = "json"
    metrics_token: str | None = Field(default=None, min_length=16)
    hsts_seconds: int = Field(default=0, ge=0)
    forwarded_allow_ips: Annotated[list[str], NoDecode] = []
    request_timeout_seconds: float = Field(default=20.0, gt=0)
    # Accounts and mail (README "Signing in"); links in mail use PUBLIC_URL too.
    smtp_url: str | None = None
    mail_from: str = "Bright Futures case study search <no-reply@localhost>"
    outbox_dir: Path = ROOT / "var" / "outbox"
    mail_attempts: int = Field(default=8, ge=1)
    mail_retry_seconds: float = Field(default=30.0, gt=0)
    sign_in_link_minutes: int = Field(default=15, ge=1, le=60)
    invitation_link_hours: int = Field(default=72, ge=1, le=336)
    session_idle_minutes: int = Field(default=60, ge=1)
    session_max_hours: int = Field(default=12, ge=1)
    sign_in_rate_limit: str = "5/hour"
    sign_in_client_rate_limit: str = "30/hour"
    # Email alerts for a search (README "Email alerts").
    secret_key: str | None = None
    alert_send_seconds: float = Field(default=60.0, ge=0)
    alert_lease_seconds: float = Field(default=60.0, gt=0)
    alert_rate_limit: str = "5/hour"
    alert_client_rate_limit: str = "30/hour"
    # A confirmed alert lapses (and with an address's last, the address) this long after it was
    # confirmed or last kept; its emails carry a "Keep this alert" link for the last days.
    alert_keep_months: int = Field(default=12, ge=1, le=120)
    alert_keep_notice_days: int = Field(default=30, ge=1, le=180)
    # Case studies that stay current (README "Keeping case studies current").
    review_after_months: int = Field(default=12, ge=1, le=120)
    review_stale_months: int = Field(default=24, ge=1, le=240)
    review_link_days: int = Field(default=28, ge=1, le=365)
    review_check_minutes: float = Field(default=360.0, ge=0)
    review_batch: int = Field(default=25, ge=1)

    @field_validator("cors_origins", "embed_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        """Origins as a comma-separated list or a JSON list; each scheme://host[:port]."""
        value = _listed(value)
        if not isinstance(value, list):
            return value
        origins = [str(v).strip().rstrip("/") for v in value if str(v).strip()]
        for origin in origins:
            if origin != "*" and not (
                origin.startswith(("http://", "https://")) and "/" not in origin.split("://", 1)[1]
            ):
                raise ValueError(f"{origin!r} is not an origin like https://campaign.example.org")
        return origins

    @field_validator("public_url", mode="before")
    @classmethod
    def _public_url(cls, value: Any) -> Any:
        """An origin, scheme://host[:port], that every link the service gives out starts with."""
        if value is None or not str(value).strip():
            return None
        url = urlsplit(str(value).strip().rstrip("/"))
        if url.scheme not in ("http", "https") or not url.hostname or url.path or url.query:
            raise ValueError(
                f"{value!r} is not an origin like https://search.example.org (no path, no query)"
            )
        return f"{url.scheme}://{url.netloc.lower()}"

    @field_validator("trusted_hosts", mode="before")
    @classmethod
    def _hosts(cls, value: Any) -> Any:
        """Host names as a comma-separated list or a JSON list, lower case, without ports."""
        value = _listed(value)
        if not isinstance(value, list):
            return value
        return [str(v).strip().lower().strip("[]") for v in value if str(v).strip()]

    @field_validator("forwarded_allow_ips", mode="before")
    @classmethod
    def _proxies(cls, value: Any) -> Any:
        """Proxy addresses or networks as a comma-separated list or a JSON list."""
        value = _listed(value)
        if not isinstance(value, list):
            return value
        return [str(v).strip() for v in value if str(v).strip()]

    @field_validator("metrics_token", mode="before")
    @classmethod
    def _token(cls, value: Any) -> Any:
        return None if value is None or not str(value).strip() else str(value).strip()

    @field_validator(
        "rate_limit",
        "write_rate_limit",
        "sign_in_rate_limit",
        "sign_in_client_rate_limit",
        "alert_rate_limit",
        "alert_client_rate_limit",
    )
    @classmethod
    def _limit(cls, value: str) -> str:
        value = value.strip()
        if value.lower() != "off":
            parse_limit(value)
        return value

    @property
    def rate_limited(self) -> bool:
        return self.rate_limit.lower() != "off"

    @field_validator("smtp_url")
    @classmethod
    def _smtp(cls, value: str | None) -> str | None:
        """smtp://[user:password@]host[:port] (STARTTLS) or smtps:// (TLS from the start)."""
        if not value or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(
                "SMTP_URL must look like smtp://user:password@host:587 (STARTTLS) or "
                "smtps://user:password@host:465"
            )
        return value.strip()

    @field_validator("secret_key")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        if len(value.strip()) < 32 or value.strip().lower() in {"changeme", "change-me", "secret"}:
            raise ValueError(
                "SECRET_KEY must be at least 32 random characters, such as the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, or unset (a "
                "key is then made and kept in the store)"
            )
        return value.strip()

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str) -> str:
        _name, address = parseaddr(value)
        if "@" not in address:
            raise ValueError(
                f"{value!r} is not a sender like Bright Futures <no-reply@example.org>"
            )
        return value

    @model_validator(mode="after")
    def _links_need_an_address(self) -> "Settings":
        # Links in real mail must point at the service's public address, never at whatever Host
        # a request named (which would let anyone send a working sign-in link to their own site).
        if self.smtp_url and not self.public_url:
            raise ValueError(
                "SMTP_URL is set but PUBLIC_URL is not: set PUBLIC_URL to the "
                "address people use, such as https://casestudies.example.org"
            )
        return self

    @property
    def link_base(self) -> str:
        """Where links in mail point: PUBLIC_URL, or the `make run` address."""
        return (self.public_url or "http://127.0.0.1:8000").rstrip("/")

    @property
    def on_https(self) -> bool:
        return (self.public_url or "").startswith("https://")

    @field_validator("index_dir", "data_dir", "outbox_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # Relative paths are taken from the project root so that the service behaves the same
        # whichever folder it is started from.
        return value if value.is_absolute() else ROOT / value
