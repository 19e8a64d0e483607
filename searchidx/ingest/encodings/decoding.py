"""Decoding TCVN3, VNI and Windows-1258 text (a byte view or its mojibake) to Unicode.

TCVN3 has one ambiguity: in its full form most toned capitals sit on 0x80-0x9F,
where Windows-1252 has the quotes, dashes and bullets that files in the common ABC
subset (lower case only) use as such. A byte there is read as a capital only where
the word around it makes a valid syllable in a plausible place (_weak_is_letter).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Dict, List, Optional, Sequence, Tuple

from .syllables import is_syllable
from .tables import (BYTE_OF, CP1258_TABLE, check_encoding, TCVN3_STRONG, TCVN3_WEAK, VIEW,
                     VNI_COMBINE, VNI_SINGLE)

# Quotes, dashes, the bullet and the ellipsis are everywhere in Vietnamese text; the
# other symbols of 0x80-0x9F (‰ ‚ „ ‹) are rare there, so a valid word settles those.
_COMMON_PUNCTUATION = frozenset("‘’“”•–—…")
LETTER_RUN = re.compile(r"[^\W\d_]+")



def _letters_around(out: List[str], index: int) -> Tuple[str, str]:
    left = index
    while left > 0 and out[left - 1].isalpha() and len(out[left - 1]) == 1:
        left -= 1
    right = index + 1
    while right < len(out) and out[right].isalpha() and len(out[right]) == 1:
        right += 1
    return "".join(out[left:index]), "".join(out[index + 1:right])


def restore_capitals(text: str) -> str:
    """Capitals typed with a .VnTimeH-style font (small-letter codes drawn as capitals)
    come out as small letters inside capital words ("HộI NGHị"): make those words
    all capitals. Only for text known to be in such a font: Unicode text has such
    words of its own."""

    def fix(match: "re.Match[str]") -> str:
        word = match.group(0)
        ascii_upper = sum(1 for ch in word if "A" <= ch <= "Z")
        if ascii_upper < 2 or any("a" <= ch <= "z" for ch in word):
            return word
        return word.upper() if any(ch.islower() for ch in word) else word

    return LETTER_RUN.sub(fix, text)


def _word_before(out: List[str], index: int) -> str:
    """The word ending at most 3 characters before ``index`` ("" if none)."""
    i = index - 1
    while i >= 0 and not out[i].isalpha() and index - i <= 3:
        i -= 1
    end = i + 1
    while i >= 0 and out[i].isalpha():
        i -= 1
    return "".join(out[i + 1:end])


def _word_after(out: List[str], index: int, pending: Dict[int, str]) -> str:
    """The word starting at most 3 characters after ``index`` ("" if none), reading
    the capitals still to be decided as the letters they may be."""
    chars = [pending.get(i, ch) for i, ch in enumerate(out[index:index + 40], index)]
    i = 0
    while i < len(chars) and not chars[i].isalpha() and i < 3:
        i += 1
    start = i
    while i < len(chars) and chars[i].isalpha():
        i += 1
    return "".join(chars[start:i])


def _in_capital_words(out: List[str], start: int, end: int, pending: Dict[int, str]) -> bool:
    """Whether a word at out[start:end] stands among capital words ("HỌ NÓI GÌ")."""
    before = _word_before(out, start)
    if len(before) >= 2 and before.isupper():
        return True
    # The next word may hold small letters of a .VnTimeH heading ("CÓ ĐIềM RồI").
    after = _word_after(out, end, pending)
    return len(after) >= 2 and after[:2].isupper() and is_syllable(after.upper())


def _bullet_is_letter(out: List[str], index: int, pending: Dict[int, str]) -> bool:
    """A lone "•" is the word "Ó" (a bird: "làng Ó, làng Bè", "con Ó đến") inside a
    sentence; a bullet at the start of a line, after ":" or before a capital."""
    i = index - 1
    while i >= 0 and out[i] in " \t":
        i -= 1
    if i < 0 or not out[i].isalpha():
        return False
    following = _word_after(out, index + 1, pending)
    j = index + 1
    while j < len(out) and out[j] in " \t":
        j += 1
    return following[:1].islower() or (j < len(out) and out[j] in ",.;:!?)")


def _weak_is_letter(
    out: List[str], index: int, char: str, letter: str, pending: Dict[int, str]
) -> bool:
    """Whether a byte of 0x80-0x9F is the capital ``letter`` here, not the symbol."""
    left, right = _letters_around(out, index)
    symbol = VIEW[BYTE_OF[char]]
    if not left and not right:
        return symbol == "•" and _bullet_is_letter(out, index, pending)
    word = left + letter + right
    if symbol not in _COMMON_PUNCTUATION:
        # ‚ „ ‰ ‹ … between letters, or starting a word glued to the one before
        # ("ớtỚt"), are letters: Vietnamese text has no other use for them there.
        if left and right:
            return True
        return is_syllable(word) or (
            bool(left) and left[-1].islower() and is_syllable(letter + right)
        )
    if not is_syllable(word):
        return False
    if not left and right.islower():
        # "Óc", "Ủy", but not the quote of "“e ngại": after a quote mark, a capital
        # starting a word needs two letters with it.
        return len(right) >= 2 or symbol not in "‘’“”"
    if len(word) >= 3:
        return True  # "HỎI", "NGHỊ"
    # "S”", "M’": a closing quote after one capital reads as a word too ("SÕ", "MÒ");
    # a short capital word is taken only among capital words.
    return _in_capital_words(out, index - len(left), index + 1 + len(right), pending)


_TCVN3_STRONG_TABLE = {ord(char): letter for char, letter in TCVN3_STRONG.items()}
_TCVN3_WEAK_CHARS = re.compile("[" + re.escape("".join(sorted(TCVN3_WEAK))) + "]")


def _decode_tcvn3(text: str) -> str:
    decoded = text.translate(_TCVN3_STRONG_TABLE)
    weak = [match.start() for match in _TCVN3_WEAK_CHARS.finditer(text)]
    if not weak:
        return decoded
    out = list(decoded)
    pending = {i: TCVN3_WEAK[text[i]] for i in weak}
    for i in weak:
        out[i] = "\x00"  # undecided neighbours count as non-letters
    for i in weak:
        char = text[i]
        letter = pending.pop(i)
        out[i] = letter if _weak_is_letter(out, i, char, letter, pending) else char
    return "".join(out)


_VNI_SINGLE_TABLE = {ord(char): letter for char, letter in VNI_SINGLE.items()}
# One left-to-right pass: a decoded letter ("à") may itself be a mark character of
# the view, so pairs must not be replaced one kind after the other.
_VNI_PAIRS = {base + mark: letter for (base, mark), letter in VNI_COMBINE.items()}
_VNI_PAIR = re.compile("|".join(sorted(_VNI_PAIRS)))


def _decode_vni(text: str) -> str:
    # The single-byte letters (ñ đ, ô ơ, ö ư, ò ị …) are never marks, so they can go
    # first; then each base letter takes the mark that follows it.
    text = text.translate(_VNI_SINGLE_TABLE)
    return _VNI_PAIR.sub(lambda match: _VNI_PAIRS[match.group()], text)


_CP1258_TRANSLATION = {ord(char): letter for char, letter in CP1258_TABLE.items()}


def _decode_cp1258(text: str) -> str:
    # Tone marks become combining characters after their vowels: decode() makes it NFC.
    return text.translate(_CP1258_TRANSLATION)


_DECODERS = {"tcvn3": _decode_tcvn3, "vni": _decode_vni, "cp1258": _decode_cp1258}


def decode(text: str, encoding: str, mask: Optional[Sequence[bool]] = None) -> str:
    """Text in a byte view (or mojibake) of ``encoding`` as Unicode, NFC.

    ``mask``, one flag per character, limits decoding to the flagged characters
    (the runs of a Word document that are in a legacy font, say); the others are
    kept as they are.
    """
    check_encoding(encoding)
    decoder = _DECODERS[encoding]
    if mask is None:
        return unicodedata.normalize("NFC", decoder(text))
    parts = []
    start = 0
    while start < len(text):
        end = start
        while end < len(text) and bool(mask[end]) == bool(mask[start]):
            end += 1
        parts.append(decoder(text[start:end]) if mask[start] else text[start:end])
        start = end
    return unicodedata.normalize("NFC", "".join(parts))

