"""The HTML pages: the search page, a document's page, and the export of a search.

Every page is a plain GET form and links: it works without JavaScript, and its URL
(``/?q=nhan+quyen&province=Hậu+Giang``) can be bookmarked and shared. A bad query or
date is shown on the page, with status 400, as the CLI would say it.
"""
from __future__ import annotations

import io

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..errors import QueryError, SearchIdxError, quoted
from ..scripts import QueryResult, ScriptQuery, write_results
from .params import MAX_PAGE, bounded_text, checked_id, search_request
from .render import (NOTICES, active_filters, document_paragraphs, facet_groups, page_links,
                     url_with)

__all__ = ["search_page", "document_page", "export", "MAX_EXPORT"]

MAX_EXPORT = 1000  # hits in one export (the first ones, in the search's order)
SORTS = (("score", "Liên quan nhất"), ("date", "Mới nhất"))
MATCHES = (("auto", "Tự động"), ("all", "Có mọi từ"), ("any", "Có bất kỳ từ nào"))


def _render(request: Request, name: str, context: dict, status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)


def _index_summary(request: Request) -> dict:
    try:
        return request.app.state.pool.index.stats()
    except SearchIdxError:
        return {}


def search_page(request: Request) -> Response:
    params = dict(request.query_params)
    context = {"params": params, "results": None, "error": None, "sorts": SORTS,
               "matches": MATCHES, "stats": _index_summary(request), "notices": NOTICES}
    status = 200
    try:
        wanted = search_request(params, facets_default=True)
        params = {k: v for k, v in wanted.raw.items() if k != "facets"}
        context["params"] = params
        if wanted.q:
            results = request.app.state.pool.search(wanted.q, **wanted.options)
            data = results.to_dict()
            first = (results.page - 1) * results.limit + 1
            context.update({
                "results": data,
                "first": first,
                "last": first + len(results.hits) - 1,
                "facets": facet_groups(results.facets, params),
                "filters": active_filters(params),
                "count": results.hit_count,
                "pages": page_links(params, results.page, results.limit, results.hit_count, MAX_PAGE),
                "previous": url_with("/", params, page=str(results.page - 1)) if results.page > 1 else None,
                "next": (url_with("/", params, page=str(results.page + 1))
                         if first + len(results.hits) <= results.hit_count and results.page < MAX_PAGE
                         else None),
                "suggestions": [(s, url_with("/", params, q=s)) for s in results.suggestions],
                "export_csv": url_with("/export.csv", params),
                "export_json": url_with("/export.json", params),
            })
    except QueryError as exc:
        context["error"] = str(exc)
        status = 400
    return _render(request, "search.html", context, status)


def document_page(request: Request) -> Response:
    doc_id = checked_id(request.path_params["doc_id"])
    query = bounded_text("the query", request.query_params.get("q"))
    doc = request.app.state.pool.document(doc_id, query)
    if doc is None:
        return _render(request, "search.html", {
            "params": {}, "results": None, "sorts": SORTS, "matches": MATCHES, "stats": {},
            "error": f"no document with id {quoted(doc_id)} in the index"}, 404)
    extra = doc.get("extra") or {}
    paragraphs, listed = document_paragraphs(doc["text"], doc.get("marks") or [], extra.get("pages"))
    fields = [(k, v) for k, v in sorted(extra.items()) if k != "pages" and v not in (None, "", [], {})]
    return _render(request, "document.html", {
        "doc": doc, "query": query or "", "paragraphs": paragraphs, "listed": listed,
        "fields": fields, "back": url_with("/", {"q": query} if query else {}),
    })


def export(request: Request) -> Response:
    """The current search's hits (up to MAX_EXPORT) as CSV or JSON, as `searchidx run` writes them."""
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "json"):
        raise HTTPException(404, f"no export as {quoted(fmt)}: use export.csv or export.json")
    params = dict(request.query_params)
    params.pop("limit", None)
    params.pop("page", None)
    wanted = search_request(params, facets_default=False)
    if not wanted.q:
        raise QueryError("the query is missing: give it as q")
    wanted.options.update(limit=MAX_EXPORT, page=1)
    results = request.app.state.pool.search(wanted.q, snippets=1, **wanted.options)
    found = QueryResult.of(ScriptQuery(name=wanted.q, q=wanted.q, options=wanted.options), results)
    out = io.StringIO()
    write_results([found], fmt, out)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json; charset=utf-8"
    return Response(out.getvalue(), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="searchidx.{fmt}"'})
