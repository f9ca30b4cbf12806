"""Who is acting: a role and, for a council, which council."""

from dataclasses import dataclass
from typing import Literal

from app.core.councils import same_council

Role = Literal["council", "moderator", "admin"]
ROLES: tuple[Role, ...] = ("council", "moderator", "admin")


@dataclass(frozen=True)
class Principal:
    """Who is making a request: a key's id, role and (for councils) council."""

    key_id: int
    role: Role
    council: str | None
    label: str | None

    @property
    def name(self) -> str:
        """How the history shows this actor."""
        who = self.council if self.role == "council" else (self.label or self.role)
        return f"{who} ({self.role} key {self.key_id})"

    def owns(self, council: str | None) -> bool:
        return council is not None and same_council(self.council, council)

    @property
    def moderates(self) -> bool:
        return self.role in ("moderator", "admin")
