"""Scoring a whoosh query with arrays: whoosh's own BM25 scores, without a Python step
per posting.

whoosh scores a query by walking its matchers one posting at a time in Python, which
grows slow with the index and the question's length. Here each term's
posting list is decoded into arrays (the compact codec's blocks are plain arrays) and
scored at once with numpy over every document; And, Or, AndMaybe and AndNot combine
document masks and sum scores the way whoosh's matchers do (a compound's boost
multiplies its sum). Any other node (a positional phrase, a date range) is run by
whoosh itself and its matches taken in. The scores equal whoosh's up to rounding in
the last bits, and ties rank by document number, as in whoosh's collector.
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import NumericColumn
from whoosh.reading import TermNotFound
from whoosh.scoring import bm25
from whoosh.util.numeric import byte_to_length

from .codec import CompactLeafMatcher, posting_arrays

_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)

Arrays = Tuple[np.ndarray, np.ndarray]  # (bool mask, float64 scores) over all documents


class ArrayScorer:
    """Evaluates whoosh queries over one whoosh searcher's documents (keep it per searcher)."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.weighting = searcher.weighting
        self._leaves = list(self.reader.leaf_readers())
        self._lengths: Dict[str, np.ndarray] = {}
        self._live = np.ones(self.size, dtype=bool)
        for leaf, base in self._leaves:
            if leaf.has_deletions():
                dead = np.fromiter(leaf._perdoc.deleted_docs(), dtype=np.int64)
                self._live[dead + base] = False

    # -- entry points --------------------------------------------------------
    def evaluate(self, query: wq.Query) -> Arrays:
        """Which documents ``query`` matches, and their scores (0 elsewhere)."""
        mask, scores = self._eval(query)
        mask &= self._live
        scores[~mask] = 0.0
        return mask, scores

    @staticmethod
    def ranked(mask: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
        """The best ``count`` documents of ``mask``: score descending, then document number."""
        docs = np.flatnonzero(mask)
        if count <= 0 or not len(docs):
            return docs[:0]
        doc_scores = scores[docs]
        if len(docs) > count:
            # everything scoring at least the count-th best, so ties at the edge stay in order
            edge = np.partition(doc_scores, len(docs) - count)[len(docs) - count]
            keep = doc_scores >= edge
            docs, doc_scores = docs[keep], doc_scores[keep]
        order = np.lexsort((docs, -doc_scores))
        return docs[order[:count]]

    # -- nodes ---------------------------------------------------------------
    def _empty(self) -> Arrays:
        return np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=np.float64)

    def _eval(self, node: wq.Query) -> Arrays:
        if isinstance(node, type(wq.NullQuery)):
            return self._empty()
        kind = type(node)
        if kind is wq.Term:
            return self._term(node)
        if kind in (wq.Or, wq.And):
            return self._compound(node)
        if kind is wq.AndMaybe:
            mask, scores = self._eval(node.a)
            _, extra = self._eval(node.b)
            scores += extra
            scores[~mask] = 0.0
            return mask, scores * node.boost if node.boost != 1 else scores
        if kind is wq.AndNot:
            mask, scores = self._eval(node.a)
            excluded, _ = self._eval(node.b)
            mask &= ~excluded
            scores[~mask] = 0.0
            return mask, scores
        return self._by_whoosh(node)

    def _compound(self, node) -> Arrays:
        subs = node.subqueries
        if not subs:
            return self._empty()
        if isinstance(node, wq.And):
            mask, scores = self._eval(subs[0])
            for sub in subs[1:]:
                sub_mask, sub_scores = self._eval(sub)
                mask &= sub_mask
                scores += sub_scores
            scores[~mask] = 0.0
        else:
            mask, scores = self._empty()
            for sub in subs:
                if type(sub) is wq.Term:  # added in place: no array per term
                    self._term(sub, (mask, scores))
                else:
                    sub_mask, sub_scores = self._eval(sub)
                    mask |= sub_mask
                    scores += sub_scores
        if node.boost != 1:
            scores *= node.boost
        return mask, scores

    def _term(self, node: wq.Term, into: Optional[Arrays] = None) -> Arrays:
        """The term's documents and scores, added to ``into`` when given."""
        mask, scores = into if into is not None else self._empty()
        fieldname = node.fieldname
        if fieldname not in self.searcher.schema:
            return mask, scores
        field = self.searcher.schema[fieldname]
        text = field.to_bytes(node.text)
        pieces = []
        for leaf, base in self._leaves:
            terms = getattr(leaf, "_terms", None)  # an empty index has no segment
            if terms is None:
                continue
            try:
                # the segment's raw matcher: deleted documents are masked out at the end
                matcher = terms.matcher(fieldname, text, field.format)
            except TermNotFound:
                continue
            if isinstance(matcher, CompactLeafMatcher):
                # one cumulative sum over every block: each block's first id enters as
                # its distance from the previous block's last
                gaps, weight_parts, previous = [], [], -base
                for first, last, deltas, weights in matcher.posting_parts():
                    gaps += (np.array((first - previous,), dtype=np.int64),
                             np.frombuffer(deltas, dtype=deltas.typecode))
                    weight_parts.append(np.frombuffer(weights, dtype=weights.typecode))
                    previous = last
                pieces.append((np.cumsum(np.concatenate(gaps)),
                               np.concatenate(weight_parts).astype(np.float64)))
                continue
            ids, weights = posting_arrays(matcher)
            if len(ids):
                pieces.append((np.frombuffer(ids, dtype=np.uint32).astype(np.int64) + base,
                               np.asarray(weights, dtype=np.float64)))
        if not pieces:
            return mask, scores
        docs = np.concatenate([p[0] for p in pieces])
        tf = np.concatenate([p[1] for p in pieces])
        if field.scorable:
            lengths = self._field_lengths(fieldname)[docs]
            idf = self.searcher.idf(fieldname, text)
            avgfl = self.searcher.avg_field_length(fieldname) or 1
            b = self.weighting._field_B.get(fieldname, self.weighting.B)
            values = bm25(idf, tf, lengths, avgfl, b, self.weighting.K1)  # whoosh's formula, on arrays
        else:
            values = tf
        mask[docs] = True
        scores[docs] += values * node.boost if node.boost != 1 else values
        return mask, scores

    def _by_whoosh(self, node: wq.Query) -> Arrays:
        mask, scores = self._empty()
        matcher = node.matcher(self.searcher, self.searcher.context())
        docs, values = [], []
        while matcher.is_active():
            docs.append(matcher.id())
            values.append(matcher.score())
            matcher.next()
        if docs:
            mask[docs] = True
            scores[docs] = values
        return mask, scores

    def _field_lengths(self, fieldname: str) -> np.ndarray:
        """Every document's length in ``fieldname`` as whoosh's scorer sees it (the
        length byte decoded; 1 where absent)."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = np.ones(self.size, dtype=np.float64)
            for leaf, base in self._leaves:
                count = leaf.doc_count_all()
                perdoc = getattr(leaf, "_perdoc", None)
                column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc else None
                if column is None:
                    continue
                codes = _length_codes(column, count)
                part = _BYTE_TO_LENGTH[codes]
                part[codes == 0] = 1.0
                lengths[base:base + count] = part
            self._lengths[fieldname] = lengths
        return lengths


def _length_codes(column, count: int) -> np.ndarray:
    """A length column's bytes, one per document: read in one piece from whoosh's
    one-byte numeric column (not a Python call per document)."""
    codes = np.zeros(count, dtype=np.uint8)
    if isinstance(column, NumericColumn.Reader) and column._fixedlen == 1:
        raw = column._dbfile.get(column._basepos, min(column._count, count))
        codes[:len(raw)] = np.frombuffer(raw, dtype=np.uint8)
    else:
        codes[:] = np.fromiter((column[i] for i in range(count)), dtype=np.uint8, count=count)
    return codes
