"""The words of a keyword query, and what it takes for a document to hold each one.

A query word is one syllable, several syllables that make one word ("tham nhũng",
"Ủy ban nhân dân"), or one compound token (15/2020/NĐ-CP, 17.670). A document
holds a word of several syllables where they stand side by side. A word typed
with diacritics is held as typed (case, NFC/NFD and tone placement aside); a word
typed without them is held in any accent form.

Where the words begin and end: a query typed with diacritics is segmented by pyvi,
which reads them well; pyvi splits text without diacritics badly, so there the
index decides: syllables are one word when the documents where they stand
together often have them as one word (pyvi's word, folded, in ``words_folded``).
The text is lowercased first: pyvi segments "HÒA BÌNH" and "hòa bình" differently,
and letter case must never change what a query matches.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from whoosh import query as wq

from ..analysis import analyze_text, fold, has_diacritics, normalize_token
from .units import compound_parts

__all__ = ["QueryWord", "query_words", "word_query", "typed_with_diacritics", "COHESION",
           "MAX_WORD_SYLLABLES"]

# Syllables typed without diacritics are one word when at least this share of the
# documents holding them side by side have them as one pyvi word (tuned with
# bench/matching.py).
COHESION = 0.3
# Two neighbouring words are one when at least this share of the documents holding the
# rarer of them, and most documents holding both, hold the two side by side.
COLLOCATION = 0.5
MAX_WORD_SYLLABLES = 4  # longer runs are not looked up as one word
# A query with diacritics on at least this share of its syllables was typed with
# care: pyvi segments it (else the index does).
TYPED_SHARE = 0.5


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: its normalized syllables (or one compound token)."""

    syllables: Tuple[str, ...]
    exact: bool  # typed with diacritics: held only as typed
    compound: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.syllables)

    @property
    def folded(self) -> Tuple[str, ...]:
        return tuple(fold(s) for s in self.syllables)

    @classmethod
    def typed(cls, syllables: Sequence[str]) -> "QueryWord":
        """A word as the user typed it: held as typed if any syllable has a mark."""
        return cls(tuple(syllables), any(has_diacritics(s) for s in syllables))

    def as_folded(self) -> "QueryWord":
        """The same word matched in any accent form."""
        return QueryWord(self.syllables, False, self.compound)


def typed_with_diacritics(syllables: Sequence[str]) -> bool:
    """Whether the user typed marks on most letter syllables (else: carelessly or none)."""
    letters = [s for s in syllables if s.isalpha()]
    return bool(letters) and sum(has_diacritics(s) for s in letters) >= TYPED_SHARE * len(letters)


def query_words(text: str, reader=None, collocate: bool = True) -> List[QueryWord]:
    """The words of free query text, in order (see the module docstring). Without
    ``collocate``, neighbouring words are not looked up as one (a question, whose words
    only rank, need not pay for it)."""
    analysis = analyze_text(text.lower(), segment=True)
    syllables = [normalize_token(s[0]) for s in analysis.syllables]
    if not syllables:
        return []
    compound_at = {}
    for surface, start, end, pos in analysis.compounds:
        parts = len(compound_parts(analysis, start, end))
        compound_at.setdefault(pos, (normalize_token(surface), max(1, parts)))
    # Runs of plain syllables between compounds are segmented; compounds stand alone.
    words: List[QueryWord] = []
    run: List[int] = []
    pos = 0
    careful = typed_with_diacritics(syllables)
    pyvi_starts = _pyvi_starts(analysis) if careful else None
    names = None
    if reader is not None:
        # pyvi finds names by their capitals, which a lowercased query lacks: its
        # segmentation of the text title-cased offers names too, kept where the
        # documents have them as words (the same in any letter case of the query).
        titled = analyze_text(text.lower().title(), segment=True)
        if len(titled.syllables) == len(syllables):
            names = _names(titled, syllables, reader, exact=careful)
            if careful:
                for begin, end in names:
                    pyvi_starts.difference_update(range(begin + 1, end))
    while pos < len(syllables):
        if pos in compound_at:
            words.extend(_segment(run, syllables, pyvi_starts, reader, names, collocate))
            run = []
            token, parts = compound_at[pos]
            words.append(QueryWord((token,), has_diacritics(token), compound=True))
            pos += parts
            continue
        run.append(pos)
        pos += 1
    words.extend(_segment(run, syllables, pyvi_starts, reader, names, collocate))
    return words


