"""Word, PDF, HTML and OpenDocument files, and legacy-encoded text, end to end.

Every fixture is made here: .docx with python-docx, PDFs by a small writer below
(text drawn in a base font with a ToUnicode map, so no font file is needed), HTML
and .odt by hand, TCVN3 and VNI files with the test encoder (legacy_encoder.py).
"""
from __future__ import annotations

import datetime
import io
import sys
import unicodedata
import zipfile
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from legacy_encoder import encode, view_bytes
from searchidx.ingest import formats
from searchidx.ingest.documents import SourceFile, Skipped, discover, read_source
from searchidx.errors import DocumentError
from searchidx.ingest.formats import NEEDS_OCR
from searchidx.schema import page_of

# ---------------------------------------------------------------------------
# Fixture writers
# ---------------------------------------------------------------------------


def _pdf_string(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def make_pdf(pages: List[List[str]], info: Optional[Dict[str, str]] = None,
             image_pages: bool = False) -> bytes:
    """A PDF whose pages hold these lines of text (or, with image_pages, only an image).

    Each character gets a one-byte code in a base-14 font; a ToUnicode CMap maps the
    codes back to Unicode, which is all a text extractor reads.
    """
    chars = sorted({c for page in pages for line in page for c in line} - {" "})
    assert len(chars) < 200
    codes = {" ": 0x20}
    codes.update({c: 0x21 + i for i, c in enumerate(chars)})
    objects: List[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, extra: bytes = b"") -> bytes:
        return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"

    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        + b"%d beginbfchar\n" % len(codes)
        + b"".join(b"<%02X> <%s>\n" % (code, c.encode("utf-16-be").hex().upper().encode())
                   for c, code in codes.items())
        + b"endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end"
    )
    to_unicode = add(stream(cmap))
    widths = b" ".join(b"500" for _ in range(0x20, 0x100))
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 "
               b"/LastChar 255 /Widths [" + widths + b"] /ToUnicode %d 0 R >>" % to_unicode)
    image = add(stream(b"\x00\xff\xff\x00", b"/Type /XObject /Subtype /Image /Width 2 /Height 2 "
                       b"/ColorSpace /DeviceGray /BitsPerComponent 8"))
    page_ids = []
    pages_id = len(objects) + 1 + 2 * len(pages)
    for lines in pages:
        if image_pages:
            content = b"q 400 0 0 500 100 150 cm /Im1 Do Q"
        else:
            ops = [b"BT /F1 12 Tf 16 TL 72 760 Td"]
            for line in lines:
                ops.append(b"<" + bytes(codes[c] for c in line).hex().upper().encode() + b"> Tj T*")
            ops.append(b"ET")
            content = b"\n".join(ops)
        content_id = add(stream(content))
        page_ids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
            % (pages_id, content_id, font, image)
        ))
    assert add(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % i for i in page_ids)
               + b"] /Count %d >>" % len(page_ids)) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    entries = b"".join(b"/" + key.encode() + b" " + (
        b"(" + value.encode("ascii") + b")" if key == "CreationDate" else _pdf_string(value)
    ) for key, value in (info or {}).items())
    info_id = add(b"<< " + entries + b" >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, catalog, info_id, xref))
    return out.getvalue()


def make_docx(path: Path, build) -> Path:
    docx = pytest.importorskip("docx", reason="python-docx is not installed")
    document = docx.Document()
    build(document)
    document.save(str(path))
    return path


def make_odt(path: Path, content_body: str, meta: str = "") -> Path:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", f'<?xml version="1.0" encoding="UTF-8"?>\n'
                         f'<office:document-content {ns}><office:body><office:text>'
                         f"{content_body}</office:text></office:body></office:document-content>")
        archive.writestr("meta.xml", f'<?xml version="1.0" encoding="UTF-8"?>\n'
                         f"<office:document-meta {ns}><office:meta>{meta}</office:meta>"
                         f"</office:document-meta>")
    return path


def write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def read(path: Path):
    fmt = formats_of(path)
    documents, errors = read_source(SourceFile(str(path), path.name, fmt))
    assert errors == []
    assert len(documents) == 1
    return documents[0]


