"""Building the whoosh queries of a parsed query: what must match, and what ranks.

A keyword query matches the documents that hold every one of its words (see
words.py for what a word is and what holding it takes). A natural-language
question keeps ranked retrieval: any of its words may match, and the ranking
(ranking.py) orders them. Phrases, fields and AND / OR / NOT groups always hold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

from whoosh import query as wq

from ..analysis import fold
from ..errors import QueryError, quoted
from .filters import date_range_query, province_query
from .official import OFFICIAL_FIELDS, official_query
from .language import All, Any_, FieldFilter, Node, Not, Phrase, Seq, Words, parse_query
from .ranking import QUESTION_WORDS, QUESTION_WORDS_EXACT, RankingWeights, scoring_query
from .units import Unit, query_units, syllables
from .words import QueryWord, query_words, typed_with_diacritics, word_query

__all__ = ["QueryPlan", "QueryBuilder", "build_query", "MATCH_MODES", "MAX_KEYWORDS", "reads_as_question"]

MATCH_MODES = ("auto", "all", "any")
# A query of more words than this reads as a question (ranked, any word), as does
# one with "?" or a question word: see bench/RESULTS.md, "What a query matches".
MAX_KEYWORDS = 8
# Question words that start or end a question; "bao" only in "bao nhiêu", "bao lâu".
_ASKING = frozenset({"gì", "nào", "sao", "đâu", "ai", "mấy", "bao nhiêu", "bao lâu", "bao giờ"})
# Typed without marks, "nao", "dau", "ai" are as often não, đầu, ái: only these ask.
_ASKING_FOLDED = frozenset({"gi", "bao nhieu", "bao lau", "bao gio"})


@dataclass
class QueryPlan:
    """The queries of one search, and what highlighting needs to know about it."""

    words: List[QueryWord]  # the free words (every hit holds them all in mode "all")
    constraints: List[wq.Query]  # phrases, fields, groups and filters: always hold
    excluded: List[wq.Query]  # NOT parts
    scoring: Optional[wq.Query]  # ranks the hits (optional terms)
    mode: str  # "all" (every word) or "any" (ranked, any word)
    marks: List[List[QueryWord]]  # runs of words to highlight, each in query order
    units: List[Unit]
    warnings: List[str]
    all_words: Optional[wq.Query] = None  # mode "any", short: documents with every word rank first
    query: wq.Query = field(default=wq.NullQuery)

    def __post_init__(self) -> None:
        self.query = self.query_for(self.words)

    def query_for(self, words: Sequence[QueryWord]) -> wq.Query:
        """The hits when the free words are ``words`` (the plan's own, or a relaxed form)."""
        positives = list(self.constraints)
        if self.mode == "all":
            positives += [word_query(w) for w in words]
        if positives:
            query = wq.And(positives)
            if self.scoring is not None:
                # Ranked retrieval still needs one of its words: a filter alone is no match.
                query = wq.AndMaybe(query, self.scoring) if self.mode == "all" \
                    else wq.And([query, self.scoring])
        elif self.mode == "any" and self.scoring is not None:
            query = self.scoring
        else:
            return wq.NullQuery
        if self.excluded:
            query = wq.AndNot(query, wq.Or(self.excluded))
        return query

    def some_words_query(self, words: Sequence[QueryWord]) -> wq.Query:
        """The documents that hold any of ``words`` (and the rest of the query), ranked."""
        query: wq.Query = wq.And(list(self.constraints) + [wq.Or([word_query(w) for w in words])])
        if self.scoring is not None:
            query = wq.AndMaybe(query, self.scoring)
        if self.excluded:
            query = wq.AndNot(query, wq.Or(self.excluded))
        return query


class QueryBuilder:
    """Turns syntax tree nodes into whoosh queries, collecting on the way the free words
    that rank and the words to highlight."""

    def __init__(self, reader=None, merged: bool = False):
        self.reader = reader
        self.merged = merged
        self.case_blind = True  # segment free words for ranking in lowercase
        self.marks: List[List[QueryWord]] = []
        self.free_units: List[Unit] = []
        self.free_words: List[str] = []

    # -- boolean matches -------------------------------------------------
    def phrase_match(self, text: str) -> Optional[wq.Query]:
        """The syllables side by side, as typed: one word the user grouped with quotes."""
        parts = tuple(syllables(text))
        if not parts:
            return None
        word = QueryWord.typed(parts)
        self.marks.append([word])
        if len(parts) == 1:
            return word_query(word)
        # The body fields hold the title too; the title's words only add to the score.
        title_words = wq.And([wq.Term("title_folded", f) for f in dict.fromkeys(word.folded)])
        return wq.AndMaybe(word_query(word), title_words)

    def words_match(self, text: str) -> Optional[wq.Query]:
        words = query_words(text, self.reader)
        if not words:
            return None
        self.marks.append(words)
        return wq.And([word_query(w) for w in words])

    def title_match(self, value: str) -> Optional[wq.Query]:
        """Every syllable in the title; several, side by side."""
        typed = syllables(value)
        if not typed:
            return None
        terms = []
        for s in typed:
            folded = fold(s)
            terms.append(wq.Term("title", s) if folded != s else wq.Term("title_folded", folded))
        if len(typed) == 1:
            return terms[0]
        return wq.And([wq.Phrase("title_folded", [fold(s) for s in typed])]
                      + [t for t in terms if t.fieldname == "title"])

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
            return province_query(value, merged=self.merged, reader=self.reader)
        if name == "id":
            return wq.Term("id", value)
        if name == "title":
            return self.title_match(value)
        if name == "people":
            terms = [fold(s) for s in syllables(value)]
            if not terms:
                return None
            return wq.Term("people_folded", terms[0]) if len(terms) == 1 else wq.Phrase("people_folded", terms)
        if name == "agencies":
            return wq.Term("agencies", value)
        if name in OFFICIAL_FIELDS:
            return official_query(name, value)
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
        saved = (list(self.marks), list(self.free_units), list(self.free_words))
        try:
            return self.match(node)
        finally:
            self.marks, self.free_units, self.free_words = saved

    # -- free words --------------------------------------------------------
    def collect(self, text: str) -> None:
        """Remember free words for scoring."""
        units, words = query_units(text, lowercase=self.case_blind)
        self.free_units.extend(units)
        self.free_words.extend(words)


def reads_as_question(text: str, words: Sequence[QueryWord]) -> bool:
    """Whether free query text asks a question (ranked retrieval) rather than lists keywords."""
    if "?" in text or len(words) > MAX_KEYWORDS:
        return True
    careful = typed_with_diacritics([s for w in words for s in w.syllables])
    asking = _ASKING if careful else _ASKING_FOLDED
    return any(word.text in asking for word in words)


def build_query(reader, text: str, weights: Optional[RankingWeights] = None,
                filters: Sequence[wq.Query] = (), match: str = "auto",
                merged: bool = False) -> QueryPlan:
    """Turn user query text into the plan of one search (plus the filters given).

    ``match``: "all" (every word), "any" (ranked, any word) or "auto" (every word,
    unless the text reads as a question). ``merged``: a province: covers its whole
    unit since the 2025 merger.
    """
    if match not in MATCH_MODES:
        raise QueryError(f"unknown match mode {match!r}: use all, any or auto")
    weights = weights or RankingWeights()
    parsed = parse_query(text)
    builder = QueryBuilder(reader, merged)
    root = parsed.root
    nodes = root.nodes if isinstance(root, Seq) else [root]
    free = [n for n in nodes if isinstance(n, Words)]
    required = [n for n in nodes if not isinstance(n, Words)]
    words: List[QueryWord] = []
    # A question's words only rank: looking up which neighbours go together costs it time.
    collocate = match != "any" and "?" not in text and len(text.split()) <= 2 * MAX_KEYWORDS
    for n in free:
        found = query_words(n.text, reader, collocate)
        words.extend(found)
        if found:
            builder.marks.append(found)
    free_text = " ".join(n.text for n in free)
    if match == "auto":
        match = "any" if reads_as_question(free_text, words) else "all"
    # A question is ranked with pyvi reading its capitals (names, "Bộ luật Dân sự"), which
    # ranks questions better (bench/RESULTS.md); keywords rank the same in any case.
    builder.case_blind = match == "all"
    for n in free:
        builder.collect(n.text)
    free_units = list(builder.free_units)
    must = [builder.match(n) for n in required]
    must = [m for m in must if m is not None]
    if match == "any":
        # Question words ask; they are not what the user wants marked.
        builder.marks = [[w for w in run if w.text not in QUESTION_WORDS_EXACT
                          and (w.exact or w.text not in QUESTION_WORDS)] for run in builder.marks]
        builder.marks = [run for run in builder.marks if run]
    scoring = scoring_query(reader, weights, builder.free_units, builder.free_words)
    all_words = None
    # "Up to 3 words" counts pyvi's words: "giảm nghèo Hà Giang" is two.
    if match == "any" and free_units and len(builder.free_words) <= weights.all_words_first_upto:
        all_words = wq.And([word_query(w) for w in words])
    positives = [m for m in must if not isinstance(m, wq.Not)] + list(filters)
    negatives = [m.query for m in must if isinstance(m, wq.Not)]
    return QueryPlan(words, positives, negatives, scoring, match,
                     builder.marks, builder.free_units, parsed.warnings, all_words=all_words)
