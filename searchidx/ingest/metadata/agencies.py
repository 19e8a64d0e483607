"""Agencies named in reliable forms: councils, party committees, departments, ministries.

"UBND tỉnh", "HĐND tỉnh Hà Giang", "Sở Y tế", "Ban Chỉ đạo về Nhân quyền tỉnh": long
forms are shortened and provinces spelt canonically, so one agency has one spelling.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from ...analysis.normalize import canonical_tones, fold
from .names import MIDDLE_NAMES, SURNAMES, UPPER, WORD, dedupe, is_name_word, name_key
from .places import MAX_PROVINCE_WORDS, gazetteer_name


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
_PLACE_NAME = UPPER + r"\w*(?:(?:[ \t]+|[ \t]*[-–][ \t]*)" + UPPER + r"\w*){0,5}"

# The full pattern is slow to search for (many branches at every position), so a plain
# alternation of its first words finds the places to try it.
_AGENCY_HEAD = re.compile(
    r"UBND|HĐND|Ủy ban|Uỷ ban|Hội đồng nhân dân|Công an|Mặt trận|MTTQ|Tỉnh|Thành|Huyện|Quận"
    r"|Thị|Sở |Bộ |Phòng |Ban [Cc]hỉ đạo"
)
_AGENCY = re.compile(
    r"(?:"
    # UBND / HĐND / Công an … of a named level of government.
    r"(?P<council>UBND|HĐND|(?:Ủy|Uỷ) ban nhân dân|Hội đồng nhân dân|Công an"
    r"|(?:(?:Ủy|Uỷ) ban )?(?:Mặt trận Tổ quốc|MTTQ)(?: Việt Nam)?)"
    r"(?:\s+(?P<council_level>" + _LOCALITY_WORDS + r")"
    r"(?:" + _BEFORE_PLACE + r"(?P<council_place>" + _PLACE_NAME + r"))?)"
    r"|(?P<front>(?:(?:Ủy|Uỷ) ban )?(?:Mặt trận Tổ quốc|MTTQ)(?: Việt Nam)?)"
    r"|(?P<party>(?:Tỉnh|Thành|Huyện|Quận|Thị) (?:ủy|uỷ|đoàn))"
    r"(?:[ \t]+(?P<party_place>" + _PLACE_NAME + r"))?"
    r"|(?P<dept>(?:Sở|Bộ|Phòng) (?:" + "|".join(_flex(name) for name in _DEPARTMENTS) + r"))(?!\w)"
    r"(?:\s+(?P<dept_level>" + _LOCALITY_WORDS + r")"
    r"(?:" + _BEFORE_PLACE + r"(?P<dept_place>" + _PLACE_NAME + r"))?)?"
    r"|(?P<ministry>Bộ (?:" + "|".join(_flex(name) for name in _MINISTRY_ONLY) + r"))(?!\w)"
    r"(?:\s+(?P<ministry_level>" + _LOCALITY_WORDS + r")"
    r"(?:" + _BEFORE_PLACE + r"(?P<ministry_place>" + _PLACE_NAME + r"))?)?"
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
MAX_AGENCIES = 15


def _canonical_level(level: str) -> str:
    level = level.lower().rstrip(".")
    return "thành phố" if level == "tp" else level


def _canonical_place(place: str, raw_level: str) -> Optional[str]:
    """The place name after "tỉnh"/"huyện"/…: a province canonically, never a person."""
    words = WORD.findall(place)
    keys = [name_key(word) for word in words]
    for length in range(min(MAX_PROVINCE_WORDS, len(words)), 0, -1):
        name = gazetteer_name(words[:length], keys[:length])
        if name is not None:
            return name
    if _canonical_level(raw_level) == "tỉnh" or raw_level.endswith("."):
        # Not a province after "tỉnh": an official ("UBND tỉnh Hồ Thu Ánh"); after "TP."
        # the dot may end the sentence ("Sở Tài chính TP. Bà Hồng nêu …").
        return None
    if not words or words[0].lower() in _HONORIFIC_NAMES:
        return None
    if len(words) >= 3 and words[0].lower() in SURNAMES and (
        words[1].lower() in MIDDLE_NAMES or _canonical_level(raw_level) == "thành phố"
    ):
        return None  # "UBND thành phố Nguyễn Quốc Triệu": the official, not the place
    kept: List[str] = []
    for index, word in enumerate(words[:4]):
        if not is_name_word(word):
            break
        # "huyện Mường Tè Lò Văn Páo": a surname with more words after it starts a person.
        if index >= 1 and word.lower() in SURNAMES and len(words) - index >= 2:
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


def agency_matches(text: str) -> List[Tuple[int, str]]:
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
            which = "dept" if groups["dept"] else "ministry"
            if groups.get(f"{which}_level"):
                level = _canonical_level(groups[f"{which}_level"])
                place = (
                    _canonical_place(groups[f"{which}_place"], groups[f"{which}_level"])
                    if groups[f"{which}_place"] else None
                )
                if groups[f"{which}_place"] is None or place:
                    name += f" {level}" + (f" {place}" if place else "")
        elif groups["steering"]:
            tail = _steering_name(text, match.end())
            if tail:
                name = "Ban Chỉ đạo " + tail
        if name:
            found.append((match.start(), re.sub(r"\s+", " ", name).strip()))
    institutions = institution_matches(text)
    # "UBND tỉnh" inside "Văn phòng UBND tỉnh" names the office, not a second body.
    spans = [(start, start + len(name)) for start, name in institutions]
    found = [(start, name) for start, name in found if not any(a < start < b for a, b in spans)]
    return found + institutions


def detect_agencies(text: str) -> List[str]:
    """Agencies named in reliable forms, deduplicated, in order of first mention (at most 15).

    "UBND tỉnh", "HĐND tỉnh Hà Giang", "Công an tỉnh", "Tỉnh ủy", "Ban Chỉ đạo về Nhân
    quyền tỉnh", "Sở Y tế", "Bộ Lao động - Thương binh và Xã hội", "Mặt trận Tổ quốc Việt
    Nam"; long forms are shortened ("Ủy ban nhân dân" -> "UBND") and provinces spelt
    canonically, so one agency has one spelling.
    """
    return dedupe(agency_matches(text), MAX_AGENCIES)


# National bodies often written with the case of their words wrong ("Viện quyền con người").
_KNOWN_BODIES = (
    "Viện Quyền con người", "Học viện Chính trị quốc gia Hồ Chí Minh",
    "Học viện Hành chính quốc gia", "Văn phòng Chính phủ", "Thanh tra Chính phủ",
    "Ủy ban Dân tộc", "Ban Tôn giáo Chính phủ", "Tòa án nhân dân tối cao",
    "Viện Kiểm sát nhân dân tối cao", "Ban Tuyên giáo Trung ương", "Ban Nội chính Trung ương",
    "Ban Dân vận Trung ương", "Ủy ban Kiểm tra Trung ương", "Văn phòng Quốc hội",
    "Văn phòng Thường trực về Nhân quyền", "Văn phòng Thường trực Nhân quyền",
    "Ủy ban An toàn giao thông Quốc gia", "Chính phủ", "Quốc hội",
)
_SAME_BODY = {"Văn phòng Thường trực Nhân quyền": "Văn phòng Thường trực về Nhân quyền"}
_KNOWN = re.compile(
    r"(?<!\w)(?:" + "|".join(_flex(name) for name in _KNOWN_BODIES) + r")(?!\w)", re.I
)
_KNOWN_CANONICAL = {" ".join(fold(name).lower().split()): name for name in _KNOWN_BODIES}
# Heads that are names in themselves: a level may follow them at once ("Ban Dân tộc tỉnh").
_NAMED_HEADS = (
    r"Thanh tra|Liên đoàn Lao động|Bảo hiểm xã hội|Bộ đội Biên phòng|Ủy ban Kiểm tra"
    r"|Ban (?:Tuyên giáo|Dân vận|Nội chính|Tổ chức|Thường vụ|Dân tộc|Pháp chế"
    r"|Kinh tế - Ngân sách|Văn hóa - Xã hội|An toàn giao thông|Chỉ huy)"
)
# A body named by its head word and a Title-case name: "Vụ Hợp tác quốc tế", "Cục Thống kê
# tỉnh", "Văn phòng UBND tỉnh", "Hội Nông dân".
_INSTITUTION = re.compile(
    r"(?<!\w)(?P<head>Học viện|Viện|Vụ|Tổng cục|Chi cục|Cục|Văn phòng|Trung tâm|Trường Đại học|Hội"
    r"|" + _NAMED_HEADS + r")"
    r"(?=(?P<tail>(?:[ \t]+(?:" + UPPER + r"\w*|[a-zà-ỹđ]+)){0,12}))"
)
# Words that end a body's name: function words always, verbs unless they are the second
# syllable of a capitalized word ("Phát triển", "Kiểm tra").
_FUNCTION_WORDS = frozenset(
    "của tại trong và với cho đã đang sẽ vừa là có được bị để theo từ trên đến nhằm khi thì mà"
    " này đó các những nhiều một cùng cũng vẫn không chưa phải nêu sắp chỉ trực vào ra".split()
)
_TAIL_STOP = _FUNCTION_WORDS | frozenset(
    "tham dự tổ phối chủ trình thực triển đề nghị báo năm ngày tháng họp làm kiểm giao tăng phát"
    " lập cấp nâng gửi tiến lấy gây khai khẳng nhận chuyển sang sau hằng do tiếp".split()
)
_STOP_PAIRS = frozenset(["công bố", "ban hành", "thông tin", "cho biết", "thông báo", "phát hiện"])
_MAX_LOWER_RUN = 4  # more lowercase words in a row are the sentence going on


def canonical_department(name: str) -> str:
    """"Sở Lao động - thương binh và xã hội" -> "Sở Lao động - Thương binh và Xã hội"."""
    parts = name.split(None, 1)
    if len(parts) == 2 and parts[0] in ("Sở", "Bộ"):
        rest = re.sub(r"\s*[-–—]\s*", " - ", parts[1])
        canonical = _CANONICAL_DEPARTMENTS.get(re.sub(r"\s+", " ", fold(rest).lower()))
        if canonical:
            return f"{parts[0]} {canonical}"
    return name


def _institution_name(text: str, match: "re.Match[str]") -> Optional[str]:
    head = match.group("head")
    named_head = re.fullmatch(_NAMED_HEADS, head) is not None
    tail_at = match.start("tail")
    words = list(re.finditer(r"\S+", match.group("tail")))
    kept: List[str] = []
    for index, found in enumerate(words):
        word = found.group()
        lower = word.lower()
        nxt = words[index + 1].group() if index + 1 < len(words) else ""
        if lower in ("tỉnh", "thành") and nxt.lower() in ("ủy", "uỷ"):
            kept.append(f"{word[0].upper()}{lower[1:]} ủy")  # "Ban Tuyên giáo Tỉnh ủy"
            break
        level = "thành phố" if lower in ("tp", "tp.") or (lower == "thành" and nxt == "phố") else lower
        if level in _LOCALITY_NAMES or level == "thành phố":
            if not kept and not named_head:
                return None
            kept.append(level)
            end = words[index + 1].end() if level == "thành phố" and lower == "thành" else found.end()
            place = _PLACE_AFTER.match(text, tail_at + end)
            name = _canonical_place(place.group(1), level) if place else None
            if name:
                kept.append(name)
            break
        after = " ".join(w.group() for w in words[index + 1:index + 3])
        if lower == "và" and kept and nxt[:1].isupper() and not _AGENCY_HEAD.match(after) \
                and not _INSTITUTION.match(after):
            kept.append(lower)  # "Khoa học và Công nghệ", "… và Tìm kiếm cứu nạn"
            continue
        if f"{lower} {nxt.lower()}" in _STOP_PAIRS and not word[0].isupper():
            break
        if lower in SURNAMES and is_name_word(word) and is_name_word(nxt) \
                and fold(f"{word} {nxt}").lower() != "ho chi":
            break  # a person after the body: "Chi cục Thú y Dương Văn Tiến"
        # A word after a capitalized one is its second syllable ("Phát triển", "Thực hiện").
        # (Only for the name's first word: after "Việt Nam", "phối hợp" is the sentence.)
        second = len(kept) == 1 and kept[0][:1].isupper() and lower not in _FUNCTION_WORDS
        if (lower in _TAIL_STOP and not second and not word[0].isupper()) or (
                index == 0 and not (word[0].isupper() or word.isupper())):
            break
        kept.append(word)
        run = len(kept) - next((i + 1 for i in range(len(kept) - 1, -1, -1)
                                if kept[i][:1].isupper()), 0)
        if run > _MAX_LOWER_RUN:
            del kept[-run:]
            break
    if not kept and not (named_head and head not in ("Thanh tra", "Ban Thường vụ")):
        return None
    if kept and not named_head and not kept[0][0].isupper():
        return None
    return tones(" ".join([head] + kept))


def tones(name: str) -> str:
    """Each word of a name with its tone mark in the classic place."""
    return re.sub(r"\w+", lambda word: canonical_tones(word.group()), " ".join(name.split()))


_LOCALITY_NAMES = frozenset(["tỉnh", "huyện", "quận", "xã", "phường"])


def institution_matches(text: str) -> List[Tuple[int, str]]:
    """(offset, name) of the national bodies and institutions named in the text."""
    found: List[Tuple[int, str]] = []
    taken: List[Tuple[int, int]] = []
    for match in _KNOWN.finditer(text):
        key = " ".join(fold(match.group()).lower().split())
        name = _KNOWN_CANONICAL.get(key, match.group())
        found.append((match.start(), _SAME_BODY.get(name, name)))
        taken.append(match.span())
    for match in _INSTITUTION.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        name = _institution_name(text, match)
        if name:
            found.append((match.start(), name))
            taken.append((match.start(), match.end()))
    return found
