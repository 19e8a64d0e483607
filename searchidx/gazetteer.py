"""Vietnam's provinces and centrally-run cities, before and after the 2025 merger.

Until 30 June 2025 Vietnam had 63 provincial units (58 provinces, 5 cities); the
merger of 1 July 2025 (Resolution 202/2025/QH15) kept 34 (28 provinces, 6 cities).
Every kept unit took the name of one of the old ones, except that the city of Huế
replaced the province of Thừa Thiên Huế. Reports from before and after the merger
are both in an archive, so both lists are here, with which new unit each old one
went into.

Lookups are accent-, case-, tone-placement- and spacing-insensitive: users type
"ha giang", "TP.HCM" or "Thành phố Hồ Chí Minh" and all must find the same unit.
"""
from __future__ import annotations

import re
from typing import Dict, FrozenSet, List, Optional, Tuple

from .analysis.normalize import fold

__all__ = [
    "PROVINCES_BEFORE_2025",
    "PROVINCES_AFTER_2025",
    "CITIES_BEFORE_2025",
    "CITIES_AFTER_2025",
    "ALL_PROVINCES",
    "MERGED_INTO",
    "canonical_province",
    "province_key",
    "merged_into",
    "merged_from",
    "RENAMED_IN_2025",
    "unit_names",
    "province_hints",
    "lookup_key",
]

# The 63 units before the merger, canonical spelling (classic tone placement).
CITIES_BEFORE_2025: Tuple[str, ...] = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ")

