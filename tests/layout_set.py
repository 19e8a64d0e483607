"""The labelled set of official documents and news write-ups (tests/data/layout), rendered
in every format the layout reader must handle, and scored field by field.

Used by tests/test_official.py and bench/layout.py. A document's text is written by us
in the national layout (columns apart by a tab or three spaces) or as a news story; the
renderers make from it what offices send: a Word file whose header and signature are
two-column tables, a PDF whose columns stand side by side on the page, an HTML page.
"""
from __future__ import annotations

import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
LAYOUT_DIR = HERE / "data" / "layout"
SEEDS = HERE.parent.parent / "shared" / "data" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/data/seeds")
FIELDS = ("people", "agencies", "type", "number", "signer")
_GAP = re.compile(r"\t+| {3,}")
_TYPE_LINE = re.compile(r"^(?:BÁO CÁO|BIÊN BẢN|THÔNG BÁO(?: KẾT LUẬN)?|NGHỊ QUYẾT|KẾ HOẠCH|TỜ TRÌNH"
                        r"|QUYẾT ĐỊNH|CÔNG VĂN)$")

Rows = List[Tuple[str, str]]


def labels() -> Dict[str, dict]:
    data = json.loads((LAYOUT_DIR / "labels.json").read_text(encoding="utf-8"))
    data.pop("_about", None)
    return data


def split_layout(text: str) -> Tuple[Rows, List[str], Rows]:
    """(header rows, body paragraphs, signature rows): rows are (left, right) columns."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _TYPE_LINE.match(line.strip())]
    head_end = starts[0] if starts else 0
    sign = [i for i, line in enumerate(lines) if line.strip().startswith(("Nơi nhận", "THƯ KÝ"))]
    sign_at = sign[-1] if sign else len(lines)

    def rows(part: List[str]) -> Rows:
        out: Rows = []
        for line in part:
            if not line.strip():
                continue
            if line.startswith((" ", "\t")) and not line.startswith("\t\t"):
                out.append(("", line.strip()))
                continue
            pieces = _GAP.split(line.strip(), 1)
            out.append((pieces[0], pieces[1] if len(pieces) > 1 else ""))
        return out

    body = [line.strip() for line in lines[head_end:sign_at] if line.strip()]
    return rows(lines[:head_end]), body, rows(lines[sign_at:])


def to_docx(text: str) -> bytes:
    import docx

    header, body, signature = split_layout(text)
    document = docx.Document()
    for part in (header, None, signature):
        if part is None:
            for paragraph in body:
                document.add_paragraph(paragraph)
            continue
        if not part:
            continue
        table = document.add_table(rows=1, cols=2)
        for column in (0, 1):
            cell = table.rows[0].cells[column]
            lines = [row[column] for row in part if row[column]]
            cell.paragraphs[0].text = lines[0] if lines else ""
            for line in lines[1:]:
                cell.add_paragraph(line)
    document.core_properties.title = body[0] if body else ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_html(text: str) -> bytes:
    from html import escape

    header, body, signature = split_layout(text)

    def table(part: Rows) -> str:
        cells = []
        for column in (0, 1):
            lines = [row[column] for row in part if row[column]]
            cells.append("<td>" + "".join(f"<p>{escape(line)}</p>" for line in lines) + "</td>")
        return "<table><tr>" + "".join(cells) + "</tr></table>\n"

    page = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>Văn bản</title></head><body>"]
    if header:
        page.append(table(header))
    page += [f"<p>{escape(paragraph)}</p>\n" for paragraph in body]
    if signature:
        page.append(table(signature))
    page.append("</body></html>")
    return "".join(page).encode("utf-8")


def to_odt(text: str) -> bytes:
    """An OpenDocument text: header and signature as two-cell tables, the body paragraphs."""
    import zipfile
    from html import escape

    header, body, signature = split_layout(text)

    def table(part: Rows) -> str:
        cells = "".join(
            "<table:table-cell>" + "".join(f"<text:p>{escape(row[c])}</text:p>" for row in part if row[c])
            + "</table:table-cell>" for c in (0, 1))
        return f"<table:table><table:table-row>{cells}</table:table-row></table:table>"

    content = (table(header) if header else "") + "".join(
        f"<text:p>{escape(p)}</text:p>" for p in body) + (table(signature) if signature else "")
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
                         f"{ns}><office:body><office:text>{content}</office:text></office:body>"
                         "</office:document-content>")
    return out.getvalue()


def to_pdf(text: str) -> bytes:
    """A one- or two-page PDF: header and signature columns side by side on the page (a
    text extractor runs them together on one line), the body wrapped at 90 characters.
    Each character has a one-byte code in a base-14 font and a ToUnicode entry."""
    header, body, signature = split_layout(text)
    placed: List[List[Tuple[float, str]]] = []  # per line: (x, text) pieces
    for left, right in header:
        placed.append([(50, left), (320, right)])
    for paragraph in body:
        words, line = paragraph.split(), ""
        for word in words:
            if len(line) + len(word) + 1 > 90:
                placed.append([(50, line)])
                line = word
            else:
                line = f"{line} {word}".strip()
        placed.append([(50, line)])
    for left, right in signature:
        placed.append([(50, left), (320, right)])
    chars = sorted({c for line in placed for _, t in line for c in t} - {" "})
    if len(chars) > 220:
        raise ValueError("too many distinct characters for one-byte codes")
    codes = {" ": 0x20}
    codes.update({c: 0x21 + i for i, c in enumerate(chars)})
    pages = [placed[i:i + 45] for i in range(0, len(placed), 45)]
    objects: List[bytes] = []

    def add(body_: bytes) -> int:
        objects.append(body_)
        return len(objects)

    def stream(data: bytes) -> bytes:
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            + b"%d beginbfchar\n" % len(codes)
            + b"".join(b"<%02X> <%s>\n" % (code, c.encode("utf-16-be").hex().upper().encode())
                       for c, code in codes.items())
            + b"endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end")
    to_unicode = add(stream(cmap))
    widths = b" ".join(b"500" for _ in range(0x20, 0x100))
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 255 "
               b"/Widths [" + widths + b"] /ToUnicode %d 0 R >>" % to_unicode)
    pages_id = len(objects) + 1 + 2 * len(pages)
    page_ids = []
    for lines in pages:
        ops = [b"BT /F1 9 Tf"]
        y = 800.0
        for line in lines:
            for x, piece in line:
                if piece:
                    ops.append(b"1 0 0 1 %.1f %.1f Tm <%s> Tj" % (
                        x, y, bytes(codes[c] for c in piece).hex().upper().encode()))
            y -= 16
        ops.append(b"ET")
        content = add(stream(b"\n".join(ops)))
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_id, content, font)))
    add(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % i for i in page_ids)
        + b"] /Count %d >>" % len(page_ids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, catalog, xref))
    return out.getvalue()


RENDERERS = {"docx": to_docx, "pdf": to_pdf, "html": to_html, "odt": to_odt}


@dataclass
class Case:
    name: str  # file name (and format), as reported
    fmt: str
    data: bytes
    label: dict = field(default_factory=dict)


def cases(seeds: Optional[Path] = None) -> Iterator[Case]:
    """Every labelled document in every format it is labelled for; the seeds when present."""
    seeds = seeds or SEEDS
    for name, label in labels().items():
        if name.startswith("seed:"):
            found = sorted(seeds.glob(name[5:] + "*.txt")) if seeds.is_dir() else []
            if found:
                yield Case(found[0].name, "txt", found[0].read_bytes(), label)
            continue
        text = (LAYOUT_DIR / name).read_text(encoding="utf-8")
        yield Case(name, "txt", text.encode("utf-8"), label)
        for fmt in label.get("also", []):
            yield Case(name.rsplit(".", 1)[0] + "." + fmt, fmt, RENDERERS[fmt](text), label)


def read_case(case: Case, folder: Path):
    """The Document the index would make of the case's file."""
    from searchidx.ingest.documents import SourceFile, read_source

    path = folder / case.name
    path.write_bytes(case.data)
    documents, _ = read_source(SourceFile(str(path), case.name, case.fmt))
    return documents[0]


