"""'Did you mean': query words respelled, and given their accents, where the index says so.

A suggestion is made only when the index holds it with more evidence than the words
as typed, counted in documents per query word, the run of words cut where the index
has words (``words``/``words_folded``, pyvi's words of the documents; a lone syllable
from ``body``). A word typed without diacritics counts every accent form (it matches
them all): an unaccented query the index holds is never "corrected"; a word typed with
diacritics counts the forms keeping its marks. Respellings are the syllables one edit
away, chosen by how often they stand beside their neighbours (``body_pairs``: a pair
model). When a run changes, its accents are restored word by word from the index's
words, a lone syllable's by the documents holding it beside its neighbour. Numbers
and document numbers never change.
"""
from __future__ import annotations

import math
import re
import unicodedata
from itertools import islice, product
from typing import Dict, List, Optional, Sequence, Set, Tuple

from .analysis import canonical_tones, fold, has_diacritics, normalize_text, normalize_token
from .query import clip_query

__all__ = ["Suggester"]

# A plain query word: letters and digits only, no field, quote or operator.
_PLAIN_WORD = re.compile(r"[^\W_]+")
_LETTERS = re.compile(r"[^\W\d_]+")
_OPERATORS = {"AND", "OR", "NOT"}
_MAX_SYLLABLE = 8  # no Vietnamese syllable is longer ("nghiêng"): longer words are left as typed
_MAX_RUN = 8  # syllables of one run looked at (a long question's tail stays as typed)
_MAX_WORD = 4  # syllables of the longest word looked up in the index's words
# A query this short may deserve a suggestion even with many hits (a typo beside a
# common word); a longer question only when it finds little.
_SUGGEST_UPTO_WORDS = 4
_FEW_HITS = 3  # fewer hits than this: always look for a better spelling
# A typed form the index holds is replaced only by one it holds this many times more
# often (a wrong tone that makes another real word, "tình" for "tỉnh", is ambiguous).
_EVIDENCE_RATIO = 20
_SYLLABLE_RATIO = 100  # the same for a lone syllable: no neighbour says which is meant
_CONTEXT_RATIO = 5  # the same, counted as documents holding each syllable near the other
_RESPELL_RATIO = 10  # the same for other letters (a typo that makes a rare real syllable)
_CANDIDATES = 8  # respellings kept per syllable, most frequent first
_CHANGE_COST = 2.0  # in log document frequency: a respelling must explain the text better
_CONTEXT_DOCS = 3000  # a neighbour pair held by more documents is not read for context
_CONTEXT_SAMPLE = 200  # documents of a neighbour pair read to compare forms (the first ones)
_CACHED_FREQUENCIES = 200_000
_SKIP_COST = 25  # reading a posting costs about 1/25 of skipping to one (whoosh's matcher)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# The shape of a Vietnamese syllable, folded: respellings of any other shape are not looked up.
_SYLLABLE = re.compile("(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")
_MARKED = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "d": "dđ"}
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")


