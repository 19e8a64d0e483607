"""Commands that change the index: index (add, update, prune, rebuild) and remove."""
from __future__ import annotations

import os
import sys

import click

from . import output
from .arguments import complete_ids
from .group import State, cli, pass_state


@cli.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--prune", is_flag=True, help="Remove documents whose files are gone from PATH.")
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
@click.option("--procs", type=click.IntRange(min=1), default=None, help="Processes for analysis.")
@click.option(
    "--max-doc-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="MB",
    help="Skip (and report) a document with more text than this.  [default: 4]",
)
@pass_state
def index_cmd(state: State, paths, prune, quiet, wait, rebuild, procs, max_doc_mb) -> None:
    """Add, update (and with --prune, remove) the documents under PATH.

    Folders are read recursively; unchanged files are skipped. A file that cannot
    be read is reported on stderr and skipped, and the run goes on: the exit
    status is 0 unless no file at all could be read (1). With --rebuild the old
    index keeps answering searches until the new one is complete.

    Example:

    \b
        searchidx index corpus/
        searchidx index --prune --quiet corpus/
    """
    from ..errors import SearchIdxError

    missing = [p for p in paths if not os.path.exists(p)]
    if missing and not prune:
        raise SearchIdxError(f"no such file or folder: {', '.join(missing)}")
    options = {"prune": prune, "wait": wait}
    if procs:
        options["procs"] = procs
    if max_doc_mb:
        options["max_doc_bytes"] = int(max_doc_mb * (1 << 20))
    chunk = os.environ.get("SEARCHIDX_CHUNK_DOCS")  # internal: documents per commit
    if chunk:
        if not chunk.isdigit() or int(chunk) < 1:
            raise SearchIdxError(f"SEARCHIDX_CHUNK_DOCS must be a whole number of documents, not {chunk!r}")
        options["chunk_docs"] = int(chunk)
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
    for error in report.errors:
        output.warn(str(error))
    if not quiet:
        click.echo(report.summary())
    done = report.added + report.updated + report.unchanged + report.removed
    if report.failed and not done:
        raise SearchIdxError(f"no document could be read ({report.failed} failed)")


def _index_with_progress(run, show_progress: bool):
    """``run(progress)``, with a progress bar on the terminal when ``show_progress``."""
    if not show_progress:
        return run(None)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Indexing", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        return run(progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


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
