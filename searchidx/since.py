"""`--since`: a moment typed by a user, for "documents indexed or changed since then".

A date (``2025-06-01``, ``2025-06``, ``2025``: its first moment), a date and time
(``2025-06-01T08:00``), all in local time, or a span back from now (``7d``, ``12h``,
``2w``, ``30m``).
"""
from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Optional

from .dates import parse_date
from .errors import QueryError, quoted

__all__ = ["parse_since"]

_SPAN = re.compile(r"^(\d{1,6})\s*([mhdw])$", re.IGNORECASE)
_SPAN_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DATE_TIME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(:\d{2})?$")


def parse_since(value: str, now: Optional[float] = None) -> float:
    """``value`` as seconds since the epoch, or a QueryError saying what it takes."""
    text = str(value).strip()
    span = _SPAN.match(text)
    if span:
        seconds = int(span.group(1)) * _SPAN_SECONDS[span.group(2).lower()]
        return (time.time() if now is None else now) - seconds
    if _DATE_TIME.match(text):
        try:
            return datetime.fromisoformat(text.replace(" ", "T")).timestamp()
        except (ValueError, OverflowError, OSError):
            pass
    else:
        try:
            day = parse_date(text)
        except QueryError:
            day = None
        if day is not None:
            parts = [int(p) for p in day.split("-")] + [1, 1]
            try:
                return datetime(parts[0], parts[1], parts[2]).timestamp()
            except (ValueError, OverflowError, OSError):  # year 0, or beyond the platform's clock
                pass
    raise QueryError(
        f"not a time: {quoted(text)} (use a date like 2025-06-01, or a span back from now "
        f"like 7d, 12h or 2w)"
    )
