"""Checks of the options a search takes, shared by the CLI and the web API.

Each turns one raw value (as typed, or as a URL carried it) into what the library
takes, or raises a QueryError naming the option: the CLI shows it as a one-line
error, the API as a 400 with the same message.
"""
from __future__ import annotations

from typing import Optional

from .errors import QueryError

__all__ = ["check_text", "checked_date", "checked_since"]


def check_text(what: str, value: Optional[str]) -> None:
    """Arguments that are not UTF-8 reach Python as lone surrogates: refuse them here."""
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(f"{what} is not valid UTF-8 text (check the terminal's encoding)") from None


def checked_date(option: str, value: Optional[str]) -> Optional[str]:
    """``value`` as a date the library takes, or a QueryError naming ``option``."""
    from .dates import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except QueryError as exc:
        raise QueryError(f"{option}: {exc}") from None


def checked_since(option: str, value: Optional[str]) -> Optional[float]:
    """A --since value as seconds since the epoch, or a QueryError naming ``option``."""
    from .since import parse_since

    if value is None:
        return None
    check_text(option, value)
    try:
        return parse_since(value)
    except QueryError as exc:
        raise QueryError(f"{option}: {exc}") from None
