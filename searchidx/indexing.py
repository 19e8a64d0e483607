"""The write side: create and open an index, add, update and remove documents.

An index is a folder holding the whoosh index and ``manifest.sqlite``, which
records for every document its id, source file and content hashes. The manifest
lets a re-run skip unchanged files without loading any stored text, and is
written after each whoosh commit, stamped with the whoosh generation it
describes. A crash between the two leaves the stamp behind the index: the next
writer (or ``stats``) then rebuilds the manifest's rows from the stored fields,
marking their files for a re-read, so the manifest never lists a document the
index lacks, nor misses one it holds.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Callable, Dict, Iterable, List, Optional, Sequence, Set

import whoosh.index
from whoosh.index import LockError

from .errors import DocumentError, IndexDamagedError, IndexLockedError, IndexNotFoundError, SearchIdxError
from .schema import SCHEMA_VERSION, build_schema, date_key, text_fields
from .segments import FastMpWriter, FastSegmentWriter, merge_segments, segments_to_merge
from .gazetteer import province_key

if TYPE_CHECKING:  # documents is imported when indexing runs: searches need not load it
    from .documents import Document, SourceFile

__all__ = [
    "DEFAULT_INDEX_DIR",
    "resolve_index_path",
    "Index",
    "IndexWriter",
    "IndexReport",
    "open_index",
    "create_index",
    "index_paths",
]

DEFAULT_INDEX_DIR = ".searchidx"
INDEX_NAME = "searchidx"
_MANIFEST = "manifest.sqlite"
_META = "searchidx.json"
_LOCK = "searchidx.lock"

# Analysis takes about 4.5 s and 250 MB of memory per MB of text, all of one
# document at once: a document over this size is reported and skipped (an
# export gone wrong, a log file) rather than left to stall or exhaust a run.
MAX_DOCUMENT_BYTES = 4 << 20


def resolve_index_path(path: Optional[str] = None) -> str:
    """``path``, else $SEARCHIDX_INDEX, else ``.searchidx`` in the current folder."""
    return os.path.abspath(path or os.environ.get("SEARCHIDX_INDEX") or DEFAULT_INDEX_DIR)


def _is_index_dir(path: str) -> bool:
    return os.path.exists(os.path.join(path, _META))


def _index_file(name: str) -> bool:
    """Whether a file name is one searchidx or whoosh writes in an index folder."""
    return name.startswith((_MANIFEST, _META, _LOCK, "_" + INDEX_NAME + "_", INDEX_NAME + "_"))


def _holds_index_files(path: str) -> bool:
    """Whether ``path`` holds what is left of a searchidx index (a manifest, whoosh files)."""
    return any(_index_file(name) for name in os.listdir(path))


class Index:
    """An open index folder. Reading never blocks; one writer at a time."""

    def __init__(self, path: str, ix: whoosh.index.Index):
        self.path = path
        self._ix = ix

    @property
    def whoosh_index(self) -> whoosh.index.Index:
        return self._ix

    @property
    def schema(self):
        return self._ix.schema

    def doc_count(self) -> int:
        return self._ix.doc_count()

    def manifest(self) -> "Manifest":
        return Manifest(os.path.join(self.path, _MANIFEST))

    def writer(self, wait: float = 0.0, chunk_docs: int = 10000, procs: int = 1) -> "IndexWriter":
        """A writer holding the index lock; waits up to ``wait`` seconds for it."""
        return IndexWriter(self, wait=wait, chunk_docs=chunk_docs, procs=procs)

    def stats(self) -> dict:
        """Documents, size on disk, date range, counts by province and year, last indexed."""
        size = sum(
            os.path.getsize(os.path.join(self.path, name))
            for name in os.listdir(self.path)
            if os.path.isfile(os.path.join(self.path, name))
        )
        with self.manifest() as manifest:
            if manifest.generation() != self._ix.latest_generation():
                # A writer was killed between its whoosh commit and its manifest
                # write; mend the manifest unless a writer is at work right now.
                lock = _WriterLock(self.path)
                try:
                    lock.acquire(0.0)
                except (IndexLockedError, OSError):
                    pass
                else:
                    try:
                        self.sync_manifest(manifest)
                    finally:
                        lock.release()
            summary = manifest.summary()
        summary.update(
            {
                "index": self.path,
                "documents": self.doc_count(),
                "size_bytes": size,
            }
        )
        return summary

    def sync_manifest(self, manifest: "Manifest") -> bool:
        """Bring the manifest in line with the index after an interrupted commit.

        The caller holds the writer lock. Cheap when the manifest's generation
        stamp matches the index's; otherwise every stored document is read once:
        rows the index lacks are dropped and rows it holds are (re)written from
        its stored fields with an empty file hash, so their files are re-read by
        the next ``index`` run. Returns whether anything was mended.
        """
        generation = self._ix.latest_generation()
        if manifest.generation() == generation:
            return False
        present: Dict[str, tuple] = {}
        with self._ix.reader() as reader:
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


def create_index(path: str) -> Index:
    """Create an empty index at ``path`` (the folder may exist but must hold no index)."""
    os.makedirs(path, exist_ok=True)
    if _is_index_dir(path):
        raise SearchIdxError(f"an index already exists at {path}")
    if os.listdir(path) and not all(name.startswith(".") for name in os.listdir(path)):
        if _holds_index_files(path):
            if not _half_created(path):
                raise IndexDamagedError(
                    f"{path} is not a searchidx index (no {_META}); rebuild with: "
                    f"searchidx --index {path} index --rebuild PATH..."
                )
            for name in os.listdir(path):  # what an interrupted create_index left
                if _index_file(name):
                    os.remove(os.path.join(path, name))
        else:
            raise IndexDamagedError(
                f"{path} is not empty and is not a searchidx index; choose another --index folder"
            )
    ix = whoosh.index.create_in(path, build_schema(), indexname=INDEX_NAME)
    with Manifest(os.path.join(path, _MANIFEST)) as manifest:
        manifest.record([], [], generation=ix.latest_generation())
    with open(os.path.join(path, _META), "w", encoding="utf-8") as fh:
        json.dump({"schema_version": SCHEMA_VERSION, "created": time.time()}, fh)
    return Index(path, ix)


def _half_created(path: str) -> bool:
    """Whether ``path`` holds only what an interrupted create_index leaves: no documents."""
    names = [n for n in os.listdir(path) if not n.startswith(".")]
    if not all(_index_file(n) and os.path.isfile(os.path.join(path, n)) for n in names):
        return False
    if not any(n.endswith(".toc") for n in names):
        return not any(n.endswith(".seg") for n in names)
    try:
        return whoosh.index.open_dir(path, indexname=INDEX_NAME).doc_count_all() == 0
    except Exception:  # noqa: BLE001 - unreadable: not ours to delete
        return False


def open_index(path: Optional[str] = None, create: bool = False) -> Index:
    """Open the index at ``path`` (see resolve_index_path); with ``create``, make it if missing."""
    path = resolve_index_path(path)
    if not _is_index_dir(path):
        if create:
            return create_index(path)
        if os.path.isdir(path) and os.listdir(path):
            if not _holds_index_files(path):
                raise IndexDamagedError(
                    f"{path} is not a searchidx index (no {_META}); choose another --index "
                    f"folder, or create one with: searchidx --index DIR index PATH..."
                )
            raise IndexDamagedError(
                f"{path} is not a searchidx index (no {_META}); rebuild with: "
                f"searchidx --index {path} index --rebuild PATH..."
            )
        raise IndexNotFoundError(
            f"no index at {path}; create one with: searchidx --index {path} index PATH..."
        )
    try:
        ix = whoosh.index.open_dir(path, indexname=INDEX_NAME)
        ix.doc_count()
    except Exception as exc:  # whoosh raises many kinds for damaged files
        raise IndexDamagedError(
            f"the index at {path} is damaged ({type(exc).__name__}: {exc}); "
            f"rebuild it with: searchidx --index {path} index --rebuild PATH..."
        ) from exc
    return Index(path, ix)


class Manifest:
    """id -> (source, file hash, document hash): what the index holds, cheap to read."""

    def __init__(self, path: str):
        self.path = path
        self._db = sqlite3.connect(path, timeout=30)
        try:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, source TEXT, file_hash TEXT,"
                " doc_hash TEXT, date TEXT, province TEXT, indexed_at REAL)"
            )
            self._db.execute("CREATE INDEX IF NOT EXISTS docs_source ON docs(source)")
            self._db.commit()
        except sqlite3.OperationalError as exc:  # locked, read-only, cannot open
            self._db.close()
            raise SearchIdxError(f"cannot open the manifest {path}: {exc}") from None
        except sqlite3.DatabaseError as exc:  # not a database, malformed
            self._db.close()
            raise self._damaged(exc) from None

    def _damaged(self, exc: Exception) -> IndexDamagedError:
        folder = os.path.dirname(os.path.abspath(self.path))
        return IndexDamagedError(
            f"the manifest {self.path} is damaged ({exc}); rebuild the index with: "
            f"searchidx --index {folder} index --rebuild PATH..."
        )

    def generation(self) -> Optional[int]:
        """The whoosh generation the manifest was last written for (None: unknown)."""
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        except sqlite3.OperationalError:
            return None  # no meta table: written before the stamp existed
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        return int(row[0]) if row else None

    def doc_hashes(self) -> Dict[str, tuple]:
        """id -> (document hash,)."""
        return {i: (h,) for i, h in self._db.execute("SELECT id, doc_hash FROM docs")}

    def __enter__(self) -> "Manifest":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def by_source(self) -> Dict[str, Dict[str, tuple]]:
        """source -> {id: (file_hash, doc_hash)}."""
        out: Dict[str, Dict[str, tuple]] = {}
        for doc_id, source, file_hash, doc_hash in self._db.execute(
            "SELECT id, source, file_hash, doc_hash FROM docs"
        ):
            out.setdefault(source, {})[doc_id] = (file_hash, doc_hash)
        return out

    def record(self, rows: Iterable[tuple], removed: Iterable[str],
               generation: Optional[int] = None) -> None:
        removed = [(i,) for i in removed]
        with self._db:
            if generation is not None:
                self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                self._db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(generation),)
                )
            # A file that loses a document must be re-read by the next run, even unchanged.
            self._db.executemany(
                "UPDATE docs SET file_hash = '' WHERE source = (SELECT source FROM docs WHERE id = ?)",
                removed,
            )
            self._db.executemany("DELETE FROM docs WHERE id = ?", removed)
            self._db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def ids(self) -> List[str]:
        return [row[0] for row in self._db.execute("SELECT id FROM docs ORDER BY id")]

    def summary(self) -> dict:
        db = self._db
        dates = db.execute("SELECT MIN(date), MAX(date) FROM docs WHERE date IS NOT NULL").fetchone()
        provinces = dict(
            db.execute(
                "SELECT COALESCE(province, ''), COUNT(*) FROM docs GROUP BY 1 ORDER BY 2 DESC, 1"
            ).fetchall()
        )
        years = dict(
            db.execute(
                "SELECT COALESCE(SUBSTR(date, 1, 4), ''), COUNT(*) FROM docs GROUP BY 1 ORDER BY 1"
            ).fetchall()
        )
        last = db.execute("SELECT MAX(indexed_at) FROM docs").fetchone()[0]
        return {
            "date_from": dates[0],
            "date_to": dates[1],
            "by_province": provinces,
            "by_year": years,
            "last_indexed": last,
        }


@dataclass
class IndexReport:
    """What one ``index`` run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    skipped_files: int = 0
    errors: List[DocumentError] = field(default_factory=list)
    seconds: float = 0.0
    commits: int = 0

    @property
    def docs_per_second(self) -> float:
        done = self.added + self.updated
        return done / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed, {self.failed} failed"
            + (f", {self.skipped_files} other files skipped" if self.skipped_files else "")
            + f" in {self.seconds:.1f} s ({self.docs_per_second:.0f} docs/s)"
        )