def key(value: str) -> str:
    """How values are compared: NFC, case and spacing aside (marks count)."""
    return " ".join(unicodedata.normalize("NFC", value).lower().split())


def predicted(doc) -> Dict[str, object]:
    return {"people": doc.people, "agencies": doc.agencies, "type": doc.doc_type,
            "number": doc.number, "signer": doc.signer}


def score(pairs) -> Dict[str, Dict[str, float]]:
    """Precision and recall per field over (label, predicted) pairs. A single-valued field
    counts a true positive when it equals the label, a false positive when it is given and
    differs, a false negative when the label has one and it is not found."""
    counts = {name: [0, 0, 0] for name in FIELDS}  # tp, fp, fn
    for label, found in pairs:
        for name in FIELDS:
            if name in ("people", "agencies"):
                want = {key(v) for v in label.get(name, [])}
                got = {key(v) for v in found[name]}
                tp = len(want & got)
                counts[name][0] += tp
                counts[name][1] += len(got) - tp
                counts[name][2] += len(want) - tp
            else:
                want, got = key(label.get(name, "")), key(str(found[name] or ""))
                if want and got == want:
                    counts[name][0] += 1
                else:
                    counts[name][1] += 1 if got else 0
                    counts[name][2] += 1 if want else 0
    out = {}
    for name, (tp, fp, fn) in counts.items():
        out[name] = {"precision": tp / (tp + fp) if tp + fp else 1.0,
                     "recall": tp / (tp + fn) if tp + fn else 1.0, "tp": tp, "fp": fp, "fn": fn}
    return out
