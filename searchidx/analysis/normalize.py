"""Unicode and tone-mark normalization, and accent folding, for Vietnamese text.

Vietnamese text arrives NFC or NFD, and with either of two tone-mark placements
("hòa"/"hoà", "thủy"/"thuỷ"). Both are valid Unicode, so we pick one on purpose:
the classic placement (hòa, thủy, khỏe), which most published text and pyvi's
training data use. Moving a tone mark between precomposed letters keeps the
length of an NFC string, so token offsets into the stored text stay exact.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

__all__ = [
    "normalize_text",
    "canonical_tones",
    "normalize_token",
    "fold",
    "has_diacritics",
]

# Combining tone marks: grave (huyền), acute (sắc), tilde (ngã), hook (hỏi), dot below (nặng).
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")
# Letter runs: "_" joins the syllables of a word token and must not merge them.
_WORD_RUN = re.compile(r"[^\W\d_]+")


_SURROGATE = re.compile("[\ud800-\udfff]")


def normalize_text(text: str) -> str:
    """The form text is stored in: NFC, with Windows and old Mac line ends made LF.

    Lone surrogates (undecodable bytes smuggled in by the OS) become U+FFFD: they
    cannot be encoded, and one would break every tool downstream.
    """
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _tone_target(base_lower: str) -> int:
    """Index in an untoned syllable of the vowel that carries the tone, or -1."""
    first = next((i for i, ch in enumerate(base_lower) if ch in _VOWELS), -1)
    if first < 0:
        return -1
    last = first
    while last + 1 < len(base_lower) and base_lower[last + 1] in _VOWELS:
        last += 1
    # "qu" and "gi" before another vowel are consonants, not part of the nucleus.
    if first == 1 and last > first and base_lower[:2] in ("qu", "gi"):
        first += 1
    cluster = range(first, last + 1)
    marked = [i for i in cluster if base_lower[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]  # ươ takes the mark on ơ, iê on ê, uô on ô
    if first == last:
        return first
    if last < len(base_lower) - 1:  # closed syllable: hoàng, toán, huýt
        return last
    if last - first == 1:  # open, two vowels: hòa, khỏe, thủy, mùa (classic style)
        return first
    return first + 1  # open, three vowels: ngoài, xoáy, khuỷu


def canonical_tones(syllable: str) -> str:
    """One syllable (any case, NFC or NFD) with its tone mark in the classic place, NFC."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    if len(tones) != 1:
        return unicodedata.normalize("NFC", syllable)
    base = unicodedata.normalize("NFC", decomposed.replace(tones[0], ""))
    target = _tone_target(base.lower())
    if target < 0:
        return unicodedata.normalize("NFC", syllable)
    marked = unicodedata.normalize("NFC", base[target] + tones[0])
    return base[:target] + marked + base[target + 1:]


def _canonical_match(match: re.Match) -> str:
    return canonical_tones(match.group(0))


@lru_cache(maxsize=1 << 18)
def normalize_token(text: str) -> str:
    """A token's indexed form: lowercase, NFC, canonical tone placement.

    Cached: a corpus has a few hundred thousand distinct surface forms at most.
    """
    text = text.lower()
    if text.isascii():
        return text
    return _WORD_RUN.sub(_canonical_match, text)


def _build_fold_table() -> dict:
    table = {ord("đ"): "d", ord("Đ"): "D"}
    ranges = (range(0x00C0, 0x0250), range(0x1E00, 0x1F00))
    for block in ranges:
        for cp in block:
            decomposed = unicodedata.normalize("NFD", chr(cp))
            if len(decomposed) > 1 and decomposed[0].isascii() and all(
                unicodedata.combining(c) for c in decomposed[1:]
            ):
                table[cp] = decomposed[0]
    for cp in range(0x0300, 0x0370):  # stray combining marks of NFD input
        table[cp] = None
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Remove every tone and vowel mark and turn đ into d: "Đường" -> "Duong"."""
    if text.isascii():
        return text
    if len(text) >= _LONG_TEXT and "numpy" in sys.modules:
        return _fold_array(text)
    return text.translate(_FOLD_TABLE)


# A whole document folds several times faster as an array of code points, but only a
# process that has numpy loaded already (a large index's searcher) takes that way: a
# one-off command should not pay for importing it.
_LONG_TEXT = 1000
_ARRAY_TABLES = []


def _fold_array(text: str) -> str:
    import numpy as np

    if not _ARRAY_TABLES:
        size = max(_FOLD_TABLE) + 1
        table = np.arange(size, dtype=np.uint32)
        dropped = np.zeros(size, dtype=bool)
        for cp, to in _FOLD_TABLE.items():
            if to is None:
                dropped[cp] = True
            else:
                table[cp] = ord(to)
        _ARRAY_TABLES.extend((size, table, dropped))
    size, table, dropped = _ARRAY_TABLES
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    inside = points < size
    within = np.minimum(points, size - 1)
    out = np.where(inside, table[within], points)
    drop = dropped[within] & inside
    if drop.any():
        out = out[~drop]
    return out.astype(np.uint32).tobytes().decode("utf-32-le")


def has_diacritics(text: str) -> bool:
    """Whether folding would change the text: the user typed Vietnamese marks."""
    return fold(text) != text
