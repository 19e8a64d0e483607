"""The vocabulary of the national layout (Nghị định 30/2020/NĐ-CP): document types, the
codes of a number's symbol, and how headings in capitals are written in running text.

"Số: 123/BC-UBND" reads: number 123, symbol BC-UBND, where BC is the type (báo cáo) and
UBND the issuer. A công văn has no type code: "567/UBND-KGVX" is issuer then unit.
"""
from __future__ import annotations

import re
from typing import Dict, Optional

from .analysis.normalize import fold

# Type names as a heading writes them (in capitals), lowercase here; longest first where
# one begins another ("thông báo kết luận" before "thông báo").
DOCUMENT_TYPES = (
    "thông báo kết luận", "nghị quyết", "quyết định", "chỉ thị", "quy chế", "quy định",
    "thông cáo", "thông báo", "hướng dẫn", "chương trình", "kế hoạch", "phương án", "đề án",
    "dự án", "báo cáo", "biên bản", "tờ trình", "hợp đồng", "công văn", "công điện",
    "bản ghi nhớ", "bản thỏa thuận", "giấy ủy quyền", "giấy mời", "giấy giới thiệu", "kết luận",
)

# The type codes of a symbol (Appendix III of the decree), uppercase as written. Folded
# ("QD" for QĐ) they are looked up too, the exact spelling first: HĐ is a hợp đồng, HD a
# hướng dẫn.
TYPE_CODES: Dict[str, str] = {
    "NQ": "nghị quyết", "QĐ": "quyết định", "CT": "chỉ thị", "QC": "quy chế",
    "QYĐ": "quy định", "TC": "thông cáo", "TB": "thông báo", "HD": "hướng dẫn",
    "CTR": "chương trình", "KH": "kế hoạch", "PA": "phương án", "ĐA": "đề án",
    "DA": "dự án", "BC": "báo cáo", "BB": "biên bản", "TTR": "tờ trình", "HĐ": "hợp đồng",
    "CĐ": "công điện", "GM": "giấy mời", "GGT": "giấy giới thiệu", "GUQ": "giấy ủy quyền",
    "KL": "kết luận", "TBKL": "thông báo kết luận",
}
_FOLDED_CODES: Dict[str, str] = {}
for _code, _name in TYPE_CODES.items():
    _FOLDED_CODES.setdefault(fold(_code), _name)
for _code, _name in TYPE_CODES.items():
    if fold(_code) == _code:
        _FOLDED_CODES[_code] = _name  # the plain spelling wins its folded form


def _code_type(code: str) -> Optional[str]:
    code = code.strip().upper()
    return TYPE_CODES.get(code) or _FOLDED_CODES.get(fold(code))


# Abbreviations kept in capitals when a heading is written in running text.
ACRONYMS = frozenset(
    "UBND HĐND MTTQ BCĐ VKSND TAND UBMTTQ ĐBQH ANQG THPT THCS CNTT KT-XH HĐND-UBND BHXH"
    " BHYT TW VN".split()
)
_ACRONYM_KEYS = {fold(a).upper(): a for a in ACRONYMS}

# Long forms written short everywhere else in the index (agencies.py writes them so too).
_LONG_FORMS = (
    (re.compile(r"\b(?:ủy|uỷ|uy) ban nh[âa]n d[âa]n\b", re.I), "UBND"),
    (re.compile(r"\bh[ộo]i [đd][ồo]ng nh[âa]n d[âa]n\b", re.I), "HĐND"),
)

_TYPE_KEYS = {fold(name): name for name in DOCUMENT_TYPES}


def type_name(heading: str) -> Optional[str]:
    """The document type a heading in capitals names ("BIÊN BẢN" -> "biên bản"), or None."""
    key = " ".join(fold(heading).lower().split())
    return _TYPE_KEYS.get(key)


def type_of_symbol(symbol: str) -> Optional[str]:
    """The type a symbol's first code names ("BC-UBND" -> "báo cáo"), or None (a công văn's
    symbol starts with its issuer)."""
    return _code_type(re.split(r"[-–/]", symbol, 1)[0])


def type_query_names(value: str) -> list:
    """The document types a typed value names: a code ("BB"), a name with or without
    diacritics ("bien ban"), or the start of names ("thong bao" names both kinds)."""
    key = " ".join(fold(value).lower().replace("_", " ").split())
    if not key:
        return []
    code = _code_type(value.replace(" ", "")) if len(key) <= 5 else None
    if code:
        return [code]
    return [name for folded, name in _TYPE_KEYS.items()
            if folded == key or folded.startswith(key + " ")]


def type_key(name: str) -> str:
    """How the type is indexed: folded, lowercase, words joined by "_" (one term)."""
    return "_".join(fold(name).lower().split())


def number_key(number: str) -> str:
    """A number and symbol as compared: folded, lowercase, no spaces, one kind of dash
    ("123/BC-UBND", "123/bc-ubnd" and "123 / BC–UBND" are one number)."""
    text = re.sub(r"\s+", "", fold(number).lower())
    return text.replace("–", "-").replace("—", "-")


def shorten_long_forms(name: str) -> str:
    """"Ủy ban nhân dân tỉnh Hà Giang" -> "UBND tỉnh Hà Giang", as agencies are written."""
    for pattern, short in _LONG_FORMS:
        name = pattern.sub(short, name)
    return name


def keep_acronym(word: str) -> Optional[str]:
    """The word as an abbreviation kept in capitals, or None."""
    return _ACRONYM_KEYS.get(fold(word).upper().strip(".,;:"))
