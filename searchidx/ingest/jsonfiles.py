"""JSON and JSON Lines files: one document per object, line or list item.

A bad line or item is reported beside the documents that were fine; each line or
item has its own hash, so editing one re-indexes that one only.
"""
from __future__ import annotations

import json
from typing import Dict, List, Tuple

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
    documents: List[Document] = []
    errors: List[DocumentError] = []
    first_seen: Dict[str, int] = {}
    for number, item in enumerate(data, start=1):
        # Each item has its own hash, so editing one item re-indexes that item only.
        item_hash = content_hash(
            json.dumps(item, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
        )
        try:
            document = _json_document(src, item, f"{src.id_base}#{number}", item_hash)
        except ValueError as exc:
            errors.append(DocumentError(display, f"item {number}: {exc}"))
            continue
        _add_unique(display, documents, errors, first_seen, document, "item", number)
    return documents, errors


def read_jsonl(src: SourceFile, text: str) -> Tuple[List[Document], List[DocumentError]]:
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
        line_hash = content_hash(line.encode("utf-8", "surrogatepass"))
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
