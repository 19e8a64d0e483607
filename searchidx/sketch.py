"""A small sketch of a document's text, by which copies of one report are recognized.

The text's words (folded, lowercase) are cut into overlapping runs of SHINGLE words and
each run is hashed; the sketch keeps the hashes that are 0 modulo SAMPLE. Such a sample
keeps the share of runs two texts have in common, so the sketch estimates how much of
one text is *contained* in another: a news re-post that wraps a report in a paragraph of
its own still contains the report, though the two texts are far from equal.
"""
from __future__ import annotations

import bisect
import re
import struct
import zlib
from typing import Iterable, List, Set

from .analysis.normalize import fold

SHINGLE = 5
SAMPLE = 8
PROSE_WORDS = 7
MAX_HASHES = 400  # the smallest kept: a long text's sketch stays small

_WORD = re.compile(r"\w+")


def text_sketch(text: str) -> List[int]:
    """The sorted sample of the text's word-run hashes (empty for a text too short).

    Only lines of PROSE_WORDS words or more count: the short lines of a header, a
    signature block or a table are laid out differently by each format (a Word table, a
    PDF's columns run together), while the prose of the body is the same text in all."""
    hashes = {value for value in _run_hashes(text) if value % SAMPLE == 0}
    return sorted(hashes)[:MAX_HASHES]


def _run_hashes(text: str) -> List[int]:
    """The hash of every run of SHINGLE words of the text's prose (see text_sketch)."""
    prose = " ".join(line for line in text.split("\n") if len(line.split()) >= PROSE_WORDS)
    words = _WORD.findall(fold(prose).lower())
    if len(words) < SHINGLE * 4:
        words = _WORD.findall(fold(text).lower())
    return _shingles(words)


def _shingles(words: List[str]) -> List[int]:
    """The hash of each run of SHINGLE words."""
    return [zlib.crc32(" ".join(words[start:start + SHINGLE]).encode("utf-8"))
            for start in range(len(words) - SHINGLE + 1)]


def line_runs(text: str) -> Set[int]:
    """Every run of SHINGLE words within a line (a header's or signature's cells are lines
    in one format and run together in another; a PDF's wrapped line is part of a paragraph
    line of the same text in Word)."""
    runs: Set[int] = set()
    for line in fold(text).lower().split("\n"):
        runs.update(_shingles(_WORD.findall(line)))
    return runs


def exact_containment(runs_a: Set[int], runs_b: Set[int]) -> float:
    """The share of the smaller text's word runs (line_runs) found in the other, counted on
    every run of the whole texts (a sketch samples one in SAMPLE of the prose's: on short
    texts its estimate is too rough to tell a copy from another text written on the same
    template, and which short lines count as prose differs between a Word file and a PDF)."""
    if not runs_a or not runs_b:
        return 0.0
    return len(runs_a & runs_b) / min(len(runs_a), len(runs_b))


def encode_sketch(hashes: Iterable[int]) -> bytes:
    """A sketch as stored (format 7): each hash as 4 bytes, big-endian, in order."""
    values = list(hashes)
    return struct.pack(f">{len(values)}I", *values)


def decode_sketch(stored: bytes) -> List[int]:
    return list(struct.unpack(f">{len(stored) // 4}I", stored)) if stored else []


class Sketch:
    """A decoded sketch: its sorted hashes and their set (comparisons run in C)."""

    __slots__ = ("hashes", "members")

    def __init__(self, hashes: List[int]):
        self.hashes = hashes
        self.members = frozenset(hashes)

    def __len__(self) -> int:
        return len(self.hashes)


def containment(a, b) -> float:
    """The estimated share of the smaller text's word runs found in the other (0..1).

    ``a`` and ``b`` are sketches (lists of hashes, or Sketch). Both samples are cut at
    the same hash value so that a long text's cut does not count as runs the other lacks."""
    a = a if isinstance(a, Sketch) else Sketch(a)
    b = b if isinstance(b, Sketch) else Sketch(b)
    if not a.hashes or not b.hashes:
        return 0.0
    top = min(a.hashes[-1], b.hashes[-1])
    a_kept = bisect.bisect_right(a.hashes, top)
    b_kept = bisect.bisect_right(b.hashes, top)
    shared = a.members & b.members
    if top < max(a.hashes[-1], b.hashes[-1]):
        shared = {h for h in shared if h <= top}
    return len(shared) / min(a_kept, b_kept)