class Suggester:
    """Suggestions from one whoosh searcher's terms (keep it as long as the searcher)."""

    def __init__(self, searcher):
        self._searcher = searcher
        self._frequencies: Dict[Tuple[str, str], int] = {}
        self._forms: Dict[str, List[str]] = {}  # folded syllable -> exact forms, most frequent first

    def wanted(self, text: str, total: int) -> bool:
        """Whether a query that found ``total`` hits deserves a look for a suggestion.

        Looking costs a few term lookups when the query's words are all in the index.
        """
        if total < _FEW_HITS:
            return True
        return len(_PLAIN_WORD.findall(clip_query(text)[0])) <= _SUGGEST_UPTO_WORDS

    def suggest(self, text: str) -> List[str]:
        """The query with its plain words respelled or accented, or [] if none changes.

        Only runs of plain words change (operators, quoted phrases, field filters and
        words with digits stay as typed), and only where the index holds the
        suggestion with more evidence than the words as typed.
        """
        pieces = re.split(r"(\s+)", normalize_text(clip_query(text)[0]))
        changed = False
        for run in _runs(pieces):
            tokens = [normalize_token(pieces[i]) for i in run]
            better = self._respell(tokens)
            if better is not None:
                for i, word in zip(run, better):
                    pieces[i] = word
                changed = True
        return ["".join(pieces).strip()] if changed else []

    # -- one run of plain words -------------------------------------------------------

    def _respell(self, tokens: List[str]) -> Optional[List[str]]:
        """A better reading of the run ``tokens``, or None when the typed one stands."""
        folds = [fold(t) for t in tokens]
        if not self._doubtful(tokens, folds):
            return None
        chosen = self._best_folds(tokens, folds)
        if chosen != folds and not _more(self._cut(chosen)[1], self._cut(tokens)[1], _RESPELL_RATIO):
            chosen = folds
        reading = list(tokens)
        restore = []  # words typed without diacritics: accented only if the run changes
        for start, end in self._cut(chosen)[0]:
            typed = tokens[start:end]
            respelled = chosen[start:end] != folds[start:end]
            if not respelled and not any(map(has_diacritics, typed)):
                restore.append((start, end))  # matches every form: never wrong as typed
                continue
            forms = self._word_forms(chosen[start:end], chosen, start, end, context=respelled)
            if not forms:
                continue
            if respelled:
                reading[start:end] = forms[0][0]
                continue
            # A mistyped tone keeps the other marks: prefer the forms that keep them.
            forms = sorted(forms, key=lambda item: _untoned(item[0]) != _untoned(typed))
            if forms[0][0] != typed and _more(*self._evidence(typed, folds[start:end], forms)):
                reading[start:end] = forms[0][0]
        if reading == tokens or self._breaks_a_word(tokens, reading):
            return None
        for start, end in restore:
            # Accents restored for the whole word; a lone syllable only when one form
            # clearly dominates ("nay" stays: "này" and "nay" are both common).
            forms = self._word_forms(chosen[start:end], chosen, start, end, context=True)
            if forms and (end - start > 1 or len(forms) == 1 or forms[0][1] >= 2 * forms[1][1]):
                reading[start:end] = forms[0][0]
        return reading

    def _breaks_a_word(self, tokens: List[str], reading: List[str]) -> bool:
        """Whether ``reading`` changes a word typed with diacritics that the index holds as
        typed ("đủ kiên trì" is not "dự kiến trì", though "dự kiến" is the commoner word)."""
        return any(end - start > 1 and any(map(has_diacritics, tokens[start:end]))
                   and tokens[start:end] != reading[start:end] and self._marked_df(tokens[start:end])
                   for start, end in self._cut(tokens)[0])

    def _doubtful(self, tokens: List[str], folds: List[str]) -> bool:
        """Whether the run may hold a typo (a few term lookups: most queries stop here)."""
        for token, folded in zip(tokens, folds):
            if not _LETTERS.fullmatch(token) or len(token) > _MAX_SYLLABLE:
                continue
            folded_df = self._df("body_folded", folded)
            if folded_df == 0:
                return True
            if token != folded and self._df("body", token) * _EVIDENCE_RATIO < folded_df:
                return True  # the accents as typed are rare for these letters
        for i in range(len(tokens) - 1):
            pair = folds[i] + "_" + folds[i + 1]
            if self._df("body_pairs", pair) == 0:
                return True
            if has_diacritics(tokens[i]) and has_diacritics(tokens[i + 1]):
                # A word of two syllables typed with accents the index has seldom seen together
                as_word = self._df("words_folded", pair)
                if as_word and self._df("words", tokens[i] + "_" + tokens[i + 1]) * _EVIDENCE_RATIO < as_word:
                    return True
        return False

    # -- letters ------------------------------------------------------------------------

    def _best_folds(self, tokens: List[str], folds: List[str]) -> List[str]:
        """The folded syllables that best explain the run: a pair model over respellings."""
        options = [self._fold_options(i, tokens, folds) for i in range(len(folds))]
        # Viterbi over the options: score = sum of log pair frequencies, less a cost per change.
        scores = {c: 0.25 * _log(self._df("body_folded", c)) - (_CHANGE_COST if c != folds[0] else 0) for c in options[0]}
        back: List[Dict[str, str]] = []
        for i in range(1, len(folds)):
            step, links = {}, {}
            for c in options[i]:
                own = 0.25 * _log(self._df("body_folded", c)) - (_CHANGE_COST if c != folds[i] else 0)
                prev = max(scores, key=lambda p: scores[p] + _log(self._df("body_pairs", p + "_" + c)))
                step[c] = scores[prev] + _log(self._df("body_pairs", prev + "_" + c)) + own
                links[c] = prev
            scores = step
            back.append(links)
        last = max(scores, key=scores.get)
        path = [last]
        for links in reversed(back):
            path.append(links[path[-1]])
        return path[::-1]

    def _fold_options(self, i: int, tokens: List[str], folds: List[str]) -> List[str]:
        """The typed syllable and, if it looks wrong, its respellings the index holds.

        A syllable typed with diacritics that the index holds as typed keeps its letters.
        """
        folded = folds[i]
        if not _LETTERS.fullmatch(folded) or len(folded) > _MAX_SYLLABLE or (
                tokens[i] != folded and self._df("body", tokens[i])):
            return [folded]
        known = self._df("body_folded", folded) > 0
        if known:
            # A syllable the index holds is respelled only when it never stands beside a
            # neighbour the index also holds (an unknown neighbour is the typo).
            beside = [j for j in (i - 1, i + 1) if 0 <= j < len(folds)]
            if all(self._df("body_folded", folds[j]) == 0 or self._df(
                    "body_pairs", "_".join((folds[j], folded) if j < i else (folded, folds[j]))) > 0
                   for j in beside):
                return [folded]
        near = [c for c in _one_edit(folded) if _SYLLABLE.fullmatch(c) and self._df("body_folded", c)]
        near.sort(key=lambda c: -self._df("body_folded", c))
        return ([folded] if known else []) + near[:_CANDIDATES] or [folded]

    def _cut(self, tokens: List[str]) -> Tuple[List[Tuple[int, int]], int]:
        """The run cut into the index's words ([start, end) each), and the documents that
        may hold them all with the marks typed (the rarest word's count).

        The cut maximizes the summed log frequency of its words of several syllables
        ("phong canh sat": "phong" + "canh_sat", not "phong_canh" + "sat").
        """
        best: List[Tuple[float, int, int]] = [(0.0, 0, 1 << 62)]  # (score, last word's start, count)
        for end in range(1, len(tokens) + 1):
            score, _, count = best[end - 1]
            options = [(score, end - 1, min(count, self._marked_df(tokens[end - 1:end])))]
            for size in range(2, min(_MAX_WORD, end) + 1):
                df = self._marked_df(tokens[end - size:end])
                if df:
                    score, _, count = best[end - size]
                    options.append((score + _log(df), end - size, min(count, df)))
            best.append(max(options))
        out, end = [], len(tokens)
        while end:
            out.append((best[end][1], end))
            end = best[end][1]
        return out[::-1], best[-1][2]

    def _marked_df(self, typed: List[str]) -> int:
        """Documents holding ``typed`` as one word (a lone syllable: that syllable), in a
        form keeping the marks typed."""
        folds = [fold(t) for t in typed]
        if len(typed) == 1:
            return self._df("body", typed[0]) if typed[0] != folds[0] else self._df("body_folded", folds[0])
        if not all(map(_LETTERS.fullmatch, typed)):
            return 0
        if typed == folds:
            return self._df("words_folded", "_".join(folds))
        return sum(df for form, df in self._word_forms(folds, folds, 0, len(folds)) if _keeps_marks(typed, form))

    # -- accents ------------------------------------------------------------------------

    def _word_forms(self, folds: List[str], run: List[str], start: int, end: int,
                    context: bool = False) -> List[Tuple[List[str], int]]:
        """The exact forms of one word of the run the index holds, most evidence first.

        With ``context``, a lone syllable's commonest forms are counted and ranked by
        the documents holding them beside their neighbour in the run (reads postings).
        """
        if not all(_LETTERS.fullmatch(f) and len(f) <= _MAX_SYLLABLE for f in folds):
            return []
        if len(folds) > 1:
            choices = [self._exact_forms(f)[:5 if len(folds) == 2 else 3] for f in folds]
            found = []
            for combo in product(*choices):
                df = self._df("words", "_".join(combo))
                if df:
                    found.append((list(combo), df))
            found.sort(key=lambda item: -item[1])
            return found
        found = [([form], self._df("body", form)) for form in self._exact_forms(folds[0])]
        found = [item for item in found if item[1]]
        found.sort(key=lambda item: -item[1])
        neighbour = _neighbour_pair(run, start, end)
        if context and len(found) > 1 and neighbour and found[1][1] * _EVIDENCE_RATIO > found[0][1]:
            by_context = self._in_context(neighbour, [item[0][0] for item in found[:3]])
            if by_context and max(by_context.values()) > 0:  # counted beside the neighbour
                found = sorted(([[form], count] for form, count in by_context.items()),
                               key=lambda item: -item[1])
        return found

    def _evidence(self, typed: List[str], folds: List[str], forms) -> Tuple[int, int, int]:
        """(documents for the best form, for the word as typed, the ratio one must beat).

        A word typed with diacritics counts the forms keeping its marks.
        """
        best, best_df = forms[0]
        if len(typed) == 1:
            return best_df, self._df("body", typed[0]), _SYLLABLE_RATIO
        as_word = sum(df for form, df in forms if _keeps_marks(typed, form))
        accented = [t for t in typed if has_diacritics(t)]
        docs = None if as_word else self._pair_docs(folds[0] + "_" + folds[1])
        if docs is None:
            return best_df, as_word or min(self._df("body", t) for t in accented), _EVIDENCE_RATIO
        # Syllables typed together need not be one of pyvi's words ("trong sách", "họ
        # chỉ"): compare the documents with them side by side (folded) holding the
        # syllables as typed, and as suggested (a looser measure: a lower ratio).
        return (len(self._holding_all(docs, best)), len(self._holding_all(docs, accented)),
                _CONTEXT_RATIO)

    def _holding_all(self, docs: List[int], forms: Sequence[str]) -> List[int]:
        """Those of ``docs`` that hold every one of the exact syllables ``forms``."""
        for form in forms:
            docs = self._holding(docs, form)
        return docs

    def _in_context(self, pair: str, candidates: List[str]) -> Dict[str, int]:
        """How many documents holding the folded ``pair`` hold each candidate form."""
        docs = self._pair_docs(pair)
        return {} if docs is None else {form: len(self._holding(docs, form)) for form in candidates}

    def _pair_docs(self, pair: str) -> Optional[List[int]]:
        """The documents holding the folded ``pair``, or None when too many to read."""
        if not 0 < self._df("body_pairs", pair) <= _CONTEXT_DOCS:
            return None
        docs = self._searcher.reader().postings("body_pairs", pair).all_ids()
        return list(islice(docs, _CONTEXT_SAMPLE))

    def _holding(self, docs: List[int], form: str) -> List[int]:
        """Those of ``docs`` (ascending) that hold the exact syllable ``form``."""
        if not docs or not self._df("body", form):
            return []
        if self._df("body", form) < _SKIP_COST * len(docs):
            held = set(self._searcher.reader().postings("body", form).all_ids())
            return [doc for doc in docs if doc in held]
        matcher, out = self._searcher.reader().postings("body", form), []
        for doc in docs:
            if not matcher.is_active():
                break
            if matcher.id() < doc:
                matcher.skip_to(doc)
            if matcher.is_active() and matcher.id() == doc:
                out.append(doc)
        return out

    # -- the index ----------------------------------------------------------------------

    def _df(self, field: str, term: str) -> int:
        key = (field, term)
        found = self._frequencies.get(key)
        if found is None:
            if len(self._frequencies) > _CACHED_FREQUENCIES:
                self._frequencies.clear()  # a long-lived searcher: keep the cache bounded
            found = self._frequencies[key] = self._searcher.reader().doc_frequency(field, term)
        return found

    def _exact_forms(self, folded: str) -> List[str]:
        """The exact syllables of the index folding to ``folded``, most frequent first.

        Generated from the letters (each vowel's marks, đ, the five tones) and looked
        up: no pass over the term list, so a cold search pays a few lookups only.
        """
        found = self._forms.get(folded)
        if found is None:
            found = [form for form in _accent_forms(folded) if self._df("body", form)]
            found.sort(key=lambda form: -self._df("body", form))
            self._forms[folded] = found
        return found


