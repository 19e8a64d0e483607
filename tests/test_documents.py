"""Reading files into Documents: formats, front matter, encodings, bad input, discovery."""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchidx.ingest.documents import (
    Document,
    Skipped,
    SourceFile,
    content_hash,
    decode_bytes,
    discover,
    read_source,
)
from searchidx.errors import DocumentError

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"

REPORT = (
    "Sáng ngày 12 tháng 3 năm 2024, UBND tỉnh Lào Cai tổ chức hội nghị. "
    "Ông Lê Minh Đức, Phó Chủ tịch UBND tỉnh, chủ trì.\n\nNội dung thứ hai.\n"
)


def write(path: Path, content, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode(encoding))
    return path


def source(path: Path, fmt: str = "", id_base: str = "") -> SourceFile:
    fmt = fmt or {".markdown": "md"}.get(path.suffix, path.suffix.lstrip("."))
    return SourceFile(str(path), id_base or path.name, fmt)


def read_one(path: Path, **kwargs) -> Document:
    documents, errors = read_source(source(path, **kwargs))
    assert errors == []
    assert len(documents) == 1
    return documents[0]


def read_error(path: Path, **kwargs) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        read_source(source(path, **kwargs))
    return caught.value


# ---------------------------------------------------------------------------
# Plain text: front matter, the date marker, titles
# ---------------------------------------------------------------------------

def test_plain_text_detects_everything(tmp_path):
    doc = read_one(write(tmp_path / "lao-cai.txt", REPORT))
    assert doc.id == "lao-cai.txt"
    assert doc.text == REPORT.strip("\n")
    assert doc.title == "Sáng ngày 12 tháng 3 năm 2024, UBND tỉnh Lào Cai tổ chức hội nghị"
    assert doc.date == "2024-03-12"
    assert doc.province == "Lào Cai"
    assert doc.people == ["Lê Minh Đức"]
    assert doc.agencies == ["UBND tỉnh Lào Cai"]  # "UBND tỉnh" there is the same body
    assert doc.format == "txt"
    assert doc.source == doc.path == str(tmp_path / "lao-cai.txt")
    assert doc.extra == {}


def test_front_matter_wins_over_detection(tmp_path):
    path = write(
        tmp_path / "report.txt",
        "---\n"
        "title: Hội nghị tổng kết năm 2023\n"
        "date: 5/1/2024\n"
        "province: ha giang\n"
        "people: Nguyễn Văn A; Trần Thị B\n"
        "source_url: https://example.org/a\n"
        "tags: [nhân quyền, tập huấn]\n"
        "---\n" + REPORT,
    )
    doc = read_one(path)
    assert doc.text == REPORT.strip("\n")  # no front matter in the stored text
    assert doc.title == "Hội nghị tổng kết năm 2023"
    assert doc.date == "2024-01-05"
    assert doc.province == "Hà Giang"  # canonical spelling of what was written
    assert doc.people == ["Nguyễn Văn A", "Trần Thị B"]
    # What the front matter does not give is still detected from the text.
    assert doc.agencies == ["UBND tỉnh Lào Cai"]  # its "UBND tỉnh" is the one it names in full
    assert doc.extra == {"source_url": "https://example.org/a", "tags": '["nhân quyền", "tập huấn"]'}


def test_front_matter_lists_and_unknown_values(tmp_path):
    path = write(
        tmp_path / "report.md",
        "\n---\n"
        "title: \"Tiêu đề: có dấu hai chấm\"\n"
        "date: hôm qua\n"
        "province: Viêng Chăn\n"
        "agencies:\n"
        "  - Sở Văn hóa, Thể thao và Du lịch\n"
        "  - UBND tỉnh\n"
        "id: should-not-be-the-id\n"
        "---\n\n# Heading ignored for the title\n\nNội dung ngày 5/10/2023.\n",
    )
    doc = read_one(path)
    assert doc.id == "report.md"  # a file's id is its path
    assert doc.title == "Tiêu đề: có dấu hai chấm"
    assert doc.date == "2023-10-05"  # "hôm qua" is no date: detected from the text instead …
    assert doc.extra["date"] == "hôm qua"  # … and what was written is kept
    assert doc.province == "Viêng Chăn"  # not a Vietnamese province: kept as written
    assert doc.agencies == ["Sở Văn hóa, Thể thao và Du lịch", "UBND tỉnh"]
    assert doc.extra["source_id"] == "should-not-be-the-id"
    assert doc.text.startswith("# Heading ignored")


