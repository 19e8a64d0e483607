"""Running a script: its queries in order with one searcher, and the --new state.

With ``new``, a query reports only the hits that its previous ``new`` run did not;
what each query has reported is kept per script in ``<index>/state/``, replaced
atomically once the whole script has run.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional

from ..errors import QueryError, ScriptError
from .loading import Script, ScriptQuery

__all__ = ["DEFAULT_SNIPPETS", "QueryResult", "iter_results", "run_script", "state_path"]

DEFAULT_SNIPPETS = 1


@dataclass
class QueryResult:
    """What one query of a script found (with ``new``, only its new hits)."""

    query: ScriptQuery
    total: int
    took_ms: float
    hits: list  # of searchidx.search.Hit
    facets: Dict[str, Dict[str, int]] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)
    match: str = "all"  # how the hits were found (searchidx.results.MATCH_KINDS)
    notice: Optional[str] = None  # one line when they were not found as asked

    @property
    def name(self):
        return self.query.name


def state_path(index, script: Script) -> str:
    """The --new state file of ``script`` in ``index``: keyed by the script's absolute path."""
    digest = hashlib.sha256(script.path.encode("utf-8")).hexdigest()[:24]
    return os.path.join(index.path, "state", f"script-{digest}.json")


def _load_state(path: str) -> Dict[str, List[str]]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ScriptError(f"cannot read the --new state {path}: {exc}; delete it to start over") from None
    queries = data.get("queries") if isinstance(data, dict) else None
    return queries if isinstance(queries, dict) else {}


def _save_state(path: str, script: Script, seen: Dict[str, List[str]]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = {"script": script.path, "queries": seen}
    fd, tmp = tempfile.mkstemp(prefix=".state-", suffix=".tmp", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def iter_results(
    index,
    script: Script,
    limit: Optional[int] = None,
    new: bool = False,
    snippets: Optional[int] = None,
    searcher=None,
) -> Iterator[QueryResult]:
    """Run every query of ``script`` in order with one searcher; yield one result each.

    ``limit`` overrides the script's limits; ``snippets`` (default 1) is the number
    of snippets per hit, unless a query sets its own. With ``new``, each query
    reports only hits not reported by its previous ``new`` run (its ``total`` counts
    those new hits), and the state is saved once the last query has run.
    """
    from ..search import Searcher  # here, so that loading a script needs no index code

    own = searcher is None
    if own:
        searcher = Searcher(index)
    try:
        state_file = state_path(index, script) if new else None
        seen = _load_state(state_file) if new else {}
        for query in script.queries:
            options = dict(query.options)
            if limit is not None:
                options["limit"] = limit
            options.setdefault("snippets", DEFAULT_SNIPPETS if snippets is None else snippets)
            if snippets is not None:
                options["snippets"] = snippets
            try:
                if new:
                    result = _run_new(searcher, query, options, seen)
                else:
                    res = searcher.search(query.q, suggest=False, **options)
                    result = QueryResult(query, res.total, res.took_ms, res.hits, res.facets,
                                         res.warnings, res.match, res.notice)
            except QueryError as exc:  # an unknown province, say: which query had it
                raise QueryError(f"{script.path}: {query.where}: {exc}") from None
            yield result
        if new:
            _save_state(state_file, script, seen)
    finally:
        if own:
            searcher.close()


def run_script(index, script: Script, **options) -> List[QueryResult]:
    """All results of ``script`` as a list (see iter_results for the options)."""
    return list(iter_results(index, script, **options))


def _run_new(searcher, query: ScriptQuery, options: dict, seen: Dict[str, List[str]]) -> QueryResult:
    """The first ``limit`` hits of ``query`` that earlier --new runs did not report."""
    limit = options.pop("limit", 10)
    options.pop("page", None)
    count = options.pop("snippets")
    already = set(seen.get(query.key, []))
    res = searcher.search(query.q, limit=max(limit, 50), snippets=0, suggest=False, **options)
    took = res.took_ms
    hits = res.hits
    if res.total > len(hits):
        more = searcher.search(query.q, limit=res.total, snippets=0, suggest=False,
                               **dict(options, facets=False))
        took += more.took_ms
        hits = more.hits
    fresh = [hit for hit in hits if hit.id not in already]
    reported = fresh[:limit]
    if count:
        started = time.perf_counter()
        for hit in reported:
            doc = searcher.document(hit.id)
            if doc is not None:
                hit.snippets = searcher.highlight(doc["text"], query.q, snippets=count)
        took += (time.perf_counter() - started) * 1000
    seen[query.key] = sorted(already | {hit.id for hit in reported})
    return QueryResult(query, len(fresh), took, reported, res.facets, res.warnings)

