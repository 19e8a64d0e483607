"""The ``searchidx`` command: a thin click layer over the library.

Every command parses its options, calls the library, and prints. Library errors
(SearchIdxError) and OS errors become a one-line ``Error: …`` on stderr with exit
status 1; click's usage errors exit with 2; ``--debug`` shows the traceback instead.
Library modules are imported inside the commands, so ``--help`` and shell
completion start fast.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import sys
import time
from typing import List, Optional, Sequence, Tuple

import click

from . import __version__

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# ---- state, errors, output helpers ------------------------------------------


class State:
    """What the group's options decide for every command (``ctx.obj``)."""

    def __init__(self, index: Optional[str], debug: bool):
        self.index = index
        self.debug = debug

    @property
    def index_path(self) -> str:
        """--index, else $SEARCHIDX_INDEX, else .searchidx (see resolve_index_path)."""
        from .index import resolve_index_path

        return resolve_index_path(self.index)

    def open(self, create: bool = False):
        from .index import open_index

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
            raise click.ClickException(_error_message(exc)) from None


def _error_message(exc: BaseException) -> str:
    from .errors import SearchIdxError

    if isinstance(exc, SearchIdxError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)"


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def _width() -> int:
    """Output width: the terminal's (or $COLUMNS), within sensible bounds."""
    return max(40, min(shutil.get_terminal_size((100, 24)).columns, 160))


def _style_mode(color: Optional[bool]) -> str:
    """'color', 'bold' or 'plain' for marked words, from --color/--no-color and the output.

    Explicit ``--color`` always colors. Otherwise a terminal gets color unless
    NO_COLOR is set or ``--no-color`` is given, in which case marks are bold. A pipe
    gets plain text with no escape codes.
    """
    if color:
        return "color"
    if not _isatty(sys.stdout):
        return "plain"
    if color is None and not os.environ.get("NO_COLOR"):
        return "color"
    return "bold"


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _mark(text: str, mode: str) -> str:
    if mode == "color":
        return click.style(text, fg="yellow", bold=True)
    if mode == "bold":
        return click.style(text, bold=True)
    return text


def _echo(line: str = "", mode: str = "plain") -> None:
    click.echo(line, color=True if mode != "plain" else None)


def _wrap_marked(text: str, marks: Sequence[Tuple[int, int]], width: int, indent: str,
                 mode: str) -> List[str]:
    """Wrap ``text`` to ``width`` columns, styling the ``marks`` spans (offsets into text)."""
    import re

    lines: List[str] = []
    line: List[str] = []
    used = len(indent)
    for m in re.finditer(r"\S+", text):
        start, end = m.span()
        word = m.group()
        if line and used + 1 + len(word) > width:
            lines.append(indent + " ".join(line))
            line, used = [], len(indent)
        pieces, pos = [], start
        for a, b in marks:
            a, b = max(a, start), min(b, end)
            if a >= b:
                continue
            pieces.append(text[pos:a])
            pieces.append(_mark(text[a:b], mode))
            pos = b
        pieces.append(text[pos:end])
        used += len(word) + (1 if line else 0)
        line.append("".join(pieces))
    if line:
        lines.append(indent + " ".join(line))
    return lines


