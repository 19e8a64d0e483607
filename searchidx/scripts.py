"""Saved query scripts: load, run with one searcher, diff against the last run, format.

A script is TOML (named queries with options and shared defaults)::

    [defaults]
    limit = 20

    [[query]]
    name = "nhan-quyen-hau-giang"
    q = "nhân quyền"
    province = "Hậu Giang"
    from = "2023-01"

or JSONL, one query a line: ``{"id": 1, "q": "nhân quyền", "limit": 5}`` (``_id`` is
accepted for ``id`` and ``text`` for ``q``; other keys starting with ``_`` are
ignored, for the caller's own metadata). Option keys: limit, page, from, to,
province, sort, facets, snippets. The whole script is checked by ``load_script``
before anything runs; every problem is a ScriptError naming the file and the
query (TOML) or line (JSONL).

``iter_results`` runs the queries in order with one Searcher and yields a
``QueryResult`` per query; with ``new=True`` it reports only hits that the previous
``new`` run of the same script and query did not, keeping that state in
``<index>/state/``. ``write_results`` prints results as table, json, jsonl or csv,
exactly as ``searchidx run`` does::

    from searchidx import open_index
    from searchidx.scripts import load_script, run_script

    script = load_script("examples/weekly.toml")
    for result in run_script(open_index(), script):
        print(result.name, result.total, [hit.id for hit in result.hits])
"""
from __future__ import annotations

import csv
import datetime
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import IO, Any, Dict, Iterable, Iterator, List, Optional

from .errors import QueryError, ScriptError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib

__all__ = [
    "OPTION_KEYS",
    "FORMATS",
    "ScriptQuery",
    "Script",
    "QueryResult",
    "load_script",
    "parse_script",
    "iter_results",
    "run_script",
    "result_record",
    "write_results",
    "state_path",
]

OPTION_KEYS = ("limit", "page", "from", "to", "province", "sort", "facets", "snippets")
FORMATS = ("table", "json", "jsonl", "csv")
DEFAULT_SNIPPETS = 1
CSV_COLUMNS = ("query", "rank", "id", "score", "title", "date", "province", "snippet")


@dataclass
class ScriptQuery:
    """One query of a script, its options checked and in Searcher.search's terms."""

    name: Any  # the TOML name, or the JSONL id as written (a string or a number)
    q: str
    options: Dict[str, Any] = field(default_factory=dict)
    where: str = ""  # 'query "name"' or 'line N', for messages

    @property
    def key(self) -> str:
        """The name as a string: the key of this query's --new state."""
        return self.name if isinstance(self.name, str) else json.dumps(self.name)


@dataclass
class Script:
    path: str  # absolute
    format: str  # "toml" or "jsonl"
    queries: List[ScriptQuery]


@dataclass
class QueryResult:
    """What one query of a script found (with ``new``, only its new hits)."""

    query: ScriptQuery
    total: int
    took_ms: float
    hits: list  # of searchidx.search.Hit
    facets: Dict[str, Dict[str, int]] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)

    @property
    def name(self):
        return self.query.name


# ---- loading -------------------------------------------------------------------