PROVINCES_BEFORE_2025: Tuple[str, ...] = CITIES_BEFORE_2025 + (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh",
    "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau",
    "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp",
    "Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang",
    "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An",
    "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
    "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang",
    "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)

# Old unit -> the unit it is part of since 1 July 2025 (unchanged units map to themselves).
MERGED_INTO: Dict[str, str] = {name: name for name in PROVINCES_BEFORE_2025}
_MERGERS: Dict[str, Tuple[str, ...]] = {
    "Tuyên Quang": ("Hà Giang",),
    "Lào Cai": ("Yên Bái",),
    "Thái Nguyên": ("Bắc Kạn",),
    "Phú Thọ": ("Vĩnh Phúc", "Hòa Bình"),
    "Bắc Ninh": ("Bắc Giang",),
    "Hưng Yên": ("Thái Bình",),
    "Hải Phòng": ("Hải Dương",),
    "Ninh Bình": ("Hà Nam", "Nam Định"),
    "Quảng Trị": ("Quảng Bình",),
    "Đà Nẵng": ("Quảng Nam",),
    "Quảng Ngãi": ("Kon Tum",),
    "Gia Lai": ("Bình Định",),
    "Khánh Hòa": ("Ninh Thuận",),
    "Lâm Đồng": ("Đắk Nông", "Bình Thuận"),
    "Đắk Lắk": ("Phú Yên",),
    "Hồ Chí Minh": ("Bình Dương", "Bà Rịa - Vũng Tàu"),
    "Đồng Nai": ("Bình Phước",),
    "Tây Ninh": ("Long An",),
    "Cần Thơ": ("Sóc Trăng", "Hậu Giang"),
    "Vĩnh Long": ("Bến Tre", "Trà Vinh"),
    "Đồng Tháp": ("Tiền Giang",),
    "Cà Mau": ("Bạc Liêu",),
    "An Giang": ("Kiên Giang",),
}
for _new, _olds in _MERGERS.items():
    for _old in _olds:
        MERGED_INTO[_old] = _new
# Kept units that changed their name: one unit under two names, before and after.
RENAMED_IN_2025: Dict[str, str] = {"Thừa Thiên Huế": "Huế"}
MERGED_INTO.update(RENAMED_IN_2025)

PROVINCES_AFTER_2025: FrozenSet[str] = frozenset(MERGED_INTO.values())
CITIES_AFTER_2025: FrozenSet[str] = frozenset(
    {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}
)
ALL_PROVINCES: FrozenSet[str] = frozenset(PROVINCES_BEFORE_2025) | PROVINCES_AFTER_2025

# Other spellings seen in print. Folding already makes "Hoà Bình" = "Hòa Bình" and
# "Đăk Lăk" = "Đắk Lắk"; these differ in letters or words.
_SPELLING_VARIANTS: Dict[str, str] = {
    "Đắc Lắc": "Đắk Lắk",
    "Đắk Lắc": "Đắk Lắk",
    "Đắc Nông": "Đắk Nông",
    "Bắc Cạn": "Bắc Kạn",
    "Bà Rịa Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "Thừa Thiên - Huế": "Thừa Thiên Huế",
    "Sài Gòn": "Hồ Chí Minh",
}

# Only for explicit lookups (a filter typed by a user): too short or too ambiguous to
# be trusted in running text, where metadata.py uses its own stricter rules.
_LOOKUP_ALIASES: Dict[str, str] = {
    "hcm": "Hồ Chí Minh",
    "hcmc": "Hồ Chí Minh",
    "tphcm": "Hồ Chí Minh",
    "saigon": "Hồ Chí Minh",
    "brvt": "Bà Rịa - Vũng Tàu",
    "brvungtau": "Bà Rịa - Vũng Tàu",
    "tthue": "Thừa Thiên Huế",
    "tth": "Thừa Thiên Huế",
    "hanoi": "Hà Nội",
}

# "tỉnh Hà Giang", "TP. HCM", "Thành phố Huế": the unit word is not part of the name.
_PREFIX = re.compile(r"^(?:tinh|thanh\s*pho|t\.?\s*p)\b[\s.]*")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def lookup_key(name: str) -> str:
    """The compact key names are compared by: folded, lowercase, letters and digits only."""
    return _NON_ALNUM.sub("", fold(name).lower())


def _build_lookup() -> Dict[str, str]:
    table: Dict[str, str] = {}
    for name in ALL_PROVINCES:
        table[lookup_key(name)] = name
    for variant, name in _SPELLING_VARIANTS.items():
        table[lookup_key(variant)] = name
    table.update(_LOOKUP_ALIASES)
    return table


_LOOKUP: Dict[str, str] = _build_lookup()


def canonical_province(name: str) -> Optional[str]:
    """The canonical name of a province or city given in any spelling, or None.

    "ha giang", "tỉnh Hà Giang", "HÀ GIANG" -> "Hà Giang"; "TP.HCM", "Sài Gòn",
    "Thành phố Hồ Chí Minh" -> "Hồ Chí Minh"; "Huế" -> "Huế" (the city since 2025),
    "Thừa Thiên - Huế" -> "Thừa Thiên Huế".
    """
    if not name:
        return None
    folded = fold(name).lower().strip()
    key = _NON_ALNUM.sub("", folded)
    found = _LOOKUP.get(key)
    if found is not None:
        return found
    stripped = _PREFIX.sub("", folded)
    if stripped != folded:
        return _LOOKUP.get(_NON_ALNUM.sub("", stripped))
    return None


def province_key(name: str) -> str:
    """The folded lowercase key a province is filtered by: "Hà Giang" -> "ha giang".

    Known spellings map to their unit's key ("tp.hcm" -> "ho chi minh"); an unknown
    name is folded as it is, so a filter on it still works on equal text.
    """
    canonical = canonical_province(name) or name
    return " ".join(_NON_ALNUM.split(fold(canonical).lower())).strip()


def merged_into(name: str) -> Optional[str]:
    """The unit (one of the 34) a province belongs to since 1 July 2025, or None if unknown."""
    canonical = canonical_province(name)
    if canonical is None:
        return None
    if canonical in MERGED_INTO:
        return MERGED_INTO[canonical]
    return canonical if canonical in PROVINCES_AFTER_2025 else None


def merged_from(name: str) -> List[str]:
    """The old units (of the 63) that make up a unit after the merger, itself first if kept."""
    canonical = canonical_province(name)
    if canonical is None or canonical not in PROVINCES_AFTER_2025:
        return []
    olds = [old for old, new in MERGED_INTO.items() if new == canonical]
    olds.sort(key=lambda old: (old != canonical, PROVINCES_BEFORE_2025.index(old)))
    return olds


def unit_names(name: str, merged: bool = False) -> List[str]:
    """The canonical names a filter on ``name`` covers, or [] if ``name`` is no province.

    A renamed unit is one unit under both names ("Huế" <-> "Thừa Thiên Huế"). With
    ``merged``, the whole unit since 1 July 2025 as well: "Tuyên Quang" and "Hà Giang"
    each cover both.
    """
    canonical = canonical_province(name)
    if canonical is None:
        return []
    if merged:
        unit = merged_into(canonical) or canonical
        return list(dict.fromkeys([unit] + merged_from(unit)))
    names = [canonical]
    for old, new in RENAMED_IN_2025.items():
        if canonical in (old, new):
            names += [n for n in (new, old) if n != canonical]
    return names


def province_hints(name: str, limit: int = 4) -> List[str]:
    """Provinces the user may have meant by an unknown ``name``: names it begins
    ("hau" -> "Hậu Giang", which an unquoted province:hau giang leaves behind), else
    close spellings ("ha giag" -> "Hà Giang")."""
    import difflib

    words = _NON_ALNUM.split(fold(name).lower())
    words = [w for w in words if w]
    if not words:
        return []
    by_words = {name: [w for w in _NON_ALNUM.split(fold(name).lower()) if w]
                for name in sorted(ALL_PROVINCES)}
    begun = [n for n, ws in by_words.items() if len(ws) > len(words) and ws[: len(words)] == words]
    if begun:
        return begun[:limit]
    close = difflib.get_close_matches(lookup_key(name), list(_LOOKUP), n=limit, cutoff=0.85)
    return list(dict.fromkeys(_LOOKUP[key] for key in close))
