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
from typing import List, Optional, Tuple

from ...dates import normalize_date
from ...doctypes import keep_acronym, shorten_long_forms, type_name, type_of_symbol
from .agencies import canonical_department
from .layout_text import (LOCALITY, MOTTO, NUMBER, PLACE_DATE, RULE, COLUMN_GAP, Layout,
                          is_caps, sentence_case)
from .names import SURNAMES
from .signature import read_signature

HEAD_LINES = 30  # the header is in the first lines


_SUMMARY_STOP = re.compile(
    r"^(?:Kính\s+gửi|Căn\s+cứ|Thực\s+hiện|Hôm\s+nay|Vào\s+(?:hồi|lúc)|Thời\s+gian|Địa\s+điểm"
    r"|(?:Sáng|Chiều|Tối)\s+ngày|(?:Ngày|Tháng|Năm)\s+\d|[IVX]+\.|\d+\.|Phần\b|Điều\s+\d)",
)
_PARTY_HEADS = ("tỉnh ủy", "tỉnh uỷ", "thành ủy", "thành uỷ", "huyện ủy", "huyện uỷ", "quận ủy")
# An issuing unit named by its kind alone, under its parent: "UBND TỈNH X" / "VĂN PHÒNG".
_BARE_UNITS = frozenset(["văn phòng", "thường trực", "ban thường vụ", "ban pháp chế",
                         "ban kinh tế - ngân sách", "ban văn hóa - xã hội", "ban dân tộc"])
_UNIT_HEAD = re.compile(
    r"(?<=\S)(?<!ỦY)(?<!UỶ)(?<!CHI) (?=(?:SỞ|BAN|VĂN PHÒNG|CHI CỤC|CỤC|TRUNG TÂM|THƯỜNG TRỰC|VỤ"
    r"|VIỆN|THANH TRA)(?: |$))")
_SESSION = re.compile(r"^(?:KHÓA|KHOÁ|KỲ\s+HỌP|NHIỆM\s+KỲ)\b", re.I)


def _pieces(line: str) -> List[str]:
    """A line cut at column gaps and around the motto, the number and the date line."""
    out: List[str] = []
    for part in COLUMN_GAP.split(line):
        for chunk in MOTTO.split(part):
            chunk = chunk.strip(" |")
            if not chunk:
                continue
            number = NUMBER.search(chunk)
            date = PLACE_DATE.search(chunk)
            cuts = sorted({0, len(chunk)} | {m.start() for m in (number, date) if m}
                          | {m.end() for m in (number,) if m})
            for a, b in zip(cuts, cuts[1:]):
                piece = chunk[a:b].strip(" ,|")
                if piece:
                    out.append(piece)
    return out


def _issuer_lines(pieces: List[str]) -> List[str]:
    """The issuing bodies of a header, parent first: lines that continue a name
    ("ỦY BAN NHÂN DÂN" / "TỈNH HÀ GIANG") are joined to it."""
    lines: List[str] = []
    # A cell's lines joined by a space (HTML, ODT): "UBND TỈNH HÀ GIANG SỞ TƯ PHÁP".
    pieces = [part for piece in pieces for part in _UNIT_HEAD.split(piece) if part.strip()]
    for piece in pieces:
        lower = piece.lower()
        starts_level = lower.startswith(LOCALITY) and not lower.startswith(_PARTY_HEADS)
        if lines and lower.startswith(("và ", "- ")):
            lines[-1] += " " + piece  # "SỞ LAO ĐỘNG - THƯƠNG BINH" / "VÀ XÃ HỘI"
        elif lines and starts_level and not any(f" {lvl} " in f" {lines[-1].lower()} " for lvl in LOCALITY):
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    return lines


def _issuer_name(caps: str) -> str:
    return canonical_department(shorten_long_forms(sentence_case(caps)))


_PARENT_PLACE = re.compile(r"^(?:UBND|HĐND) (?P<place>(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường) .+)$")


