"""Text and metadata of Word (.docx), PDF, HTML and OpenDocument (.odt) files.

One reader per format, each taking a file's bytes and returning an Extracted record:
the text (NFC, LF line ends, a blank line between paragraphs, table rows on their
own lines with " | " between cells), the title, dates and author the file declares,
and for PDF where each page starts in that text. documents.read_source turns the
record into a Document the same way it does a .txt file.

The libraries (python-docx, pypdf) are imported inside the readers: the base
install stays light, and a missing one fails that file with a hint to install the
``formats`` extra, not the run. HTML and .odt need only the standard library.
Pre-Unicode Vietnamese (TCVN3, VNI) is decoded here, where the structure is still
known: per run in Word files (the run's font names the encoding), per page in PDFs.
"""
from __future__ import annotations

import functools
import io
import json
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple
from xml.etree import ElementTree

from . import encodings
from ..errors import DocumentError
from ..dates import value_date

__all__ = [
    "Extracted",
    "READERS",
    "read_docx",
    "read_pdf",
    "read_html",
    "read_odt",
    "page_of",
    "NEEDS_OCR",
    "DOC_HINT",
]

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


# ---------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    """NFC, LF, no spaces at line ends, at most one blank line in a row, no edge blanks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def _one_line(text: Optional[str]) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


Reader = Callable[[str, bytes], Extracted]  # (the file as shown to the user, its bytes)


def _guarded(what: str) -> Callable[[Reader], Reader]:
    """A reader whose unexpected failures become a DocumentError for that file.

    The parsers behind the readers raise all kinds of errors on damaged files; an
    index run must report the file and go on, never stop on a traceback.
    """

    def wrap(reader: Reader) -> Reader:
        @functools.wraps(reader)
        def guarded(display: str, data: bytes) -> Extracted:
            try:
                return reader(display, data)
            except DocumentError:
                raise
            except Exception as exc:
                raise DocumentError(display, f"cannot read {what}: {_reason(exc)}") from None

        return guarded

    return wrap


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"


def _needs(display: str, package: str) -> DocumentError:
    return DocumentError(display, f"needs {package}: {INSTALL_HINT}")


def _check_zip(display: str, data: bytes, what: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise DocumentError(display, DOC_HINT) from None  # a .doc renamed .docx
        raise DocumentError(display, f"not a valid {what} file (not a zip archive)") from None
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise DocumentError(display, f"{what} file unpacks to more than 512 MB: refused")
    return archive


def _fix_legacy_title(title: str, encoding: Optional[str]) -> str:
    """A title in the legacy encoding the body was found in, decoded when that helps."""
    if not encoding or not title:
        return title
    result = encodings.score(title, encoding)
    if result.gained > result.lost:
        return encodings.decode(title, encoding)
    return title


# ---------------------------------------------------------------------------
# Word (.docx): paragraphs and tables in reading order, run by run
# ---------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_W_SKIP = {
    _W + name for name in (
        "pPr", "rPr", "del", "delText", "instrText", "drawing", "pict", "object",
        "footnoteReference", "endnoteReference", "commentReference", "sym", "tblPr",
        "tblGrid", "trPr", "tcPr", "sectPr", "moveFrom",
    )
} | {_MC + "Fallback"}
_SEPARATOR = "\x00separator"  # the font of the " | " and " " this module puts between cells


def _font_encoding(font: Optional[str]) -> Optional[str]:
    """The legacy encoding a font name implies: .VnTime, .VnArialH … are TCVN3 (ABC)
    fonts, VNI-Times, VNI-Helve … VNI fonts."""
    if not font or font == _SEPARATOR:
        return None
    name = font.strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith(("vni-", "vni ")):
        return "vni"
    return None


def _is_capitals_font(font: Optional[str]) -> bool:
    """.VnTimeH, .VnArialH: TCVN3 fonts that draw every letter as a capital."""
    return bool(font) and _font_encoding(font) == "tcvn3" and font.rstrip().endswith("H")


