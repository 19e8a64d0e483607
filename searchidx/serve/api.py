"""The JSON API: search, one document, statistics; errors as JSON with the CLI's messages.

``/api/search`` returns exactly what ``searchidx search --json`` prints,
``/api/documents/{id}`` what ``searchidx show ID --json`` prints (by id only: an id
is looked up in the index, never opened as a path), ``/api/stats`` what
``searchidx stats --json`` prints.
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from ..errors import QueryError, quoted
from .params import bounded_text, checked_id, search_request
from .openapi import openapi_schema

__all__ = ["JSON", "api_search", "api_document", "api_stats", "api_openapi", "api_error",
           "UnknownDocument"]


class JSON(JSONResponse):
    """JSON as the CLI prints it: UTF-8, diacritics kept (not \\u escapes)."""

    def render(self, content) -> bytes:
        import json

        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class UnknownDocument(LookupError):
    """No document has the id asked for (a 404)."""


def api_error(status: int, message: str) -> JSON:
    return JSON({"error": message, "status": status}, status_code=status)


def api_search(request: Request) -> JSON:
    if not (request.query_params.get("q") or "").strip():
        raise QueryError("the query is missing: give it as q (e.g. /api/search?q=nhan+quyen)")
    wanted = search_request(request.query_params)
    results = request.app.state.pool.search(wanted.q, **wanted.options)
    return JSON(results.to_dict())


def api_document(request: Request) -> JSON:
    doc_id = checked_id(request.path_params["doc_id"])
    query = bounded_text("the query", request.query_params.get("q"))
    doc = request.app.state.pool.document(doc_id, query)
    if doc is None:
        raise UnknownDocument(f"no document with id {quoted(doc_id)} in the index")
    return JSON(doc)


def api_stats(request: Request) -> JSON:
    return JSON(request.app.state.pool.index.stats())


def api_openapi(request: Request) -> JSON:
    return JSON(openapi_schema())
