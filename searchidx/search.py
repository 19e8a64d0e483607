"""The read side: ranked hits with highlighted snippets, filters, facets, suggestions."""
from __future__ import annotations

import math
import time
from typing import Dict, List, Optional, Tuple

from whoosh import query as wq
from whoosh import sorting
from whoosh.scoring import BM25F

from .errors import QueryError
from .index import Index
from .query import QueryPlan, RankingWeights, build_query, date_range_query, province_query
from .query.filters import changed_since_query
from .matchset import MatchSet, folded_marks, matching_docs, relaxed
from .collapse import collapse_ranked, copies_of, sketch_column
from .facets import FACETS, PageOfGroups, copy_entry, layout_facets, official_hit, with_layout
from .query.official import official_filters
from .results import Hit, SearchResults
from .schema import stored_text
from .snippets import Snippet, make_snippets, match_spans, set_pages
from .passages import named_turn, raise_scores, rerank
from .speakers import SpeakerSearch, document_turns, hit_snippets, take_speakers
from .suggest import Suggester

__all__ = ["Hit", "SearchResults", "Searcher", "search", "Snippet", "make_snippets", "match_spans"]

# From this many documents on, queries are scored with arrays (storage.scorer); below it
# whoosh's own matchers take a few milliseconds, and a cold start saves importing numpy.
ARRAY_SCORING_FROM = 2000
EARLIER_LOOKED_AT = 200  # the earlier documents a --since search compares its recent ones with


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
        self._suggester = Suggester(self._searcher)
        self._changed: Dict[float, set] = {}  # changed_since, by time
        self._sketches = None  # the sketch column (searchidx.collapse), read on first use

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
        self._suggester = Suggester(self._searcher)
        self._changed = {}
        self._sketches = None

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
        match: str = "auto",
        merged: bool = False,
        since: Optional[float] = None,
        doc_type: Optional[str] = None,
        number: Optional[str] = None,
        issuer: Optional[str] = None,
        signer: Optional[str] = None,
        collapse: bool = True,
        speaker: Optional[str] = None,
    ) -> SearchResults:
        """Run ``text`` (query language of searchidx.query) and return one page of hits.

        ``match``: "all" (hits hold every word), "any" (ranked, any word) or "auto"
        (every word, unless the text reads as a question). When no document holds
        every word, the results say how they were relaxed (``match`` and ``notice``).
        ``merged``: a province (``province`` or province: in the query) covers its
        whole unit since the 2025 merger. ``since`` (seconds since the epoch) keeps only
        the documents indexed or changed after it. ``doc_type``, ``number``, ``issuer``
        and ``signer`` filter by the national layout (as type:, number:, … do). With
        ``collapse``, copies of one report are one hit listing them (searchidx.collapse).
        ``speaker`` (or speaker: in the query) keeps the words to what that speaker said
        (see searchidx.speakers).
        """
        started = time.perf_counter()
        if limit < 1 or page < 1:
            raise QueryError("--limit and --page must be at least 1")
        if sort not in ("score", "date"):
            raise QueryError(f"unknown sort {sort!r}: use score or date")
        filters = []
        if date_from or date_to:
            filters.append(date_range_query(date_from, date_to))
        reader = self._searcher.reader()
        if province:
            filters.append(province_query(province, merged=merged, reader=reader))
        filters += official_filters(type=doc_type, number=number, issuer=issuer, signer=signer)
        asked = text  # as typed, speaker: included: what the results say they answer
        text, named = take_speakers(text)
        speakers = SpeakerSearch(reader, named + ([speaker] if speaker else []))
        plan = build_query(reader, text, self.weights, filters + speakers.filters(), match, merged=merged)
        plan.warnings += speakers.warnings
        only = self.changed_since(since) if since is not None else None
        found = speakers.verify(self._searcher, MatchSet.as_asked(plan).within(only))
        earlier = self._earlier_copies(plan, found) if only is not None and collapse else set()
        if earlier:
            found.allowed -= earlier
        run = self._collapsed if collapse else self._run
        hits, total = run(plan, found, limit, page, sort)
        # (Restricted to recent documents or to a speaker, "no document has every word"
        # would not be true.)
        if not total and only is None and not speakers.active:
            relaxed_set = relaxed(self._searcher, plan)
            if relaxed_set is not None:
                found = relaxed_set.within(only)
                hits, total = run(plan, found, limit, page, sort)
        copies = getattr(hits, "copies", {})
        ranked = []
        for rank, (docnum, score) in enumerate(hits, start=(page - 1) * limit + 1):
            stored = self._searcher.stored_fields(docnum)
            shown = hit_snippets(stored_text(stored), stored, found.marks, snippets, speakers) \
                if snippets else []
            set_pages(shown, (stored.get("extra") or {}).get("pages"))
            ranked.append(
                Hit(
                    rank=rank,
                    id=stored["id"],
                    score=None if score is None else round(float(score), 4),
                    title=stored.get("title", ""),
                    date=stored.get("date"),
                    province=stored.get("province"),
                    path=stored.get("path"),
                    snippets=shown,
                    format=stored.get("format"),
                    missing=found.missing(docnum, self._searcher),
                    **official_hit(stored),
                    copies=[copy_entry(self._searcher.stored_fields(c)) for c in copies.get(docnum, [])],
                    passage=named_turn(self._searcher, stored, found.words, self.weights, speakers.terms),
                )
            )
        results = SearchResults(asked, total, ranked, page, limit, 0.0, warnings=plan.warnings,
                                match=found.kind, words=[w.text for w in found.words],
                                notice=found.notice, collapsed=getattr(hits, "folded", 0),
                                hits_total=hits.counted if isinstance(hits, PageOfGroups) else total,
                                earlier_copies=len(earlier))
        if facets:
            results.facets = self._facets(found)
        if suggest and self._suggester.wanted(text, total):
            results.suggestions = self._suggester.suggest(text)
        results.took_ms = (time.perf_counter() - started) * 1000
        return results

    def changed_since(self, when: float) -> set:
        """The numbers of the documents indexed or changed after ``when``."""
        found = self._changed.get(when)
        if found is None:  # the queries of a script mostly share one time
            found = self._changed[when] = matching_docs(self._searcher, changed_since_query(when))
        return found

    def latest_change(self, after: Optional[float] = None) -> Optional[float]:
        """When the newest document was indexed (seconds since the epoch), or None for
        none (after ``after``, if given: then the cost follows the documents since)."""
        query = wq.Every() if after is None else changed_since_query(after)
        column = self._searcher.reader().column_reader("indexed_us")
        newest = max((column[d] for d in self._searcher.docs_for_query(query)), default=None)
        return None if newest is None else newest / 1_000_000

    # -- ranking one page ---------------------------------------------------
    def _collapsed(self, plan: QueryPlan, found: MatchSet, limit: int, page: int, sort: str):
        """One page of hits with the copies of each folded into it (searchidx.collapse)."""
        groups, total, folded, counted = collapse_ranked(
            lambda n: self._run(plan, found, n, 1, sort), self._sketch_column(), self._text_of,
            limit, page, lambda d: bool(self._searcher.stored_fields(d).get("number")))
        return PageOfGroups(groups, folded, counted), total

    def _sketch_column(self):
        if self._sketches is None:
            self._sketches = sketch_column(self._searcher.reader())
        return self._sketches

    def _text_of(self, docnum: int) -> str:
        return stored_text(self._searcher.stored_fields(docnum))

    def _earlier_copies(self, plan: QueryPlan, found: MatchSet) -> set:
        """The recent documents found (``found.allowed``) that copy a document the query
        found before them: a PDF of a report seen last week is not news. The earlier
        documents looked at are the best ranked (a copy holds the query's words as its
        report does, and ranks near it)."""
        if found.query is wq.NullQuery or not found.allowed:
            return set()
        recent = matching_docs(self._searcher, found.query) & found.allowed
        if not recent:
            return set()
        every = MatchSet.as_asked(plan)
        ranked, _ = self._run(plan, every, EARLIER_LOOKED_AT + len(recent), 1, "score")
        before = [d for d, _ in ranked if d not in recent][:EARLIER_LOOKED_AT]
        return copies_of(sorted(recent), before, self._sketch_column(), self._text_of)

    def _run(self, plan: QueryPlan, found: MatchSet, limit: int, page: int, sort: str):
        end = page * limit
        if found.query is wq.NullQuery or found.allowed == set():
            return [], 0
        tiers = plan.all_words if found.kind == "any" else None
        if sort == "date":
            res = self._whoosh_search(found.query, limit=end, sortedby="day", reverse=True,
                                      filter=found.allowed)
            # Sorted results have no relevance score (whoosh puts the sort key there).
            return [(h.docnum, None) for h in res][end - limit:], len(res)
        if self._searcher.doc_count_all() < ARRAY_SCORING_FROM:
            return self._run_whoosh(found, tiers, limit, end)
        return self._run_arrays(found, tiers, limit, end)

    def _run_arrays(self, found: MatchSet, tiers: Optional[wq.Query], limit: int, end: int):
        if self._scorer is None:
            from .storage.scorer import ArrayScorer

            self._scorer = ArrayScorer(self._searcher)
        scorer = self._scorer
        mask, scores = scorer.evaluate(found.query)
        scores = raise_scores(self._searcher, mask, scores, found.words, self.weights)
        if found.allowed is not None:
            import numpy as np  # (loaded with the array scorer already)

            allowed = np.zeros_like(mask)
            allowed[list(found.allowed)] = True
            mask = mask & allowed
        total = int(mask.sum())
        if tiers is None:
            docs = list(scorer.ranked(mask, scores, end))
        else:
            # Short keyword queries: documents with every word first, then the rest.
            every, _ = scorer.evaluate(tiers)
            docs = list(scorer.ranked(mask & every, scores, end))
            if len(docs) < end:
                docs += list(scorer.ranked(mask & ~every, scores, end - len(docs)))
        return [(int(d), float(scores[d])) for d in docs[end - limit:]], total

    def _run_whoosh(self, found: MatchSet, tiers: Optional[wq.Query], limit: int, end: int):
        # Every match is scored (limit=None): whoosh's top-N pruning, which swaps in
        # cheaper matchers as the lowest kept score rises, loses documents that belong
        # in the top N and counts too few matches (whoosh 2.7).
        s = self._searcher
        # (whoosh takes an empty filter for no filter: tiers only when some document has every word)
        every = set(s.docs_for_query(tiers)) if tiers is not None else set()
        def ranked(res):  # (transcripts ranked by their best turn: see searchidx.passages)
            return rerank(s, [(h.docnum, h.score) for h in res], found.words, self.weights)

        if not every:
            res = self._whoosh_search(found.query, limit=None, filter=found.allowed)
            return ranked(res)[end - limit:end], len(res)
        # Short keyword queries: documents with every word first, then the rest.
        first = self._whoosh_search(found.query, limit=None, filter=every)
        rest = self._whoosh_search(found.query, limit=None, mask=every)
        pairs = ranked(first)[:end]
        pairs += ranked(rest)[:end - len(pairs)]
        return pairs[end - limit:], len(first) + len(rest)

    def _whoosh_search(self, query: wq.Query, **options):
        """whoosh's search of ``query``, with excluded documents (NOT) as a mask
        (see matchset.matching_docs on AndNot); ``filter=None`` is no filter."""
        if options.get("filter") is None:
            options.pop("filter", None)
        if isinstance(query, wq.AndNot):
            excluded = set(self._searcher.docs_for_query(query.b))
            if excluded:
                options["mask"] = excluded | set(options.get("mask") or ())
            query = query.a
        return self._searcher.search(query, **options)

    def _facets(self, found: MatchSet) -> Dict[str, Dict[str, int]]:
        out: Dict[str, Dict[str, int]] = {}
        if found.query is wq.NullQuery or found.allowed == set():
            return {name: {} for name in FACETS}
        res = self._whoosh_search(
            found.query,
            limit=1,
            filter=found.allowed,
            groupedby={
                "province": sorting.FieldFacet("province", allow_overlap=False, maptype=sorting.Count),
                "year": sorting.FieldFacet("year", maptype=sorting.Count),
            },
        )
        for name in ("province", "year"):
            groups = res.groups(name)
            counts = {(k or ""): v for k, v in groups.items() if k}
            out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        out.update(layout_facets(self._whoosh_search, found))
        return out

    def suggest(self, text: str) -> List[str]:
        """'Did you mean': the query with its plain words accented or respelled (see Suggester)."""
        return self._suggester.suggest(text)

    def document(self, doc_id: str) -> Optional[dict]:
        """The stored fields of one document, with its text, or None."""
        docnum = self._searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        stored = dict(self._searcher.stored_fields(docnum))
        stored["text"] = stored_text(stored)
        stored["people"] = [p for p in (stored.get("people") or "").split(",") if p]
        stored["agencies"] = [a for a in (stored.get("agencies") or "").split(",") if a]
        return with_layout(stored)

    def speaker_turns(self, doc: dict, name: str) -> List[dict]:
        """The turns of a document (as :meth:`document` gives it) where ``name`` speaks."""
        return document_turns(self._searcher.reader(), doc, name)

    def speakers(self, query: Optional[str] = None, **filters) -> list:
        """Every speaker, or who says ``query`` the most (see searchidx.speaking)."""
        from .speaking import who_speaks

        return who_speaks(self._searcher, self.weights, query, **filters)

    def marks(self, text: str, query: str, match: str = "auto") -> List[Tuple[int, int]]:
        """[start, end) spans of ``text`` that ``query`` matches (for showing a whole document)."""
        return self._matched(text, query, match)[1]

    def highlight(self, text: str, query: str, snippets: int = 3, match: str = "auto") -> List[Snippet]:
        """Snippets of ``text`` for ``query`` (for showing one document)."""
        return make_snippets(text, self._matched(text, query, match)[0], snippets)

    def _matched(self, text: str, query: str, match: str):
        """The query's words to mark in ``text`` (as typed, or as a search would relax
        them) and the spans they mark."""
        reader = self._searcher.reader()
        plan = build_query(reader, query, self.weights, match=match)
        spans = match_spans(text, plan.marks)
        if spans:
            return plan.marks, spans
        relaxed_marks = folded_marks(plan.marks, reader)
        return relaxed_marks, match_spans(text, relaxed_marks)


def search(index: Index, text: str, **options) -> SearchResults:
    """One-off search: opens a searcher, runs the query, closes it."""
    with Searcher(index) as searcher:
        return searcher.search(text, **options)
