"""Who is acting: a role and, for a council, which council."""

from dataclasses import dataclass
from typing import Literal

from app.core.councils import same_council

Role = Literal["council", "moderator", "admin"]
ROLES: tuple[Role, ...] = ("council", "moderator", "admin")


@dataclass(frozen=True)
class Principal:
    """Who is making a request: a machine's API key or a person's account (user_id), with its
    role and (for councils) council."""

    key_id: int | None
    role: Role
    council: str | None
    label: str | None
    user_id: int | None = None

    @property
    def name(self) -> str:
        """How the history shows this actor (never a person's e-mail address)."""
        who = self.council if self.role == "council" else (self.label or self.role)
        if self.user_id is not None:
            return f"{who} ({self.role} user {self.user_id})"
        return f"{who} ({self.role} key {self.key_id})"

    def owns(self, council: str | None) -> bool:
        return council is not None and same_council(self.council, council)

    @property
    def moderates(self) -> bool:
        return self.role in ("moderator", "admin")
