"""The fields of a document's national layout in the schema, and how a value becomes
them: type, number, issuer and signer to filter, search and facet by; position,
authority, recipients and the people's titles stored for display; and the text's sketch
(searchidx.sketch), by which copies of one report collapse into one hit.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from whoosh.fields import COLUMN, ID, STORED

from .doctypes import number_key, shorten_long_forms, type_key
from .sketch import encode_sketch, text_sketch

if TYPE_CHECKING:
    from .ingest.documents import Document

__all__ = ["official_fields", "official_values", "issuer_text", "STORED_OFFICIAL"]

# Stored for display only.
STORED_OFFICIAL = ("parent_issuer", "signer_position", "signer_authority", "recipients", "roles")


def official_fields(folded_text, exact_text) -> dict:
    """The schema's fields for the layout; ``folded_text`` makes a folded phrase field,
    ``exact_text`` one of exact syllables (a name typed with marks means those marks)."""
    return {
        "doc_type": ID(stored=True, sortable=True),
        "type_key": ID,
        "number": ID(stored=True),
        "number_key": ID,
        "issuer": ID(stored=True, sortable=True),
        "issuer_folded": folded_text(),
        "issuer_exact": exact_text(),
        "signer": ID(stored=True),
        "signer_folded": folded_text(),
        "signer_exact": exact_text(),
        # A column only: it is read by document number, never searched.
        "sketch": COLUMN(),  # (whoosh's default column: variable-length bytes)
        **{name: STORED for name in STORED_OFFICIAL},
    }


def issuer_text(name: str) -> str:
    """An issuer as it is searched: long forms written short, as queries are too
    ("Ủy ban nhân dân tỉnh" and "UBND tỉnh" are one issuer)."""
    return shorten_long_forms(name)


def official_values(doc: "Document") -> dict:
    fields: dict = {}
    if doc.doc_type:
        fields["doc_type"] = doc.doc_type
        fields["type_key"] = type_key(doc.doc_type)
    if doc.number:
        fields["number"] = doc.number
        fields["number_key"] = number_key(doc.number)
    if doc.issuer:
        fields["issuer"] = doc.issuer
        names = [doc.issuer] + [p for p in doc.parent_issuer.split(" / ") if p]
        fields["issuer_folded"] = fields["issuer_exact"] = " ; ".join(issuer_text(n) for n in names)
    if doc.signer:
        fields["signer"] = doc.signer
        fields["signer_folded"] = fields["signer_exact"] = doc.signer
    for name in STORED_OFFICIAL:
        value = getattr(doc, name)
        if value:
            fields[name] = value
    # Every document has a value (empty for a text too short to sketch): a column whose
    # last documents lack one reads short.
    fields["sketch"] = encode_sketch(text_sketch(doc.text))
    return fields