class _Styles:
    """Font and name of Word styles, following basedOn, and the document default."""

    def __init__(self, styles_element) -> None:
        self.fonts: Dict[str, Optional[str]] = {}
        self.based_on: Dict[str, str] = {}
        self.names: Dict[str, str] = {}
        self.default_paragraph: Optional[str] = None
        self.default_font: Optional[str] = None
        if styles_element is None:
            return
        for style in styles_element.iter(_W + "style"):
            style_id = style.get(_W + "styleId")
            if not style_id:
                continue
            name = style.find(_W + "name")
            self.names[style_id] = (name.get(_W + "val") if name is not None else "") or ""
            based = style.find(_W + "basedOn")
            if based is not None and based.get(_W + "val"):
                self.based_on[style_id] = based.get(_W + "val")
            self.fonts[style_id] = _rfonts(style.find(_W + "rPr"))
            if style.get(_W + "type") == "paragraph" and style.get(_W + "default") in ("1", "true"):
                self.default_paragraph = style_id
        defaults = styles_element.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        self.default_font = _rfonts(defaults)

    def font(self, style_id: Optional[str]) -> Optional[str]:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            font = self.fonts.get(style_id)
            if font:
                return font
            style_id = self.based_on.get(style_id)
        return None


def _rfonts(rpr) -> Optional[str]:
    if rpr is None:
        return None
    fonts = rpr.find(_W + "rFonts")
    if fonts is None:
        return None
    return fonts.get(_W + "ascii") or fonts.get(_W + "hAnsi") or None


def _val(element, path: str) -> Optional[str]:
    found = element.find(path)
    return found.get(_W + "val") if found is not None else None


def _docx_runs(paragraph, styles: _Styles) -> List[Tuple[str, Optional[str]]]:
    """(text, font) pieces of a paragraph, in order; deleted text and field codes left out."""
    paragraph_style = _val(paragraph, f"{_W}pPr/{_W}pStyle") or styles.default_paragraph
    paragraph_font = styles.font(paragraph_style) or styles.default_font
    pieces: List[Tuple[str, Optional[str]]] = []

    def walk(element, font: Optional[str]) -> None:
        for child in element:
            tag = child.tag
            if tag in _W_SKIP:
                continue
            if tag == _W + "r":
                rpr = child.find(_W + "rPr")
                run_font = _rfonts(rpr)
                if run_font is None and rpr is not None:
                    run_font = styles.font(_val(rpr, _W + "rStyle"))
                walk(child, run_font or paragraph_font)
            elif tag == _W + "t":
                pieces.append((child.text or "", font))
            elif tag == _W + "tab":
                pieces.append(("\t", font))
            elif tag in (_W + "br", _W + "cr"):
                pieces.append(("\n", font))
            elif tag == _W + "noBreakHyphen":
                pieces.append(("-", font))
            elif tag in (_W + "p", _W + "tbl"):
                continue  # text boxes and the like: not part of the running text
            else:
                walk(child, font)  # hyperlinks, insertions, content controls, fields

    walk(paragraph, paragraph_font)
    return pieces


def _docx_blocks(body) -> Iterator[Tuple[str, object]]:
    """("p", paragraph) and ("tbl", table) elements of a body or cell, in reading order."""
    for child in body:
        if child.tag == _W + "p":
            yield "p", child
        elif child.tag == _W + "tbl":
            yield "tbl", child
        elif child.tag in (_W + "sdt", _W + "customXml"):
            content = child.find(_W + "sdtContent")
            yield from _docx_blocks(content if content is not None else child)


@dataclass
class _Block:
    pieces: List[Tuple[str, Optional[str]]]
    kind: str  # "p" or "row"
    style: Optional[str] = None


