"""The web application: routes, error handling and the safety headers.

A library error becomes the CLI's one-line message: as JSON under /api/ (400 for a
bad query, date or province, 404 for an unknown id, 503 when the index cannot be
read), on the page elsewhere. Pages send a Content-Security-Policy that allows
only this site's own script and style, so even markup that escaped escaping could
not run.
"""
from __future__ import annotations

import os
from typing import Optional, Sequence

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..errors import QueryError, SearchIdxError
from .api import UnknownDocument, api_document, api_error, api_openapi, api_search, api_stats
from .pages import document_page, export, search_page
from .pool import DEFAULT_CACHE, DEFAULT_POOL_SIZE, SearcherPool
from .render import marked

__all__ = ["create_app", "app_from_environment", "LOOPBACK_HOSTS"]

HERE = os.path.dirname(os.path.abspath(__file__))
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/") or request.url.path.startswith("/export."):
        return api_error(status, message)
    return PlainTextResponse(f"Lỗi: {message}\n", status_code=status)


async def _query_error(request: Request, exc: Exception) -> Response:
    return _error(request, 400, str(exc))


async def _unknown(request: Request, exc: Exception) -> Response:
    return _error(request, 404, str(exc))


async def _library_error(request: Request, exc: Exception) -> Response:
    return _error(request, 503, str(exc))


async def _not_found(request: Request, exc: Exception) -> Response:
    return _error(request, getattr(exc, "status_code", 404), getattr(exc, "detail", "not found"))


class _SecurityHeaders:
    """Adds SECURITY_HEADERS to every response (a pure ASGI middleware: streams untouched)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(index_path: Optional[str] = None, pool_size: int = DEFAULT_POOL_SIZE,
               allowed_hosts: Optional[Sequence[str]] = None, cache: int = DEFAULT_CACHE) -> Starlette:
    """The application serving the index at ``index_path`` read-only.

    ``cache``: how many searches' results to keep (0: none; see pool.py).
    ``allowed_hosts``: the Host headers accepted (the CLI passes the loopback names when it
    binds to loopback, so a web page elsewhere cannot reach it by DNS rebinding).
    """
    pool = SearcherPool(index_path, size=pool_size, cache=cache)  # opens the index: errors show at start
    routes = [
        Route("/", search_page, name="search"),
        Route("/documents/{doc_id:path}", document_page, name="document"),
        Route("/export.{fmt:str}", export, name="export"),
        Route("/api/search", api_search),
        Route("/api/documents/{doc_id:path}", api_document),
        Route("/api/stats", api_stats),
        Route("/api/openapi.json", api_openapi),
        Mount("/static", StaticFiles(directory=os.path.join(HERE, "static")), name="static"),
    ]
    middleware = [Middleware(_SecurityHeaders)]
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={QueryError: _query_error, UnknownDocument: _unknown,
                            SearchIdxError: _library_error, 404: _not_found, 405: _not_found},
    )
    app.state.pool = pool
    # Autoescape everything (not only files named .html): documents are hostile input.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(HERE, "templates")),
                             autoescape=True)
    env.globals["marked"] = marked
    templates = Jinja2Templates(env=env)
    app.state.templates = templates
    return app


def app_from_environment() -> Starlette:
    """The app of one worker process of ``searchidx serve --workers N``: the index from
    $SEARCHIDX_INDEX, the accepted hosts from $SEARCHIDX_SERVE_HOSTS (comma-separated),
    the cache size from $SEARCHIDX_SERVE_CACHE."""
    hosts = [h for h in os.environ.get("SEARCHIDX_SERVE_HOSTS", "").split(",") if h]
    cache = int(os.environ.get("SEARCHIDX_SERVE_CACHE", DEFAULT_CACHE))
    return create_app(os.environ.get("SEARCHIDX_INDEX"), allowed_hosts=hosts or None, cache=cache)