def formats_of(path: Path) -> str:
    from searchidx.ingest.documents import FORMATS

    return FORMATS[path.suffix.lower()]


def read_error(path: Path) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        read_source(SourceFile(str(path), path.name, formats_of(path)))
    return caught.value


# ---------------------------------------------------------------------------
# Fixture contents: each has words only it holds, to find it by
# ---------------------------------------------------------------------------

PDF_PAGES = [
    ["Báo cáo phòng chống thiên tai năm 2023", "UBND tỉnh Quảng Nam tổng kết công tác",
     "ứng phó mưa lũ tại các huyện miền núi."],
    ["Trang hai: kế hoạch di dời dân cư vùng sạt lở đất", "được Ban Chỉ huy thông qua."],
]


def build_docx(document) -> None:
    core = document.core_properties
    core.title = "Báo cáo bảo hiểm xã hội quý III"
    core.author = "Nguyễn Thị Hoa"
    core.created = datetime.datetime(2023, 10, 5, 8, 0)
    document.add_heading("Kết quả thực hiện bảo hiểm xã hội", level=1)
    document.add_paragraph("UBND tỉnh Hà Giang báo cáo kết quả thu bảo hiểm xã hội.")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, [("Huyện", "Số người", "Tỷ lệ"),
                                        ("Đồng Văn", "1.250", "85%")]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_paragraph("Đề nghị các huyện đẩy mạnh tuyên truyền chính sách.")