def document_fields(doc: Document, indexed_at: float, schema=None) -> dict:
    """The whoosh fields of one document, for ``schema`` (by default the current one)."""
    text = doc.text
    # The body fields hold the title too (unless the text already opens with it),
    # as readers see it: a title word is a word of the document.
    searchable = text if not doc.title or text.lstrip().startswith(doc.title) else doc.title + "\n" + text
    fields = {
        "id": doc.id,
        "source": doc.source,
        "path": doc.path,
        "format": doc.format,
        "content_hash": doc.content_hash,
        "title": doc.title,
        "title_folded": doc.title,
        "body": searchable,
        "words": searchable,
        "body_folded": searchable,
        "words_folded": searchable,
        "body_pairs": searchable,
        "extra": dict(doc.extra or {}),
        "indexed_at": indexed_at,
        **text_fields(schema, text),
    }
    if doc.date:
        fields["date"] = doc.date
        fields["day"] = date_key(doc.date)
        fields["year"] = doc.date[:4]
    if doc.province:
        fields["province"] = doc.province
        fields["province_key"] = province_key(doc.province)
    if doc.people:
        fields["people"] = ",".join(doc.people)
        fields["people_folded"] = " ; ".join(doc.people)
    if doc.agencies:
        fields["agencies"] = ",".join(doc.agencies)
    return fields


