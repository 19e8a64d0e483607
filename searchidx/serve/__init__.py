"""`searchidx serve`: a search page and a JSON API over an index, read-only.

app.py builds the Starlette application (routes, errors, safety headers); pool.py
keeps the searchers, each seeing the latest commit; params.py reads and bounds a
request's options; api.py is the JSON API, pages.py the HTML pages (templates/ and
static/ beside them), render.py what the templates show; openapi.py describes the
API. Only this package imports the web stack (starlette, jinja2, uvicorn), and it
reads the index only: it never imports the writer.
"""
from __future__ import annotations

__all__ = ["create_app", "run", "missing_dependency"]

REQUIRED = ("starlette", "uvicorn", "jinja2")


def missing_dependency() -> "str | None":
    """The first package of the ``serve`` extra that is not installed, or None."""
    import importlib.util

    for name in REQUIRED:
        if importlib.util.find_spec(name) is None:
            return name
    return None


def create_app(*args, **kwargs):
    """The Starlette application (see searchidx.serve.app.create_app)."""
    from .app import create_app as make

    return make(*args, **kwargs)


def run(index_path: str, host: str = "127.0.0.1", port: int = 8080, workers: int = 1,
        cache: int = 256, on_ready=None) -> None:
    """Serve the index at ``index_path`` with uvicorn until interrupted, in ``workers``
    processes (each with its own searchers: searches run on that many cores at once),
    each keeping the results of its last ``cache`` searches."""
    import os

    import uvicorn

    from .app import LOOPBACK_HOSTS, create_app

    allowed = list(LOOPBACK_HOSTS) if host in LOOPBACK_HOSTS else None
    app = create_app(index_path, allowed_hosts=allowed, cache=cache)  # opens the index: errors show now
    _check_port(host, port)
    if workers > 1:
        # Each worker process builds its app from the environment (uvicorn imports it by name).
        os.environ["SEARCHIDX_INDEX"] = index_path
        os.environ["SEARCHIDX_SERVE_HOSTS"] = ",".join(allowed or [])
        os.environ["SEARCHIDX_SERVE_CACHE"] = str(cache)
        if on_ready is not None:
            on_ready()
        uvicorn.run("searchidx.serve.app:app_from_environment", factory=True, host=host,
                    port=port, workers=workers, log_level="warning", access_log=False)
        return
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    if on_ready is not None:
        _call_when_started(server, on_ready)
    server.run()


def _check_port(host: str, port: int) -> None:
    """A one-line error now, rather than uvicorn's log line, when the port is taken."""
    import socket

    from ..errors import SearchIdxError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise SearchIdxError(f"cannot listen on {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise SearchIdxError(f"cannot listen on {host}:{port}: {exc.strerror} "
                                 f"(choose another with --port)") from None


def _call_when_started(server, on_ready) -> None:
    import threading
    import time

    def wait():
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            on_ready()

    threading.Thread(target=wait, daemon=True).start()
