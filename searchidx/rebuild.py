"""Rebuilding an index beside the old one and swapping it in, so searches never find none."""
from __future__ import annotations

import glob
import os
import shutil
import sqlite3
from typing import Optional, Sequence

from .errors import SearchIdxError
from .index import open_index
from .indexer import IndexReport, Progress, index_paths
from .ingest.ignore import IGNORE_FILE
from .lock import WriterLock
from .manifest import MANIFEST_FILE, Manifest
from .storage import engine
from .storage.durable import sync_folder
from .storage.format import CHECKSUMS_FILE, FORMAT_FILE

__all__ = ["rebuild_index", "exchange_folders", "looks_like_index"]


def rebuild_index(index_path: str, paths: Sequence[str], progress: Optional[Progress] = None,
                  **options) -> IndexReport:
    """Index ``paths`` into ``<index>.rebuild-<pid>``, then swap it in for the old index.

    ``options`` are those of :func:`searchidx.indexer.index_paths` (``prune`` aside).
    The old index is never opened, so an index of another format version, or a
    damaged one, is replaced all the same.

    The old folder's writer lock is held from start to swap, so no writer adds to
    an index about to be retired, and folders left by killed rebuilds are cleared.
    """
    target = index_path.rstrip(os.sep)
    fresh = f"{target}.rebuild-{os.getpid()}"
    if os.path.exists(target) and not looks_like_index(target):
        raise SearchIdxError(
            f"{target} is not a searchidx index; refusing to replace it (choose another --index)"
        )
    old_lock = None
    if os.path.isdir(target):  # even a damaged index: its folder can be locked
        old_lock = WriterLock(target)
        old_lock.acquire(options.get("wait", 0.0))
        for stale in glob.glob(glob.escape(target) + ".rebuild-*"):
            if stale[len(target) + 9:].isdigit():  # its rebuild held this lock and died
                shutil.rmtree(stale, ignore_errors=True)
    try:
        if os.path.exists(fresh):
            shutil.rmtree(fresh)
        index = open_index(fresh, create=True)
        ignore_file = os.path.join(target, IGNORE_FILE)
        if os.path.isfile(ignore_file):  # it applies to the rebuild, and stays with the index
            shutil.copy2(ignore_file, os.path.join(fresh, IGNORE_FILE))
        index.carried_times = _earlier_times(target)  # unchanged documents are not new
        options = dict(options, prune=False, id_bases=_old_id_bases(target))
        report = index_paths(index, list(paths), progress=progress, **options)
        del index
        old_state = os.path.join(target, "state")
        if os.path.isdir(old_state):  # keep the --new state of saved query scripts
            shutil.copytree(old_state, os.path.join(fresh, "state"))
        if os.path.exists(target) and exchange_folders(fresh, target):
            shutil.rmtree(fresh, ignore_errors=True)  # now the old index
        else:
            retired = f"{target}.old-{os.getpid()}"
            if os.path.exists(target):
                os.replace(target, retired)
            os.replace(fresh, target)
            shutil.rmtree(retired, ignore_errors=True)
        sync_folder(os.path.dirname(os.path.abspath(target)))  # the swap itself lasts
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    finally:
        if old_lock is not None:
            old_lock.release()
    return report


def _old_id_bases(target: str) -> dict:
    """The id bases the old index gave its files, so that ids survive the rebuild
    (none when its manifest is missing or damaged)."""
    path = os.path.join(target, MANIFEST_FILE)
    try:
        with Manifest(path, readonly=True) as manifest:
            return manifest.id_bases()
    except (SearchIdxError, sqlite3.Error):
        return {}


def _earlier_times(target: str) -> dict:
    """When the index being replaced first held each (id, content hash), and each content
    (the latest such time): see :meth:`searchidx.index.Index.indexed_at`. Empty when
    there is no index there, or its manifest is unreadable."""
    path = os.path.join(target, MANIFEST_FILE)
    if not os.path.isfile(path):
        return {}
    try:
        with Manifest(path, readonly=True) as manifest:
            rows = manifest.indexed_times()
    except SearchIdxError:
        return {}
    times: dict = {}
    for doc_id, doc_hash, when in rows:
        if not doc_hash:
            continue
        times[(doc_id, doc_hash)] = when
        times[doc_hash] = max(when, times.get(doc_hash, when))
    return times


def exchange_folders(a: str, b: str) -> bool:
    """Swap two folders in one step (Linux renameat2), so searches never find no index.

    False where the system cannot (the caller then renames twice).
    """
    try:
        import ctypes

        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def looks_like_index(path: str) -> bool:
    """True for a folder that holds (or held) a searchidx index, even a damaged one."""
    if not os.path.isdir(path):
        return False
    names = [name for name in os.listdir(path) if name != IGNORE_FILE]  # may come first
    return not names or any(
        n in (FORMAT_FILE, CHECKSUMS_FILE, MANIFEST_FILE) or n.startswith(f"_{engine.INDEX_NAME}_")
        for n in names
    )