# Lock file descriptors that a forked child must not keep. whoosh's worker
# processes (procs > 1) are forked while the writer holds its locks; a worker
# that outlived a killed parent would otherwise keep the index locked.
_LOCK_FDS: Set[int] = set()
_WORKER_WRITERS = [0]  # writers with worker processes (procs > 1) at work


def _after_fork_in_child() -> None:
    for fd in _LOCK_FDS:
        with contextlib.suppress(OSError):
            os.close(fd)
    _LOCK_FDS.clear()
    if not _WORKER_WRITERS[0]:
        return  # not one of whoosh's workers
    _WORKER_WRITERS[0] = 0
    # Ctrl-C reaches the whole process group: the parent stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def exit_with_parent() -> None:  # a worker never outlives a killed writer
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=exit_with_parent, daemon=True).start()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _WriterLock:
    """An exclusive lock on the index folder for one writing process.

    flock locks die with their process (and forked workers close their copies),
    so a lock left by a killed run is never stale: the next writer gets it at once.
    """

    def __init__(self, index_path: str):
        self.path = os.path.join(index_path, _LOCK)
        self._fh = None

    def acquire(self, wait: float) -> None:
        import fcntl

        self._fh = open(self.path, "a+")
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            try:
                fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if not self._still_in_place():
                    # The folder was swapped (index --rebuild) while we waited: lock the new one.
                    fcntl.flock(self._fh, fcntl.LOCK_UN)
                    self._fh.close()
                    self._fh = open(self.path, "a+")
                    continue
                _LOCK_FDS.add(self._fh.fileno())
                self._fh.seek(0)
                self._fh.truncate()
                self._fh.write(f"{os.getpid()}\n")
                self._fh.flush()
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    self._fh.close()
                    self._fh = None
                    raise IndexLockedError(
                        f"another searchidx process is writing to the index "
                        f"({holder}lock {self.path}); try again later or pass --wait SECONDS"
                    ) from None
                time.sleep(0.1)

    def _still_in_place(self) -> bool:
        try:
            return os.path.samestat(os.fstat(self._fh.fileno()), os.stat(self.path))
        except OSError:
            return False

    def _holder(self) -> str:
        try:
            with open(self.path) as fh:
                pid = fh.read().strip()
            return f"pid {pid}, " if pid else ""
        except OSError:
            return ""

    def release(self) -> None:
        if self._fh is not None:
            import fcntl

            _LOCK_FDS.discard(self._fh.fileno())
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


