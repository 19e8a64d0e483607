"""The manifest: what the index holds, from which file, with which hashes, cheap to read.

A sqlite database beside the whoosh index, stamped with the whoosh generation it
describes (see :mod:`searchidx.index` for how a stale stamp is mended). Each write
is a sqlite transaction synced to disk (``synchronous=FULL``) before it returns:
a commit is reported only once its manifest rows are durable.
"""
from __future__ import annotations

import os
import re
import sqlite3
import unicodedata
from typing import Dict, Iterable, List, Optional

from .errors import IndexDamagedError, SearchIdxError

MANIFEST_FILE = "manifest.sqlite"
_LINE_NUMBER = re.compile(r"#[0-9]+$")  # the default id of a JSON Lines line or list item


class Manifest:
    """id -> (source, file hash, document hash): what the index holds, cheap to read."""

    def __init__(self, path: str, readonly: bool = False):
        """``readonly``: open an existing manifest without creating or changing anything."""
        self.path = path
        if readonly:
            if not os.path.isfile(path):
                raise SearchIdxError(f"cannot open the manifest {path}: it is missing")
            self._db = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True, timeout=30)
            statements = ["SELECT COUNT(*) FROM docs"]
        else:
            self._db = sqlite3.connect(path, timeout=30)
            statements = [
                "PRAGMA synchronous=FULL",
                "CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, source TEXT, file_hash TEXT,"
                " doc_hash TEXT, date TEXT, province TEXT, indexed_at REAL)",
                "CREATE INDEX IF NOT EXISTS docs_source ON docs(source)",
                # The id base each file was given, so that it keeps it (see ingest.ids).
                "CREATE TABLE IF NOT EXISTS files (source TEXT PRIMARY KEY, id_base TEXT)",
            ]
        try:
            for statement in statements:
                self._db.execute(statement)
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

    def id_bases(self) -> Dict[str, str]:
        """source -> the id base its documents' ids were made from.

        For a file recorded before the ``files`` table existed, the base is read off
        its ids: the one (less a ``#N`` line number) that ends with the file's name."""
        try:
            out = dict(self._db.execute("SELECT source, id_base FROM files"))
        except sqlite3.OperationalError:  # a read-only manifest from before the table
            out = {}
        for source, ids in self.by_source().items():
            if source in out or not source:
                continue
            name = unicodedata.normalize("NFC", os.path.basename(source))
            for doc_id in ids:
                base = _LINE_NUMBER.sub("", doc_id)
                if base == name or base.endswith("/" + name):
                    out[source] = base
                    break
        return out

    def record(self, rows: Iterable[tuple], removed: Iterable[str],
               generation: Optional[int] = None,
               files: Optional[Dict[str, tuple]] = None) -> None:
        """Write a chunk's rows and removals in one transaction.

        ``files``: source -> (file hash, id base) of the files whose documents are all
        recorded once this chunk is: their rows get the file's hash."""
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
            # A document whose content is unchanged keeps the time it was first indexed.
            self._db.executemany(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                " source = excluded.source, file_hash = excluded.file_hash,"
                " doc_hash = excluded.doc_hash, date = excluded.date, province = excluded.province,"
                " indexed_at = CASE WHEN docs.doc_hash IS excluded.doc_hash AND docs.indexed_at"
                " IS NOT NULL THEN docs.indexed_at ELSE excluded.indexed_at END", rows)
            for source, (file_hash, id_base) in (files or {}).items():
                self._db.execute("UPDATE docs SET file_hash = ? WHERE source = ?", (file_hash, source))
                if id_base:
                    self._db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (source, id_base))

    def indexed_times(self) -> List[tuple]:
        """(id, document hash, when that version was first indexed) of every document."""
        try:
            return self._db.execute(
                "SELECT id, doc_hash, indexed_at FROM docs WHERE indexed_at IS NOT NULL").fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None

    def count(self) -> int:
        try:
            return self._db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None

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


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    return quote(os.path.abspath(path))
