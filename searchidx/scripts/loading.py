"""Loading saved query scripts: TOML or JSONL, every query and option checked up front."""
from __future__ import annotations

import datetime
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from ..dates import date_key, parse_date
from ..doctypes import type_query_names
from ..errors import QueryError, ScriptError
from ..since import parse_since

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib

__all__ = ["OPTION_KEYS", "ScriptQuery", "Script", "load_script", "parse_script"]

OPTION_KEYS = ("limit", "page", "from", "to", "province", "merged", "since", "sort", "facets", "snippets",
               "any", "all", "type", "number", "issuer", "signer", "collapse", "speaker")


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
    """A checked script: its queries in order."""

    path: str  # absolute
    format: str  # "toml" or "jsonl"
    queries: List[ScriptQuery]


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
        queries.append(ScriptQuery(name, q, _final_options(options, path, where), where))
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
        queries.append(ScriptQuery(name, q, _final_options(options, path, where), where))
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
    if key == "since":  # a moment, or a span back from when the script is loaded
        if isinstance(value, datetime.datetime):
            return key, value.timestamp()
        if isinstance(value, datetime.date):
            value = value.strftime("%Y-%m-%d")
        if not isinstance(value, str):
            raise ValueError(f"must be a date like 2025-06-01 or a span like 7d, not {value!r}")
        return key, parse_since(value)
    if key in ("province", "speaker"):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"must be a {key} name, not {value!r}")
        return key, value
    if key in ("type", "number", "issuer", "signer"):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"must be text, not {value!r}")
        if key == "type" and not type_query_names(value):  # said on load, not mid-run
            raise ValueError(f"unknown document type {value!r} (such as \"biên bản\", bao cao, BB)")
        return ("doc_type" if key == "type" else key), value
    if key == "sort":
        if value not in ("score", "date"):
            raise ValueError(f"must be score or date, not {value!r}")
        return key, value
    if key in ("facets", "merged", "any", "all", "collapse"):
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
        if key in ("any", "all"):
            # any = true: ranked, any word; all = true: every word; false: the default.
            return "match", key if value else "auto"
        return key, value
    raise ValueError("unknown option")  # pragma: no cover - keys are checked first


def _final_options(options: dict, path: str, where: str) -> dict:
    lo, hi = options.get("date_from"), options.get("date_to")
    if lo and hi:
        if date_key(lo) > date_key(hi, upper=True):
            raise ScriptError(f"{path}: {where}: empty date range: from {lo} is after to {hi}")
    return options

