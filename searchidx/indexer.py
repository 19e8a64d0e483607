"""Bringing an index up to date with the files under some paths."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Set, Tuple

from .errors import DocumentError
from .index import Index
from .writer import CHUNK_SECONDS, IndexWriter

if TYPE_CHECKING:
    from .ingest.documents import SourceFile

__all__ = ["IndexReport", "IdCollision", "index_paths", "MAX_DOCUMENT_BYTES", "Progress",
           "PHASE_INDEXING", "PHASE_COMMITTING", "PHASE_DONE"]

# Analysis takes about 4.5 s and 250 MB of memory per MB of text, all of one
# document at once: a document over this size is reported and skipped (an
# export gone wrong, a log file) rather than left to stall or exhaust a run.
MAX_DOCUMENT_BYTES = 4 << 20


class IdCollision(DocumentError):
    """Two files give a document the same id: the second is not indexed."""


@dataclass
class IndexReport:
    """What one ``index`` run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    skipped_files: int = 0
    excluded_files: int = 0
    gone: int = 0  # documents whose files are gone (kept: no --prune)
    left_out: int = 0  # documents whose files are now excluded (kept: no --prune)
    errors: List[DocumentError] = field(default_factory=list)
    seconds: float = 0.0
    commits: int = 0
    bytes_read: int = 0

    @property
    def docs_per_second(self) -> float:
        done = self.added + self.updated
        return done / self.seconds if self.seconds > 0 else 0.0

    @property
    def collisions(self) -> List[DocumentError]:
        """The documents not indexed because another file holds their id."""
        return [error for error in self.errors if isinstance(error, IdCollision)]

    def summary(self) -> str:
        line = (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed, {self.failed} failed"
            + (f", {self.skipped_files} other files skipped" if self.skipped_files else "")
            + (f", {self.excluded_files} excluded" if self.excluded_files else "")
            + f" in {self.seconds:.1f} s ({self.docs_per_second:.0f} docs/s)"
        )
        for count, what in ((self.gone, "are gone"), (self.left_out, "are excluded")):
            if count:
                whose = "documents'" if count != 1 else "document's"
                line += f"\n{count} {whose} files {what}; `--prune` removes them"
        return line


# progress(done, total, phase): bytes of the input files done and in all, while
# PHASE_INDEXING; then once PHASE_COMMITTING (the final commit and merge) and once
# PHASE_DONE.
Progress = Callable[[int, int, str], None]
PHASE_INDEXING, PHASE_COMMITTING, PHASE_DONE = "indexing", "committing", "done"


PROGRESS_INTERVAL = 0.1  # seconds between two calls of progress() while indexing


class _Tracker:
    """Bytes done across all input files, told to ``progress`` at most every
    PROGRESS_INTERVAL."""

    def __init__(self, progress: Optional[Progress], total: int):
        self.progress, self.total = progress, total
        self.done = 0
        self._last = 0.0

    def at(self, done: float, force: bool = False) -> None:
        self.done = min(self.total, int(done))
        now = time.monotonic()
        if self.progress is not None and (force or now - self._last >= PROGRESS_INTERVAL):
            self._last = now
            self.progress(self.done, self.total, PHASE_INDEXING)

    def phase(self, phase: str) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total, phase)


