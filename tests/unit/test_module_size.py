"""The layout's rule that a module stays small enough to read whole (docs/architecture.md)."""

from pathlib import Path

import pytest

from app.config import ROOT

MOST_LINES = 350
MODULES = sorted(
    path for folder in ("app", "indexer", "testkit") for path in (ROOT / folder).rglob("*.py")
)


def test_the_modules_are_found() -> None:
    assert any(path.name == "main.py" for path in MODULES)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_350_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MOST_LINES, (
        f"{path.relative_to(ROOT)} has {lines} lines: split it by what it holds"
    )
