"""whoosh's file storage made durable: what a commit publishes survives a power cut.

whoosh writes its files and renames its TOC into place without ever calling
fsync, so after a power cut a TOC can name segment files whose blocks never
reached the disk, or be empty itself. :class:`DurableStorage` publishes each
commit in this order:

1. the segment files the new TOC lists that no earlier commit published are
   fsynced (whichever process wrote them: whoosh's worker processes write their
   own segments), and their size and CRC32 taken;
2. the TOC, written by whoosh to a temporary name, is fsynced and checksummed;
3. the checksums file (:mod:`searchidx.storage.format`) listing all of them is
   written to a temporary name, fsynced, renamed into place, and the folder fsynced,
   which also makes the new segment files' names durable;
4. the TOC is renamed to its generation's name and the folder fsynced.

Only then does whoosh's commit return; the writer then stamps the manifest with the
generation (sqlite, synchronous=FULL) and reports the commit
(see :mod:`searchidx.writer`). A power cut before step 4 completes leaves the
previous generation, whole; after it, the new one. Files only ever deleted
afterwards (the previous TOC, merged segments) may reappear after a cut: they
are not listed by the current TOC, and the next commit deletes them again.
"""
from __future__ import annotations

import contextlib
import os
import re
from typing import Dict, Iterable, List

from whoosh.filedb.filestore import FileStorage, ReadOnlyError
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC

from .format import CHECKSUMS_FILE, checksums_record, file_checksum, read_checksums
from .toc_names import TocUnpickler

__all__ = ["DurableStorage", "write_atomically", "sync_folder", "segment_files", "SYNC"]

# False only to measure what the fsyncs cost; never in use.
SYNC = True


def sync_folder(path: str) -> None:
    """fsync a folder, so the names created, renamed or removed in it last."""
    if not SYNC:
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(folder: str, name: str, data: bytes) -> None:
    """Replace ``folder/name`` by ``data`` whole: temp file, fsync, rename, folder fsync."""
    temp = os.path.join(folder, name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if SYNC:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, os.path.join(folder, name))
    sync_folder(folder)


def segment_files(segment, names: Iterable[str]) -> List[str]:
    """The files of a whoosh segment, among the folder's ``names``."""
    if segment.is_compound():
        return [segment.make_filename(segment.COMPOUND_EXT)]
    prefix = segment.segment_id() + "."
    return sorted(name for name in names if name.startswith(prefix))


class _TempToc:
    """Reads a TOC written to a temporary name as if it were in place."""

    def __init__(self, storage: FileStorage, tempname: str):
        self._storage, self._tempname = storage, tempname

    def open_file(self, name, **kwargs):
        return self._storage.open_file(self._tempname, **kwargs)


class _CheckedPickleFile(StructFile):
    """whoosh's file, reading pickles (the TOC's) through :class:`TocUnpickler`."""

    def read_pickle(self):
        return TocUnpickler(self.file).load()


class DurableStorage(FileStorage):
    """A whoosh FileStorage whose commits are durable (see the module docstring).

    Renames replace atomically and are followed by a folder fsync; a TOC renamed
    into place is published with its segment files' checksums.
    """

    def __init__(self, path: str, indexname: str, readonly: bool = False):
        FileStorage.__init__(self, path, readonly=readonly)
        self.indexname = indexname
        self._toc_name = re.compile("^_%s_([0-9]+)[.]toc$" % re.escape(indexname))
        self._toc_temp = re.compile("^_%s_[0-9]+[.]toc[.]" % re.escape(indexname))

    def open_file(self, name: str, **kwargs) -> StructFile:
        return _CheckedPickleFile(open(self._fpath(name), "rb"), name=name, **kwargs)

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        if self.readonly:
            raise ReadOnlyError
        generation = self._toc_name.match(newname)
        if generation:
            self._publish_toc(oldname, newname, int(generation.group(1)))
            return
        if safe and os.path.exists(self._fpath(newname)):
            raise NameError(f"File {newname!r} exists")
        os.replace(self._fpath(oldname), self._fpath(newname))
        sync_folder(self.folder)

    def _publish_toc(self, tempname: str, tocname: str, generation: int) -> None:
        segments = TOC.read(_TempToc(self, tempname), self.indexname, generation).segments
        names = set(os.listdir(self.folder))
        # Files of earlier commits keep their entries while they exist: a reader of the
        # previous generation (or a cut before the TOC rename) still finds them listed.
        entries: Dict[str, tuple] = {
            name: entry for name, entry in (read_checksums(self.folder, missing_ok=True) or {}).items()
            if name in names
        }
        for segment in segments:
            for name in segment_files(segment, names):
                if name not in entries:
                    entries[name] = file_checksum(self._fpath(name), sync=SYNC)
        entries[tocname] = file_checksum(self._fpath(tempname), sync=SYNC)
        write_atomically(self.folder, CHECKSUMS_FILE, checksums_record(entries, generation))
        os.replace(self._fpath(tempname), self._fpath(tocname))
        sync_folder(self.folder)
        for name in names:  # TOCs that killed writers left half-written (one writer at a time)
            if self._toc_temp.match(name) and name != tempname:
                with contextlib.suppress(OSError):
                    os.remove(self._fpath(name))
