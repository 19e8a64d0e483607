"""A request's search options: read from the URL, checked and bounded.

The names are the CLI's options (``q`` is the query; ``from``, ``to``, ``province``,
``merged``, ``since``, ``sort``, ``facets``, ``match``, ``type``, ``number``, ``issuer``,
``signer``, ``speaker``, ``collapse``, ``limit``, ``page``), and the
messages are the CLI's. Bounds keep one request cheap: the query's length, the page
size and how deep paging goes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from ..errors import QueryError
from ..options import check_text, checked_date, checked_since

__all__ = ["MAX_QUERY_CHARS", "MAX_LIMIT", "MAX_PAGE", "SearchRequest", "search_request",
           "bounded_text", "checked_id"]

MAX_QUERY_CHARS = 500
MAX_LIMIT = 100
MAX_PAGE = 200
MAX_ID_CHARS = 1000
DEFAULT_LIMIT = 10
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


@dataclass
class SearchRequest:
    """What one search asks for: the query text and Searcher.search's keyword options."""

    q: str
    options: Dict[str, Any]
    raw: Dict[str, str]  # the parameters as given (non-empty ones), for links and exports


def bounded_text(name: str, value: Optional[str], limit: int = MAX_QUERY_CHARS) -> Optional[str]:
    """``value`` stripped (None when empty), refused when longer than ``limit`` characters."""
    if value is None:
        return None
    check_text(name, value)
    value = value.strip()
    if len(value) > limit:
        raise QueryError(f"{name} is {len(value)} characters long; at most {limit} are taken")
    return value or None


def checked_id(value: str) -> str:
    """A document id from a URL, exactly as given (never stripped: an id is matched whole)."""
    check_text("the id", value)
    if len(value) > MAX_ID_CHARS:
        raise QueryError(f"the id is {len(value)} characters long; at most {MAX_ID_CHARS} are taken")
    return value


def _int(params: Mapping[str, str], name: str, default: int, high: int) -> int:
    value = (params.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= high:
        raise QueryError(f"{name} must be a whole number from 1 to {high}, not {value[:20]!r}")
    return int(value)


def _flag(params: Mapping[str, str], name: str) -> bool:
    value = (params.get(name) or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise QueryError(f"{name} must be true or false, not {value[:20]!r}")


def _choice(params: Mapping[str, str], name: str, choices, default: str) -> str:
    value = (params.get(name) or "").strip() or default
    if value not in choices:
        raise QueryError(f"unknown {name} {value[:20]!r}: use {' or '.join(choices)}")
    return value


def search_request(params: Mapping[str, str], facets_default: bool = False) -> SearchRequest:
    """The search a URL's parameters ask for, or a QueryError saying what is wrong."""
    q = bounded_text("the query", params.get("q")) or ""
    province = bounded_text("province", params.get("province"), 100)
    options: Dict[str, Any] = {
        "limit": _int(params, "limit", DEFAULT_LIMIT, MAX_LIMIT),
        "page": _int(params, "page", 1, MAX_PAGE),
        "date_from": checked_date("from", bounded_text("from", params.get("from"), 40)),
        "date_to": checked_date("to", bounded_text("to", params.get("to"), 40)),
        "province": province,
        "merged": _flag(params, "merged"),
        "since": checked_since("since", bounded_text("since", params.get("since"), 40)),
        "sort": _choice(params, "sort", ("score", "date"), "score"),
        "facets": _flag(params, "facets") if "facets" in params else facets_default,
        "match": _choice(params, "match", ("auto", "all", "any"), "auto"),
        "doc_type": bounded_text("type", params.get("type"), 100),
        "number": bounded_text("number", params.get("number"), 100),
        "issuer": bounded_text("issuer", params.get("issuer"), 200),
        "signer": bounded_text("signer", params.get("signer"), 100),
        "speaker": bounded_text("speaker", params.get("speaker"), 100),
        "collapse": _flag(params, "collapse") if "collapse" in params else True,
    }
    # (defaults left out: the form sends them all, and the URL to share stays short)
    defaults = {"sort": "score", "match": "auto", "page": "1", "merged": "0", "collapse": "1"}
    raw = {k: v.strip() for k, v in params.items()
           if isinstance(v, str) and v.strip() and defaults.get(k) != v.strip()}
    return SearchRequest(q=q, options=options, raw=raw)
