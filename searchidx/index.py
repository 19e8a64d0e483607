"""An index folder: locate, create and open it; its statistics.

An index is a folder holding the whoosh index (on the durable storage of
:mod:`searchidx.storage.durable`), ``searchidx.json`` declaring its on-disk format
(:mod:`searchidx.storage.format`; checked on every open), ``checksums.json``, and
``manifest.sqlite``, which records for every document its id, source file and
content hashes. The manifest lets a re-run skip unchanged files without loading
any stored text, and is written after each whoosh commit, stamped with the whoosh
generation it describes. A crash between the two leaves the stamp behind the
index: the next writer (or ``stats``) then rebuilds the manifest's rows from the
stored fields (:func:`searchidx.writer.sync_manifest`), marking their files for a
re-read, so the manifest never lists a document the index lacks, nor misses one it
holds. Nothing here writes to an existing index: searches import this module.
"""
from __future__ import annotations

import os
import time
from typing import Dict, List, Optional, Union

from .errors import IndexDamagedError, IndexNotFoundError, SearchIdxError
from .manifest import MANIFEST_FILE, Manifest
from .schema import build_schema
from .storage import engine
from .storage.durable import write_atomically
from .storage.format import (CHECKSUMS_FILE, FORMAT_FILE, LOCK_FILE, check_format, format_record,
                             rebuild_command)

__all__ = ["DEFAULT_INDEX_DIR", "resolve_index_path", "Index", "open_index", "create_index"]

DEFAULT_INDEX_DIR = ".searchidx"


def resolve_index_path(path: Optional[str] = None) -> str:
    """``path``, else $SEARCHIDX_INDEX, else ``.searchidx`` in the current folder."""
    return os.path.abspath(path or os.environ.get("SEARCHIDX_INDEX") or DEFAULT_INDEX_DIR)


def _is_index_dir(path: str) -> bool:
    return os.path.exists(os.path.join(path, FORMAT_FILE))


def _index_file(name: str) -> bool:
    """Whether a file name is one searchidx or whoosh writes in an index folder."""
    return name.startswith((MANIFEST_FILE, FORMAT_FILE, LOCK_FILE, CHECKSUMS_FILE,
                            f"_{engine.INDEX_NAME}_", f"{engine.INDEX_NAME}_"))


def _holds_index_files(path: str) -> bool:
    """Whether ``path`` holds what is left of a searchidx index (a manifest, whoosh files)."""
    return any(_index_file(name) for name in os.listdir(path))


class Index:
    """An open index folder. Reading never blocks; one writer at a time."""

    def __init__(self, path: str, ix):
        self.path = path
        self._ix = ix
        # (id, content hash) or content hash -> when the index a rebuild replaces first
        # held that document or content (see searchidx.rebuild): a rebuild changes nothing.
        self.carried_times: Dict[Union[tuple, str], float] = {}

    def indexed_at(self, doc_id: str, content_hash: str) -> float:
        """The time to record for a document written now: when this version of it was
        first indexed, so `--new` and `--since` see only what really changed."""
        carried = self.carried_times
        when = carried.get((doc_id, content_hash)) or carried.get(content_hash) if carried else None
        return when or time.time()

    @property
    def whoosh_index(self):
        """The whoosh index, for searching (writers go through :mod:`searchidx.storage.engine`)."""
        return self._ix

    def generation(self) -> int:
        """The number of the index's latest commit."""
        return engine.generation(self._ix)

    @property
    def schema(self):
        return self._ix.schema

    def doc_count(self) -> int:
        return self._ix.doc_count()

    def manifest(self) -> "Manifest":
        return Manifest(os.path.join(self.path, MANIFEST_FILE))

    def ids_for_path(self, path: str) -> List[str]:
        """The ids of the documents read from the file at ``path``, as `show` prints it.

        The file is compared by absolute path, else by its trailing path components, so
        "corpus/2023/x.txt" finds its document from another folder too, when only one
        indexed file ends so.
        """
        wanted = os.path.normcase(os.path.abspath(path))
        with self.manifest() as manifest:
            sources = manifest.by_source()
        exact = [s for s in sources if os.path.normcase(s) == wanted]
        if not exact:
            tail = os.sep + os.path.normcase(os.path.normpath(path)).lstrip(os.sep)
            exact = [s for s in sources if os.path.normcase(s).endswith(tail)]
        if len(exact) != 1:
            return []
        return sorted(sources[exact[0]])

    def stats(self) -> dict:
        """Documents, size on disk, date range, counts by province and year, last indexed.

        All but the document count come from the manifest: after a writer was killed
        between its commit and its manifest write, :func:`searchidx.writer.mend_manifest`
        brings it up to date first (``searchidx stats`` does)."""
        size = sum(
            os.path.getsize(os.path.join(self.path, name))
            for name in os.listdir(self.path)
            if os.path.isfile(os.path.join(self.path, name))
        )
        # Read-only: a server's stats never wait on, nor write beside, a writer.
        with Manifest(os.path.join(self.path, MANIFEST_FILE), readonly=True) as manifest:
            summary = manifest.summary()
        summary.update(
            {
                "index": self.path,
                "documents": self.doc_count(),
                "size_bytes": size,
            }
        )
        return summary