def test_markdown_rule_is_not_front_matter(tmp_path):
    text = "---\nMột đoạn văn bình thường, không phải khóa.\n---\nHết.\n"
    doc = read_one(write(tmp_path / "rule.md", text))
    assert doc.text == text.strip("\n")
    assert doc.title == "Một đoạn văn bình thường, không phải khóa"


def test_front_matter_without_text_is_an_error(tmp_path):
    error = read_error(write(tmp_path / "only.txt", "---\ntitle: Chỉ có tiêu đề\n---\n\n"))
    assert "no text" in error.reason


@pytest.mark.parametrize(
    "content, date, body_start",
    [
        (" date 2023-11 Dự và chỉ đạo Hội nghị có bà X.", "2023-11", "Dự và chỉ đạo"),
        ("date 2023-10\nHội nghị diễn ra.", "2023-10", "Hội nghị diễn ra"),
        ("\n  date 2024-02-05 Nội dung.", "2024-02-05", "Nội dung"),
        ("date: 2022 Nội dung.", "2022", "Nội dung"),
    ],
)
def test_date_marker(tmp_path, content, date, body_start):
    doc = read_one(write(tmp_path / "seed.txt", content))
    assert doc.date == date
    assert doc.text.startswith(body_start)
    assert "date" not in doc.text.split()[0]


def test_invalid_date_marker_stays_text(tmp_path):
    doc = read_one(write(tmp_path / "seed.txt", "date 2023-13 là một chuỗi lạ."))
    assert doc.date is None
    assert doc.text == "date 2023-13 là một chuỗi lạ."


def test_real_seed_file_marker():
    if not SEEDS.is_dir():
        pytest.skip("shared seeds not found")
    path = sorted(SEEDS.glob("000_*.txt"))[0]
    doc = read_one(path)
    assert doc.date == "2023-11"
    assert doc.text.startswith("Dự và chỉ đạo Hội nghị có bà Hồ Thu Ánh")
    assert doc.title.startswith("Dự và chỉ đạo Hội nghị")
    assert doc.content_hash == content_hash(path.read_bytes())


def test_markdown_title_from_first_level_one_heading(tmp_path):
    text = "Lời dẫn.\n\n## Mục phụ\n\n# Báo cáo chính\n\nNội dung.\n"
    assert read_one(write(tmp_path / "a.md", text)).title == "Báo cáo chính"
    text = "Lời dẫn.\n\n## Mục phụ ##\n\nNội dung.\n"
    assert read_one(write(tmp_path / "b.markdown", text)).title == "Mục phụ"
    # In a .txt file a "#" line is just the first line.
    assert read_one(write(tmp_path / "c.txt", "# Dòng đầu\n\nNội dung.")).title == "Dòng đầu"


def test_long_first_line_title_is_cut_at_a_word(tmp_path):
    line = " ".join(["Hội nghị tổng kết công tác bảo đảm trật tự an toàn giao thông"] * 4)
    title = read_one(write(tmp_path / "long.txt", line + "\nTiếp.")).title
    assert len(title) <= 121
    assert title.endswith("…")
    assert line.startswith(title[:-1])
    assert line[len(title) - 1] == " "  # cut where a word ends


def test_title_sentence_cut_skips_abbreviations(tmp_path):
    doc = read_one(write(tmp_path / "tp.txt", "Hội nghị tại TP. Hà Nội khai mạc. Các đại biểu dự."))
    assert doc.title == "Hội nghị tại TP. Hà Nội khai mạc"


# ---------------------------------------------------------------------------
# JSON and JSON Lines
# ---------------------------------------------------------------------------

def test_json_single_object(tmp_path):
    path = write(tmp_path / "one.json", json.dumps({
        "id": "bc-01", "title": "Báo cáo", "body": REPORT, "date": "2024-03",
        "people": ["Nguyễn Văn A", "Trần Thị B"], "pages": 3, "tags": ["a", "b"],
    }, ensure_ascii=False))
    doc = read_one(path)
    assert doc.id == "bc-01"
    assert doc.title == "Báo cáo"
    assert doc.text == REPORT.strip("\n")
    assert doc.date == "2024-03"
    assert doc.people == ["Nguyễn Văn A", "Trần Thị B"]
    assert doc.province == "Lào Cai"  # not given: detected
    assert doc.format == "json"
    assert doc.extra == {"pages": "3", "tags": '["a", "b"]'}
    assert doc.content_hash == content_hash(path.read_bytes())


