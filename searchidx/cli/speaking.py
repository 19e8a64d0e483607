"""Commands about speakers: `speakers` (who speaks, who says it the most), and how
`show --speaker` prints one speaker's turns."""
from __future__ import annotations

import click

from . import output
from .arguments import DashArgumentCommand, check_text, checked_date
from .group import State, cli, pass_state


@cli.command(cls=DashArgumentCommand)
@click.argument("query", required=False)
@click.option("--from", "date_from", metavar="DATE", help="Earliest meeting date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--to", "date_to", metavar="DATE", help="Latest meeting date (a month or year includes all of it).")
@click.option("--province", metavar="NAME", help="Only meetings of this province (accents optional).")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True,
              help="Speakers to show.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document: the speakers, in order.")
@output.color_option
@pass_state
def speakers(state: State, query, date_from, date_to, province, limit, as_json, color) -> None:
    """List the speakers of the index, or who says QUERY the most.

    Without QUERY: every speaker, with roles, turns, meetings (documents) and
    the dates of those meetings, most turns first. With QUERY: the speakers
    whose turns hold every word of it, ranked by matching turns, then
    meetings, each with their best quote.

    Example:

    \b
        searchidx speakers
        searchidx speakers "đất đai"
        searchidx speakers "dat dai" --province "Hậu Giang" --from 2024 --json
    """
    from ..search import Searcher

    check_text("the query", query)
    check_text("--province", province)
    date_from = checked_date("--from", date_from)
    date_to = checked_date("--to", date_to)
    index = state.open()
    with Searcher(index) as searcher:
        rows = searcher.speakers(query, province=province, date_from=date_from, date_to=date_to)
    total = len(rows)
    rows = rows[:limit]
    if as_json:
        output.json_out({"query": query, "total": total, "speakers": [r.to_dict() for r in rows]})
        return
    mode = output.style_mode(color)
    width = output.width()
    what = f"saying {query!r}" if query else "in this index"
    output.echo(f"{total} speaker{'s' if total != 1 else ''} {what}" +
                (f", showing {len(rows)}" if total > len(rows) else ""), mode)
    for rank, row in enumerate(rows, start=1):
        output.echo("", mode)
        name = click.style(row.speaker, bold=True) if mode != "plain" else row.speaker
        turns = f"{row.turns} matching turn{'s' if row.turns != 1 else ''}" if query else \
            f"{row.turns} turn{'s' if row.turns != 1 else ''}"
        dates = row.first if row.first == row.last else f"{row.first} to {row.last}"
        meetings = f"{row.meetings} meeting{'s' if row.meetings != 1 else ''}"
        output.echo(f"{rank:>3}. {name} · {turns} · {meetings}" + (f" · {dates}" if row.first else ""), mode)
        if row.roles:
            for line in output.wrap_marked("; ".join(row.roles), [], width, "     ", "plain"):
                output.echo(line, mode)
        if row.quote:
            quote = row.quote
            lines = output.wrap_marked(quote["text"], [tuple(m) for m in quote["marks"]], width, "       ", mode)
            if lines:
                lines[0] = "     “" + lines[0].lstrip()
                lines[-1] += "” (" + quote["id"] + ")"
            for line in lines:
                output.echo(line, mode)


def print_turns(doc: dict, turns, marks, speaker: str, as_json: bool, mode: str, width: int) -> None:
    """`show ID --speaker NAME`: that speaker's turns of the document, nothing else."""
    from ..errors import SearchIdxError, quoted

    if not turns:
        raise SearchIdxError(f"{quoted(speaker)} has no turn in {doc['id']}")
    text = doc["text"]
    if as_json:
        output.json_out({"id": doc["id"], "title": doc.get("title"), "date": doc.get("date"),
                         "speaker": turns[0]["speaker"],
                         "turns": [dict(t, text=text[t["start"]:t["end"]],
                                        marks=[[a - t["start"], b - t["start"]] for a, b in marks
                                               if a >= t["start"] and b <= t["end"]]) for t in turns]})
        return
    title = doc.get("title") or doc["id"]
    output.echo(click.style(title, bold=True) if mode != "plain" else title, mode)
    output.echo(f"{'id:':<10} {doc['id']}", mode)
    if doc.get("date"):
        output.echo(f"{'date:':<10} {doc['date']}", mode)
    count = len(turns)
    output.echo(f"{'speaker:':<10} {turns[0]['speaker']} ({count} turn{'s' if count != 1 else ''})", mode)
    section = None
    for turn in turns:
        output.echo("", mode)
        if turn["section"] and turn["section"] != section:
            section = turn["section"]
            output.echo(f"[{section}]", mode)
        role = f" ({turn['role']})" if turn["role"] else ""
        output.echo(f"{turn['speaker']}{role}:", mode)
        start, end = turn["start"], turn["end"]
        pos = start
        for paragraph in text[start:end].split("\n"):
            a, b = pos, pos + len(paragraph)
            pos = b + 1
            local = [(x - a, y - a) for x, y in marks if x >= a and y <= b]
            for line in output.wrap_marked(paragraph, local, width, "  ", mode) or []:
                output.echo(line, mode)
