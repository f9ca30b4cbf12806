"""What a word is, said once: the search analyzer, query clean-up, highlighting and duplicate
detection all split text with this pattern, so a word one of them sees the others see too; and
the quotation marks that make words a phrase."""

import re

WORD = re.compile(r"\w+(?:['\u2019]\w+)*")  # a word, with its apostrophes ("children's")
# Double quotation marks as a phone, a Mac and Word type them (and other languages' „ « »), for
# the straight " that makes a phrase in a search.
DOUBLE_QUOTES = str.maketrans(dict.fromkeys("“”„‟″〝〞＂«»", '"'))


def words(text: str) -> list[str]:
    """The words of a text, in order."""
    return WORD.findall(text)
