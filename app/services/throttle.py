"""How often sign-in links may be asked for: per e-mail address (SIGN_IN_RATE_LIMIT), so nobody's
inbox can be flooded, and per client address (SIGN_IN_CLIENT_RATE_LIMIT), so nobody can try a
list of addresses. Counted for every address typed, known or not, so a refusal tells nothing
about who has an account. The counts live where RATE_LIMIT_STORAGE says (shared by replicas
when it names a shared store); addresses are counted by a hash, never kept in clear."""

import hashlib
import math
import time

from limits import RateLimitItem
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.config import Settings, parse_limit
from app.core.errors import TooMany


def _limit(text: str) -> RateLimitItem | None:
    return None if text.lower() == "off" else parse_limit(text)


class SignInThrottle:
    def __init__(self, settings: Settings) -> None:
        self.per_address = _limit(settings.sign_in_rate_limit)
        self.per_client = _limit(settings.sign_in_client_rate_limit)
        self.limiter = MovingWindowRateLimiter(storage_from_string(settings.rate_limit_storage))

    def hit(self, address: str, client: str) -> None:
        """Count one request for a link; TooMany (with when to try again) past either limit."""
        digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        limits = [(self.per_client, f"sign-in:client:{client}")]
        limits.append((self.per_address, f"sign-in:address:{digest}"))
        for item, key in limits:
            if item is not None and not self.limiter.hit(item, key):
                reset, _remaining = self.limiter.get_window_stats(item, key)
                wait = max(1, math.ceil(reset - time.time()))
                minutes = max(1, math.ceil(wait / 60))
                raise TooMany(
                    "You have asked for too many sign-in links. Wait "
                    f"{minutes} minute{'s' if minutes != 1 else ''}, then try again.",
                    wait,
                )
