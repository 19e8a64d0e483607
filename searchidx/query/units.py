"""Query words: the syllables and compounds of query text, exact and folded."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Tuple

from ..analysis import analyze_text, fold, has_diacritics, normalize_token

__all__ = ["Unit", "query_units", "compound_parts", "syllables"]


@dataclass
class Unit:
    """One query word: a syllable or a compound (15/2020/NĐ-CP), normalized and folded."""

    exact: str
    folded: str
    accented: bool
    parts: Tuple[str, ...] = ()  # a compound's syllables, for phrase fallback


def query_units(text: str, lowercase: bool = True) -> Tuple[List[Unit], List[str]]:
    """Query words of ``text`` (syllables and compounds) and pyvi's words of it.

    With ``lowercase`` the text is lowercased first: pyvi segments by letter case,
    and case must not change how a keyword query ranks.
    """
    analysis = analyze_text(text.lower() if lowercase else text, segment=True)
    covered = set()
    units: List[Unit] = []
    by_pos = {}
    for surface, start, end, pos in analysis.compounds:
        parts = compound_parts(analysis, start, end)
        norm = normalize_token(surface)
        by_pos.setdefault(pos, []).append(Unit(norm, fold(norm), has_diacritics(norm), parts))
        covered.update(range(pos, pos + len(parts)))
    for pos, (surface, start, end) in enumerate(analysis.syllables):
        if pos in by_pos:
            units.extend(by_pos[pos])
        if pos not in covered:
            norm = normalize_token(surface)
            units.append(Unit(norm, fold(norm), has_diacritics(norm)))
    words = [normalize_token(w[0]) for w in analysis.words]
    return units, words


def compound_parts(analysis, start: int, end: int) -> Tuple[str, ...]:
    """The normalized syllables of ``analysis`` inside the compound at [start, end)."""
    return tuple(normalize_token(s[0]) for s in analysis.syllables if s[1] >= start and s[2] <= end)


def syllables(text: str) -> List[str]:
    """The normalized syllables of ``text``, without segmenting it into words."""
    return [normalize_token(s[0]) for s in analyze_text(text, segment=False).syllables]