def _docx_collect(body, styles: _Styles) -> List[_Block]:
    blocks: List[_Block] = []
    for kind, element in _docx_blocks(body):
        if kind == "p":
            style = _val(element, f"{_W}pPr/{_W}pStyle")
            blocks.append(_Block(_docx_runs(element, styles), "p", style))
            continue
        for row in element.iter(_W + "tr"):  # a nested table's rows follow their row
            cells: List[List[Tuple[str, Optional[str]]]] = []
            for cell in row:
                if cell.tag == _W + "sdt":
                    cell = cell.find(f"{_W}sdtContent/{_W}tc")
                if cell is None or cell.tag != _W + "tc":
                    continue
                merged = cell.find(f"{_W}tcPr/{_W}vMerge")
                if merged is not None and merged.get(_W + "val") in (None, "continue"):
                    continue  # the lower part of a vertically merged cell repeats nothing
                pieces: List[Tuple[str, Optional[str]]] = []
                for inner_kind, inner in _docx_blocks(cell):
                    if inner_kind != "p":
                        continue  # a nested table's rows come from element.iter above
                    runs = _docx_runs(inner, styles)
                    if "".join(text for text, _ in runs).strip():
                        if pieces:
                            pieces.append((" ", _SEPARATOR))
                        pieces.extend(runs)
                if pieces:
                    cells.append(pieces)
            row_pieces: List[Tuple[str, Optional[str]]] = []
            for cell_pieces in cells:
                if row_pieces:
                    row_pieces.append((" | ", _SEPARATOR))
                row_pieces.extend(cell_pieces)
            if row_pieces:
                blocks.append(_Block(row_pieces, "row"))
    return blocks


def _decode_docx_blocks(blocks: List[_Block]) -> Tuple[List[str], Optional[str]]:
    """Each block's text, with runs in TCVN3/VNI decoded; and the encoding found.

    A run's font names its encoding (.VnTime → TCVN3, VNI-Times → VNI); text in other
    fonts is decoded when the document as a whole is detected as legacy. Either way a
    run whose words decoding would break (Unicode text in a .Vn font) is left alone.
    """
    plain = " ".join(
        text for block in blocks for text, font in block.pieces if _font_encoding(font) is None
    )
    document_encoding = encodings.detect(plain)
    used: Dict[str, int] = {}
    texts: List[str] = []
    for block in blocks:
        groups: List[Tuple[Optional[str], List[str]]] = []
        for text, font in block.pieces:
            encoding = _font_encoding(font)
            if encoding is None and font != _SEPARATOR:
                encoding = document_encoding
            if encoding is not None:
                result = encodings.score(text, encoding)
                if result.lost > result.gained:
                    encoding = None
            if encoding is not None and _is_capitals_font(font):
                text = encodings.decode(text, encoding).upper()
                used[encoding] = used.get(encoding, 0) + len(text)
                encoding = None
            if groups and groups[-1][0] == encoding:
                groups[-1][1].append(text)
            else:
                groups.append((encoding, [text]))
        out = []
        for encoding, parts in groups:
            joined = "".join(parts)
            if encoding is not None and not joined.isascii():
                decoded = encodings.decode(joined, encoding)
                if decoded != joined:
                    used[encoding] = used.get(encoding, 0) + len(joined)
                joined = decoded
            out.append(joined)
        texts.append("".join(out))
    found = max(used, key=lambda name: used[name]) if used else None
    return texts, found


