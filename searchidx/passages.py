"""Ranking a long transcript by its best passage: the speaker turn that holds the query best.

BM25 divides a document's word counts by its length, so a 100-page session in which one
turn answers the query ranks far below a short news article saying the same. For a
transcript (a record with labelled turns: searchidx.turnform.is_transcript), its score is raised to what its best turn would score: the
score times the ratio of the turn's BM25 term part (its counts of the query's words, its
length) to the whole document's. Documents without turns keep their score exactly, so
the ranking of news articles does not change. The best turn is what the hit names.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Dict, List, Optional, Sequence, Tuple

from whoosh import query as wq

from .matchset import matching_docs
from .schema import stored_text
from .snippets import match_spans
from .turnform import clean_turns, is_transcript, turns_of

__all__ = ["turn_documents", "best_turn", "raise_scores", "rerank", "named_turn"]


def turn_documents(searcher) -> set:
    """The numbers of the transcripts: documents with labelled turns (a report's reported
    speech does not count, so news articles rank as they would without turns)."""
    return matching_docs(searcher, wq.Term("transcript", "1"))


MAX_RAISED = 10  # the most transcripts one search ranks by their best turn


def _saturation(tf: int, length: int, average: float, k1: float, b: float) -> float:
    return tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average)) if tf else 0.0


def best_turn(text: str, turns: Sequence[dict], words, average: float, k1: float,
              b: float) -> Tuple[float, Optional[dict]]:
    """(how many times the best turn's BM25 term part is the whole text's, that turn)."""
    if not turns or not words:
        return 1.0, None
    spans = [match_spans(text, [[w]]) for w in words]
    length = max(1, len(text.split()))
    whole = sum(_saturation(len(s), length, average, k1, b) for s in spans)
    if whole <= 0:
        return 1.0, None
    edges = [([a for a, _ in s], [z for _, z in s]) for s in spans if s]
    best, chosen = 0.0, None
    for turn in turns:
        start, end = turn["start"], turn["end"]
        counts = [_count_within(starts, ends, start, end) for starts, ends in edges]
        if not any(counts):
            continue
        size = max(1, len(text[start:end].split()))
        part = sum(_saturation(tf, size, average, k1, b) for tf in counts)
        if part > best:
            best, chosen = part, turn
    return max(1.0, best / whole), chosen


def _count_within(starts: List[int], ends: List[int], start: int, end: int) -> int:
    """How many matches lie within [start, end) (match_spans gives them sorted and apart)."""
    return max(0, bisect_right(ends, end) - bisect_left(starts, start))


def _average_length(searcher) -> float:
    count = searcher.doc_count_all()
    return max(1.0, searcher.reader().field_length("body") / count) if count else 1.0


def _ratios(searcher, docnums, words, weights) -> Dict[int, float]:
    average = _average_length(searcher)
    out = {}
    for docnum in docnums:
        stored = searcher.stored_fields(docnum)
        ratio, _ = best_turn(stored_text(stored), clean_turns(stored.get("turns")), words, average,
                             weights.k1, weights.b)
        if ratio > 1.0:
            out[docnum] = ratio
    return out


def raise_scores(searcher, mask, scores, words, weights):
    """The array scorer's ``scores`` with each matching transcript's raised to its best turn's."""
    with_turns = [d for d in turn_documents(searcher) if mask[d]]
    if not with_turns:
        return scores
    if len(with_turns) > MAX_RAISED:
        # Finding a transcript's best turn reads its text: only the best-scored few are
        # read, so a question matching most of a large index stays fast.
        with_turns = sorted(with_turns, key=lambda d: -scores[d])[:MAX_RAISED]
    scores = scores.copy()
    for docnum, ratio in _ratios(searcher, with_turns, words, weights).items():
        scores[docnum] *= ratio
    return scores


def rerank(searcher, ranked: List[Tuple[int, float]], words, weights) -> List[Tuple[int, float]]:
    """(docnum, score) pairs, transcripts raised to their best turn's score, in order again."""
    with_turns = turn_documents(searcher)
    mine = [d for d, _ in ranked if d in with_turns]
    if not mine:
        return ranked
    ratios = _ratios(searcher, mine, words, weights)
    raised = [(d, s * ratios.get(d, 1.0)) for d, s in ranked]
    return sorted(raised, key=lambda pair: -pair[1])


def named_turn(searcher, stored: dict, words, weights, speakers: Sequence[str] = ()) -> Optional[dict]:
    """The best turn of a transcript hit (its speaker, role, section and offsets), or None;
    with ``speakers`` (keys), the best of theirs."""
    turns = clean_turns(stored.get("turns"))
    if not is_transcript(turns):
        return None  # a report is ranked as a whole: no turn ranks it
    if speakers:
        turns = turns_of(turns, speakers)
    if not turns:
        return None
    _, turn = best_turn(stored_text(stored), turns, words, _average_length(searcher), weights.k1,
                        weights.b)
    return dict(turn) if turn else None