def _pyvi_starts(analysis) -> set:
    """Positions of syllables that begin one of pyvi's words."""
    return {pos for _, _, _, pos in analysis.words}


def _names(titled, syllables: List[str], reader, exact: bool) -> List[Tuple[int, int]]:
    """The [begin, end) spans of ``titled``'s words of several syllables that the index
    holds as words (as typed, or folded)."""
    positions = sorted(_pyvi_starts(titled)) + [len(syllables)]
    field = "words" if exact else "words_folded"
    out = []
    for begin, end in zip(positions, positions[1:]):
        if end - begin > 1:
            word = "_".join(syllables[begin:end] if exact else [fold(s) for s in syllables[begin:end]])
            if reader.doc_frequency(field, word):
                out.append((begin, end))
    return out


def _join_names(groups: List[List[int]], names: List[Tuple[int, int]]) -> List[List[int]]:
    """Groups that together make one of ``names`` joined into one."""
    for begin, end in names:
        inside = [g for g in groups if g[0] >= begin and g[-1] < end]
        if len(inside) > 1 and inside[0][0] == begin and inside[-1][-1] == end - 1:
            first = groups.index(inside[0])
            groups = groups[:first] + [[p for g in inside for p in g]] + groups[first + len(inside):]
    return groups


def _segment(run: List[int], syllables: List[str], pyvi_starts: Optional[set], reader,
             names: Optional[List[Tuple[int, int]]] = None, collocate: bool = True) -> List[QueryWord]:
    if not run:
        return []
    folded = [fold(s) for s in syllables]
    groups: List[List[int]] = []
    if pyvi_starts is not None:
        for pos in run:
            if not groups or pos in pyvi_starts:
                groups.append([pos])
            else:
                groups[-1].append(pos)
        if reader is not None:
            # pyvi joins greedily in a short query without context ("trăn trở đất"): a
            # word the documents never have is split as the index would split it.
            checked = []
            for group in groups:
                word = "_".join(syllables[p] for p in group)
                if len(group) > 1 and not reader.doc_frequency("words", word):
                    checked += _by_index(group, folded, reader)
                else:
                    checked.append(group)
            groups = checked
    elif reader is not None:
        groups = _join_names(_by_index(run, folded, reader), names or [])
    else:
        groups = [[p] for p in run]
    if reader is not None and collocate:
        groups = _collocations(groups, folded, reader)
    out = []
    for group in groups:
        parts = tuple(syllables[p] for p in group)
        out.append(QueryWord.typed(parts))
    return out


def _by_index(run: List[int], folded: List[str], reader) -> List[List[int]]:
    """``run`` cut into the words the index knows best: of every way to cut it, the one
    whose words of several syllables are the most cohesive (see _cohesion), in sum."""
    best = [(0.0, [])]  # best[i]: (gain, groups) for run[:i]
    for end in range(1, len(run) + 1):
        options = []
        for size in range(1, min(MAX_WORD_SYLLABLES, end) + 1):
            gain, groups = best[end - size]
            group = run[end - size:end]
            if size > 1:
                cohesion = _cohesion(reader, [folded[p] for p in group])
                if cohesion < COHESION:
                    continue
                gain += (size - 1) * cohesion
            options.append((gain, -len(groups), groups + [group]))
        gain, _, groups = max(options, key=lambda o: (o[0], o[1]))
        best.append((gain, groups))
    return best[-1][1]