@_guarded("Word file")
def read_docx(display: str, data: bytes) -> Extracted:
    """A Word .docx file: paragraphs and table rows in order, core properties."""
    try:
        import docx  # python-docx
    except ImportError:
        raise _needs(display, "python-docx") from None
    _check_zip(display, data, "Word .docx")
    document = docx.Document(io.BytesIO(data))
    try:
        styles = _Styles(document.styles.element)
    except Exception:  # a document without a styles part
        styles = _Styles(None)
    blocks = _docx_collect(document.element.body, styles)
    texts, encoding = _decode_docx_blocks(blocks)
    parts: List[str] = []
    heading = ""
    previous_kind = ""
    for block, text in zip(blocks, texts):
        text = _tidy(text)
        if not text.strip():
            continue
        if not heading and block.kind == "p" and block.style:
            name = styles.names.get(block.style, "").lower()
            if block.style in ("Title", "Heading1") or name in ("title", "heading 1"):
                heading = _one_line(text)
        if parts:
            parts.append("\n" if block.kind == "row" and previous_kind == "row" else "\n\n")
        parts.append(text)
        previous_kind = block.kind
    extracted = Extracted(text=_tidy("".join(parts)))
    core = document.core_properties
    extra: Dict[str, str] = {}
    if encoding:
        extra["encoding"] = encoding
    try:
        title = _one_line(core.title)
        author = _one_line(core.author)
        created = value_date(core.created)
        modified = value_date(core.modified)
    except Exception:  # malformed core properties are no reason to lose the text
        title = author = ""
        created = modified = None
    extracted.title = _fix_legacy_title(title, encoding) or heading
    return _with_properties(extracted, extra, author, created, modified, encoding)


# ---------------------------------------------------------------------------
# PDF: the text layer, page by page
# ---------------------------------------------------------------------------

# Titles that name the file or the tool, not the document.
_JUNK_TITLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel) - .*|untitled.*|document\d*|.*\.(?:docx?|pdf|odt|rtf))$",
    re.I,
)


@_guarded("PDF")
def read_pdf(display: str, data: bytes) -> Extracted:
    """A PDF's text layer, page by page; extra["pages"] holds each page's start offset."""
    try:
        import pypdf
    except ImportError:
        raise _needs(display, "pypdf") from None
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
    page_texts = [_tidy(text) for text in page_texts]
    if not any(text.strip() for text in page_texts):
        raise DocumentError(display, NEEDS_OCR)
    encoding = encodings.detect("\n\n".join(page_texts))
    if encoding:
        page_texts = [_tidy(encodings.decode(text, encoding)) for text in page_texts]
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
        title = _one_line(info.title) if info else ""
        author = _one_line(info.author) if info else ""
        raw_created = info.get("/CreationDate") if info else None
    except Exception:
        title, author, raw_created = "", "", None
    if title and not _JUNK_TITLE.match(title):
        extracted.title = _fix_legacy_title(title, encoding)
    if author:
        extra["author"] = _fix_legacy_title(author, encoding)
    created = value_date(raw_created)
    if created:
        extra["created"] = created
    extracted.file_date = created
    extracted.extra = extra
    return extracted


# ---------------------------------------------------------------------------
# HTML: the main text of a saved page, without its menus, headers and footers
# ---------------------------------------------------------------------------

_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
_BLOCK = frozenset(
    """address article aside blockquote caption dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre
    section summary table tbody td tfoot th thead tr ul body html""".split()
)
_DROP_TAGS = frozenset(
    """script style noscript template svg canvas iframe object embed form nav aside button
    select textarea input head dialog menu""".split()
)
_CHROME = re.compile(r"(?:^|[^a-z])(menu|nav|breadcrumb|footer|header|sidebar|share|comment)")
_INLINE_TAGS = frozenset(
    "a abbr b bdi bdo cite code data dfn em font i kbd mark q s samp small span strong sub sup time u var".split()
)


class _Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag: str, attrs: Dict[str, str], parent: "Optional[_Node]") -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: List[object] = []  # _Node or str
        self.parent = parent

    def iter(self) -> Iterator["_Node"]:
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed([c for c in node.children if isinstance(c, _Node)]))

    def text(self) -> str:
        return "".join(
            child if isinstance(child, str) else child.text() for child in self.children
        )


