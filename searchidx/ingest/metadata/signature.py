"""The signature block of a document in the national layout: who signs, in what position
and by what authority (TM./KT./TL./TUQ.), and to whom it goes ("Nơi nhận:").

The block's two columns arrive side by side, one after the other (Word tables) or run
together on one line (a PDF's text layer, an HTML cell): pieces are cut at column gaps,
at "(đã ký)" and between a position in capitals and a name, then read by what they say.
A biên bản has two or three signatures: the chair's is the document's signer.
"""
from __future__ import annotations

import re
from typing import List, Optional

from .layout_text import (AUTHORITY, COLUMN_GAP, NOTE, RULE, Layout, is_caps, strip_rank,
                          is_person_name, sentence_case, title_case_name)

FOOT_LINES = 40
_RECIPIENTS = re.compile(r"^Nơi\s+nhận\s*:?\s*", re.I)
# Who signs a biên bản for the meeting, of its two or three signatures.
_CHAIR = re.compile(r"^(?:chủ trì|chủ tọa|chủ toạ|chủ tịch|trưởng đoàn|trưởng ban)", re.I)
# Where a cell's lines joined by spaces (HTML, ODT) part: before "(đã ký)", an authority
# mark, and the position under an authority ("KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC").
_APART = re.compile(r"\s*(\((?:đã\s+)?ký[^)]*\))\s*|\s+(?=(?:TM|KT|TL|TUQ|T/M|K/T)\.? [A-ZĐ])")
_DEPUTY = re.compile(r"(\S+) (?=PHÓ \S)")


def _apart(line: str) -> str:
    line = _APART.sub(lambda m: f"   {m.group(1)}   " if m.group(1) else "   ", line)
    return _DEPUTY.sub(lambda m: m.group(1) + ("   " if m.group(1).isupper() else " "), line)


def read_signature(lines: List[str], layout: Layout) -> None:
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
        for part in COLUMN_GAP.split(_apart(stripped)):
            part = part.strip()
            # "- Bộ Tư pháp; KT. CHỦ TỊCH" run together by a PDF: cut before the caps.
            cut = re.match(r"^([-+•].*?[;.:])\s+((?:TM|KT|TL|TUQ)\s*\..*|[^\W\d_][^,;.:()]{3,})$", part)
            if cut and not (AUTHORITY.match(cut.group(2)) or is_caps(cut.group(2))):
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
        marked = AUTHORITY.match(piece)
        if marked and is_caps(marked.group("rest")):
            mark = marked.group("mark").replace("/", "")
            authority.append(f"{mark}. {sentence_case(marked.group('rest'), False)}")
            continue
        if in_recipients and piece[:1] in "-+•":
            item = piece.lstrip("-+• ").rstrip(";.,")
            if item and not item.lower().startswith("lưu"):
                layout.recipients.append(item)
            continue
        if NOTE.match(piece):
            continue
        name = strip_rank(piece)
        if is_person_name(name) or ((positions or authority) and _is_signature_name(name)):
            names.append(title_case_name(name))
            continue
        pair = _two_names(name)
        if pair:  # two signatures' names run together by a PDF: the right one is last
            names.extend(pair)
            continue
        if is_caps(piece) and len(piece) < 60 and not RULE.match(piece):
            positions.append(sentence_case(piece, False))
    layout.signers = list(dict.fromkeys(names))
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


_NOT_NAMES = ("nơi", "lưu", "như", "kính", "nguyễn văn a")


def _is_signature_name(text: str) -> bool:
    """A name under a signature, whatever its origin ("Y Ngông Niê Kdăm"): 2-5 Title-case words."""
    words = text.split()
    return (2 <= len(words) <= 5 and all(w.isalpha() and w[0].isupper() and (len(w) == 1 or w[1:].islower())
                                         for w in words)
            and words[0].lower() not in _NOT_NAMES)


def _two_names(text: str) -> Optional[List[str]]:
    words = text.split()
    if not 4 <= len(words) <= 8:
        return None
    splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(2, len(words) - 1)]
    valid = [pair for pair in splits if all(is_person_name(n) for n in pair)]
    if not valid:
        return None
    valid.sort(key=lambda pair: abs(len(pair[0].split()) - 3))  # most names have three words
    return [title_case_name(valid[0][0]), title_case_name(valid[0][1])]


def _caps_then_name(text: str) -> Optional[List[str]]:
    """[position in capitals, name] when a piece is the two run together, else None."""
    words = text.split()
    for k in range(1, len(words) - 1):
        head, name = " ".join(words[:k]), " ".join(words[k:])
        if is_caps(head) and not is_caps(name) and is_person_name(strip_rank(name)):
            return [head, name]
    return None


def _signature_start(pieces: List[str]) -> Optional[int]:
    """Where the signature block begins: the first "Nơi nhận:", authority mark or
    position in capitals of the last lines after which a signer's name follows."""
    name_at = None
    for index in range(len(pieces) - 1, -1, -1):
        name = strip_rank(pieces[index])
        if is_person_name(name) or _two_names(name) or (
                _is_signature_name(name) and index and (NOTE.match(pieces[index - 1])
                                                        or is_caps(pieces[index - 1]))):
            name_at = index
            break
    candidates = [i for i, p in enumerate(pieces) if p == "Nơi nhận:" or AUTHORITY.match(p)]
    if name_at is None:
        return candidates[0] if candidates else None
    caps_before = [i for i in range(max(0, name_at - 8), name_at)
                   if (is_caps(pieces[i]) and len(pieces[i]) < 60) or i in candidates]
    starts = [i for i in candidates if i < name_at] + caps_before
    return min(starts) if starts else None


