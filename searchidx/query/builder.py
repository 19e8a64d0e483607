"""Building the whoosh query of a parsed query: what must match, and what ranks.

Free words are all optional and rank (see ranking.py); everything else (phrases,
fields, AND / OR / NOT groups) must hold. Words typed with diacritics match
exactly, words typed without match folded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence

from whoosh import query as wq

from ..analysis import fold
from ..errors import QueryError, quoted
from .filters import date_range_query, province_query
from .language import All, Any_, FieldFilter, Node, Not, Phrase, Seq, Words, parse_query
from .ranking import RankingWeights, scoring_query
from .units import Unit, query_units, syllables

__all__ = ["QueryPlan", "QueryBuilder", "build_query"]


@dataclass
class QueryPlan:
    """The whoosh query and what highlighting needs to know about it."""

    query: wq.Query
    all_words: Optional[wq.Query]  # documents with every free word (short queries), else None
    highlight_exact: set
    highlight_folded: set
    units: List[Unit]
    warnings: List[str]


class QueryBuilder:
    """Turns syntax tree nodes into whoosh queries, collecting on the way the free words
    that rank and the words to highlight."""

    def __init__(self):
        self.highlight_exact: set = set()
        self.highlight_folded: set = set()
        self.free_units: List[Unit] = []
        self.free_words: List[str] = []

    # -- boolean matches -------------------------------------------------
    def unit_match(self, unit: Unit, fields=("body", "title")) -> wq.Query:
        folded_fields = {"body": "body_folded", "title": "title_folded"}
        if unit.accented:
            self.highlight_exact.add(unit.exact)
            return wq.Or([wq.Term(f, unit.exact) for f in fields])
        self.highlight_folded.add(unit.folded)
        return wq.Or([wq.Term(folded_fields[f], unit.folded) for f in fields])

    def phrase_match(self, text: str, fields=("body", "title")) -> Optional[wq.Query]:
        """Syllables in order (folded positions); an accented phrase's syllables exactly."""
        typed = syllables(text)
        if not typed:
            return None
        folded = [fold(s) for s in typed]
        self.highlight_folded.update(f for s, f in zip(typed, folded) if s == f)
        self.highlight_exact.update(s for s, f in zip(typed, folded) if s != f)
        per_field = {}
        for name in fields:
            in_order = _in_order(name, folded)
            exact = [wq.Term(name, s) for s, f in zip(typed, folded) if s != f]
            per_field[name] = wq.And([in_order] + exact) if exact else in_order
        if "body" in per_field and "title" in per_field:
            # The body fields hold the title too, so a phrase of the title is a phrase of
            # the body; the title's words only add to the score. (A positional match in
            # the title would run in Python, one candidate at a time.)
            title_words = wq.And([wq.Term("title_folded", f) for f in dict.fromkeys(folded)])
            return wq.AndMaybe(per_field["body"], title_words)
        return wq.Or(list(per_field.values()))

    def words_match(self, text: str, fields=("body", "title")) -> Optional[wq.Query]:
        units, _ = query_units(text)
        if not units:
            return None
        return wq.And([self.unit_match(u, fields) for u in units])

    def field_match(self, node: FieldFilter) -> Optional[wq.Query]:
        name, value = node.field, node.value.strip()
        if name == "date":
            if node.is_range:
                bounds = re.split(r"\s*\bTO\b\s*", value.strip(), flags=re.IGNORECASE)
                if len(bounds) != 2:
                    raise QueryError(f"date range must read [FROM TO TO]: {quoted(value)}")
                lo, hi = (b.strip() if b.strip() not in ("*", "") else None for b in bounds)
                return date_range_query(lo, hi)
            return date_range_query(value, value)
        if name == "province":
            return province_query(value)
        if name == "id":
            return wq.Term("id", value)
        if name == "title":
            return self.phrase_match(value, fields=("title",)) if " " in value else self.words_match(value, ("title",))
        if name == "people":
            terms = [fold(s) for s in syllables(value)]
            if not terms:
                return None
            return wq.Term("people_folded", terms[0]) if len(terms) == 1 else wq.Phrase("people_folded", terms)
        if name == "agencies":
            return wq.Term("agencies", value)
        return None

    def match(self, node: Node) -> Optional[wq.Query]:
        """A boolean query for ``node``; free words are also collected for scoring."""
        if isinstance(node, Words):
            self.collect(node.text)
            return self.words_match(node.text)
        if isinstance(node, Phrase):
            self.collect(node.text)
            return self.phrase_match(node.text)
        if isinstance(node, FieldFilter):
            return self.field_match(node)
        if isinstance(node, Not):
            inner = self.match_quietly(node.node)
            return wq.Not(inner) if inner is not None else None
        if isinstance(node, (All, Seq)):
            parts = [self.match(n) for n in node.nodes]
            parts = [p for p in parts if p is not None]
            return wq.And(parts) if parts else None
        if isinstance(node, Any_):
            parts = [self.match(n) for n in node.nodes]
            parts = [p for p in parts if p is not None]
            return wq.Or(parts) if parts else None
        raise TypeError(node)

    def match_quietly(self, node: Node) -> Optional[wq.Query]:
        """A match for an excluded part: its words must not be highlighted or scored."""
        saved = (set(self.highlight_exact), set(self.highlight_folded),
                 list(self.free_units), list(self.free_words))
        try:
            return self.match(node)
        finally:
            self.highlight_exact, self.highlight_folded, self.free_units, self.free_words = saved

    # -- free words --------------------------------------------------------
    def collect(self, text: str) -> None:
        """Remember free words for scoring and highlighting."""
        units, words = query_units(text)
        self.free_units.extend(units)
        self.free_words.extend(words)
        for u in units:
            if u.accented:
                self.highlight_exact.add(u.exact)
            else:
                self.highlight_folded.add(u.folded)


