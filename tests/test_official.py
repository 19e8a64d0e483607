"""Official documents in the national layout: read in every format, searched, filtered,
faceted and exported by type, number, issuer and signer; copies of one report are one hit."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from layout_set import cases, key, labels, predicted, read_case, to_docx, to_html, to_odt, to_pdf
from searchidx.errors import QueryError
from searchidx.index import open_index
from searchidx.ingest.documents import SourceFile, read_source
from searchidx.search import Searcher
from searchidx.sketch import containment, text_sketch

REPORT = """UBND TỈNH HÀ GIANG                    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ TƯ PHÁP                                  Độc lập - Tự do - Hạnh phúc

Số: 123/BC-STP                        Hà Giang, ngày 5 tháng 10 năm 2023

BÁO CÁO
Kết quả công tác bảo đảm quyền con người năm 2023

Ngày 12 tháng 3 năm 2023, Sở Tư pháp phối hợp với Viện Quyền con người tổ chức hội nghị tập huấn
về quyền con người cho 300 cán bộ cấp xã; trợ giúp pháp lý cho 412 lượt người dân tộc thiểu số.

Nơi nhận:                                   KT. GIÁM ĐỐC
- UBND tỉnh;                                PHÓ GIÁM ĐỐC
- Lưu: VT, VP.                              (đã ký)

                                            Nguyễn Thị Lan
"""

NEWS = """Hà Giang tập huấn về quyền con người cho cán bộ cấp xã

Ngày 12 tháng 3 năm 2023, Sở Tư pháp tỉnh Hà Giang phối hợp với Viện Quyền con người tổ chức hội
nghị tập huấn cho 300 cán bộ. Bà Nguyễn Thị Lan, Phó Giám đốc Sở Tư pháp phát biểu khai mạc.
"""


REPOST_INTRO = """Sở Tư pháp Hà Giang công bố kết quả bảo đảm quyền con người năm 2023

Cổng thông tin điện tử tỉnh đăng toàn văn báo cáo của Sở Tư pháp để bạn đọc theo dõi.

