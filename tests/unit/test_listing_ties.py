"""The store's listings that order by a column two case studies can share (a title, a date)
list those in slug order, not in whatever order the database happens to hold them."""

from datetime import date

from sqlmodel import Session

from app.services.collection import load_collection
from app.store import curation, reviews
from app.store.db import make_engine
from testkit.factories import make_case_study

# Stored in this order, which is not slug order.
SLUGS = ["zulu", "mike", "alpha", "kilo"]


def test_equal_titles_and_dates_are_listed_by_slug(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        for slug in SLUGS:  # one at a time: each its own row, in this order
            load_collection(
                engine,
                [make_case_study(slug=slug, title="Kinship hub", last_reviewed="2020-01-01")],
            )
        with Session(engine) as session:
            titles = curation.published_titles(session)
            assert [(slug, title) for slug, title, _ in titles] == [
                (s, "Kinship hub") for s in sorted(SLUGS)
            ]
            total, stale = reviews.list_stale(session, date(2021, 1, 1))
            assert total == len(SLUGS) and [row.slug for row in stale] == sorted(SLUGS)
            pages = [reviews.list_stale(session, date(2021, 1, 1), n, 2)[1] for n in (0, 2, 4)]
            assert [row.slug for page in pages for row in page] == sorted(SLUGS)  # pages agree
    finally:
        engine.dispose()
