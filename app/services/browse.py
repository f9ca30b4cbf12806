"""What a person can browse when their own words found nothing: every theme that published case
studies carry, with how many. Families and practitioners rarely type the sector's words, and a
list of its topics is a way in that needs none. In the order of their names: a list of 40-odd
read on a phone is scanned for a word."""

from app.core.vocabulary import Vocabulary
from app.services.search import SearchService


def themes(service: SearchService, vocabulary: Vocabulary) -> list[tuple[str, str, int]]:
    """(slug, label, how many published case studies carry it) for each theme in use."""
    counts = service.index.catalogue().themes
    found = [(slug, vocabulary.label("themes", slug), n) for slug, n in counts.items() if n]
    return sorted(found, key=lambda theme: theme[1].casefold())
