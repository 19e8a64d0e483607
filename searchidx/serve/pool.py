"""Searchers for a server: a few, reused, each seeing the index's latest commit.

Reading takes no lock, so a writer indexing at the same time is never blocked.
Before each use a searcher is compared with the index's current generation (one
listing of the folder) and refreshed when a commit came since: a new commit is
seen by the next request, without a restart, and an unchanged index keeps its
warm searchers (array scorer, suggester). A searcher serves one request at a
time; at most ``size`` exist, and further requests wait for one.

One searcher a process by default: a search is work for the CPU under Python's
GIL, so two threads searching at once in one process do not finish sooner; they
take turns at every release of the lock (numpy releases it often) and each search
ends later than if they had queued (bench/RESULTS.md). More cores serve more
requests through `serve --workers`, one process each.

The last ``cache`` searches' results are kept, keyed by the generation they read:
paging back, toggling a facet off or many readers of one link cost nothing, and a
commit makes every kept result stale at once.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from collections import OrderedDict
from typing import Dict, Hashable, Iterator, List, Optional, Tuple

from ..index import Index, open_index
from ..results import SearchResults
from ..search import Searcher
from ..showing import document_record

__all__ = ["SearcherPool", "DEFAULT_POOL_SIZE", "DEFAULT_CACHE"]

DEFAULT_POOL_SIZE = 1
DEFAULT_CACHE = 256


class SearcherPool:
    def __init__(self, index_path: str, size: int = DEFAULT_POOL_SIZE, cache: int = DEFAULT_CACHE):
        self.index: Index = open_index(index_path)
        self._cache: "OrderedDict[Tuple[Hashable, ...], SearchResults]" = OrderedDict()
        self._cache_size = cache
        self._idle: List[Searcher] = []
        self._made = 0
        self._size = size
        self._generation: Dict[int, int] = {}  # id(searcher) -> the generation it reads
        self._cond = threading.Condition()

    def search(self, text: str, **options) -> SearchResults:
        """Searcher.search on the latest commit, or its kept result."""
        key = (self.index.generation(), text, tuple(sorted(options.items())))
        with self._cond:
            kept = self._cache.get(key)
            if kept is not None:
                self._cache.move_to_end(key)
                return kept
        with self.searcher() as searcher:
            results = searcher.search(text, **options)
        if self._cache_size:
            with self._cond:
                self._cache[key] = results
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return results

    def document(self, doc_id: str, query: Optional[str] = None) -> Optional[dict]:
        """The record `show --json` prints for ``doc_id`` (None for no such id)."""
        with self.searcher() as searcher:
            return document_record(searcher, doc_id, query)

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher of the latest commit, for this request alone."""
        searcher = self._take()
        try:
            latest = self.index.generation()
            if self._generation.get(id(searcher)) != latest:
                searcher.refresh()
                self._generation[id(searcher)] = latest
            yield searcher
        finally:
            with self._cond:
                self._idle.append(searcher)
                self._cond.notify()

    def _take(self) -> Searcher:
        with self._cond:
            while not self._idle and self._made >= self._size:
                self._cond.wait()
            if self._idle:
                return self._idle.pop()
            self._made += 1
        generation = self.index.generation()  # before opening: a commit between is seen next time
        try:
            searcher = Searcher(self.index)
        except BaseException:
            with self._cond:
                self._made -= 1
                self._cond.notify()
            raise
        self._generation[id(searcher)] = generation
        return searcher

    def close(self) -> None:
        with self._cond:
            for searcher in self._idle:
                searcher.close()
            self._idle.clear()
