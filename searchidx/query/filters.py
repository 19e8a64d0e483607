"""Filters every search can take: a province, a date range."""
from __future__ import annotations

from typing import Optional

from whoosh import query as wq

from ..dates import date_key, parse_date
from ..errors import QueryError, quoted
from ..gazetteer import province_key

__all__ = ["province_query", "date_range_query"]


def province_query(name: str) -> wq.Query:
    """Documents of one province, however it is spelled ("ha giang", "TP.HCM")."""
    return wq.Term("province_key", province_key(name))


def date_range_query(lo: Optional[str], hi: Optional[str]) -> wq.Query:
    """Documents dated within [lo, hi], each of day, month or year precision."""
    low = date_key(parse_date(lo)) if lo else None
    high = date_key(parse_date(hi), upper=True) if hi else None
    if low is not None and high is not None and low > high:
        raise QueryError(f"empty date range: {quoted(lo)} is after {quoted(hi)}")
    return wq.NumericRange("day", low, high)
