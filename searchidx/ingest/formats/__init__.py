"""Text and metadata of Word (.docx), PDF, HTML and OpenDocument (.odt) files.

One reader per format, each taking a file's bytes and returning an Extracted record:
the text (NFC, LF line ends, a blank line between paragraphs, table rows on their
own lines with " | " between cells), the title, dates and author the file declares,
and for PDF where each page starts in that text. documents.read_source turns the
record into a Document the same way it does a .txt file.

The libraries (python-docx, pypdf) are imported inside the readers: the base
install stays light, and a missing one fails that file with a hint to install the
``formats`` extra, not the run. HTML and .odt need only the standard library.
Pre-Unicode Vietnamese (TCVN3, VNI) is decoded in the readers, where the structure
is still known: per run in Word files (the run's font names the encoding), per page
in PDFs.
"""
from __future__ import annotations

from typing import Dict

from .common import DOC_HINT, INSTALL_HINT, NEEDS_OCR, Extracted, Reader
from .docx import read_docx
from .html import read_html
from .odt import read_odt
from .pdf import read_pdf

__all__ = [
    "Extracted",
    "READERS",
    "read_docx",
    "read_pdf",
    "read_html",
    "read_odt",
    "NEEDS_OCR",
    "DOC_HINT",
    "INSTALL_HINT",
]

READERS: Dict[str, Reader] = {
    "docx": read_docx,
    "pdf": read_pdf,
    "html": read_html,
    "odt": read_odt,
}