"""


def read(tmp_path: Path, name: str, data: bytes, fmt: str):
    path = tmp_path / name
    path.write_bytes(data)
    documents, errors = read_source(SourceFile(str(path), name, fmt))
    assert errors == []
    return documents[0]


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf", "html", "odt"])
def test_the_layout_is_read_in_every_format(tmp_path, fmt):
    data = {"txt": REPORT.encode(), "docx": to_docx(REPORT), "pdf": to_pdf(REPORT),
            "html": to_html(REPORT), "odt": to_odt(REPORT)}[fmt]
    doc = read(tmp_path, f"report.{fmt}", data, fmt)
    assert doc.doc_type == "báo cáo"
    assert doc.number == "123/BC-STP"
    assert (doc.issuer, doc.parent_issuer) == ("Sở Tư pháp", "UBND tỉnh Hà Giang")
    assert doc.title == "Báo cáo kết quả công tác bảo đảm quyền con người năm 2023"
    assert doc.date == "2023-10-05"  # the date line wins over the body's 12 March
    assert (doc.signer, doc.signer_position, doc.signer_authority) == (
        "Nguyễn Thị Lan", "Phó Giám đốc", "KT. Giám đốc")
    assert doc.recipients == ["UBND tỉnh"]
    assert doc.province == "Hà Giang"
    assert doc.people[0] == "Nguyễn Thị Lan" and doc.roles["Nguyễn Thị Lan"].startswith("Phó Giám đốc")
    assert {"Sở Tư pháp", "UBND tỉnh Hà Giang", "Viện Quyền con người"} <= set(doc.agencies)


def test_a_word_header_table_becomes_the_layouts_lines(tmp_path):
    from searchidx.ingest.formats import read_docx

    text = read_docx("r.docx", to_docx(REPORT)).text
    lines = text.split("\n")
    # Each paragraph of each cell on a line of its own, not the cells run together.
    assert lines[:3] == ["UBND TỈNH HÀ GIANG", "SỞ TƯ PHÁP", "Số: 123/BC-STP"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert " | " not in text.split("BÁO CÁO")[0]


def test_pdf_columns_run_together_are_taken_apart(tmp_path):
    from searchidx.ingest.formats import read_pdf

    text = read_pdf("r.pdf", to_pdf(REPORT)).text
    assert "UBND TỈNH HÀ GIANG CỘNG HÒA" in text  # what pypdf gives: one line
    doc = read(tmp_path, "r.pdf", to_pdf(REPORT), "pdf")
    assert doc.number == "123/BC-STP" and doc.signer == "Nguyễn Thị Lan"


def test_a_news_story_keeps_its_own_title_and_fields(tmp_path):
    doc = read(tmp_path, "news.txt", NEWS.encode(), "txt")
    assert doc.title == "Hà Giang tập huấn về quyền con người cho cán bộ cấp xã"
    assert (doc.doc_type, doc.number, doc.issuer, doc.signer) == ("", "", "", "")
    assert doc.date == "2023-03-12"
    assert doc.people == ["Nguyễn Thị Lan"]
    # A news story quoting a report from its first lines on is still the story.
    wrapped = NEWS + "\n" + REPORT
    doc = read(tmp_path, "repost.txt", wrapped.encode(), "txt")
    assert doc.title.startswith("Hà Giang tập huấn") and doc.doc_type == ""


def test_front_matter_title_wins_over_the_layout(tmp_path):
    doc = read(tmp_path, "r.txt", ("---\ntitle: Báo cáo của Sở\n---\n" + REPORT).encode(), "txt")
    assert doc.title == "Báo cáo của Sở" and doc.number == "123/BC-STP"


@pytest.mark.parametrize("case", list(cases()), ids=lambda c: c.name)
def test_labelled_documents(tmp_path, case):
    """Every labelled document: type, number and signer as labelled, in every format, and
    no person or agency that is not in its labels (recall is measured in bench/layout.py)."""
    found = predicted(read_case(case, tmp_path))
    for name in ("type", "number", "signer"):
        assert key(str(found[name] or "")) == key(case.label.get(name, "")), name
    for name in ("people", "agencies"):
        assert {key(v) for v in found[name]} <= {key(v) for v in case.label[name]}, name


def test_labelled_set_has_thirty_documents_of_several_layouts():
    names = [n for n in labels() if not n.startswith("seed:")]
    assert len(names) + 2 >= 30
    assert {f for label in labels().values() for f in label.get("also", [])} == {"docx", "pdf", "html", "odt"}


# ---- searching ---------------------------------------------------------------


@pytest.fixture(scope="module")
def official_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("official")
    (folder / "report.txt").write_text(REPORT, encoding="utf-8")
    (folder / "report.docx").write_bytes(to_docx(REPORT))
    (folder / "repost.txt").write_text(REPOST_INTRO + REPORT, encoding="utf-8")
    (folder / "news.txt").write_text(NEWS, encoding="utf-8")
    head, _, rest = REPORT.partition("BÁO CÁO")
    foot = "Nơi nhận:" + rest.split("Nơi nhận:")[1]
    bien_ban = (head.replace("123/BC-STP", "9/BB-STP") + "BIÊN BẢN\nHọp giao ban quý III năm 2023\n\n"
                "Hôm nay, các phòng chuyên môn của Sở báo cáo kết quả quý III: tiếp nhận 58 hồ sơ "
                "lý lịch tư pháp, hòa giải thành 41 vụ việc ở cơ sở, kiểm tra 12 văn bản quy phạm "
                "pháp luật của cấp huyện; thống nhất tập huấn về quyền con người trong quý IV.\n\n"
                + foot)
    (folder / "bien-ban.txt").write_text(bien_ban, encoding="utf-8")
    path = str(tmp_path_factory.mktemp("official-index") / "ix")
    from searchidx.indexer import index_paths

    index_paths(open_index(path, create=True), [str(folder)])
    return path


def ids(results):
    """The documents found, copies included."""
    return sorted([h.id for h in results.hits] + [c["id"] for h in results.hits for c in h.copies])


@pytest.mark.parametrize("query, expected", [
    ('type:"biên bản"', ["bien-ban.txt"]),
    ("type:bien ban", ["bien-ban.txt"]),
    ("type:BB", ["bien-ban.txt"]),
    ('type:"bien ban" issuer:"ubnd tinh ha giang"', ["bien-ban.txt"]),
    ('issuer:"ủy ban nhân dân tỉnh hà giang" number:9/bb-stp', ["bien-ban.txt"]),
    ("number:123/BC-STP", ["report.docx", "report.txt"]),
    ("number:123/bc-stp", ["report.docx", "report.txt"]),
    ("number:123", ["report.docx", "report.txt"]),
    ("number:123/BC", []),  # a number and symbol is exact
    ("number:12", []),
    ('signer:"nguyen thi lan" type:bao cao', ["report.docx", "report.txt"]),
    ('signer:"Nguyễn Thị Lan" issuer:"Sở Tư pháp"', ["bien-ban.txt", "report.docx", "report.txt"]),
    ('signer:"Nguyễn Thị Lân"', []),  # marks typed are marks meant
])
def test_layout_fields_in_queries(official_index, query, expected):
    with Searcher(open_index(official_index)) as searcher:
        assert ids(searcher.search(query)) == expected


def test_layout_options_filter_like_the_fields(official_index):
    with Searcher(open_index(official_index)) as searcher:
        assert ids(searcher.search("quyen con nguoi", doc_type="bien ban")) == ["bien-ban.txt"]
        assert ids(searcher.search("quyen con nguoi", number="9/BB-STP")) == ["bien-ban.txt"]
        assert ids(searcher.search("quyen con nguoi", issuer="so tu phap", signer="Nguyễn Thị Lan",
                                   collapse=False)) == ["bien-ban.txt", "report.docx", "report.txt"]
        with pytest.raises(QueryError, match="unknown document type"):
            searcher.search("x", doc_type="thư tình")


def test_copies_of_one_report_are_one_hit(official_index):
    with Searcher(open_index(official_index)) as searcher:
        every = searcher.search("number:123/BC-STP", collapse=False)
        assert every.total == 2 and len(every.hits) == 2 and every.collapsed == 0
        one = searcher.search("number:123/BC-STP")
        assert one.total == 2 and len(one.hits) == 1 and one.collapsed == 1
        folded = searcher.search('"quyền con người" tập huấn', limit=10)
        hits = {h.id: h for h in folded.hits}
        # The report, its Word copy and the re-post with an introduction are one hit; the
        # news story and the biên bản (another text in the same template) are hits of their own.
        groups = [sorted([h.id] + [c["id"] for c in h.copies]) for h in folded.hits]
        assert ["report.docx", "report.txt", "repost.txt"] in groups
        [head] = [h for h in folded.hits if h.copies]
        assert head.number == "123/BC-STP"  # the report heads its copies, not the re-post
        assert "news.txt" in hits and "bien-ban.txt" in hits
        assert folded.total == 5 and folded.collapsed == 2 and len(folded.hits) == 3


def test_the_hits_are_counted_and_paged_as_shown(official_index):
    with Searcher(open_index(official_index)) as searcher:
        query = '"quyền con người" tập huấn'
        first = searcher.search(query, limit=2)
        assert (first.total, first.hits_total) == (5, 3)
        pages = [searcher.search(query, limit=2, page=p) for p in (1, 2, 3)]
        assert [len(p.hits) for p in pages] == [2, 1, 0]  # 3 hits: two pages, none empty
        assert all(p.hits_total == 3 for p in pages)
        assert searcher.search(query, collapse=False).hits_total == 5


def test_more_found_than_grouped_counts_documents(corpus_index, monkeypatch):
    from searchidx import collapse

    with Searcher(open_index(corpus_index)) as searcher:
        counted = searcher.search("nhan quyen", limit=1)
        assert counted.hits_total is not None and counted.hits_total < counted.total
        monkeypatch.setattr(collapse, "COUNT_HITS_UP_TO", 10)
        many = searcher.search("nhan quyen", limit=1)
        assert many.total == counted.total > 10
        assert many.hits_total is None and many.hit_count == many.total


def test_a_recent_copy_of_a_report_found_before_is_not_new(tmp_path):
    import time

    from searchidx.indexer import index_paths

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "report.txt").write_text(REPORT, encoding="utf-8")
    path = str(tmp_path / "ix")
    index_paths(open_index(path, create=True), [str(folder)])
    time.sleep(0.05)
    since = time.time()
    time.sleep(0.05)
    (folder / "report.docx").write_bytes(to_docx(REPORT))  # the same report, as Word, a week on
    (folder / "news.txt").write_text(NEWS, encoding="utf-8")  # and something new
    index_paths(open_index(path), [str(folder)])
    with Searcher(open_index(path)) as searcher:
        query = "quyền con người"
        recent = searcher.search(query, since=since)
        assert [h.id for h in recent.hits] == ["news.txt"] and recent.earlier_copies == 1
        assert recent.total == 1
        every = searcher.search(query, since=since, collapse=False)  # each document as it is
        assert sorted(h.id for h in every.hits) == ["news.txt", "report.docx"]
        assert every.earlier_copies == 0


def test_a_sketch_measures_containment_not_likeness():
    report = text_sketch(REPORT * 3)
    repost = text_sketch("Tin tức trong ngày hôm nay từ các tỉnh miền núi phía Bắc. " * 20 + REPORT * 3)
    other = text_sketch(NEWS * 3)
    assert containment(report, repost) > 0.9
    assert containment(report, other) < 0.5
    assert text_sketch("quá ngắn") == []


# ---- the command line ----------------------------------------------------------


def test_show_json_gives_the_layout(invoke, corpus_index):
    res = invoke(corpus_index, "show", "2023/ha-giang-bao-cao-quyen-con-nguoi-2023.docx", "--json")
    doc = json.loads(res.stdout)
    assert doc["doc_type"] == "báo cáo" and doc["number"] == "215/BC-UBND"
    assert doc["issuer"] == "UBND tỉnh Hà Giang" and doc["signer"] == "Hoàng Gia Long"
    assert doc["title"] == "Báo cáo kết quả công tác bảo đảm quyền con người năm 2023"
    news = json.loads(invoke(corpus_index, "show", "2023/hau-giang-boi-duong-nhan-quyen.txt",
                             "--json").stdout)
    assert (news["doc_type"], news["number"], news["signer"]) == ("", "", "")
    text = invoke(corpus_index, "show", "2023/ha-giang-bao-cao-quyen-con-nguoi-2023.pdf").stdout
    assert "number:    215/BC-UBND" in text and "signer:    Hoàng Gia Long, Phó Chủ tịch" in text


def test_search_options_facets_and_json(invoke, corpus_index):
    res = invoke(corpus_index, "search", 'type:"biên bản" issuer:"ubnd tinh ha giang"', "--json")
    data = json.loads(res.stdout)
    assert data["hits"] and all(h["doc_type"] == "biên bản" and h["issuer"] == "UBND tỉnh Hà Giang"
                                for h in data["hits"])
    data = json.loads(invoke(corpus_index, "search", "quyen con nguoi", "--type", "bao cao",
                             "--facets", "--json").stdout)
    assert set(data["facets"]) == {"province", "year", "type", "issuer", "people", "agencies"}
    assert set(data["facets"]["type"]) == {"báo cáo"}
    assert data["facets"]["people"].get("Hoàng Gia Long")
    report = [h for h in data["hits"] if h["number"] == "215/BC-UBND"]
    assert len(report) == 1 and len(report[0]["copies"]) == 2  # the other two formats
    data = json.loads(invoke(corpus_index, "search", '"quyền con người" 2023 "Hoàng Gia Long"',
                             "--json").stdout)
    [report] = [h for h in data["hits"] if h["number"] == "215/BC-UBND"]
    copies = {c["id"] for c in report["copies"]} | {report["id"]}
    assert "2023/ha-giang-tin-bao-cao-quyen-con-nguoi.txt" in copies and len(copies) == 4  # + re-post
    assert data["collapsed"] == sum(len(h["copies"]) for h in data["hits"])
    every = json.loads(invoke(corpus_index, "search", "number:215/BC-UBND", "--no-collapse",
                              "--json").stdout)
    assert len(every["hits"]) == every["total"] == 3
    res = invoke(corpus_index, "search", "x", "--type", "thư tình")
    assert res.exit_code != 0 and "unknown document type" in res.stderr


def test_run_exports_the_layout(invoke, corpus_index, tmp_path):
    script = tmp_path / "q.toml"
    script.write_text('[[query]]\nname = "bb"\nq = "nhan quyen"\ntype = "biên bản"\n'
                      'issuer = "ubnd tinh ha giang"\n', encoding="utf-8")
    rows = list(csv.reader(io.StringIO(invoke(corpus_index, "run", str(script), "--format",
                                              "csv").stdout)))
    header, first = rows[0], rows[1]
    assert first[header.index("type")] == "biên bản" and first[header.index("signer")]
    record = json.loads(invoke(corpus_index, "run", str(script), "--format", "jsonl").stdout)
    assert record["hits"][0]["number"] == "08/BB-UBND"
    script.write_text('[[query]]\nname = "x"\nq = "a"\ntype = "thư tình"\n', encoding="utf-8")
    res = invoke(corpus_index, "run", str(script))
    assert res.exit_code != 0 and "unknown document type" in res.stderr