def _json_out(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _check_date(option: str, value: Optional[str]) -> Optional[str]:
    from .errors import QueryError
    from .dates import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except QueryError as exc:
        raise QueryError(f"{option}: {exc}") from None


def _check_text(what: str, value: Optional[str]) -> None:
    """Arguments that are not UTF-8 reach Python as lone surrogates: refuse them here."""
    from .errors import QueryError

    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(f"{what} is not valid UTF-8 text (check the terminal's encoding)") from None


def _complete_ids(ctx: click.Context, param, incomplete: str):
    """Shell completion for document ids, from the index's manifest."""
    try:
        from .index import open_index

        index = open_index(ctx.find_root().params.get("index"))
        with index.manifest() as manifest:
            ids = manifest.ids()
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    return [i for i in ids if i.startswith(incomplete)][:200]


color_option = click.option(
    "--color/--no-color",
    default=None,
    help="Force marked words in color, or mark them in bold only. "
    "Default: color on a terminal unless NO_COLOR is set; plain text in a pipe.",
)


# ---- the group ----------------------------------------------------------------


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


# ---- index ------------------------------------------------------------------


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
    from .errors import SearchIdxError

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
    show_progress = not quiet and _isatty(sys.stderr)
    if rebuild:
        from .rebuild import rebuild_index

        report = _index_with_progress(
            lambda progress: rebuild_index(state.index_path, list(paths), progress=progress, **options),
            show_progress)
    else:
        from .indexer import index_paths

        index = state.open(create=True)
        report = _index_with_progress(
            lambda progress: index_paths(index, list(paths), progress=progress, **options), show_progress)
    for error in report.errors:
        _warn(str(error))
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


# ---- search -------------------------------------------------------------------


@cli.command()
@click.argument("query")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=10, show_default=True,
              help="Hits per page.")
@click.option("--page", "-p", type=click.IntRange(min=1), default=1, show_default=True,
              help="Page of hits to show.")
@click.option("--from", "date_from", metavar="DATE", help="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--to", "date_to", metavar="DATE", help="Latest date (a month or year includes all of it).")
@click.option("--province", metavar="NAME", help="Only this province (accents optional).")
@click.option("--sort", type=click.Choice(["score", "date"]), default="score", show_default=True,
              help="Rank by relevance or newest first.")
@click.option("--facets", is_flag=True, help="Count the hits by province and year.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document: hits, marks, facets.")
@color_option
@pass_state
def search(state: State, query, limit, page, date_from, date_to, province, sort, facets, as_json,
           color) -> None:
    """Search the index with QUERY and print ranked hits with snippets.

    QUERY takes words with or without diacritics, "quoted phrases", AND, OR,
    NOT, -word, parentheses, and the fields title:, province:, people: and
    date: (date:2023-10, date:[2023-01 TO 2023-06]). A search with no hits
    exits with status 0.

    Example:

    \b
        searchidx search "nhan quyen"
        searchidx search "quyền con người" --province "Hà Giang" --facets
        searchidx search "chuyen doi so" --from 2023-01 --to 2024-12 --json
    """
    from .search import Searcher

    _check_text("the query", query)
    _check_text("--province", province)
    date_from = _check_date("--from", date_from)
    date_to = _check_date("--to", date_to)
    index = state.open()
    with Searcher(index) as searcher:
        results = searcher.search(query, limit=limit, page=page, date_from=date_from,
                                  date_to=date_to, province=province, sort=sort, facets=facets)
    for warning in results.warnings:
        _warn(warning)
    if as_json:
        _json_out(results.to_dict())
        return
    _print_results(results, _style_mode(color), _width())


def _print_results(results, mode: str, width: int) -> None:
    total = results.total
    shown = f'"{results.query}"' if '"' not in results.query else f"'{results.query}'"
    first = (results.page - 1) * results.limit + 1
    if not results.hits:
        note = f" on page {results.page} ({total} in all)" if total else ""
        _echo(f"No hits for {shown}{note}.", mode)
    else:
        last = first + len(results.hits) - 1
        noun = "hit" if total == 1 else "hits"
        _echo(f"{total} {noun} for {shown}, showing {first}-{last} "
              f"({results.took_ms:.0f} ms)", mode)
    if results.suggestions:
        _echo("Did you mean: " + " | ".join(_mark(s, mode) for s in results.suggestions), mode)
    for hit in results.hits:
        _echo("", mode)
        head = f"{hit.rank:>3}. "
        pad = " " * len(head)
        title = hit.title or hit.id
        lines = _wrap_marked(title, [(0, len(title))] if mode != "plain" else [], width, pad, "bold")
        lines[0] = head + lines[0].lstrip()
        meta = [hit.date or "no date", hit.province or "no province", hit.id, f"score {hit.score:.2f}" if hit.score is not None else "sorted by date"]
        lines += _wrap_marked(" · ".join(meta), [], width, pad, "plain")
        for line in lines:
            _echo(line, mode)
        for snippet in hit.snippets:
            lines = _wrap_marked(snippet.text, snippet.marks, width, " " * (len(head) + 2), mode)
            if lines:
                page = f"p. {snippet.page}: " if snippet.page is not None else ""
                lines[0] = " " * len(head) + "… " + page + lines[0].lstrip()
            for line in lines:
                _echo(line, mode)
    if results.facets:
        _echo("", mode)
        for name, counts in results.facets.items():
            listed = ", ".join(f"{key} ({count})" for key, count in counts.items()) or "none"
            for line in _wrap_marked(f"{name}: {listed}", [], width, "", "plain"):
                _echo(line, mode)


