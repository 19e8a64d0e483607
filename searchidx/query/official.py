"""Filters on a document's national layout: its type, number, issuer and signer.

Names match with or without diacritics ("issuer:\"ubnd tinh ha giang\""), a long form
as its short one ("Ủy ban nhân dân tỉnh" is "UBND tỉnh"); an issuer matches the issuing
body and the bodies above it. A type is a name ("biên bản", "bien ban"), a symbol's code
("BB") or the start of names ("thông báo" finds "thông báo kết luận" too). A number is
exact, whatever its case or accents: number:123/BC-UBND.
"""
from __future__ import annotations

from typing import Optional

from whoosh import query as wq

from ..analysis import fold
from ..doctypes import DOCUMENT_TYPES, number_key, shorten_long_forms, type_key, type_query_names
from ..errors import QueryError, quoted
from .units import syllables

__all__ = ["OFFICIAL_FIELDS", "official_query", "official_filters"]

OFFICIAL_FIELDS = ("type", "number", "issuer", "signer")


def _phrase(field: str, value: str) -> Optional[wq.Query]:
    terms = [fold(s) for s in syllables(value)]
    if not terms:
        return None
    return wq.Term(field, terms[0]) if len(terms) == 1 else wq.Phrase(field, terms)


def official_query(name: str, value: str) -> Optional[wq.Query]:
    """The filter ``name:value`` for one of OFFICIAL_FIELDS; a QueryError for a type no
    document can have."""
    value = " ".join(value.split())
    if not value:
        return None
    if name == "type":
        names = type_query_names(value)
        if not names:
            raise QueryError(f"unknown document type {quoted(value)} (known: "
                             + ", ".join(DOCUMENT_TYPES[:12]) + ", …; or a code such as BC, BB, TB)")
        terms = [wq.Term("type_key", type_key(n)) for n in names]
        return terms[0] if len(terms) == 1 else wq.Or(terms)
    if name == "number":
        return wq.Term("number_key", number_key(value))
    if name == "issuer":
        return _phrase("issuer_folded", shorten_long_forms(fold(value).lower()))
    if name == "signer":
        return _phrase("signer_folded", value)
    raise ValueError(name)


def official_filters(**values: Optional[str]) -> list:
    """The filters of the options type=, number=, issuer=, signer= that are given."""
    out = []
    for name in OFFICIAL_FIELDS:
        value = values.get(name)
        if value is not None and value.strip():
            query = official_query(name, value)
            if query is not None:
                out.append(query)
    return out
