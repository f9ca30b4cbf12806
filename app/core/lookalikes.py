"""Text made to look like other text: letters of other alphabets that look like Latin ones
(Cyrillic "а" in "Mіа"), and accents stacked on one letter ("Zalgo").

The safeguarding check reads a text's skeleton (Unicode TR39), so that a child's name or a date
of birth written in look-alikes is found as the plain words are; the content rules refuse a
word that mixes alphabets, or a letter under a stack of marks, saying what to retype. The
look-alike data is Unicode's own (confusables.txt and the scripts), as `confusable-homoglyphs`
ships it.
"""

import unicodedata
from functools import cache, lru_cache

from confusable_homoglyphs.categories import alias
from confusable_homoglyphs.confusables import confusables_data

# More marks than this on one letter, once accents that have a letter of their own are joined to
# it (NFC), is never a language's spelling: Vietnamese and Yoruba put at most two on a letter,
# Thai three.
MAX_MARKS = 3
_IGNORED_SCRIPTS = frozenset({"COMMON", "INHERITED", "Unknown"})
# TR39's "highly restrictive" level: Latin may share a word with these, and nothing else may.
_MIXES_ALLOWED = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)


def _marks(character: str) -> bool:
    return unicodedata.category(character) in ("Mn", "Me")


@cache
def _to_ascii() -> dict[int, str]:
    """Each letter outside ASCII that looks like an ASCII letter or digit, to it: Cyrillic "а"
    and "М", Greek "ο", Latin "ı". TR39 writes a capital I as "l" (they look alike): a capital is
    kept a capital, so that a name still starts with one."""
    table: dict[int, str] = {}
    for character, glyphs in confusables_data.items():
        if len(character) != 1 or character.isascii() or not character.isalpha():
            continue
        plain = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii()]
        plain = [g for g in plain if g.isalnum()]
        if not plain:
            continue
        same_case = [g for g in plain if g.isalpha() and g.isupper() == character.isupper()]
        chosen = (same_case or plain)[0]
        if character.isupper() and chosen == "l":
            chosen = "I"
        table[ord(character)] = chosen
    return table


def skeleton(text: str) -> str:
    """The text as its look-alike letters read: invisible characters (zero-width spaces, soft
    hyphens) dropped, full-width and mathematical letters as plain ones (NFKC), accents and other
    marks off their letters, other alphabets' look-alikes of ASCII letters as those letters, and
    any script's digits as ASCII digits. ASCII itself is kept as typed: TR39's full skeleton
    also writes "m" as "rn" and "0" as "O", which would hide the very digits and names the
    safeguarding check looks for."""
    shown = "".join(c for c in text if unicodedata.category(c) != "Cf")
    if shown.isascii():
        return shown
    bare = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", shown))
    bare = "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() else c for c in bare if not _marks(c)
    )
    return unicodedata.normalize("NFC", bare.translate(_to_ascii()))


@lru_cache(maxsize=4096)
def _script(character: str) -> str:
    return str(alias(character)) if character.isalpha() else "COMMON"


def _scripts(word: str) -> frozenset[str]:
    if word.isascii():
        return frozenset({"LATIN"})
    return frozenset(map(_script, word)) - _IGNORED_SCRIPTS


def _mixed(scripts: frozenset[str]) -> bool:
    return len(scripts) > 1 and not any(scripts <= allowed for allowed in _MIXES_ALLOWED)


def _words(text: str) -> list[str]:
    """Runs of letters and their marks: a word as far as which alphabet it is written in goes.
    Characters that show nothing (a zero-width joiner, a soft hyphen) do not end one: "M\u200dіа"
    reads as one word, "Mіа"."""
    words, word = [], ""
    for c in text:
        if unicodedata.category(c) == "Cf":
            continue
        if c.isalpha() or (_marks(c) and word):
            word += c
        elif word:
            words.append(word)
            word = ""
    return [*words, word] if word else words


def _most_marks(text: str) -> tuple[int, int]:
    """The most marks stacked on one character, and where that character is."""
    most, at, run = 0, 0, 0
    for i, c in enumerate(text):
        run = run + 1 if _marks(c) else 0
        if run > most:
            most, at = run, i - run
    return most, at


def _named(scripts: frozenset[str]) -> str:
    names = sorted(s.replace("_", " ").title() for s in scripts)
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def lookalike_problem(text: str) -> str | None:
    """Say what to retype if the text mixes alphabets in one word or stacks marks on a letter;
    None for ordinary text in any language (Welsh's ŵ and ŷ, accented names, a Greek word)."""
    if text.isascii():
        return None
    for word in _words(text):
        scripts = _scripts(word)
        if _mixed(scripts):
            return (
                f"“{word}” mixes {_named(scripts)} letters, which can look alike: retype it "
                "using one alphabet"
            )
    text = unicodedata.normalize("NFC", text)
    most, at = _most_marks(text)
    if most > MAX_MARKS:
        shown = "".join(c for c in text[max(0, at - 20) : at + 40] if not _marks(c)).strip()
        return (
            f"a letter near “{shown}” has {most} accents or marks stacked on it: remove them, "
            f"keeping at most {MAX_MARKS} on a letter"
        )
    return None
