"""Snippets: the passages of a document that show the query's words, marked."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional, Sequence, Tuple

from .analysis import analyze_text, fold, normalize_token
from .query import QueryWord
from .schema import page_of

__all__ = ["SNIPPET_CHARS", "Snippet", "match_spans", "make_snippets", "set_pages"]

SNIPPET_CHARS = 200
_SYLLABLE = re.compile(r"[^\W_]+")  # a syllable of stored text, as the index counts them
_MAX_RUN = 8  # words of a run looked for side by side in the text


@dataclass
class Snippet:
    """A passage of the stored text; ``marks`` are [start, end) offsets into ``text``."""

    text: str
    marks: List[Tuple[int, int]]
    start: int  # offset of the passage in the document text
    page: Optional[int] = None  # for paged documents (PDF): the page of its first mark
    speaker: Optional[str] = None  # who is speaking there (see searchidx.speakers), None: unattributed
    role: Optional[str] = None  # their role as the record writes it

    def to_dict(self) -> dict:
        out = {"text": self.text, "marks": [list(m) for m in self.marks], "start": self.start,
               "speaker": self.speaker, "role": self.role}
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


def match_spans(text: str, marks: Sequence[Sequence[QueryWord]]) -> List[Tuple[int, int]]:
    """Spans of ``text`` holding the query's words, as the query matches them.

    ``marks`` are runs of query words in query order. Within a run, words that stand
    side by side in the text as they do in the query are marked there only (a name
    typed as "ho thu anh" marks the name, not every "thu"); the other words are
    marked wherever they occur.
    """
    runs = [list(run) for run in marks if run]
    if not runs:
        return []
    find = _finder(text)
    spans: List[Tuple[int, int]] = []
    for run in runs:
        covered = [False] * len(run)
        # (A long question's words are marked one by one: its runs cost too many scans.)
        for size in range(len(run) if len(run) <= _MAX_RUN else 1, 1, -1):
            for i in range(len(run) - size + 1):
                if any(covered[i:i + size]):
                    continue
                found = find(run[i:i + size])
                if found:
                    spans += found
                    covered[i:i + size] = [True] * size
        spans += [span for word, done in zip(run, covered) if not done for span in find([word])]
    return _merge_spans(spans)


def _expected(words: Sequence[QueryWord]) -> List[Tuple[str, str, bool]]:
    """The syllables ``words`` stand for, in order: (as typed, folded, matched as typed)."""
    out = []
    for word in words:
        for syllable in word.syllables:
            for part in _SYLLABLE.findall(syllable):
                out.append((part, fold(part), word.exact))
    return out


@lru_cache(maxsize=16)
def _finder(text: str):
    """A function finding runs of query words in ``text``: [start, end) spans.

    Cached: one search looks in the same few texts many times (a transcript's best turn,
    then its snippets), and each is lowercased and folded once for all of them.
    """
    lowered = fold(text.lower())
    if len(lowered) != len(text):  # lowercasing or folding changed lengths: rare scripts
        return _finder_by_tokens(text)
    return lambda words: _occurrences(text, lowered, tuple(words))


def _occurrences(text: str, lowered: str, words: Tuple[QueryWord, ...]) -> List[Tuple[int, int]]:
    """Where the syllables of ``words`` stand side by side (whole syllables, anything but
    letters and digits between them) in ``lowered``, the folded lowercase ``text``."""
    expected = _expected(words)
    if not expected:
        return []
    first, rest = expected[0][1], [f for _, f, _ in expected[1:]]
    typed_exactly = any(exact for _, _, exact in expected)
    size = len(lowered)
    spans = []
    pos = 0
    while True:
        start = lowered.find(first, pos)
        if start < 0:
            return spans
        end = start + len(first)
        for syllable in rest:
            gap = end
            while gap < size and not lowered[gap].isalnum():
                gap += 1
            if gap == end or not lowered.startswith(syllable, gap):
                end = -1
                break
            end = gap + len(syllable)
        if end < 0 or (start and lowered[start - 1].isalnum()) or (end < size and lowered[end].isalnum()):
            pos = start + 1  # not whole syllables here: a match may start further on
            continue
        pos = end
        if typed_exactly:
            found = _SYLLABLE.findall(text[start:end])
            if len(found) != len(expected) or any(
                    exact and normalize_token(f) != typed for f, (typed, _, exact) in zip(found, expected)):
                continue
        spans.append((start, end))


def _finder_by_tokens(text: str):
    """Sequence search over the analyzed syllables (for text whose case or folding changes length)."""
    found = [(normalize_token(s), start, end) for s, start, end in analyze_text(text, segment=False).syllables]
    folded = [fold(s) for s, _, _ in found]

    def find(words) -> List[Tuple[int, int]]:
        expected = _expected(words)
        n = len(expected)
        spans = []
        for i in range(len(found) - n + 1):
            if all(folded[i + k] == f and (not exact or found[i + k][0] == typed)
                   for k, (typed, f, exact) in enumerate(expected)):
                spans.append((found[i][1], found[i + n - 1][2]))
        return spans

    return find


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


def make_snippets(text: str, marks: Sequence[Sequence[QueryWord]], count: int = 3,
                  width: int = SNIPPET_CHARS) -> List[Snippet]:
    """Up to ``count`` passages of about ``width`` characters, best first, none twice."""
    spans = match_spans(text, marks)
    if not spans:
        end = _cut_right(text, min(len(text), width))
        return [Snippet(text[:end].strip(), [], 0)] if text.strip() else []
    # A window starts at each match; the first shown is the one covering the most distinct
    # words, and each next one the one adding the most words not shown yet, so that every
    # word that made the document match is seen when the snippets can show it.
    windows = []
    for i, (start, _) in enumerate(spans):
        lo = _cut_left(text, max(0, start - width // 4))
        hi = _cut_right(text, min(len(text), lo + width))
        inside = [s for s in spans[i:] if s[1] <= hi] + [s for s in spans[:i] if s[0] >= lo]
        distinct = {fold(normalize_token(text[a:b])) for a, b in inside}
        windows.append((distinct, len(inside), lo, hi))
    shown: set = set()
    seen = set()  # a passage repeated in the text (a title above its body) is shown once
    out = []
    while windows and len(out) < count:
        best = max(windows, key=lambda w: (len(w[0] - shown), len(w[0]), w[1], -w[2]))
        windows = [w for w in windows if w is not best and (w[3] <= best[2] or w[2] >= best[3])]
        distinct, _, lo, hi = best
        # Trim whitespace and line breaks at the ends, keeping offsets right.
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        passage = text[lo:hi]
        key = " ".join(passage.split()).lower()
        if key in seen:
            continue
        seen.add(key)
        shown |= distinct
        marks = [(a - lo, b - lo) for a, b in spans if a >= lo and b <= hi]
        out.append(Snippet(passage, marks, lo))
    return out
