"""The index build's writers: Whoosh's, with a postings pool that costs less a word.

Whoosh's writer puts each posting (field, word, document, weight, places) in a pool, sorted and
written to the segment at the end; past `limitmb` the pool is sorted and spilled to a run file,
and the runs are merged at the end. Its pool works out the size of every posting in Python and
pickles and unpickles the runs one posting a call; a 10k build's workers spilled about seven
runs each, and those three were about a fifth of their CPU (docs/benchmarks.md, issue 19). This
pool counts postings against the same memory (Whoosh's estimate averages BYTES_A_POSTING) and
pickles runs CHUNK postings at a time. The segment written is the same, byte for byte: the
same postings reach Whoosh's segment writer in the same order.
"""

import pickle
from collections.abc import Iterable, Iterator
from itertools import islice
from operator import itemgetter
from typing import Any

from whoosh import formats, writing
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util.numeric import byte_to_length

from app.search import passages
from app.search.analysis import IndexAnalyzer

# Whoosh's own estimate of a posting's size (PostingPool.add) averaged 180 bytes over the 1k
# bench corpus's 399,467 postings: counted at this, the pool holds what Whoosh's held.
BYTES_A_POSTING = 180
CHUNK = 4096  # postings pickled in one call; a run being merged holds one chunk in memory

_field = itemgetter(0)
_INDEXING = {"mode": "index"}  # how a field asks its format for a text's postings
# A word found once in a text: its encoded places, by position (at most a text's length of them).
_SINGLE: dict[int, bytes] = {}


class Pool(writing.PostingPool):  # type: ignore[misc]
    """Whoosh's PostingPool, counting postings rather than sizing each, its runs pickled in
    chunks."""

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb)
        self._room = max(1, self.limit // BYTES_A_POSTING)

    def add(self, item: tuple[Any, ...]) -> None:
        current = self.current
        current.append(item)
        if len(current) >= self._room:
            self.save()

    def _note_fields(self) -> None:
        self.fieldnames.update(map(_field, self.current))

    def save(self) -> None:
        self._note_fields()
        super().save()

    def items(self, maxfiles: int = 128) -> Any:
        self._note_fields()
        return super().items(maxfiles)

    def _write_run(self, f: Any, items: Iterable[tuple[Any, ...]]) -> None:
        found = iter(items)
        while chunk := list(islice(found, CHUNK)):
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator[tuple[Any, ...]]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


class SegmentWriter(writing.SegmentWriter):  # type: ignore[misc]
    """Whoosh's writer of one segment, with the cheaper pool, packing each document's passages
    (in a build of two processes, in the worker)."""

    def __init__(self, ix: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = Pool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def add_document(self, **fields: Any) -> None:
        super().add_document(**passages.packed(fields))

    def _flush_segment(self) -> None:
        """Whoosh's, but with the segment's field lengths read once a field rather than once a
        posting: the postings writer asks each posting's length, for its block's shortest and
        longest, and Whoosh reads it from the column file each time (a tenth of a worker's
        CPU). The same lengths reach the same writer, so the segment is the same."""
        self.perdocwriter.close()
        lengths = Lengths(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()


class Lengths:
    """A written segment's field lengths, as W3PerDocReader.doc_field_length gives them (None
    for a length stored as 0), each field's column read whole at its first use."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._fields: dict[str, list[int | None] | None] = {}  # None: the field has no column

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        try:
            found = self._fields[fieldname]
        except KeyError:
            found = self._fields[fieldname] = self._read(fieldname)
        if found is None:
            return default
        return found[docnum] if docnum < len(found) else None

    def _read(self, fieldname: str) -> list[int | None] | None:
        column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return None
        return [byte_to_length(b) if b else None for b in column.load()]

    def close(self) -> None:
        self._reader.close()


class _Task(SubWriterTask):  # type: ignore[misc]
    """A build worker: SubWriterTask.run for a multisegment build, with our SegmentWriter."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = SegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=5)


class ParallelWriter(MpWriter):  # type: ignore[misc]
    """Whoosh's MpWriter with multisegment=True (each worker's segment kept, not merged),
    whose workers use the cheaper pool."""

    def __init__(self, ix: Any, procs: int, **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)

    def _new_task(self) -> _Task:
        task = _Task(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True
        )
        self.tasks.append(task)
        task.start()
        return task


def writer(ix: Any, procs: int, limitmb: int, timeout: float) -> Any:
    """A writer for a new index: procs worker processes (1: none), each pool limitmb."""
    if procs > 1:
        return ParallelWriter(ix, procs, limitmb=limitmb, timeout=timeout)
    return SegmentWriter(ix, limitmb=limitmb, timeout=timeout)


class Positions(formats.Positions):  # type: ignore[misc]
    """The text fields' format: Whoosh's Positions, whose postings it writes the same, but for
    an IndexAnalyzer's text worked out from its places (IndexAnalyzer.places) instead of a
    token at a time, and a word's single place encoded once per build."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        if kwargs != _INDEXING or not isinstance(analyzer, IndexAnalyzer):
            return super().word_values(value, analyzer, **kwargs)  # type: ignore[no-any-return]
        if not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)  # type: ignore[no-any-return]
        return self._values(analyzer.places(value))

    def _values(self, places: dict[str, list[int]]) -> Iterator[Any]:
        boost = self.field_boost
        single = _SINGLE
        encode = self.encode
        for word, found in places.items():
            count = len(found)
            if count == 1:
                try:
                    value = single[found[0]]
                except KeyError:
                    value = single[found[0]] = encode(found)
            else:
                value = encode(found)
            yield word, count, float(count) * boost, value
