"""Filters every search can take: a province, a date range, a time of indexing."""
from __future__ import annotations

from typing import Optional, Sequence, Union

from whoosh import query as wq

from ..dates import date_key, parse_date
from ..errors import QueryError, quoted
from ..gazetteer import province_hints, province_key, unit_names
from ..schema import time_key

__all__ = ["province_query", "unknown_province_message", "date_range_query", "changed_since_query"]


def province_query(name: Union[str, Sequence[str]], merged: bool = False, reader=None) -> wq.Query:
    """Documents of one province, however it is spelled ("ha giang", "TP.HCM"), or of
    any of several names (a list, as :func:`searchidx.gazetteer.unit_names` gives).

    A unit renamed in the 2025 merger is found under either name ("Huế" finds
    "Thừa Thiên Huế"); with ``merged``, the whole unit it belongs to since 1 July 2025
    ("Tuyên Quang" finds "Hà Giang" too). A name outside the gazetteer filters only if
    ``reader``'s index holds documents of it (a province as a document's metadata gave
    it); otherwise it is a QueryError naming what to write, never a silent empty filter.
    """
    if not isinstance(name, str):
        parts = [province_query(n, merged, reader) for n in dict.fromkeys(name)]
        if not parts:
            raise QueryError("no province given")
        return parts[0] if len(parts) == 1 else wq.Or(parts)
    names = unit_names(name, merged=merged)
    if names:
        keys = list(dict.fromkeys(province_key(n) for n in names))
        return wq.Term("province_key", keys[0]) if len(keys) == 1 else \
            wq.Or([wq.Term("province_key", k) for k in keys])
    key = province_key(name)
    if key and reader is not None and reader.doc_frequency("province_key", key):
        return wq.Term("province_key", key)
    raise QueryError(unknown_province_message(name))


def unknown_province_message(name: str) -> str:
    """One line: the name is no province, and what the user may have meant."""
    hints = province_hints(name)
    if not hints:
        return f"unknown province {quoted(name)} (see searchidx stats for the provinces in this index)"
    typed = " ".join(name.split()).lower()
    begun = [h for h in hints if province_key(h).startswith(province_key(typed) + " ")]
    if begun:
        # province:hau giang reads as province:"hau" and the word giang.
        example = province_key(begun[0]) if province_key(typed) == typed else begun[0].lower()
        return (f"unknown province {quoted(name)} (did you mean {_listed(begun)}? "
                f'in a query, quote a name of several words: province:"{example}")')
    return f"unknown province {quoted(name)} (did you mean {_listed(hints)}?)"


def _listed(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


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
