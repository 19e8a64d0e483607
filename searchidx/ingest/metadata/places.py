"""Provinces: the gazetteer names in capitalized runs, weighted by what stands before them.

The province of a report is named after "tỉnh"/"thành phố"/"UBND tỉnh"; a name in
lower case ("hòa bình", peace) or inside a street, a smaller place or a person's name
is no mention of the province.
"""
from __future__ import annotations

import re
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Tuple

from ...analysis.normalize import fold, normalize_token
from ...gazetteer import ALL_PROVINCES
from .names import SURNAMES, WORD, Token, capitalized_runs, words_before


_PROVINCE_SPELLING_VARIANTS = {
    "Đắc Lắc": "Đắk Lắk", "Đắk Lắc": "Đắk Lắk", "Đăk Lăk": "Đắk Lắk", "Đắk Lăk": "Đắk Lắk",
    "Daklak": "Đắk Lắk", "Đắc Nông": "Đắk Nông", "Đăk Nông": "Đắk Nông", "Bắc Cạn": "Bắc Kạn",
    "Kontum": "Kon Tum", "Sài Gòn": "Hồ Chí Minh", "Bà Rịa Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "HCM": "Hồ Chí Minh",  # "TP.HCM", "TP HCM": the dot or space splits it from "TP"
}


def _spelling(words: List[str]) -> str:
    """Lowercase, canonical tone placement, single spaces: "Hoà Bình" -> "hòa bình"."""
    return normalize_token(" ".join(words))


def _province_keys() -> Tuple[Dict[str, str], FrozenSet[str]]:
    """Folded, space-separated forms -> canonical name; and the exact spellings with marks."""
    keys: Dict[str, str] = {}
    spellings = set()
    pairs = [(name, name) for name in ALL_PROVINCES] + list(_PROVINCE_SPELLING_VARIANTS.items())
    for spelling, name in pairs:
        words = WORD.findall(spelling)
        keys[" ".join(WORD.findall(fold(spelling).lower()))] = name
        spellings.add(_spelling(words))
    return keys, frozenset(spellings)


# Matching is accent-insensitive for text typed without marks ("tinh Ha Giang"), but a
# name written with marks must carry the right ones: "huyện Quang Bình" is a district of
# Hà Giang, not the province of Quảng Bình.
PROVINCE_KEYS, _PROVINCE_SPELLINGS = _province_keys()
MAX_PROVINCE_WORDS = max(len(key.split()) for key in PROVINCE_KEYS)
_HCM = "Hồ Chí Minh"


def gazetteer_name(words: List[str], keys: List[str]) -> Optional[str]:
    """The province these words spell (keys: their folded forms), or None."""
    name = PROVINCE_KEYS.get(" ".join(keys))
    if name is None:
        return None
    if all(word.isascii() for word in words) or _spelling(words) in _PROVINCE_SPELLINGS:
        return name
    return None


# What stands right before a mention, as lowercase words (str.endswith on a few words is
# much faster than end-anchored regex searches, and this runs for every mention).
_LOCALITIES = ("tỉnh", "thành phố", "tp", "tp.", "tinh", "thanh pho")
_LOCALITY_ENDINGS = tuple(" " + word for word in _LOCALITIES)
_AGENCY_LOCALITY_ENDINGS = tuple(
    f" {agency} {locality}"
    for agency in ("ubnd", "hđnd", "ủy ban nhân dân", "uỷ ban nhân dân", "hội đồng nhân dân",
                   "công an", "tỉnh ủy", "tỉnh uỷ", "thành ủy", "thành uỷ")
    for locality in _LOCALITIES
)
# A mention inside a smaller place or a street: "xã Hòa Bình", "đường Hà Nội".
_SUBPLACE_ENDINGS = tuple(
    " " + word for word in (
        "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "thôn", "bản", "ấp", "làng",
        "đường", "phố", "ngõ", "khu", "cầu", "chợ", "sông", "hồ", "núi", "đèo", "công viên",
        "đô thị", "khách sạn", "tòa nhà", "toà nhà", "chung cư",
    )
)