def load_script(path: str) -> Script:
    """Read and check the script at ``path`` (.toml, or .jsonl/.ndjson; else sniffed)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ScriptError(f"cannot read script {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScriptError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_script(text, path)


def parse_script(text: str, path: str = "<script>", format: Optional[str] = None) -> Script:
    """Check the script ``text``; ``format`` is "toml" or "jsonl" (default: from ``path``)."""
    if format is None:
        ext = os.path.splitext(path)[1].lower()
        if ext == ".toml":
            format = "toml"
        elif ext in (".jsonl", ".ndjson", ".json"):
            format = "jsonl"
        else:
            first = text.lstrip()[:1]
            format = "jsonl" if first == "{" else "toml"
    if format == "toml":
        queries = _parse_toml(text, path)
    elif format == "jsonl":
        queries = _parse_jsonl(text, path)
    else:
        raise ScriptError(f"{path}: unknown script format {format!r} (use toml or jsonl)")
    if not queries:
        raise ScriptError(f"{path}: the script holds no query")
    seen: Dict[str, str] = {}
    for query in queries:
        if query.key in seen:
            raise ScriptError(
                f"{path}: {query.where}: the name {query.key} is also used at {seen[query.key]}"
            )
        seen[query.key] = query.where
    abspath = os.path.abspath(path) if not path.startswith("<") else path
    return Script(abspath, format, queries)


def _parse_toml(text: str, path: str) -> List[ScriptQuery]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScriptError(f"{path}: invalid TOML: {exc}") from None
    unknown = sorted(set(data) - {"defaults", "query"})
    if unknown:
        raise ScriptError(
            f"{path}: unknown top-level key {unknown[0]!r} (a script has [defaults] and [[query]])"
        )
    defaults_raw = data.get("defaults", {})
    if not isinstance(defaults_raw, dict):
        raise ScriptError(f"{path}: [defaults] must be a table")
    defaults = _options(defaults_raw, path, "[defaults]", allowed=OPTION_KEYS)
    entries = data.get("query", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ScriptError(f"{path}: queries must be [[query]] tables")
    queries = []
    for number, entry in enumerate(entries, 1):
        name = entry.get("name", f"query-{number}")
        where = f"query {name!r}" if "name" in entry else f"query #{number}"
        if not isinstance(name, str) or not name.strip():
            raise ScriptError(f"{path}: query #{number}: name must be a non-empty string")
        q = _query_text(entry, ("q", "text"), path, where)
        options = dict(defaults)
        options.update(
            _options(entry, path, where, allowed=OPTION_KEYS, skip=("name", "q", "text"))
        )
        queries.append(ScriptQuery(name, q, _check_range(options, path, where), where))
    return queries


def _parse_jsonl(text: str, path: str) -> List[ScriptQuery]:
    queries = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = f"line {number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ScriptError(f"{path}: {where}: invalid JSON: {exc.msg}") from None
        if not isinstance(entry, dict):
            raise ScriptError(f"{path}: {where}: a query must be a JSON object")
        if "id" in entry and "_id" in entry:
            raise ScriptError(f"{path}: {where}: give either id or _id, not both")
        name = entry.get("id", entry.get("_id", number))
        if isinstance(name, bool) or not isinstance(name, (str, int, float)):
            raise ScriptError(f"{path}: {where}: id must be a string or a number")
        q = _query_text(entry, ("q", "text"), path, where)
        options = _options(entry, path, where, allowed=OPTION_KEYS,
                           skip=("id", "_id", "q", "text"), ignore_underscore=True)
        queries.append(ScriptQuery(name, q, _check_range(options, path, where), where))
    return queries


def _query_text(entry: dict, keys, path: str, where: str) -> str:
    present = [k for k in keys if k in entry]
    if not present:
        raise ScriptError(f"{path}: {where}: missing q (the query text)")
    if len(present) > 1:
        raise ScriptError(f"{path}: {where}: give either q or text, not both")
    q = entry[present[0]]
    if not isinstance(q, str) or not q.strip():
        raise ScriptError(f"{path}: {where}: {present[0]} must be a non-empty string")
    return q


def _options(entry: dict, path: str, where: str, allowed, skip=(), ignore_underscore=False) -> dict:
    """Check option keys and values; returns Searcher.search keyword arguments."""
    out: Dict[str, Any] = {}
    for key, value in entry.items():
        if key in skip or (ignore_underscore and key.startswith("_")):
            continue
        if key not in allowed:
            raise ScriptError(
                f"{path}: {where}: unknown key {key!r} (known: q, {', '.join(allowed)})"
            )
        try:
            name, checked = _option(key, value)
        except (QueryError, ValueError) as exc:
            raise ScriptError(f"{path}: {where}: {key}: {exc}") from None
        out[name] = checked
    return out


def _option(key: str, value: Any):
    from .dates import parse_date

    if key in ("limit", "page", "snippets"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number, not {value!r}")
        if value < (0 if key == "snippets" else 1):
            raise ValueError(f"must be at least {0 if key == 'snippets' else 1}, not {value}")
        return key, value
    if key in ("from", "to"):
        if isinstance(value, (datetime.date, datetime.datetime)):
            value = value.strftime("%Y-%m-%d")
        elif isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError(f"must be a date like 2023, 2023-10 or 2023-10-05, not {value!r}")
        return ("date_from" if key == "from" else "date_to"), parse_date(value)
    if key == "province":
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"must be a province name, not {value!r}")
        return key, value
    if key == "sort":
        if value not in ("score", "date"):
            raise ValueError(f"must be score or date, not {value!r}")
        return key, value
    if key == "facets":
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
        return key, value
    raise ValueError("unknown option")  # pragma: no cover - keys are checked first


def _check_range(options: dict, path: str, where: str) -> dict:
    lo, hi = options.get("date_from"), options.get("date_to")
    if lo and hi:
        from .dates import date_key

        if date_key(lo) > date_key(hi, upper=True):
            raise ScriptError(f"{path}: {where}: empty date range: from {lo} is after to {hi}")
    return options


# ---- running -------------------------------------------------------------------


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
    from .search import Searcher

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
            if new:
                result = _run_new(searcher, query, options, seen)
            else:
                res = searcher.search(query.q, suggest=False, **options)
                result = QueryResult(query, res.total, res.took_ms, res.hits, res.facets, res.warnings)
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


# ---- formatting ----------------------------------------------------------------


def result_record(result: QueryResult) -> dict:
    """The JSON record of one query: what ``--format jsonl`` prints on one line."""
    record = {
        "query": result.name,
        "total": result.total,
        "took_ms": round(result.took_ms, 2),
        "hits": [
            {
                "rank": hit.rank,
                "id": hit.id,
                "score": hit.score,
                "title": hit.title,
                "date": hit.date,
                "province": hit.province,
                "snippets": [s.to_dict() for s in hit.snippets],
            }
            for hit in result.hits
        ],
    }
    if result.query.options.get("facets"):
        record["facets"] = result.facets
    return record


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _cut(text: str, width: int) -> str:
    text = _one_line(text)
    return text if len(text) <= width else text[: max(0, width - 1)].rstrip() + "…"


def table_lines(result: QueryResult, width: int = 100) -> List[str]:
    """A readable summary of one query's hits."""
    noun = "hit" if result.total == 1 else "hits"
    lines = [f"{result.name}: {result.total} {noun} ({result.took_ms:.1f} ms)  q={result.query.q!r}"]
    for hit in result.hits:
        head = f"  {hit.rank:>3}. {hit.date or '-':<10} {_cut(hit.province or '-', 14):<14} "
        lines.append(head + _cut(f"{hit.title} [{hit.id}]", max(20, width - len(head))))
        if hit.snippets:
            lines.append(" " * 7 + _cut(hit.snippets[0].text, max(20, width - 7)))
    return lines


def write_results(
    results: Iterable[QueryResult],
    fmt: str,
    out: IO[str],
    width: int = 100,
    script: Optional[Script] = None,
) -> int:
    """Write ``results`` to ``out`` in ``fmt`` (table, json, jsonl, csv), streaming
    where the format allows. Returns the number of queries written."""
    if fmt not in FORMATS:
        raise ScriptError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    count = 0
    if fmt == "json":
        records = [result_record(r) for r in results]
        doc = {"script": script.path if script else None, "queries": records}
        out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return len(records)
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(CSV_COLUMNS)
    for result in results:
        if fmt == "jsonl":
            out.write(json.dumps(result_record(result), ensure_ascii=False) + "\n")
        elif fmt == "csv":
            for hit in result.hits:
                snippet = _one_line(hit.snippets[0].text) if hit.snippets else ""
                writer.writerow([result.name, hit.rank, hit.id, hit.score, hit.title,
                                 hit.date or "", hit.province or "", snippet])
        else:
            if count:
                out.write("\n")
            out.write("\n".join(table_lines(result, width)) + "\n")
        count += 1
        out.flush()
    return count
