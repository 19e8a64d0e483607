"""The lines of transcripts and minutes: speaker labels, agenda headings, stage directions
and the header lines of minutes (Chủ trì:, Thư ký:, Thành phần:).

A label is what opens a turn: "Chủ tọa - Phó Chủ tịch Quốc hội Nguyễn Khắc Định:",
"Đại biểu Nguyễn Thị Lan (Đoàn ĐBQH tỉnh Hậu Giang):", "ÔNG NGUYỄN VĂN HÙNG:",
"1. Ông Trần Văn An - Chủ tịch UBND huyện phát biểu:", "- Ý kiến của bà Mai:". Only a
line that reads as one (it starts with a role, an honorific or the name; what follows
the name is an apposition) is a label: a sentence with a colon in it is not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .people import HONORIFICS, find_name, title_cased

__all__ = ["ROLE_FIRST", "Label", "parse_label", "LABEL_LINE", "heading", "is_stage_direction", "HEADER_WORDS"]

# An optional number or bullet, the label, its colon, then what is said on the same line.
LABEL_LINE = re.compile(r"[ \t]*(?:(?:\d{1,3}|[a-zđ])[.)][ \t]+|[-–•+*][ \t]*)?(?P<label>[^:\n]{2,200}?)[ \t]*:[ \t]*")
_BULLET = re.compile(r"[ \t]*(?:(?:\d{1,3}|[a-zđ])[.)][ \t]+|[-–•+*][ \t]*)")
# Words that open the header lines of minutes, not turns.
HEADER_WORDS = ("chủ trì", "chủ tọa", "thư ký", "thành phần", "thời gian", "địa điểm", "nội dung",
                "tham dự", "vắng mặt", "vắng", "khách mời", "người ghi biên bản", "ghi biên bản",
                "chủ đề", "kính gửi", "nơi nhận", "căn cứ", "lưu ý", "ghi chú", "điện thoại", "email")
# What a label may end with: "… phát biểu:", "… giải trình:".
_VERB_TAIL = re.compile(
    r"(?:[ \t,]+(?:phát biểu(?: ý kiến| kết luận| bế mạc| khai mạc)?|có ý kiến|nêu ý kiến|ý kiến|trình bày|"
    r"báo cáo|kết luận|cho biết|đề nghị|nhấn mạnh|khẳng định|giải trình|tiếp thu(?:,? giải trình)?|"
    r"trả lời|chất vấn|hỏi|nói|tranh luận|bổ sung|thông tin|đề xuất|kiến nghị|nêu|chỉ đạo))+$")
_LEAD = re.compile(r"^(?:ý kiến(?: phát biểu)?|phát biểu|kết luận|giải trình|trả lời|ý kiến giải trình)"
                   r"(?: của)?[ \t]+", re.IGNORECASE)
# The first word of a role written before a name ("Chủ tọa", "Phó Chủ tịch", "Đại biểu").
ROLE_FIRST = frozenset(
    "chủ phó đại bí giám trưởng bộ thứ tổng ủy uỷ chánh viện thượng trung thiếu đồng cử thư "
    "kiểm luật chuyên cán tiến thạc pgs gs ts ths pgs.ts gs.ts bác giáo nhà người hòa hoà linh "
    "mục đb đbqh tư chính thủ lãnh ông bà anh chị cụ đ/c công".split())
_SENTENCE = re.compile(r"[.!?;…][ \t]+\S|\"|“|”")


@dataclass
class Label:
    name: str  # "" for a role alone ("Chủ tọa")
    full: bool  # the name is a full name (else a short one to resolve: "bà Lan")
    role: str  # as written, "" when none
    honorific: str  # "ông", "bà", ... or ""
    bulleted: bool
    with_verb: bool  # "… phát biểu:" (a report's sentence, unless numbered as in minutes)


def parse_label(line: str) -> Optional[Label]:
    """The label opening ``line`` (which starts at a line start), or None."""
    m = LABEL_LINE.match(line)
    if not m:
        return None
    label = m.group("label").strip()
    if not label or _SENTENCE.search(label) or len(label.split()) > 24:
        return None
    bulleted = bool(_BULLET.match(line))
    cased = title_cased(label) if label.upper() == label else label
    stripped = _LEAD.sub("", cased)
    with_verb = False
    tail = _VERB_TAIL.search(stripped)
    if tail:
        stripped, with_verb = stripped[:tail.start()], True
    offset = len(cased) - len(_LEAD.sub("", cased))
    found = find_name(stripped, short_ok=True)
    if found is None:
        return _role_only(stripped, bulleted, with_verb)
    start, end, full = found
    before, after = stripped[:start].strip(), stripped[end:].strip()
    honorific = ""
    words = before.lower().split()
    for size in (2, 1):
        if len(words) >= size and " ".join(words[-size:]) in HONORIFICS:
            honorific = " ".join(words[-size:])
            before = " ".join(before.split()[:-size])
            break
    if before and (before.split()[0].lower() not in ROLE_FIRST or not before[0].isupper()
                   or any(c.isdigit() for c in before)):  # "… WILTravel143 Nguyễn Văn Trỗi": an address
        return None
    if after and after[0] not in ",-–—(" :
        return None
    raw = label[offset:offset + len(stripped)] if label.upper() == label else stripped
    role = _role_text(raw[:start].strip(), raw[end:].strip(), honorific)
    return Label(stripped[start:end], full, role, honorific, bulleted, with_verb)


def _role_only(text: str, bulleted: bool, with_verb: bool) -> Optional[Label]:
    """A label that is a role alone ("Chủ tọa", "CHỦ TỌA"), to resolve in the record."""
    words = text.split()
    if not words or len(words) > 8 or words[0].lower() not in ROLE_FIRST or not text[0].isupper():
        return None
    if any(w[0].islower() and w.lower() in ("là", "của", "và", "thì", "đã", "sẽ", "được") for w in words):
        return None
    if text.lower().startswith(HEADER_WORDS) and text.lower() not in ("chủ tọa", "chủ toạ"):
        return None
    return Label("", False, text, "", bulleted, with_verb)


def _role_text(before: str, after: str, honorific: str) -> str:
    """The role as written around the name, without separators or the honorific."""
    before = before.strip(" -–—,(")
    if before.lower() in HONORIFICS:
        before = ""
    after = after.strip(" -–—,()")
    return ", ".join(part for part in (before, after) if part)


def header(line: str) -> Optional[str]:
    """The header word of a minutes header line ("chủ trì"), or None."""
    m = LABEL_LINE.match(line)
    if not m:
        return None
    label = " ".join(m.group("label").lower().split()).replace("chủ toạ", "chủ tọa")
    if label == "chủ tọa":
        # "Chủ tọa: ông X, Chủ tịch HĐND" names the chair; "Chủ tọa: Xin mời …" is a turn.
        rest = line[m.end():].strip()
        words = rest.split()
        return word_if_named(rest) if 0 < len(words) <= 16 and not _SENTENCE.search(rest) else None
    for word in HEADER_WORDS:
        if word != "chủ tọa" and (label == word or label.startswith(word + " ")):
            return word
    return None


def word_if_named(rest: str) -> Optional[str]:
    found = find_name(rest)
    if found is None:
        return None
    before = rest[:found[0]].strip().lower()
    return "chủ tọa" if not before or before in HONORIFICS else None


_NUMBERED_HEADING = re.compile(r"(?:[IVX]{1,5}|[A-D])[.)][ \t]+\S|(?:Phần|Mục|Phiên|PHẦN|MỤC|PHIÊN)[ \t]+\S")


def heading(line: str) -> Optional[str]:
    """An agenda heading ("PHIÊN THẢO LUẬN", "II. THẢO LUẬN VỀ ĐẤT ĐAI", "KẾT LUẬN"), or None."""
    text = line.strip().strip("#*=").strip()
    if not text or len(text) > 160 or text.endswith((".", ",", ";")):
        return None
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 4 and text.upper() == text and ":" not in text.rstrip(":"):
        return text.rstrip(":").strip()
    if _NUMBERED_HEADING.match(text) and ":" not in text.rstrip(":") and len(text.split()) <= 16:
        return text.rstrip(":").strip()
    return None


def is_stage_direction(line: str) -> bool:
    """A line that is all in parentheses: "(Vỗ tay)", "(14 giờ 30)"."""
    text = line.strip()
    return len(text) >= 3 and text[0] == "(" and text[-1] == ")" and text.count("(") == 1
