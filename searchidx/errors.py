"""Exceptions of the library: each one is shown by the CLI as a one-line error."""
from __future__ import annotations


class SearchIdxError(Exception):
    """Base class: a user-facing problem with a message fit for one line."""


class IndexNotFoundError(SearchIdxError):
    """The index folder does not exist or holds no index."""


class IndexDamagedError(SearchIdxError):
    """The index folder exists but cannot be opened: damaged or foreign."""


class IndexFormatError(IndexDamagedError):
    """The index folder holds an index of another on-disk format version."""


class IndexLockedError(SearchIdxError):
    """Another writer holds the index lock."""


class DocumentError(SearchIdxError):
    """A document could not be read; the batch goes on without it."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class QueryError(SearchIdxError):
    """A query (or an option of it) has no sensible reading."""


class ScriptError(SearchIdxError):
    """A saved query script is malformed."""


def quoted(value: object, limit: int = 60) -> str:
    """``value`` fit for a one-line error message: whitespace folded, long text cut."""
    flat = " ".join(str(value).split())
    return repr(flat if len(flat) <= limit else flat[:limit] + "…")
