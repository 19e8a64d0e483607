"""Snippets: the passages of a document that show the query's words, marked."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, List, Optional, Tuple

from .analysis import analyze_text, fold, normalize_token
from .schema import page_of

if TYPE_CHECKING:
    from .query import QueryPlan

__all__ = ["SNIPPET_CHARS", "Snippet", "match_spans", "make_snippets", "set_pages"]

SNIPPET_CHARS = 200


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


def set_pages(snippets: List[Snippet], pages: Optional[str]) -> None:
    """Tell each snippet of a paged document (PDF) which page it shows."""
    if not pages:
        return
    for snip in snippets:
        offset = snip.start + (snip.marks[0][0] if snip.marks else 0)
        snip.page = page_of(offset, pages)


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