def _qualified_issuer(issuer: str, parent: str) -> str:
    """A unit named by its kind under its parent, as it is known outside: "Văn phòng" under
    "UBND tỉnh Hậu Giang" is "Văn phòng UBND tỉnh Hậu Giang", "Ban Tuyên giáo" under
    "Tỉnh ủy Hà Giang" is "Ban Tuyên giáo Tỉnh ủy Hà Giang", "Thanh tra tỉnh" is that
    province's; a Sở keeps its name alone, as the agencies of a text are written."""
    lower = issuer.lower()
    if lower in _BARE_UNITS:
        return f"{issuer} {parent}"
    if not lower.startswith(("ban ", "thanh tra")) or any(f" {lvl} " in f" {lower} " for lvl in LOCALITY):
        return issuer
    if parent.startswith(("Tỉnh ủy", "Thành ủy", "Huyện ủy")):
        return f"{issuer} {parent}"
    place = _PARENT_PLACE.match(parent)
    return f"{issuer} {place.group('place')}" if place else issuer


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
        if MOTTO.search(stripped) and not motto:
            motto = True
            marks += 1
        heading = type_name(stripped) if is_caps(stripped) else None
        if heading:
            layout.doc_type, type_line, summary_from = heading, index, index + 1
            marks += 1
            break
        for piece in _pieces(stripped):
            number = NUMBER.fullmatch(piece) or NUMBER.match(piece)
            date = PLACE_DATE.fullmatch(piece)
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
            elif subject and not is_caps(piece):
                layout.title += " " + piece
            elif is_caps(piece) and not layout.number and not _SESSION.match(piece) \
                    and not RULE.match(piece) and len(piece) < 90:
                issuers.append(piece)
    if issuers:
        named = [_issuer_name(line) for line in _issuer_lines(issuers)]
        if len(named) > 1:
            named[-1] = _qualified_issuer(named[-1], named[-2])
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
        if RULE.match(line) or _SUMMARY_STOP.match(line) or len(line) > 200:
            break
        if parts and re.search(r"[.:;]$|\.\s", parts[-1]):
            break  # a summary has no sentences: that was the body, run on by a PDF
        if re.search(r"\.\s+\S", line):
            break
        if parts and is_caps(line) and not is_caps(parts[-1]):
            break  # "HỘI ĐỒNG NHÂN DÂN TỈNH …" under a nghị quyết's summary
        parts.append(line.strip("-–_ "))
    return " ".join(p for p in parts if p)


def _title(layout: Layout) -> str:
    summary = layout.title
    if summary and is_caps(summary):
        summary = sentence_case(summary)
    summary = re.sub(r"^V/v[.:]?\s*", "về việc ", summary, flags=re.I)
    if summary and not keep_acronym(summary.split()[0]):
        first = summary.split()[0]
        if not (len(summary.split()) > 1 and summary.split()[1][:1].isupper() and first[1:].islower()
                and first.lower() in SURNAMES):
            summary = summary[:1].lower() + summary[1:]
    kind = (layout.doc_type or "").capitalize()
    return " ".join(" ".join(part.split()) for part in (kind, summary) if part)


def read_layout(text: str) -> Optional[Layout]:
    """The national layout of a document's text, or None when it is not in that layout."""
    lines = text.split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    pieces = _pieces(first)
    if not pieces or not (is_caps(pieces[0]) or MOTTO.search(first) or NUMBER.match(pieces[0])):
        return None  # the layout opens a document: a news story quoting one keeps its own
    layout, marks, type_line = _header(lines)
    if not layout.doc_type and layout.number:
        symbol = layout.number.split("/")[-1]
        layout.doc_type = type_of_symbol(symbol) or ("công văn" if layout.title else "")
    if marks < 2 or not layout.doc_type:
        return None
    layout.title = _title(layout)
    body_from = max(type_line + 1, 0)
    read_signature(lines[body_from:], layout)
    return layout


__all__ = ["Layout", "read_layout"]
