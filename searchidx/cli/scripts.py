"""The run command: saved query scripts."""
from __future__ import annotations

import sys

import click

from . import output
from .arguments import DashArgumentCommand, checked_since, since_option
from .group import State, cli, pass_state


@cli.command(cls=DashArgumentCommand)
@click.argument("script", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]),
              default="table", show_default=True, help="Output format.")
@click.option("--new", is_flag=True,
              help="Only documents indexed or changed since the previous --new run of each "
                   "query that match it now.")
@since_option
@click.option("--limit", "-n", type=click.IntRange(min=1), default=None,
              help="Hits per query, overriding the script's limits.")
@click.option("--snippets", type=click.IntRange(min=0), default=None,
              help="Snippets per hit (default 1; 0 for none, fastest).")
@pass_state
def run(state: State, script, fmt, new, since, limit, snippets) -> None:
    """Run the saved query script SCRIPT (.toml or .jsonl).

    The whole script is checked before any query runs. Queries run in the
    script's order with one open searcher. With --new, a query reports the
    documents indexed or changed since its previous --new run that match it
    now (the first run reports every hit; the time of each run is kept in the
    index folder): five runs with nothing indexed in between report nothing
    after the first.

    Example:

    \b
        searchidx run examples/weekly.toml
        searchidx run examples/weekly.toml --format jsonl --limit 3
        searchidx run examples/weekly.toml --new
        searchidx run examples/weekly.toml --since 7d
    """
    from ..scripts import iter_results, load_script, write_results

    since = checked_since("--since", since)
    loaded = load_script(script)
    index = state.open()
    results = iter_results(index, loaded, limit=limit, new=new, snippets=snippets, since=since)
    write_results(_warning_results(results), fmt, sys.stdout, width=output.width(), script=loaded)


def _warning_results(results):
    """Pass results through, telling stderr how each query was read leniently."""
    for result in results:
        for warning in result.warnings:
            output.warn(f"{result.query.where}: {warning}")
        yield result
