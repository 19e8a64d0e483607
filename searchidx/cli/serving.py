"""The serve command: the search page and JSON API of searchidx.serve, run by uvicorn."""
from __future__ import annotations

import click

from .group import State, cli, pass_state


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default lets only this computer in; 0.0.0.0 "
                   "opens the index to the whole network.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True,
              help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes serving requests: searches run on this many cores at once.")
@click.option("--cache", type=click.IntRange(min=0), default=256, show_default=True,
              help="Searches whose results each process keeps until the next commit (0: none).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser.")
@pass_state
def serve(state: State, host, port, workers, cache, open_browser) -> None:
    """Serve the index read-only: a search page and a JSON API, until Ctrl-C.

    The page (http://127.0.0.1:8080/) searches with the query language, filters
    by province, year and date, and shows each document with its matches marked.
    The API: /api/search (the JSON of search --json, with its options as
    parameters), /api/documents/ID (show --json), /api/stats (stats --json),
    /api/openapi.json. Indexing may go on meanwhile: each commit is seen at once.
    Needs the serve extra: pip install "searchidx[serve]".

    Example:

    \b
        searchidx serve
        searchidx serve --port 8000 --open
        searchidx serve --workers 2
    """
    from ..errors import SearchIdxError
    from ..serve import missing_dependency, run

    missing = missing_dependency()
    if missing:
        raise SearchIdxError(f"serve needs {missing}, which is not installed: "
                             f"pip install \"searchidx[serve]\"")
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"

    def ready() -> None:
        click.echo(f"Serving {state.index_path} at {url} (Ctrl-C to stop)", err=True)
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    run(state.index_path, host=host, port=port, workers=workers, cache=cache,
        on_ready=ready)
