"""What a hit and a document show of their national layout, and the facets by it.

Facets count the documents found (every page, copies included) by province, year,
document type, issuer, people and agencies; the last three keep their FACET_TOP most
frequent values.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional

from whoosh import sorting

__all__ = ["FACETS", "FACET_TOP", "LAYOUT_FIELDS", "PageOfGroups", "copy_entry", "layout_facets",
           "official_hit", "with_layout"]

FACETS = ("province", "year", "type", "issuer", "people", "agencies")
FACET_TOP = 20
# The layout's fields a hit carries (searchidx.results.Hit), as stored.
LAYOUT_FIELDS = ("doc_type", "number", "issuer", "signer")
_DOCUMENT_DEFAULTS = {
    "doc_type": "", "number": "", "issuer": "", "parent_issuer": "", "signer": "",
    "signer_position": "", "signer_authority": "", "recipients": [], "roles": {},
}
_LAYOUT_FACETS = {"type": ("doc_type", False), "issuer": ("issuer", False),
                  "people": ("people", True), "agencies": ("agencies", True)}


class PageOfGroups(list):
    """One page of (docnum, score) hits, each with the copies folded into it."""

    def __init__(self, groups, folded: int, counted: Optional[int] = None):
        super().__init__((g.docnum, g.score) for g in groups)
        self.copies: Dict[int, List[int]] = {g.docnum: g.copies for g in groups}
        self.folded = folded
        self.counted = counted  # the hits all the documents found make, when known


def official_hit(stored: dict) -> dict:
    """The layout fields of a hit from its stored fields ("" when it has none)."""
    return {name: stored.get(name) or "" for name in LAYOUT_FIELDS}


def copy_entry(stored: dict) -> dict:
    """How a copy is listed under its hit."""
    return {"id": stored.get("id"), "path": stored.get("path"), "format": stored.get("format"),
            "title": stored.get("title", "")}


def with_layout(stored: dict) -> dict:
    """A document's stored fields with every layout field present (empty when not in it)."""
    for name, empty in _DOCUMENT_DEFAULTS.items():
        if stored.get(name) in (None, ""):
            stored[name] = type(empty)() if not isinstance(empty, str) else ""
    return stored


def layout_facets(search: Callable, found) -> Dict[str, Dict[str, int]]:
    """The counts of the documents ``found`` by type, issuer, people and agencies."""
    res = search(
        found.query, limit=1, filter=found.allowed,
        groupedby={name: sorting.FieldFacet(field, allow_overlap=many, maptype=sorting.Count)
                   for name, (field, many) in _LAYOUT_FACETS.items()},
    )
    out: Dict[str, Dict[str, int]] = {}
    for name in _LAYOUT_FACETS:
        counts = {key: value for key, value in res.groups(name).items() if key}
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        out[name] = dict(ordered if name == "type" else ordered[:FACET_TOP])
    return out


