"""What every format reader shares: the Extracted record, text tidying, failure handling.

A reader takes a file's bytes and returns an Extracted record; whatever goes wrong
in the parser behind it becomes a DocumentError naming the file (``guarded``), so an
index run reports the file and goes on.
"""
from __future__ import annotations

import functools
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Optional, Tuple

from .. import encodings
from ...errors import DocumentError

NEEDS_OCR = "no text layer: needs OCR"
DOC_HINT = (
    "old binary Word .doc: convert it to .docx first "
    "(libreoffice --headless --convert-to docx FILE, or Save As in Word)"
)
INSTALL_HINT = "pip install 'searchidx[formats]'"
# A zip (docx, odt) that unpacks to more than this is refused: a "zip bomb" is cheap to make.
MAX_UNPACKED_BYTES = 512 << 20


@dataclass
class Extracted:
    """What a reader found in one file."""

    text: str
    title: str = ""
    date: Optional[str] = None  # a publication date the file declares: wins over the text's
    file_date: Optional[str] = None  # when the file was made: used only if the text has no date
    extra: Dict[str, str] = field(default_factory=dict)  # author, created, pages, encoding …


_BLANK_LINES = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """NFC, LF, no spaces at line ends, at most one blank line in a row, no edge blanks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def one_line(text: Optional[str]) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def join_blocks(blocks: Iterable[Tuple[str, str]]) -> str:
    """(text, kind) blocks joined by a blank line, but the rows of one table ("row") and
    the items of one list ("item") by a line break."""
    parts = []
    previous = ""
    for text, kind in blocks:
        if parts:
            parts.append("\n" if kind == previous and kind in ("row", "item") else "\n\n")
        parts.append(text)
        previous = kind
    return "".join(parts)


Reader = Callable[[str, bytes], Extracted]  # (the file as shown to the user, its bytes)


def guarded(what: str) -> Callable[[Reader], Reader]:
    """A reader whose unexpected failures become a DocumentError for that file.

    The parsers behind the readers raise all kinds of errors on damaged files; an
    index run must report the file and go on, never stop on a traceback.
    """

    def wrap(reader: Reader) -> Reader:
        @functools.wraps(reader)
        def read(display: str, data: bytes) -> Extracted:
            try:
                return reader(display, data)
            except DocumentError:
                raise
            except Exception as exc:
                raise DocumentError(display, f"cannot read {what}: {reason(exc)}") from None

        return read

    return wrap


def reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"


def needs(display: str, package: str) -> DocumentError:
    return DocumentError(display, f"needs {package}: {INSTALL_HINT}")


def check_zip(display: str, data: bytes, what: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise DocumentError(display, DOC_HINT) from None  # a .doc renamed .docx
        raise DocumentError(display, f"not a valid {what} file (not a zip archive)") from None
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise DocumentError(display, f"{what} file unpacks to more than 512 MB: refused")
    return archive


def fix_legacy_title(title: str, encoding: Optional[str]) -> str:
    """A title in the legacy encoding the body was found in, decoded when that helps."""
    if not encoding or not title:
        return title
    result = encodings.score(title, encoding)
    if result.gained > result.lost:
        return encodings.decode(title, encoding)
    return title


def with_properties(extracted: Extracted, extra: Dict[str, str], author: str,
                    created: Optional[str], modified: Optional[str],
                    encoding: Optional[str]) -> Extracted:
    """Author and dates of a document's own properties into ``extra``; its file date."""
    if author:
        extra["author"] = fix_legacy_title(author, encoding)
    if created:
        extra["created"] = created
    if modified:
        extra["modified"] = modified
    extracted.file_date = created or modified
    extracted.extra = extra
    return extracted