class IndexWriter:
    """Adds, replaces and removes documents, committing in chunks.

    A chunk is committed every ``chunk_docs`` documents or ``chunk_bytes`` of text,
    so an interruption loses at most the chunk in flight. Use as a context manager:
    leaving it normally commits what is pending; leaving it by an exception
    (Ctrl-C included) discards the chunk in flight. The writer holds the index
    lock from start to end, so no other writer slips in between chunks.
    """

    def __init__(self, index: Index, wait: float = 0.0, chunk_docs: int = 10000,
                 procs: int = 1, chunk_bytes: int = 32 << 20):
        self.index = index
        self.chunk_docs = max(1, chunk_docs)
        self.chunk_bytes = max(1, chunk_bytes)
        self.procs = max(1, procs)
        self._writer = None
        self._whoosh_lock_fd: Optional[int] = None
        self._pending_rows: List[tuple] = []
        self._pending_removed: List[str] = []
        self._pending_ids: Set[str] = set()
        self._existing_ids: Optional[Set[str]] = None  # committed ids, read on first add
        self._pending = 0
        self._pending_bytes = 0
        self.commits = 0
        self._lock = _WriterLock(index.path)
        self._lock.acquire(wait)
        # the run's own segments are the ones missing from this list at its end
        self._earlier_segments = {s.segment_id() for s in index.whoosh_index._segments()}
        try:
            with index.manifest() as manifest:
                index.sync_manifest(manifest)
        except BaseException:
            self._lock.release()
            raise

    def _open_whoosh_writer(self, writer_class, **kwargs):
        try:
            return writer_class(self.index.whoosh_index, timeout=5.0, delay=0.05, limitmb=256, **kwargs)
        except LockError as exc:
            raise IndexLockedError(f"the whoosh write lock of {self.index.path} is held") from exc

    def _whoosh_writer(self):
        if self._writer is None:
            if self.procs > 1:
                # Each process analyzes and writes its own segment: both cores work.
                self._writer = self._open_whoosh_writer(FastMpWriter, procs=self.procs,
                                                        multisegment=True, batchsize=50)
            else:
                self._writer = self._open_whoosh_writer(FastSegmentWriter)
            self._whoosh_lock_fd = getattr(getattr(self._writer, "writelock", None), "fd", None)
            if self._whoosh_lock_fd is not None:
                _LOCK_FDS.add(self._whoosh_lock_fd)
            if self.procs > 1:
                _WORKER_WRITERS[0] += 1
        return self._writer

    def _writer_done(self) -> None:
        if self._whoosh_lock_fd is not None:
            _LOCK_FDS.discard(self._whoosh_lock_fd)
            self._whoosh_lock_fd = None
        if self._writer is not None and self.procs > 1:
            _WORKER_WRITERS[0] = max(0, _WORKER_WRITERS[0] - 1)
        self._writer = None

    def __enter__(self) -> "IndexWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.cancel()

    def add(self, doc: "Document", file_hash: Optional[str] = None) -> None:
        """Add ``doc``, replacing any document with the same id."""
        if doc.id in self._pending_ids:
            # whoosh replaces committed documents only: two of one id in a chunk would both stay.
            self.commit(merge=False)
        now = time.time()
        if self._existing_ids is None:
            with self.index.manifest() as manifest:
                self._existing_ids = set(manifest.ids())
        if doc.id in self._existing_ids:
            self._whoosh_writer().update_document(**document_fields(doc, now, self.index.schema))
        else:
            # whoosh's update_document opens a searcher over every segment to look
            # for the old copy: for a new id that lookup is the costliest step.
            self._whoosh_writer().add_document(**document_fields(doc, now, self.index.schema))
        self._pending_ids.add(doc.id)
        self._pending_rows.append(
            (doc.id, doc.source, file_hash or doc.content_hash, doc.content_hash, doc.date, doc.province, now)
        )
        self._pending_bytes += len(doc.text)
        self._count_one()

    def keep(self, doc: "Document", file_hash: str) -> None:
        """Record that an unchanged document now comes from a file with ``file_hash``."""
        self._pending_rows.append(
            (doc.id, doc.source, file_hash, doc.content_hash, doc.date, doc.province, time.time())
        )

    def remove(self, doc_id: str) -> None:
        if doc_id in self._pending_ids:
            self.commit(merge=False)
        self._whoosh_writer().delete_by_term("id", doc_id)
        self._pending_removed.append(doc_id)
        self._count_one()

    def _count_one(self) -> None:
        self._pending += 1
        if self._pending >= self.chunk_docs or self._pending_bytes >= self.chunk_bytes:
            self.commit(merge=False)

    def commit(self, merge: bool = True) -> None:
        """Make everything added so far durable and visible to searches.

        Chunks inside a run are committed as they are; the run's last commit then
        merges the run's segments into one, and small segments
        (see :func:`searchidx.segments.segments_to_merge`).
        """
        if self._writer is not None:
            self._writer.commit(merge=False)
            self._writer_done()
        if self._pending_rows or self._pending_removed:
            with self.index.manifest() as manifest:
                manifest.record(self._pending_rows, self._pending_removed,
                                generation=self.index.whoosh_index.latest_generation())
            self.commits += 1
        if self._existing_ids is not None:
            self._existing_ids |= self._pending_ids
            self._existing_ids.difference_update(self._pending_removed)
        self._pending_rows, self._pending_removed = [], []
        self._pending_ids = set()
        self._pending = self._pending_bytes = 0
        if merge:
            self._merge_segments()

    def _merge_segments(self) -> None:
        ix = self.index.whoosh_index
        fresh = {s.segment_id() for s in ix._segments()} - self._earlier_segments
        if not segments_to_merge(ix._segments(), fresh):
            return
        writer = self._open_whoosh_writer(FastSegmentWriter)
        try:
            writer.commit(mergetype=partial(merge_segments, fresh=fresh))
        except BaseException:
            writer.cancel()
            raise
        with self.index.manifest() as manifest:
            manifest.record([], [], generation=ix.latest_generation())

    def close(self) -> None:
        """Commit what is pending and release the lock."""
        try:
            if self._pending or self._pending_rows:
                self.commit()
            else:
                if self._writer is not None:
                    self._writer.cancel()
                    self._writer_done()
                self._merge_segments()  # the last chunk may have been committed full
        finally:
            self._lock.release()

    def cancel(self) -> None:
        """Drop the uncommitted chunk and release the lock."""
        try:
            if self._writer is not None:
                # whoosh's cancel() only flags its worker processes, which would go on
                # (and keep the process from exiting): stop them first.
                for task in getattr(self._writer, "tasks", ()):
                    if hasattr(task, "terminate"):
                        with contextlib.suppress(Exception):
                            task.terminate()
                            task.join(5)
                with contextlib.suppress(Exception):
                    self._writer.cancel()
                self._writer_done()
            self._pending_rows, self._pending_removed, self._pending = [], [], 0
            self._pending_ids = set()
        finally:
            self._lock.release()


