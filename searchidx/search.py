"""The read side: ranked hits with highlighted snippets, filters, facets, suggestions."""
from __future__ import annotations

import math
import re
import time
from functools import lru_cache
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Tuple

from whoosh import query as wq
from whoosh import sorting
from whoosh.scoring import BM25F

from .analysis import analyze_text, fold, has_diacritics, normalize_text, normalize_token
from .errors import QueryError
from .index import Index
from .query import QueryPlan, RankingWeights, build_query, clip_query, date_range_query, province_query
from .schema import stored_text

__all__ = ["Snippet", "Hit", "SearchResults", "Searcher", "search", "make_snippets", "match_spans"]

# A plain query word: letters and digits only, no field, quote or operator.
_PLAIN_WORD = re.compile(r"[^\W_]+")
_OPERATORS = {"AND", "OR", "NOT"}
_MAX_SUGGESTED_WORD = 30  # spelling suggestions for longer "words" cost seconds, help no one
# A query this short is also respelled when it holds a word the index lacks, however
# many hits it has (a typo beside a common word); a longer question only when it finds
# little: respelling costs 0.1-0.5 s a word in whoosh's term dictionary.
_SUGGEST_WHEN_UNKNOWN_UPTO = 4
# From this many documents on, queries are scored with arrays (searchidx.scorer); below it
# whoosh's own matchers take a few milliseconds, and a cold start saves importing numpy.
ARRAY_SCORING_FROM = 2000


@dataclass
class Snippet:
    """A passage of the stored text; ``marks`` are [start, end) offsets into ``text``."""

    text: str
    marks: List[Tuple[int, int]]
    start: int  # offset of the passage in the document text
    page: Optional[int] = None  # for paged documents (PDF): the page of its first mark

    def to_dict(self) -> dict:
        out = {"text": self.text, "marks": [list(m) for m in self.marks], "start": self.start}
        if self.page is not None:
            out["page"] = self.page
        return out


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

    def to_dict(self) -> dict:
        out = asdict(self)
        out["snippets"] = [s.to_dict() for s in self.snippets]
        return out


@dataclass
class SearchResults:
    query: str
    total: int
    hits: List[Hit]
    page: int
    limit: int
    took_ms: float
    facets: Dict[str, Dict[str, int]] = field(default_factory=dict)
    suggestions: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "took_ms": round(self.took_ms, 2),
            "hits": [h.to_dict() for h in self.hits],
            "facets": self.facets,
            "suggestions": self.suggestions,
            "warnings": self.warnings,
        }


class VietnameseBM25F(BM25F):
    """whoosh's BM25F with the probabilistic IDF of BM25.

    whoosh's own IDF, log(N / (n + 1)) + 1, never falls below 1, so words found in
    every document ("của", "là", "có") weigh almost as much as rare ones: long
    questions then rank by their function words.
    """

    def idf(self, searcher, fieldname, text):
        n = searcher.doc_frequency(fieldname, text)
        total = searcher.doc_count_all()
        return math.log(1.0 + (total - n + 0.5) / (n + 0.5))


def _scoring(weights: RankingWeights) -> VietnameseBM25F:
    # Titles are short and all alike: little length normalization there.
    title_b = {f"{name}_B": weights.title_b for name in
               ("title", "title_folded")}
    return VietnameseBM25F(B=weights.b, K1=weights.k1, **title_b)


