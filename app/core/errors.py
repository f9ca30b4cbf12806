"""Plain exceptions the domain raises; the web layer turns each into problem+json.

They know nothing of HTTP: `app/web/problems.py` maps each class to a status and a title.
"""

from typing import Any


class Error(Exception):
    """Something a client can act on; `detail` says what to fix."""

    def __init__(
        self, detail: str, errors: list[dict[str, str]] | None = None, **extensions: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors  # one {detail, pointer} per problem, where there are several
        self.extensions = extensions  # more members of the problem document, e.g. `current`


class NotFound(Error):
    """Nothing the caller may see has that name."""


class Invalid(Error):
    """The input breaks a rule; `errors` lists each broken rule."""


class Unauthenticated(Error):
    """No valid credentials came with the request."""


class Forbidden(Error):
    """The caller is known but may not do this."""


class Conflict(Error):
    """The thing changed, or is in a state that does not allow this."""


class Unavailable(Error):
    """A part the request needs is being rebuilt; retrying shortly will work."""


class TooMany(Error):
    """The caller has asked too often; `retry_after` says in how many seconds to try again."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
