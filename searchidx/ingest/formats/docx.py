"""Word (.docx): paragraphs and tables in reading order, run by run.

python-docx is imported when a .docx is read, so the base install stays light. The
text is walked in the XML itself (not python-docx's paragraph objects) to keep table
rows in place and each run's font, which names a pre-Unicode encoding when it is a
TCVN3 (.VnTime) or VNI (VNI-Times) font: such runs are decoded here.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Tuple

from .. import encodings
from ...dates import value_date
from .common import (
    Extracted,
    check_zip,
    fix_legacy_title,
    guarded,
    join_blocks,
    needs,
    one_line,
    tidy,
    with_properties,
)

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
        if _is_layout_table(element, styles):
            blocks.extend(_layout_table_blocks(element, styles))
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


# A table that only lays out an official document's header or signature in two columns
# (issuing body | national motto, number | place and date, "Nơi nhận:" | signer).
_LAYOUT_MARKS = ("cong hoa xa hoi chu nghia viet nam", "dang cong san viet nam", "noi nhan",
                 "doc lap - tu do")


def _cell_paragraphs(table, styles: _Styles) -> Iterator[List[Tuple[str, Optional[str]]]]:
    for row in table.iter(_W + "tr"):
        for cell in row:
            if cell.tag == _W + "sdt":
                cell = cell.find(f"{_W}sdtContent/{_W}tc")
            if cell is None or cell.tag != _W + "tc":
                continue
            for kind, inner in _docx_blocks(cell):
                if kind == "p":
                    yield _docx_runs(inner, styles)


def _is_layout_table(table, styles: _Styles) -> bool:
    from ...analysis.normalize import fold

    rows = table.findall(_W + "tr")
    if not rows or len(rows) > 4:
        return False
    text = " ".join(t for runs in _cell_paragraphs(table, styles) for t, _ in runs)
    folded = " ".join(fold(text).lower().split())
    return any(mark in folded for mark in _LAYOUT_MARKS)


def _layout_table_blocks(table, styles: _Styles) -> List[_Block]:
    """Each paragraph of each cell on a line of its own, cell after cell: the text the
    national layout's reader takes in (ingest.metadata.national)."""
    return [_Block(runs, "row") for runs in _cell_paragraphs(table, styles)
            if "".join(t for t, _ in runs).strip()]


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


@guarded("Word file")
def read_docx(display: str, data: bytes) -> Extracted:
    """A Word .docx file: paragraphs and table rows in order, core properties."""
    try:
        import docx  # python-docx
    except ImportError:
        raise needs(display, "python-docx") from None
    check_zip(display, data, "Word .docx")
    document = docx.Document(io.BytesIO(data))
    try:
        styles = _Styles(document.styles.element)
    except Exception:  # a document without a styles part
        styles = _Styles(None)
    blocks = _docx_collect(document.element.body, styles)
    texts, encoding = _decode_docx_blocks(blocks)
    kept: List[Tuple[str, str]] = []
    heading = ""
    for block, text in zip(blocks, texts):
        text = tidy(text)
        if not text.strip():
            continue
        if not heading and block.kind == "p" and block.style:
            name = styles.names.get(block.style, "").lower()
            if block.style in ("Title", "Heading1") or name in ("title", "heading 1"):
                heading = one_line(text)
        kept.append((text, block.kind))
    extracted = Extracted(text=tidy(join_blocks(kept)))
    core = document.core_properties
    extra: Dict[str, str] = {}
    if encoding:
        extra["encoding"] = encoding
    try:
        title = one_line(core.title)
        author = one_line(core.author)
        created = value_date(core.created)
        modified = value_date(core.modified)
    except Exception:  # malformed core properties are no reason to lose the text
        title = author = ""
        created = modified = None
    extracted.title = fix_legacy_title(title, encoding) or heading
    return with_properties(extracted, extra, author, created, modified, encoding)
