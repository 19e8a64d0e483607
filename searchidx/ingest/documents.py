"""Reading report files into Document records: finding them, decoding, front matter, JSON.

A batch goes on when one file is bad: read_source() raises DocumentError for a file
that cannot be read at all (undecodable, binary, empty), and returns the errors of
single JSONL lines or JSON list items beside the documents that were fine. Nothing is
half-read: a file with one invalid byte is reported, never indexed up to that byte.

Word, PDF, HTML and OpenDocument files are read by searchidx.formats and become
Documents here like text files do; text in the pre-Unicode Vietnamese encodings
(TCVN3, VNI) is detected and decoded by searchidx.legacy.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

from . import encodings
from ..analysis.normalize import normalize_text
from ..errors import DocumentError
from ..gazetteer import canonical_province
from ..dates import normalize_date
from .metadata import extract_metadata

if TYPE_CHECKING:
    from .formats import Extracted

__all__ = [
    "Document",
    "SourceFile",
    "Skipped",
    "FORMATS",
    "discover",
    "file_hash",
    "read_source",
    "decode_bytes",
]

# File name extension (lowercase) -> format name.
FORMATS: Dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".jsonl": "jsonl",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".odt": "odt",
    # Found so that each is reported with a hint to convert it, not skipped unseen.
    ".doc": "doc",
}

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


@dataclass
class SourceFile:
    """A file found by discover(): where it is and what its documents' ids start from."""

    path: str  # absolute
    id_base: str  # relative to the folder given, forward slashes; the file name if given directly
    format: str
    display: str = ""  # the path as the user would write it (the given root joined with id_base)


@dataclass
class Skipped:
    """A file discover() passed over (not a supported format, a duplicate, a broken link).

    discover() yields these so a caller can count them ("skipped 3") or list them.
    """

    path: str
    reason: str


# ---------------------------------------------------------------------------
# Finding files
# ---------------------------------------------------------------------------

def _format_of(name: str) -> Optional[str]:
    return FORMATS.get(os.path.splitext(name)[1].lower())


def discover(paths: Sequence[str]) -> Iterator[Union[SourceFile, Skipped, DocumentError]]:
    """The files under the given paths, in a deterministic (sorted, depth-first) order.

    Yields a SourceFile for each file of a format in FORMATS (.txt, .md/.markdown,
    .json, .jsonl, .docx, .pdf, .html/.htm, .odt, and .doc, which read_source reports
    with a hint to convert it), in any case; a Skipped record for any other file, and
    a DocumentError for a path that does not exist, a folder that cannot be listed, a
    pipe or device named directly, or a file name that is not UTF-8. Hidden files and folders (".name") inside a
    folder are left out silently; symbolic links are followed, but each real folder and
    file is visited once, so a link loop ends and a linked file is not read twice.
    """
    seen_dirs: Set[str] = set()
    seen_files: Set[str] = set()
    for given in paths:
        absolute = os.path.abspath(given)
        if not os.path.exists(absolute):
            if os.path.islink(absolute):
                yield DocumentError(given, "broken symbolic link")
            else:
                yield DocumentError(given, "no such file or folder")
            continue
        if os.path.isdir(absolute):
            yield from _walk(given, absolute, seen_dirs, seen_files)
        elif not os.path.isfile(absolute):  # reading a pipe or a device would never end
            yield DocumentError(given, "not a regular file")
        else:
            yield from _file_entry(given, absolute, os.path.basename(absolute), seen_files)


def _file_entry(
    display: str, absolute: str, id_base: str, seen_files: Set[str]
) -> Iterator[Union[SourceFile, Skipped, DocumentError]]:
    fmt = _format_of(absolute)
    if fmt is None:
        yield Skipped(display, "not a supported format")
        return
    try:
        absolute.encode("utf-8")
    except UnicodeEncodeError:  # bytes the file system gave undecoded: no id or path to store
        shown = display.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        yield DocumentError(shown, "the file name is not valid UTF-8; rename the file")
        return
    real = os.path.realpath(absolute)
    if real in seen_files:
        yield Skipped(display, "already found under another path")
        return
    seen_files.add(real)
    # Ids are NFC like all text, so `show "báo cáo.txt"` finds a file named in NFD.
    id_base = unicodedata.normalize("NFC", id_base)
    yield SourceFile(path=absolute, id_base=id_base, format=fmt, display=display)


