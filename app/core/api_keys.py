"""An API key as people may see it: which it is, whose, and when used, never its secret."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class KeySummary:
    id: int
    prefix: str = ""  # the first characters, for telling keys apart (as `indexer keys list`)
    role: str = ""
    council: str | None = None
    label: str | None = None
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