_HCM_ABBREVIATION = re.compile(r"TPHCM|TpHCM")  # boundaries checked in Python

_AGENCY_WEIGHT = 5  # "UBND tỉnh X" names the report's own province almost always
_LOCALITY_WEIGHT = 3
_PLAIN_WEIGHT = 1

_PROVINCE_FIRST_WORDS = frozenset(key.split()[0] for key in PROVINCE_KEYS)


def find_places(tokens: List[Token]) -> List[Tuple[int, int, str]]:
    """Gazetteer names in a run, longest first at each token: (index, length, name)."""
    places: List[Tuple[int, int, str]] = []
    i, count = 0, len(tokens)
    while i < count:
        if tokens[i].key not in _PROVINCE_FIRST_WORDS:  # the common case, kept cheap
            i += 1
            continue
        for length in range(min(MAX_PROVINCE_WORDS, count - i), 0, -1):
            span = tokens[i:i + length]
            name = gazetteer_name([t.word for t in span], [t.key for t in span])
            if name is not None:
                places.append((i, length, name))
                i += length
                break
        else:
            i += 1
    return places


class Run(NamedTuple):
    tokens: List[Token]
    # Gazetteer names found in the run, greedy longest-first: (index, length, name).
    places: List[Tuple[int, int, str]]


def scan(text: str) -> List[Run]:
    """Every maximal run of capitalized words in the text, with the provinces in it."""
    return [Run(tokens, find_places(tokens)) for tokens in capitalized_runs(text)]


def province_mentions(text: str, runs: List[Run]) -> List[Tuple[int, str, int]]:
    """(offset, province, weight) for every capitalized gazetteer mention."""
    mentions: List[Tuple[int, str, int]] = []
    for tokens, places in runs:
        for i, length, name in places:
            start = tokens[i].start
            before = words_before(text, start)
            if before.endswith(_AGENCY_LOCALITY_ENDINGS):
                weight = _AGENCY_WEIGHT
            elif before.endswith(_LOCALITY_ENDINGS):
                weight = _LOCALITY_WEIGHT
            elif name == _HCM and tokens[i].key == "ho":
                weight = 0  # bare "Hồ Chí Minh" is the man (tư tưởng, Học viện …), not the city
            elif before.endswith(_SUBPLACE_ENDINGS):
                weight = 0
            elif i > 0 and tokens[i - 1].lower in SURNAMES:
                weight = 0  # part of a person's name: "Nguyễn Thái Bình"
            elif i + length < len(tokens) and not tokens[i + length].dash_before:
                weight = 0  # part of a longer name: "Thái Bình Dương", "Hòa Bình Xanh"
            elif all(token.word.isupper() for token in tokens[i:i + length]):
                weight = 0  # a headline in capitals: "VÌ HÒA BÌNH" is peace, not the province
            else:
                weight = _PLAIN_WEIGHT
            mentions.append((start, name, weight))
    for match in _HCM_ABBREVIATION.finditer(text):
        start, end = match.span()
        if not (start and text[start - 1].isalnum()) and not text[end:end + 1].isalnum():
            mentions.append((start, _HCM, _LOCALITY_WEIGHT))
    return mentions


def best_province(mentions: List[Tuple[int, str, int]]) -> Optional[str]:
    scores: Dict[str, int] = {}
    first: Dict[str, int] = {}
    for offset, name, weight in mentions:
        if weight <= 0:
            continue
        scores[name] = scores.get(name, 0) + weight
        first[name] = min(first.get(name, offset), offset)
    if not scores:
        return None
    return max(scores, key=lambda name: (scores[name], -first[name]))


def detect_province(text: str) -> Optional[str]:
    """The province or city the text is about, by weighted capitalized mentions, or None.

    Mentions count only when written as a proper name ("Hòa Bình", not "hòa bình" the
    word for peace); "UBND tỉnh X" counts 5, "tỉnh X"/"thành phố X"/"TP. X" 3, a bare
    mention 1, and mentions inside a smaller place, a street or a person's name 0.
    """
    return best_province(province_mentions(text, scan(text)))