# ---- show ----------------------------------------------------------------------


@cli.command()
@click.argument("doc_id", metavar="ID", shell_complete=_complete_ids)
@click.option("--query", "-q", metavar="QUERY", help="Mark the words of this query in the text.")
@click.option("--json", "as_json", is_flag=True, help="The document as JSON (marks as offsets).")
@color_option
@pass_state
def show(state: State, doc_id, query, as_json, color) -> None:
    """Show one document: its metadata and its text.

    ID is a document id as `search` prints it. With --query, the query's words
    are marked in the text (with --json, as [start, end] offsets into "text").

    Example:

    \b
        searchidx show 2023/hau-giang-boi-duong-nhan-quyen.txt --query "nhan quyen"
    """
    from .errors import SearchIdxError
    from .search import Searcher

    _check_text("the id", doc_id)
    _check_text("--query", query)
    index = state.open()
    with Searcher(index) as searcher:
        doc = searcher.document(doc_id)
        if doc is None:
            raise SearchIdxError(f"no document with id {doc_id!r} in {index.path}")
        marks = searcher.marks(doc["text"], query) if query else []
    if as_json:
        if query:
            doc["query"] = query
            doc["marks"] = [list(m) for m in marks]
        _json_out(doc)
        return
    mode = _style_mode(color)
    width = _width()
    title = doc.get("title") or doc_id
    _echo(click.style(title, bold=True) if mode != "plain" else title, mode)
    fields = [
        ("id", doc.get("id")),
        ("date", doc.get("date")),
        ("province", doc.get("province")),
        ("people", ", ".join(doc.get("people") or [])),
        ("agencies", ", ".join(doc.get("agencies") or [])),
        ("path", doc.get("path")),
        ("format", doc.get("format")),
    ]
    fields += [(str(k), json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)
               for k, v in sorted((doc.get("extra") or {}).items())]
    for name, value in fields:
        if value:
            _echo(f"{name + ':':<10} {value}", mode)
    if query:
        _echo(f"{'marks:':<10} {len(marks)} for {query!r}", mode)
    _echo("", mode)
    text = doc["text"]
    pos = 0
    for paragraph in text.split("\n"):
        start, end = pos, pos + len(paragraph)
        pos = end + 1
        local = [(a - start, b - start) for a, b in marks if a >= start and b <= end]
        lines = _wrap_marked(paragraph, local, width, "", mode)
        for line in lines or [""]:
            _echo(line, mode)


# ---- remove ------------------------------------------------------------------


@cli.command()
@click.argument("doc_ids", nargs=-1, required=True, metavar="ID...", shell_complete=_complete_ids)
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
    from .errors import SearchIdxError
    from .search import Searcher

    index = state.open()
    ids = list(dict.fromkeys(doc_ids))
    with Searcher(index) as searcher:
        unknown = [i for i in ids if searcher.document(i) is None]
    if unknown:
        raise SearchIdxError(f"no document with id {', '.join(map(repr, unknown))}; nothing removed")
    from .writer import IndexWriter

    with IndexWriter(index, wait=wait) as writer:
        for doc_id in ids:
            writer.remove(doc_id)
    click.echo(f"Removed {len(ids)} document{'s' if len(ids) != 1 else ''}.")


