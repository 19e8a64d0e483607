"""The Vietnamese tokenizer, filters and field analyzers, in whoosh's pipeline style.

The tokenizer reads one stream of :func:`searchidx.analysis.text.analyze_text`
(syllables and compounds, or pyvi words); field analyzers normalize it with filters:
tone placement and lowercase, then, for the folded fields, accent folding.
These classes' import paths are part of the on-disk format (see
:mod:`searchidx.storage.toc_names`).
"""
from __future__ import annotations

import unicodedata
from collections import OrderedDict
from typing import Iterable, Iterator, List, Optional, Tuple

from whoosh.analysis import CompositeAnalyzer, Filter, StopFilter, Token, Tokenizer

from .normalize import fold, normalize_token
from .text import PosSpan, Span, analyze_text

__all__ = [
    "VietnameseTokenizer",
    "VietnameseNormalizeFilter",
    "FoldFilter",
    "syllable_analyzer",
    "word_analyzer",
    "folded_analyzer",
    "folded_word_analyzer",
    "folded_pair_analyzer",
    "SyllablePairFilter",
    "VietnameseAnalyzer",
    "explain",
]

class VietnameseTokenizer(Tokenizer):
    """Yields syllables and compounds (default) or pyvi words, with exact offsets.

    Token text is the surface form (words joined by "_"); filters normalize it.
    """

    def __init__(self, words: bool = False):
        self.words = words

    def __eq__(self, other):
        return type(other) is type(self) and other.words == self.words

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True,
                 start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        if not unicodedata.is_normalized("NFC", value):
            # Stored text is always NFC; offsets point into the NFC form.
            value = unicodedata.normalize("NFC", value)
        analysis = analyze_text(value, segment=self.words)
        if self.words:
            stream: Iterable[PosSpan] = analysis.words
        else:
            stream = _merge(analysis.syllables, analysis.compounds)
        for surface, start, end, pos in stream:
            t.text = surface
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = surface
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


def _merge(syllables: List[Span], compounds: List[PosSpan]) -> Iterator[PosSpan]:
    """Syllables in order, each compound just before the syllable it starts at."""
    ci = 0
    for pos, (surface, start, end) in enumerate(syllables):
        while ci < len(compounds) and compounds[ci][3] <= pos:
            yield compounds[ci]
            ci += 1
        yield surface, start, end, pos
    # Compounds after the last syllable have no position of their own: none by construction.


