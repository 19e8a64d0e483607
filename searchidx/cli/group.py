"""The command group: its options, the state every command shares, and error handling.

Library errors (SearchIdxError) and OS errors become a one-line ``Error: …`` on
stderr with exit status 1; click's usage errors exit with 2; ``--debug`` shows
the traceback instead. Library modules are imported inside the commands, so
``--help`` and shell completion start fast.
"""
from __future__ import annotations

import errno
from typing import Optional

import click

from .. import __version__

__all__ = ["State", "pass_state", "SearchIdxGroup", "cli", "main"]

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class State:
    """What the group's options decide for every command (``ctx.obj``)."""

    def __init__(self, index: Optional[str], debug: bool):
        self.index = index
        self.debug = debug

    @property
    def index_path(self) -> str:
        """--index, else $SEARCHIDX_INDEX, else .searchidx (see resolve_index_path)."""
        from ..index import resolve_index_path

        return resolve_index_path(self.index)

    def open(self, create: bool = False):
        from ..index import open_index

        return open_index(self.index_path, create=create)


pass_state = click.make_pass_decorator(State)


class SearchIdxGroup(click.Group):
    """A group that turns library and OS errors into one-line errors (exit 1)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            state = ctx.obj if isinstance(ctx.obj, State) else None
            if state is not None and state.debug:
                raise
            click.echo("Interrupted: nothing half-written was kept (an index run keeps the "
                       "chunks it committed; run it again to finish).", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - no traceback reaches the user
            if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
                raise  # click quiets a closed pipe (searchidx search x | head)
            state = ctx.obj if isinstance(ctx.obj, State) else None
            if (state is not None and state.debug) or ctx.params.get("debug"):
                raise
            raise click.ClickException(error_message(exc)) from None


def error_message(exc: BaseException) -> str:
    """The one line that tells the user what went wrong."""
    from ..errors import SearchIdxError

    if isinstance(exc, SearchIdxError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)"


@click.group(cls=SearchIdxGroup, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--index",
    "index",
    metavar="DIR",
    envvar="SEARCHIDX_INDEX",
    type=click.Path(file_okay=False),
    help="Index folder. Default: $SEARCHIDX_INDEX, else .searchidx in the current folder.",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.version_option(__version__, "--version", prog_name="searchidx", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, index: Optional[str], debug: bool) -> None:
    """Vietnamese-aware full-text search for government meeting transcripts.

    Index folders of reports (.txt, .md, .json, .jsonl), then search them with or
    without diacritics, filter by date and province, and run saved query scripts.

    Example:

    \b
        searchidx index corpus/
        searchidx search "nhan quyen" --province "Hậu Giang"
    """
    ctx.obj = State(index, debug)


def main() -> None:
    """Entry point of the console script and of ``python -m searchidx``."""
    cli(prog_name="searchidx")
