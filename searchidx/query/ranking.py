"""Ranking: which terms of the free words score, and with what weight.

Free words score through several fields at once, with weights (see RankingWeights):
exact syllables and pyvi words when the user typed diacritics, folded syllables
and folded words always, adjacent syllables that link two words, and a phrase
bonus when the words stand together. A query typed with diacritics is read as
typed, bare syllables included ("CO" is not "có").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from whoosh import query as wq

from ..analysis import fold, has_diacritics, normalize_token
from .units import Unit

__all__ = ["RankingWeights", "QUESTION_WORDS", "QUESTION_WORDS_EXACT", "scoring_query"]


@dataclass
class RankingWeights:
    """Boosts of each field's contribution to a free-text query's score."""

    words: float = 1.0  # exact pyvi words and syllable n-grams
    syllables: float = 0.0  # exact syllables
    folded_words: float = 0.3  # folded words when the query has diacritics
    folded_syllables: float = 0.1
    unaccented_words: float = 1.0  # folded words when the query has none
    unaccented_syllables: float = 0.5
    title: float = 0.0  # multiplier for the title fields
    phrase: float = 1.0  # whole query as a phrase (short queries)
    max_ngram: int = 3  # adjacent syllables joined as candidate words
    frequent_ratio: float = 0.5  # syllables in more than this share of documents do not score
    all_words_first_upto: int = 3  # queries this short rank documents with every word first
    question_words: bool = True  # leave interrogatives (gì, nào, bao nhiêu) out of the score
    pairs: float = 0.6  # adjacent query syllables found adjacent in the document
    k1: float = 1.5  # BM25 term-frequency saturation
    b: float = 0.75  # BM25 length normalization
    title_b: float = 0.3
    pairs_in_word: float = 0.0  # share of `pairs` for a pair inside one word matched as typed
    accented_share: float = 0.5  # a query with marks on this share of its syllables is read as typed


# Words that make a question rather than say what it is about: "bệnh gì", "khi nào".
# Folded for queries typed without marks; as written for queries read as typed,
# where "Thi" (a name), "CO" or "não" (brain) ask nothing.
_QUESTION_TEXT = """
gì nào sao đâu ai bao nhiêu mấy thế như thì là có không phải được những các của
""".split()
QUESTION_WORDS = frozenset(fold(w) for w in _QUESTION_TEXT)
QUESTION_WORDS_EXACT = frozenset(normalize_token(w) for w in _QUESTION_TEXT)

# Title fields beside body fields; the title is also inside the body fields, so
# this is an extra boost only (0 by default: tuning found it hurts, see bench/RESULTS.md).
_TITLE_FIELD = {"body": "title", "body_folded": "title_folded"}


def scoring_query(reader, weights: RankingWeights, units: List[Unit],
                  pyvi_words: List[str]) -> Optional[wq.Query]:
    """The optional, ranking part of a query: one boosted term per scoring form of the
    free words ``units`` (and pyvi's words of them), or None when nothing scores."""
    w = weights
    doc_count = max(1, reader.doc_count_all())

    def frequent(fieldname: str, term: str) -> bool:
        return reader.doc_frequency(fieldname, term) > w.frequent_ratio * doc_count

    accented = any(u.accented for u in units)
    # A query typed with marks is read as typed: its unmarked syllables are meant
    # so too ("CO", "Thi", "anh" are not "có", "thì", "ảnh"). A query with marks on
    # only a few syllables is taken as typed carelessly: its bare syllables stay folded.
    letters = [u for u in units if not u.parts and u.folded.isalpha()]
    as_typed = accented and sum(u.accented for u in letters) >= w.accented_share * len(letters)
    clauses: List[wq.Query] = []

    def add(fieldname: str, term: str, boost: float) -> None:
        if boost > 0:
            clauses.append(wq.Term(fieldname, term, boost=boost))
            if w.title > 0 and fieldname in _TITLE_FIELD:
                clauses.append(wq.Term(_TITLE_FIELD[fieldname], term, boost=boost * w.title))

    def exact(text: str) -> bool:
        """Whether a syllable or word is matched as typed (else folded)."""
        return as_typed or has_diacritics(text)

    # Syllables and words found in most documents cost time and tell little:
    # they are left out of the score when enough others remain. Both tests look
    # at the form that scores: "nấm" is rare though "nam" is everywhere, and
    # "CO" asks nothing though "có" does.
    def uninformative(text: str, exact_field: str, folded_field: str) -> bool:
        if exact(text):
            return (frequent(exact_field, text)
                    or (w.question_words and text in QUESTION_WORDS_EXACT))
        folded = fold(text)
        return frequent(folded_field, folded) or (w.question_words and folded in QUESTION_WORDS)

    kept = [u for u in units if not uninformative(u.exact, "body", "body_folded")]
    filtered = len(kept) >= 3
    if not filtered:
        kept = units
    for u in kept:
        if u.parts:
            # A code or date (15/2020/NĐ-CP, 23/12/2018) is a word of its own
            # (pyvi splits it into pieces).
            if exact(u.exact):
                add("body", u.exact, w.words)
            else:
                add("body_folded", u.folded, w.unaccented_words)
        elif exact(u.exact):
            add("body", u.exact, w.syllables)
            if not (filtered and frequent("body_folded", u.folded)):
                add("body_folded", u.folded, w.folded_syllables)
        else:
            add("body_folded", u.folded, w.unaccented_syllables)
            if not accented:
                add("body", u.exact, w.unaccented_syllables * 0.2)
    # Words: pyvi's words of the query, and every run of 2..max_ngram syllables,
    # so a word matches whatever way pyvi split the query (case, context).
    syl = [u for u in units if not u.parts]
    candidates = list(pyvi_words)
    seen = set(candidates)
    for n in range(2, w.max_ngram + 1):
        for i in range(len(syl) - n + 1):
            ngram = "_".join(u.exact for u in syl[i:i + n])
            if ngram not in seen:
                seen.add(ngram)
                candidates.append(ngram)
    informative = [c for c in candidates if not uninformative(c, "words", "words_folded")]
    filtered = len(informative) >= 3
    if filtered:
        candidates = informative
    for word in candidates:
        folded = fold(word)
        if exact(word):
            add("words", word, w.words)
            if not (filtered and frequent("words_folded", folded)):
                add("words_folded", folded, w.folded_words)
        else:
            add("words_folded", folded, w.unaccented_words)
    if w.pairs > 0:
        informative_syl = {id(u) for u in kept}
        # A pair inside a word matched as typed repeats that word's match:
        # it scores only between words (proximity), unless pairs_in_word says so.
        inside = set()
        for word in pyvi_words:
            if exact(word):
                parts = word.split("_")
                inside.update(zip(parts, parts[1:]))
        for a, b in zip(syl, syl[1:]):
            if id(a) in informative_syl and id(b) in informative_syl:
                boost = w.pairs * (w.pairs_in_word if (a.exact, b.exact) in inside else 1.0)
                if boost > 0:
                    clauses.append(wq.Term("body_pairs", a.folded + "_" + b.folded, boost=boost))
    if 1 < len(syl) <= 8 and w.phrase > 0:
        clauses.append(wq.And([wq.Term("body_pairs", a.folded + "_" + b.folded)
                               for a, b in zip(syl, syl[1:])], boost=w.phrase))
    if not clauses:
        return None
    return wq.Or(clauses)

