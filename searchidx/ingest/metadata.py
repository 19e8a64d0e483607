"""Metadata detected in the body of a report: date, province, officials, agencies.

Everything here is rule-based and precision-first: a wrong province or a street
name listed as an official is worse in a facet than a missing one. The rules lean on
how Vietnamese news and reports are written: proper names are Title-case syllable
runs ("Hồ Thu Ánh", "Hà Giang"), officials come with a title or honorific next to
their name ("bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh"), and the province of a report
is named after "tỉnh"/"thành phố"/"UBND tỉnh".

The functions run on every article of large batches, so patterns are compiled once
and the text is scanned for capitalized runs once per call of extract_metadata().
"""
from __future__ import annotations

import re
import sys
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Tuple

from ..dates import detect_date, normalize_date
from ..analysis.normalize import canonical_tones, fold, normalize_token
from ..gazetteer import ALL_PROVINCES

__all__ = [
    "detect_province",
    "detect_people",
    "detect_agencies",
    "extract_metadata",
    "SURNAMES",
]

# ---------------------------------------------------------------------------
# Capitalized runs: the shared scan behind provinces, people and agencies
# ---------------------------------------------------------------------------

def _uppercase_class() -> str:
    chars = [chr(cp) for cp in range(0x41, 0x5B)]
    for block in (range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        chars.extend(chr(cp) for cp in block if chr(cp).isupper())
    return "[" + "".join(chars) + "]"


_U = _uppercase_class()
# A capitalized word (Title-case or ALL-CAPS). The pattern starts with a character
# class so the regex engine can skip ahead fast; the word-boundary check is done
# in Python for the same reason.
_CAP_WORD = re.compile(_U + r"\w*")
# What may join two capitalized words of one name: spaces, or a dash ("Bà Rịa - Vũng Tàu").
_JOIN = re.compile(r"[ \t]+|[ \t]*[-–][ \t]*")
_WORD = re.compile(r"\w+")


class _Token(NamedTuple):
    start: int
    end: int
    word: str
    lower: str
    key: str  # folded lowercase, for gazetteer lookups
    dash_before: bool  # joined to the previous token by a dash, not a space


class _Run(NamedTuple):
    tokens: List[_Token]
    # Gazetteer names found in the run, greedy longest-first: (index, length, name).
    places: List[Tuple[int, int, str]]


_KEY_CACHE: Dict[str, str] = {}
_KEY_CACHE_LIMIT = 200_000


def _key(word: str) -> str:
    """Folded lowercase form of a word, cached: the same names recur in every report."""
    key = _KEY_CACHE.get(word)
    if key is None:
        if len(_KEY_CACHE) >= _KEY_CACHE_LIMIT:
            _KEY_CACHE.clear()
        key = _KEY_CACHE[word] = fold(word).lower()
    return key


def _scan(text: str) -> List[_Run]:
    """Every maximal run of capitalized words in the text, with the provinces in it."""
    runs: List[_Run] = []
    tokens: List[_Token] = []
    prev_end = -1
    new_token = tuple.__new__  # C-level construction: this loop sees every capitalized word
    for match in _CAP_WORD.finditer(text):
        start, end = match.span()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue  # an uppercase letter inside a word: "iPhone"
        word = match.group()
        dash = False
        if tokens:
            gap = text[prev_end:start]
            if gap != " ":
                joined = _JOIN.fullmatch(gap) if len(gap) < 8 else None
                if joined is None:
                    runs.append(_Run(tokens, _find_places(tokens)))
                    tokens = []
                else:
                    dash = "-" in gap or "–" in gap
        tokens.append(new_token(_Token, (start, end, word, word.lower(), _key(word), dash)))
        prev_end = end
    if tokens:
        runs.append(_Run(tokens, _find_places(tokens)))
    return runs


# ---------------------------------------------------------------------------
# Provinces
# ---------------------------------------------------------------------------

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
        words = _WORD.findall(spelling)
        keys[" ".join(_WORD.findall(fold(spelling).lower()))] = name
        spellings.add(_spelling(words))
    return keys, frozenset(spellings)


# Matching is accent-insensitive for text typed without marks ("tinh Ha Giang"), but a
# name written with marks must carry the right ones: "huyện Quang Bình" is a district of
# Hà Giang, not the province of Quảng Bình.
_PROVINCE_KEYS, _PROVINCE_SPELLINGS = _province_keys()
_MAX_PROVINCE_WORDS = max(len(key.split()) for key in _PROVINCE_KEYS)
_HCM = "Hồ Chí Minh"


def _gazetteer_name(words: List[str], keys: List[str]) -> Optional[str]:
    """The province these words spell (keys: their folded forms), or None."""
    name = _PROVINCE_KEYS.get(" ".join(keys))
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


def _words_before(text: str, start: int) -> str:
    """The last few words before an offset, lowercase, single-spaced, with a leading space."""
    return " " + " ".join(text[max(0, start - 40):start].lower().split()[-4:])


_HCM_ABBREVIATION = re.compile(r"TPHCM|TpHCM")  # boundaries checked in Python

_AGENCY_WEIGHT = 5  # "UBND tỉnh X" names the report's own province almost always
_LOCALITY_WEIGHT = 3
_PLAIN_WEIGHT = 1


_PROVINCE_FIRST_WORDS = frozenset(key.split()[0] for key in _PROVINCE_KEYS)


def _find_places(tokens: List[_Token]) -> List[Tuple[int, int, str]]:
    """Gazetteer names in a run, longest first at each token: (index, length, name)."""
    places: List[Tuple[int, int, str]] = []
    i, count = 0, len(tokens)
    while i < count:
        if tokens[i].key not in _PROVINCE_FIRST_WORDS:  # the common case, kept cheap
            i += 1
            continue
        for length in range(min(_MAX_PROVINCE_WORDS, count - i), 0, -1):
            span = tokens[i:i + length]
            name = _gazetteer_name([t.word for t in span], [t.key for t in span])
            if name is not None:
                places.append((i, length, name))
                i += length
                break
        else:
            i += 1
    return places


def _province_mentions(text: str, runs: List[_Run]) -> List[Tuple[int, str, int]]:
    """(offset, province, weight) for every capitalized gazetteer mention."""
    mentions: List[Tuple[int, str, int]] = []
    for tokens, places in runs:
        for i, length, name in places:
            start = tokens[i].start
            before = _words_before(text, start)
            if before.endswith(_AGENCY_LOCALITY_ENDINGS):
                weight = _AGENCY_WEIGHT
            elif before.endswith(_LOCALITY_ENDINGS):
                weight = _LOCALITY_WEIGHT
            elif name == _HCM and tokens[i].key == "ho":
                weight = 0  # bare "Hồ Chí Minh" is the man (tư tưởng, Học viện …), not the city
            elif before.endswith(_SUBPLACE_ENDINGS):
                weight = 0
            elif i > 0 and tokens[i - 1].lower in _SURNAMES:
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


def _best_province(mentions: List[Tuple[int, str, int]]) -> Optional[str]:
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
    return _best_province(_province_mentions(text, _scan(text)))


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------

SURNAMES = frozenset(
    """
    nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh lương
    trịnh mai tô hà cao lò giàng sùng thào lâm quách đoàn trương châu thái tạ lại đào
    nông triệu vương kiều lưu chu đàm tăng phùng khổng tống hứa mạc thân doãn vi giáp
    bạch khúc kim lã lữ diệp hầu tôn từ viên tiêu ma sầm vàng mùa lầu hờ bế lộc trình
    cù nghiêm phí hán tòng quàng lường điêu cầm bạc danh kha lục thạch
    xa bàn chảo tẩn phàn tráng cứ ly đàng
    """.split()
)
_SURNAMES = SURNAMES

# Capitalized words that end a name: titles and agency words written right after it.
_NAME_STOP = frozenset(
    "chủ phó bí giám trưởng tổng ủy uỷ bộ sở tỉnh huyện xã phường quận cục viện ông bà"
    " thủ chánh thiếu".split()
)

# Surname-led Title-case phrases that are places, religions or historical figures.
_NOT_PEOPLE = frozenset(
    " ".join(_WORD.findall(fold(name).lower()))
    for name in (
        "Hồ Chí Minh", "Cao Đài", "Hòa Hảo", "Hoàng Sa", "Lý Sơn", "Mai Châu", "Hoàng Mai",
        "Hà Tiên", "Hà Đông", "Hà Tây", "Lâm Hà", "Lương Sơn", "Cao Lãnh", "Trần Văn Thời",
        "Châu Đốc", "Châu Thành", "Châu Phú", "Kim Bôi", "Kim Sơn", "Kim Động", "Lê Chân",
        "Ngô Quyền", "Hà Quảng", "Hà Trung", "Cao Phong", "Mai Sơn", "Lương Tài", "Lý Nhân",
        "Đinh Lập", "Đinh Quán", "Chu Lai", "Chu Prông", "Chu Păh", "Chư Sê", "Vũ Bản",
        "Vũ Thư", "Vũ Quang", "Hồ Gươm", "Hồ Tây", "Thái Bình Dương", "Thạch Hà",
        "Thạch Thất", "Thạch Thành", "Lục Ngạn", "Lục Nam", "Lục Yên", "Hoàng Su Phì",
        "Quan Hóa", "Quan Sơn", "Ninh Hải", "Ninh Sơn", "Ninh Phước", "Ninh Hòa",
        "Ninh Kiều", "Đào Tạo", "Đoàn Kết", "Bạch Mai", "Tô Lịch", "Cao Nguyên",
        "Kim Bảng", "Đông Nam Á", "Trần Đề", "Lê Lợi", "Lý Thái Tổ",
        "Trần Hưng Đạo", "Quang Trung", "Nguyễn Huệ", "Hai Bà Trưng", "Đoàn Luật",
        "Đoàn Thanh", "Thái Lan", "Hà Lan", "Kim Chi", "Hoàng Gia", "Lầu Năm Góc", "Tôn Hoa Sen",
        "Hoàng Anh Gia Lai", "Mai Linh", "Hà Nội", "Lâm Đồng", "Châu Á", "Châu Âu", "Châu Phi",
        "Châu Mỹ", "Châu Úc", "Lò Chợ", "Đoàn Thể", "Đoàn Xiếc", "Đoàn Kịch", "Đoàn Ca",
        "Phan Thiết", "Phan Rang", "Từ Dũ",
    )
)
# Of those, the ones that may be followed by a foreign name or more words and still be no
# person themselves: "Thủ tướng Thái Lan Thaksin Shinawatra", "Ngân hàng Phát triển Châu Á".
# ("Đoàn Thanh" is not here: "Đoàn Thanh Tùng" is a man, "Đoàn Thanh niên" is not.)
_NOT_PEOPLE_PREFIXES = frozenset(
    " ".join(_WORD.findall(fold(name).lower()))
    for name in (
        "Hồ Chí Minh", "Thái Lan", "Hà Lan", "Châu Á", "Châu Âu", "Châu Phi", "Châu Mỹ",
        "Châu Úc", "Thái Bình Dương", "Lầu Năm Góc", "Hoàng Anh Gia Lai", "Hoàng Gia",
        "Cao Đài", "Hòa Hảo", "Hoàng Sa",
    )
)

_TITLE_WORDS = (
    "chủ tịch", "chủ nhiệm", "bí thư", "giám đốc", "trưởng", "phó", "thủ tướng", "ủy viên",
    "uỷ viên", "đại biểu", "tư lệnh", "chính ủy", "chính uỷ", "chánh", "tướng", "tá", "úy", "uý",
    "tiến sĩ", "thạc sĩ", "bác sĩ", "bác sỹ", "luật sư", "kỹ sư", "kĩ sư", "thẩm phán",
    "kiểm sát viên", "điều tra viên", "nhà báo", "nhà giáo", "nghệ sĩ", "nghệ nhân", "già làng",
    "người phát ngôn", "đại sứ", "thư ký", "chuyên viên", "cán bộ", "chiến sĩ", "giáo viên",
    "hòa thượng", "thượng tọa", "linh mục", "mục sư", "pgs", "gs", "ts", "ths", "bs", "nsnd",
    "nsưt",
)
_HONORIFIC_WORDS = ("ông", "bà", "anh", "chị", "cụ", "đồng chí", "đ/c")
_TITLE_PHRASES = frozenset(tuple(title.split()) for title in _TITLE_WORDS)
_HONORIFIC_PHRASES = frozenset(tuple(word.split()) for word in _HONORIFIC_WORDS)
_TITLE_REGEX = "|".join(r"\s+".join(map(re.escape, t.split())) for t in _TITLE_WORDS)
# ", Phó Giám đốc …", " - Bí thư …", " (Chủ tịch …" right after the name.
_TITLE_AFTER = re.compile(
    r"[ \t]*(?:[,(:]|[-–—])?[ \t]*(?i:nguyên\s+|tân\s+|quyền\s+)?(?i:" + _TITLE_REGEX + r")(?!\w)"
)
# A dot after these ends no clause: "PGS.TS. Nguyễn Văn A", "TP. Hà Nội".
_ABBREVIATIONS = frozenset(["ts", "ths", "pgs", "gs", "bs", "tp", "đ/c", "pgs.ts", "gs.ts"])
_CLAUSE_BREAKS = ";!?,:\n\"“”"
_SENTENCE_BREAKS = ".;!?:\n\"“”(-–"
_MAX_WORDS_AFTER_TITLE = 6  # "Phó Chủ tịch UBND tỉnh Hà Giang Nguyễn Văn A"
# Right before the name: a street, school, place or era, which makes it no person.
_STREET_ENDINGS = tuple(
    " " + word for word in (
        "đường", "phố", "ngõ", "hẻm", "đại lộ", "trường", "thpt", "thcs", "tiểu học",
        "đại học", "mầm non", "học viện", "bệnh viện", "cầu", "giải", "giải thưởng", "quỹ",
        "lăng", "tượng đài", "bảo tàng", "đền", "tư tưởng", "quốc gia", "đh", "cđ", "bv", "q.",
        "p.", "tx", "tx.",
    )
)
_PLACE_ENDINGS = _STREET_ENDINGS + tuple(
    " " + word for word in (
        "chợ", "bến", "cảng", "chùa", "sông", "hồ", "núi", "đèo", "đảo", "kênh", "huyện",
        "quận", "xã", "phường", "thị trấn", "thị xã", "thôn", "bản", "ấp", "làng", "thành phố",
        "tp", "tp.", "quảng trường", "công viên", "nhà văn hóa", "nhà văn hoá", "sân vận động",
        "vua", "triều", "thời", "bác",
    )
)
# Typical middle names: "huyện Trần Văn Thời" aside, three syllables with one of these in
# the middle after "thành phố"/"huyện" are an official, not a place.
_MIDDLE_NAMES = frozenset(
    "văn thị đức minh thành quốc hữu thanh ngọc xuân công đình kim hồng thế quang mạnh"
    " trọng tấn hoàng anh bá duy khắc viết tiến huy phú như mỹ thu hải".split()
)


def _clause_before(text: str, start: int) -> Tuple[str, bool]:
    """The clause that ends at an offset (at most 80 characters), and whether it starts a
    sentence rather than following a comma."""
    low = max(0, start - 80)
    window = text[low:start]
    cut = -1
    for char in _CLAUSE_BREAKS:
        cut = max(cut, window.rfind(char))
    dot = window.rfind(".")
    while dot > cut:
        word = window[:dot].rsplit(None, 1)[-1].lower() if window[:dot].strip() else ""
        if word not in _ABBREVIATIONS:
            cut = dot
            break
        dot = window.rfind(".", 0, dot)
    if cut < 0:
        return window, low == 0 or text[low - 1] in _SENTENCE_BREAKS
    return window[cut + 1:], window[cut] in _SENTENCE_BREAKS


def _title_before(text: str, start: int) -> bool:
    """Whether a title or honorific stands a few words before an offset, in the same clause."""
    clause, sentence_start = _clause_before(text, start)
    words = clause.replace(".", " ").replace("-", " ").split()
    first = max(0, len(words) - _MAX_WORDS_AFTER_TITLE - 3)
    lowered = [word.lower() for word in words]
    for k in range(first, len(words)):
        for n in (3, 2, 1):
            if k + n > len(words) or len(words) - (k + n) > _MAX_WORDS_AFTER_TITLE:
                continue
            phrase = tuple(lowered[k:k + n])
            if phrase in _TITLE_PHRASES:
                return True
            if phrase in _HONORIFIC_PHRASES:
                # "ông", or "Ông" opening a sentence; "Anh" in "Đức Anh" is a name.
                if words[k][0].islower() or (k == 0 and sentence_start):
                    return True
    return False


def _is_name_word(word: str) -> bool:
    """Title-case letters only: "Thắng", "A"; not "UBND", "iPhone" or "2023"."""
    return word.isalpha() and word[0].isupper() and (len(word) == 1 or word[1:].islower())


def _pretty_name(tokens: List[_Token]) -> str:
    # One spelling per person in facets, whatever the report's tone placement.
    return " ".join(canonical_tones(token.word) for token in tokens)


def _person_candidates(text: str, runs: List[_Run]) -> List[Tuple[int, str]]:
    """(offset, name) for each mention accepted as a person, in text order."""
    found: List[Tuple[int, str]] = []
    last_end = -1  # where the last accepted name ended
    for tokens, places in runs:
        count = len(tokens)
        if count < 2:
            continue
        in_place = [False] * count
        for i, length, _ in places:
            for k in range(i, i + length):
                in_place[k] = True
        i = 0
        while i < count - 1:
            token = tokens[i]
            if in_place[i] or token.lower not in _SURNAMES or not _is_name_word(token.word):
                i += 1
                continue
            skip = _not_person_prefix(tokens, i)
            if skip:  # "Thái Lan", "Hà Lan", "Hồ Chí Minh": not a person, nor its start
                i += skip
                continue
            j = i + 1
            # A dash ends a name ("Nguyễn Văn A - Bí thư"), and so does a title word.
            while (
                j < count and j - i < 4 and not tokens[j].dash_before and not in_place[j]
                and _is_name_word(tokens[j].word) and tokens[j].lower not in _NAME_STOP
            ):
                j += 1
            if j - i < 2:
                i += 1
                continue
            overlong = (
                j < count and not tokens[j].dash_before and not in_place[j]
                and _is_name_word(tokens[j].word) and tokens[j].lower not in _NAME_STOP
            )
            # Inside a longer capitalized name ("Bồ Đào Nha", "Tôn Hoa Sen"), unless it is
            # a place then a full name: "huyện Mường La Cầm Văn Chính".
            inside = (
                i > 0 and not in_place[i - 1] and not tokens[i].dash_before
                and _is_name_word(tokens[i - 1].word)
                and tokens[i - 1].lower not in _NAME_STOP
                and not (j - i >= 3 and tokens[i + 1].lower in _MIDDLE_NAMES)
            )
            if not overlong and not inside:
                # The next name of a list: "anh Nguyễn Mạnh Hùng, Nguyễn Thành Vinh và …".
                listed = (
                    last_end >= 0 and _LIST_GAP.fullmatch(text, last_end, token.start) is not None
                )
                if _accept_person(text, tokens[i:j], listed):
                    found.append((token.start, _pretty_name(tokens[i:j])))
                    last_end = tokens[j - 1].end
            i = j
    return found


_LIST_GAP = re.compile(r"[ \t]*(?:,|;|và)[ \t]*(?:và[ \t]+)?")


def _not_person_prefix(tokens: List[_Token], i: int) -> int:
    """How many tokens from i spell a known non-person ("Thái Lan"), or 0."""
    for length in (4, 3, 2):
        if i + length <= len(tokens):
            if " ".join(token.key for token in tokens[i:i + length]) in _NOT_PEOPLE_PREFIXES:
                return length
    return 0


def _accept_person(text: str, tokens: List[_Token], listed: bool = False) -> bool:
    key = " ".join(token.key for token in tokens)
    if key in _NOT_PEOPLE or key in _PROVINCE_KEYS:
        return False
    start, end = tokens[0].start, tokens[-1].end
    before = _words_before(text, start)
    if before[-1:].isdigit():
        return False  # a house number: "số 1 Nguyễn Du", "212 Nguyễn Trãi"
    if before.endswith(_PLACE_ENDINGS):
        # "đường Lê Lợi", "huyện Lâm Hà" – but "UBND thành phố Nguyễn Thành Tài" is a man.
        if before.endswith(_STREET_ENDINGS) and not before.endswith(" thành phố"):
            return False
        city = before.endswith((" thành phố", " tp", " tp."))  # cities' names are short
        if not (len(tokens) >= 3 and (city or tokens[1].lower in _MIDDLE_NAMES)):
            return False
    if listed or _TITLE_AFTER.match(text, end, min(len(text), end + 40)):
        return True
    return _title_before(text, start)


def _dedupe(names: List[Tuple[int, str]], limit: int = sys.maxsize) -> List[str]:
    seen = set()
    result: List[str] = []
    for _, name in sorted(names, key=lambda item: item[0]):
        key = name.lower()
        if key not in seen:
            seen.add(key)
            result.append(name)
            if len(result) >= limit:
                break
    return result


def detect_people(text: str) -> List[str]:
    """Full names of the people named with a title or honorific, in order of first mention.

    A name is 2–4 Title-case syllables starting with a common Vietnamese surname, next
    to a title ("Đại tá Nguyễn Văn Thắng", "Dương Thanh Bình, Phó Trưởng ban") and not a
    street, school, place or Hồ Chí Minh. Tone placement is made canonical ("Hoà" ->
    "Hòa") so one person has one spelling.
    """
    return _dedupe(_person_candidates(text, _scan(text)))


# ---------------------------------------------------------------------------
# Agencies
# ---------------------------------------------------------------------------

def _flex(name: str) -> str:
    """A regex for an agency name that tolerates spacing, dash style and tone placement."""
    parts = []
    for piece in re.split(r"(\s*[-–,]\s*|\s+)", name):
        if not piece:
            continue
        if piece.strip() in ("-", "–"):
            parts.append(r"\s*[-–—]\s*")
        elif piece.strip() == ",":
            parts.append(r"\s*,\s*")
        elif piece.isspace():
            parts.append(r"\s+")
        else:
            alternatives = {piece, canonical_tones(piece), piece.replace("ủy", "uỷ"),
                            piece.replace("óa", "oá").replace("òa", "oà")}
            parts.append("(?:" + "|".join(sorted(map(re.escape, alternatives))) + ")")
    return "".join(parts)


_DEPARTMENTS = (
    "Lao động - Thương binh và Xã hội", "Nông nghiệp và Phát triển nông thôn",
    "Nông nghiệp và Môi trường", "Văn hóa, Thể thao và Du lịch", "Văn hóa và Thể thao",
    "Tài nguyên và Môi trường", "Thông tin và Truyền thông", "Khoa học và Công nghệ",
    "Giáo dục và Đào tạo", "Kế hoạch và Đầu tư", "Giao thông vận tải", "Dân tộc và Tôn giáo",
    "Nội vụ", "Tư pháp", "Tài chính", "Công Thương", "Xây dựng", "Y tế", "Ngoại vụ", "Du lịch",
    "Ngoại giao", "Quốc phòng", "Công an", "Giao thông - Xây dựng",
)
_MINISTRY_ONLY = ("Chính trị", "Tư lệnh", "Chỉ huy Quân sự", "Chỉ huy Bộ đội Biên phòng")
_LOCALITY_WORDS = (
    r"(?:[tT]ỉnh(?! [uủ])|[tT]hành phố|TP\.?|Tp\.?|huyện|quận|thị xã|xã|phường|thị trấn)"
)
_BEFORE_PLACE = r"(?:[ \t]+|(?<=\.))"  # "TP.HCM" has no space
_PLACE_NAME = _U + r"\w*(?:(?:[ \t]+|[ \t]*[-–][ \t]*)" + _U + r"\w*){0,5}"

# The full pattern is slow to search for (many branches at every position), so a plain
# alternation of its first words finds the places to try it.
_AGENCY_HEAD = re.compile(
    r"UBND|HĐND|Ủy ban|Uỷ ban|Hội đồng nhân dân|Công an|Mặt trận|MTTQ|Tỉnh|Thành|Huyện|Quận"
    r"|Thị|Sở |Bộ |Ban [Cc]hỉ đạo"
)
_AGENCY = re.compile(
    r"(?:"
    # UBND / HĐND / Công an … of a named level of government.
    r"(?P<council>UBND|HĐND|(?:Ủy|Uỷ) ban nhân dân|Hội đồng nhân dân|Công an"
    r"|(?:(?:Ủy|Uỷ) ban )?(?:Mặt trận Tổ quốc|MTTQ)(?: Việt Nam)?)"
    r"(?:\s+(?P<council_level>" + _LOCALITY_WORDS + r")"
    r"(?:" + _BEFORE_PLACE + r"(?P<council_place>" + _PLACE_NAME + r"))?)"
    r"|(?P<front>(?:(?:Ủy|Uỷ) ban )?(?:Mặt trận Tổ quốc|MTTQ)(?: Việt Nam)?)"
    r"|(?P<party>(?:Tỉnh|Thành|Huyện|Quận|Thị) (?:ủy|uỷ))"
    r"(?:[ \t]+(?P<party_place>" + _PLACE_NAME + r"))?"
    r"|(?P<dept>(?:Sở|Bộ) (?:" + "|".join(_flex(name) for name in _DEPARTMENTS) + r"))(?!\w)"
    r"(?:\s+(?P<dept_level>" + _LOCALITY_WORDS + r")"
    r"(?:" + _BEFORE_PLACE + r"(?P<dept_place>" + _PLACE_NAME + r"))?)?"
    r"|(?P<ministry>Bộ (?:" + "|".join(_flex(name) for name in _MINISTRY_ONLY) + r"))(?!\w)"
    r"|(?P<steering>Ban [Cc]hỉ đạo)(?!\w)"
    r")"
)
_CANONICAL_DEPARTMENTS = {
    re.sub(r"\s+", " ", fold(name).lower()): name for name in _DEPARTMENTS + _MINISTRY_ONLY
}
_PLACE_AFTER = re.compile(r"[ \t]*(" + _PLACE_NAME + ")")
_STEERING_TAIL = re.compile(r"[\w/]+|[^\w\s]")
_CONNECTORS = frozenset(["về", "và", "các", "cấp"])
_CLAUSE_VERBS = frozenset(
    "sẽ đã đang vừa có là được bị cho với của tại trong tiếp tổ yêu đề họp triển kiểm chỉ"
    " phối thực tăng báo cho".split()
)
_MAX_AGENCIES = 15


def _canonical_level(level: str) -> str:
    level = level.lower().rstrip(".")
    return "thành phố" if level == "tp" else level


def _canonical_place(place: str, raw_level: str) -> Optional[str]:
    """The place name after "tỉnh"/"huyện"/…: a province canonically, never a person."""
    words = _WORD.findall(place)
    keys = [_key(word) for word in words]
    for length in range(min(_MAX_PROVINCE_WORDS, len(words)), 0, -1):
        name = _gazetteer_name(words[:length], keys[:length])
        if name is not None:
            return name
    if _canonical_level(raw_level) == "tỉnh" or raw_level.endswith("."):
        # Not a province after "tỉnh": an official ("UBND tỉnh Hồ Thu Ánh"); after "TP."
        # the dot may end the sentence ("Sở Tài chính TP. Bà Hồng nêu …").
        return None
    if not words or words[0].lower() in _HONORIFIC_NAMES:
        return None
    if len(words) >= 3 and words[0].lower() in _SURNAMES and (
        words[1].lower() in _MIDDLE_NAMES or _canonical_level(raw_level) == "thành phố"
    ):
        return None  # "UBND thành phố Nguyễn Quốc Triệu": the official, not the place
    kept: List[str] = []
    for index, word in enumerate(words[:4]):
        if not _is_name_word(word):
            break
        # "huyện Mường Tè Lò Văn Páo": a surname with more words after it starts a person.
        if index >= 1 and word.lower() in _SURNAMES and len(words) - index >= 2:
            break
        kept.append(word)
    return " ".join(kept) or None


_HONORIFIC_NAMES = frozenset(["ông", "bà", "anh", "chị", "cụ"])


def _level_at(tokens: List["re.Match[str]"], k: int) -> Tuple[Optional[str], int]:
    """The level of government named at token k ("tỉnh", "thành phố", "TP."), and the
    index of its last token; (None, k) when there is none."""
    word = tokens[k].group()
    lower = word.lower()
    nxt = tokens[k + 1].group() if k + 1 < len(tokens) else ""
    if word in ("TP", "Tp"):
        return "thành phố", k + 1 if nxt == "." else k
    if lower in ("tỉnh", "huyện", "quận", "xã", "phường") and (word[0].islower() or word == "Tỉnh"):
        if word == "Tỉnh" and nxt[:1].islower():
            return None, k  # "Tỉnh ủy"
        return lower, k
    if lower in ("thành", "thị") and (word[0].islower() or word == "Thành"):
        pair = f"{lower} {nxt.lower()}"
        if pair in ("thành phố", "thị xã", "thị trấn"):
            return pair, k + 1
    return None, k


def _phong_chong_end(tokens: List["re.Match[str]"], k: int) -> int:
    """After "phòng" at k: the index past "chống" ("phòng, chống", "phòng chống"), or 0."""
    k += 1
    if k < len(tokens) and tokens[k].group() == ",":
        k += 1
    if k < len(tokens) and tokens[k].group().lower() == "chống":
        return k + 1
    return 0


def _steering_name(text: str, end: int) -> Optional[str]:
    """The rest of a "Ban Chỉ đạo …" name: Title-case words, connectors, then a level."""
    words: List[str] = []
    committed = 0  # words up to here form a complete name
    after_capital = False
    tokens = list(_STEERING_TAIL.finditer(text, end, min(len(text), end + 160)))
    k = 0
    while k < len(tokens) and len(words) < 12:
        word = tokens[k].group()
        lower = word.lower()
        level, last = _level_at(tokens, k)
        if level is not None:
            # The level ends the name, with the place after it when it is one.
            words.append(level)
            place_match = _PLACE_AFTER.match(text, tokens[last].end())
            if place_match:
                place = _canonical_place(place_match.group(1), level)
                if place:
                    words.append(place)
            committed = len(words)
            break
        if word.isdigit():
            words.append(word)
            committed = len(words)
            after_capital = False
        elif lower == "phòng" and not words and _phong_chong_end(tokens, k):
            # "phòng, chống tham nhũng": lowercase words up to the next punctuation.
            k = _phong_chong_end(tokens, k)
            words.append("phòng, chống")
            # What is fought: a few words ("tham nhũng", "AIDS và ma túy"), up to a level,
            # punctuation or a verb that starts the rest of the sentence.
            while k < len(tokens) and len(words) < 5 and tokens[k].group().isalpha():
                if (
                    _level_at(tokens, k)[0] is not None
                    or tokens[k].group().lower() in _CLAUSE_VERBS
                ):
                    break
                words.append(tokens[k].group())
                k += 1
            committed = len(words)
            after_capital = False
            continue
        elif word[0].isupper() and word.isalpha():
            words.append(word)
            committed = len(words)
            after_capital = True
        elif lower in _CONNECTORS and (words or lower != "và"):
            words.append(lower)
            after_capital = False
        elif after_capital and word.isalpha():
            words.append(word)  # second syllable of a compound: "Nhân quyền", "Tôn giáo"
            committed = len(words)
            after_capital = False
        else:
            break
        k += 1
    if not committed:
        return None
    return " ".join(words[:committed])


def _agency_matches(text: str) -> List[Tuple[int, str]]:
    found: List[Tuple[int, str]] = []
    last_end = 0
    for head in _AGENCY_HEAD.finditer(text):
        start = head.start()
        if start < last_end or (start and text[start - 1].isalnum()):
            continue
        match = _AGENCY.match(text, start)
        if match is None:
            continue
        last_end = match.end()
        groups = match.groupdict()
        name: Optional[str] = None
        if groups["council"]:
            head = groups["council"]
            head = re.sub(r"^(?:Ủy|Uỷ) ban nhân dân$", "UBND", head)
            head = head.replace("Hội đồng nhân dân", "HĐND").replace("MTTQ", "Mặt trận Tổ quốc")
            head = head.replace("Uỷ", "Ủy")
            level = _canonical_level(groups["council_level"])
            name = f"{head} {level}"
            if groups["council_place"]:
                place = _canonical_place(groups["council_place"], groups["council_level"])
                if place:
                    name += " " + place
        elif groups["front"]:
            name = groups["front"].replace("MTTQ", "Mặt trận Tổ quốc").replace("Uỷ", "Ủy")
        elif groups["party"]:
            name = groups["party"].replace("uỷ", "ủy")
            if groups["party_place"]:
                level = "tỉnh" if name.startswith(("Tỉnh", "Thành")) else "huyện"
                place = _canonical_place(groups["party_place"], level)
                if place:
                    name += " " + place
        elif groups["dept"] or groups["ministry"]:
            head = groups["dept"] or groups["ministry"]
            kind, rest = head.split(None, 1)
            rest_key = re.sub(r"\s*[-–—]\s*", " - ", re.sub(r"\s+", " ", rest))
            rest_key = re.sub(r"\s*,\s*", ", ", rest_key)
            canonical = _CANONICAL_DEPARTMENTS.get(fold(rest_key).lower(), rest_key)
            name = f"{kind} {canonical}"
            if groups.get("dept_level"):
                level = _canonical_level(groups["dept_level"])
                place = (
                    _canonical_place(groups["dept_place"], groups["dept_level"])
                    if groups["dept_place"] else None
                )
                if groups["dept_place"] is None or place:
                    name += f" {level}" + (f" {place}" if place else "")
        elif groups["steering"]:
            tail = _steering_name(text, match.end())
            if tail:
                name = "Ban Chỉ đạo " + tail
        if name:
            found.append((match.start(), re.sub(r"\s+", " ", name).strip()))
    return found


def detect_agencies(text: str) -> List[str]:
    """Agencies named in reliable forms, deduplicated, in order of first mention (at most 15).

    "UBND tỉnh", "HĐND tỉnh Hà Giang", "Công an tỉnh", "Tỉnh ủy", "Ban Chỉ đạo về Nhân
    quyền tỉnh", "Sở Y tế", "Bộ Lao động - Thương binh và Xã hội", "Mặt trận Tổ quốc Việt
    Nam"; long forms are shortened ("Ủy ban nhân dân" -> "UBND") and provinces spelt
    canonically, so one agency has one spelling.
    """
    return _dedupe(_agency_matches(text), _MAX_AGENCIES)


def extract_metadata(text: str) -> Dict[str, object]:
    """All detected fields at once, scanning the text once: date, province, people, agencies."""
    runs = _scan(text)
    return {
        "date": detect_date(text),
        "province": _best_province(_province_mentions(text, runs)),
        "people": _dedupe(_person_candidates(text, runs)),
        "agencies": _dedupe(_agency_matches(text), _MAX_AGENCIES),
    }
