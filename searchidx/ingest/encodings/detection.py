"""Detecting TCVN3, VNI and Windows-1258 text: decode each word that would change and count.

Detection must never fire on real Unicode Vietnamese nor on other languages, so it
does not look for odd characters alone: it counts the words that become valid
Vietnamese syllables but were not (``gained``) against the words that were valid and
stop being so (``lost``) and those valid neither way (``invalid``). Legacy text gains
nearly every such word; Unicode Vietnamese, French or German gains almost none and
loses many.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional, Tuple

from .decoding import LETTER_RUN, decode, restore_capitals
from .syllables import is_syllable
from .tables import (CP1258_TABLE, ENCODINGS, TCVN3_STRONG, TCVN3_WEAK, VNI_MARKS, VNI_SINGLE,
                     check_encoding)


@dataclass(frozen=True)
class Detection:
    """How decoding as ``encoding`` changes the words of a text."""

    encoding: str
    changed: int  # words that decoding changes
    gained: int  # … that become valid syllables and were not
    lost: int  # … that were valid syllables and stop being so
    invalid: int  # … that are no valid syllable before nor after

    @property
    def fires(self) -> bool:
        # Words valid both ways ("giê" → "giờ", "các" → "cỏc") tell nothing either way.
        return (
            self.gained >= MIN_GAINED
            and self.gained >= GAINED_SHARE * (self.gained + self.lost + self.invalid)
            and self.lost <= LOST_SHARE * self.gained
        )


MIN_GAINED = 2  # two words: "Héi nghÞ" is enough, one odd word is not
GAINED_SHARE = 0.5  # at least half the telling words must become valid
LOST_SHARE = 0.1  # and decoding may break few valid ones

_SPECIAL = {
    "tcvn3": frozenset(TCVN3_STRONG) | frozenset(TCVN3_WEAK),
    "vni": frozenset(VNI_SINGLE) | VNI_MARKS,
    "cp1258": frozenset(CP1258_TABLE),
}
# A word for scoring: letters and TCVN3's non-letter byte characters ("c¸c", "n­íc").
_TCVN3_WORD_CHARS = "".join(sorted(ch for ch in TCVN3_STRONG if not ch.isalpha()))
_WORD = re.compile(r"(?:[^\W\d_]|[" + re.escape(_TCVN3_WORD_CHARS) + r"])+")
# Letters only Unicode Vietnamese has (not in any byte view): a sign the text is Unicode.
_UNICODE_ONLY = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")


_SPECIAL_RE = {
    encoding: re.compile("[" + re.escape("".join(sorted(chars))) + "]")
    for encoding, chars in _SPECIAL.items()
}
_ANY_SPECIAL = re.compile(
    "[" + re.escape("".join(sorted(frozenset().union(*_SPECIAL.values())))) + "]"
)


def _words(text: str) -> List[str]:
    return _WORD.findall(text)


def _word_change(word: str, encoding: str) -> Tuple[int, int, int, int]:
    """(changed, gained, lost, invalid) for one word, each 0 or 1."""
    if word.isascii() or not _SPECIAL_RE[encoding].search(word):
        return 0, 0, 0, 0
    decoded = decode(word, encoding)
    if decoded == word:
        return 0, 0, 0, 0
    before = word.isalpha() and all(is_syllable(part) for part in LETTER_RUN.findall(word))
    # Capitals typed in a .VnTimeH-style font count as capitals here.
    after = decoded.isalpha() and (
        all(is_syllable(part) for part in LETTER_RUN.findall(decoded))
        or all(is_syllable(part) for part in LETTER_RUN.findall(restore_capitals(decoded)))
    )
    return 1, int(after and not before), int(before and not after), int(not (before or after))


@lru_cache(maxsize=1 << 17)
def _word_profile(word: str) -> Tuple[Tuple[int, int, int, int], ...]:
    """_word_change for each of ENCODINGS, cached: a corpus repeats its words."""
    return tuple(_word_change(word, encoding) for encoding in ENCODINGS)


def _scores(words: "Counter[str]") -> List[Detection]:
    totals = [[0, 0, 0, 0] for _ in ENCODINGS]
    for word, count in words.items():
        for total, change in zip(totals, _word_profile(word)):
            if change[0]:
                for i, flag in enumerate(change):
                    total[i] += count * flag
    return [Detection(encoding, *total) for encoding, total in zip(ENCODINGS, totals)]


def score(text: str, encoding: str) -> Detection:
    """Count the words of ``text`` that decoding as ``encoding`` changes, gains, loses."""
    check_encoding(encoding)
    return _scores(Counter(_words(text)))[ENCODINGS.index(encoding)]


def detect(text: str) -> Optional[str]:
    """"tcvn3", "vni" or "cp1258" when the text is in that legacy encoding, else None.

    Leaves Unicode Vietnamese, ASCII and other languages alone: see Detection.fires.
    """
    if text.isascii():
        return None
    special = len(_ANY_SPECIAL.findall(text))
    if special == 0:
        return None
    # Most Unicode Vietnamese is settled here: its own letters outnumber by far the
    # few a legacy text could hold beside its mojibake.
    if len(_UNICODE_ONLY.findall(text)) > special // 4:
        return None
    words = Counter(word for word in _words(text) if not word.isascii())
    best: Optional[Detection] = None
    for result in _scores(words):
        if result.fires and (best is None or result.gained > best.gained):
            best = result
    return best.encoding if best else None


def fix(text: str) -> Tuple[str, Optional[str]]:
    """The text decoded when it is in a legacy encoding, and that encoding (or None)."""
    encoding = detect(text)
    if encoding is None:
        return text, None
    return decode(text, encoding), encoding
