"""Segments built away from the writer, then added to the index by it.

A builder (a worker process, or a worker of a Dask cluster) turns a batch of documents'
fields into one whoosh segment held in memory and hands back its files as bytes. The
writer, alone holding the locks, writes those files into the index folder and publishes
them with its next commit (:func:`commit_built`), through the durable storage like any
other commit. A builder touches nothing in the index folder, so a batch built twice (a
lost worker's task redone) is added once: only the result the writer receives counts.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence

from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.index import TOC, FileIndex

from .durable import sync_folder
from .engine import INDEX_NAME, open_writer

__all__ = ["BuiltSegment", "build_segment", "commit_built"]


@dataclass
class BuiltSegment:
    """One segment built from a batch: whoosh's segment record and its files' bytes."""

    segment: object
    files: Dict[str, bytes]
    docs: int

    @property
    def size(self) -> int:
        return sum(len(data) for data in self.files.values())


class _RamStorage(RamStorage):
    """whoosh's memory storage, its temporary files in a folder of their own (whoosh
    names it after the index alone: builders on one machine would share and delete it)."""

    temp_folder = None

    def temp_storage(self, name=None):
        if self.temp_folder is None:
            self.temp_folder = tempfile.mkdtemp(prefix="searchidx-build-")
        return FileStorage(self.temp_folder)


def build_segment(schema, documents: Iterable[dict]) -> BuiltSegment:
    """A segment holding ``documents`` (each one's whoosh fields), built in memory."""
    from .codec import CompactCodec
    from .segments import ArraySegmentWriter

    storage = _RamStorage()
    TOC.create(storage, schema, INDEX_NAME)
    writer = ArraySegmentWriter(FileIndex(storage, schema=schema, indexname=INDEX_NAME),
                                _lk=False, codec=CompactCodec(), limitmb=256)
    try:
        count = 0
        for fields in documents:
            writer.add_document(**fields)
            count += 1
        segment = writer._finalize_segment()
    finally:
        if storage.temp_folder is not None:
            shutil.rmtree(storage.temp_folder, ignore_errors=True)
    prefix = segment.segment_id() + "."
    files = {name: bytes(storage.files[name]) for name in storage.list() if name.startswith(prefix)}
    return BuiltSegment(segment, files, count)


def commit_built(ix, built: Sequence[BuiltSegment], delete_ids: Iterable[str]) -> None:
    """One commit adding the ``built`` segments and deleting the documents of
    ``delete_ids`` from the segments already there. Durable when it returns."""
    writer = open_writer(ix)
    written: List[str] = []
    try:
        for doc_id in delete_ids:
            writer.delete_by_term("id", doc_id)
        folder = ix.storage.folder
        for part in built:
            for name, data in part.files.items():
                path = os.path.join(folder, name)
                with open(path, "wb") as fh:  # fsynced as the commit publishes them
                    fh.write(data)
                written.append(path)
        segments = [part.segment for part in built if part.docs]
        writer.commit(mergetype=lambda _writer, present: list(present) + segments)
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        for path in written:
            with contextlib.suppress(OSError):
                os.remove(path)
        with contextlib.suppress(OSError):
            sync_folder(ix.storage.folder)
        raise
