"""One way to compare names that people type: case and spacing do not matter."""


def normal_name(name: str) -> str:
    """'  Leeds  CITY council' -> 'leeds city council'."""
    return " ".join(name.casefold().split())


def same_council(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and normal_name(a) == normal_name(b)
