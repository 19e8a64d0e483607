"""Officials: surname-led names next to a title or an honorific.

Officials come with a title or honorific next to their name ("bà Hồ Thu Ánh, Phó
Chủ tịch UBND tỉnh"); a surname-led run that is a street, a school, a place or a
historical figure ("Hồ Chí Minh", "đường Lê Lợi") is no person.
"""
from __future__ import annotations

import re
from typing import List, Tuple

from ...analysis.normalize import canonical_tones, fold
from .names import MIDDLE_NAMES, SURNAMES, WORD, Token, dedupe, is_name_word, words_before
from .places import PROVINCE_KEYS, Run, scan


# Capitalized words that end a name: titles and agency words written right after it.
_NAME_STOP = frozenset(
    "chủ phó bí giám trưởng tổng ủy uỷ bộ sở tỉnh huyện xã phường quận cục viện ông bà"
    " thủ chánh thiếu".split()
)

# Surname-led Title-case phrases that are places, religions or historical figures.
_NOT_PEOPLE = frozenset(
    " ".join(WORD.findall(fold(name).lower()))
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
    " ".join(WORD.findall(fold(name).lower()))
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


def _pretty_name(tokens: List[Token]) -> str:
    # One spelling per person in facets, whatever the report's tone placement.
    return " ".join(canonical_tones(token.word) for token in tokens)


def person_candidates(text: str, runs: List[Run]) -> List[Tuple[int, str]]:
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
            if in_place[i] or token.lower not in SURNAMES or not is_name_word(token.word):
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
                and is_name_word(tokens[j].word) and tokens[j].lower not in _NAME_STOP
            ):
                j += 1
            if j - i < 2:
                i += 1
                continue
            overlong = (
                j < count and not tokens[j].dash_before and not in_place[j]
                and is_name_word(tokens[j].word) and tokens[j].lower not in _NAME_STOP
            )
            # Inside a longer capitalized name ("Bồ Đào Nha", "Tôn Hoa Sen"), unless it is
            # a place then a full name: "huyện Mường La Cầm Văn Chính".
            inside = (
                i > 0 and not in_place[i - 1] and not tokens[i].dash_before
                and is_name_word(tokens[i - 1].word)
                and tokens[i - 1].lower not in _NAME_STOP
                and not (j - i >= 3 and tokens[i + 1].lower in MIDDLE_NAMES)
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


def _not_person_prefix(tokens: List[Token], i: int) -> int:
    """How many tokens from i spell a known non-person ("Thái Lan"), or 0."""
    for length in (4, 3, 2):
        if i + length <= len(tokens):
            if " ".join(token.key for token in tokens[i:i + length]) in _NOT_PEOPLE_PREFIXES:
                return length
    return 0


def _accept_person(text: str, tokens: List[Token], listed: bool = False) -> bool:
    key = " ".join(token.key for token in tokens)
    if key in _NOT_PEOPLE or key in PROVINCE_KEYS:
        return False
    start, end = tokens[0].start, tokens[-1].end
    before = words_before(text, start)
    if before[-1:].isdigit():
        return False  # a house number: "số 1 Nguyễn Du", "212 Nguyễn Trãi"
    if before.endswith(_PLACE_ENDINGS):
        # "đường Lê Lợi", "huyện Lâm Hà" – but "UBND thành phố Nguyễn Thành Tài" is a man.
        if before.endswith(_STREET_ENDINGS) and not before.endswith(" thành phố"):
            return False
        city = before.endswith((" thành phố", " tp", " tp."))  # cities' names are short
        if not (len(tokens) >= 3 and (city or tokens[1].lower in MIDDLE_NAMES)):
            return False
    if listed or _TITLE_AFTER.match(text, end, min(len(text), end + 40)):
        return True
    return _title_before(text, start)


def detect_people(text: str) -> List[str]:
    """Full names of the people named with a title or honorific, in order of first mention.

    A name is 2–4 Title-case syllables starting with a common Vietnamese surname, next
    to a title ("Đại tá Nguyễn Văn Thắng", "Dương Thanh Bình, Phó Trưởng ban") and not a
    street, school, place or Hồ Chí Minh. Tone placement is made canonical ("Hoà" ->
    "Hòa") so one person has one spelling.
    """
    return dedupe(person_candidates(text, scan(text)))


# A title right after a name, up to the end of its clause: ", Phó Chủ tịch UBND tỉnh".
_ROLE_AFTER = re.compile(
    r"[ \t]*(?:,|\(|[-–—])[ \t]*(?P<role>(?i:nguyên\s+|tân\s+|quyền\s+)?(?i:" + _TITLE_REGEX
    + r")(?!\w)[^,;.()\n:\"“”]{0,80})"
)
_ROLE_BEFORE = re.compile(r"(?P<role>(?:(?i:" + _TITLE_REGEX + r"))(?!\w)[^,;.()\n:\"“”]{0,80}?)[ \t]+$")
_ROLE_VERBS = re.compile(
    r"\s+(?:chủ trì|phát biểu|cho biết|nhấn mạnh|đề nghị|khẳng định|yêu cầu|dự|tham dự"
    r"|trình bày|kết luận|ký|đã|sẽ|đang|tại|với)\b.*$"
)


def person_roles(text: str, people: List[str]) -> dict:
    """The title the text gives each person at a mention ("Hồ Thu Ánh" -> "Phó Chủ tịch
    UBND tỉnh"), when it gives one: after the name first, else before it."""
    roles = {}
    folded_text = None
    for name in people:
        for match in re.finditer(re.escape(name), text):
            after = _ROLE_AFTER.match(text, match.end())
            role = after.group("role") if after else None
            if role is None:
                before = _ROLE_BEFORE.search(text, max(0, match.start() - 90), match.start())
                role = before.group("role") if before else None
            if role:
                role = _ROLE_VERBS.sub("", " ".join(role.split())).strip(" -–")
                if role and role.lower() not in ("ông", "bà"):
                    roles[name] = role[:1].upper() + role[1:]
                    break
        if name not in roles and folded_text is None:
            folded_text = fold(text)
    return roles


def tidy_people(names: List[str]) -> List[str]:
    """One spelling per person: Title-case, tones placed one way, each once (names that
    differ in their marks, "Phạm Xuân Ấn" and "Phạm Xuân Ẩn", stay two)."""
    seen = set()
    result: List[str] = []
    for name in names:
        pretty = " ".join(canonical_tones(w[:1].upper() + w[1:].lower()) if w.isupper() else
                          canonical_tones(w) for w in name.split())
        key = pretty.lower()
        if pretty and key not in seen:
            seen.add(key)
            result.append(pretty)
    return result