class Searcher:
    """Searches one index; keep it open for many queries (it holds a reader)."""

    def __init__(self, index: Index, weights: Optional[RankingWeights] = None):
        self.index = index
        self.weights = weights or RankingWeights()
        self._searcher = index.whoosh_index.searcher(weighting=_scoring(self.weights))
        self._scorer = None  # an ArrayScorer, made on first use for a large index
        # folded syllable -> (document frequency, most frequent exact form), built on first use
        self._fold_map: Optional[Dict[str, Tuple[int, str]]] = None

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()

    def refresh(self) -> None:
        """See the latest commit."""
        self._searcher = self._searcher.refresh()
        self._scorer = None
        self._fold_map = None

    def search(
        self,
        text: str,
        limit: int = 10,
        page: int = 1,
        date_from: Optional[str] = None,
        date_to: Optional[str] = None,
        province: Optional[str] = None,
        sort: str = "score",
        facets: bool = False,
        snippets: int = 3,
        suggest: bool = True,
    ) -> SearchResults:
        """Run ``text`` (query language of searchidx.query) and return one page of hits."""
        started = time.perf_counter()
        if limit < 1 or page < 1:
            raise QueryError("--limit and --page must be at least 1")
        if sort not in ("score", "date"):
            raise QueryError(f"unknown sort {sort!r}: use score or date")
        filters = []
        if date_from or date_to:
            filters.append(date_range_query(date_from, date_to))
        if province:
            filters.append(province_query(province))
        plan = build_query(self._searcher.reader(), text, self.weights, filters)
        hits, total = self._run(plan, limit, page, sort)
        ranked = []
        for rank, (docnum, score) in enumerate(hits, start=(page - 1) * limit + 1):
            stored = self._searcher.stored_fields(docnum)
            found = make_snippets(stored_text(stored), plan, snippets) if snippets else []
            _set_pages(found, (stored.get("extra") or {}).get("pages"))
            ranked.append(
                Hit(
                    rank=rank,
                    id=stored["id"],
                    score=None if score is None else round(float(score), 4),
                    title=stored.get("title", ""),
                    date=stored.get("date"),
                    province=stored.get("province"),
                    path=stored.get("path"),
                    snippets=found,
                    format=stored.get("format"),
                )
            )
        results = SearchResults(text, total, ranked, page, limit, 0.0, warnings=plan.warnings)
        if facets:
            results.facets = self._facets(plan.query)
        if suggest and (total < 3 or (len(_PLAIN_WORD.findall(text)) <= _SUGGEST_WHEN_UNKNOWN_UPTO
                                      and self._has_unknown_word(text))):
            results.suggestions = self.suggest(clip_query(text)[0])
        results.took_ms = (time.perf_counter() - started) * 1000
        return results

    def _run(self, plan: QueryPlan, limit: int, page: int, sort: str):
        s = self._searcher
        end = page * limit
        if plan.query is wq.NullQuery:
            return [], 0
        if sort == "date":
            res = s.search(plan.query, limit=end, sortedby="day", reverse=True)
            # Sorted results have no relevance score (whoosh puts the sort key there).
            return [(h.docnum, None) for h in res][end - limit:], len(res)
        if self._searcher.doc_count_all() < ARRAY_SCORING_FROM:
            return self._run_whoosh(plan, limit, end)
        return self._run_arrays(plan, limit, end)

    def _run_arrays(self, plan: QueryPlan, limit: int, end: int):
        if self._scorer is None:
            from .storage.scorer import ArrayScorer

            self._scorer = ArrayScorer(self._searcher)
        scorer = self._scorer
        mask, scores = scorer.evaluate(plan.query)
        total = int(mask.sum())
        if plan.all_words is None:
            docs = list(scorer.ranked(mask, scores, end))
        else:
            # Short keyword queries: documents with every word first, then the rest.
            every, _ = scorer.evaluate(plan.all_words)
            docs = list(scorer.ranked(mask & every, scores, end))
            if len(docs) < end:
                docs += list(scorer.ranked(mask & ~every, scores, end - len(docs)))
        return [(int(d), float(scores[d])) for d in docs[end - limit:]], total

    def _run_whoosh(self, plan: QueryPlan, limit: int, end: int):
        s = self._searcher
        # (whoosh takes an empty filter for no filter: tiers only when some document has every word)
        every = set(s.docs_for_query(plan.all_words)) if plan.all_words is not None else set()
        if not every:
            res = s.search(plan.query, limit=end)
            return [(h.docnum, h.score) for h in res][end - limit:], len(res)
        # Short keyword queries: documents with every word first, then the rest.
        first = s.search(plan.query, limit=end, filter=every)
        ranked = [(h.docnum, h.score) for h in first]
        if len(ranked) < end:
            rest = s.search(plan.query, limit=end - len(ranked), mask=every)
            ranked += [(h.docnum, h.score) for h in rest]
            total = len(first) + len(rest)
        else:
            total = len(s.search(plan.query, limit=1))
        return ranked[end - limit:], total

    def _facets(self, query: wq.Query) -> Dict[str, Dict[str, int]]:
        out: Dict[str, Dict[str, int]] = {}
        if query is wq.NullQuery:
            return {"province": {}, "year": {}}
        res = self._searcher.search(
            query,
            limit=1,
            groupedby={
                "province": sorting.FieldFacet("province", allow_overlap=False, maptype=sorting.Count),
                "year": sorting.FieldFacet("year", maptype=sorting.Count),
            },
        )
        for name in ("province", "year"):
            groups = res.groups(name)
            counts = {(k or ""): v for k, v in groups.items() if k}
            out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def suggest(self, text: str) -> List[str]:
        """'Did you mean': the query with its plain words accented or respelled.

        Only plain words change (operators, phrases and field filters stay as
        typed). An unaccented word gets the most frequent accented form of it
        when the index never has it as typed; a word the index lacks entirely
        gets the closest spelling that it has.
        """
        reader = self._searcher.reader()
        pieces = re.split(r"(\s+)", normalize_text(text))
        changed = False
        for i, piece in enumerate(pieces):
            if (not piece or piece.isspace() or not _PLAIN_WORD.fullmatch(piece)
                    or piece in _OPERATORS or len(piece) > _MAX_SUGGESTED_WORD):
                continue
            word = normalize_token(piece)
            best = word
            if reader.doc_frequency("body", word) == 0:
                if not has_diacritics(word):
                    best = self._accented_form(word) or word
                if reader.doc_frequency("body_folded", fold(best)) == 0:
                    fixes = self._searcher.suggest("body_folded", fold(word), limit=1, maxdist=2)
                    if fixes:
                        best = self._accented_form(fixes[0]) or fixes[0]
            if best != word:
                pieces[i] = best
                changed = True
        return ["".join(pieces).strip()] if changed else []

    def _has_unknown_word(self, text: str) -> bool:
        """Whether a plain word of the query occurs in no document, even folded."""
        reader = self._searcher.reader()
        return any(
            reader.doc_frequency("body_folded", fold(normalize_token(word))) == 0
            for word in _PLAIN_WORD.findall(clip_query(text)[0])
            if word not in _OPERATORS
        )

    def _accented_form(self, folded: str) -> Optional[str]:
        """The most frequent exact syllable whose folded form is ``folded``."""
        reader = self._searcher.reader()
        if self._fold_map is None:
            fold_map: Dict[str, Tuple[int, str]] = {}
            for term, info in reader.iter_field("body"):
                term = term if isinstance(term, str) else term.decode("utf-8")
                key = fold(term)
                freq = info.doc_frequency()
                if key not in fold_map or freq > fold_map[key][0]:
                    fold_map[key] = (freq, term)
            self._fold_map = fold_map
        found = self._fold_map.get(folded)
        return found[1] if found else None

    def document(self, doc_id: str) -> Optional[dict]:
        """The stored fields of one document, with its text, or None."""
        docnum = self._searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        stored = dict(self._searcher.stored_fields(docnum))
        stored["text"] = stored_text(stored)
        stored.pop("text_z", None)
        stored["people"] = [p for p in (stored.get("people") or "").split(",") if p]
        stored["agencies"] = [a for a in (stored.get("agencies") or "").split(",") if a]
        return stored

    def marks(self, text: str, query: str) -> List[Tuple[int, int]]:
        """[start, end) spans of ``text`` that ``query`` matches (for showing a whole document)."""
        return match_spans(text, build_query(self._searcher.reader(), query, self.weights))

    def highlight(self, text: str, query: str, snippets: int = 3) -> List[Snippet]:
        """Snippets of ``text`` for ``query`` (for showing one document)."""
        plan = build_query(self._searcher.reader(), query, self.weights)
        return make_snippets(text, plan, snippets)