def _collocations(groups: List[List[int]], folded: List[str], reader) -> List[List[int]]:
    """Join neighbouring words that the documents mostly have side by side: "chuyển đổi"
    and "số" are two words to pyvi, but where both are, they are mostly "chuyển đổi số"."""
    out = [groups[0]]
    for group in groups[1:]:
        last = out[-1]
        if len(last) + len(group) <= MAX_WORD_SYLLABLES:
            joint = reader.doc_frequency("body_pairs", folded[last[-1]] + "_" + folded[group[0]])
            rarer = min(_frequency(reader, [folded[p] for p in last]),
                        _frequency(reader, [folded[p] for p in group]))
            # A frequent pair at the seam is not enough ("hội an" + "cù lao" meet in "an
            # cư"): most documents holding both words must hold them side by side.
            if joint and joint >= COLLOCATION * rarer and _mostly_together(
                    reader, [folded[p] for p in last], [folded[p] for p in group]):
                out[-1] = last + group
                continue
        out.append(group)
    return out


def _mostly_together(reader, first: List[str], second: List[str]) -> bool:
    # Walk the rarer word's documents only: the other's may be most of the index.
    if _frequency(reader, first) > _frequency(reader, second):
        first, second = second, first
    both = _holders(reader, second, _holders(reader, first))
    together = _holders(reader, first + second, both)
    return bool(both) and len(together) >= COLLOCATION * len(both)


def _terms(folded: List[str]) -> List[Tuple[str, str]]:
    if len(folded) == 1:
        return [("body_folded", folded[0])]
    return [("body_pairs", a + "_" + b) for a, b in zip(folded, folded[1:])]


def _holders(reader, folded: List[str], among: Optional[List[int]] = None) -> List[int]:
    """The documents (of ``among``, sorted, if given) holding the folded syllables side by
    side (by their pairs)."""
    docs = among
    for field, term in _terms(folded):
        if not reader.doc_frequency(field, term):
            return []
        postings = reader.postings(field, term)
        if docs is None:
            docs = list(postings.all_ids())
            continue
        kept = []
        for doc in docs:
            if postings.is_active() and postings.id() < doc:
                postings.skip_to(doc)
            if not postings.is_active():
                break
            if postings.id() == doc:
                kept.append(doc)
        docs = kept
    return docs or []


def _frequency(reader, folded: List[str]) -> int:
    """Documents holding a word (folded), as far as one lookup tells."""
    if len(folded) == 1:
        return reader.doc_frequency("body_folded", folded[0])
    return reader.doc_frequency("words_folded", "_".join(folded)) or _side_by_side(reader, folded)


def _cohesion(reader, folded: List[str]) -> float:
    """The share of the documents holding these syllables side by side that have them as
    one pyvi word (0 when none does)."""
    together = reader.doc_frequency("words_folded", "_".join(folded))
    if not together:
        return 0.0
    return min(1.0, together / max(1, _side_by_side(reader, folded)))


def _side_by_side(reader, folded: List[str]) -> int:
    """At most how many documents hold the folded syllables side by side: the fewest that
    hold one of their pairs."""
    return min(reader.doc_frequency(field, term) for field, term in _terms(folded))


def word_query(word: QueryWord) -> wq.Query:
    """The documents that hold ``word`` (in the body, which holds the title too)."""
    if len(word.syllables) == 1:
        term = word.syllables[0]
        return wq.Term("body", term) if word.exact else wq.Term("body_folded", fold(term))
    folded = word.folded
    # Folded pairs in order stand for "side by side"; a word typed with diacritics
    # also needs its syllables as typed.
    parts: List[wq.Query] = [wq.Term(field, term) for field, term in _terms(list(folded))]
    if word.exact:
        parts += [wq.Term("body", s) for s in dict.fromkeys(word.syllables)]
    return wq.And(parts)
