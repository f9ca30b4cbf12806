"""The search page's links (Link): a search's query string is exactly what urlencode writes
for its pairs, whatever they hold (spaces, ampersands, quotes, non-ASCII, '+' and '%'), asked
once or again (each name and value's quoting is kept)."""

from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st

from app.web.pages.templating import SEARCH_KEYS, Link

pairs = st.lists(st.tuples(st.sampled_from(SEARCH_KEYS), st.text(min_size=1, max_size=20)))


@given(pairs, st.integers(1, 40))
def test_a_query_is_written_as_urlencode_writes_it(
    given_pairs: list[tuple[str, str]], page: int
) -> None:
    link = Link(given_pairs)
    for _ in range(2):
        assert link.query() == urlencode(given_pairs)
        assert link.query(page=page) == urlencode([*given_pairs, ("page", str(page))])
    assert parse_qsl(link.query(), keep_blank_values=True) == given_pairs
