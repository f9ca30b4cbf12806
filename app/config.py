"""Settings: every knob with its default, read from the environment (or passed in by tests)."""

from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration for one running service; see the README's configuration table."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str = f"sqlite:///{ROOT / 'var' / 'store.db'}"
    index_dir: Path = ROOT / "var" / "index"
    data_dir: Path = ROOT / "data" / "case_studies"
    load_on_start: bool = True
    index_sync_seconds: float = 1.0
    cors_origins: list[str] = []
    max_body_bytes: int = 1_048_576
    log_level: str = "info"

    @field_validator("index_dir", "data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # Relative paths are taken from the project root so that the service behaves the same
        # whichever folder it is started from.
        return value if value.is_absolute() else ROOT / value
