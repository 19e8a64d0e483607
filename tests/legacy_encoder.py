"""Writing text in TCVN3, VNI and Windows-1258: the inverse of searchidx.ingest.encodings.decode.

Test and benchmark code only (the package reads these encodings, it never writes
them): the oracle that makes legacy copies of Unicode text. TCVN3 is written in its
full form (TCVN 5712:1993 VN1, all 134 precomposed letters, capitals included) so
that a converted copy comes back exactly.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Dict, List, Optional

from searchidx.ingest.encodings.tables import (
    BYTE_OF,
    CP1258_TABLE,
    TCVN3_STRONG,
    TCVN3_TABLE,
    VIEW,
    VNI_COMBINE,
    VNI_MARKS,
    VNI_SINGLE,
    check_encoding,
)

__all__ = ["encode", "unrepresentable", "view_bytes"]

_TCVN3_ENCODE: Dict[str, str] = {letter: VIEW[code] for code, letter in TCVN3_TABLE.items()}


def _vni_encoder() -> Dict[str, str]:
    encoder: Dict[str, str] = {}
    for (base, mark), letter in VNI_COMBINE.items():
        base_text = {"ơ": "ô", "Ơ": "Ô", "ư": "ö", "Ư": "Ö"}.get(base, base)
        encoder[letter] = base_text + mark
    for char, letter in VNI_SINGLE.items():
        encoder[letter] = char  # đ, ơ, ư, and i with its tones, are single bytes
    return encoder


_VNI_ENCODE = _vni_encoder()

# Characters such a file cannot hold as themselves: they are bytes of letters there.
_TCVN3_CLASHES = frozenset(
    char for char in TCVN3_STRONG if char not in _TCVN3_ENCODE or _TCVN3_ENCODE[char] != char
)
_VNI_CLASHES = frozenset(
    char for char in set(VNI_SINGLE) | VNI_MARKS if char not in _VNI_ENCODE
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


_TONES = "\u0300\u0301\u0303\u0309\u0323"


@lru_cache(maxsize=None)
def _cp1258_view(char: str) -> Optional[str]:
    """The byte view of one character in Windows-1258 (the letter precomposed where the
    code page has it, else its base letter and a combining tone byte), or None."""
    try:
        data = char.encode("cp1258")
    except UnicodeEncodeError:
        nfd = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in nfd if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
        try:
            data = base.encode("cp1258") + tones.encode("cp1258")
        except UnicodeEncodeError:
            return None
    return "".join(VIEW[byte] for byte in data)


def _cp1258_clash(char: str) -> bool:
    """A character Windows-1258 cannot hold whose view would read back as another."""
    return _cp1258_view(char) is None and char in CP1258_TABLE


def _encode_cp1258(text: str, errors: str) -> str:
    out = []
    for position, char in enumerate(text):
        view = _cp1258_view(char)
        if view is None and _cp1258_clash(char):
            if errors != "replace":
                raise ValueError(f"cp1258 cannot hold {char!r} (at {position})")
            view = "?"
        out.append(char if view is None else view)
    return "".join(out)


def unrepresentable(text: str, encoding: str) -> List[str]:
    """The characters of ``text`` (NFC) that ``encoding`` cannot hold, in order of first use."""
    check_encoding(encoding)
    if encoding == "cp1258":
        text = unicodedata.normalize("NFC", text)
        return list(dict.fromkeys(char for char in text if _cp1258_clash(char)))
    found = _CLASH_RE[encoding].findall(unicodedata.normalize("NFC", text))
    return list(dict.fromkeys(found))


def encode(text: str, encoding: str, errors: str = "strict") -> str:
    """Unicode text as ``encoding``'s mojibake (its byte view): the inverse of decode.

    Characters the encoding has no place for are left as they are, except those that
    would read back as a letter (a literal "«" is TCVN3's "ô"): they raise ValueError,
    or become "?" with errors="replace". view_bytes() turns the result into a file.
    """
    check_encoding(encoding)
    text = unicodedata.normalize("NFC", text)
    if encoding == "cp1258":
        return _encode_cp1258(text, errors)
    clash = _CLASH_RE[encoding].search(text)
    if clash is not None:
        if errors != "replace":
            raise ValueError(f"{encoding} cannot hold {clash.group()!r} (at {clash.start()})")
        text = _CLASH_RE[encoding].sub("?", text)
    return text.translate(_TRANSLATE[encoding])


def view_bytes(text: str, errors: str = "strict") -> bytes:
    """The bytes behind a byte view (the inverse of bytes_view).

    A character with no byte raises ValueError, or becomes "?" with errors="replace".
    """
    out = bytearray()
    for position, char in enumerate(text):
        byte = BYTE_OF.get(char)
        if byte is None:
            if errors != "replace":
                raise ValueError(f"{char!r} at {position} has no single-byte form")
            byte = 0x3F
        out.append(byte)
    return bytes(out)
