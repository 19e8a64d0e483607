"""A compound segment's files read in place from the mapped segment file.

whoosh's BufferFile copies a whole sub-file into a BytesIO when it is opened: every
posting, term and stored field of a large index, on a searcher's first query. The
codec reads by position, so a view of the map serves it.
"""
from __future__ import annotations

from io import BytesIO

from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import OverlayStorage
from whoosh.filedb.structfile import BufferFile


class MappedFile(BufferFile):
    """A file over a view of the mapped segment. Reads by position use the view; a
    stream is made only if asked for."""

    def __init__(self, buf, name=None) -> None:
        self._buf, self._name, self.onclose = buf, name, None
        self.is_real = self.is_closed = False
        self._stream = None

    @property
    def file(self):
        if self._stream is None:
            self._stream = BytesIO(self._buf)
        return self._stream

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        try:
            self._buf.release()  # so the segment's map can close
        except BufferError:
            pass
        self.is_closed = True


def open_segment_file(storage, name: str):
    """Segment file ``name``: in place when it lives in a mapped compound file, else
    opened by ``storage`` as whoosh does."""
    compound = storage
    if isinstance(compound, OverlayStorage) and compound.a.file_exists(name):
        compound = compound.a  # (whoosh's segment readers overlay the compound file)
    source = getattr(compound, "_source", None)  # a compound segment's mmap, when mapped
    if isinstance(compound, CompoundStorage) and source is not None:
        offset, length = compound.range(name)
        return MappedFile(memoryview(source)[offset:offset + length], name=name)
    return storage.open_file(name)
