"""Capitalized runs: the scan behind provinces, people and agencies, and name words.

Vietnamese proper names are runs of Title-case syllables ("Hồ Thu Ánh", "Hà Giang").
The text is scanned for such runs once per call of extract_metadata(); places.py
finds the provinces in them, people.py the officials, agencies.py the place names
after a level of government.
"""
from __future__ import annotations

import re
import sys
from typing import Dict, List, NamedTuple, Tuple

from ...analysis.normalize import fold


def _uppercase_class() -> str:
    chars = [chr(cp) for cp in range(0x41, 0x5B)]
    for block in (range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        chars.extend(chr(cp) for cp in block if chr(cp).isupper())
    return "[" + "".join(chars) + "]"


UPPER = _uppercase_class()
# A capitalized word (Title-case or ALL-CAPS). The pattern starts with a character
# class so the regex engine can skip ahead fast; the word-boundary check is done
# in Python for the same reason.
_CAP_WORD = re.compile(UPPER + r"\w*")
# What may join two capitalized words of one name: spaces, or a dash ("Bà Rịa - Vũng Tàu").
_JOIN = re.compile(r"[ \t]+|[ \t]*[-–][ \t]*")
WORD = re.compile(r"\w+")


class Token(NamedTuple):
    start: int
    end: int
    word: str
    lower: str
    key: str  # folded lowercase, for gazetteer lookups
    dash_before: bool  # joined to the previous token by a dash, not a space


_KEY_CACHE: Dict[str, str] = {}
_KEY_CACHE_LIMIT = 200_000


def name_key(word: str) -> str:
    """Folded lowercase form of a word, cached: the same names recur in every report."""
    key = _KEY_CACHE.get(word)
    if key is None:
        if len(_KEY_CACHE) >= _KEY_CACHE_LIMIT:
            _KEY_CACHE.clear()
        key = _KEY_CACHE[word] = fold(word).lower()
    return key


def capitalized_runs(text: str) -> List[List[Token]]:
    """Every maximal run of capitalized words in the text, in order."""
    runs: List[List[Token]] = []
    tokens: List[Token] = []
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
                    runs.append(tokens)
                    tokens = []
                else:
                    dash = "-" in gap or "–" in gap
        tokens.append(new_token(Token, (start, end, word, word.lower(), name_key(word), dash)))
        prev_end = end
    if tokens:
        runs.append(tokens)
    return runs


def words_before(text: str, start: int) -> str:
    """The last few words before an offset, lowercase, single-spaced, with a leading space."""
    return " " + " ".join(text[max(0, start - 40):start].lower().split()[-4:])


SURNAMES = frozenset(
    """
    nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh lương
    trịnh mai tô hà cao lò giàng sùng thào lâm quách đoàn trương châu thái tạ lại đào
    nông triệu vương kiều lưu chu đàm tăng phùng khổng tống hứa mạc thân doãn vi giáp
    bạch khúc kim lã lữ diệp hầu tôn từ viên tiêu ma sầm vàng mùa lầu hờ bế lộc trình
    cù nghiêm phí hán tòng quàng lường điêu cầm bạc danh kha lục thạch
    xa bàn chảo tẩn phàn tráng cứ ly đàng
    lù vừ hảng chẩu sình lồ rơ ksor siu rah đầu
    """.split()
)

# Typical middle names: "huyện Trần Văn Thời" aside, three syllables with one of these in
# the middle after "thành phố"/"huyện" are an official, not a place.
MIDDLE_NAMES = frozenset(
    "văn thị đức minh thành quốc hữu thanh ngọc xuân công đình kim hồng thế quang mạnh"
    " trọng tấn hoàng anh bá duy khắc viết tiến huy phú như mỹ thu hải".split()
)


def is_name_word(word: str) -> bool:
    """Title-case letters only: "Thắng", "A"; not "UBND", "iPhone" or "2023"."""
    return word.isalpha() and word[0].isupper() and (len(word) == 1 or word[1:].islower())


def dedupe(names: List[Tuple[int, str]], limit: int = sys.maxsize) -> List[str]:
    """The names in order of offset, each spelling once whatever its case, at most ``limit``."""
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
