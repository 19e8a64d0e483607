"""Byte tables of the pre-Unicode Vietnamese encodings TCVN3, VNI and Windows-1258.

Legacy text is handled as a byte view: a text whose characters stand for bytes the
way Windows-1252 shows them (``bytes_view``). These tables map that view to Unicode
letters; decoding.py applies them and detection.py decides when they apply.
"""
from __future__ import annotations

import unicodedata
from typing import Dict, FrozenSet, List, Tuple

ENCODINGS = ("tcvn3", "vni", "cp1258")


def check_encoding(encoding: str) -> None:
    """ValueError unless ``encoding`` is one of ENCODINGS."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}: use one of {ENCODINGS}")

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


VIEW = _view_table()
BYTE_OF: Dict[str, int] = {char: byte for byte, char in enumerate(VIEW)}
for _byte in range(0x80, 0xA0):
    # Mojibake made by reading the bytes as Latin-1 holds C1 controls instead.
    BYTE_OF.setdefault(chr(_byte), _byte)
for _byte in range(0x20, 0x100):
    # Word keeps the characters of some symbol-charset fonts in the private use area.
    BYTE_OF.setdefault(chr(0xF000 + _byte), _byte)


def bytes_view(data: bytes) -> str:
    """Bytes as text, one character per byte, the way Windows-1252 shows them."""
    return "".join(VIEW[byte] for byte in data)


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
    byte for byte in range(0x80, 0xA0) if not VIEW[byte].isalpha() and byte not in
    (0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x80, 0x99, 0x98)
)

# View character -> letter, for the bytes always letters and for those of 0x80-0x9F
# that may be punctuation.
TCVN3_STRONG: Dict[str, str] = {}
TCVN3_WEAK: Dict[str, str] = {}
for _char, _byte in BYTE_OF.items():
    if _byte in TCVN3_TABLE:
        (TCVN3_WEAK if _byte in _WEAK_BYTES else TCVN3_STRONG)[_char] = TCVN3_TABLE[_byte]

# ---------------------------------------------------------------------------
# VNI tables: a base letter followed by a mark character
# ---------------------------------------------------------------------------

_VNI_TONE_MARKS = ("øùûõï", "ØÙÛÕÏ")  # huyền, sắc, hỏi, ngã, nặng
_VNI_CIRCUMFLEX = ("âàáåãä", "ÂÀÁÅÃÄ")  # plain, then with the five tones
_VNI_BREVE = ("êèéúüë", "ÊÈÉÚÜË")
_VNI_TONE_ORDER = "\u0300\u0301\u0309\u0303\u0323"
VNI_SINGLE = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "ì": "ì", "Ì": "Ì", "í": "í", "Í": "Í", "æ": "ỉ", "Æ": "Ỉ",
    "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ",
}


def _vni_table() -> Dict[Tuple[str, str], str]:
    """(base letter, mark character) -> the letter they make."""
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
    return combine


VNI_COMBINE = _vni_table()
VNI_MARKS: FrozenSet[str] = frozenset(mark for _, mark in VNI_COMBINE)


# ---------------------------------------------------------------------------
# Windows-1258: Windows-1252 with Vietnamese letters and the five tones as
# combining bytes ("Hội" is H, ô, i with the dot below after it)
# ---------------------------------------------------------------------------


def _cp1258_table() -> Dict[str, str]:
    """View character -> what Windows-1258 reads there, where the two differ."""
    differ: Dict[int, str] = {}
    for byte in range(0x80, 0x100):
        try:
            char = bytes([byte]).decode("cp1258")
        except UnicodeDecodeError:
            continue  # a byte Windows-1258 leaves undefined stays as it is
        if char != VIEW[byte]:
            differ[byte] = char
    return {view: differ[byte] for view, byte in BYTE_OF.items() if byte in differ}


CP1258_TABLE: Dict[str, str] = _cp1258_table()
