"""docs/architecture.md stays true of the tree: every file it names exists, and its table of
what is where names every module of every layer, so a new module is placed where a reader
would look for it."""

import re

import pytest

from app.config import ROOT

DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
TABLE = DOC[DOC.index("## What is where") : DOC.index("## How a request flows")]
ROWS = dict(re.findall(r"^\| `(app/\w+)` \| (.*) \|$", TABLE, flags=re.MULTILINE))
LAYERS = ["app/core", "app/store", "app/search", "app/services", "app/web"]


def _modules(package: str) -> set[str]:
    folder = ROOT / package
    found = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    if package == "app/web":  # the pages are named in the web row, each by its module name
        found |= {p.stem for p in (folder / "pages").glob("*.py") if p.stem != "__init__"}
    return found


def test_the_table_has_a_row_for_each_layer() -> None:
    assert sorted(ROWS) == sorted(LAYERS)


@pytest.mark.parametrize("package", LAYERS)
def test_every_module_is_named_where_a_reader_would_look(package: str) -> None:
    named = {name.rstrip("/") for name in re.findall(r"`(\w+/?)`", ROWS[package])}
    assert sorted(_modules(package) - named) == []


@pytest.mark.parametrize("package", LAYERS)
def test_every_module_named_exists(package: str) -> None:
    folder = ROOT / package
    for name in re.findall(r"`(\w+/?)`", ROWS[package]):
        found = [folder / f"{name}.py", folder / name.rstrip("/"), folder / "pages" / f"{name}.py"]
        assert any(path.exists() for path in found), f"{package}: no module {name}"


def test_every_path_the_doc_names_exists() -> None:
    folders = "app|web|core|store|search|services|templates|static|tests"
    paths = set(re.findall(rf"`((?:{folders})/[\w/]+\.(?:py|html|css|yaml))`", DOC))
    assert paths, "the doc names no files"
    missing = [
        path
        for path in sorted(paths)
        if not (ROOT / path).exists() and not (ROOT / "app" / path).exists()
    ]
    assert missing == []
