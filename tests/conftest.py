"""The test run's hooks; the fixtures are in tests/app_fixtures.py, a plugin loaded by every
process that runs tests (not the pytest-xdist controller, which only hands tests out)."""

import os

import pytest

from tests.scheduling import ModuleGroups, module_group

# pytest-xdist's workers start with COLUMNS=80 and LINES=24 set; rich reads them once, when the
# CLI's consoles are made at import, so a test that sets COLUMNS would get 80-column tables on a
# worker only. A worker starts as a plain run does.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)


def pytest_configure(config: pytest.Config) -> None:
    """Load the fixtures (and with them the app, FastAPI, SQLAlchemy, Whoosh…) except in the
    controller of a `-n N` run: it imports no test module, so it needs none of them."""
    # pytest-xdist's own test of a distributed run (its _is_distribution_mode), as a worker is not
    controller = (
        not hasattr(config, "workerinput")
        and getattr(config.option, "dist", "no") != "no"
        and bool(getattr(config.option, "tx", None))
    )
    if not controller:
        config.pluginmanager.import_plugin("tests.app_fixtures")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test` runs `-n … --dist loadgroup`) keep each module of
    tests/e2e and tests/browser on one worker, so that its module-scoped servers and browser
    start once; every other test goes to whichever worker is free. The marks say so; the
    scheduler below does it (tests/scheduling.py says why)."""
    for item in items:
        group = module_group(item.nodeid)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """`--dist loadgroup` with the groups above (pytest-xdist's own does not see them)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    return ModuleGroups(config, log)
