"""Reading one report file into Document records, whatever its format.

discovery.py finds the files, textfiles.py and jsonfiles.py read text, Markdown, JSON
and JSON Lines, fields.py builds each Document; callers import all of it from here.

A batch goes on when one file is bad: read_source() raises DocumentError for a file
that cannot be read at all (undecodable, binary, empty), and returns the errors of
single JSONL lines or JSON list items beside the documents that were fine. Nothing is
half-read: a file with one invalid byte is reported, never indexed up to that byte.

Word, PDF, HTML and OpenDocument files are read by ingest.formats and become
Documents here like text files do; text in the pre-Unicode Vietnamese encodings
(TCVN3, VNI) is detected and decoded by ingest.encodings.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Tuple, Union

from ..errors import DocumentError
from .discovery import FORMATS, Skipped, SourceFile, content_hash, discover
from .fields import Document, build_document, cap_title, first_line_title
from .jsonfiles import iter_jsonl, read_json, read_jsonl
from .textfiles import decode_bytes, decode_text, read_text_file

if TYPE_CHECKING:
    from .formats import Extracted

__all__ = [
    "Document",
    "SourceFile",
    "Skipped",
    "FORMATS",
    "discover",
    "content_hash",
    "read_source",
    "iter_source",
    "decode_bytes",
]


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
        return [_extracted_document(src, extracted, content_hash(data))], []
    if src.format in ("txt", "md"):
        text, encoding = decode_text(display, data)
        document = read_text_file(src, text, content_hash(data))
        if encoding:
            document.extra["encoding"] = encoding
        return [document], []
    decoded = decode_bytes(display, data)
    if src.format == "jsonl":
        return read_jsonl(src, decoded)  # each value is normalized as it is read
    return read_json(src, decoded, content_hash(data))


def iter_source(
    src: SourceFile, data: bytes
) -> Iterator[Tuple[float, Union[Document, DocumentError]]]:
    """read_source() as it goes: each document, or the error of a bad line or item, with
    the share of the file read so far. A JSON Lines file is read line by line, so a large
    one is indexed from its first line on; the DocumentError of a file that cannot be
    used at all is raised before anything is yielded."""
    if src.format == "jsonl":
        return iter_jsonl(src, decode_bytes(src.display or src.path, data))
    documents, errors = read_source(src, data)
    items: List[Union[Document, DocumentError]] = [*errors, *documents]
    return iter([(number / len(items), item) for number, item in enumerate(items, 1)])


def _extracted_document(src: SourceFile, extracted: "Extracted", digest: str) -> Document:
    """A Document from what a format reader found, detected like a text file's."""
    display = src.display or src.path
    text = extracted.text
    if not text.strip():
        raise DocumentError(display, "no text in the file")
    fields: Dict[str, object] = dict(extracted.extra)
    if extracted.date:
        fields["date"] = extracted.date
    title = cap_title(extracted.title) if extracted.title else first_line_title(text)
    document = build_document(
        doc_id=src.id_base, text=text, title=title, src=src, fields=fields, content_hash=digest,
    )
    if document.date is None and extracted.file_date:
        document.date = extracted.file_date  # the file's own date, when the text has none
    return document
