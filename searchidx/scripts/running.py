"""Running a script: its queries in order with one searcher, and the --new state.

With ``new``, a query reports the documents that match now and did not match, in
their current version, at its previous ``new`` run: those indexed or changed since
then. The state is one time per query (the newest indexing time the index held at
that run, its *mark*), kept per script in ``<index>/state/`` and replaced
atomically once the whole script has run. Each document records when its current
version was first indexed (a rebuild keeps that time for unchanged content), so a
run looks only at what changed since the mark, however many hits a query has: old
hits are never new again, and the limit caps what is shown, not what is remembered.
A query whose text or filters changed starts over: its first run reports every hit.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
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
    new: bool = False  # run with --new: the hits are the new ones
    match: str = "all"  # how the hits were found (searchidx.results.MATCH_KINDS)
    notice: Optional[str] = None  # one line when they were not found as asked
    hits_total: Optional[int] = None  # as SearchResults.hits_total: copies folded, when counted
    earlier_copies: int = 0  # new documents left out as copies of a document found before

    @classmethod
    def of(cls, query: ScriptQuery, res, new: bool = False) -> "QueryResult":
        """What ``res`` (a SearchResults) says of ``query``."""
        return cls(query, res.total, res.took_ms, res.hits, res.facets, res.warnings, new, res.match,
                   res.notice, res.hits_total, res.earlier_copies)

    @property
    def name(self):
        return self.query.name


def state_path(index, script: Script) -> str:
    """The --new state file of ``script`` in ``index``: keyed by the script's absolute path."""
    digest = hashlib.sha256(script.path.encode("utf-8")).hexdigest()[:24]
    return os.path.join(index.path, "state", f"script-{digest}.json")


STATE_VERSION = 2


def _load_state(path: str) -> Dict[str, dict]:
    """query key -> {"query": its fingerprint, "mark": the newest indexing time at its
    last --new run}. Entries of an older state (lists of reported ids) are left out:
    those queries start over."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ScriptError(f"cannot read the --new state {path}: {exc}; delete it to start over") from None
    queries = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(queries, dict):
        return {}
    return {key: entry for key, entry in queries.items()
            if isinstance(entry, dict) and isinstance(entry.get("query"), str)
            and isinstance(entry.get("mark"), (int, float)) and not isinstance(entry.get("mark"), bool)}


def _save_state(path: str, script: Script, marks: Dict[str, dict]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = {"script": script.path, "version": STATE_VERSION, "queries": marks}
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


def _fingerprint(query: ScriptQuery) -> str:
    """What decides which documents a query matches: its text and filters (not its
    limit, sort, snippets or facets). When it changes, the query starts over."""
    options = query.options
    key = [query.q, options.get("date_from"), options.get("date_to"), options.get("province")]
    key += [options[name] for name in ("doc_type", "number", "issuer", "signer") if options.get(name)]
    return hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()[:24]


def iter_results(
    index,
    script: Script,
    limit: Optional[int] = None,
    new: bool = False,
    snippets: Optional[int] = None,
    searcher=None,
    since: Optional[float] = None,
) -> Iterator[QueryResult]:
    """Run every query of ``script`` in order with one searcher; yield one result each.

    ``limit`` overrides the script's limits; ``snippets`` (default 1) is the number
    of snippets per hit, unless a query sets its own; ``since`` (seconds since the
    epoch) keeps only documents indexed or changed after it, overriding the script's.
    With ``new``, each query reports only the documents indexed or changed since its
    previous ``new`` run that match it now (its ``total`` counts them all, its hits
    are the first ``limit``), and the state is saved once the last query has run.
    """
    from ..search import Searcher  # here, so that loading a script needs no index code

    own = searcher is None
    if own:
        searcher = Searcher(index)
    try:
        state_file = state_path(index, script) if new else None
        marks = _load_state(state_file) if new else {}
        newest = _newest(searcher, marks) if new else None
        for query in script.queries:
            options = dict(query.options)
            if limit is not None:
                options["limit"] = limit
            options.setdefault("snippets", DEFAULT_SNIPPETS if snippets is None else snippets)
            if snippets is not None:
                options["snippets"] = snippets
            if since is not None:
                options["since"] = since
            if new:
                options.pop("page", None)  # the new hits are shown from the first
                mark = _mark(marks, query)
                if mark is not None:
                    options["since"] = max(mark, options.get("since") or mark)
                after = max(m for m in (mark, newest, 0.0) if m is not None)
                marks[query.key] = {"query": _fingerprint(query), "mark": after}
            try:
                res = searcher.search(query.q, suggest=False, **options)
            except QueryError as exc:  # an unknown province, say: which query had it
                raise QueryError(f"{script.path}: {query.where}: {exc}") from None
            yield QueryResult.of(query, res, new)
        if new:
            _save_state(state_file, script, marks)
    finally:
        if own:
            searcher.close()


def _mark(marks: Dict[str, dict], query: ScriptQuery) -> Optional[float]:
    """The query's mark, or None for a query never run with --new as it is now."""
    entry = marks.get(query.key)
    return entry["mark"] if entry and entry["query"] == _fingerprint(query) else None


def _newest(searcher, marks: Dict[str, dict]) -> Optional[float]:
    """The newest indexing time the searcher sees. The latest mark of the script bounds
    the search: only what was indexed since is looked at (all, on a first run)."""
    latest = max((entry["mark"] for entry in marks.values()), default=None)
    newest = searcher.latest_change(after=latest)
    return latest if newest is None else newest


def run_script(index, script: Script, **options) -> List[QueryResult]:
    """All results of ``script`` as a list (see iter_results for the options)."""
    return list(iter_results(index, script, **options))