def test_json_single_object_without_id_takes_the_path(tmp_path):
    path = write(tmp_path / "sub" / "one.json", json.dumps({"text": REPORT}, ensure_ascii=False))
    documents, _ = read_source(SourceFile(str(path), "sub/one.json", "json"))
    assert documents[0].id == "sub/one.json"
    assert documents[0].title.startswith("Sáng ngày 12 tháng 3")


def test_json_list_reports_bad_items_and_keeps_the_rest(tmp_path):
    items = [
        {"_id": 7, "text": "Văn bản bảy.", "people": "Lê Văn A; Phạm Thị B"},
        {"title": "Không có nội dung"},
        "không phải đối tượng",
        {"text": "Văn bản bốn."},
        {"id": 7, "text": "Trùng id."},
    ]
    path = write(tmp_path / "list.json", json.dumps(items, ensure_ascii=False))
    documents, errors = read_source(SourceFile(str(path), "list.json", "json"))
    assert [doc.id for doc in documents] == ["7", "list.json#4"]
    assert documents[0].people == ["Lê Văn A", "Phạm Thị B"]
    reasons = [error.reason for error in errors]
    assert reasons[0].startswith("item 2: no text")
    assert reasons[1].startswith("item 3: not a JSON object")
    assert reasons[2].startswith("item 5: duplicate id '7'")
    assert all(error.path == str(path) for error in errors)
    # Each item has its own hash: editing one item leaves the others' hashes alone.
    items[3]["text"] = "Văn bản bốn, đã sửa."
    write(path, json.dumps(items, ensure_ascii=False))
    edited, _ = read_source(SourceFile(str(path), "list.json", "json"))
    assert edited[0].content_hash == documents[0].content_hash
    assert edited[1].content_hash != documents[1].content_hash


@pytest.mark.parametrize(
    "content, reason",
    [
        ('{"text": "thiếu ngoặc"', "invalid JSON"),
        ('"chỉ là một chuỗi"', "neither an object nor a list"),
        ("[]", "empty JSON list"),
        ('{"title": "Không có nội dung"}', "no text"),
        ('{"text": 5}', "text is not a string"),
        ('{"text": "   "}', "empty text"),
    ],
)
def test_json_file_errors(tmp_path, content, reason):
    assert reason in read_error(write(tmp_path / "bad.json", content)).reason


