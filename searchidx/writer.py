"""The writer: adds, replaces and removes documents, committing in chunks, under the lock.

A commit, in order (each step reaches the disk before the next begins):

1. whoosh writes the chunk's segment files; they are fsynced;
2. whoosh writes the new TOC to a temporary name; it is fsynced;
3. ``checksums.json`` (size and CRC32 of every file the TOC lists) is replaced
   atomically: temporary name, fsync, rename, folder fsync;
4. the TOC is renamed to its generation's name and the folder fsynced: from here a
   power cut leaves the new generation;
5. the manifest (sqlite, ``synchronous=FULL``) records the chunk's rows, stamped
   with the generation;
6. only then does :meth:`IndexWriter.commit` return: the commit is reported.

Steps 1-4 are the durable storage's (:mod:`searchidx.storage.durable`). A cut
between 4 and 5 leaves the manifest one generation behind, which the next writer
mends (:func:`sync_manifest`).
"""
from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Dict, List, Optional, Set

from .errors import IndexLockedError
from .index import Index
from .builders import LocalBuilders
from .manifest import Manifest
from .pipeline import BATCH_BYTES, SegmentPipeline
from .lock import LOCK_FDS, WriterLock
from .schema import document_fields
from .storage import engine

if TYPE_CHECKING:
    from .ingest.documents import Document

__all__ = ["IndexWriter", "sync_manifest", "mend_manifest", "CHUNK_SECONDS"]

# A chunk is committed after this much work at most: Ctrl-C or a kill loses no more.
CHUNK_SECONDS = 30.0
# Early in a run sooner: after a third of the run so far (5 s at least), so that a run
# stopped after 20 s has kept two thirds of its work, not none.
EARLY_SHARE, EARLY_MIN_SECONDS = 1 / 3, 5.0


def sync_manifest(index: Index, manifest: Manifest) -> bool:
    """Bring the manifest in line with the index after an interrupted commit.

    The caller holds the writer lock. Cheap when the manifest's generation
    stamp matches the index's; otherwise every stored document is read once:
    rows the index lacks are dropped and rows it holds are (re)written from
    its stored fields with an empty file hash, so their files are re-read by
    the next ``index`` run. Returns whether anything was mended.
    """
    generation = index.generation()
    if manifest.generation() == generation:
        return False
    present: Dict[str, tuple] = {}
    with index.whoosh_index.reader() as reader:
        for stored in reader.all_stored_fields():
            present[stored["id"]] = (
                stored["id"], stored.get("source"), "", stored.get("content_hash"),
                stored.get("date"), stored.get("province"), stored.get("indexed_at"),
            )
    listed = manifest.doc_hashes()
    stale = [i for i in listed if i not in present]
    rows = [row for i, row in present.items() if listed.get(i, (None,))[0] != row[3]]
    manifest.record(rows, stale, generation=generation)
    return bool(stale or rows)


def mend_manifest(index: Index) -> bool:
    """Mend a manifest left behind the index by a killed writer, unless a writer is at
    work right now (it mends it itself). Returns whether anything was mended."""
    with index.manifest() as manifest:
        if manifest.generation() == index.generation():
            return False
        lock = WriterLock(index.path)
        try:
            lock.acquire(0.0)
        except (IndexLockedError, OSError):
            return False
        try:
            return sync_manifest(index, manifest)
        finally:
            lock.release()


