"""Plain text and Markdown files: bytes to text, front matter, a date line, the title.

A file's bytes must be UTF-8 (with or without a BOM) or UTF-16 with a BOM, or text
in a pre-Unicode Vietnamese encoding (TCVN3, VNI, Windows-1258) that detection
recognizes: nothing is guessed, so a Latin-1 file is reported (with a hint to convert it
with iconv) rather than indexed as mojibake.
"""
from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

from ..analysis.normalize import normalize_text
from ..dates import normalize_date
from ..errors import DocumentError
from . import encodings
from .discovery import SourceFile
from .fields import Document, build_document, cap_title, first_line_title, text_field

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_bytes(path: str, data: bytes) -> str:
    """A file's text: UTF-8 (BOM or not) or UTF-16 with a BOM, else DocumentError.

    Never guesses a legacy encoding: a Latin-1 or CP1258 file is reported with the first
    offending byte rather than indexed as mojibake (decode_text detects the Vietnamese ones).
    """
    if not data.strip():
        raise DocumentError(path, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError as exc:
                offset = exc.start + len(bom)
                if encoding == "utf-8":
                    raise DocumentError(path, _invalid_byte(data, offset)) from None
                raise DocumentError(
                    path, f"not valid {encoding.upper()} text (bad code unit at offset {offset})"
                ) from None
            break
    else:
        if b"\x00" in data:
            raise DocumentError(path, "binary file")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(path, _invalid_byte(data, exc.start)) from None
    if not text.strip():
        raise DocumentError(path, "empty file")
    return text


UNKNOWN_ENCODING_HINT = (
    "; not TCVN3, VNI or Windows-1258 either: convert it to UTF-8 first, "
    "e.g. iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8.txt"
)


def _invalid_byte(data: bytes, offset: int) -> str:
    return f"not UTF-8 or UTF-16 text (invalid byte 0x{data[offset]:02x} at offset {offset})"


def decode_text(display: str, data: bytes) -> Tuple[str, Optional[str]]:
    """A text file's text (NFC, LF) and the legacy encoding it was in, if any.

    TCVN3, VNI and Windows-1258 come as single-byte files (not UTF-8: read as
    Windows-1252, then detected) or as UTF-8 holding the mojibake of such a reading.
    A file in none of them is reported with a hint to convert it with iconv.
    """
    try:
        decoded = decode_bytes(display, data)
    except DocumentError as error:
        if not error.reason.startswith("not UTF-8 or UTF-16"):
            raise
        view = encodings.bytes_view(data)
        encoding = encodings.detect(view)
        if encoding is None:
            if data.startswith(tuple(bom for bom, _ in _BOMS)):
                raise  # a file marked as Unicode: damaged, not in another encoding
            raise DocumentError(display, error.reason + UNKNOWN_ENCODING_HINT) from None
        return normalize_text(encodings.decode(view, encoding)), encoding
    text = normalize_text(decoded)
    fixed, encoding = encodings.fix(text)
    return (normalize_text(fixed), encoding) if encoding else (text, None)


# "---" line, key: value lines, "---" line, at the very start (blank lines before allowed).
_FRONT_MATTER = re.compile(
    r"\A\s*?^---[ \t]*\n(?P<block>.*?)^(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.M | re.S
)
_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]+-[ \t]+(?P<value>.*?)[ \t]*$|^-[ \t]+(?P<top>.*?)[ \t]*$")
# The real reports' marker: " date 2023-11 Dự và chỉ đạo …" (text may follow on the line).
_DATE_MARKER = re.compile(
    r"\A\s*date[ \t]*:?[ \t]+(?P<date>[0-9]{4}(?:-[0-9]{1,2}(?:-[0-9]{1,2})?)?)"
    r"(?:[ \t]+|[ \t]*\n|\Z)"
)
_MD_HEADING = re.compile(r"^[ \t]{0,3}(?P<level>#{1,6})[ \t]+(?P<title>.+?)[ \t#]*$", re.M)


def _parse_front_matter(block: str) -> Optional[Dict[str, object]]:
    """key: value lines (values may be "[a, b]" or "- item" lists), or None if not that."""
    fields: Dict[str, object] = {}
    current: Optional[str] = None
    for line in block.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = _LIST_ITEM.match(line)
        if item and current is not None:
            value = item.group("value") if item.group("value") is not None else item.group("top")
            existing = fields.get(current)
            items = existing if isinstance(existing, list) else []
            items.append(_unquote(value))
            fields[current] = items
            continue
        pair = _KEY_VALUE.match(line)
        if pair is None:
            return None  # not front matter after all, e.g. a Markdown rule and prose
        current = pair.group("key").lower()
        value = pair.group("value")
        if value.startswith("[") and value.endswith("]"):
            fields[current] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        else:
            fields[current] = _unquote(value) if value else []
    return fields


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _markdown_title(text: str) -> Optional[str]:
    best: Optional[Tuple[int, str]] = None
    for match in _MD_HEADING.finditer(text):
        level = len(match.group("level"))
        if level == 1:
            return cap_title(match.group("title"))
        if best is None:
            best = (level, match.group("title"))
    return cap_title(best[1]) if best else None


def read_text_file(src: SourceFile, text: str, digest: str) -> Document:
    """The document of a text or Markdown file: front matter and a date line become
    fields, the title comes from them, a Markdown heading or the first line."""
    display = src.display or src.path
    fields: Dict[str, object] = {}
    body = text
    front = _FRONT_MATTER.match(text)
    if front:
        parsed = _parse_front_matter(front.group("block"))
        if parsed is not None:
            fields = parsed
            body = text[front.end():]
    marker = _DATE_MARKER.match(body)
    if marker and normalize_date(marker.group("date")):
        fields.setdefault("date", marker.group("date"))
        body = body[marker.end():]
    body = body.strip("\n")
    if not body.strip():
        raise DocumentError(display, "no text after the front matter or date line")
    title = text_field(fields.pop("title", None))
    if not title and src.format == "md":
        title = _markdown_title(body)
    if not title:
        title = first_line_title(body)
    # The id of a file is its path (stable across edits, unique); an id written in the
    # front matter is kept as information only.
    if "id" in fields:
        fields["source_id"] = fields.pop("id")
    return build_document(
        doc_id=src.id_base, text=body, title=title, src=src, fields=fields,
        content_hash=digest,
    )