Progress = Callable[[int, int], None]


def index_paths(
    index: Index,
    paths: Sequence[str],
    prune: bool = False,
    progress: Optional[Progress] = None,
    wait: float = 0.0,
    chunk_docs: int = 10000,
    procs: Optional[int] = None,
    max_doc_bytes: Optional[int] = None,
) -> IndexReport:
    """Bring the index up to date with the files under ``paths``.

    Unchanged files (same content hash) are not re-read; a changed file's documents
    are replaced; with ``prune``, documents whose files are gone are removed.
    ``progress(done, total)`` is called as source files are processed. ``procs``
    processes analyze and write (default: both cores for batches over 4 MB).
    A document over ``max_doc_bytes`` of text (default MAX_DOCUMENT_BYTES) is
    reported and skipped. When two files of
    the batch give the same document id, the first keeps it and the second is
    reported.
    """
    from . import documents as docs_mod

    started = time.time()
    report = IndexReport()
    sources: List[SourceFile] = []
    for item in docs_mod.discover(paths):
        if isinstance(item, DocumentError):
            report.errors.append(item)
            report.failed += 1
        elif isinstance(item, docs_mod.SourceFile):
            sources.append(item)
        else:
            report.skipped_files += 1
    if procs is None:
        procs = _default_procs(sources)
    seen_sources = set()
    claimed: Dict[str, str] = {}  # id -> the file that gave it in this run
    if max_doc_bytes is None:
        max_doc_bytes = MAX_DOCUMENT_BYTES
    with index.writer(wait=wait, chunk_docs=chunk_docs, procs=procs) as writer:
        with index.manifest() as manifest:  # read under the lock: no writer changes it now
            known = manifest.by_source()
        for done, src in enumerate(sources, 1):
            seen_sources.add(src.path)
            _index_source(writer, src, known.get(src.path, {}), report, claimed, max_doc_bytes)
            if progress:
                progress(done, len(sources))
        if prune:
            roots = [os.path.abspath(p) for p in paths]
            for source, ids in known.items():
                if source in seen_sources or not _under_any(source, roots):
                    continue
                if not os.path.exists(source):
                    for doc_id in ids:
                        writer.remove(doc_id)
                        report.removed += 1
    report.commits = writer.commits
    report.seconds = time.time() - started
    return report


