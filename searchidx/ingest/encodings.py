"""Pre-Unicode Vietnamese encodings: TCVN3 (ABC, .VnTime fonts) and VNI (VNI-Times).

Files typed in these encodings arrive in two shapes: as single-byte files (not valid
UTF-8), or as Unicode text that already holds the mojibake, because some tool read
the bytes as Windows-1252 ("Héi nghÞ" is TCVN3, "Hoäi nghò" VNI, for "Hội nghị").
Both are handled through one view: a text whose characters stand for bytes the way
Windows-1252 shows them (``bytes_view``), decoded by table (``decode``).

Detection (``detect``) must never fire on real Unicode Vietnamese nor on other
languages, so it does not look for odd characters alone: it decodes each word that
would change and counts the words that become valid Vietnamese syllables but were
not (``gained``) against the words that were valid and stop being so (``lost``) and
those valid neither way (``invalid``). Legacy text gains nearly every such word;
Unicode Vietnamese, French or German gains almost none (at most 6% on 10,000 VNTC
articles, against the 50% needed) and loses many.

Capitals are the one ambiguity: in full TCVN3 most toned capitals sit on 0x80-0x9F,
where Windows-1252 has the quotes, dashes and bullets that files in the common ABC
subset (lower case only) use as such. A byte there is read as a capital only where
the word around it makes a valid syllable in a plausible place (_weak_is_letter).

``encode`` is the inverse, used as the test oracle: TCVN3 is written in its full
form (TCVN 5712:1993 VN1, all 134 precomposed letters, capitals included) so that
a converted copy comes back exactly.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

__all__ = [
    "ENCODINGS",
    "Detection",
    "bytes_view",
    "view_bytes",
    "decode",
    "encode",
    "unrepresentable",
    "detect",
    "score",
    "fix",
    "is_syllable",
    "restore_capitals",
]

ENCODINGS = ("tcvn3", "vni")

# ---------------------------------------------------------------------------
# The byte view: one character per byte, as Windows-1252 shows it
# ---------------------------------------------------------------------------


def _view_table() -> List[str]:
    table = []
    for byte in range(256):
        try:
            table.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            table.append(chr(byte))  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: as Windows shows them
    return table


_VIEW = _view_table()
_BYTE_OF: Dict[str, int] = {char: byte for byte, char in enumerate(_VIEW)}
for _byte in range(0x80, 0xA0):
    # Mojibake made by reading the bytes as Latin-1 holds C1 controls instead.
    _BYTE_OF.setdefault(chr(_byte), _byte)
for _byte in range(0x20, 0x100):
    # Word keeps the characters of some symbol-charset fonts in the private use area.
    _BYTE_OF.setdefault(chr(0xF000 + _byte), _byte)


def bytes_view(data: bytes) -> str:
    """Bytes as text, one character per byte, the way Windows-1252 shows them."""
    return "".join(_VIEW[byte] for byte in data)


def view_bytes(text: str, errors: str = "strict") -> bytes:
    """The bytes behind a byte view (the inverse of bytes_view).

    A character with no byte raises ValueError, or becomes "?" with errors="replace".
    """
    out = bytearray()
    for position, char in enumerate(text):
        byte = _BYTE_OF.get(char)
        if byte is None:
            if errors != "replace":
                raise ValueError(f"{char!r} at {position} has no single-byte form")
            byte = 0x3F
        out.append(byte)
    return bytes(out)


# ---------------------------------------------------------------------------
# TCVN3 tables
# ---------------------------------------------------------------------------

_TONES = "\u0300\u0309\u0303\u0301\u0323"  # huyền, hỏi, ngã, sắc, nặng: TCVN3's order


def _toned(base: str) -> List[str]:
    return [unicodedata.normalize("NFC", base + tone) for tone in _TONES]


# Lower case and the seven plain capitals: TCVN3 as the ABC fonts use it (VN3).
_TCVN3_LOWER = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_PLAIN = {
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
}
# Toned capitals (VN1): in the gaps of VN3, in 0x80-0x9F, and in unused control codes.
_TCVN3_UPPER = {
    "A": (0x80, 0x81, 0x82, 0x83, 0x84),
    "Ă": (0xAF, 0xBA, 0xBF, 0xC0, 0x85),
    "Â": (0xC1, 0xC2, 0xC3, 0xC4, 0x86),
    "E": (0x87, 0x88, 0x89, 0x8A, 0x8B),
    "Ê": (0xC5, 0xCD, 0xD9, 0xDA, 0x8C),
    "I": (0x8D, 0x8E, 0x8F, 0x90, 0x91),
    "O": (0x92, 0x93, 0x94, 0x95, 0x96),
    "Ô": (0xDB, 0xE0, 0xF0, 0xFF, 0x97),
    "Ơ": (0x98, 0x99, 0x9A, 0x9B, 0x9C),
    "U": (0x9D, 0x9E, 0x9F, 0x01, 0x02),
    "Ư": (0x04, 0x05, 0x06, 0x11, 0x12),
    "Y": (0x13, 0x14, 0x15, 0x16, 0x17),
}


def _tcvn3_table() -> Dict[int, str]:
    table: Dict[int, str] = {}
    for group in (_TCVN3_LOWER, _TCVN3_UPPER):
        for base, codes in group.items():
            for letter, code in zip(_toned(base), codes):
                table[code] = letter
    for letter, code in _TCVN3_PLAIN.items():
        table[code] = letter
    return table


TCVN3_TABLE: Dict[int, str] = _tcvn3_table()  # byte -> letter, all 134
# 0x80-0x9F also hold Windows' quotes, dashes and bullets, which VN3 files (the ABC
# fonts, by far the most common) use as such: a byte there that is punctuation in
# Windows-1252 is read as a capital only where the word around it says so.
# € ™ ˜ (À Ở Ờ) are too rare in Vietnamese text to be anything but the letter.
_WEAK_BYTES = frozenset(
    byte for byte in range(0x80, 0xA0) if not _VIEW[byte].isalpha() and byte not in
    (0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x80, 0x99, 0x98)
)
# Quotes, dashes, the bullet and the ellipsis are everywhere in Vietnamese text; the
# other symbols of 0x80-0x9F (‰ ‚ „ ‹) are rare there, so a valid word settles those.
_COMMON_PUNCTUATION = frozenset("‘’“”•–—…")

_TCVN3_STRONG: Dict[str, str] = {}
_TCVN3_WEAK: Dict[str, str] = {}
for _char, _byte in _BYTE_OF.items():
    if _byte in TCVN3_TABLE:
        (_TCVN3_WEAK if _byte in _WEAK_BYTES else _TCVN3_STRONG)[_char] = TCVN3_TABLE[_byte]
_TCVN3_ENCODE: Dict[str, str] = {letter: _VIEW[code] for code, letter in TCVN3_TABLE.items()}

# ---------------------------------------------------------------------------
# VNI tables: a base letter followed by a mark character
# ---------------------------------------------------------------------------

_VNI_TONE_MARKS = ("øùûõï", "ØÙÛÕÏ")  # huyền, sắc, hỏi, ngã, nặng
_VNI_CIRCUMFLEX = ("âàáåãä", "ÂÀÁÅÃÄ")  # plain, then with the five tones
_VNI_BREVE = ("êèéúüë", "ÊÈÉÚÜË")
_VNI_TONE_ORDER = "\u0300\u0301\u0309\u0303\u0323"
_VNI_SINGLE = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "ì": "ì", "Ì": "Ì", "í": "í", "Í": "Í", "æ": "ỉ", "Æ": "Ỉ",
    "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ",
}


def _vni_tables() -> Tuple[Dict[Tuple[str, str], str], Dict[str, str]]:
    combine: Dict[Tuple[str, str], str] = {}
    for upper, (tones, circumflex, breve) in enumerate(
        zip(_VNI_TONE_MARKS, _VNI_CIRCUMFLEX, _VNI_BREVE)
    ):
        def case(text: str) -> str:
            return text.upper() if upper else text

        for base in ("a", "e", "o", "u", "y", "ơ", "ư"):
            for mark, tone in zip(tones, _VNI_TONE_ORDER):
                combine[(case(base), mark)] = unicodedata.normalize("NFC", case(base) + tone)
        for base in ("a", "e", "o"):
            shaped = unicodedata.normalize("NFC", case(base) + "\u0302")
            combine[(case(base), circumflex[0])] = shaped
            for mark, tone in zip(circumflex[1:], _VNI_TONE_ORDER):
                combine[(case(base), mark)] = unicodedata.normalize("NFC", shaped + tone)
        shaped = case("ă")
        combine[(case("a"), breve[0])] = shaped
        for mark, tone in zip(breve[1:], _VNI_TONE_ORDER):
            combine[(case("a"), mark)] = unicodedata.normalize("NFC", shaped + tone)
    encoder: Dict[str, str] = {}
    for (base, mark), letter in combine.items():
        base_text = {"ơ": "ô", "Ơ": "Ô", "ư": "ö", "Ư": "Ö"}.get(base, base)
        encoder[letter] = base_text + mark
    for char, letter in _VNI_SINGLE.items():
        encoder[letter] = char  # đ, ơ, ư, and i with its tones, are single bytes
    return combine, encoder


_VNI_COMBINE, _VNI_ENCODE = _vni_tables()
_VNI_MARKS: FrozenSet[str] = frozenset(mark for _, mark in _VNI_COMBINE)
_VNI_BASES: FrozenSet[str] = frozenset(base for base, _ in _VNI_COMBINE)

# ---------------------------------------------------------------------------
# Vietnamese syllables: what a correct decoding produces
# ---------------------------------------------------------------------------

_INITIALS = (
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng",
    "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)
_RHYMES = frozenset("""
a ai ao au ay am an ang anh ap at ac ach
ăm ăn ăng ăp ăt ăc
âu ây âm ân âng âp ât âc
e eo em en eng ep et ec
ê êu êm ên ênh êp êt êch
i ia iu im in inh ip it ich iêu iêm iên iêng iêp iêt iêc
y yêu yêm yên yêt
o oi om on ong op ot oc oong ooc
oa oai oao oay oam oan oang oanh oap oat oac oach oăm oăn oăng oăt oăc oe oeo oen oet
ô ôi ôm ôn ông ôp ôt ôc
ơ ơi ơm ơn ơp ơt
u ua ui um un ung up ut uc uê uân uâng uât uây uôi uôm uôn uông uôt uôc
uy uya uyên uyêt uynh uyt uych uyu uêch uênh uơ
ư ưa ưi ưu ưm ưn ưng ưt ưc ươi ươu ươm ươn ương ươp ươt ươc
""".split())
_STOP_FINALS = ("p", "t", "c", "ch")
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = "aăâeêioôơuưy"
_MODERN_PAIRS = ("oa", "oe", "uy")  # hoà, khoẻ, thuỷ: the tone may sit on either vowel


def _tone_slots(base: str) -> FrozenSet[int]:
    """Where the tone of an untoned lowercase syllable may sit (classic or modern)."""
    first = next((i for i, ch in enumerate(base) if ch in _VOWELS), -1)
    if first < 0:
        return frozenset()
    last = first
    while last + 1 < len(base) and base[last + 1] in _VOWELS:
        last += 1
    if first == 1 and last > first and base[:2] in ("qu", "gi"):
        first += 1
    marked = [i for i in range(first, last + 1) if base[i] in "ăâêôơư"]
    if marked:
        return frozenset({marked[-1]})
    if first == last:
        return frozenset({first})
    if last < len(base) - 1:
        return frozenset({last})
    if last - first == 1:
        if base[first:last + 1] in _MODERN_PAIRS:
            return frozenset({first, last})
        return frozenset({first})
    return frozenset({first + 1})


@lru_cache(maxsize=1 << 16)
def is_syllable(word: str) -> bool:
    """Whether a word is one well-formed Vietnamese syllable (any case, NFC).

    Checks the letters (initial consonant and rhyme), the tone against the final
    (p, t, c, ch take only sắc or nặng), the tone's place, and the case pattern
    (lower, Title or UPPER).
    """
    if not word or not (word.islower() or word.isupper() or word[1:].islower()):
        return False
    lower = word.lower().replace("\u00f0", "đ")
    decomposed = unicodedata.normalize("NFD", lower)
    tones = [i for i, ch in enumerate(decomposed) if ch in _TONE_MARKS]
    if len(tones) > 1:
        return False
    tone = decomposed[tones[0]] if tones else ""
    base = unicodedata.normalize("NFC", decomposed.replace(tone, "") if tone else decomposed)
    if not base.isalpha():
        return False
    for initial in _INITIALS:
        if not base.startswith(initial):
            continue
        rhyme = base[len(initial):]
        if rhyme not in _RHYMES:
            continue
        if initial == "gi" and rhyme.startswith("i"):
            continue
        # Spelling: gh, ngh and k before e, ê, i, y only; c, ng (and g) never there.
        front = rhyme[:1] in ("e", "ê", "i", "y")
        if initial in ("gh", "ngh", "k") and not front:
            continue
        if (initial in ("c", "ng") and front) or (initial == "g" and rhyme[:1] in ("e", "ê")):
            continue
        if tone and rhyme.endswith(_STOP_FINALS) and tone not in "\u0301\u0323":
            continue
        if tone:
            # The index of the toned letter in the NFC string equals that in base.
            toned = unicodedata.normalize("NFC", lower)
            position = next(
                (i for i, ch in enumerate(toned) if ch != base[i]), -1
            ) if len(toned) == len(base) else -1
            if position not in _tone_slots(base):
                continue
        return True
    return False


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

_LETTER_RUN = re.compile(r"[^\W\d_]+")


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

    return _LETTER_RUN.sub(fix, text)


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
    symbol = _VIEW[_BYTE_OF[char]]
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


_TCVN3_STRONG_TABLE = {ord(char): letter for char, letter in _TCVN3_STRONG.items()}
_TCVN3_WEAK_CHARS = re.compile("[" + re.escape("".join(sorted(_TCVN3_WEAK))) + "]")


def _decode_tcvn3(text: str) -> str:
    decoded = text.translate(_TCVN3_STRONG_TABLE)
    weak = [match.start() for match in _TCVN3_WEAK_CHARS.finditer(text)]
    if not weak:
        return decoded
    out = list(decoded)
    pending = {i: _TCVN3_WEAK[text[i]] for i in weak}
    for i in weak:
        out[i] = "\x00"  # undecided neighbours count as non-letters
    for i in weak:
        char = text[i]
        letter = pending.pop(i)
        out[i] = letter if _weak_is_letter(out, i, char, letter, pending) else char
    return "".join(out)


_VNI_SINGLE_TABLE = {ord(char): letter for char, letter in _VNI_SINGLE.items()}
# One left-to-right pass: a decoded letter ("à") may itself be a mark character of
# the view, so pairs must not be replaced one kind after the other.
_VNI_PAIRS = {base + mark: letter for (base, mark), letter in _VNI_COMBINE.items()}
_VNI_PAIR = re.compile("|".join(sorted(_VNI_PAIRS)))


def _decode_vni(text: str) -> str:
    # The single-byte letters (ñ đ, ô ơ, ö ư, ò ị …) are never marks, so they can go
    # first; then each base letter takes the mark that follows it.
    text = text.translate(_VNI_SINGLE_TABLE)
    return _VNI_PAIR.sub(lambda match: _VNI_PAIRS[match.group()], text)


def decode(text: str, encoding: str, mask: Optional[Sequence[bool]] = None) -> str:
    """Text in a byte view (or mojibake) of ``encoding`` as Unicode, NFC.

    ``mask``, one flag per character, limits decoding to the flagged characters
    (the runs of a Word document that are in a legacy font, say); the others are
    kept as they are.
    """
    if encoding == "tcvn3":
        decoder = _decode_tcvn3
    elif encoding == "vni":
        decoder = _decode_vni
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}: use one of {ENCODINGS}")
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


# ---------------------------------------------------------------------------
# Encoding (the test oracle)
# ---------------------------------------------------------------------------

# Characters such a file cannot hold as themselves: they are bytes of letters there.
_TCVN3_CLASHES = frozenset(
    char for char in _TCVN3_STRONG if char not in _TCVN3_ENCODE or _TCVN3_ENCODE[char] != char
)
_VNI_CLASHES = frozenset(
    char for char in set(_VNI_SINGLE) | _VNI_MARKS if char not in _VNI_ENCODE
)


_ENCODE_TABLES = {
    "tcvn3": (_TCVN3_ENCODE, _TCVN3_CLASHES),
    "vni": (_VNI_ENCODE, _VNI_CLASHES),
}
_CLASH_RE = {
    encoding: re.compile("[" + re.escape("".join(sorted(clashes - set(table)))) + "]")
    for encoding, (table, clashes) in _ENCODE_TABLES.items()
}
_TRANSLATE = {
    encoding: {ord(char): coded for char, coded in table.items()}
    for encoding, (table, _) in _ENCODE_TABLES.items()
}


def unrepresentable(text: str, encoding: str) -> List[str]:
    """The characters of ``text`` (NFC) that ``encoding`` cannot hold, in order of first use."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}: use one of {ENCODINGS}")
    found = _CLASH_RE[encoding].findall(unicodedata.normalize("NFC", text))
    return list(dict.fromkeys(found))


