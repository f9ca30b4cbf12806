"""How often alerts (and manage links) may be asked for: per email address
(ALERT_RATE_LIMIT), so nobody's inbox can be flooded with confirmation emails, and per client
address (ALERT_CLIENT_RATE_LIMIT). Counted where RATE_LIMIT_STORAGE says; addresses are counted
by a hash, never kept in clear."""

import hashlib
import math
import time

from limits import RateLimitItem
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.config import Settings, parse_limit
from app.core.errors import TooMany


class AlertThrottle:
    def __init__(self, settings: Settings) -> None:
        def limit(text: str) -> RateLimitItem | None:
            return None if text.lower() == "off" else parse_limit(text)

        self.limits: list[tuple[RateLimitItem | None, str]] = [
            (limit(settings.alert_client_rate_limit), "alert:client:{client}"),
            (limit(settings.alert_rate_limit), "alert:address:{digest}"),
        ]
        self.limiter = MovingWindowRateLimiter(storage_from_string(settings.rate_limit_storage))

    def hit(self, address: str, client: str) -> None:
        """Count one request; TooMany (with when to try again) past either limit."""
        digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        for item, key in self.limits:
            if item is None:
                continue
            where = key.format(client=client, digest=digest)
            if not self.limiter.hit(item, where):
                reset, _remaining = self.limiter.get_window_stats(item, where)
                minutes = max(1, math.ceil(max(1, math.ceil(reset - time.time())) / 60))
                raise TooMany(
                    "You have asked for too many email alerts. Wait "
                    f"{minutes} minute{'s' if minutes != 1 else ''}, then try again.",
                    minutes * 60,
                )