def _walk(
    root_display: str, root: str, seen_dirs: Set[str], seen_files: Set[str]
) -> Iterator[Union[SourceFile, Skipped, DocumentError]]:
    # An explicit stack (not recursion) so deep trees cannot hit the recursion limit;
    # entries are pushed in reverse so they come out in sorted order.
    stack: List[Tuple[str, str]] = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        real = os.path.realpath(folder)
        if real in seen_dirs:
            continue  # a symbolic link back up the tree, or a folder given twice
        seen_dirs.add(real)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            yield DocumentError(
                _join_display(root_display, rel), f"cannot list folder: {exc.strerror}"
            )
            continue
        subfolders: List[Tuple[str, str]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            entry_rel = f"{rel}/{entry.name}" if rel else entry.name
            display = _join_display(root_display, entry_rel)
            try:
                is_dir = entry.is_dir()  # follows symbolic links
                is_file = entry.is_file()
            except OSError:
                is_dir = is_file = False
            if is_dir:
                subfolders.append((entry.path, entry_rel))
            elif is_file:
                yield from _file_entry(display, os.path.abspath(entry.path), entry_rel, seen_files)
            elif entry.is_symlink():
                yield Skipped(display, "broken symbolic link")
            else:
                yield Skipped(display, "not a regular file")
        # Files of a folder come before its subfolders' files, subfolders in name order.
        stack.extend(reversed(subfolders))


def _join_display(root: str, rel: str) -> str:
    if not rel:
        return root
    return os.path.join(root, *rel.split("/"))


# ---------------------------------------------------------------------------
# Bytes to text
# ---------------------------------------------------------------------------

def file_hash(path: str) -> str:
    """A fast hash of a file's bytes (BLAKE2b, 128 bits, hex), read in chunks."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _bytes_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_bytes(path: str, data: bytes) -> str:
    """A file's text: UTF-8 (BOM or not) or UTF-16 with a BOM, else DocumentError.

    Never guesses a legacy encoding: a Latin-1 or CP1258 file is reported with the first
    offending byte rather than indexed as mojibake.
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


def _invalid_byte(data: bytes, offset: int) -> str:
    return f"not UTF-8 or UTF-16 text (invalid byte 0x{data[offset]:02x} at offset {offset})"


# ---------------------------------------------------------------------------
# Plain text and Markdown
# ---------------------------------------------------------------------------

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
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


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


# A dot after these ends no sentence: "TP. Hà Nội", "PGS. TS. Nguyễn Văn A".
_ABBREVIATIONS = frozenset(
    ["tp", "ts", "ths", "pgs", "gs", "bs", "st", "mr", "mrs", "dr", "ông", "bà"]
)


def _first_line_title(text: str) -> str:
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
    return _cap_title(line)


def _cap_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) <= TITLE_MAX_CHARS:
        return title
    cut = title.rfind(" ", 0, TITLE_MAX_CHARS)
    if cut < TITLE_MAX_CHARS // 2:
        cut = TITLE_MAX_CHARS
    return title[:cut].rstrip(" ,;:-–") + "…"


def _markdown_title(text: str) -> Optional[str]:
    best: Optional[Tuple[int, str]] = None
    for match in _MD_HEADING.finditer(text):
        level = len(match.group("level"))
        if level == 1:
            return _cap_title(match.group("title"))
        if best is None:
            best = (level, match.group("title"))
    return _cap_title(best[1]) if best else None


def _read_text_file(src: SourceFile, text: str, content_hash: str) -> Document:
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
    title = _text_field(fields.pop("title", None))
    if not title and src.format == "md":
        title = _markdown_title(body)
    if not title:
        title = _first_line_title(body)
    # The id of a file is its path (stable across edits, unique); an id written in the
    # front matter is kept as information only.
    if "id" in fields:
        fields["source_id"] = fields.pop("id")
    return _build_document(
        doc_id=src.id_base, text=body, title=title, src=src, fields=fields,
        content_hash=content_hash,
    )


# ---------------------------------------------------------------------------
# JSON and JSON Lines
# ---------------------------------------------------------------------------

_TEXT_KEYS = ("text", "body", "content")
_ID_KEYS = ("id", "_id")
_SPLIT_PEOPLE = re.compile(r"\s*[;,]\s*")
# Agency names hold commas ("Sở Văn hóa, Thể thao và Du lịch"): only ";" separates them.
_SPLIT_AGENCIES = re.compile(r"\s*;\s*")


