"""The README's configuration table stays in step with Settings."""

import re

from app.config import ROOT, Settings


def test_configuration_table_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", table, re.M))
    assert documented == {name.upper() for name in Settings.model_fields}
