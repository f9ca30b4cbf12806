"""A deterministic synthetic corpus of case studies, for benchmarks at 1k, 10k and 100k.

Sentences are drawn from the bundled collection's own bodies and summaries (our words already),
so the English is realistic and the vocabulary is the sector's; tags are drawn with the
frequencies they have in the bundled collection. The same (size, seed) gives the same corpus.
"""

import random
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache

from app.config import ROOT
from app.core.collection import read_collection
from app.core.content import CaseStudyFile
from app.core.drafting import apart

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@cache
def _material() -> dict[str, list]:  # type: ignore[type-arg]
    studies, _ = read_collection(ROOT / "data" / "case_studies")
    sentences: list[str] = []
    plain: list[str] = []  # the "In plain words" sections, each whole
    asked: list[str] = []  # the lines of the "Questions it helps answer" sections
    titles: list[str] = []
    for study in studies:
        said, rest = apart(study.body, "plain")
        questions, rest = apart(rest, "questions")
        plain += [said] if said else []
        asked += [line.removeprefix("- ") for line in questions.splitlines()]
        text = re.sub(r"^#+ .*$|^- ", "", rest, flags=re.M)
        sentences += [s.strip() for s in _SENTENCE.split(text) if len(s.split()) >= 6]
        titles.append(study.title)
    tags = {
        kind: Counter(value for study in studies for value in getattr(study, kind))
        for kind in ("priority_areas", "age_bands", "themes")
    }
    return {
        "sentences": sentences,
        "plain": plain,
        "asked": asked,
        "title_words": sorted({w for t in titles for w in re.findall(r"[A-Za-z]{4,}", t)}),
        "councils": sorted({s.council for s in studies}),
        "regions": sorted({s.region for s in studies}),
        "evidence": [s.evidence for s in studies],
        "tags": tags,
    }


def _weighted(rng: random.Random, counts: Counter[str], k: int) -> list[str]:
    values, weights = zip(*sorted(counts.items()), strict=True)
    chosen: list[str] = []
    while len(chosen) < k:
        value = rng.choices(values, weights)[0]
        if value not in chosen:
            chosen.append(value)
    return chosen


def case_studies(size: int, seed: int = 1) -> Iterator[CaseStudyFile]:
    """size synthetic case studies of about 700 words each, with the sections the bundled ones
    have: plain words, the account in three sections, and the questions it helps answer."""
    material = _material()
    rng = random.Random(seed)
    sentences = material["sentences"]
    for n in range(size):
        words = rng.sample(material["title_words"], 4)
        body_sentences = rng.sample(sentences, 30)
        body = "## In plain words\n\n" + rng.choice(material["plain"])
        body += "\n\n## The challenge\n\n" + " ".join(body_sentences[:10])
        body += "\n\n## The solution\n\n" + " ".join(body_sentences[10:22])
        body += "\n\n## The impact\n\n" + " ".join(body_sentences[22:])
        questions = "\n".join(f"- {line}" for line in rng.sample(material["asked"], 6))
        body += "\n\n## Questions it helps answer\n\n" + questions
        yield CaseStudyFile(
            slug=f"synthetic-{n:06d}",
            title=" ".join(words).capitalize() + f" {n}",
            council=rng.choice(material["councils"]),
            region=rng.choice(material["regions"]),
            summary=" ".join(rng.sample(sentences, 3))[:790],
            body=body,
            outcomes=[],
            priority_areas=_weighted(rng, material["tags"]["priority_areas"], rng.randint(1, 2)),
            age_bands=_weighted(rng, material["tags"]["age_bands"], rng.randint(1, 2)),
            themes=_weighted(rng, material["tags"]["themes"], rng.randint(2, 4)),
            evidence=rng.choice(material["evidence"]),
            published=f"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}",
            source_url=f"https://example.org/synthetic/{n}",
        )


def queries(count: int = 60, seed: int = 2) -> list[tuple[str, dict[str, list[str]]]]:
    """count queries of one to four words; half carry one or two filters."""
    material = _material()
    rng = random.Random(seed)
    words = [w.lower() for s in material["sentences"][:400] for w in re.findall(r"[A-Za-z]{5,}", s)]
    found: list[tuple[str, dict[str, list[str]]]] = []
    for n in range(count):
        text = " ".join(rng.sample(words, rng.randint(1, 4)))
        filters: dict[str, list[str]] = {}
        if n % 2:
            for kind, name in rng.sample(
                [
                    ("themes", "theme"),
                    ("age_bands", "age_band"),
                    ("priority_areas", "priority_area"),
                ],
                rng.randint(1, 2),
            ):
                filters[name] = [rng.choice(sorted(material["tags"][kind]))]
        found.append((text, filters))
    return found
