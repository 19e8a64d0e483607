"""Commands that describe: stats (what the index holds), check (whether it is whole) and
analyze (how text is tokenized)."""
from __future__ import annotations

import time

import click

from . import output
from .arguments import DashArgumentCommand
from .group import State, cli, pass_state


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
    from ..writer import mend_manifest

    index = state.open()
    mend_manifest(index)  # after a writer killed between its commit and its manifest write
    info = index.stats()
    if as_json:
        output.json_out(info)
        return
    width = output.width()
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
        lines = output.wrap_marked(shown, [], width, " " * 13, "plain")
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


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="The findings as JSON.")
@pass_state
def check(state: State, as_json) -> None:
    """Verify every file and structure of the index; exit status 1 if it is damaged.

    Reads every file of the current commit against the size and CRC32 recorded when it
    was committed, then every term, posting list and stored document, and the manifest.
    Changes nothing. Each problem is one line; the last one says how to rebuild.

    Example:

    \b
        searchidx check
        searchidx check --json
    """
    import os

    from ..check import check_index
    from ..errors import SearchIdxError
    from ..storage.format import FORMAT_FILE

    path = state.index_path
    if not os.path.isfile(os.path.join(path, FORMAT_FILE)):
        state.open()  # no index here: says which case (none, a foreign folder, a half-made one)
    report = check_index(path)
    if as_json:
        output.json_out({"index": report.path, "ok": report.ok, "problems": report.problems,
                         "notes": report.notes, "documents": report.documents,
                         "segments": report.segments, "files": report.files})
    else:
        for problem in report.problems:
            click.echo(f"Problem: {problem}")
        for note in report.notes:
            click.echo(f"Note: {note}")
        if report.ok:
            click.echo(report.summary())
    if not report.ok:
        raise SearchIdxError(report.summary())


@cli.command(cls=DashArgumentCommand)
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
    from ..analysis import explain

    tokens = explain(text)
    if fields:
        tokens = [t for t in tokens if t["field"] in fields]
    if as_json:
        output.json_out(tokens)
        return
    header = ("field", "pos", "start-end", "token", "surface")
    rows = [(t["field"], str(t["pos"]), f"{t['start']}-{t['end']}", t["text"], t["surface"])
            for t in tokens]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])