# ---- stats ---------------------------------------------------------------------


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="The statistics as JSON.")
@pass_state
def stats(state: State, as_json) -> None:
    """Show what the index holds: documents, size, dates, provinces, years.

    Example:

    \b
        searchidx stats
        searchidx stats --json
    """
    index = state.open()
    info = index.stats()
    if as_json:
        _json_out(info)
        return
    width = _width()
    last = info.get("last_indexed")
    rows = [
        ("Index", info.get("index", index.path)),
        ("Documents", str(info["documents"])),
        ("Size", _human_size(info["size_bytes"])),
        ("Dates", f"{info.get('date_from') or '?'} to {info.get('date_to') or '?'}"),
        ("Indexed", time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(last)) if last else "never"),
    ]
    for name, value in rows:
        click.echo(f"{name + ':':<12} {value}")
    for name, key in (("Provinces", "by_province"), ("Years", "by_year")):
        counts = info.get(key) or {}
        shown = ", ".join(f"{k or '(none)'} ({v})" for k, v in counts.items()) or "none"
        lines = _wrap_marked(shown, [], width, " " * 13, "plain")
        if lines:
            lines[0] = f"{name + ':':<12} " + lines[0].lstrip()
        for line in lines:
            click.echo(line)


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


# ---- analyze -----------------------------------------------------------------


@cli.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="The tokens as a JSON list.")
@click.option("--field", "fields", multiple=True, metavar="NAME",
              help="Only this field's tokens (body, words, body_folded, words_folded, body_pairs); repeatable.")
def analyze(text, as_json, fields) -> None:
    """Show the tokens the analyzer makes of TEXT, field by field.

    Each token has its position, its [start, end) offsets into TEXT (after NFC
    normalization) and the surface form those offsets cover. Needs no index.

    Example:

    \b
        searchidx analyze "Bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh"
        searchidx analyze "Nghị định 15/2020/NĐ-CP" --field words --json
    """
    from .analysis import explain

    tokens = explain(text)
    if fields:
        tokens = [t for t in tokens if t["field"] in fields]
    if as_json:
        _json_out(tokens)
        return
    header = ("field", "pos", "start-end", "token", "surface")
    rows = [(t["field"], str(t["pos"]), f"{t['start']}-{t['end']}", t["text"], t["surface"])
            for t in tokens]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])


# ---- run ---------------------------------------------------------------------


@cli.command()
@click.argument("script", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]),
              default="table", show_default=True, help="Output format.")
@click.option("--new", is_flag=True,
              help="Only hits not reported by the previous --new run of each query.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=None,
              help="Hits per query, overriding the script's limits.")
@click.option("--snippets", type=click.IntRange(min=0), default=None,
              help="Snippets per hit (default 1; 0 for none, fastest).")
@pass_state
def run(state: State, script, fmt, new, limit, snippets) -> None:
    """Run the saved query script SCRIPT (.toml or .jsonl).

    The whole script is checked before any query runs. Queries run in the
    script's order with one open searcher; with --new, a query reports only the
    hits its previous --new run did not (state is kept in the index folder).

    Example:

    \b
        searchidx run examples/weekly.toml
        searchidx run examples/weekly.toml --format jsonl --limit 3
    """
    from .scripts import iter_results, load_script, write_results

    loaded = load_script(script)
    index = state.open()
    results = iter_results(index, loaded, limit=limit, new=new, snippets=snippets)
    write_results(_warning_results(results), fmt, sys.stdout, width=_width(), script=loaded)


def _warning_results(results):
    """Pass results through, telling stderr how each query was read leniently."""
    for result in results:
        for warning in result.warnings:
            _warn(f"{result.query.where}: {warning}")
        yield result