def create_index(path: str) -> Index:
    """Create an empty index at ``path`` (the folder may exist but must hold no index).

    The format file is written last: until it is in place the folder is no index, and
    what an interrupted creation left is cleared by the next one.
    """
    os.makedirs(path, exist_ok=True)
    if _is_index_dir(path):
        raise SearchIdxError(f"an index already exists at {path}")
    if os.listdir(path) and not all(name.startswith(".") for name in os.listdir(path)):
        if _holds_index_files(path):
            if not _half_created(path):
                raise IndexDamagedError(
                    f"{path} is not a searchidx index (no {FORMAT_FILE}); rebuild with: "
                    f"{rebuild_command(path)}"
                )
            for name in os.listdir(path):  # what an interrupted create_index left
                if _index_file(name):
                    os.remove(os.path.join(path, name))
        else:
            raise IndexDamagedError(
                f"{path} is not empty and is not a searchidx index; choose another --index folder"
            )
    ix = engine.create(path, build_schema())
    with Manifest(os.path.join(path, MANIFEST_FILE)) as manifest:
        manifest.record([], [], generation=engine.generation(ix))
    write_atomically(path, FORMAT_FILE, format_record())
    return Index(path, ix)


def _half_created(path: str) -> bool:
    """Whether ``path`` holds only what an interrupted create_index leaves: no documents."""
    names = [n for n in os.listdir(path) if not n.startswith(".")]
    if not all(_index_file(n) and os.path.isfile(os.path.join(path, n)) for n in names):
        return False
    if not any(n.endswith(".toc") for n in names):
        return not any(n.endswith(".seg") for n in names)
    try:
        return engine.open_engine(path, build_schema(), verify=False).doc_count_all() == 0
    except Exception:  # noqa: BLE001 - unreadable: not ours to delete
        return False


def open_index(path: Optional[str] = None, create: bool = False) -> Index:
    """Open the index at ``path`` (see resolve_index_path); with ``create``, make it if missing.

    The format version is checked first, then that the current commit's files are
    whole (present at their recorded sizes): either failing gives one line naming
    the problem and the rebuild command.
    """
    path = resolve_index_path(path)
    if not _is_index_dir(path):
        if create:
            return create_index(path)
        if os.path.isdir(path) and os.listdir(path):
            if not _holds_index_files(path):
                raise IndexDamagedError(
                    f"{path} is not a searchidx index (no {FORMAT_FILE}); choose another --index "
                    f"folder, or create one with: searchidx --index DIR index PATH..."
                )
            raise IndexDamagedError(
                f"{path} is not a searchidx index (no {FORMAT_FILE}); rebuild with: {rebuild_command(path)}"
            )
        raise IndexNotFoundError(
            f"no index at {path}; create one with: searchidx --index {path} index PATH..."
        )
    check_format(path)
    schema = build_schema()
    engine.verify_files(path, schema)
    try:
        ix = engine.open_engine(path, schema, verify=False)
        ix.doc_count()
    except Exception as exc:  # whoosh raises many kinds for damaged files
        raise IndexDamagedError(
            f"the index at {path} is damaged ({type(exc).__name__}: {exc}); "
            f"rebuild it with: {rebuild_command(path)}"
        ) from exc
    return Index(path, ix)
