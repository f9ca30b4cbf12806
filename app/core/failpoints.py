"""Failpoints for the fault tests: FAILPOINTS=name[,name] makes the process kill itself (SIGKILL,
no clean-up, as a crash or an OOM kill would) at that point. Unset, they cost one lookup."""

import os
import signal


def failpoint(name: str) -> None:
    if name in os.environ.get("FAILPOINTS", "").split(","):
        os.kill(os.getpid(), signal.SIGKILL)
