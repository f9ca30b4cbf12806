"""Which tests pytest-xdist keeps together on one worker, and the scheduler that does it.

Each module of tests/e2e and tests/browser starts its servers and Chromium once (module-scoped
fixtures), so all its tests must run on one worker: spread over three, each worker started them
again (a test's setup then took a minute). `--dist loadgroup` was meant to do this from
`xdist_group` marks, but on pytest 9.2 with pytest-xdist 3.8 it silently groups nothing: xdist
writes the group into `item._nodeid`, which pytest no longer reads
(https://github.com/pytest-dev/pytest-xdist/issues/1386). So the scheduler below takes the
group from the test's path itself; it is xdist's loadgroup scheduler in every other way (a
group is one unit of work, the units with the most tests are handed out first, every other
test goes to whichever worker is free).
"""

from xdist.scheduler import LoadGroupScheduling

MODULE_GROUPS = ("tests/e2e/", "tests/browser/")


def module_group(nodeid: str) -> str | None:
    """The group of a test that must share its module's worker, or None."""
    path = nodeid.split("::", 1)[0]
    return path if path.startswith(MODULE_GROUPS) else None


class ModuleGroups(LoadGroupScheduling):
    def _split_scope(self, nodeid: str) -> str:
        if nodeid.rfind("@") > nodeid.rfind("]"):  # xdist's own suffix, once it works again
            return super()._split_scope(nodeid)
        return module_group(nodeid) or nodeid