class _TreeBuilder(HTMLParser):
    """A forgiving tree: unclosed <p>, <li>, <td> close where HTML says they do."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#document", {}, None)
        self.current = self.root

    def _close_upto(self, tag: str, stop: Sequence[str]) -> None:
        node: Optional[_Node] = self.current
        while node is not None and node is not self.root:
            if node.tag == tag:
                self.current = node.parent or self.root
                return
            if node.tag in stop:
                return
            node = node.parent

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        if tag == "li":
            self._close_upto("li", ("ul", "ol", "menu"))
        elif tag in ("td", "th"):
            self._close_upto("td", ("tr", "table"))
            self._close_upto("th", ("tr", "table"))
        elif tag == "tr":
            self._close_upto("tr", ("table", "tbody", "thead", "tfoot"))
        elif tag in ("dt", "dd"):
            self._close_upto("dt", ("dl",))
            self._close_upto("dd", ("dl",))
        if tag in _BLOCK:
            # A block ends an open <p> (inline elements in between close with it).
            node: Optional[_Node] = self.current
            while node is not None and (node.tag in _INLINE_TAGS or node.tag == "p"):
                if node.tag == "p":
                    self.current = node.parent or self.root
                    break
                node = node.parent
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.current.tag == tag:
            self.current = self.current.parent or self.root

    def handle_endtag(self, tag: str) -> None:
        node: Optional[_Node] = self.current
        while node is not None and node is not self.root:
            if node.tag == tag:
                self.current = node.parent or self.root
                return
            node = node.parent  # an end tag with no open element is ignored

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def _html_charset(data: bytes) -> Optional[str]:
    head = data[:4096].decode("ascii", "replace")
    match = re.search(r"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", head, re.I)
    return match.group(1).lower() if match else None


def _html_text_of_bytes(display: str, data: bytes) -> str:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, "replace")
    declared = _html_charset(data)
    candidates = [declared] if declared else []
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    # No declaration that works and not UTF-8: what browsers assume, Windows-1252 (the
    # byte view, so a TCVN3 or VNI page is still decoded later).
    return encodings.bytes_view(data)


def _classes(node: _Node) -> str:
    return (node.attrs.get("class", "") + " " + node.attrs.get("id", "")).lower()


def _is_chrome(node: _Node, in_article: bool) -> bool:
    if node.tag in _DROP_TAGS or node.tag == "footer":
        return True
    if node.tag == "header" and not in_article:
        return True
    if node.attrs.get("role") in ("navigation", "banner", "contentinfo", "complementary", "search"):
        return True
    if node.attrs.get("hidden") is not None or node.attrs.get("aria-hidden") == "true":
        return True
    for match in _CHROME.finditer(_classes(node)):
        # An article's own header holds its title and lead: kept inside the article.
        if not (in_article and match.group(1) == "header"):
            return True
    return False


class _Renderer:
    """Text of a subtree: a blank line between blocks, one line per table row and list item."""

    def __init__(self, in_article: bool) -> None:
        self.in_article = in_article
        self.inline = 0  # inside a table cell or list item, blocks only add a space
        self.blocks: List[Tuple[str, str]] = []  # (text, kind)
        self.line: List[str] = []
        self.kind = "p"

    def flush(self, kind: Optional[str] = None) -> None:
        text = "".join(self.line)
        lines = [_SPACES.sub(" ", part).strip() for part in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append((text, self.kind))
        self.line = []
        self.kind = kind or "p"

    def render(self, node: _Node, pre: bool = False) -> None:
        for child in node.children:
            if isinstance(child, str):
                self.line.append(child if pre else re.sub(r"\s+", " ", child))
                continue
            if _is_chrome(child, self.in_article):
                continue
            tag = child.tag
            if tag == "br":
                self.line.append("\n")
            elif tag in ("td", "th"):
                if self.line and "".join(self.line).strip():
                    self.line.append(" | ")
                self.inline += 1
                self.render(child, pre)
                self.inline -= 1
            elif tag in ("tr", "li") and not self.inline:
                self.flush("row" if tag == "tr" else "item")
                self.inline += tag == "li"
                self.render(child, pre)
                self.inline -= tag == "li"
                self.flush()
            elif (tag in _BLOCK or tag == "pre") and self.inline:
                self.line.append(" ")
                self.render(child, pre or tag == "pre")
                self.line.append(" ")
            elif tag in _BLOCK or tag == "pre":
                self.flush()
                self.render(child, pre or tag == "pre")
                self.flush()
            elif tag == "img":
                continue
            else:
                self.render(child, pre)

    def text(self) -> str:
        self.flush()
        parts: List[str] = []
        previous = ""
        for text, kind in self.blocks:
            if parts:
                parts.append("\n" if kind == previous and kind in ("row", "item") else "\n\n")
            parts.append(text)
            previous = kind
        return _tidy("".join(parts))


def _meta(nodes: Sequence[_Node]) -> Dict[str, str]:
    """<meta> values by lowercased property / name / itemprop (the first of each wins)."""
    found: Dict[str, str] = {}
    for node in nodes:
        if node.tag != "meta":
            continue
        key = node.attrs.get("property") or node.attrs.get("name") or node.attrs.get("itemprop")
        value = node.attrs.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), value.strip())
    return found


def _json_ld(nodes: Sequence[_Node]) -> Iterator[dict]:
    for node in nodes:
        if node.tag == "script" and "ld+json" in node.attrs.get("type", ""):
            try:
                data = json.loads(node.text())
            except ValueError:
                continue
            stack = [data]
            while stack:
                item = stack.pop()
                if isinstance(item, list):
                    stack.extend(item)
                elif isinstance(item, dict):
                    yield item
                    stack.extend(v for k, v in item.items() if k == "@graph")


_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "date", "dc.date.issued", "dc.date", "dcterms.issued", "dcterms.created",
)


def _html_date(nodes: Sequence[_Node], meta: Dict[str, str], root: _Node) -> Optional[str]:
    for key in _DATE_KEYS[:3]:
        if key in meta and value_date(meta[key]):
            return value_date(meta[key])
    for item in _json_ld(nodes):
        found = value_date(item.get("datePublished")) if isinstance(item.get("datePublished"), str) else None
        if found:
            return found
    for node in nodes:
        if node.attrs.get("itemprop", "").lower() == "datepublished":
            found = value_date(node.attrs.get("datetime") or node.attrs.get("content") or node.text())
            if found:
                return found
    for key in _DATE_KEYS[3:]:
        if key in meta and value_date(meta[key]):
            return value_date(meta[key])
    for node in root.iter():
        if node.tag == "time" and node.attrs.get("datetime"):
            found = value_date(node.attrs["datetime"])
            if found:
                return found
    return None


def _main_root(document: _Node) -> Tuple[_Node, bool]:
    """The element holding the page's main text, and whether it is an article or main."""

    def visible(node: _Node) -> bool:
        parent = node.parent
        while parent is not None:
            if parent.tag in _DROP_TAGS or parent.tag in ("header", "footer"):
                return False
            parent = parent.parent
        return True

    nodes = list(document.iter())
    articles = [n for n in nodes if n.tag == "article" and visible(n)]
    if articles:
        return max(articles, key=lambda n: len(" ".join(n.text().split()))), True
    for node in nodes:
        if (node.tag == "main" or node.attrs.get("role") == "main") and visible(node):
            return node, True
    body = next((n for n in nodes if n.tag == "body"), document)
    return body, False