def test_jsonl_reports_bad_lines_by_number_and_keeps_the_rest(tmp_path):
    lines = [
        json.dumps({"id": "a", "title": "Tin A", "text": "Nội dung A. UBND tỉnh Sơn La họp."}, ensure_ascii=False),
        '{"id": "b", "text": "hỏng',  # invalid JSON
        '["không", "phải", "đối tượng"]',
        json.dumps({"id": "d", "title": "Không nội dung"}, ensure_ascii=False),
        "",  # blank lines are skipped, and still counted
        json.dumps({"text": "Nội dung không có id."}, ensure_ascii=False),
        json.dumps({"id": "a", "text": "Trùng id."}, ensure_ascii=False),
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    documents, errors = read_source(SourceFile(str(path), "batch.jsonl", "jsonl"))
    assert [doc.id for doc in documents] == ["a", "batch.jsonl#6"]
    assert documents[0].province == "Sơn La"
    assert documents[0].format == "jsonl"
    reasons = [error.reason for error in errors]
    assert [reason.split(":")[0] for reason in reasons] == ["line 2", "line 3", "line 4", "line 7"]
    assert "invalid JSON" in reasons[0]
    assert "not a JSON object" in reasons[1]
    assert "no text" in reasons[2]
    assert "duplicate id 'a' (first on line 1)" in reasons[3]
    # The hash of a line is the hash of its bytes: an edit elsewhere leaves it alone.
    assert documents[0].content_hash == hashlib.blake2b(lines[0].encode(), digest_size=16).hexdigest()
    lines[5] = json.dumps({"text": "Nội dung đã sửa."}, ensure_ascii=False)
    write(path, "\r\n".join(lines))
    edited, _ = read_source(SourceFile(str(path), "batch.jsonl", "jsonl"))
    assert edited[0].content_hash == documents[0].content_hash
    assert edited[1].content_hash != documents[1].content_hash


def test_jsonl_line_separator_inside_a_string_is_not_a_line_break(tmp_path):
    line = json.dumps({"id": "x", "text": "Trước\u2028sau."}, ensure_ascii=False)
    documents, errors = read_source(source(write(tmp_path / "sep.jsonl", line)))
    assert errors == []
    assert documents[0].text == "Trước\u2028sau."


# ---------------------------------------------------------------------------
# Encodings and bad files
# ---------------------------------------------------------------------------

VIETNAMESE = "Hội nghị tập huấn tại tỉnh Hà Giang.\nNgười dân đồng thuận."


@pytest.mark.parametrize(
    "data",
    [
        VIETNAMESE.encode("utf-8"),
        b"\xef\xbb\xbf" + VIETNAMESE.encode("utf-8"),
        b"\xff\xfe" + VIETNAMESE.encode("utf-16-le"),
        b"\xfe\xff" + VIETNAMESE.encode("utf-16-be"),
        VIETNAMESE.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "crlf"],
)
def test_supported_encodings(tmp_path, data):
    doc = read_one(write(tmp_path / "enc.txt", data))
    assert doc.text == VIETNAMESE
    assert doc.province == "Hà Giang"
    assert doc.content_hash == hashlib.blake2b(data, digest_size=16).hexdigest()


def cp1258(text: str) -> bytes:
    """Vietnamese in Windows-1258: vowels with their breve/circumflex/horn precomposed,
    tone marks as separate combining bytes."""
    def split_marks(match: "re.Match[str]") -> str:
        base, marks = match.group(1), match.group(2)
        shape = "".join(m for m in marks if m in "\u0302\u0306\u031b")
        tones = "".join(m for m in marks if m not in shape)
        return unicodedata.normalize("NFC", base + shape) + tones

    nfd = unicodedata.normalize("NFD", text)
    return re.sub("([A-Za-z])([\u0300-\u036f]+)", split_marks, nfd).encode("cp1258")


def test_windows_1258_is_converted_to_nfc(tmp_path):
    data = cp1258(VIETNAMESE)
    assert b"\xf2" in data  # the dot below as a byte of its own, after its vowel
    documents, errors = read_source(source(write(tmp_path / "cp1258.txt", data)))
    assert not errors
    assert documents[0].text == unicodedata.normalize("NFC", VIETNAMESE)
    assert documents[0].extra["encoding"] == "cp1258"


def test_other_single_byte_encodings_are_reported_with_the_byte_and_iconv(tmp_path):
    data = "Le président a déclaré l'été dernier, Hà Giang".encode("latin-1")
    offset = next(i for i, byte in enumerate(data) if byte >= 0x80)
    error = read_error(write(tmp_path / "latin1.txt", data))
    assert error.reason.startswith(
        f"not UTF-8 or UTF-16 text (invalid byte 0x{data[offset]:02x} at offset {offset}); "
        "not TCVN3, VNI or Windows-1258 either")
    assert "iconv -f WINDOWS-1252 -t UTF-8 FILE" in error.reason
    assert error.path == str(tmp_path / "latin1.txt")


def test_invalid_byte_after_a_bom_is_reported_at_its_file_offset(tmp_path):
    data = b"\xef\xbb\xbfabc \xe0 def"
    assert read_error(write(tmp_path / "bom.txt", data)).reason.endswith("(invalid byte 0xe0 at offset 7)")


def test_invalid_byte_late_in_a_file_is_never_half_read(tmp_path):
    data = ("Đúng. " * 1000).encode("utf-8") + "Hà".encode("latin-1")
    assert "invalid byte 0xe0" in read_error(write(tmp_path / "late.txt", data)).reason


def test_broken_utf16_is_reported(tmp_path):
    data = b"\xff\xfe" + "Hà Nội".encode("utf-16-le") + b"\x00"  # odd length
    assert "UTF-16" in read_error(write(tmp_path / "odd.txt", data)).reason


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\t\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n", b"\xff\xfe" + " \n".encode("utf-16-le")],
    ids=["zero-bytes", "whitespace", "bom-only", "bom-whitespace", "utf16-whitespace"],
)
def test_empty_file(tmp_path, data):
    assert read_error(write(tmp_path / "empty.txt", data)).reason == "empty file"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "Hà Nội".encode("utf-16-le"),  # UTF-16 without a BOM is not guessed
        b"text\x00with a NUL",
    ],
)
def test_binary_file(tmp_path, data):
    assert read_error(write(tmp_path / "binary.txt", data)).reason == "binary file"