def _json_document(
    src: SourceFile, obj: object, default_id: str, content_hash: str
) -> Document:
    """A document from one JSON object; raises ValueError with the reason if it is not one."""
    if not isinstance(obj, dict):
        raise ValueError(f"not a JSON object ({type(obj).__name__})")
    try:  # an escaped lone surrogate ("\ud800") is no text: it cannot even be stored
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("invalid Unicode: a lone surrogate escape (\\ud800-\\udfff)") from None
    fields: Dict[str, object] = {
        normalize_text(str(key)).lower(): value for key, value in obj.items()
    }
    text_value = None
    for key in _TEXT_KEYS:
        if key in fields:
            text_value = fields.pop(key)
            break
    if text_value is None:
        raise ValueError("no text (expected a \"text\" or \"body\" key)")
    if not isinstance(text_value, str):
        raise ValueError("text is not a string")
    text = normalize_text(text_value).strip("\n")
    if not text.strip():
        raise ValueError("empty text")
    doc_id = default_id
    for key in _ID_KEYS:
        value = fields.pop(key, None)
        if value is not None and doc_id == default_id:
            if isinstance(value, (dict, list)) or str(value).strip() == "":
                raise ValueError(f"unusable {key}: {json.dumps(value, ensure_ascii=False)}")
            doc_id = normalize_text(str(value).strip())
    title = _text_field(fields.pop("title", None)) or _first_line_title(text)
    return _build_document(
        doc_id=doc_id, text=text, title=title, src=src, fields=fields, content_hash=content_hash
    )


