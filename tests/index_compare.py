"""What two indexes are compared on, for tests that build one index two ways (sequential,
worker processes, a Dask cluster): every document's stored fields and the rankings."""
from __future__ import annotations

from searchidx import open_index
from searchidx.search import Searcher

VOLATILE = ("indexed_at", "indexed_us")  # when a document was indexed: differs run to run


def contents(path) -> dict:
    """Every document's stored fields (but when it was indexed), by id."""
    index = open_index(str(path))
    with index.whoosh_index.reader() as reader:
        docs = [{k: v for k, v in stored.items() if k not in VOLATILE}
                for stored in reader.all_stored_fields()]
    ids = [doc["id"] for doc in docs]
    assert len(ids) == len(set(ids)), "a document is indexed twice"
    return {doc["id"]: doc for doc in docs}


def rankings(path, queries) -> dict:
    """Each query's first 50 hits as (id, score to 9 places)."""
    with Searcher(open_index(str(path))) as searcher:
        return {q: [(hit.id, round(hit.score, 9)) for hit in searcher.search(q, limit=50).hits]
                for q in queries}
