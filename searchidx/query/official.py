"""Filters on a document's national layout: its type, number, issuer and signer.

Names match with or without diacritics ("issuer:\"ubnd tinh ha giang\""), a long form
as its short one ("Ủy ban nhân dân tỉnh" is "UBND tỉnh"); an issuer matches the issuing
body and the bodies above it. A type is a name ("biên bản", "bien ban"), a symbol's code
("BB") or the start of names ("thông báo" finds "thông báo kết luận" too). A number is
exact, whatever its case or accents: number:123/BC-UBND; the number alone (number:123)
finds it under every symbol.
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
    """The syllables side by side, folded; those typed with marks held as typed (in the
    field's exact twin), as title: does."""
    typed = syllables(value)
    if not typed:
        return None
    folded = [fold(s) for s in typed]
    side_by_side = wq.Term(field + "_folded", folded[0]) if len(folded) == 1 else \
        wq.Phrase(field + "_folded", folded)
    exact = [wq.Term(field + "_exact", s) for s in typed if fold(s) != s]
    return wq.And([side_by_side] + exact) if exact else side_by_side


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
        if "/" not in value:  # the number alone: every symbol with it ("215" finds 215/BC-UBND)
            return wq.Prefix("number_key", number_key(value) + "/")
        return wq.Term("number_key", number_key(value))
    if name == "issuer":
        return _phrase("issuer", shorten_long_forms(value))
    if name == "signer":
        return _phrase("signer", value)
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