def _read_json(
    src: SourceFile, text: str, content_hash: str
) -> Tuple[List[Document], List[DocumentError]]:
    display = src.display or src.path
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            display, f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    if isinstance(data, dict):
        try:
            return [_json_document(src, data, src.id_base, content_hash)], []
        except ValueError as exc:
            raise DocumentError(display, str(exc)) from None
    if not isinstance(data, list):
        raise DocumentError(display, "JSON is neither an object nor a list of objects")
    if not data:
        raise DocumentError(display, "empty JSON list")
    documents: List[Document] = []
    errors: List[DocumentError] = []
    first_seen: Dict[str, int] = {}
    for number, item in enumerate(data, start=1):
        # Each item has its own hash, so editing one item re-indexes that item only.
        item_hash = _bytes_hash(
            json.dumps(item, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
        )
        try:
            document = _json_document(src, item, f"{src.id_base}#{number}", item_hash)
        except ValueError as exc:
            errors.append(DocumentError(display, f"item {number}: {exc}"))
            continue
        _add_unique(display, documents, errors, first_seen, document, "item", number)
    return documents, errors


def _read_jsonl(src: SourceFile, text: str) -> Tuple[List[Document], List[DocumentError]]:
    display = src.display or src.path
    documents: List[Document] = []
    errors: List[DocumentError] = []
    first_seen: Dict[str, int] = {}
    # Split on "\n" only: str.splitlines() would also split on U+2028 inside a string.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        # The hash of the line as written (not normalized): unchanged line, unchanged hash.
        line_hash = _bytes_hash(line.encode("utf-8", "surrogatepass"))
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(DocumentError(
                display, f"line {number}: invalid JSON: {exc.msg} (column {exc.colno})"
            ))
            continue
        try:
            document = _json_document(src, obj, f"{src.id_base}#{number}", line_hash)
        except ValueError as exc:
            errors.append(DocumentError(display, f"line {number}: {exc}"))
            continue
        _add_unique(display, documents, errors, first_seen, document, "line", number)
    return documents, errors


def _add_unique(
    display: str,
    documents: List[Document],
    errors: List[DocumentError],
    first_seen: Dict[str, int],
    document: Document,
    where: str,
    number: int,
) -> None:
    """Append a document unless an earlier line or item of the file had the same id."""
    if document.id in first_seen:
        first = first_seen[document.id]
        errors.append(DocumentError(
            display, f"{where} {number}: duplicate id {document.id!r} (first on {where} {first})"
        ))
        return
    first_seen[document.id] = number
    documents.append(document)


# ---------------------------------------------------------------------------
# Metadata fields, from front matter / JSON, completed by detection
# ---------------------------------------------------------------------------

def _text_field(value: object) -> str:
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
        text = _text_field(item)
        if text and text.lower() not in seen:
            seen.add(text.lower())
            result.append(text)
    return result


def _extra_value(value: object) -> str:
    if isinstance(value, str):
        return normalize_text(value)
    return json.dumps(value, ensure_ascii=False)


def _build_document(
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
    raw_province = _text_field(fields.pop("province", None))
    if raw_province:
        # A known spelling becomes the canonical name; an unknown one is kept as written.
        province = canonical_province(raw_province) or raw_province
    people = _list_field(fields.pop("people", None), _SPLIT_PEOPLE)
    agencies = _list_field(fields.pop("agencies", None), _SPLIT_AGENCIES)
    for key, value in fields.items():
        if value is None or value == []:
            continue
        extra[key] = _extra_value(value)
    # Detection fills only what the author did not give.
    if date is None or province is None or not people or not agencies:
        detected = extract_metadata(text)
        date = date or detected["date"]  # type: ignore[assignment]
        province = province or detected["province"]  # type: ignore[assignment]
        people = people or list(detected["people"])  # type: ignore[call-overload]
        agencies = agencies or list(detected["agencies"])  # type: ignore[call-overload]
    return Document(
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
    )


# ---------------------------------------------------------------------------
# One file
# ---------------------------------------------------------------------------

def read_source(
    src: SourceFile, data: Optional[bytes] = None
) -> Tuple[List[Document], List[DocumentError]]:
    """The documents of one file, and the errors of its bad JSONL lines or JSON items.

    Raises DocumentError when the file as a whole cannot be used: unreadable, not UTF-8
    or UTF-16 text (nor TCVN3 or VNI bytes), binary, empty, invalid JSON, a PDF with no
    text layer, an old .doc file, a format whose library is not installed. `data` may
    hold the file's bytes when the caller has already read them (to hash them, say).
    """
    display = src.display or src.path
    if data is None:
        try:
            with open(src.path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise DocumentError(display, f"cannot read: {exc.strerror}") from None
    if src.format == "doc":
        from .formats import DOC_HINT

        raise DocumentError(display, DOC_HINT)
    if src.format in ("docx", "pdf", "html", "odt"):
        if not data.strip():
            raise DocumentError(display, "empty file")
        from .formats import READERS  # the format libraries load only when needed

        extracted = READERS[src.format](display, data)
        return [_extracted_document(src, extracted, _bytes_hash(data))], []
    if src.format in ("txt", "md"):
        text, encoding = _decode_text(display, data)
        document = _read_text_file(src, text, _bytes_hash(data))
        if encoding:
            document.extra["encoding"] = encoding
        return [document], []
    decoded = decode_bytes(display, data)
    if src.format == "jsonl":
        return _read_jsonl(src, decoded)  # each value is normalized as it is read
    return _read_json(src, decoded, _bytes_hash(data))


def _decode_text(display: str, data: bytes) -> Tuple[str, Optional[str]]:
    """A text file's text (NFC, LF) and the legacy encoding it was in, if any.

    TCVN3 and VNI come as single-byte files (not UTF-8: read as Windows-1252, then
    detected) or as UTF-8 holding the mojibake of such a reading.
    """
    try:
        decoded = decode_bytes(display, data)
    except DocumentError as error:
        if not error.reason.startswith("not UTF-8 or UTF-16"):
            raise
        view = encodings.bytes_view(data)
        encoding = encodings.detect(view)
        if encoding is None:
            raise
        return normalize_text(encodings.decode(view, encoding)), encoding
    text = normalize_text(decoded)
    fixed, encoding = encodings.fix(text)
    return (normalize_text(fixed), encoding) if encoding else (text, None)


def _extracted_document(src: SourceFile, extracted: "Extracted", content_hash: str) -> Document:
    """A Document from what a format reader found, detected like a text file's."""
    display = src.display or src.path
    text = extracted.text
    if not text.strip():
        raise DocumentError(display, "no text in the file")
    fields: Dict[str, object] = dict(extracted.extra)
    if extracted.date:
        fields["date"] = extracted.date
    title = _cap_title(extracted.title) if extracted.title else _first_line_title(text)
    document = _build_document(
        doc_id=src.id_base, text=text, title=title, src=src, fields=fields,
        content_hash=content_hash,
    )
    if document.date is None and extracted.file_date:
        document.date = extracted.file_date  # the file's own date, when the text has none
    return document
