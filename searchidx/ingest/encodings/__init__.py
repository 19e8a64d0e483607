"""Pre-Unicode Vietnamese encodings: TCVN3 (ABC, .VnTime fonts) and VNI (VNI-Times).

Files typed in these encodings arrive in two shapes: as single-byte files (not valid
UTF-8), or as Unicode text that already holds the mojibake, because some tool read
the bytes as Windows-1252 ("Héi nghÞ" is TCVN3, "Hoäi nghò" VNI, for "Hội nghị").
Both are handled through one view: a text whose characters stand for bytes the way
Windows-1252 shows them (``bytes_view``), decoded by table (``decode``) when
detection (``detect``, ``fix``) finds the text is in one of them.

tables: the byte view and the TCVN3 and VNI tables; syllables: what a correct
decoding produces; decoding: the tables applied; detection: when they apply.
"""
from __future__ import annotations

from .decoding import decode, restore_capitals
from .detection import Detection, detect, fix, score
from .syllables import is_syllable
from .tables import ENCODINGS, bytes_view

__all__ = [
    "ENCODINGS",
    "Detection",
    "bytes_view",
    "decode",
    "detect",
    "score",
    "fix",
    "is_syllable",
    "restore_capitals",
]
