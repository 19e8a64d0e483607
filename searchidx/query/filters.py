"""Filters every search can take: a province, a date range, a time of indexing."""
from __future__ import annotations

from typing import Optional

from whoosh import query as wq

from ..dates import date_key, parse_date
from ..errors import QueryError, quoted
from ..gazetteer import province_key
from ..schema import time_key

__all__ = ["province_query", "date_range_query", "changed_since_query"]


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


def changed_since_query(when: float) -> wq.Query:
    """Documents indexed or changed after ``when`` (seconds since the epoch): a range of
    the indexed_us field, whose cost follows the number of documents in it."""
    return wq.NumericRange("indexed_us", time_key(when), None, startexcl=True)
