"""The one adapter between searchidx and whoosh's index machinery.

Everything outside ``storage/`` that needs whoosh's index (rather than its query
and searching API) comes through here: creating and opening an index on the
durable storage, its generation and segments, the writers and the merge, a
writer's lock. Whoosh's private attributes are used here only.
"""
from __future__ import annotations

import contextlib
import os
from functools import partial
from typing import Optional, Set

import whoosh.index
from whoosh.index import TOC, FileIndex, LockError

from ..errors import IndexDamagedError, IndexLockedError
from .durable import DurableStorage, segment_files, sync_folder
from .format import CHECKSUMS_FILE, read_checksums, rebuild_command

__all__ = ["INDEX_NAME", "create", "open_engine", "verify_files", "generation", "latest_generation",
           "segments", "segment_ids", "read_toc", "toc_name", "segment_reader", "open_writer",
           "merge", "writer_lock_fd"]

INDEX_NAME = "searchidx"


def create(path: str, schema) -> whoosh.index.Index:
    """A new, empty whoosh index in the folder ``path`` (generation 0, published durably)."""
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(path, exist_ok=True)
    sync_folder(parent)  # the folder's own name
    storage = DurableStorage(path, INDEX_NAME)
    TOC.create(storage, schema, INDEX_NAME)
    return FileIndex(storage, indexname=INDEX_NAME)


def open_engine(path: str, schema, verify: bool = True) -> whoosh.index.Index:
    """The whoosh index in ``path``; with ``verify``, its files are checked first
    (:func:`verify_files`). whoosh's own exceptions pass through.

    ``schema`` is the one the format version declares: the copy pickled in the TOC is
    skipped, never unpickled."""
    if verify:
        verify_files(path, schema)
    return FileIndex(DurableStorage(path, INDEX_NAME), schema=schema, indexname=INDEX_NAME)


def toc_name(generation_number: int) -> str:
    return TOC._filename(INDEX_NAME, generation_number)


def latest_generation(path: str) -> int:
    """The number of the newest TOC in the folder ``path`` (-1: none)."""
    return TOC._latest_generation(DurableStorage(path, INDEX_NAME), INDEX_NAME)


def read_toc(path: str, schema, generation_number: Optional[int] = None) -> TOC:
    """The TOC of ``generation_number`` (default: the latest), with ``schema`` for its own."""
    return TOC.read(DurableStorage(path, INDEX_NAME), INDEX_NAME, generation_number, schema=schema)


def verify_files(path: str, schema) -> None:
    """Check cheaply that the latest generation's files are whole: each one the TOC
    lists is present at the size the checksums file records. Raises IndexDamagedError
    naming the first bad file."""
    for _ in range(5):
        current = latest_generation(path)
        if current < 0:
            problem = "it has no TOC file"
        else:
            problem = _first_problem(path, current, schema)
            if problem is None:
                return
        if latest_generation(path) == current:
            break
        # a writer published a newer generation (and deleted files) meanwhile: look again
    raise IndexDamagedError(f"the index at {path} is damaged ({problem}); "
                            f"rebuild it with: {rebuild_command(path)}")


def _first_problem(path: str, current: int, schema) -> Optional[str]:
    recorded = read_checksums(path)
    names = set(os.listdir(path))
    toc = toc_name(current)
    problem = _size_problem(path, toc, "TOC file", recorded)
    if problem:
        return problem
    try:
        listed = read_toc(path, schema, current).segments
    except Exception as exc:  # noqa: BLE001 - whoosh raises many kinds for a bad TOC
        return f"its TOC file {toc} is unreadable: {type(exc).__name__}: {exc}"
    for segment in listed:
        files = segment_files(segment, names)
        if not files:
            return f"segment {segment.segment_id()} has no files"
        for name in files:
            problem = _size_problem(path, name, "segment file", recorded)
            if problem:
                return problem
    return None


def _size_problem(path: str, name: str, kind: str, recorded: dict) -> Optional[str]:
    try:
        size = os.path.getsize(os.path.join(path, name))
    except FileNotFoundError:
        return f"its {kind} {name} is missing"
    if name not in recorded:
        return f"its {kind} {name} is not listed in {CHECKSUMS_FILE}"
    if size != recorded[name][0]:
        return f"its {kind} {name} is {size} bytes, {recorded[name][0]} recorded"
    return None


def generation(ix: whoosh.index.Index) -> int:
    """The index's latest generation (the number of its current TOC)."""
    return ix.latest_generation()


def segments(ix: whoosh.index.Index) -> list:
    """The current TOC's segments."""
    return ix._segments()


def segment_ids(ix: whoosh.index.Index) -> Set[str]:
    return {segment.segment_id() for segment in segments(ix)}


def open_writer(ix: whoosh.index.Index):
    """A whoosh writer taking whoosh's write lock: the array-postings segment writer."""
    from .segments import ArraySegmentWriter  # the write side: not for searches

    try:
        return ArraySegmentWriter(ix, timeout=5.0, delay=0.05, limitmb=256)
    except LockError as exc:
        raise IndexLockedError(f"the whoosh write lock of {ix.storage.folder} is held") from exc


def merge(ix: whoosh.index.Index, fresh: Set[str]) -> bool:
    """Commit a merge of the segments :func:`segments_to_merge` picks (``fresh``: the
    ids of a run's own segments). Returns whether there was one."""
    from .segments import merge_segments, segments_to_merge

    if not segments_to_merge(segments(ix), fresh):
        return False
    writer = open_writer(ix)
    try:
        writer.commit(mergetype=partial(merge_segments, fresh=fresh))
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    return True


def writer_lock_fd(writer) -> Optional[int]:
    """The file descriptor of whoosh's write lock held by ``writer``, if any."""
    return getattr(getattr(writer, "writelock", None), "fd", None)


def segment_reader(path: str, toc: TOC, segment):
    """A whoosh reader of one segment of ``toc`` (close it after use)."""
    from whoosh.reading import SegmentReader

    return SegmentReader(DurableStorage(path, INDEX_NAME), toc.schema, segment,
                         generation=toc.generation)
