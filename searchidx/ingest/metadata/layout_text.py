"""What the national layout's header and signature share: the Layout record, the fixed
phrases and marks of the layout, and how headings in capitals and names are written out."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional

from ...analysis.normalize import canonical_tones, fold
from ...gazetteer import canonical_province
from ...doctypes import keep_acronym
from .names import SURNAMES, UPPER


@dataclass
class Layout:
    """What the national layout of one document says."""

    doc_type: str = ""  # "báo cáo", "biên bản", …
    number: str = ""  # "123/BC-UBND", as written
    issuer: str = ""  # "Sở Tư pháp"
    parent_issuer: str = ""  # "UBND tỉnh Hà Giang"
    place: str = ""
    date: Optional[str] = None
    title: str = ""
    signer: str = ""
    signer_position: str = ""
    signer_authority: str = ""  # "TM. Ủy ban nhân dân; KT. Chủ tịch"
    recipients: List[str] = field(default_factory=list)
    signers: List[str] = field(default_factory=list)  # every name signing, the signer among them


MOTTO = re.compile(
    r"C[ỘO]NG\s+H[ÒÓOÀ]A\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM"
    r"|Đ[ẢA]NG\s+C[ỘO]NG\s+S[ẢA]N\s+VI[ỆE]T\s+NAM"
    r"|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc",
    re.I,
)
NUMBER = re.compile(
    r"\bS[ốố]\s*[:.]?\s*(?P<number>(?:\d+[A-Za-z]?(?:-[A-ZĐ][A-Za-zĐđ]*)?)?\s*/\s*(?:\d{4}\s*/\s*)?"
    r"[A-ZĐ][A-Za-zĐđ0-9]*(?:\s*[-–]\s*[A-ZĐ][A-Za-zĐđ0-9]*)*)"
)
TITLE_WORD = UPPER + r"[a-zà-ỹđ]*\.?"
PLACE_DATE = re.compile(
    r"(?<!\w)(?P<place>(?:(?:TP|Tp)\.[ \t]*|Thành phố[ \t]+|Thị xã[ \t]+)?" + TITLE_WORD
    + r"(?:[ \t]+" + TITLE_WORD + r"){0,4})[ \t]*,[ \t]*[Nn]gày[ \t]+(?P<d>\d{1,2})"
    r"[ \t]+tháng[ \t]+(?P<m>\d{1,2})[ \t]+năm[ \t]+(?P<y>\d{4})"
)
AUTHORITY = re.compile(r"^(?P<mark>TM|KT|TL|TUQ|Q|QUYỀN|T/M|K/T|T/L)\s*\.?\s+(?P<rest>.+)$")
RULE = re.compile(r"^[\s_\-–—=*.~]{3,}$")
COLUMN_GAP = re.compile(r"\t+| {3,}| \| ")
NOTE = re.compile(r"^\(?\s*(?:đã\s+ký|ký[^)]*|chữ\s+ký|signed|\[.*\])\s*\)?$", re.I)
RANKS = ("đại tá", "thượng tá", "trung tá", "thiếu tá", "đại úy", "thiếu tướng", "trung tướng",
          "ông", "bà", "đồng chí", "ts.", "ths.", "pgs.ts.", "pgs. ts.", "gs.ts.")
LOCALITY = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn")
POSITION_KEYS = frozenset(fold(p) for p in (
    "chủ tịch", "phó chủ tịch", "chủ trì", "chủ tọa", "thư ký", "giám đốc", "phó giám đốc",
    "trưởng ban", "phó trưởng ban", "bí thư", "phó bí thư", "chánh văn phòng"))
def is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def sentence_case(caps: str, places: bool = True) -> str:
    """A heading in capitals as running text writes it: "UBND TỈNH HÀ GIANG" ->
    "UBND tỉnh Hà Giang", "SỞ TƯ PHÁP" -> "Sở Tư pháp", "PHÓ CHỦ TỊCH" -> "Phó Chủ tịch"."""
    words = caps.split()
    out: List[str] = []
    capitalize_next = True
    place_words = 0
    for index, word in enumerate(words):
        acronym = keep_acronym(word)
        if acronym is not None and len(word) > 1:
            out.append(word if not word.isalpha() else acronym + word[len(acronym):])
            capitalize_next = False
            continue
        lower = word.lower()
        if place_words:
            out.append(lower[:1].upper() + lower[1:])
            place_words -= 1
            continue
        out.append(lower[:1].upper() + lower[1:] if capitalize_next else lower)
        capitalize_next = lower in ("phó", "chánh", "tổng") or (
            index == 0 and lower in ("sở", "bộ", "ban", "vụ", "cục", "viện"))
        if places:
            two = " ".join(w.lower() for w in words[index:index + 2])
            if lower in LOCALITY or two in ("thành phố", "thị xã", "thị trấn"):
                skip = 1 if lower in LOCALITY and two not in LOCALITY else 2
                if skip == 2:
                    continue
                place_words = _place_length(words[index + 1:])
    text = re.sub(r"\b(Tỉnh|Thành|Huyện|Quận|tỉnh|thành|huyện|quận) (?:Ủy|Uỷ|ủy|uỷ)\b(.*)$",
                  lambda m: f"{m.group(1).capitalize()} ủy" + _title_words(m.group(2)), " ".join(out))
    return _canonical_places(text)


def _title_words(text: str) -> str:
    return "".join(f" {w[:1].upper()}{w[1:].lower()}" for w in text.split())


def _place_length(words: List[str]) -> int:
    """How many of the words after a level name the place: a province when the gazetteer
    knows it, else the rest of a short line (a district or commune)."""
    for length in (4, 3, 2, 1):
        if len(words) >= length and canonical_province(" ".join(words[:length])):
            return length
    return len(words) if len(words) <= 3 else 0


def _canonical_places(text: str) -> str:
    def fix(match: "re.Match[str]") -> str:
        name = canonical_province(match.group(2))
        return f"{match.group(1)} {name}" if name else match.group(0)

    return re.sub(r"\b(tỉnh|thành phố)\s+((?:" + UPPER + r"\w*\s*){1,4})$", fix, text)


def title_case_name(name: str) -> str:
    """"HOÀNG GIA LONG" -> "Hoàng Gia Long"; tones placed one way."""
    return " ".join(canonical_tones(w[:1].upper() + w[1:].lower()) for w in name.split())


def is_person_name(text: str) -> bool:
    """A signer's name: 2-5 words, Title-case or all capitals, led by a surname."""
    words = text.split()
    if not 2 <= len(words) <= 5 or not all(w.isalpha() for w in words):
        return False
    if not (all(w[0].isupper() and w[1:].islower() for w in words if len(w) > 1) or is_caps(text)):
        return False
    return words[0].lower() in SURNAMES and fold(text).lower() not in POSITION_KEYS


def strip_rank(text: str) -> str:
    lowered = text.lower()
    for rank in RANKS:
        if lowered.startswith(rank + " "):
            return text[len(rank) + 1:].strip()
    return text


