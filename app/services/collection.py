"""Load the bundled collection's files into the store."""

from collections import Counter
from collections.abc import Iterable

from app.core.content import CaseStudyFile
from app.store import case_studies as store
from app.store.db import Engine, Session


def load_collection(engine: Engine, studies: Iterable[CaseStudyFile]) -> Counter[str]:
    """Upsert every case study in one transaction; count created, updated and unchanged."""
    with Session(engine) as session:
        outcome: Counter[str] = Counter(store.upsert_case_studies(session, studies))
        session.commit()
    return outcome