def _default_procs(sources: Sequence["SourceFile"]) -> int:
    total = 0
    for src in sources:
        with contextlib.suppress(OSError):
            total += os.path.getsize(src.path)
    return min(2, os.cpu_count() or 1) if total > (4 << 20) else 1


def _under_any(path: str, roots: Sequence[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _index_source(writer: IndexWriter, src: "SourceFile", known: Dict[str, tuple],
                  report: IndexReport, claimed: Dict[str, str], max_doc_bytes: int) -> None:
    from . import documents as docs_mod

    try:
        with open(src.path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        report.errors.append(DocumentError(src.path, exc.strerror or str(exc)))
        report.failed += 1
        return
    file_hash = hashlib.blake2b(data, digest_size=16).hexdigest()
    if known and all(fh == file_hash for fh, _ in known.values()):
        report.unchanged += len(known)
        return
    try:
        if src.format in ("txt", "md") and len(data) > max_doc_bytes:  # the file is the document
            raise DocumentError(src.display or src.path, _too_large(len(data), max_doc_bytes))
        documents, errors = docs_mod.read_source(src, data)
    except DocumentError as exc:
        report.errors.append(exc)
        report.failed += 1
        return
    report.errors.extend(errors)
    report.failed += len(errors)
    fresh_ids = set()
    display = src.display or src.path
    for doc in documents:
        fresh_ids.add(doc.id)
        size = len(doc.text.encode("utf-8", "surrogatepass")) if len(doc.text) * 4 > max_doc_bytes else 0
        if size > max_doc_bytes:
            where = display if doc.id == src.id_base else f"{display} ({doc.id})"
            report.errors.append(DocumentError(where, _too_large(size, max_doc_bytes)))
            report.failed += 1
            continue
        other = claimed.setdefault(doc.id, display)
        if other != display:
            report.errors.append(DocumentError(display, f"duplicate id {doc.id!r} (also in {other})"))
            report.failed += 1
            continue
        previous = known.get(doc.id)
        if previous is not None and previous[1] == doc.content_hash:
            report.unchanged += 1
            writer.keep(doc, file_hash)
            continue
        writer.add(doc, file_hash=file_hash)
        if previous is None:
            report.added += 1
        else:
            report.updated += 1
    # A changed file is replaced as a whole: its documents that are gone leave.
    for doc_id in known:
        if doc_id not in fresh_ids:
            writer.remove(doc_id)
            report.removed += 1


def _too_large(size: int, limit: int) -> str:
    return (
        f"too large to index: {size / (1 << 20):.3g} MB of text, over the "
        f"{limit / (1 << 20):.3g} MB limit per document (split it, or raise --max-doc-mb)"
    )
