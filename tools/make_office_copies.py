"""Make the Word (.docx) and PDF copies of some bundled reports in the national layout.

The copies are committed: indexing the corpus needs neither this script nor its
libraries. Run it again after changing a source report:

    pip install python-docx fpdf2 && python tools/make_office_copies.py

Each source is a text file laid out as such reports are typed: the header and the
signature block in two columns (three or more spaces between them), the body between.
The .docx puts the two columns in borderless tables, as Word templates for the national
layout do; the PDF draws them side by side with an embedded DejaVu font, so a PDF
reader's text layer runs the columns together on one line, as real PDFs do.
"""
from __future__ import annotations

import datetime
import re
import sys
from pathlib import Path
from typing import List, Tuple

HERE = Path(__file__).resolve().parent.parent / "corpus"
SOURCES = [
    "2023/ha-giang-bao-cao-quyen-con-nguoi-2023.txt",
    "2023/hau-giang-tb-ket-luan-tap-huan.txt",
]
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_GAP = re.compile(r"\s{3,}")

Rows = List[Tuple[str, str]]
_DATE_LINE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


def signed_on(header: Rows) -> datetime.datetime:
    """The date of the header's place-and-date line: the file's own dates say the same,
    as they do when an office saves the report it signs (not the library's template dates)."""
    for row in header:
        for cell in row:
            found = _DATE_LINE.search(cell)
            if found:
                day, month, year = (int(part) for part in found.groups())
                return datetime.datetime(year, month, day, 8, 0, tzinfo=datetime.timezone.utc)
    raise SystemExit("no 'ngày … tháng … năm …' line in the header")


def split_layout(text: str) -> Tuple[Rows, List[str], Rows]:
    """(header rows, body paragraphs, signature rows) of a source report: rows are
    (left column, right column) lines."""
    lines = text.split("\n")
    signature_at = next(i for i, line in enumerate(lines)
                        if line.startswith(("Nơi nhận", "THƯ KÝ")))
    header_end = next(i for i, line in enumerate(lines) if line.strip() and not _GAP.search(line.strip())
                      and i > 0)
    header: Rows = []
    for line in lines[:header_end]:
        if line.strip():
            parts = _GAP.split(line.strip(), 1)
            header.append((parts[0], parts[1] if len(parts) > 1 else ""))
    body = [line for line in lines[header_end:signature_at] if line.strip()]
    signature: Rows = []
    for line in lines[signature_at:]:
        if not line.strip():
            continue
        if line.startswith(" "):
            signature.append(("", line.strip()))
        else:
            parts = _GAP.split(line.strip(), 1)
            signature.append((parts[0], parts[1] if len(parts) > 1 else ""))
    return header, body, signature


def write_docx(path: Path, header: Rows, body: List[str], signature: Rows) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    for rows in (header, None, signature):
        if rows is None:
            for index, paragraph in enumerate(body):
                para = document.add_paragraph(paragraph)
                if index < 2:  # the type and the summary line, centred
                    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            continue
        # One row: each column's lines are paragraphs of one cell, as in Word templates.
        table = document.add_table(rows=1, cols=2)
        for column in (0, 1):
            cell = table.rows[0].cells[column]
            lines = [row[column] for row in rows if row[column]]
            cell.paragraphs[0].text = lines[0] if lines else ""
            for line in lines[1:]:
                cell.add_paragraph(line)
            for para in cell.paragraphs:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    properties = document.core_properties
    properties.title = body[0]  # what Word leaves there: "BÁO CÁO"
    properties.author = properties.last_modified_by = header[0][0]  # the issuing office
    properties.created = properties.modified = signed_on(header)
    document.save(str(path))


def write_pdf(path: Path, header: Rows, body: List[str], signature: Rows) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 15, 15)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSerif.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
    pdf.set_creation_date(signed_on(header))
    pdf.add_page()

    def columns(rows: Rows, size: float) -> None:
        pdf.set_font("DejaVu", "B", size)
        for left, right in rows:
            y = pdf.get_y()
            pdf.set_xy(20, y)
            pdf.cell(75, 6, left, align="C")
            pdf.set_xy(95, y)
            pdf.cell(95, 6, right, align="C")
            pdf.ln(6)

    columns(header, 10)
    pdf.ln(4)
    for index, paragraph in enumerate(body):
        pdf.set_font("DejaVu", "B" if index == 0 else "", 11)
        pdf.multi_cell(0, 6, paragraph, align="C" if index < 2 else "J")
        pdf.ln(2)
    pdf.ln(4)
    columns(signature, 10)
    pdf.output(str(path))


def main() -> int:
    for name in SOURCES:
        source = HERE / name
        header, body, signature = split_layout(source.read_text(encoding="utf-8"))
        write_docx(source.with_suffix(".docx"), header, body, signature)
        write_pdf(source.with_suffix(".pdf"), header, body, signature)
        print(f"{source.with_suffix('.docx').relative_to(HERE)}, {source.with_suffix('.pdf').relative_to(HERE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