def build_query(reader, text: str, weights: Optional[RankingWeights] = None,
                filters: Sequence[wq.Query] = ()) -> QueryPlan:
    """Turn user query text into a ranked whoosh query (plus the filters given)."""
    weights = weights or RankingWeights()
    parsed = parse_query(text)
    builder = QueryBuilder()
    root = parsed.root
    nodes = root.nodes if isinstance(root, Seq) else [root]
    free = [n for n in nodes if isinstance(n, Words)]
    required = [n for n in nodes if not isinstance(n, Words)]
    for n in free:
        builder.collect(n.text)
    free_units = list(builder.free_units)
    must = [builder.match(n) for n in required]
    must = [m for m in must if m is not None]
    units = builder.free_units
    scoring = scoring_query(reader, weights, units, builder.free_words)
    all_words = None
    # "Up to 3 words" counts pyvi's words: "giảm nghèo Hà Giang" is two.
    if free_units and len(builder.free_words) <= weights.all_words_first_upto:
        all_words = wq.And([_unit_any(u) for u in free_units])

    positives = [m for m in must if not isinstance(m, wq.Not)] + list(filters)
    negatives = [m.query for m in must if isinstance(m, wq.Not)]
    if positives:
        base = wq.And(positives)
        query = wq.AndMaybe(base, scoring) if scoring is not None else base
    elif scoring is not None:
        query = scoring
    else:
        query = wq.NullQuery
    if negatives and query is not wq.NullQuery:
        query = wq.AndNot(query, wq.Or(negatives))
    return QueryPlan(query, all_words, builder.highlight_exact, builder.highlight_folded,
                     units, parsed.warnings)


def _in_order(field: str, folded: List[str]) -> wq.Query:
    """Folded syllables in this order: pair terms in the body, positions in the title."""
    if len(folded) == 1:
        return wq.Term(field + "_folded", folded[0])
    if field == "body":
        return wq.And([wq.Term("body_pairs", a + "_" + b) for a, b in zip(folded, folded[1:])])
    return wq.Phrase(field + "_folded", folded)


def _unit_any(unit: Unit) -> wq.Query:
    """A document has this word: exactly when typed with marks, folded otherwise."""
    if unit.accented:
        return wq.Or([wq.Term("body", unit.exact), wq.Term("title", unit.exact)])
    return wq.Or([wq.Term("body_folded", unit.folded), wq.Term("title_folded", unit.folded)])