def index_paths(
    index: Index,
    paths: Sequence[str],
    prune: bool = False,
    progress: Optional[Progress] = None,
    wait: float = 0.0,
    chunk_docs: int = 10000,
    procs: Optional[int] = None,
    max_doc_bytes: Optional[int] = None,
    exclude: Sequence[str] = (),
    chunk_seconds: float = CHUNK_SECONDS,
    id_bases: Optional[Dict[str, str]] = None,
    cluster: Optional[str] = None,
) -> IndexReport:
    """Bring the index up to date with the files under ``paths``.

    Unchanged files (same content hash) are not re-read; a changed file's documents
    are replaced; documents whose files are gone, or now excluded, are counted, and
    with ``prune`` removed. Files matching ``exclude`` (gitignore patterns) or a
    ``.searchidxignore`` (see :mod:`searchidx.ingest.ignore`) are left out.
    ``progress(done, total, phase)`` is told the bytes of input done (see Progress).
    ``procs`` processes analyze and build segments (default: one per core), while this
    one reads the files and commits; with ``cluster`` (a Dask scheduler's address, see
    :mod:`searchidx.cluster`) the cluster's workers do instead.
    A chunk is committed every ``chunk_docs`` documents or ``chunk_seconds`` of work.
    A document over ``max_doc_bytes`` of text (default MAX_DOCUMENT_BYTES) is
    reported and skipped. Files get ids that no other file holds (see
    :mod:`searchidx.ingest.ids`; ``id_bases``, file -> id base, adds to those the
    manifest remembers); a document whose own id (a JSON ``id``) another
    file holds is not indexed and is reported as an IdCollision.
    """
    from .ingest import documents as docs_mod
    from .ingest.discovery import EXCLUDED
    from .ingest.ids import assign_id_bases
    from .ingest.ignore import IgnoreRules

    started = time.time()
    report = IndexReport()
    rules = IgnoreRules(exclude, index.path)
    sources: List[SourceFile] = []
    excluded: List[str] = []
    for item in docs_mod.discover(paths, rules):
        if isinstance(item, DocumentError):
            report.errors.append(item)
            report.failed += 1
        elif isinstance(item, docs_mod.SourceFile):
            sources.append(item)
        elif item.reason == EXCLUDED:
            excluded.append(item.absolute)
            report.excluded_files += 1
        else:
            report.skipped_files += 1
    report.errors.extend(rules.errors)
    sizes = [_size(src.path) for src in sources]
    builders = None
    if cluster:
        from .cluster import ClusterBuilders

        builders = ClusterBuilders(cluster)  # before the lock: an unreachable one fails fast
    if procs is None:
        procs = os.cpu_count() or 1
    if max_doc_bytes is None:
        max_doc_bytes = MAX_DOCUMENT_BYTES
    tracker = _Tracker(progress, sum(sizes))
    workers = builders.workers if builders is not None else procs
    with IndexWriter(index, wait=wait, chunk_docs=chunk_docs, procs=procs,
                     chunk_seconds=chunk_seconds, builders=builders,
                     batch_bytes=_batch_bytes(sum(sizes), workers)) as writer:
        with index.manifest() as manifest:  # read under the lock: no writer changes it now
            known = manifest.by_source()
            remembered = manifest.id_bases()
        in_run = {src.path for src in sources}
        for source, base in (id_bases or {}).items():  # from an old index: its files of this run
            if source in in_run:
                remembered.setdefault(source, base)
        held = {doc_id: source for source, ids in known.items() for doc_id in ids}
        assign_id_bases(sources, remembered, held)
        run = _Run(writer, report, held, in_run, max_doc_bytes)
        offset = 0
        for src, size in zip(sources, sizes):
            tracker.at(offset)
            run.index_source(src, known.get(src.path, {}),
                             lambda part, o=offset, s=size: tracker.at(o + s * part))
            offset += size
        tracker.at(offset, force=True)
        _count_or_prune(writer, report, known, run, paths, excluded, prune)
        tracker.phase(PHASE_COMMITTING)
    tracker.phase(PHASE_DONE)
    report.commits = writer.commits
    report.bytes_read = tracker.total
    report.seconds = time.time() - started
    return report


