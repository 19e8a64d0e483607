"""The Document record, and how one is built: a title, and metadata fields from front
matter or JSON completed by detection in the text."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

from ..analysis.normalize import normalize_text
from ..dates import normalize_date
from ..gazetteer import canonical_province
from .discovery import SourceFile
from .metadata import extract_metadata
from .official import apply_layout, read_official
from .turns import extract_turns

TITLE_MAX_CHARS = 120


@dataclass
class Document:
    """One searchable document, as stored in the index."""

    id: str
    text: str  # the body, NFC with LF line ends: what the analyzer's offsets point into
    title: str
    path: str  # the source file, for display
    source: str  # absolute path of the source file: pruning compares against it
    date: Optional[str] = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    province: Optional[str] = None  # canonical name with diacritics
    people: List[str] = field(default_factory=list)
    agencies: List[str] = field(default_factory=list)
    format: str = "txt"
    content_hash: str = ""
    extra: Dict[str, str] = field(default_factory=dict)
    # The national layout (see ingest.official): empty for a document not in it.
    doc_type: str = ""  # "báo cáo", "biên bản", …
    number: str = ""  # number and symbol as written: "123/BC-UBND"
    issuer: str = ""  # "Sở Tư pháp"
    parent_issuer: str = ""  # "UBND tỉnh Hà Giang"
    signer: str = ""
    signer_position: str = ""  # "Phó Chủ tịch"
    signer_authority: str = ""  # "TM. Ủy ban nhân dân; KT. Chủ tịch"
    recipients: List[str] = field(default_factory=list)
    roles: Dict[str, str] = field(default_factory=dict)  # person -> title as the text gives it
    # Who says what: plain dicts with offsets into ``text`` (see searchidx.turnform).
    turns: List[dict] = field(default_factory=list)


_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")
# A dot after these ends no sentence: "TP. Hà Nội", "PGS. TS. Nguyễn Văn A".
_ABBREVIATIONS = frozenset(
    ["tp", "ts", "ths", "pgs", "gs", "bs", "st", "mr", "mrs", "dr", "ông", "bà"]
)


def first_line_title(text: str) -> str:
    """The first non-empty line, cut at the end of its first sentence, at most ~120 chars."""
    for line in text.split("\n"):
        line = line.strip().strip("#>*_=").strip()
        if line.strip("-–—*_=~ \t"):  # not empty, nor a rule such as "---"
            break
    else:
        return ""
    for end in _SENTENCE_END.finditer(line):
        position = end.start()
        if position < 10:
            continue  # "1. Mở đầu", "TP. Hà Nội …": too early to be a sentence
        word = line[:position].rsplit(None, 1)[-1].lower()
        if line[position] == "." and (word in _ABBREVIATIONS or len(word) == 1):
            continue
        line = line[:position] if line[position] == "." else line[:position + 1]
        break
    return cap_title(line)


def cap_title(title: str) -> str:
    """A title on one line, cut at a word boundary to about TITLE_MAX_CHARS."""
    title = " ".join(title.split())
    if len(title) <= TITLE_MAX_CHARS:
        return title
    cut = title.rfind(" ", 0, TITLE_MAX_CHARS)
    if cut < TITLE_MAX_CHARS // 2:
        cut = TITLE_MAX_CHARS
    return title[:cut].rstrip(" ,;:-–") + "…"


_SPLIT_PEOPLE = re.compile(r"\s*[;,]\s*")
# Agency names hold commas ("Sở Văn hóa, Thể thao và Du lịch"): only ";" separates them.
_SPLIT_AGENCIES = re.compile(r"\s*;\s*")


def text_field(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return " ".join(normalize_text(str(value)).split())


def _list_field(value: object, splitter: "re.Pattern[str]") -> List[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else splitter.split(str(value))
    result: List[str] = []
    seen: Set[str] = set()
    for item in items:
        text = text_field(item)
        if text and text.lower() not in seen:
            seen.add(text.lower())
            result.append(text)
    return result


def _extra_value(value: object) -> str:
    if isinstance(value, str):
        return normalize_text(value)
    return json.dumps(value, ensure_ascii=False)


def build_document(
    *,
    doc_id: str,
    text: str,
    title: str,
    src: SourceFile,
    fields: Dict[str, object],
    content_hash: str,
) -> Document:
    extra: Dict[str, str] = {}
    date: Optional[str] = None
    raw_date = fields.pop("date", None)
    if raw_date not in (None, "", []):
        date = normalize_date(str(raw_date))
        if date is None:
            extra["date"] = _extra_value(raw_date)  # kept, not lost, when it is no date we know
    province: Optional[str] = None
    raw_province = text_field(fields.pop("province", None))
    if raw_province:
        # A known spelling becomes the canonical name; an unknown one is kept as written.
        province = canonical_province(raw_province) or raw_province
    people = _list_field(fields.pop("people", None), _SPLIT_PEOPLE)
    agencies = _list_field(fields.pop("agencies", None), _SPLIT_AGENCIES)
    for key, value in fields.items():
        if value is None or value == []:
            continue
        extra[key] = _extra_value(value)
    title_given = src.format in ("txt", "md", "json", "jsonl") and title != first_line_title(text)
    layout = read_official(text)
    if layout is not None:  # its date line and issuer win over what the body mentions
        date = date or layout.date
        province = province or layout.province
    given = {"people": bool(people), "agencies": bool(agencies), "province": bool(province)}
    # Detection fills only what the author did not give.
    if date is None or province is None or not people or not agencies:
        detected = extract_metadata(text)
        date = date or detected["date"]  # type: ignore[assignment]
        province = province or detected["province"]  # type: ignore[assignment]
        people = people or list(detected["people"])  # type: ignore[call-overload]
        agencies = agencies or list(detected["agencies"])  # type: ignore[call-overload]
    document = Document(
        id=doc_id,
        text=text,
        title=title,
        path=src.display or src.path,
        source=src.path,
        date=date,
        province=province,
        people=people,
        agencies=agencies,
        format=src.format,
        content_hash=content_hash,
        extra=extra,
        turns=extract_turns(text),
    )
    return apply_layout(document, layout, keep_title=title_given, given=given)
