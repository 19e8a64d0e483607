"""JSON and JSON Lines files: one document per object, line or list item.

A bad line or item is reported beside the documents that were fine; each line or
item has its own hash, so editing one re-indexes that one only.
"""
from __future__ import annotations

import json
from typing import Dict, Iterable, Iterator, List, Tuple, Union

from ..analysis.normalize import normalize_text
from ..errors import DocumentError
from .discovery import SourceFile, content_hash
from .fields import Document, build_document, first_line_title, text_field

_TEXT_KEYS = ("text", "body", "content")
_ID_KEYS = ("id", "_id")


def _json_document(
    src: SourceFile, obj: object, default_id: str, digest: str
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
    title = text_field(fields.pop("title", None)) or first_line_title(text)
    return build_document(
        doc_id=doc_id, text=text, title=title, src=src, fields=fields, content_hash=digest
    )


def read_json(
    src: SourceFile, text: str, digest: str
) -> Tuple[List[Document], List[DocumentError]]:
    """The document of a JSON object, or of each item of a JSON list and the errors of
    its bad items."""
    display = src.display or src.path
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            display, f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    if isinstance(data, dict):
        try:
            return [_json_document(src, data, src.id_base, digest)], []
        except ValueError as exc:
            raise DocumentError(display, str(exc)) from None
    if not isinstance(data, list):
        raise DocumentError(display, "JSON is neither an object nor a list of objects")
    if not data:
        raise DocumentError(display, "empty JSON list")
    # Each item has its own hash, so editing one item re-indexes that item only.
    entries = (
        (number, item, content_hash(
            json.dumps(item, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
        ), number / len(data))
        for number, item in enumerate(data, start=1)
    )
    return _documents_of(src, "item", entries)


def read_jsonl(src: SourceFile, text: str) -> Tuple[List[Document], List[DocumentError]]:
    """The documents of a JSON Lines file, one a line, and the errors of its bad lines."""
    return _documents_of(src, "line", _jsonl_entries(text))


def iter_jsonl(
    src: SourceFile, text: str
) -> Iterator[Tuple[float, Union[Document, DocumentError]]]:
    """The documents of a JSON Lines file as they are read, each (or the error of its
    line) with the share of the file read so far: a large file is indexed, and its
    progress shown, from its first line on."""
    return _iter_documents(src, "line", _jsonl_entries(text))


def _jsonl_entries(text: str) -> Iterator[Tuple[int, object, str, float]]:
    """(line number, value, hash, share of the text read) of each non-blank line; the
    value is a ValueError for a line that is not JSON."""
    # Split on "\n" only: str.splitlines() would also split on U+2028 inside a string.
    read, total = 0, max(1, len(text))
    for number, line in enumerate(text.split("\n"), start=1):
        read += len(line) + 1
        line = line.rstrip("\r")
        if not line.strip():
            continue
        # The hash of the line as written (not normalized): unchanged line, unchanged hash.
        digest = content_hash(line.encode("utf-8", "surrogatepass"))
        value: object
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            value = ValueError(f"invalid JSON: {exc.msg} (column {exc.colno})")
        yield number, value, digest, min(1.0, read / total)


def _documents_of(
    src: SourceFile, where: str, entries: Iterable[Tuple[int, object, str, float]]
) -> Tuple[List[Document], List[DocumentError]]:
    documents: List[Document] = []
    errors: List[DocumentError] = []
    for _, item in _iter_documents(src, where, entries):
        (errors if isinstance(item, DocumentError) else documents).append(item)
    return documents, errors


def _iter_documents(
    src: SourceFile, where: str, entries: Iterable[Tuple[int, object, str, float]]
) -> Iterator[Tuple[float, Union[Document, DocumentError]]]:
    """A document per (number, value, hash, share) entry of a JSON list ("item") or
    JSONL file ("line"); a bad value or an id an earlier entry had is an error of that
    entry only. Each comes with the entry's share of the file."""
    display = src.display or src.path
    first_seen: Dict[str, int] = {}
    for number, value, digest, share in entries:
        try:
            if isinstance(value, ValueError):
                raise value
            document = _json_document(src, value, f"{src.id_base}#{number}", digest)
        except ValueError as exc:
            yield share, DocumentError(display, f"{where} {number}: {exc}")
            continue
        if document.id in first_seen:
            first = f"{where} {first_seen[document.id]}"
            yield share, DocumentError(
                display, f"{where} {number}: duplicate id {document.id!r} (first on {first})"
            )
            continue
        first_seen[document.id] = number
        yield share, document