@_guarded("HTML")
def read_html(display: str, data: bytes) -> Extracted:
    """A saved web page: the main text (article or main when present), minus menus,
    headers, footers and sidebars; the title and publication date from its metadata."""
    source = _html_text_of_bytes(display, data)
    builder = _TreeBuilder()
    try:
        builder.feed(source)
        builder.close()
    except Exception as exc:  # html.parser is forgiving; this is a last resort
        raise DocumentError(display, f"cannot read HTML: {_reason(exc)}") from None
    document = builder.root
    nodes = list(document.iter())
    meta = _meta(nodes)
    root, in_article = _main_root(document)
    renderer = _Renderer(in_article)
    renderer.render(root)
    text, encoding = encodings.fix(renderer.text())
    if not text.strip():
        raise DocumentError(display, "no text in the page")
    extracted = Extracted(text=text)
    title = meta.get("og:title", "")
    if not title:
        heading = next((n for n in root.iter() if n.tag == "h1"), None)
        title = heading.text() if heading is not None else ""
    if not title:
        tag = next((n for n in nodes if n.tag == "title"), None)
        title = tag.text() if tag is not None else ""
    extracted.title = _fix_legacy_title(_one_line(title), encoding)
    extracted.date = _html_date(nodes, meta, root)
    extra: Dict[str, str] = {}
    author = meta.get("author") or meta.get("article:author", "")
    if author and not author.startswith("http"):
        extra["author"] = _fix_legacy_title(_one_line(author), encoding)
    canonical = next(
        (n.attrs.get("href") for n in nodes if n.tag == "link"
         and "canonical" in n.attrs.get("rel", "").lower().split() and n.attrs.get("href")),
        None,
    )
    url = canonical or meta.get("og:url")
    if url:
        extra["url"] = url.strip()
    if encoding:
        extra["encoding"] = encoding
    extracted.extra = extra
    return extracted