def _batch_bytes(total: int, workers: int) -> int:
    """Text per batch: each builder gets about four batches of a small run, so none
    waits long for the others at its end; a large run's batches are BATCH_BYTES."""
    from .pipeline import BATCH_BYTES

    return max(16 << 10, min(BATCH_BYTES, total // (4 * max(1, workers))))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _count_or_prune(writer: IndexWriter, report: IndexReport, known: Dict[str, Dict[str, tuple]],
                    run: "_Run", paths: Sequence[str], excluded: Sequence[str],
                    prune: bool) -> None:
    """Documents under ``paths`` whose files are gone or now excluded: removed with
    ``prune``, else counted for the summary."""
    roots = [os.path.abspath(p) for p in paths]
    for source, held in known.items():
        if source in run.done_sources or not _under_any(source, roots):
            continue
        ids = [doc_id for doc_id in held if doc_id not in run.claimed]  # not moved elsewhere
        if not ids:
            continue
        if not os.path.exists(source):
            if not prune:
                report.gone += len(ids)
                continue
        elif not _under_any(source, excluded):
            continue  # still there (in a folder that could not be read, say): kept
        elif not prune:
            report.left_out += len(ids)
            continue
        for doc_id in ids:
            writer.remove(doc_id)
            report.removed += 1


def _under_any(path: str, roots: Sequence[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


class _Run:
    """One run's reading of files into the writer: which file holds which id."""

    def __init__(self, writer: IndexWriter, report: IndexReport, held: Dict[str, str],
                 in_run: Set[str], max_doc_bytes: int):
        self.writer, self.report, self.max_doc_bytes = writer, report, max_doc_bytes
        self.held = held  # id -> the file holding it in the index
        self.in_run = in_run
        self.claimed: Dict[str, Tuple[str, str]] = {}  # id -> (path, display) in this run
        self.done_sources: Set[str] = set()

    def _owner(self, doc_id: str, path: str) -> Optional[str]:
        """The file (as shown) other than ``path`` that holds ``doc_id``, if any."""
        claim = self.claimed.get(doc_id)
        if claim is not None:
            return None if claim[0] == path else claim[1]
        holder = self.held.get(doc_id)
        if holder is None or holder == path or holder in self.done_sources:
            return None  # a file read earlier in this run that no longer gives it
        if holder in self.in_run or os.path.exists(holder):
            return holder
        return None  # a file that is gone: its documents move to this one

    def index_source(self, src: "SourceFile", known: Dict[str, tuple],
                     part_done: Callable[[float], None]) -> None:
        from .ingest import documents as docs_mod

        report, writer = self.report, self.writer
        display = src.display or src.path
        try:
            try:
                with open(src.path, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                raise DocumentError(src.path, exc.strerror or str(exc)) from None
            file_hash = docs_mod.content_hash(data)
            if known and all(fh == file_hash for fh, _ in known.values()):
                report.unchanged += len(known)
                for doc_id in known:  # still its file's
                    self.claimed[doc_id] = (src.path, display)
                return
            if src.format in ("txt", "md") and len(data) > self.max_doc_bytes:
                raise DocumentError(display, _too_large(len(data), self.max_doc_bytes))
            items = docs_mod.iter_source(src, data)
        except DocumentError as exc:
            report.errors.append(exc)
            report.failed += 1
            return
        finally:
            self.done_sources.add(src.path)
        fresh_ids = set()
        complete = True
        for share, item in items:
            if isinstance(item, DocumentError):
                report.errors.append(item)
                report.failed += 1
            else:
                complete = self._one(src, item, known, fresh_ids) and complete
            part_done(share)
        # A changed file is replaced as a whole: its documents that are gone leave.
        for doc_id in known:
            if doc_id not in fresh_ids:
                writer.remove(doc_id)
                report.removed += 1
        # A file missing a document for its id is read (and reported) again next run.
        writer.file_done(src.path, file_hash if complete else "", src.id_base)

    def _one(self, src: "SourceFile", doc, known: Dict[str, tuple], fresh_ids: Set[str]) -> bool:
        """Add or keep one document; False when another file holds its id."""
        report, display, limit = self.report, src.display or src.path, self.max_doc_bytes
        size = len(doc.text.encode("utf-8", "surrogatepass")) if len(doc.text) * 4 > limit else 0
        if size > limit:
            where = display if doc.id == src.id_base else f"{display} ({doc.id})"
            report.errors.append(DocumentError(where, _too_large(size, limit)))
            report.failed += 1
            return True
        other = self._owner(doc.id, src.path)
        if other is not None:
            report.errors.append(IdCollision(display, f"duplicate id {doc.id!r} (also in {other})"))
            report.failed += 1
            return False
        self.claimed[doc.id] = (src.path, display)
        fresh_ids.add(doc.id)
        previous = known.get(doc.id)
        if previous is not None and previous[1] == doc.content_hash:
            report.unchanged += 1
            self.writer.keep(doc, "")
            return True
        self.writer.add(doc, file_hash="")
        if previous is None:
            report.added += 1
        else:
            report.updated += 1
        return True


def _too_large(size: int, limit: int) -> str:
    return (
        f"too large to index: {size / (1 << 20):.3g} MB of text, over the "
        f"{limit / (1 << 20):.3g} MB limit per document (split it, or raise --max-doc-mb)"
    )
