"""What a search returns: one page of hits, how they were found, facets, suggestions."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Dict, List, Optional

from .snippets import Snippet

__all__ = ["Hit", "SearchResults", "MATCH_KINDS"]

# How the hits of a search were found:
# "all": they hold every word of the query; "any": ranked retrieval of a question
# (or --any), documents with every word first; "folded": the words as typed are in
# no document, these hold them without diacritics; "partial": no document holds
# every word, these hold the most of them (each hit names what it lacks).
MATCH_KINDS = ("all", "any", "folded", "partial")


@dataclass
class Hit:
    rank: int
    id: str
    score: Optional[float]  # None when sorted by date
    title: str
    date: Optional[str]
    province: Optional[str]
    path: Optional[str]
    snippets: List[Snippet] = field(default_factory=list)
    format: Optional[str] = None
    missing: List[str] = field(default_factory=list)  # query words this document lacks
    # The national layout ("" when the document is not in it): see searchidx.facets.
    doc_type: str = ""
    number: str = ""
    issuer: str = ""
    signer: str = ""
    copies: List[dict] = field(default_factory=list)  # other documents of the same text
    # In a record with speaker turns, the turn that ranks it (see searchidx.passages):
    # {"speaker", "role", "key", "section", "start", "end"}; None otherwise.
    passage: Optional[dict] = None

    def to_dict(self) -> dict:
        # (dataclasses.asdict deep-copies every field, which a search pays for every hit.)
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["snippets"] = [s.to_dict() for s in self.snippets]
        out["missing"] = list(self.missing)
        out["copies"] = [dict(c) for c in self.copies]
        out["passage"] = dict(self.passage) if self.passage is not None else None
        return out


@dataclass
class SearchResults:
    query: str
    total: int  # the documents found (every page), the same set facets count
    hits: List[Hit]
    page: int
    limit: int
    took_ms: float
    facets: Dict[str, Dict[str, int]] = field(default_factory=dict)
    suggestions: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)
    match: str = "all"  # one of MATCH_KINDS
    words: List[str] = field(default_factory=list)  # the query's words, as matched
    notice: Optional[str] = None  # one line on how the hits were found, when not as asked
    collapsed: int = 0  # documents found shown as copies under the hits of this page
    # The hits all the documents found make, copies folded into their reports (equal to
    # ``total`` without collapsing); None when more were found than were grouped.
    hits_total: Optional[int] = None
    # With ``since``: recent documents left out as copies of a document found before them.
    earlier_copies: int = 0

    @property
    def hit_count(self) -> int:
        """How many hits there are to page through: the hits when counted, else the
        documents found (copies beyond the counted range each count then)."""
        return self.hits_total if self.hits_total is not None else self.total

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "match": self.match,
            "words": self.words,
            "notice": self.notice,
            "page": self.page,
            "limit": self.limit,
            "took_ms": round(self.took_ms, 2),
            "collapsed": self.collapsed,
            "hits_total": self.hits_total,
            "earlier_copies": self.earlier_copies,
            "hits": [h.to_dict() for h in self.hits],
            "facets": self.facets,
            "suggestions": self.suggestions,
            "warnings": self.warnings,
        }