def encode(text: str, encoding: str, errors: str = "strict") -> str:
    """Unicode text as ``encoding``'s mojibake (its byte view): the inverse of decode.

    Characters the encoding has no place for are left as they are, except those that
    would read back as a letter (a literal "«" is TCVN3's "ô"): they raise ValueError,
    or become "?" with errors="replace". view_bytes() turns the result into a file.
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}: use one of {ENCODINGS}")
    text = unicodedata.normalize("NFC", text)
    clash = _CLASH_RE[encoding].search(text)
    if clash is not None:
        if errors != "replace":
            raise ValueError(f"{encoding} cannot hold {clash.group()!r} (at {clash.start()})")
        text = _CLASH_RE[encoding].sub("?", text)
    return text.translate(_TRANSLATE[encoding])


# ---------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------


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
    "tcvn3": frozenset(_TCVN3_STRONG) | frozenset(_TCVN3_WEAK),
    "vni": frozenset(_VNI_SINGLE) | _VNI_MARKS,
}
# A word for scoring: letters and TCVN3's non-letter byte characters ("c¸c", "n­íc").
_TCVN3_WORD_CHARS = "".join(sorted(ch for ch in _TCVN3_STRONG if not ch.isalpha()))
_WORD = re.compile(r"(?:[^\W\d_]|[" + re.escape(_TCVN3_WORD_CHARS) + r"])+")
# Letters only Unicode Vietnamese has (not in any byte view): a sign the text is Unicode.
_UNICODE_ONLY = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")


_SPECIAL_RE = {
    encoding: re.compile("[" + re.escape("".join(sorted(chars))) + "]")
    for encoding, chars in _SPECIAL.items()
}
_ANY_SPECIAL = re.compile(
    "[" + re.escape("".join(sorted(_SPECIAL["tcvn3"] | _SPECIAL["vni"]))) + "]"
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
    before = word.isalpha() and all(is_syllable(part) for part in _LETTER_RUN.findall(word))
    # Capitals typed in a .VnTimeH-style font count as capitals here.
    after = decoded.isalpha() and (
        all(is_syllable(part) for part in _LETTER_RUN.findall(decoded))
        or all(is_syllable(part) for part in _LETTER_RUN.findall(restore_capitals(decoded)))
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
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}: use one of {ENCODINGS}")
    return _scores(Counter(_words(text)))[ENCODINGS.index(encoding)]


def detect(text: str) -> Optional[str]:
    """"tcvn3" or "vni" when the text is in that legacy encoding, else None.

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
