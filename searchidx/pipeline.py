"""The writer's chunks in flight: batches analyzed by builders while the next are read.

The writer (:class:`searchidx.writer.IndexWriter`) still decides what a chunk holds and
when it ends; here a chunk's documents go out in batches to the builders
(:mod:`searchidx.builders`, or a Dask cluster) and the chunk is committed once every
batch of it is built, in the order the chunks ended. Meanwhile the writer goes on
reading, so no core waits for a commit, and no commit waits for another chunk than its
own. At most two batches per builder are out at once, so reading never runs far ahead of
analysis (memory stays bounded, the progress shown stays true).

A chunk's deletions (documents replaced or removed) are applied by its own commit, after
the segments of every earlier chunk are in the index: the order of changes is the order
the writer was given them.
"""
from __future__ import annotations

import dataclasses
from collections import deque
from typing import TYPE_CHECKING, Callable, Deque, Dict, List

from .storage.building import commit_built

if TYPE_CHECKING:
    from .index import Index
    from .ingest.fields import Document

__all__ = ["SegmentPipeline", "BATCH_BYTES"]

# Text per batch (one segment each) in a large run: the fewer segments, the cheaper their
# flushes and the merge at the end (a small run gets smaller ones, see indexer._batch_bytes).
BATCH_BYTES = 4 << 20
BATCHES_PER_BUILDER = 2  # out at once


@dataclasses.dataclass
class _Chunk:
    futures: list
    rows: List[tuple]
    removed: List[str]  # ids removed
    files: Dict[str, tuple]
    deletes: List[str]  # ids whose older copies go (replaced, or removed)


# on_commit(rows, removed ids, files): the writer records a committed chunk in the manifest.
OnCommit = Callable[[List[tuple], List[str], Dict[str, tuple]], None]


class SegmentPipeline:
    def __init__(self, index: "Index", builders, on_commit: OnCommit,
                 batch_bytes: int = BATCH_BYTES):
        self.index, self.builders, self.on_commit = index, builders, on_commit
        self.batch_bytes = max(1, batch_bytes)
        self._batch: list = []
        self._batch_size = 0
        self._futures: list = []  # the open chunk's batches out
        self._sealed: Deque[_Chunk] = deque()

    def add(self, doc: "Document", indexed_at: float) -> None:
        self._batch.append((dataclasses.asdict(doc), indexed_at))
        self._batch_size += len(doc.text)
        if self._batch_size >= self.batch_bytes:
            self._send()

    def _send(self) -> None:
        self._throttle()
        self._futures.append(self.builders.submit(self._batch))
        self._batch, self._batch_size = [], 0

    def _throttle(self) -> None:
        limit = BATCHES_PER_BUILDER * self.builders.workers
        while True:
            out = [f for chunk in self._sealed for f in chunk.futures] + self._futures
            running = [f for f in out if not f.done()]
            if len(running) < limit:
                break
            self.builders.wait_any(running)
        self.commit_ready()

    def seal(self, rows: List[tuple], removed: List[str], files: Dict[str, tuple],
             deletes: List[str]) -> None:
        """End the open chunk: it is committed once its batches are built."""
        if self._batch:
            self._send()
        self._sealed.append(_Chunk(self._futures, rows, removed, files, deletes))
        self._futures = []
        self.commit_ready()

    def commit_ready(self, wait: bool = False) -> None:
        """Commit the ended chunks whose batches are all built, oldest first; with
        ``wait``, every ended chunk (a builder's error is raised here)."""
        while self._sealed and (wait or all(f.done() for f in self._sealed[0].futures)):
            chunk = self._sealed[0]
            built = [future.result() for future in chunk.futures]
            if built or chunk.deletes:
                commit_built(self.index.whoosh_index, built, chunk.deletes)
            self._sealed.popleft()
            self.on_commit(chunk.rows, chunk.removed, chunk.files)

    @property
    def pending(self) -> bool:
        return bool(self._sealed or self._futures or self._batch)

    def close(self, cancel: bool = False) -> None:
        """Stop the builders; with ``cancel``, drop what is not committed."""
        if cancel:
            self._sealed.clear()
            self._futures, self._batch = [], []
        self.builders.close(cancel=cancel)