class IndexWriter:
    """Adds, replaces and removes documents, committing in chunks.

    A chunk is committed every ``chunk_docs`` documents, ``chunk_bytes`` of text or
    ``chunk_seconds`` of work, whichever comes first, so an interruption loses at
    most the chunk in flight: under half a minute of work by default, and early in
    a run no more than a third of it (see EARLY_SHARE). Use as a context manager:
    leaving it normally commits what is pending; leaving it by an exception
    (Ctrl-C included) discards the chunk in flight. The writer holds the index
    lock from start to end, so no other writer slips in between chunks.

    With ``procs`` > 1 (or ``builders``: a Dask cluster's, see :mod:`searchidx.cluster`)
    the chunk's documents are analyzed elsewhere in batches while this process reads on
    (:mod:`searchidx.pipeline`): a chunk is committed once its batches are built, so the
    chunks in flight are the last few (at most two batches per builder, and the one being
    filled), and the committed ones are always the earliest, whole.
    """

    def __init__(self, index: Index, wait: float = 0.0, chunk_docs: int = 10000,
                 procs: int = 1, chunk_bytes: int = 32 << 20,
                 chunk_seconds: float = CHUNK_SECONDS, builders=None,
                 batch_bytes: Optional[int] = None):
        self.index = index
        self.chunk_docs = max(1, chunk_docs)
        self.chunk_bytes = max(1, chunk_bytes)
        self.chunk_seconds = max(0.0, chunk_seconds)
        self._chunk_started: Optional[float] = None  # when the chunk's first change came
        self._first_change: Optional[float] = None  # … and the run's
        self.procs = max(1, procs)
        self._writer = None
        self._whoosh_lock_fd: Optional[int] = None
        self._pending_rows: List[tuple] = []
        self._pending_removed: List[str] = []
        self._pending_ids: Set[str] = set()
        self._pending_files: Dict[str, tuple] = {}  # source -> (file hash, id base)
        self._pending_deletes: List[str] = []  # ids of older copies replaced (pipeline)
        self._existing_ids: Optional[Set[str]] = None  # committed ids, read on first add
        self._pending = 0
        self._pending_bytes = 0
        self.commits = 0
        self._lock = WriterLock(index.path)
        try:
            self._lock.acquire(wait)
        except BaseException:
            if builders is not None:
                builders.close(cancel=True)
            raise
        # the run's own segments are the ones missing from this list at its end
        self._earlier_segments = engine.segment_ids(index.whoosh_index)
        try:
            with index.manifest() as manifest:
                sync_manifest(index, manifest)
        except BaseException:
            self._lock.release()
            if builders is not None:
                builders.close(cancel=True)
            raise
        # With builders (worker processes, or a cluster), batches of documents are
        # analyzed into segments elsewhere while this process reads on (pipeline.py).
        self._pipeline: Optional[SegmentPipeline] = None
        if builders is None and self.procs > 1:
            builders = LocalBuilders(self.procs)
        if builders is not None:
            self._pipeline = SegmentPipeline(index, builders, self._record,
                                             batch_bytes or BATCH_BYTES)

    def _whoosh_writer(self):
        if self._writer is None:
            self._writer = engine.open_writer(self.index.whoosh_index)
            self._whoosh_lock_fd = engine.writer_lock_fd(self._writer)
            if self._whoosh_lock_fd is not None:
                LOCK_FDS.add(self._whoosh_lock_fd)
        return self._writer

    def _writer_done(self) -> None:
        if self._whoosh_lock_fd is not None:
            LOCK_FDS.discard(self._whoosh_lock_fd)
            self._whoosh_lock_fd = None
        self._writer = None

    def __enter__(self) -> "IndexWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.cancel()

    def add(self, doc: "Document", file_hash: Optional[str] = None) -> None:
        """Add ``doc``, replacing any document with the same id.

        ``file_hash`` is recorded as its file's hash ("": the file is not done yet, see
        :meth:`file_done`; None: the document's own hash)."""
        self._commit_if_due()
        if doc.id in self._pending_ids:
            # whoosh replaces committed documents only: two of one id in a chunk would both stay.
            self._end_chunk()
        now = self.index.indexed_at(doc.id, doc.content_hash)
        if self._existing_ids is None:
            with self.index.manifest() as manifest:
                self._existing_ids = set(manifest.ids())
        if self._pipeline is not None:
            if doc.id in self._existing_ids:
                self._pending_deletes.append(doc.id)
            self._pipeline.add(doc, now)
        elif doc.id in self._existing_ids:
            self._whoosh_writer().update_document(**document_fields(doc, now))
        else:
            # whoosh's update_document opens a searcher over every segment to look
            # for the old copy: for a new id that lookup is the costliest step.
            self._whoosh_writer().add_document(**document_fields(doc, now))
        self._pending_ids.add(doc.id)
        if file_hash is None:
            file_hash = doc.content_hash
        self._pending_rows.append(
            (doc.id, doc.source, file_hash, doc.content_hash, doc.date, doc.province, now)
        )
        self._pending_bytes += len(doc.text)
        self._count_one()

    def keep(self, doc: "Document", file_hash: str) -> None:
        """Record that an unchanged document now comes from a file with ``file_hash``."""
        self._pending_rows.append(
            (doc.id, doc.source, file_hash, doc.content_hash, doc.date, doc.province, time.time())
        )

    def file_done(self, source: str, file_hash: str, id_base: str = "") -> None:
        """Record that every document of the file ``source`` is added or kept.

        Its documents are added with an empty file hash, so that a run stopped
        between two chunks of one large file re-reads the file; the hash is
        recorded in the chunk that holds the file's last document."""
        self._pending_files[source] = (file_hash, id_base)
        self._commit_if_due()

    def remove(self, doc_id: str) -> None:
        self._commit_if_due()
        if doc_id in self._pending_ids:
            self._end_chunk()
        if self._pipeline is not None:
            self._pending_deletes.append(doc_id)
        else:
            self._whoosh_writer().delete_by_term("id", doc_id)
        self._pending_removed.append(doc_id)
        self._count_one()

    def _count_one(self) -> None:
        self._pending += 1
        if self._chunk_started is None:
            self._chunk_started = time.monotonic()
            if self._first_change is None:
                self._first_change = self._chunk_started

    def _commit_if_due(self) -> None:
        """Commit the chunk once it is full: before the next change, or as its file ends
        (so that the file's hash goes with its last document)."""
        if not self._pending:
            return
        now = time.monotonic()
        early = max(EARLY_MIN_SECONDS, (now - self._first_change) * EARLY_SHARE)
        if (self._pending >= self.chunk_docs or self._pending_bytes >= self.chunk_bytes
                or now - self._chunk_started >= min(self.chunk_seconds, early)):
            self._end_chunk()

    def _end_chunk(self) -> None:
        """Commit the chunk; with builders, send it off to be committed once built."""
        if self._pipeline is None:
            self.commit(merge=False)
            return
        self._pipeline.seal(self._pending_rows, self._pending_removed, self._pending_files,
                            self._pending_deletes)
        self._chunk_done()

    def _record(self, rows: List[tuple], removed: List[str], files: Dict[str, tuple]) -> None:
        """Record a committed chunk in the manifest, stamped with the new generation."""
        if rows or removed or files:
            with self.index.manifest() as manifest:
                manifest.record(rows, removed, generation=self.index.generation(), files=files)
            self.commits += 1

    def _chunk_done(self) -> None:
        if self._existing_ids is not None:
            self._existing_ids |= self._pending_ids
            self._existing_ids.difference_update(self._pending_removed)
        self._pending_rows, self._pending_removed, self._pending_deletes = [], [], []
        self._pending_ids, self._pending_files = set(), {}
        self._pending = self._pending_bytes = 0
        self._chunk_started = None

    def commit(self, merge: bool = True) -> None:
        """Make everything added so far durable and visible to searches.

        Chunks inside a run are committed as they are; the run's last commit then
        merges the run's segments into one, and small segments
        (see :func:`searchidx.storage.segments.segments_to_merge`). Returns once the
        commit is durable (see the module docstring for the order of its steps).
        """
        if self._pipeline is not None:
            if self._pending or self._pending_rows or self._pending_files:
                self._end_chunk()
            self._pipeline.commit_ready(wait=True)
        else:
            if self._writer is not None:
                self._writer.commit(merge=False)
                self._writer_done()
            self._record(self._pending_rows, self._pending_removed, self._pending_files)
            self._chunk_done()
        if merge:
            self._merge_segments()

    def _merge_segments(self) -> None:
        fresh = engine.segment_ids(self.index.whoosh_index) - self._earlier_segments
        if engine.merge(self.index.whoosh_index, fresh):
            with self.index.manifest() as manifest:
                manifest.record([], [], generation=self.index.generation())

    def close(self) -> None:
        """Commit what is pending and release the lock."""
        try:
            if self._pipeline is not None:
                self.commit(merge=False)
                self._pipeline.close()  # the builders' work is done: free them first
                self._merge_segments()
            elif self._pending or self._pending_rows or self._pending_files:
                self.commit()
            else:
                if self._writer is not None:
                    self._writer.cancel()
                    self._writer_done()
                self._merge_segments()  # the last chunk may have been committed full
        finally:
            if self._pipeline is not None:
                self._pipeline.close(cancel=True)
            self._lock.release()

    def cancel(self) -> None:
        """Drop the uncommitted chunk and release the lock."""
        try:
            if self._writer is not None:
                with contextlib.suppress(Exception):
                    self._writer.cancel()
                self._writer_done()
            self._pending_rows, self._pending_removed, self._pending = [], [], 0
            self._pending_ids, self._pending_files, self._pending_deletes = set(), {}, []
        finally:
            if self._pipeline is not None:
                self._pipeline.close(cancel=True)
            self._lock.release()
