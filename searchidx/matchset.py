"""The set of documents a search finds, and how it was found.

A keyword query finds the documents that hold every word. When none does, the
search says so and relaxes, in this order: the words typed with diacritics are
matched without them ("folded"); then the documents that hold the most of the
words are shown ("partial"), each naming the words it lacks. The hit count,
facets, sorting by date and paging all read the same set.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Set

from whoosh import query as wq

from .analysis import fold
from .errors import quoted

from .query import QueryPlan, QueryWord, query_words, word_query

__all__ = ["MatchSet", "relaxed", "matching_docs", "folded_marks"]


@dataclass
class MatchSet:
    query: wq.Query  # matches and scores the documents found
    allowed: Optional[Set[int]]  # when set, only these documents of ``query``'s
    kind: str  # see searchidx.results.MATCH_KINDS
    words: List[QueryWord]
    marks: List[List[QueryWord]]  # runs of words to highlight
    notice: Optional[str] = None
    holders: Optional[List[Set[int]]] = None  # per word, the documents holding it
    tiered: bool = False  # ranked retrieval of a short query: documents with every word first

    @classmethod
    def as_asked(cls, plan: QueryPlan) -> "MatchSet":
        return cls(plan.query, None, plan.mode, plan.words, plan.marks,
                   tiered=plan.all_words is not None)

    def within(self, only: Optional[Set[int]]) -> "MatchSet":
        """The set kept to ``only`` (None: no restriction), as ``--since`` asks."""
        if only is not None:
            self.allowed = set(only) if self.allowed is None else self.allowed & only
        return self

    def missing(self, docnum: int, searcher) -> List[str]:
        """The words of the query that document ``docnum`` lacks: for partial matches, and
        for the lower tier of a short query's ranked matches (a long question's hits each
        lack most of its words: naming them tells nothing)."""
        if self.kind in ("all", "folded") or not self.words or (self.kind == "any" and not self.tiered):
            return []
        if self.holders is None:
            self.holders = [matching_docs(searcher, word_query(w)) for w in self.words]
        return [w.text for w, docs in zip(self.words, self.holders) if docnum not in docs]


def matching_docs(searcher, query: wq.Query) -> Set[int]:
    """The document numbers ``query`` matches.

    whoosh 2.7's AndNot matcher keeps a document that the excluded part matches when
    the excluded part's first match comes before the required part's first, so the
    excluded documents are taken away here instead.
    """
    if isinstance(query, wq.AndNot):
        return matching_docs(searcher, query.a) - matching_docs(searcher, query.b)
    return set(searcher.docs_for_query(query))


def relaxed(searcher, plan: QueryPlan) -> Optional[MatchSet]:
    """What a keyword query that found nothing finds with its words relaxed, or None."""
    if plan.mode != "all" or not plan.words or plan.query is wq.NullQuery:
        return None
    typed = plan.words
    reader = searcher.reader()
    folded = _regrouped(typed, reader)
    if any(w.exact for w in typed):
        query = plan.query_for(folded)
        if matching_docs(searcher, query):
            text = " ".join(w.text for w in typed)
            return MatchSet(query, None, "folded", folded, folded_marks(plan.marks, reader),
                            notice=f"no document has {quoted(text)} as typed; these have "
                                   f"{quoted(fold(text))} in other accent forms")
    if len(typed) < 2:
        return None
    for words in ((typed, folded) if any(w.exact for w in typed) else (typed,)):
        found = _most_words(searcher, plan, words)
        if found is not None:
            return found
    return None


def _regrouped(words: List[QueryWord], reader) -> List[QueryWord]:
    """``words`` as if typed without diacritics: matched in any accent form, and grouped
    by the index (pyvi's grouping of a misspelt accented word is no guide)."""
    return query_words(fold(" ".join(w.text for w in words)), reader)


def folded_marks(marks: List[List[QueryWord]], reader) -> List[List[QueryWord]]:
    """Runs of words to mark, as if typed without diacritics."""
    return [_regrouped(run, reader) for run in marks]


def _most_words(searcher, plan: QueryPlan, words: List[QueryWord]) -> Optional[MatchSet]:
    """The documents that hold the most of ``words`` (and the rest of the query), or None."""
    base: Optional[Set[int]] = None
    if plan.constraints:
        base = matching_docs(searcher, wq.And(plan.constraints))
    if plan.excluded:
        excluded = matching_docs(searcher, wq.Or(plan.excluded))
        base = (base if base is not None else set(range(searcher.doc_count_all()))) - excluded
    holders = []
    counts: Dict[int, int] = {}
    for word in words:
        docs = matching_docs(searcher, word_query(word))
        if base is not None:
            docs &= base
        holders.append(docs)
        for d in docs:
            counts[d] = counts.get(d, 0) + 1
    if not counts:
        return None
    most = max(counts.values())
    allowed = {d for d, c in counts.items() if c == most}
    marks = plan.marks if words is plan.words else folded_marks(plan.marks, searcher.reader())
    return MatchSet(plan.some_words_query(words), allowed, "partial", words, marks,
                    notice=f"no document has all {len(words)} words; these have {most} of them",
                    holders=holders)
