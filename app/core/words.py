"""What a word is, said once: the search analyzer, query clean-up, highlighting and duplicate
detection all split text with this pattern, so a word one of them sees the others see too."""

import re

WORD = re.compile(r"\w+(?:['\u2019]\w+)*")  # a word, with its apostrophes ("children's")


def words(text: str) -> list[str]:
    """The words of a text, in order."""
    return WORD.findall(text)