def test_decode_bytes_directly():
    assert decode_bytes("x", "Hà".encode("utf-8")) == "Hà"
    with pytest.raises(DocumentError, match="invalid byte 0xff at offset 0"):
        decode_bytes("x", b"\xff\x41")


def test_nfd_input_is_stored_as_nfc(tmp_path):
    text = "Đại tá Nguyễn Văn Thắng, Phó Giám đốc Công an tỉnh Hậu Giang, chủ trì hội nghị."
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    doc = read_one(write(tmp_path / "nfd.txt", "---\ntitle: " + unicodedata.normalize("NFD", "Tiêu đề") + "\n---\n" + nfd))
    assert doc.text == text
    assert unicodedata.is_normalized("NFC", doc.text)
    assert doc.title == "Tiêu đề"
    assert doc.people == ["Nguyễn Văn Thắng"]
    assert doc.province == "Hậu Giang"
    line = json.dumps({"id": unicodedata.normalize("NFD", "mã-đ"), "text": nfd}, ensure_ascii=False)
    documents, _ = read_source(source(write(tmp_path / "nfd.jsonl", line)))
    assert documents[0].text == text
    assert documents[0].id == "mã-đ"


def test_read_source_uses_given_bytes(tmp_path):
    src = SourceFile(str(tmp_path / "never-written.txt"), "never-written.txt", "txt")
    documents, _ = read_source(src, data="Nội dung từ bộ nhớ.".encode("utf-8"))
    assert documents[0].text == "Nội dung từ bộ nhớ."
    with pytest.raises(DocumentError, match="cannot read"):
        read_source(src)


def test_content_hash_is_the_blake2b_128_of_the_bytes(tmp_path):
    data = os.urandom(3 << 20)
    assert content_hash(data) == hashlib.blake2b(data, digest_size=16).hexdigest()
    assert len(content_hash(data)) == 32
    assert content_hash(data) != content_hash(data[:-1])


# ---------------------------------------------------------------------------
# Finding files
# ---------------------------------------------------------------------------

@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "reports"
    write(root / "b.txt", "B")
    write(root / "a.md", "A")
    write(root / "C.TXT", "C")
    write(root / "notes.rtf", b"{\\rtf1 notes}")
    write(root / "data.csv", "x,y")
    write(root / "2023" / "z.jsonl", '{"text": "z"}')
    write(root / "2023" / "inner" / "y.json", '{"text": "y"}')
    write(root / "2023" / "w.Markdown", "W")
    write(root / ".hidden.txt", "secret")
    write(root / ".git" / "config.txt", "secret")
    write(root / "2023" / ".cache" / "x.txt", "secret")
    return root


def test_discover_walks_sorted_and_skips_other_files(tree):
    found = list(discover([str(tree)]))
    sources = [item for item in found if isinstance(item, SourceFile)]
    skipped = [item for item in found if isinstance(item, Skipped)]
    assert [src.id_base for src in sources] == [
        "C.TXT", "a.md", "b.txt", "2023/w.Markdown", "2023/z.jsonl", "2023/inner/y.json",
    ]
    assert [src.format for src in sources] == ["txt", "md", "txt", "md", "jsonl", "json"]
    assert all(os.path.isabs(src.path) and os.path.isfile(src.path) for src in sources)
    assert sources[4].path == str(tree / "2023" / "z.jsonl")
    assert sources[4].display == os.path.join(str(tree), "2023", "z.jsonl")
    assert sorted(Path(item.path).name for item in skipped) == ["data.csv", "notes.rtf"]
    assert all("secret" not in Path(item.path).read_text() for item in sources)
    assert not any(isinstance(item, DocumentError) for item in found)
    assert found == list(discover([str(tree)]))  # deterministic


