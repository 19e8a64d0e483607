"""Checks of command arguments, arguments that start with "-", and shell completion of ids."""
from __future__ import annotations

from typing import Dict, List, Tuple

import click

from ..options import check_text, checked_date, checked_since  # noqa: F401 - the commands take them from here

__all__ = ["DashArgumentCommand", "checked_date", "checked_since", "check_text", "complete_ids",
           "since_option", "layout_options"]


class DashArgumentCommand(click.Command):
    """A command whose one argument may start with "-".

    A query that begins by excluding a word ("-hdnd tham nhũng") would be read as
    options (-h is --help). When the command line holds no other argument, the one
    word that starts with a single "-" and is none of the command's options is taken
    as the argument, wherever it stands; `--` still works too.
    """

    def parse_args(self, ctx: click.Context, args: List[str]) -> List[str]:
        args = list(args)
        plain, dashed = _dash_words(self, ctx, args)
        if "--" not in args and not plain and len(dashed) == 1:
            at = dashed[0]
            args = args[:at] + args[at + 1:] + ["--", args[at]]
        try:
            return super().parse_args(ctx, list(args))  # click's parser consumes its list
        except click.NoSuchOption as exc:
            if dashed and not exc.option_name.startswith("--"):
                exc.message += (f" An argument that starts with '-' goes after --: "
                                f"searchidx {self.name} [OPTIONS] -- '{args[dashed[0]]} …'")
            raise


def _dash_words(command: click.Command, ctx: click.Context, args: List[str]) -> Tuple[int, List[int]]:
    """How many plain arguments ``args`` holds, and where the words are that start with one
    "-" and are none of the command's options (nor an option's value)."""
    takes_value: Dict[str, bool] = {}
    for param in command.get_params(ctx):
        if isinstance(param, click.Option):
            for name in param.opts + param.secondary_opts:
                takes_value[name] = not param.is_flag and not param.count
    plain, dashed = 0, []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            break
        if arg in takes_value:
            i += takes_value[arg]  # its value, whatever it looks like
        elif arg.startswith("--") and arg.split("=", 1)[0] in takes_value:
            pass  # --limit=3
        elif takes_value.get(arg[:2]) and arg[2:].isdigit():
            pass  # -n3
        elif arg.startswith("-") and len(arg) > 1 and not arg.startswith("--"):
            dashed.append(i - 1)
        elif not arg.startswith("-") or arg == "-":
            plain += 1
    return plain, dashed


def complete_ids(ctx: click.Context, param, incomplete: str):
    """Shell completion for document ids, from the index's manifest."""
    try:
        from ..index import open_index

        index = open_index(ctx.find_root().params.get("index"))
        with index.manifest() as manifest:
            ids = manifest.ids()
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    return [i for i in ids if i.startswith(incomplete)][:200]


# search and run take the same --since.
since_option = click.option(
    "--since", metavar="WHEN",
    help="Only documents indexed or changed since WHEN: a date (2025-06-01) or a span back from "
         "now (7d, 12h, 2w).")


def layout_options(command):
    """--type, --number, --issuer, --signer and --no-collapse: official documents."""
    options = [
        click.option("--type", "doc_type", metavar="TYPE",
                     help='Only documents of this type: "biên bản", bao cao, or a code (BB, BC, TB).'),
        click.option("--number", metavar="NUMBER", help="Only the document numbered so: 123/BC-UBND."),
        click.option("--issuer", metavar="NAME",
                     help="Only documents issued by this body or a body under it (accents optional)."),
        click.option("--signer", metavar="NAME", help="Only documents signed by this person."),
        click.option("--no-collapse", "collapse", is_flag=True, flag_value=False, default=True,
                     help="Show copies of one report (.docx, .pdf, a re-post) as hits of their own."),
    ]
    for option in reversed(options):
        command = option(command)
    return command