def _runs(pieces: List[str]) -> List[List[int]]:
    """Indexes of ``pieces`` holding runs of plain words (words with digits break them)."""
    runs: List[List[int]] = []
    current: List[int] = []
    quoted = False  # inside a "phrase": left as typed
    for i, piece in enumerate(pieces):
        if not piece or piece.isspace():
            continue
        plain = not quoted and _LETTERS.fullmatch(piece) is not None and piece not in _OPERATORS
        quoted ^= piece.count('"') % 2 == 1
        if plain and len(current) < _MAX_RUN:
            current.append(i)
            continue
        if current:
            runs.append(current)
        current = [i] if plain else []
    if current:
        runs.append(current)
    return runs


def _more(suggested: int, typed: int, ratio: Optional[int] = None) -> bool:
    """Whether the index holds the suggestion with more evidence than the typed words.

    A typed form the index never holds loses to anything it holds; one it holds
    loses only to one held ``ratio`` times as often.
    """
    return suggested > 0 and (typed == 0 or suggested >= (ratio or _EVIDENCE_RATIO) * typed)


def _untoned(syllables: Sequence[str]) -> List[str]:
    """The syllables without their tone marks (vowel marks and đ kept)."""
    return [unicodedata.normalize("NFC", "".join(
        ch for ch in unicodedata.normalize("NFD", s) if ch not in _TONES)) for s in syllables]


def _keeps_marks(typed: Sequence[str], form: Sequence[str]) -> bool:
    """Whether ``form`` agrees with every syllable the user typed with diacritics."""
    return all(t == f or not has_diacritics(t) for t, f in zip(typed, form))


def _neighbour_pair(run: List[str], start: int, end: int) -> Optional[str]:
    if start > 0:
        return run[start - 1] + "_" + run[start]
    if end < len(run):
        return run[end - 1] + "_" + run[end]
    return None


def _one_edit(word: str) -> Set[str]:
    """Every string one deletion, transposition, substitution or insertion from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    out |= {a + c + b for a, b in splits for c in _ALPHABET}
    out.discard(word)
    out.discard("")
    return out


def _accent_forms(folded: str) -> List[str]:
    """Every spelling with Vietnamese marks that folds to ``folded`` (đ only first)."""
    letters = [_MARKED.get(ch, ch) if ch != "d" or i == 0 else "d" for i, ch in enumerate(folded)]
    out = []
    for base in product(*letters):
        base = "".join(base)
        out.extend(normalize_token(canonical_tones(base + tone)) if tone else base for tone in _TONES)
    return out


def _log(n: int) -> float:
    return math.log1p(n)
