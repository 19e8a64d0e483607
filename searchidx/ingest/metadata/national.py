"""Documents in the national layout (Nghị định 30/2020/NĐ-CP on văn thư).

The layout: the issuing body at top left, often under its parent ("UBND TỈNH HÀ GIANG" /
"SỞ TƯ PHÁP"), the national motto at top right, "Số: 123/BC-STP", the place and date
("Hà Giang, ngày 5 tháng 10 năm 2023"), the type in capitals ("BÁO CÁO") over the summary
line, the body, then the signature block ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ
TỊCH / Hoàng Gia Long") beside "Nơi nhận:".

The two columns reach us in many shapes: side by side on one line (plain text, spaces or
a tab between), one after the other (Word tables, as the docx reader writes them), or run
together by a PDF's text layer ("UBND TỈNH HÀ GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").
So each line is first cut into pieces at column gaps and at the layout's fixed phrases,
and the pieces are read by what they say, not where they stand.

A text is read as this layout only when two of its marks are there (the motto, a "Số:"
number, a type heading, a place-and-date line): a news article keeps its title.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from ...analysis.normalize import canonical_tones, fold
from ...dates import normalize_date
from ...gazetteer import canonical_province
from .names import SURNAMES, UPPER
from ...doctypes import (ACRONYMS, keep_acronym, shorten_long_forms, type_name, type_of_symbol)

HEAD_LINES = 30  # the header is in the first lines; the signature in the last
FOOT_LINES = 40


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


_MOTTO = re.compile(
    r"C[ỘO]NG\s+H[ÒÓOÀ]A\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM"
    r"|Đ[ẢA]NG\s+C[ỘO]NG\s+S[ẢA]N\s+VI[ỆE]T\s+NAM"
    r"|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc",
    re.I,
)
_NUMBER = re.compile(
    r"\bS[ốố]\s*[:.]?\s*(?P<number>(?:\d+[A-Za-z]?)?\s*/\s*(?:\d{4}\s*/\s*)?"
    r"[A-ZĐ][A-Za-zĐđ0-9]*(?:\s*[-–]\s*[A-ZĐ][A-Za-zĐđ0-9]*)*)"
)
_TITLE_WORD = UPPER + r"[a-zà-ỹđ]*\.?"
_PLACE_DATE = re.compile(
    r"(?<!\w)(?P<place>(?:(?:TP|Tp)\.[ \t]*|Thành phố[ \t]+|Thị xã[ \t]+)?" + _TITLE_WORD
    + r"(?:[ \t]+" + _TITLE_WORD + r"){0,4})[ \t]*,[ \t]*[Nn]gày[ \t]+(?P<d>\d{1,2})"
    r"[ \t]+tháng[ \t]+(?P<m>\d{1,2})[ \t]+năm[ \t]+(?P<y>\d{4})"
)
_AUTHORITY = re.compile(r"^(?P<mark>TM|KT|TL|TUQ|Q|QUYỀN)\s*\.\s*(?P<rest>.+)$")
_RULE = re.compile(r"^[\s_\-–—=*.~]{3,}$")
_COLUMN_GAP = re.compile(r"\t+| {3,}| \| ")
_NOTE = re.compile(r"^\(?\s*(?:đã\s+ký|ký[^)]*|chữ\s+ký|signed|\[.*\])\s*\)?$", re.I)
_RANKS = ("đại tá", "thượng tá", "trung tá", "thiếu tá", "đại úy", "thiếu tướng", "trung tướng",
          "ông", "bà", "đồng chí", "ts.", "ths.", "pgs.ts.", "pgs. ts.", "gs.ts.")
_SUMMARY_STOP = re.compile(
    r"^(?:Kính\s+gửi|Căn\s+cứ|Thực\s+hiện|Hôm\s+nay|Vào\s+(?:hồi|lúc)|Thời\s+gian|Địa\s+điểm"
    r"|(?:Sáng|Chiều|Tối)\s+ngày|(?:Ngày|Tháng|Năm)\s+\d|[IVX]+\.|\d+\.|Phần\b|Điều\s+\d)",
)
_RECIPIENTS = re.compile(r"^Nơi\s+nhận\s*:?\s*", re.I)
_LOCALITY = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn")
_PARTY_HEADS = ("tỉnh ủy", "tỉnh uỷ", "thành ủy", "thành uỷ", "huyện ủy", "huyện uỷ", "quận ủy")
_POSITION_KEYS = frozenset(fold(p) for p in (
    "chủ tịch", "phó chủ tịch", "chủ trì", "chủ tọa", "thư ký", "giám đốc", "phó giám đốc",
    "trưởng ban", "phó trưởng ban", "bí thư", "phó bí thư", "chánh văn phòng"))
# Who signs a biên bản for the meeting, of its two or three signatures.
_CHAIR = re.compile(r"^(?:chủ trì|chủ tọa|chủ toạ|chủ tịch|trưởng đoàn|trưởng ban)", re.I)
# An issuing unit named by its kind alone, under its parent: "UBND TỈNH X" / "VĂN PHÒNG".
_BARE_UNITS = frozenset(["văn phòng", "thường trực", "ban thường vụ", "ban pháp chế",
                         "ban kinh tế - ngân sách", "ban văn hóa - xã hội", "ban dân tộc"])
_UNIT_HEAD = re.compile(
    r"(?<=\S) (?=(?:SỞ|BAN|VĂN PHÒNG|PHÒNG|CHI CỤC|CỤC|TRUNG TÂM|THƯỜNG TRỰC|VỤ|VIỆN) )")
_SESSION = re.compile(r"^(?:KHÓA|KHOÁ|KỲ\s+HỌP|NHIỆM\s+KỲ)\b", re.I)


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _pieces(line: str) -> List[str]:
    """A line cut at column gaps and around the motto, the number and the date line."""
    out: List[str] = []
    for part in _COLUMN_GAP.split(line):
        for chunk in _MOTTO.split(part):
            chunk = chunk.strip(" |")
            if not chunk:
                continue
            number = _NUMBER.search(chunk)
            date = _PLACE_DATE.search(chunk)
            cuts = sorted({0, len(chunk)} | {m.start() for m in (number, date) if m}
                          | {m.end() for m in (number,) if m})
            for a, b in zip(cuts, cuts[1:]):
                piece = chunk[a:b].strip(" ,|")
                if piece:
                    out.append(piece)
    return out


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
            if lower in _LOCALITY or two in ("thành phố", "thị xã", "thị trấn"):
                skip = 1 if lower in _LOCALITY and two not in _LOCALITY else 2
                if skip == 2:
                    continue
                place_words = _place_length(words[index + 1:])
    return _canonical_places(" ".join(out))


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
    if not (all(w[0].isupper() and w[1:].islower() for w in words if len(w) > 1) or _is_caps(text)):
        return False
    return words[0].lower() in SURNAMES and fold(text).lower() not in _POSITION_KEYS


def _strip_rank(text: str) -> str:
    lowered = text.lower()
    for rank in _RANKS:
        if lowered.startswith(rank + " "):
            return text[len(rank) + 1:].strip()
    return text


def _issuer_lines(pieces: List[str]) -> List[str]:
    """The issuing bodies of a header, parent first: lines that continue a name
    ("ỦY BAN NHÂN DÂN" / "TỈNH HÀ GIANG") are joined to it."""
    lines: List[str] = []
    # A cell's lines joined by a space (HTML, ODT): "UBND TỈNH HÀ GIANG SỞ TƯ PHÁP".
    pieces = [part for piece in pieces for part in _UNIT_HEAD.split(piece) if part.strip()]
    for piece in pieces:
        lower = piece.lower()
        starts_level = lower.startswith(_LOCALITY) and not lower.startswith(_PARTY_HEADS)
        if lines and starts_level and not any(f" {lvl} " in f" {lines[-1].lower()} " for lvl in _LOCALITY):
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    return lines


def _issuer_name(caps: str) -> str:
    return shorten_long_forms(sentence_case(caps))


def _header(lines: List[str]) -> Tuple[Layout, int, int]:
    """The header's fields, how many layout marks it has, and the line of the type heading
    (-1 for none)."""
    layout = Layout()
    marks = 0
    motto = False
    issuers: List[str] = []
    type_line = -1
    summary_from = -1
    subject = False  # inside a công văn's "V/v …" lines
    for index, line in enumerate(lines[:HEAD_LINES]):
        stripped = line.strip()
        if not stripped:
            subject = False
            continue
        if _MOTTO.search(stripped) and not motto:
            motto = True
            marks += 1
        heading = type_name(stripped) if _is_caps(stripped) else None
        if heading:
            layout.doc_type, type_line, summary_from = heading, index, index + 1
            marks += 1
            break
        for piece in _pieces(stripped):
            number = _NUMBER.fullmatch(piece) or _NUMBER.match(piece)
            date = _PLACE_DATE.fullmatch(piece)
            if number and not layout.number:
                layout.number = re.sub(r"\s+", "", number.group("number")).replace("–", "-")
                marks += 1
            elif date and layout.date is None:
                layout.place = date.group("place").strip()
                layout.date = normalize_date(f"{date.group('y')}-{int(date.group('m')):02d}-"
                                             f"{int(date.group('d')):02d}")
                marks += 1
            elif piece.lower().startswith(("v/v", "về việc")) and layout.number:
                layout.title, subject = piece, True  # a công văn's subject, under its number
            elif subject and not _is_caps(piece):
                layout.title += " " + piece
            elif _is_caps(piece) and not layout.number and not _SESSION.match(piece) \
                    and not _RULE.match(piece) and len(piece) < 90:
                issuers.append(piece)
    if issuers:
        named = [_issuer_name(line) for line in _issuer_lines(issuers)]
        if len(named) > 1 and named[-1].lower() in _BARE_UNITS:
            named[-1] = f"{named[-1]} {named[-2]}"  # "Văn phòng UBND tỉnh Hậu Giang"
        layout.issuer = named[-1]
        layout.parent_issuer = " / ".join(named[:-1])
    if summary_from >= 0:
        layout.title = _summary(lines, summary_from)
    return layout, marks, type_line


def _summary(lines: List[str], start: int) -> str:
    """The summary lines under the type heading, up to a blank line, a rule or the body."""
    parts: List[str] = []
    index = start
    while index < len(lines) and len(parts) < 4:
        line = lines[index].strip()
        index += 1
        if not line:
            if parts:
                nxt = lines[index].strip() if index < len(lines) else ""
                if nxt[:1].islower() and len(nxt) < 80:
                    continue  # the summary's second line, set as a paragraph of its own
                break
            continue
        if _RULE.match(line) or _SUMMARY_STOP.match(line) or len(line) > 200:
            break
        if parts and re.search(r"[.:;]$|\.\s", parts[-1]):
            break  # a summary has no sentences: that was the body, run on by a PDF
        if re.search(r"\.\s+\S", line):
            break
        if parts and _is_caps(line) and not _is_caps(parts[-1]):
            break  # "HỘI ĐỒNG NHÂN DÂN TỈNH …" under a nghị quyết's summary
        parts.append(line.strip("-–_ "))
    return " ".join(p for p in parts if p)


def _title(layout: Layout) -> str:
    summary = layout.title
    if summary and _is_caps(summary):
        summary = sentence_case(summary)
    summary = re.sub(r"^V/v[.:]?\s*", "về việc ", summary, flags=re.I)
    if summary and not keep_acronym(summary.split()[0]):
        first = summary.split()[0]
        if not (len(summary.split()) > 1 and summary.split()[1][:1].isupper() and first[1:].islower()
                and first.lower() in SURNAMES):
            summary = summary[:1].lower() + summary[1:]
    kind = (layout.doc_type or "").capitalize()
    return " ".join(" ".join(part.split()) for part in (kind, summary) if part)


def _footer(lines: List[str], layout: Layout) -> None:
    """Signer, position, authority and recipients from the last lines."""
    tail = lines[-FOOT_LINES:]
    pieces: List[str] = []
    for line in tail:
        stripped = line.strip()
        if not stripped:
            continue
        found = _RECIPIENTS.match(stripped)
        if found:
            pieces.append("Nơi nhận:")
            stripped = stripped[found.end():]
        for part in _COLUMN_GAP.split(re.sub(r"\s*(\((?:đã\s+)?ký[^)]*\))\s*", r"   \1   ", stripped)):
            part = part.strip()
            # "- Bộ Tư pháp; KT. CHỦ TỊCH" run together by a PDF: cut before the caps.
            cut = re.match(r"^([-+•].*?[;.:])\s+((?:TM|KT|TL|TUQ)\s*\..*|[^\W\d_][^,;.:()]{3,})$", part)
            if cut and not (_AUTHORITY.match(cut.group(2)) or _is_caps(cut.group(2))):
                cut = None
            named = _caps_then_name(part)  # "GIÁM ĐỐC Lý Thị Hoa": one cell's lines
            if cut:
                pieces.extend([cut.group(1), cut.group(2)])
            elif named:
                pieces.extend(named)
            elif part[:1] in "-+•":
                pieces.extend(re.split(r"(?<=[;.])\s+(?=[-+•]\s)", part))
            elif part:
                pieces.append(part)
    authority: List[str] = []
    positions: List[str] = []
    names: List[str] = []
    in_recipients = False
    start = _signature_start(pieces)
    if start is None:
        return
    for piece in pieces[start:]:
        if piece == "Nơi nhận:":
            in_recipients = True
            continue
        marked = _AUTHORITY.match(piece)
        if marked and _is_caps(marked.group("rest")):
            authority.append(f"{marked.group('mark')}. {sentence_case(marked.group('rest'), False)}")
            continue
        if in_recipients and piece[:1] in "-+•":
            item = piece.lstrip("-+• ").rstrip(";.,")
            if item and not item.lower().startswith("lưu"):
                layout.recipients.append(item)
            continue
        if _NOTE.match(piece):
            continue
        name = _strip_rank(piece)
        if is_person_name(name):
            names.append(title_case_name(name))
            continue
        if _is_caps(piece) and len(piece) < 60 and not _RULE.match(piece):
            positions.append(sentence_case(piece, False))
    if names:
        # Several signatures side by side (a biên bản's secretary and chair): paired by
        # order; the chair signs for the meeting, else the last (right-hand) one.
        pairs = list(zip(names[-len(positions):], positions[-len(names):])) \
            if len(names) > 1 and len(positions) >= len(names) else []
        chair = [pair for pair in pairs if _CHAIR.match(pair[1])]
        if chair or pairs:
            layout.signer, layout.signer_position = (chair or pairs)[-1]
        else:
            layout.signer = names[-1]
            layout.signer_position = positions[-1] if positions else ""
    if authority:
        layout.signer_authority = "; ".join(authority)
        if not layout.signer_position:
            last = authority[-1].split(". ", 1)[1]
            layout.signer_position = last
    if layout.signer and not layout.signer_position and positions:
        layout.signer_position = positions[-1]


def _caps_then_name(text: str) -> Optional[List[str]]:
    """[position in capitals, name] when a piece is the two run together, else None."""
    words = text.split()
    for k in range(1, len(words) - 1):
        head, name = " ".join(words[:k]), " ".join(words[k:])
        if _is_caps(head) and not _is_caps(name) and is_person_name(_strip_rank(name)):
            return [head, name]
    return None


def _signature_start(pieces: List[str]) -> Optional[int]:
    """Where the signature block begins: the first "Nơi nhận:", authority mark or
    position in capitals of the last lines after which a signer's name follows."""
    name_at = None
    for index in range(len(pieces) - 1, -1, -1):
        if is_person_name(_strip_rank(pieces[index])):
            name_at = index
            break
    candidates = [i for i, p in enumerate(pieces) if p == "Nơi nhận:" or _AUTHORITY.match(p)]
    if name_at is None:
        return candidates[0] if candidates else None
    caps_before = [i for i in range(max(0, name_at - 8), name_at)
                   if (_is_caps(pieces[i]) and len(pieces[i]) < 60) or i in candidates]
    starts = [i for i in candidates if i < name_at] + caps_before
    return min(starts) if starts else None


def read_layout(text: str) -> Optional[Layout]:
    """The national layout of a document's text, or None when it is not in that layout."""
    lines = text.split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    pieces = _pieces(first)
    if not pieces or not (_is_caps(pieces[0]) or _MOTTO.search(first) or _NUMBER.match(pieces[0])):
        return None  # the layout opens a document: a news story quoting one keeps its own
    layout, marks, type_line = _header(lines)
    if not layout.doc_type and layout.number:
        symbol = layout.number.split("/")[-1]
        layout.doc_type = type_of_symbol(symbol) or ("công văn" if layout.title else "")
    if marks < 2 or not layout.doc_type:
        return None
    layout.title = _title(layout)
    body_from = max(type_line + 1, 0)
    _footer(lines[body_from:], layout)
    return layout


__all__ = ["Layout", "read_layout", "sentence_case", "title_case_name", "is_person_name",
           "ACRONYMS"]
