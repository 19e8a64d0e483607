"""searchidx: Vietnamese-aware full-text search for government meeting transcripts.

The public API, imported lazily so that a command pays only for what it uses::

    import searchidx
    index = searchidx.open_index("my-index", create=True)
    report = searchidx.index_paths(index, ["corpus/"])
    with searchidx.Searcher(index) as searcher:
        results = searcher.search("nhan quyen", province="Hậu Giang")
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "SearchIdxError": "errors",
    "IndexNotFoundError": "errors",
    "IndexDamagedError": "errors",
    "IndexLockedError": "errors",
    "IndexFormatError": "errors",
    "DocumentError": "errors",
    "QueryError": "errors",
    "ScriptError": "errors",
    "Document": "ingest.documents",
    "SourceFile": "ingest.documents",
    "discover": "ingest.documents",
    "read_source": "ingest.documents",
    "Index": "index",
    "open_index": "index",
    "create_index": "index",
    "resolve_index_path": "index",
    "IndexWriter": "writer",
    "IndexReport": "indexer",
    "rebuild_index": "rebuild",
    "check_index": "check",
    "CheckReport": "check",
    "index_paths": "indexer",
    "parse_query": "query",
    "RankingWeights": "query",
    "Searcher": "search",
    "SearchResults": "search",
    "Hit": "search",
    "Snippet": "snippets",
}
# (The one-off ``search`` function stays in searchidx.search: exported here, it would
# hide the searchidx.search module behind a function depending on import order.)

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'searchidx' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
