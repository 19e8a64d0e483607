"""One document as `show --json` prints it and the web API serves it."""
from __future__ import annotations

from typing import Optional

from .search import Searcher

__all__ = ["document_record"]


def document_record(searcher: Searcher, doc_id: str, query: Optional[str] = None) -> Optional[dict]:
    """The stored fields and text of the document ``doc_id``, or None when no such id.

    With ``query``, the record also holds it and its ``marks``: the [start, end)
    offsets into ``text`` of every span the query matches.
    """
    doc = searcher.document(doc_id)
    if doc is None:
        return None
    if query:
        doc["query"] = query
        doc["marks"] = [list(m) for m in searcher.marks(doc["text"], query)]
    return doc