# ---------------------------------------------------------------------------
# OpenDocument text (.odt): the standard library reads it
# ---------------------------------------------------------------------------

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


@_guarded("OpenDocument file")
def read_odt(display: str, data: bytes) -> Extracted:
    """An OpenDocument text file: paragraphs, lists and tables; title, author, dates."""
    archive = _check_zip(display, data, "OpenDocument .odt")
    if "content.xml" not in archive.namelist():
        raise DocumentError(display, "not an OpenDocument file (no content.xml)")
    content = ElementTree.fromstring(archive.read("content.xml"))
    body = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise DocumentError(display, "not an OpenDocument text file (no office:text)")
    parts: List[str] = []
    previous = ""
    heading = ""
    for text, kind in _odt_blocks(body):
        text = _tidy(text)
        if not text:
            continue
        if kind == "h" and not heading:
            heading = _one_line(text)
        if parts:
            parts.append("\n" if kind == previous and kind in ("row", "item") else "\n\n")
        parts.append(text)
        previous = kind
    fixed, encoding = encodings.fix(_tidy("".join(parts)))
    extracted = Extracted(text=fixed)
    extra: Dict[str, str] = {}
    title = author = ""
    created = modified = None
    try:
        meta = ElementTree.fromstring(archive.read("meta.xml")).find(_OFFICE + "meta")
    except Exception:  # no or damaged metadata: the text is still worth having
        meta = None
    if meta is not None:
        title = _one_line(meta.findtext(_DC + "title"))
        author = _one_line(meta.findtext(_META + "initial-creator") or meta.findtext(_DC + "creator"))
        created = value_date(meta.findtext(_META + "creation-date"))
        modified = value_date(meta.findtext(_DC + "date"))
    extracted.title = _fix_legacy_title(title, encoding) or _fix_legacy_title(heading, encoding)
    if encoding:
        extra["encoding"] = encoding
    return _with_properties(extracted, extra, author, created, modified, encoding)


def _with_properties(extracted, extra: dict, author: str, created: Optional[str],
                     modified: Optional[str], encoding: Optional[str]):
    """Author and dates of a document's own properties into ``extra``; its file date."""
    if author:
        extra["author"] = _fix_legacy_title(author, encoding)
    if created:
        extra["created"] = created
    if modified:
        extra["modified"] = modified
    extracted.file_date = created or modified
    extracted.extra = extra
    return extracted


READERS: Dict[str, Reader] = {
    "docx": read_docx,
    "pdf": read_pdf,
    "html": read_html,
    "odt": read_odt,
}