def _set_pages(snippets: List[Snippet], pages: Optional[str]) -> None:
    """Tell each snippet of a paged document (PDF) which page it shows."""
    if not pages:
        return
    from .schema import page_of

    for snip in snippets:
        offset = snip.start + (snip.marks[0][0] if snip.marks else 0)
        snip.page = page_of(offset, pages)


def search(index: Index, text: str, **options) -> SearchResults:
    """One-off search: opens a searcher, runs the query, closes it."""
    with Searcher(index) as searcher:
        return searcher.search(text, **options)


# ---- snippets ----------------------------------------------------------------

SNIPPET_CHARS = 200


def match_spans(text: str, plan: QueryPlan) -> List[Tuple[int, int]]:
    """Spans of ``text`` matching a query word: exact, or folded for unaccented words."""
    exact, folded = plan.highlight_exact, plan.highlight_folded
    if not exact and not folded:
        return []
    lowered = fold(text.lower())
    if len(lowered) != len(text):  # lowercasing or folding changed lengths: rare scripts
        return _match_spans_by_tokens(text, exact, folded)
    # Find candidates in the folded text with one regex, then check each exactly.
    pattern = _span_pattern(frozenset(fold(t) for t in exact) | frozenset(folded))
    spans = []
    for m in pattern.finditer(lowered):
        norm = normalize_token(text[m.start():m.end()])
        if norm in exact or m.group(0) in folded:
            spans.append((m.start(), m.end()))
    return _merge_spans(spans)


