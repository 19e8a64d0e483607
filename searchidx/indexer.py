"""Bringing an index up to date with the files under some paths."""
from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence

from .errors import DocumentError
from .index import Index
from .writer import IndexWriter

if TYPE_CHECKING:
    from .ingest.documents import SourceFile

__all__ = ["IndexReport", "index_paths", "MAX_DOCUMENT_BYTES"]

# Analysis takes about 4.5 s and 250 MB of memory per MB of text, all of one
# document at once: a document over this size is reported and skipped (an
# export gone wrong, a log file) rather than left to stall or exhaust a run.
MAX_DOCUMENT_BYTES = 4 << 20


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
    from .ingest import documents as docs_mod

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
    with IndexWriter(index, wait=wait, chunk_docs=chunk_docs, procs=procs) as writer:
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
    from .ingest import documents as docs_mod

    try:
        with open(src.path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        report.errors.append(DocumentError(src.path, exc.strerror or str(exc)))
        report.failed += 1
        return
    file_hash = docs_mod.content_hash(data)
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
