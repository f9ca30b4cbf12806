"""YAML read with libyaml's C parser where PyYAML has it: the pure-Python reader spent about
five seconds of a cold start on the bundled collection's front matter and word lists."""

from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """The data in a YAML text, safely (no Python objects)."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506  (a safe loader)