def test_discover_relative_root_and_direct_files(tree, monkeypatch):
    monkeypatch.chdir(tree.parent)
    found = list(discover(["reports/2023", "reports/b.txt", "reports/data.csv", "missing.txt"]))
    sources = [item for item in found if isinstance(item, SourceFile)]
    assert [src.id_base for src in sources] == ["w.Markdown", "z.jsonl", "inner/y.json", "b.txt"]
    assert sources[-1].path == str(tree / "b.txt")
    assert sources[-1].display == "reports/b.txt"
    assert isinstance(found[-2], Skipped) and found[-2].path == "reports/data.csv"
    assert isinstance(found[-1], DocumentError)
    assert found[-1].path == "missing.txt"
    assert "no such file" in found[-1].reason


def test_discover_survives_symlink_loops_and_reads_each_file_once(tree):
    os.symlink(tree, tree / "2023" / "loop")  # back up to the root
    os.symlink(tree / "b.txt", tree / "link-to-b.txt")
    os.symlink(tree / "gone.txt", tree / "dangling.txt")
    found = list(discover([str(tree)]))
    sources = [item for item in found if isinstance(item, SourceFile)]
    paths = [os.path.realpath(src.path) for src in sources]
    assert len(paths) == len(set(paths)) == 6
    reasons = {Path(item.path).name: item.reason for item in found if isinstance(item, Skipped)}
    assert reasons["dangling.txt"] == "broken symbolic link"
    assert "another path" in reasons["link-to-b.txt"]


def test_discover_follows_a_symlinked_folder(tmp_path):
    write(tmp_path / "real" / "r.txt", "R")
    write(tmp_path / "root" / "own.txt", "O")
    os.symlink(tmp_path / "real", tmp_path / "root" / "linked")
    ids = [item.id_base for item in discover([str(tmp_path / "root")]) if isinstance(item, SourceFile)]
    assert ids == ["own.txt", "linked/r.txt"]


def test_discover_broken_symlink_given_directly(tmp_path):
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.txt")
    [error] = list(discover([str(tmp_path / "dangling.txt")]))
    assert isinstance(error, DocumentError)
    assert error.reason == "broken symbolic link"


def test_discover_reports_an_unreadable_folder(tmp_path, monkeypatch):
    write(tmp_path / "locked" / "x.txt", "X")
    write(tmp_path / "open" / "y.txt", "Y")
    real_scandir = os.scandir

    def scandir(path):
        # chmod 0 does not stop root, so the refusal is simulated where it would happen.
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = list(discover([str(tmp_path)]))
    errors = [item for item in found if isinstance(item, DocumentError)]
    assert [(Path(e.path).name, e.reason) for e in errors] == [
        ("locked", "cannot list folder: Permission denied")
    ]
    assert [item.id_base for item in found if isinstance(item, SourceFile)] == ["open/y.txt"]


# ---------------------------------------------------------------------------
# Any input: read, or reported; never a traceback, never half-read
# ---------------------------------------------------------------------------

VIETNAMESE_TEXT = st.text(
    alphabet=st.sampled_from(list("aăâeêioôơuưyđAĐHNG \n\t-:#{}[]\",.0123456789") + ["à", "ộ", "ể", "\u0301", "\ufeff", "\r"]),
    max_size=200,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=300),
        VIETNAMESE_TEXT.map(lambda text: text.encode("utf-8")),
        VIETNAMESE_TEXT.map(lambda text: b"\xff\xfe" + text.encode("utf-16-le")),
    ),
    fmt=st.sampled_from(["txt", "md", "json", "jsonl"]),
)
def test_any_bytes_are_read_or_reported(data, fmt):
    src = SourceFile("/nonexistent/any." + fmt, "any." + fmt, fmt)
    try:
        documents, errors = read_source(src, data=data)
    except DocumentError as error:
        assert error.reason and error.path == src.path
        return
    assert documents or errors
    for doc in documents:
        assert doc.text.strip()
        assert unicodedata.is_normalized("NFC", doc.text)
        assert "\r" not in doc.text
        assert doc.id and doc.content_hash
        assert all(isinstance(value, str) for value in doc.extra.values())
    assert all(isinstance(error, DocumentError) for error in errors)
