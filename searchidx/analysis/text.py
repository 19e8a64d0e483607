"""One pass over a text: syllables, compounds and pyvi words, with exact spans into it.

- syllables: the units of phrase search, numbered by position;
- compounds: tokens kept whole on top of their parts (15/2020/NĐ-CP, 17.670,
  117,8%, 18/4, TP.HCM, e-mail and web addresses), at the position of their first part;
- words: pyvi's segmentation (nhân_quyền, ủy_ban_nhân_dân), at their first syllable.
The field analyzers (:mod:`searchidx.analysis.tokenizer`) each pick a stream of it.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple

from .segmenter import get_segmenter, syllabify

__all__ = ["TextAnalysis", "analyze_text", "Span", "PosSpan"]

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