class VietnameseNormalizeFilter(Filter):
    """Lowercase, NFC, canonical tone placement (hoà -> hòa, thuỷ -> thủy)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        for t in tokens:
            t.text = normalize_token(t.text)
            yield t


class SyllablePairFilter(Filter):
    """Adjacent syllables joined ("bóng", "đá" -> "bóng_đá"), at the first one's position.

    A pair field makes phrase and proximity queries single term lookups, where
    whoosh's position matching decodes and walks every candidate's positions.
    Compounds (which share their first part's position) are not paired.
    """

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        previous = None  # (text, pos, startchar) of the last syllable
        pending = None
        for t in tokens:
            current = (t.text, getattr(t, "pos", None), getattr(t, "startchar", None))
            if pending is not None and current[1] != pending[1]:
                # The pending token was a syllable (a compound is followed by its first part).
                if previous is not None:
                    t_out = t.copy()
                    t_out.text = previous[0] + "_" + pending[0]
                    t_out.pos = previous[1]
                    if previous[2] is not None:
                        t_out.startchar = previous[2]
                        t_out.endchar = pending[3]
                    yield t_out
                previous = pending
            pending = current + (getattr(t, "endchar", None),)
        if pending is not None and previous is not None:
            t_out = Token(text=previous[0] + "_" + pending[0], pos=previous[1],
                          startchar=previous[2], endchar=pending[3], boost=1.0, stopped=False)
            yield t_out


class FoldFilter(Filter):
    """Accent folding: every mark off, đ -> d ("đường" -> "duong")."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold(t.text)
            yield t


class VietnameseAnalyzer(CompositeAnalyzer):
    """``VietnameseTokenizer | filters``, plus a fast path for indexing.

    Indexing needs only each term's positions, not Token objects: ``term_positions``
    computes them from the cached analysis of the text, normalizing each distinct
    surface form once, so the four body fields of a document share the work.
    """

    def term_positions(self, value: str) -> dict:
        tokenizer = self.items[0]
        folded = stops = pairs = None
        for item in self.items[1:]:
            if isinstance(item, FoldFilter):
                folded = True
            elif isinstance(item, SyllablePairFilter):
                pairs = True
            elif isinstance(item, StopFilter):
                stops = item.stops
            elif not isinstance(item, VietnameseNormalizeFilter):
                return _positions_by_tokens(self, value)  # an unknown filter: the slow way
        if not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
        if pairs:
            texts, positions = _pair_stream(value, bool(folded))
        else:
            texts, positions = _normalized_stream(value, tokenizer.words, bool(folded))
        out: dict = {}
        for text, pos in zip(texts, positions):
            if stops and text in stops:
                continue
            found = out.get(text)
            if found is None:
                out[text] = [pos]
            else:
                found.append(pos)
        return out


def _positions_by_tokens(analyzer, value: str) -> dict:
    out: dict = {}
    for t in analyzer(value, positions=True):
        if not t.stopped:
            out.setdefault(t.text, []).append(t.pos)
    return out


_STREAMS: "OrderedDict[Tuple[str, bool, bool], Tuple[list, list]]" = OrderedDict()


def _normalized_stream(text: str, words: bool, folded: bool) -> Tuple[list, list]:
    """Normalized (and maybe folded) token texts of one stream, with positions; cached."""
    key = (text, words, folded)
    hit = _STREAMS.get(key)
    if hit is not None:
        return hit
    if folded:
        texts, positions = _normalized_stream(text, words, False)
        result = ([fold(t) for t in texts], positions)
    else:
        # Segment even for the syllable fields: the word fields of the same text
        # come next and reuse this analysis.
        analysis = analyze_text(text, segment=True)
        stream = analysis.words if words else list(_merge(analysis.syllables, analysis.compounds))
        result = ([normalize_token(item[0]) for item in stream], [item[3] for item in stream])
    _STREAMS[key] = result
    if len(_STREAMS) > 8:
        _STREAMS.popitem(last=False)
    return result


def _pair_stream(text: str, folded: bool) -> Tuple[list, list]:
    """Adjacent syllable pairs of the text (no compounds), normalized, maybe folded."""
    texts, positions = _normalized_stream(text, False, folded)
    # That stream puts each compound just before the syllable at its position: the
    # last text at each position is the syllable.
    syllables = list(dict(zip(positions, texts)).values())
    return [a + "_" + b for a, b in zip(syllables, syllables[1:])], list(range(len(syllables) - 1))


def _analyzer(words: bool, folded: bool, stoplist: Optional[Iterable[str]],
              pairs: bool = False) -> VietnameseAnalyzer:
    parts = [VietnameseTokenizer(words=words), VietnameseNormalizeFilter()]
    if folded:
        parts.append(FoldFilter())
    if stoplist:
        parts.append(StopFilter(stoplist=frozenset(stoplist), minsize=1))
    if pairs:
        parts.append(SyllablePairFilter())
    return VietnameseAnalyzer(*parts)


def syllable_analyzer(stoplist: Optional[Iterable[str]] = None) -> VietnameseAnalyzer:
    """Exact syllables and compounds, lowercased, tones canonical; positions for phrases."""
    return _analyzer(False, False, stoplist)


def word_analyzer(stoplist: Optional[Iterable[str]] = None) -> VietnameseAnalyzer:
    """pyvi words (nhân_quyền), lowercased, tones canonical."""
    return _analyzer(True, False, stoplist)


def folded_analyzer(stoplist: Optional[Iterable[str]] = None) -> VietnameseAnalyzer:
    """Syllables and compounds with accents folded: what unaccented queries match."""
    return _analyzer(False, True, stoplist)


def folded_word_analyzer(stoplist: Optional[Iterable[str]] = None) -> VietnameseAnalyzer:
    """pyvi words with accents folded (nhan_quyen)."""
    return _analyzer(True, True, stoplist)


def folded_pair_analyzer(stoplist: Optional[Iterable[str]] = None) -> VietnameseAnalyzer:
    """Adjacent syllables, folded and joined (bong_da): phrases and proximity as terms."""
    return _analyzer(False, True, stoplist, pairs=True)


def explain(text: str, stoplist: Optional[Iterable[str]] = None) -> List[dict]:
    """Every token each text field gets from ``text``: what ``searchidx analyze`` prints.

    The text is NFC-normalized first, as stored documents are; offsets point into that.
    """
    from .normalize import normalize_text

    text = normalize_text(text)
    fields = [
        ("body", syllable_analyzer(stoplist)),
        ("words", word_analyzer(stoplist)),
        ("body_folded", folded_analyzer(stoplist)),
        ("words_folded", folded_word_analyzer(stoplist)),
        ("body_pairs", folded_pair_analyzer(stoplist)),
    ]
    out = []
    for name, analyzer in fields:
        for t in analyzer(text, positions=True, chars=True):
            out.append(
                {"field": name, "text": t.text, "pos": t.pos, "start": t.startchar,
                 "end": t.endchar, "surface": text[t.startchar:t.endchar]}
            )
    return out
