"""PDF: the text layer, page by page.

pypdf is imported when a PDF is read, so the base install stays light. A PDF with
no text layer at all is reported as needing OCR; legacy Vietnamese (TCVN3, VNI) is
detected over the whole text and decoded page by page.
"""
from __future__ import annotations

import io
import logging
import re
from typing import List

from .. import encodings
from ...dates import value_date
from ...errors import DocumentError
from .common import (
    NEEDS_OCR,
    Extracted,
    fix_legacy_title,
    guarded,
    needs,
    one_line,
    tidy,
    with_properties,
)

# Titles that name the file or the tool, not the document.
_JUNK_TITLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel) - .*|untitled.*|document\d*|.*\.(?:docx?|pdf|odt|rtf))$",
    re.I,
)


@guarded("PDF")
def read_pdf(display: str, data: bytes) -> Extracted:
    """A PDF's text layer, page by page; extra["pages"] holds each page's start offset."""
    try:
        import pypdf
    except ImportError:
        raise needs(display, "pypdf") from None
    # pypdf logs every oddity of a damaged file; the file's outcome is reported instead.
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(display, "encrypted PDF: a password is needed to read it")
        page_texts = [page.extract_text() or "" for page in reader.pages]
    finally:
        logger.setLevel(level)
    page_texts = [tidy(text) for text in page_texts]
    if not any(text.strip() for text in page_texts):
        raise DocumentError(display, NEEDS_OCR)
    encoding = encodings.detect("\n\n".join(page_texts))
    if encoding:
        page_texts = [tidy(encodings.decode(text, encoding)) for text in page_texts]
    parts: List[str] = []
    starts: List[int] = []
    length = 0
    for text in page_texts:
        if text.strip() and parts:
            parts.append("\n\n")
            length += 2
        starts.append(length)
        if text.strip():
            parts.append(text)
            length += len(text)
    extracted = Extracted(text="".join(parts))
    extra = {"pages": ",".join(str(start) for start in starts), "page_count": str(len(starts))}
    empty = [str(number) for number, text in enumerate(page_texts, 1) if not text.strip()]
    if empty:
        extra["pages_without_text"] = ",".join(empty)  # scanned pages inside a text PDF
    if encoding:
        extra["encoding"] = encoding
    try:
        info = reader.metadata
        title = one_line(info.title) if info else ""
        author = one_line(info.author) if info else ""
        raw_created = info.get("/CreationDate") if info else None
    except Exception:
        title, author, raw_created = "", "", None
    if title and not _JUNK_TITLE.match(title):
        extracted.title = fix_legacy_title(title, encoding)
    return with_properties(extracted, extra, author, value_date(raw_created), None, encoding)
