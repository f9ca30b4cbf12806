"""Read and write the bundled collection: one Markdown file per case study, YAML front matter.

Lives in `app` rather than `indexer` because the service loads the collection itself when it
starts with an empty store.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.core.content import CaseStudyFile
from app.core.yaml_files import SafeLoader


class _FrontMatterLoader(SafeLoader):  # type: ignore[misc,valid-type]
    """YAML as the collection writes it, but dates stay text: 2023-02-31 is then a problem
    with the file's `published`, not a crash inside the YAML reader."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()
}

FRONT_MATTER = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n?(.*)\Z", re.S)
FIELD_ORDER = (
    "title",
    "council",
    "region",
    "summary",
    "outcomes",
    "has_measured_outcome",
    "priority_areas",
    "age_bands",
    "themes",
    "programme",
    "partners",
    "evidence",
    "published",
    "updated",
    "last_reviewed",
    "source_url",
    "status",
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, said so that its author can fix it."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


def _field_name(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(file)"


def parse_case_study(path: Path) -> CaseStudyFile | list[Problem]:
    """Parse and validate one file; return the case study or every problem found."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(name, "(file)", f"cannot be read as UTF-8 text: {exc}")]
    match = FRONT_MATTER.match(text)
    if not match:
        return [Problem(name, "(file)", "must start with YAML front matter between '---' lines")]
    try:
        meta: Any = yaml.load(match.group(1), Loader=_FrontMatterLoader)  # a SafeLoader
    except yaml.YAMLError as exc:
        return [Problem(name, "(front matter)", f"is not valid YAML: {exc}")]
    if not isinstance(meta, dict):
        return [Problem(name, "(front matter)", "must be a mapping of field: value")]
    slug = path.stem
    if "slug" in meta and meta["slug"] != slug:
        return [Problem(name, "slug", f"{meta['slug']!r} differs from the file name {slug!r}")]
    meta = {**meta, "slug": slug, "body": match.group(2).strip()}
    try:
        return CaseStudyFile.model_validate(meta)
    except ValidationError as exc:
        return [Problem(name, _field_name(e["loc"]), e["msg"]) for e in exc.errors()]


def read_collection(
    directory: Path, *, unique_sources: bool = True
) -> tuple[list[CaseStudyFile], list[Problem]]:
    """Read every *.md file in a folder; return the valid case studies and all problems.

    Beyond each file's own rules, the curated collection keeps one case study per source
    address; `unique_sources=False` lets a second one through (published submissions may cite
    the same page, so an export of a store must load back whole).
    """
    if not directory.is_dir():
        return [], [Problem(str(directory), "(folder)", "is not a folder")]
    studies: list[CaseStudyFile] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.md")):
        result = parse_case_study(path)
        if isinstance(result, list):
            problems.extend(result)
        else:
            studies.append(result)
    if unique_sources:
        shared = shared_sources(studies)
        problems.extend(shared)
        refused = {problem.file for problem in shared}
        studies = [s for s in studies if f"{s.slug}.md" not in refused]
    return studies, problems


def shared_sources(studies: Iterable[CaseStudyFile]) -> list[Problem]:
    """One problem for each case study whose source address an earlier one already cites."""
    seen: dict[str, str] = {}
    shared: list[Problem] = []
    for study in studies:
        if not study.source_url:
            continue
        if study.source_url in seen:
            message = f"is also the source of {seen[study.source_url]}"
            shared.append(Problem(f"{study.slug}.md", "source_url", message))
        else:
            seen[study.source_url] = f"{study.slug}.md"
    return shared


def render_case_study(study: CaseStudyFile) -> str:
    """Return the file text for a case study: front matter in a stable order, then the body."""
    data = study.model_dump(exclude={"slug", "body"})
    meta = {k: data[k] for k in FIELD_ORDER if data.get(k) not in (None, [])}
    meta.setdefault("outcomes", [])
    if meta.get("last_reviewed") == meta.get("published"):
        meta.pop("last_reviewed", None)  # the default: files say it only when it differs
    if meta.get("status") == "published":
        del meta["status"]
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{front}---\n\n{study.body.strip()}\n"


def write_collection(directory: Path, studies: Iterable[CaseStudyFile]) -> int:
    """Write one file per case study; return how many were written."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for study in studies:
        (directory / f"{study.slug}.md").write_text(render_case_study(study), encoding="utf-8")
        count += 1
    return count
