"""Waiting for what must come (another app's or process's poll of the store, a rebuild): a poll
with a generous deadline, since CI runs at a load of about 10. A check that holds returns at
once, so only a failing test waits the whole time."""

import time
from collections.abc import Callable

PATIENCE = 60.0  # seconds


def eventually(check: Callable[[], bool], seconds: float = PATIENCE, every: float = 0.05) -> bool:
    """Whether check() comes true within `seconds`, asking every `every` seconds."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True
