"""Commands that change the index: index (add, update, prune, rebuild) and remove."""
from __future__ import annotations

import os
import sys
import time
from typing import Optional

import click

from . import output
from .arguments import complete_ids
from .group import State, cli, pass_state


@cli.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--prune", is_flag=True, help="Remove documents whose files are gone from PATH, or now excluded.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary line.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="Wait this long for another writer to release the index.",
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="Build a fresh index from PATH in a temporary folder and swap it in when complete.",
)
@click.option("--procs", type=click.IntRange(min=1), default=None,
              help="Processes for analysis.  [default: one per core]")
@click.option(
    "--cluster",
    envvar="SEARCHIDX_CLUSTER",
    metavar="ADDRESS",
    help="Analyze on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786); "
    "needs the cluster extra.  [env: SEARCHIDX_CLUSTER]",
)
@click.option(
    "--max-doc-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="MB",
    help="Skip (and report) a document with more text than this.  [default: 4]",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Leave out files matching this gitignore-style pattern (repeatable), "
    "as a .searchidxignore line would.",
)
@pass_state
def index_cmd(state: State, paths, prune, quiet, wait, rebuild, procs, cluster, max_doc_mb,
              exclude) -> None:
    """Add, update (and with --prune, remove) the documents under PATH.

    Folders are read recursively; unchanged files are skipped. Files matching a
    line of a .searchidxignore (in a PATH folder or in the index folder;
    gitignore syntax) or an --exclude pattern are left out. A file that cannot
    be read is reported on stderr and skipped, and the run goes on: the exit
    status is 0 unless no file at all could be read, or two files give one
    document id (1). With --rebuild the old index keeps answering searches until
    the new one is complete.

    Example:

    \b
        searchidx index corpus/
        searchidx index --prune --quiet corpus/
        searchidx index corpus/ --exclude "*.md" --exclude "batch/"
    """
    from ..errors import SearchIdxError

    missing = [p for p in paths if not os.path.exists(p)]
    if missing and not prune:
        raise SearchIdxError(f"no such file or folder: {', '.join(missing)}")
    options = {"prune": prune, "wait": wait, "exclude": list(exclude)}
    if procs:
        options["procs"] = procs
    if cluster:
        options["cluster"] = cluster
    if max_doc_mb:
        options["max_doc_bytes"] = int(max_doc_mb * (1 << 20))
    chunk = os.environ.get("SEARCHIDX_CHUNK_DOCS")  # internal: documents per commit
    if chunk:
        if not chunk.isdigit() or int(chunk) < 1:
            raise SearchIdxError(f"SEARCHIDX_CHUNK_DOCS must be a whole number of documents, not {chunk!r}")
        options["chunk_docs"] = int(chunk)
    seconds = os.environ.get("SEARCHIDX_COMMIT_SECONDS")  # internal: the most work per commit
    if seconds:
        try:
            options["chunk_seconds"] = float(seconds)
        except ValueError:
            raise SearchIdxError(
                f"SEARCHIDX_COMMIT_SECONDS must be a number of seconds, not {seconds!r}") from None
    show_progress = not quiet and output.isatty(sys.stderr)
    if rebuild:
        from ..rebuild import rebuild_index

        report = _index_with_progress(
            lambda progress: rebuild_index(state.index_path, list(paths), progress=progress, **options),
            show_progress)
    else:
        from ..indexer import index_paths

        index = state.open(create=True)
        report = _index_with_progress(
            lambda progress: index_paths(index, list(paths), progress=progress, **options), show_progress)
    collisions = report.collisions
    for error in report.errors:
        if error not in collisions:
            output.warn(str(error))
    if not quiet:
        click.echo(report.summary())
    for error in collisions[:-1]:
        click.echo(f"Error: {error}", err=True)
    if collisions:  # the rest is indexed, but a document is missing: not a success
        raise SearchIdxError(str(collisions[-1]))
    done = report.added + report.updated + report.unchanged + report.removed
    if report.failed and not done:
        raise SearchIdxError(f"no document could be read ({report.failed} failed)")


def _index_with_progress(run, show_progress: bool):
    """``run(progress)``, with a progress bar on the terminal when ``show_progress``."""
    if not show_progress:
        return run(None)
    display = _IndexingProgress()
    try:
        return run(display)
    finally:
        display.close()


class _IndexingProgress:
    """The bar of the indexing phase (bytes of input, a rate and the time left), then a
    line for the final merge and commit, which can take a while after a large run."""

    def __init__(self):
        self.bar = None
        self.started = time.monotonic()
        self.committing: Optional[float] = None

    def __call__(self, done: int, total: int, phase: str) -> None:
        from ..indexer import PHASE_COMMITTING, PHASE_DONE

        if phase == PHASE_COMMITTING:
            self._close_bar()
            self.committing = time.monotonic()
            click.echo("Merging and committing ...", file=sys.stderr, nl=False)
        elif phase == PHASE_DONE:
            if self.committing is not None:
                click.echo(f" done in {time.monotonic() - self.committing:.1f} s", file=sys.stderr)
                self.committing = None
        else:
            if self.bar is None:
                self.bar = click.progressbar(
                    length=max(1, total), label="Indexing", file=sys.stderr, show_eta=True,
                    show_percent=True, item_show_func=lambda text: text,
                )
                self.bar.__enter__()
            rate = done / max(1e-6, time.monotonic() - self.started)
            text = f"{_megabytes(done)} of {_megabytes(total)} MB, {_megabytes(rate)} MB/s"
            self.bar.update(max(0, done - self.bar.pos), text)

    def _close_bar(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def close(self) -> None:
        self._close_bar()
        if self.committing is not None:  # interrupted while committing
            click.echo("", file=sys.stderr)


def _megabytes(count: float) -> str:
    return f"{count / 1e6:.1f}" if count >= 1e5 else f"{count / 1e6:.2f}"


@cli.command()
@click.argument("doc_ids", nargs=-1, required=True, metavar="ID...", shell_complete=complete_ids)
@click.option("--wait", type=click.FloatRange(min=0), default=0.0, metavar="SECONDS",
              help="Wait this long for another writer to release the index.")
@pass_state
def remove(state: State, doc_ids, wait) -> None:
    """Remove documents from the index by id.

    Nothing is removed if any ID is unknown (exit status 1). The file is not
    touched: a later `index` run may add the document back, so delete the file too.

    Example:

    \b
        searchidx remove ban-tin-2024-06
    """
    from ..errors import SearchIdxError
    from ..search import Searcher

    index = state.open()
    ids = list(dict.fromkeys(doc_ids))
    with Searcher(index) as searcher:
        unknown = [i for i in ids if searcher.document(i) is None]
    if unknown:
        raise SearchIdxError(f"no document with id {', '.join(map(repr, unknown))}; nothing removed")
    from ..writer import IndexWriter

    with IndexWriter(index, wait=wait) as writer:
        for doc_id in ids:
            writer.remove(doc_id)
    click.echo(f"Removed {len(ids)} document{'s' if len(ids) != 1 else ''}.")
