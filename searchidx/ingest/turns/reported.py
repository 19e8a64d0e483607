"""Reported speech in reports of meetings: a paragraph whose clause names who speaks.

"Phát biểu khai mạc, bà Hồ Thu Ánh khẳng định, …", "Theo bà Trương Cẩm Tú, …",
"ông Dương Thanh Bình, Phó Trưởng Ban Chỉ đạo tỉnh nhấn mạnh: …", and the references
a report makes to someone it named before: "Trưởng Ban Chỉ đạo về Nhân quyền tỉnh Hậu
Giang cũng thẳng thắn nhìn nhận …", "Bà cho biết …". What is said runs from after the
verb to the end of the paragraph. The speaker must be the subject of the paragraph's
first clause (after at most one introductory phrase): a name further on is not.
"""
from __future__ import annotations

import re
from typing import Optional, Tuple

from .labels import ROLE_FIRST
from ..metadata.names import UPPER
from .people import HONORIFICS, Registry, Speaker, find_name

__all__ = ["reported_speaker", "appositions"]

_VERBS = ("khẳng định", "nhấn mạnh", "cho biết", "cho rằng", "đề nghị", "yêu cầu", "nhìn nhận", "nêu rõ",
          "lưu ý", "mong muốn", "kiến nghị", "đề xuất", "chia sẻ", "bày tỏ", "thông tin", "nhận định",
          "thừa nhận", "giải thích", "phân tích", "ghi nhận", "biểu dương", "thông báo",
          "phát biểu:", "kết luận:", "báo cáo:", "trình bày:", "nói:", "chỉ đạo:", "giải trình:",
          "quán triệt:", "trả lời:", "chất vấn:")
# Adverbs between the subject and its verb ("cũng thẳng thắn nhìn nhận"): taken off the subject.
_ADVERBS = re.compile(r"(?:[ \t]+(?:cũng|đã|còn|tiếp tục|thẳng thắn|đều|luôn|một lần nữa|thêm|đồng thời|"
                      r"trước hết))+[ \t]*$")
# ("đánh giá cao" praises; it reports no words.)
_VERB = re.compile(r"(?<![\w])(?P<verb>đánh giá(?! cao)|" + "|".join(re.escape(v) for v in _VERBS) +
                   r")(?:[ \t]+thêm)?(?P<sep>[ \t]*[:,]?[ \t]*)")
_THEO = re.compile(r"(?:^|,[ \t]+)[Tt]heo[ \t]+")
_HEAD_CHARS = 260  # the subject and its verb come first
_MIN_SAID = 20
_INTRO = 90  # an introductory phrase ("Phát biểu khai mạc hội nghị,") is short


def reported_speaker(paragraph: str, people: Registry) -> Optional[Tuple[Speaker, int, str]]:
    """(speaker, offset in the paragraph where what is said starts, role as written), or None."""
    head = paragraph[:_HEAD_CHARS]
    theo = _THEO.search(head)
    if theo and theo.start() <= _INTRO:
        found = _named(head[theo.end():], people)
        if found is not None:
            speaker, end, role = found
            rest = head[theo.end() + end:]
            comma = re.match(r"[ \t]*(?:,[ \t]*(?P<role>[^,.;:]{0,120}?))?[ \t]*,[ \t]*", rest)
            given = comma.group("role") if comma else None
            if comma and not _is_role(given):
                comma, given = re.match(r"[ \t]*,[ \t]*", rest), None
            if comma:
                said = theo.end() + end + comma.end()
                return speaker, said, role or given or ""
    for verb in _VERB.finditer(head):
        said = verb.end()
        if len(paragraph) - said < _MIN_SAID:
            continue
        for start in _clause_starts(head, verb.start()):
            subject = _ADVERBS.sub("", head[start:verb.start()]).strip()
            found = _subject(subject, people)
            if found is not None:
                return found[0], said, found[1]
        return None  # the first speech verb decides: a later one belongs to another clause
    return None


def _clause_starts(head: str, before: int):
    yield 0
    comma = head.find(", ", 0, before)
    if 0 <= comma <= _INTRO:
        yield comma + 2


def _subject(subject: str, people: Registry) -> Optional[Tuple[Speaker, str]]:
    """Who ``subject`` (the words before a speech verb) names, and the role it gives."""
    if not subject or not subject[0].isupper() and not subject.lower().startswith(tuple(HONORIFICS)):
        return None
    lowered = subject.lower()
    if lowered in HONORIFICS:
        speaker = people.by_pronoun(lowered)
        return (speaker, "") if speaker else None
    found = _named(subject, people)
    if found is not None:
        speaker, end, role = found
        rest = subject[end:].strip(" ,")
        if not rest or subject[end:].lstrip(" ")[:1] == ",":
            parts = []
            for part in rest.split(","):
                if not _is_role(part.strip()):
                    break
                parts.append(part.strip())
            rest = ", ".join(parts)
            if rest:
                people.add_alias(rest, speaker.key)
            return speaker, rest or role
        return None
    speaker = people.by_role(subject, min_words=3)
    return (speaker, subject) if speaker else None


def _is_role(text: Optional[str]) -> bool:
    """A role as a report writes it after a name: "Giám đốc Sở Y tế", "Phó Chủ tịch…"."""
    words = (text or "").split()
    return bool(words) and words[0][0].isupper() and words[0].lower() in ROLE_FIRST


def _named(text: str, people: Registry) -> Optional[Tuple[Speaker, int, str]]:
    """A name at the start of ``text`` (after an honorific or a role): (speaker, end, role)."""
    found = find_name(text[:160], short_ok=True)
    if found is None:
        return None
    start, end, full = found
    before = text[:start].strip()
    words = before.lower().split()
    honorific = ""
    for size in (2, 1):
        if len(words) >= size and " ".join(words[-size:]) in HONORIFICS:
            honorific = " ".join(words[-size:])
            before = " ".join(before.split()[:-size])
            break
    if before and (not before[0].isupper() or len(before.split()) > 10 or re.search(r"[,.;:]", before)):
        return None
    name = text[start:end]
    speaker = people.add(name, honorific, (before,) if before else ()) if full else people.short(name)
    if speaker is None:
        return None
    if honorific:
        gender = HONORIFICS.get(honorific, "")
        speaker.gender = gender or speaker.gender
    return speaker, end, before


_APPOSITION = re.compile(r"[ \t]*,[ \t]*([^.;:!?\n]{3,200})")


def appositions(text: str, people: Registry) -> None:
    """Register everyone named with an honorific or a role and the roles after their name
    ("bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh, Trưởng Ban Chỉ đạo về Nhân quyền tỉnh")."""
    for m in _MENTION.finditer(text):
        found = find_name(text[m.end():m.end() + 80])
        if found is None or found[0] != 0 or not found[2]:
            continue
        end = m.end() + found[1]
        roles = []
        after = _APPOSITION.match(text, end)
        if after:
            for part in after.group(1).split(","):
                part = part.strip()
                if not part or not part[0].isupper():
                    break
                roles.append(part)
        people.add(text[m.end():end], m.group("hon") or "", tuple(roles))


_MENTION = re.compile(r"(?<!\w)(?P<hon>[Ôô]ng|[Bb]à|[Đđ]ồng chí|[Đđ]ại biểu|[Đđ]ại tá|[Tt]hượng tá|[Tt]rung tá|"
                      r"[Tt]hiếu tướng|[Tt]rung tướng|[Tt]hượng tướng|[Đđ]ại tướng|ĐB)[ \t]+(?=" + UPPER + ")")