@lru_cache(maxsize=256)
def _span_pattern(terms: frozenset) -> "re.Pattern":
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(r"(?<![^\W_])(?:%s)(?![^\W_])" % alternatives)


def _match_spans_by_tokens(text: str, exact: set, folded: set) -> List[Tuple[int, int]]:
    analysis = analyze_text(text, segment=False)
    spans = []
    for surface, start, end in analysis.syllables:
        norm = normalize_token(surface)
        if norm in exact or fold(norm) in folded:
            spans.append((start, end))
    for surface, start, end, _ in analysis.compounds:
        norm = normalize_token(surface)
        if norm in exact or fold(norm) in folded:
            spans.append((start, end))
    return _merge_spans(spans)


def _merge_spans(spans: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    out: List[Tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


_SPACE = re.compile(r"\s")


def _cut_left(text: str, pos: int) -> int:
    """Move ``pos`` left to the start of a word (never inside a syllable)."""
    while pos > 0 and not _SPACE.match(text[pos - 1]):
        pos -= 1
    return pos


def _cut_right(text: str, pos: int) -> int:
    while pos < len(text) and not _SPACE.match(text[pos]):
        pos += 1
    return pos


def make_snippets(text: str, plan: QueryPlan, count: int = 3, width: int = SNIPPET_CHARS) -> List[Snippet]:
    """Up to ``count`` passages of about ``width`` characters, best first."""
    spans = match_spans(text, plan)
    if not spans:
        end = _cut_right(text, min(len(text), width))
        return [Snippet(text[:end].strip(), [], 0)] if text.strip() else []
    # Score each window starting at a match by the distinct words it covers.
    windows = []
    for i, (start, _) in enumerate(spans):
        lo = _cut_left(text, max(0, start - width // 4))
        hi = _cut_right(text, min(len(text), lo + width))
        inside = [s for s in spans[i:] if s[1] <= hi] + [s for s in spans[:i] if s[0] >= lo]
        distinct = {normalize_token(text[a:b]) for a, b in inside}
        windows.append((len(distinct), len(inside), -lo, lo, hi))
    windows.sort(reverse=True)
    chosen: List[Tuple[int, int]] = []
    for _, _, _, lo, hi in windows:
        if all(hi <= a or lo >= b for a, b in chosen):
            chosen.append((lo, hi))
        if len(chosen) >= count:
            break
    out = []
    for lo, hi in chosen:
        # Trim whitespace and line breaks at the ends, keeping offsets right.
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        passage = text[lo:hi]
        marks = [(a - lo, b - lo) for a, b in spans if a >= lo and b <= hi]
        out.append(Snippet(passage, marks, lo))
    return out
