"""Checks of command arguments, and shell completion of document ids."""
from __future__ import annotations

from typing import Optional

import click

__all__ = ["checked_date", "checked_since", "check_text", "complete_ids"]


def checked_date(option: str, value: Optional[str]) -> Optional[str]:
    """``value`` as a date the library takes, or a QueryError naming ``option``."""
    from ..dates import parse_date
    from ..errors import QueryError

    if value is None:
        return None
    try:
        return parse_date(value)
    except QueryError as exc:
        raise QueryError(f"{option}: {exc}") from None


def checked_since(option: str, value: Optional[str]) -> Optional[float]:
    """A --since value as seconds since the epoch, or a QueryError naming ``option``."""
    from ..errors import QueryError
    from ..since import parse_since

    if value is None:
        return None
    check_text(option, value)
    try:
        return parse_since(value)
    except QueryError as exc:
        raise QueryError(f"{option}: {exc}") from None


def check_text(what: str, value: Optional[str]) -> None:
    """Arguments that are not UTF-8 reach Python as lone surrogates: refuse them here."""
    from ..errors import QueryError

    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(f"{what} is not valid UTF-8 text (check the terminal's encoding)") from None


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
