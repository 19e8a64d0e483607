"""The Vietnamese tokenizer and filters, in whoosh's pipeline style.

One pass over a text (``analyze_text``) finds, with exact spans into that text:
- syllables: the units of phrase search, numbered by position;
- compounds: tokens kept whole on top of their parts (15/2020/NĐ-CP, 17.670,
  117,8%, 18/4, TP.HCM, e-mail and web addresses), at the position of their first part;
- words: pyvi's segmentation (nhân_quyền, ủy_ban_nhân_dân), at their first syllable.
Field analyzers pick one stream (syllables+compounds, or words) and normalize it
with filters: tone placement and lowercase, then, for the folded fields, accent folding.
"""
from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, Iterator, List, Optional, Tuple

from whoosh.analysis import CompositeAnalyzer, Filter, StopFilter, Token, Tokenizer

from .normalize import fold, normalize_token
from .segmenter import get_segmenter, syllabify

__all__ = [
    "TextAnalysis",
    "analyze_text",
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

Span = Tuple[str, int, int]  # surface text, start, end
PosSpan = Tuple[str, int, int, int]  # surface text, start, end, position

_LETTERS = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,_]\d+)+")
_ABBREVIATION_DOT = re.compile(r"[A-ZĐ]+\.|Tp\.|Mr\.|Mrs\.|Ms\.|Dr\.|ThS\.")
_ADDRESS = re.compile(r"\w+://\S+|[a-zA-Z0-9_.+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+")
# Runs of letters/digits joined by . , / - with no space: document numbers,
# dates, numbers, dotted abbreviations. A trailing % belongs to a number.
_COMPOUND = re.compile(r"(?<![\w/])[^\W_]+(?:[./,\-][^\W_]+)+%?|(?<![\w.,])\d+(?:[.,]\d+)?%")


@dataclass
class TextAnalysis:
    syllables: List[Span]
    compounds: List[PosSpan]
    words: List[PosSpan]


def _is_interesting_compound(surface: str) -> bool:
    # "kinh tế-xã hội" joins plain words; keep compounds with a digit or a capital.
    return any(ch.isdigit() or ch.isupper() for ch in surface)


def _analyze(text: str, segment: bool) -> TextAnalysis:
    tokens = syllabify(text)
    syllables: List[Span] = []
    # For each pyvi token, the index of its first syllable and its span for words.
    token_syllable: List[Optional[int]] = []
    token_span: List[Optional[Tuple[int, int]]] = []
    compounds: List[Tuple[str, int, int]] = []
    for surface, start, end in tokens:
        first = len(syllables)
        ch = surface[0]
        if not (ch.isalnum() or ch == "_"):
            token_syllable.append(None)
            token_span.append(None)
            continue
        if _ABBREVIATION_DOT.fullmatch(surface):
            end -= 1
            surface = surface[:-1]
            syllables.append((surface, start, end))
        elif _NUMBER.fullmatch(surface) or _ADDRESS.fullmatch(surface):
            compounds.append((surface, start, end))
            for m in _LETTERS.finditer(surface):
                syllables.append((m.group(0), start + m.start(), start + m.end()))
        elif "_" in surface:
            for m in _LETTERS.finditer(surface):
                syllables.append((m.group(0), start + m.start(), start + m.end()))
        else:
            syllables.append((surface, start, end))
        token_syllable.append(first if len(syllables) > first else None)
        token_span.append((start, end))

    for m in _COMPOUND.finditer(text):
        if _is_interesting_compound(m.group(0)):
            compounds.append((m.group(0), m.start(), m.end()))
    positioned = _position_compounds(syllables, compounds)

    words: List[PosSpan] = []
    if segment and tokens:
        starts = get_segmenter().word_starts([t[0] for t in tokens])
        current: List[int] = []
        for i, is_start in enumerate(starts + [True]):
            if is_start and current:
                words.append(_word(text, current, token_syllable, token_span))
                current = []
            if i < len(tokens) and token_syllable[i] is not None:
                current.append(i)
            elif i < len(tokens):
                current = []
        words = [w for w in words if w is not None]
    return TextAnalysis(syllables, positioned, words)


def _word(text, token_ids, token_syllable, token_span) -> Optional[PosSpan]:
    start = token_span[token_ids[0]][0]
    end = token_span[token_ids[-1]][1]
    if len(token_ids) == 1:
        surface = text[start:end]
    else:
        surface = "_".join(text[token_span[i][0]:token_span[i][1]] for i in token_ids)
    return (surface, start, end, token_syllable[token_ids[0]])


def _position_compounds(syllables: List[Span], compounds: Iterable[Tuple[str, int, int]]) -> List[PosSpan]:
    """Give each compound the position of its first syllable; drop duplicates."""
    seen = set()
    out: List[PosSpan] = []
    starts = [s[1] for s in syllables]
    import bisect

    for surface, start, end in sorted(compounds, key=lambda c: (c[1], c[2])):
        if (start, end) in seen:
            continue
        seen.add((start, end))
        pos = bisect.bisect_left(starts, start)
        if pos >= len(syllables):
            continue
        out.append((surface, start, end, pos))
    return out


_CACHE: "OrderedDict[Tuple[str, bool], TextAnalysis]" = OrderedDict()
_CACHE_SIZE = 4


def analyze_text(text: str, segment: bool = True) -> TextAnalysis:
    """Syllables, compounds and (with ``segment``) pyvi words of ``text``, with spans.

    The last few results are kept: whoosh runs each field's analyzer over the
    same text, and only the first run should pay for segmentation.
    """
    key = (text, segment)
    hit = _CACHE.get(key)
    if hit is None and not segment:
        hit = _CACHE.get((text, True))
    if hit is not None:
        return hit
    result = _analyze(text, segment)
    _CACHE[key] = result
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


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
