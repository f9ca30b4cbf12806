"""INDEX_DIR on disk: a folder of generations (`gen-<n>`) and CURRENT, naming the one in use.

A rebuild writes a new generation beside the current one and switches by replacing CURRENT, a
single atomic rename, so searches never see half an index. Each generation records the last
change-log id it reflects (its marker) and keeps its spelling list beside it.
"""

import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from app.search import building, passages, spelling
from app.search.analysis import SpellingWords
from app.search.schema import words_of

POINTER = "CURRENT"
MARKER = "applied-change-id"
WRITE_TIMEOUT = 30.0
PARALLEL_FROM = 2000  # documents; for fewer, starting a second process costs more than it saves


class _Storage(FileStorage):  # type: ignore[misc]
    """A folder whose files opened while `opening` is set are remembered, so that they can be
    closed when Whoosh fails half way through opening an index (it leaves them open)."""

    def __init__(self, folder: Path) -> None:
        # No mmap: a damaged or truncated file must raise an error we can handle, not SIGBUS.
        super().__init__(str(folder), supports_mmap=False)
        self.opening: list[Any] | None = None

    def open_file(self, name: str, **kwargs: Any) -> Any:
        opened = super().open_file(name, **kwargs)
        if self.opening is not None:
            self.opening.append(opened.file)
        return opened

    def open(self, schema: Any, use: Callable[[Any], Any]) -> Any:
        """Return use(the index), closing whatever it opened if it raises."""
        self.opening = []
        try:
            return use(self.open_index(schema=schema))
        except BaseException:
            for file in self.opening:
                file.close()
            raise
        finally:
            self.opening = None


def current(path: Path) -> Path | None:
    """The folder of the generation in use, if there is one."""
    try:
        name = (path / POINTER).read_text().strip()
    except OSError:
        return None
    folder = path / name
    return folder if name.startswith("gen-") and folder.is_dir() else None


def open_index(folder: Path, schema: Any) -> Any:
    return _Storage(folder).open(schema, lambda ix: ix)


def open_searcher(folder: Path, schema: Any, weighting: Any) -> Searcher:
    return _Storage(folder).open(schema, lambda ix: ix.searcher(weighting=weighting))


def readable(folder: Path | None, schema: Any) -> bool:
    """Whether a generation opens and reads. One written before the spelling list moved out of
    Whoosh, or with other fields than the schema's (written by an older release), counts as
    unreadable: it is rebuilt."""
    if folder is None or not spelling.path(folder).is_file():
        return False
    try:
        # Not whoosh.index.exists_in: it leaves the table of contents open when it is damaged.
        fields = _Storage(folder).open(None, lambda ix: set(ix.schema.names()))
        if fields != set(schema.names()):
            return False
        with _Storage(folder).open(schema, lambda ix: ix.reader()) as reader:
            return bool(reader.doc_count_all() >= 0)
    except Exception:
        return False


def applied_change_id(folder: Path | None) -> int:
    """The last change-log id a generation reflects (0 if unknown)."""
    try:
        return int((folder / MARKER).read_text().strip()) if folder else 0
    except (OSError, ValueError):
        return 0


def write_marker(folder: Path, change_id: int) -> None:
    temporary = folder / f"{MARKER}.tmp"
    temporary.write_text(str(change_id))
    os.replace(temporary, folder / MARKER)


def update(
    folder: Path, schema: Any, documents: list[dict[str, Any]], removed: list[str], change_id: int
) -> None:
    """Upsert and delete documents in a generation, then record change_id."""
    ix = open_index(folder, schema)
    with ix.writer(timeout=WRITE_TIMEOUT) as writer:
        for slug in removed:
            writer.delete_by_term("slug", slug)
        for document in documents:
            writer.update_document(**passages.packed(document))
        # Under the writer's lock, before the commit: a searcher of the new commit finds its
        # words listed.
        counts: Counter[str] = Counter()
        for document in documents:
            counts.update(words_of(document))
        spelling.add(folder, counts)
    write_marker(folder, change_id)


def create(path: Path) -> Path:
    """A new, empty generation folder (INDEX_DIR made ready first)."""
    _prepare(path)
    generation = path / f"gen-{time.time_ns()}"
    generation.mkdir()
    return generation


def write(
    generation: Path,
    schema: Any,
    documents: Iterable[dict[str, Any]],
    progress: Callable[[], None] | None,
    parallel: bool,
) -> int:
    """Index documents into a new generation with its spelling list; return how many."""
    ix = index.create_in(str(generation), schema)
    # Two processes, each writing its own segment: the ranker reads across segments, so they
    # are not merged (merging would cost what the second process saved). Each worker gets half
    # the single writer's memory for its postings pool (a 100k build's workers peaked at 1 GB
    # each with 128 MB apiece). building.py: Whoosh's writers, with a cheaper postings pool.
    procs, limitmb = (2, 64) if parallel else (1, 128)
    writer = building.writer(ix, procs, limitmb, WRITE_TIMEOUT)
    count = 0
    words: Counter[str] = Counter()  # how many documents hold each word
    spelt = SpellingWords()
    try:
        for document in documents:
            writer.add_document(**document)
            words.update(words_of(document, spelt))
            count += 1
            if progress:
                progress()
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=not parallel)
    with ix.reader() as reader:
        indexed = reader.doc_count()
    if indexed != count:  # Whoosh drops a worker's segment it waited on too long for
        raise RuntimeError(f"the new index holds {indexed} of {count} documents")
    spelling.write(generation, words)
    return count


def parallel(expected: int) -> bool:
    """Whether to analyse `expected` documents in two processes."""
    return expected >= PARALLEL_FROM and (os.cpu_count() or 1) > 1


def switch_to(path: Path, generation: Path) -> None:
    """Make a generation the current one, then remove all but the previous one."""
    temporary = path / f"{POINTER}.{time.time_ns()}.tmp"
    temporary.write_text(generation.name)
    os.replace(temporary, path / POINTER)
    # Keep the newest previous generation too: a searcher may still be reading it.
    old = sorted(p.name for p in path.glob("gen-*") if p.name != generation.name)
    for name in old[:-1]:
        shutil.rmtree(path / name, ignore_errors=True)
    for leftover in path.glob(f"{POINTER}.*.tmp"):
        leftover.unlink(missing_ok=True)


def remove(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


def _prepare(path: Path) -> None:
    """INDEX_DIR as a folder of generations; anything else found there is set aside."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()  # the layout of earlier versions: a link to the generation
    path.mkdir(parents=True, exist_ok=True)
    for stray in path.iterdir():  # a bare Whoosh index from elsewhere
        if stray.is_file() and stray.name not in (POINTER,) and not stray.name.startswith("."):
            stray.unlink(missing_ok=True)