HTML_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Chuyển đổi số cấp xã | Cổng thông tin điện tử tỉnh</title>
<meta property="og:title" content="Thái Bình đẩy mạnh chuyển đổi số cấp xã">
<meta property="article:published_time" content="2024-03-08T09:30:00+07:00">
<meta name="author" content="Trần Văn Nam">
<link rel="canonical" href="https://example.gov.vn/tin/chuyen-doi-so">
<style>.menu { color: red }</style><script>var trang = "xổ số";</script>
</head><body>
<header class="site-header"><div class="logo">Cổng thông tin điện tử</div>
<nav class="main-nav"><ul><li><a href="/">Trang chủ</a></li><li>Giới thiệu</li><li>Liên hệ tuyển dụng</li></ul></nav></header>
<div class="breadcrumb">Trang chủ &gt; Tin tức &gt; Chuyển đổi số</div>
<main><article>
<h1>Thái Bình đẩy mạnh chuyển đổi số cấp xã</h1>
<p class="lead">Ngày 8/3, UBND tỉnh Thái Bình tổ chức hội nghị triển khai chuyển đổi số.</p>
<p>Ông Nguyễn Khắc Thận, Chủ tịch UBND tỉnh, chủ trì hội nghị.<br>Các xã được hướng dẫn
dùng chữ ký số&nbsp;và dịch vụ công trực tuyến.
<p>Hội nghị thống nhất lộ trình đến năm 2025.
<table><tr><th>Chỉ tiêu</th><th>Kết quả</th></tr><tr><td><p>Hồ sơ trực tuyến</p></td><td>72%</td></tr></table>
<div class="share-buttons">Chia sẻ Facebook Zalo</div>
<div id="comments">Bình luận: bài viết hay quá</div>
</article></main>
<aside class="sidebar"><h3>Tin đọc nhiều</h3><p>Kết quả xổ số miền Bắc</p></aside>
<footer class="site-footer">Bản quyền thuộc về Văn phòng UBND tỉnh. Liên hệ tuyển dụng.</footer>
</body></html>"""

ODT_BODY = (
    "<text:h>Quy hoạch vùng nguyên liệu chè Shan tuyết</text:h>"
    "<text:p>Ngày 20/6/2023, UBND tỉnh Yên Bái phê duyệt quy hoạch <text:span>vùng nguyên"
    "</text:span> liệu.</text:p>"
    "<text:list><text:list-item><text:p>Huyện Văn Chấn</text:p></text:list-item>"
    "<text:list-item><text:p>Huyện Trạm<text:s/>Tấu</text:p></text:list-item></text:list>"
    "<table:table><table:table-row><table:table-cell><text:p>Diện tích</text:p></table:table-cell>"
    "<table:table-cell><text:p>1.200 ha</text:p></table:table-cell></table:table-row></table:table>"
)
ODT_META = ("<dc:title>Quy hoạch chè Shan tuyết</dc:title>"
            "<meta:initial-creator>Lê Văn Bình</meta:initial-creator>"
            "<meta:creation-date>2023-06-21T10:00:00</meta:creation-date>")

TCVN3_TEXT = (
    "Hội nghị tổng kết công tác dân tộc năm 2023\n\n"
    "Ngày 15/12/2023, Ban Dân tộc tỉnh Sơn La tổ chức hội nghị tổng kết. Ông Lò Văn Mừng, "
    "Phó Chủ tịch UBND tỉnh, dự và chỉ đạo. Đồng bào các dân tộc thiểu số được hỗ trợ "
    "“nhà ở, đất sản xuất” – đúng chính sách."
)
VNI_TEXT = (
    "Chương trình nước sạch nông thôn\n\n"
    "Ngày 3/4/2024, Sở Nông nghiệp tỉnh Trà Vinh họp bàn chương trình nước sạch nông thôn. "
    "Bà Nguyễn Thị Kim Hồng, Giám đốc Sở, cho biết tỷ lệ hộ dùng nước sạch đạt 72%."
)


# ---------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------

def test_docx_paragraphs_and_table_in_order_with_core_properties(tmp_path):
    doc = read(make_docx(tmp_path / "bhxh.docx", build_docx))
    assert doc.format == "docx"
    assert doc.text == (
        "Kết quả thực hiện bảo hiểm xã hội\n\n"
        "UBND tỉnh Hà Giang báo cáo kết quả thu bảo hiểm xã hội.\n\n"
        "Huyện | Số người | Tỷ lệ\n"
        "Đồng Văn | 1.250 | 85%\n\n"
        "Đề nghị các huyện đẩy mạnh tuyên truyền chính sách."
    )
    assert doc.title == "Báo cáo bảo hiểm xã hội quý III"
    assert doc.extra["author"] == "Nguyễn Thị Hoa"
    assert doc.extra["created"] == "2023-10-05"
    assert doc.date == "2023-10-05"  # no date in the text: the file's own date
    assert doc.province == "Hà Giang"
    assert "UBND tỉnh Hà Giang" in doc.agencies


def test_docx_title_falls_back_to_the_heading_and_text_date_wins(tmp_path):
    def build(document):
        document.core_properties.title = ""
        document.core_properties.created = datetime.datetime(2020, 1, 1)
        document.add_heading("Biên bản họp Hội đồng nhân dân", level=1)
        document.add_paragraph("Sáng ngày 12 tháng 3 năm 2024, Hội đồng nhân dân họp.")

    doc = read(make_docx(tmp_path / "bb.docx", build))
    assert doc.title == "Biên bản họp Hội đồng nhân dân"
    assert doc.date == "2024-03-12"


def test_docx_runs_in_legacy_fonts_are_decoded(tmp_path):
    def build(document):
        document.core_properties.title = encode("Hội nghị dân tộc", "tcvn3")
        heading = document.add_paragraph()
        run = heading.add_run(encode("hội nghị tổng kết", "tcvn3"))
        run.font.name = ".VnTimeH"  # draws every letter as a capital
        body = document.add_paragraph()
        body.add_run(encode("Ban Dân tộc tỉnh Sơn La ", "tcvn3")).font.name = ".VnTime"
        body.add_run("họp ngày 15/12/2023 ").font.name = "Times New Roman"  # Unicode run
        body.add_run(encode("và các xã vùng cao.", "vni")).font.name = "VNI-Times"
        table = document.add_table(rows=1, cols=2)
        table.rows[0].cells[0].paragraphs[0].add_run(
            encode("Đồng bào", "tcvn3")).font.name = ".VnArial"
        table.rows[0].cells[1].paragraphs[0].add_run("Đồng bào")

    doc = read(make_docx(tmp_path / "legacy.docx", build))
    assert doc.text == (
        "HỘI NGHỊ TỔNG KẾT\n\n"
        "Ban Dân tộc tỉnh Sơn La họp ngày 15/12/2023 và các xã vùng cao.\n\n"
        "Đồng bào | Đồng bào"
    )
    assert doc.title == "Hội nghị dân tộc"
    assert doc.extra["encoding"] == "tcvn3"
    assert doc.province == "Sơn La"


def test_docx_without_font_hints_is_detected_as_a_whole(tmp_path):
    def build(document):
        for line in TCVN3_TEXT.split("\n\n"):
            document.add_paragraph(encode(line, "tcvn3"))

    doc = read(make_docx(tmp_path / "plain-tcvn3.docx", build))
    assert doc.text == TCVN3_TEXT
    assert doc.extra["encoding"] == "tcvn3"


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------

def test_pdf_pages_and_offsets(tmp_path):
    pytest.importorskip("pypdf", reason="pypdf is not installed")
    data = make_pdf(PDF_PAGES, {"Title": "Báo cáo phòng chống thiên tai", "Author": "Văn phòng",
                                "CreationDate": "D:20231120083000+07'00'"})
    doc = read(write(tmp_path / "thien-tai.pdf", data))
    assert doc.format == "pdf"
    assert doc.text == "\n".join(PDF_PAGES[0]) + "\n\n" + "\n".join(PDF_PAGES[1])
    assert doc.extra["page_count"] == "2"
    second = doc.text.index("Trang hai")
    assert doc.extra["pages"] == f"0,{second}"
    assert page_of(doc.text.index("mưa lũ"), doc.extra["pages"]) == 1
    assert page_of(doc.text.index("sạt lở"), doc.extra["pages"]) == 2
    assert doc.title == "Báo cáo phòng chống thiên tai"
    assert doc.extra["author"] == "Văn phòng"
    assert doc.date == "2023-11-20"
    assert doc.province == "Quảng Nam"
    assert unicodedata.is_normalized("NFC", doc.text)


def test_pdf_junk_title_falls_back_to_the_first_line(tmp_path):
    pytest.importorskip("pypdf", reason="pypdf is not installed")
    data = make_pdf(PDF_PAGES[:1], {"Title": "Microsoft Word - baocao.docx"})
    assert read(write(tmp_path / "a.pdf", data)).title == PDF_PAGES[0][0]


def test_pdf_with_an_empty_page_keeps_page_numbers(tmp_path):
    pytest.importorskip("pypdf", reason="pypdf is not installed")
    data = make_pdf([[], PDF_PAGES[0], [], PDF_PAGES[1]])
    doc = read(write(tmp_path / "gaps.pdf", data))
    assert doc.extra["page_count"] == "4"
    assert doc.extra["pages_without_text"] == "1,3"
    assert page_of(doc.text.index("Báo cáo"), doc.extra["pages"]) == 2
    assert page_of(doc.text.index("Trang hai"), doc.extra["pages"]) == 4


def test_scanned_pdf_needs_ocr(tmp_path):
    pytest.importorskip("pypdf", reason="pypdf is not installed")
    path = write(tmp_path / "scan.pdf", make_pdf([[], []], image_pages=True))
    assert read_error(path).reason == NEEDS_OCR == "no text layer: needs OCR"


@pytest.mark.parametrize("data", [b"%PDF-1.4\nnot really", b"garbage bytes"])
def test_damaged_pdf_is_reported(tmp_path, data):
    pytest.importorskip("pypdf", reason="pypdf is not installed")
    reason = read_error(write(tmp_path / "bad.pdf", data)).reason
    assert reason.startswith("cannot read PDF") or reason == NEEDS_OCR


def test_page_of():
    assert page_of(0, "0,10,20") == 1
    assert page_of(9, "0,10,20") == 1
    assert page_of(10, "0,10,20") == 2
    assert page_of(999, "0,10,20") == 3
    assert page_of(5, "0,0,10") == 2  # page 1 had no text
    assert page_of(5, "") == 1


# ---------------------------------------------------------------------------
# HTML and OpenDocument
# ---------------------------------------------------------------------------

def test_html_main_text_without_chrome(tmp_path):
    doc = read(write(tmp_path / "tin.html", HTML_PAGE))
    assert doc.format == "html"
    assert doc.text == (
        "Thái Bình đẩy mạnh chuyển đổi số cấp xã\n\n"
        "Ngày 8/3, UBND tỉnh Thái Bình tổ chức hội nghị triển khai chuyển đổi số.\n\n"
        "Ông Nguyễn Khắc Thận, Chủ tịch UBND tỉnh, chủ trì hội nghị.\n"
        "Các xã được hướng dẫn dùng chữ ký số và dịch vụ công trực tuyến.\n\n"
        "Hội nghị thống nhất lộ trình đến năm 2025.\n\n"
        "Chỉ tiêu | Kết quả\n"
        "Hồ sơ trực tuyến | 72%"
    )
    for chrome in ("Trang chủ", "xổ số", "Chia sẻ", "Bình luận", "Bản quyền", "tuyển dụng", "menu"):
        assert chrome not in doc.text
    assert doc.title == "Thái Bình đẩy mạnh chuyển đổi số cấp xã"
    assert doc.date == "2024-03-08"
    assert doc.extra["author"] == "Trần Văn Nam"
    assert doc.extra["url"] == "https://example.gov.vn/tin/chuyen-doi-so"
    assert doc.province == "Thái Bình"


def test_html_without_article_drops_chrome_by_class_and_tag(tmp_path):
    page = ("<html><head><title>Tin tức - Sở Y tế</title></head><body>"
            "<div id='menu-top'>Trang chủ</div><header>Logo</header>"
            "<div class='content'><h2>Tiêm chủng mở rộng</h2><p>Ngày 2 tháng 5 năm 2022, "
            "Sở Y tế tổ chức tiêm chủng.</p><ul><li>Xã A</li><li>Xã B</li></ul></div>"
            "<div class='footer-links'>Liên kết</div><footer>Địa chỉ</footer>"
            "<time datetime='2022-05-03'>3/5</time></body></html>")
    doc = read(write(tmp_path / "yte.htm", page))
    assert doc.text == ("Tiêm chủng mở rộng\n\nNgày 2 tháng 5 năm 2022, Sở Y tế tổ chức tiêm "
                        "chủng.\n\nXã A\nXã B\n\n3/5")
    assert doc.title == "Tin tức - Sở Y tế"
    assert doc.date == "2022-05-03"  # the page's date wins over the text's


def test_html_in_a_legacy_charset_and_legacy_font(tmp_path):
    body = encode("Hội nghị tổng kết công tác dân tộc tỉnh Sơn La", "tcvn3")
    page = f"<html><head><title>{encode('Hội nghị', 'tcvn3')}</title></head>" \
           f"<body><p>{body}</p></body></html>"
    doc = read(write(tmp_path / "cu.html", view_bytes(page)))
    assert doc.text == "Hội nghị tổng kết công tác dân tộc tỉnh Sơn La"
    assert doc.title == "Hội nghị"
    assert doc.extra["encoding"] == "tcvn3"


def test_odt_paragraphs_lists_tables_and_meta(tmp_path):
    doc = read(make_odt(tmp_path / "che.odt", ODT_BODY, ODT_META))
    assert doc.format == "odt"
    assert doc.text == (
        "Quy hoạch vùng nguyên liệu chè Shan tuyết\n\n"
        "Ngày 20/6/2023, UBND tỉnh Yên Bái phê duyệt quy hoạch vùng nguyên liệu.\n\n"
        "Huyện Văn Chấn\nHuyện Trạm Tấu\n\n"
        "Diện tích | 1.200 ha"
    )
    assert doc.title == "Quy hoạch chè Shan tuyết"
    assert doc.extra["author"] == "Lê Văn Bình"
    assert doc.date == "2023-06-20"
    assert doc.province == "Yên Bái"


def test_broken_zip_files_are_reported(tmp_path):
    assert "not a valid OpenDocument .odt file" in read_error(write(tmp_path / "x.odt", b"PK\x03\x04junk")).reason
    pytest.importorskip("docx", reason="python-docx is not installed")
    assert "not a valid Word .docx file" in read_error(write(tmp_path / "x.docx", b"nonsense")).reason
    with zipfile.ZipFile(tmp_path / "y.docx", "w") as archive:
        archive.writestr("hello.txt", "không phải Word")
    assert read_error(tmp_path / "y.docx").reason.startswith("cannot read Word file")


def test_old_doc_is_reported_with_a_hint(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    reason = read_error(write(tmp_path / "cu.doc", ole)).reason
    assert "old binary Word .doc" in reason and "--convert-to docx" in reason
    # A .doc renamed .docx gets the same hint.
    assert read_error(write(tmp_path / "renamed.docx", ole)).reason == reason


@pytest.mark.parametrize("module, package, name", [
    ("docx", "python-docx", "a.docx"), ("pypdf", "pypdf", "a.pdf"),
])
def test_a_missing_library_is_a_hint_not_a_traceback(tmp_path, monkeypatch, module, package, name):
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    data = make_pdf(PDF_PAGES) if name.endswith(".pdf") else b"PK\x05\x06" + b"\x00" * 18
    error = read_error(write(tmp_path / name, data))
    assert error.reason == f"needs {package}: pip install 'searchidx[formats]'"


# ---------------------------------------------------------------------------
# Legacy-encoded text files
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, text", [("tcvn3", TCVN3_TEXT), ("vni", VNI_TEXT)])
def test_legacy_text_files_bytes_and_mojibake(tmp_path, encoding, text):
    mojibake = encode(text, encoding)
    for name, data in (("bytes.txt", view_bytes(mojibake)),
                       ("utf8.txt", mojibake.encode("utf-8"))):
        doc = read(write(tmp_path / name, data))
        assert doc.text == text
        assert doc.extra["encoding"] == encoding
        assert doc.title == text.split("\n")[0]
    assert read(write(tmp_path / "unicode.txt", text)).extra == {}


# ---------------------------------------------------------------------------
# Discovery, and everything indexed and found
# ---------------------------------------------------------------------------

def build_folder(root: Path) -> Path:
    root.mkdir(parents=True)
    make_docx(root / "bhxh.docx", build_docx)
    write(root / "thien-tai.pdf", make_pdf(PDF_PAGES, {"Title": "Phòng chống thiên tai"}))
    write(root / "scan.pdf", make_pdf([[]], image_pages=True))
    write(root / "tin" / "chuyen-doi-so.html", HTML_PAGE)
    make_odt(root / "che.odt", ODT_BODY, ODT_META)
    write(root / "dan-toc.txt", view_bytes(encode(TCVN3_TEXT, "tcvn3")))
    write(root / "nuoc-sach.txt", view_bytes(encode(VNI_TEXT, "vni")))
    write(root / "cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    write(root / "notes.rtf", b"{\\rtf1 x}")
    return root


def test_discover_finds_the_new_formats(tmp_path):
    pytest.importorskip("docx", reason="python-docx is not installed")
    found = list(discover([str(build_folder(tmp_path / "in"))]))
    formats_found = {item.id_base: item.format for item in found if isinstance(item, SourceFile)}
    assert formats_found == {
        "bhxh.docx": "docx", "che.odt": "odt", "cu.doc": "doc", "dan-toc.txt": "txt",
        "nuoc-sach.txt": "txt", "scan.pdf": "pdf", "thien-tai.pdf": "pdf",
        "tin/chuyen-doi-so.html": "html",
    }
    assert [item.path.endswith("notes.rtf") for item in found if isinstance(item, Skipped)] == [True]


QUERIES = [
    ("bhxh.docx", "bảo hiểm xã hội", "bao hiem xa hoi", "bảo hiểm xã hội"),
    ("bhxh.docx", "Đồng Văn", "dong van", "Đồng Văn"),  # from the table
    ("thien-tai.pdf", "sạt lở đất", "sat lo dat", "sạt lở đất"),
    ("tin/chuyen-doi-so.html", "chữ ký số", "chu ky so", "chữ ký số"),
    ("che.odt", "chè Shan tuyết", "che shan tuyet", "Shan tuyết"),
    ("dan-toc.txt", "đồng bào dân tộc thiểu số", "dong bao dan toc thieu so", "Đồng bào các dân tộc"),
    ("nuoc-sach.txt", "nước sạch nông thôn", "nuoc sach nong thon", "nước sạch nông thôn"),
]


def test_each_format_is_indexed_and_found_with_and_without_accents(tmp_path):
    pytest.importorskip("docx", reason="python-docx is not installed")
    pytest.importorskip("pypdf", reason="pypdf is not installed")
    from searchidx import index_paths, open_index
    from searchidx.search import Searcher

    folder = build_folder(tmp_path / "docs")
    index = open_index(str(tmp_path / "index"), create=True)
    report = index_paths(index, [str(folder)])
    reasons = {Path(error.path).name: error.reason for error in report.errors}
    assert reasons == {"scan.pdf": NEEDS_OCR, "cu.doc": formats.DOC_HINT}
    assert report.added == 6
    assert report.skipped_files == 1
    with Searcher(index) as searcher:
        for doc_id, accented, plain, shown in QUERIES:
            for query in (accented, plain):
                results = searcher.search(query, limit=10)
                hits = {hit.id: hit for hit in results.hits}
                assert doc_id in hits, (query, [hit.id for hit in results.hits])
                snippet = " ".join(s.text for s in hits[doc_id].snippets)
                assert shown in snippet, (query, snippet)
        pdf = searcher.document("thien-tai.pdf")
        assert pdf["format"] == "pdf" and pdf["extra"]["page_count"] == "2"
        hit = next(h for h in searcher.search("sạt lở").hits if h.id == "thien-tai.pdf")
        # The page of a hit is that of its first mark (a snippet may start a page early).
        snippet = hit.snippets[0]
        assert page_of(snippet.start + snippet.marks[0][0], pdf["extra"]["pages"]) == 2
        assert searcher.document("dan-toc.txt")["extra"]["encoding"] == "tcvn3"
        assert searcher.document("nuoc-sach.txt")["extra"]["encoding"] == "vni"
    # A second run reads nothing again: the same content hashes.
    again = index_paths(index, [str(folder)])
    assert again.added == again.updated == 0
    assert again.unchanged == 6


def test_pdf_hit_snippet_says_its_page(tmp_path):
    pytest.importorskip("pypdf", reason="pypdf is not installed")
    from searchidx import index_paths, open_index
    from searchidx.search import Searcher

    folder = tmp_path / "docs"
    folder.mkdir()
    write(folder / "thien-tai.pdf", make_pdf(PDF_PAGES))
    index = open_index(str(tmp_path / "index"), create=True)
    index_paths(index, [str(folder)])
    with Searcher(index) as searcher:
        first = searcher.search("mưa lũ").hits[0]
        second = searcher.search("sat lo").hits[0]
    assert first.format == "pdf"
    assert first.snippets[0].page == 1
    assert second.snippets[0].page == 2
    assert second.snippets[0].to_dict()["page"] == 2


def test_format_libraries_load_only_when_such_a_file_is_read():
    import subprocess

    code = (
        "import sys\n"
        "import searchidx.ingest.formats, searchidx.ingest.documents\n"
        "assert 'docx' not in sys.modules and 'pypdf' not in sys.modules, sys.modules.keys()\n"
        "searchidx.ingest.formats.read_html('x.html', '<p>Hà Nội</p>'.encode())\n"
        "assert 'docx' not in sys.modules and 'pypdf' not in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                            env={"PYTHONPATH": str(root), "PATH": ""})
    assert result.returncode == 0, result.stderr
