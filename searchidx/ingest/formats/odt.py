"""OpenDocument text (.odt): paragraphs, lists and tables; the standard library reads it."""
from __future__ import annotations

from typing import Dict, Iterator, List, Tuple
from xml.etree import ElementTree

from .. import encodings
from ...dates import value_date
from ...errors import DocumentError
from .common import (
    Extracted,
    check_zip,
    fix_legacy_title,
    guarded,
    join_blocks,
    one_line,
    tidy,
    with_properties,
)

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_ODT_SKIP = {_TEXT + "note", _OFFICE + "annotation", _TEXT + "tracked-changes",
             _TEXT + "sequence-decls", _TEXT + "variable-decls"}


def _odt_inline(element) -> str:
    out = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag in _ODT_SKIP:
            pass
        elif tag == _TEXT + "s":
            count = child.get(_TEXT + "c", "1")
            out.append(" " * (min(int(count), 100) if count.isdigit() else 1))
        elif tag == _TEXT + "tab":
            out.append("\t")
        elif tag == _TEXT + "line-break":
            out.append("\n")
        else:
            out.append(_odt_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def _odt_blocks(element) -> Iterator[Tuple[str, str]]:
    """(text, kind) of paragraphs, headings, list items and table rows, in order."""
    for child in element:
        tag = child.tag
        if tag in (_TEXT + "p", _TEXT + "h"):
            yield _odt_inline(child), "h" if tag == _TEXT + "h" else "p"
        elif tag == _TEXT + "list":
            for item in child:
                for text, _ in _odt_blocks(item):
                    yield text, "item"
        elif tag == _TABLE + "table":
            for row in child.iter(_TABLE + "table-row"):
                cells = []
                for cell in row:
                    if cell.tag != _TABLE + "table-cell":
                        continue
                    cell_text = " ".join(t.strip() for t, _ in _odt_blocks(cell) if t.strip())
                    if cell_text:
                        cells.append(cell_text)
                if cells:
                    yield " | ".join(cells), "row"
        elif tag in _ODT_SKIP:
            continue
        else:
            yield from _odt_blocks(child)  # sections, frames' text, soft page breaks …


@guarded("OpenDocument file")
def read_odt(display: str, data: bytes) -> Extracted:
    """An OpenDocument text file: paragraphs, lists and tables; title, author, dates."""
    archive = check_zip(display, data, "OpenDocument .odt")
    if "content.xml" not in archive.namelist():
        raise DocumentError(display, "not an OpenDocument file (no content.xml)")
    content = ElementTree.fromstring(archive.read("content.xml"))
    body = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise DocumentError(display, "not an OpenDocument text file (no office:text)")
    kept: List[Tuple[str, str]] = []
    heading = ""
    for text, kind in _odt_blocks(body):
        text = tidy(text)
        if not text:
            continue
        if kind == "h" and not heading:
            heading = one_line(text)
        kept.append((text, kind))
    fixed, encoding = encodings.fix(tidy(join_blocks(kept)))
    extracted = Extracted(text=fixed)
    extra: Dict[str, str] = {}
    title = author = ""
    created = modified = None
    try:
        meta = ElementTree.fromstring(archive.read("meta.xml")).find(_OFFICE + "meta")
    except Exception:  # no or damaged metadata: the text is still worth having
        meta = None
    if meta is not None:
        title = one_line(meta.findtext(_DC + "title"))
        author = one_line(meta.findtext(_META + "initial-creator") or meta.findtext(_DC + "creator"))
        created = value_date(meta.findtext(_META + "creation-date"))
        modified = value_date(meta.findtext(_DC + "date"))
    extracted.title = fix_legacy_title(title, encoding) or fix_legacy_title(heading, encoding)
    if encoding:
        extra["encoding"] = encoding
    return with_properties(extracted, extra, author, created, modified, encoding)
