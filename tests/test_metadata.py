"""Metadata detection (date, province, officials, agencies) and the province gazetteer."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchidx.ingest.documents import SourceFile, discover, read_source
from searchidx.gazetteer import (
    ALL_PROVINCES,
    CITIES_AFTER_2025,
    CITIES_BEFORE_2025,
    MERGED_INTO,
    PROVINCES_AFTER_2025,
    PROVINCES_BEFORE_2025,
    canonical_province,
    merged_from,
    merged_into,
    province_key,
)
from searchidx.dates import detect_date, normalize_date
from searchidx.ingest.metadata import (
    detect_agencies,
    detect_people,
    detect_province,
    extract_metadata,
)

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SEEDS = SHARED_DATA / "seeds"
REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
CORPUS_EXPECTED = REPO / "tests" / "data" / "corpus_expected.json"


# ---------------------------------------------------------------------------
# The two real reports
# ---------------------------------------------------------------------------

SEED_EXPECTED = [
    # file prefix, date (from the marker), province, every official named in the report
    ("000_", "2023-11", "Hậu Giang", ["Hồ Thu Ánh", "Nguyễn Văn Thắng"]),
    ("003_", "2023-10", "Hà Giang", ["Dương Thanh Bình"]),
]


def _seed(prefix: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"shared seeds not found at {SEEDS}")
    found = sorted(SEEDS.glob(prefix + "*.txt"))
    if not found:
        pytest.skip(f"no seed {prefix}*.txt in {SEEDS}")
    return found[0]


@pytest.mark.parametrize("prefix, date, province, people", SEED_EXPECTED)
def test_seed_document_metadata(prefix, date, province, people):
    path = _seed(prefix)
    documents, errors = read_source(SourceFile(str(path), path.name, "txt"))
    assert errors == []
    [doc] = documents
    assert doc.date == date
    assert doc.province == province
    assert doc.people == people


@pytest.mark.parametrize("prefix, date, province, people", SEED_EXPECTED)
def test_seed_detection_from_text_alone(prefix, date, province, people):
    path = _seed(prefix)
    documents, _ = read_source(SourceFile(str(path), path.name, "txt"))
    found = extract_metadata(documents[0].text)
    assert found["province"] == province
    assert found["people"] == people
    # The text names "Học viện Chính trị quốc gia Hồ Chí Minh": neither a person nor the city.
    assert "Hồ Chí Minh" not in found["people"]


def test_seed_agencies():
    hau_giang = read_source(SourceFile(str(_seed("000_")), "000.txt", "txt"))[0][0]
    # One form per agency: "… tỉnh" and "… tỉnh Hậu Giang" are one committee (issue 15).
    assert hau_giang.agencies[:4] == [
        "UBND tỉnh Hậu Giang", "Ban Chỉ đạo về Nhân quyền tỉnh Hậu Giang", "Công an tỉnh Hậu Giang",
        "Tỉnh ủy Hậu Giang",
    ]
    assert "Ban Chỉ đạo về Nhân quyền tỉnh" not in hau_giang.agencies
    assert {"Viện Quyền con người", "Học viện Chính trị quốc gia Hồ Chí Minh"} <= set(hau_giang.agencies)
    assert "Bộ Lao động - Thương binh và Xã hội" in hau_giang.agencies  # written with an en dash
    ha_giang = read_source(SourceFile(str(_seed("003_")), "003.txt", "txt"))[0][0]
    # Written "Ban chỉ đạo" there: one spelling in the facet.
    assert "Ban Chỉ đạo về Nhân quyền và Tôn giáo tỉnh Hà Giang" in ha_giang.agencies
    assert all(not agency.startswith("Ban chỉ đạo") for agency in ha_giang.agencies)


# ---------------------------------------------------------------------------
# The bundled corpus against its answer key
# ---------------------------------------------------------------------------

def test_corpus_metadata_matches_expected():
    if not CORPUS_EXPECTED.is_file() or not CORPUS.is_dir():
        pytest.skip("no corpus answer key")
    expected = json.loads(CORPUS_EXPECTED.read_text(encoding="utf-8"))
    found = {}
    for item in discover([str(CORPUS)]):
        if isinstance(item, SourceFile):
            documents, errors = read_source(item)
            assert errors == [], errors
            found.update((doc.id, doc) for doc in documents)
    mismatches = []
    for doc_id, fields in expected.items():
        doc = found.get(doc_id)
        if doc is None:
            mismatches.append(f"{doc_id}: not found in corpus/")
            continue
        for name in ("date", "province", "people"):
            if getattr(doc, name) != fields[name]:
                mismatches.append(f"{doc_id}: {name} {getattr(doc, name)!r}, expected {fields[name]!r}")
    assert not mismatches, "\n".join(mismatches)


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sáng ngày 5 tháng 10 năm 2023, tại Hà Giang", "2023-10-05"),
        ("Hôm nay, Ngày 05 tháng 9 năm 2024 tổ chức", "2024-09-05"),
        ("Trong tháng 10 năm 2023 đã", "2023-10"),
        ("Báo cáo tháng 10/2023 của", "2023-10"),
        ("Tháng 9, năm 2024 vừa qua", "2024-09"),
        ("Ngày 5/10/2023 hội nghị", "2023-10-05"),
        ("ngày 05-10-2023 hội nghị", "2023-10-05"),
        ("vào 05.10.2023 hội nghị", "2023-10-05"),
        # The first date wins, and an impossible one is passed over.
        ("ngày 31/2/2023 (sai), rồi ngày 1/3/2023, rồi 2/3/2023", "2023-03-01"),
        ("tháng 13 năm 2023, rồi tháng 12 năm 2023", "2023-12"),
        ("ngày 29/2/2024", "2024-02-29"),
    ],
)
def test_detect_date(text, expected):
    assert detect_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hiến pháp năm 2013 quy định",  # a bare year is a citation, not the report's date
        "Ngày người khuyết tật Việt Nam (18/4) với số tiền",
        "ngày 29/2/2023",  # no such day
        "ngày 5 tháng 10 năm 1890",  # out of range
        "Nghị quyết số 12/10/2023/NQ-HĐND",  # a document number
        "đạt 651/547 lao động và 17.670 người, 1.234.567 đồng",
        "",
    ],
)
def test_detect_date_finds_nothing(text):
    assert detect_date(text) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023", "2023"),
        ("2023-10", "2023-10"),
        ("2023-1", "2023-01"),
        ("2023-10-05", "2023-10-05"),
        ("2023/10/05", "2023-10-05"),
        ("2023-10-05T08:30:00+07:00", "2023-10-05"),
        ("5/10/2023", "2023-10-05"),
        ("05-10-2023", "2023-10-05"),
        ("10/2023", "2023-10"),
        (" 2023-10 ", "2023-10"),
        ("ngày 5 tháng 10 năm 2023", "2023-10-05"),
        ("2023-13", None),
        ("2023-02-30", None),
        ("1900", None),
        ("13/2023", None),
        ("hôm qua", None),
        ("", None),
    ],
)
def test_normalize_date(value, expected):
    assert normalize_date(value) == expected


# ---------------------------------------------------------------------------
# Gazetteer
# ---------------------------------------------------------------------------

def test_gazetteer_counts():
    assert len(PROVINCES_BEFORE_2025) == len(set(PROVINCES_BEFORE_2025)) == 63
    assert len(CITIES_BEFORE_2025) == 5
    assert len(PROVINCES_AFTER_2025) == 34
    assert len(CITIES_AFTER_2025) == 6 and CITIES_AFTER_2025 <= PROVINCES_AFTER_2025
    # Every kept unit bears an old name, except Huế, which replaced Thừa Thiên Huế.
    assert PROVINCES_AFTER_2025 - set(PROVINCES_BEFORE_2025) == {"Huế"}
    assert set(MERGED_INTO) == set(PROVINCES_BEFORE_2025)
    assert set(MERGED_INTO.values()) == PROVINCES_AFTER_2025
    # Folded keys tell all units apart.
    assert len({province_key(name) for name in ALL_PROVINCES}) == len(ALL_PROVINCES)
    assert all(unicodedata.is_normalized("NFC", name) for name in ALL_PROVINCES)


@pytest.mark.parametrize(
    "old, new",
    [
        ("Hà Giang", "Tuyên Quang"),
        ("Yên Bái", "Lào Cai"),
        ("Hậu Giang", "Cần Thơ"),
        ("Sóc Trăng", "Cần Thơ"),
        ("Hòa Bình", "Phú Thọ"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
        ("Bình Dương", "Hồ Chí Minh"),
        ("Quảng Nam", "Đà Nẵng"),
        ("Thừa Thiên Huế", "Huế"),
        ("Kon Tum", "Quảng Ngãi"),
        ("Đắk Nông", "Lâm Đồng"),
        ("Hà Nội", "Hà Nội"),  # unchanged
        ("Cao Bằng", "Cao Bằng"),
        ("ha giang", "Tuyên Quang"),  # any spelling
    ],
)
def test_merged_into(old, new):
    assert merged_into(old) == new


def test_merged_from():
    assert merged_from("Cần Thơ") == ["Cần Thơ", "Hậu Giang", "Sóc Trăng"]
    assert merged_from("Ninh Bình") == ["Ninh Bình", "Hà Nam", "Nam Định"]
    assert merged_from("Huế") == ["Thừa Thiên Huế"]
    assert merged_from("Hà Giang") == []  # not a unit any more
    assert merged_into("Atlantis") is None


@pytest.mark.parametrize(
    "name, expected",
    [
        ("ha giang", "Hà Giang"),
        ("HÀ GIANG", "Hà Giang"),
        ("tỉnh Hà Giang", "Hà Giang"),
        ("Tỉnh  Hà   Giang", "Hà Giang"),
        ("hà giang", "Hà Giang"),
        (unicodedata.normalize("NFD", "Hà Giang"), "Hà Giang"),
        ("Hoà Bình", "Hòa Bình"),  # tone placement
        ("hoa binh", "Hòa Bình"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("TP HCM", "Hồ Chí Minh"),
        ("tp.hcm", "Hồ Chí Minh"),
        ("TPHCM", "Hồ Chí Minh"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
        ("Sài Gòn", "Hồ Chí Minh"),
        ("Đắc Lắc", "Đắk Lắk"),
        ("Đăk Lăk", "Đắk Lắk"),
        ("daklak", "Đắk Lắk"),
        ("Bắc Cạn", "Bắc Kạn"),
        ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("ba ria vung tau", "Bà Rịa - Vũng Tàu"),
        ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
        ("Huế", "Huế"),
        ("thành phố Huế", "Huế"),
        ("Atlantis", None),
        ("", None),
        ("tỉnh", None),
    ],
)
def test_canonical_province(name, expected):
    assert canonical_province(name) == expected


@pytest.mark.parametrize(
    "name, key",
    [
        ("Hà Giang", "ha giang"),
        ("tỉnh Hà Giang", "ha giang"),
        ("TP.HCM", "ho chi minh"),
        ("Bà Rịa - Vũng Tàu", "ba ria vung tau"),
        ("Đắk Lắk", "dak lak"),
        ("Atlantis Nova", "atlantis nova"),
    ],
)
def test_province_key(name, key):
    assert province_key(name) == key


# ---------------------------------------------------------------------------
# Province detection
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hội nghị của UBND tỉnh Hà Giang đã diễn ra.", "Hà Giang"),
        # "UBND tỉnh X" and "tỉnh X" outweigh more bare mentions of the capital.
        ("Đoàn từ Hà Nội, về Hà Nội, họp ở Hà Nội. UBND tỉnh Lào Cai chủ trì.", "Lào Cai"),
        ("Tại TP.HCM hôm qua, mưa lớn.", "Hồ Chí Minh"),
        ("Tại TP. Hồ Chí Minh hôm qua, mưa lớn.", "Hồ Chí Minh"),
        ("Người dân tỉnh Hòa Bình đón Tết.", "Hòa Bình"),
        ("Người dân tỉnh Hoà Bình đón Tết.", "Hòa Bình"),
        ("Nguoi dan tinh Ha Giang don Tet.", "Hà Giang"),  # text typed without marks
        ("Đoàn công tác làm việc tại Đắk Lắk.", "Đắk Lắk"),
        ("UBND tỉnh Bà Rịa - Vũng Tàu họp.", "Bà Rịa - Vũng Tàu"),
        ("Hội nghị tại Thừa Thiên Huế.", "Thừa Thiên Huế"),
    ],
)
def test_detect_province(text, expected):
    assert detect_province(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # "hòa bình" is the word for peace: lowercase in prose, or at a sentence start.
        "Nhân dân yêu chuộng hòa bình. Hòa bình là khát vọng của mọi dân tộc, vì hòa bình.",
        "VÌ HÒA BÌNH VÀ HỮU NGHỊ",  # a headline in capitals
        "Học viện Chính trị quốc gia Hồ Chí Minh tổ chức; tư tưởng Hồ Chí Minh.",
        "Ông Nguyễn Thái Bình, Phó Giám đốc, phát biểu.",  # a man, not the province
        "Tàu đi qua Thái Bình Dương.",  # the Pacific Ocean
        "Khu đô thị Hòa Bình ở phường Hòa Bình, đường Hà Nội.",  # smaller places, a street
        "Báo cáo không nêu địa danh nào.",
    ],
)
def test_detect_province_ignores_non_provinces(text):
    assert detect_province(text) is None


def test_detect_province_needs_the_right_marks_when_marks_are_written():
    # "Quang Bình" is a district of Hà Giang; "Quảng Bình" the province. Only text typed
    # without any marks is matched by its folded form.
    assert detect_province("Đoàn về huyện Quang Bình, tỉnh Hà Giang.") == "Hà Giang"
    assert detect_province("Đoàn về tỉnh Quảng Bình.") == "Quảng Bình"
    assert detect_province("Doan ve tinh Quang Binh.") == "Quảng Bình"


def test_detect_province_lowercase_peace_does_not_outvote():
    text = "Vì hòa bình, hòa bình, hòa bình và hòa bình. Đoàn đến Sơn La."
    assert detect_province(text) == "Sơn La"


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dự hội nghị có bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh.", ["Hồ Thu Ánh"]),
        ("Đại tá Nguyễn Văn Thắng, Phó Giám đốc Công an tỉnh, chủ trì.", ["Nguyễn Văn Thắng"]),
        ("Ông Dương Thanh Bình phát biểu.", ["Dương Thanh Bình"]),
        ("Phó Chủ tịch UBND tỉnh Hà Giang Nguyễn Văn Sơn chủ trì.", ["Nguyễn Văn Sơn"]),
        ("Bí thư Tỉnh ủy Đặng Xuân Phong dự.", ["Đặng Xuân Phong"]),
        ("Trần Văn Lợi - Bí thư Huyện ủy phát biểu.", ["Trần Văn Lợi"]),
        ("Thượng tá Giàng A Páo, Trưởng Công an huyện.", ["Giàng A Páo"]),
        ("PGS.TS. Lê Thị Hoa trình bày.", ["Lê Thị Hoa"]),
        ("Bí thư Huyện ủy Mường La Cầm Văn Chính nói.", ["Cầm Văn Chính"]),
        # Order of first mention, each person once.
        (
            "Ông Lê Văn A, Chủ tịch, và bà Trần Thị B, Giám đốc Sở, dự. Ông Lê Văn A nói.",
            ["Lê Văn A", "Trần Thị B"],
        ),
        # A list after one honorific.
        ("Ba thợ lò là anh Nguyễn Mạnh Hùng, Nguyễn Thành Vinh và Trần Văn Sơn.",
         ["Nguyễn Mạnh Hùng", "Nguyễn Thành Vinh", "Trần Văn Sơn"]),
        # "Đoàn Thanh niên" is an organization, "Đoàn Thanh Tùng" a man.
        ("Bí thư Đoàn Thanh niên tỉnh, anh Đoàn Thanh Tùng, phát biểu.", ["Đoàn Thanh Tùng"]),
        # One spelling whatever the tone placement.
        ("Ông Phạm Văn Hoà nói; ông Phạm Văn Hòa nói thêm.", ["Phạm Văn Hòa"]),
    ],
)
def test_detect_people(text, expected):
    assert detect_people(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Chủ tịch Hồ Chí Minh từng nói; học tập tư tưởng Hồ Chí Minh.",
        "Chủ tịch UBND tỉnh Hà Giang phát biểu tại Lâm Đồng.",
        "Giám đốc Sở đến đường Lê Lợi và đường Nguyễn Văn Linh.",
        "Bí thư thăm Trường THPT Nguyễn Du và Đại học Tôn Đức Thắng.",
        "Chủ tịch UBND huyện Lâm Hà dự.",
        "Liên hệ: Công ty Đức Anh, Hà Nội: 96 Lò Đúc.",  # "Anh" ends a name, it is no honorific
        "Đại sứ Bồ Đào Nha và Thủ tướng Thái Lan dự.",
        "Nguyễn Văn Bình đến muộn.",  # no title or honorific: not taken
        "Đào tạo nghề cho 8.469 người.",  # a surname-like word starting a sentence
    ],
)
def test_detect_people_ignores_non_people(text):
    assert detect_people(text) == []


def test_detect_people_works_on_nfd_text_after_normalization():
    from searchidx.analysis.normalize import normalize_text

    text = unicodedata.normalize("NFD", "Đại tá Nguyễn Văn Thắng chủ trì.")
    assert detect_people(normalize_text(text)) == ["Nguyễn Văn Thắng"]


# ---------------------------------------------------------------------------
# Agencies
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Phó Chủ tịch UBND tỉnh dự.", ["UBND tỉnh"]),
        ("Ủy ban nhân dân tỉnh Hà Giang ban hành.", ["UBND tỉnh Hà Giang"]),
        ("Hội đồng nhân dân tỉnh Hậu Giang họp.", ["HĐND tỉnh Hậu Giang"]),
        ("Công an TP.HCM và UBND Thành phố.", ["Công an thành phố Hồ Chí Minh", "UBND thành phố"]),
        ("UBND tỉnh Hoà Bình.", ["UBND tỉnh Hòa Bình"]),
        # The name after "tỉnh" is an official, not part of the agency.
        ("Phó Chủ tịch UBND tỉnh Hồ Thu Ánh dự.", ["UBND tỉnh"]),
        ("Bí thư Huyện ủy Mường La Cầm Văn Chính.", ["Huyện ủy Mường La"]),
        ("Trưởng Ban Chỉ đạo về Nhân quyền tỉnh Hậu Giang cho biết.",
         ["Ban Chỉ đạo về Nhân quyền tỉnh Hậu Giang"]),
        ("Ban chỉ đạo về Nhân quyền và Tôn giáo tỉnh, hơn 2.000 đại biểu.",
         ["Ban Chỉ đạo về Nhân quyền và Tôn giáo tỉnh"]),
        ("Ban Chỉ đạo phòng, chống tham nhũng, tiêu cực tỉnh họp.",
         ["Ban Chỉ đạo phòng, chống tham nhũng"]),
        ("các thành viên Ban Chỉ đạo, lãnh đạo các sở", []),  # bare "Ban Chỉ đạo": no name
        ("Sở Văn hoá, Thể thao và Du lịch tỉnh Hà Giang; Sở Y tế.",
         ["Sở Văn hóa, Thể thao và Du lịch tỉnh Hà Giang", "Sở Y tế"]),
        ("Bộ Lao động – Thương binh và Xã hội", ["Bộ Lao động - Thương binh và Xã hội"]),
        ("Ủy ban MTTQ Việt Nam tỉnh Lào Cai", ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lào Cai"]),
        ("Tỉnh ủy, UBND tỉnh và Tỉnh uỷ", ["Tỉnh ủy", "UBND tỉnh"]),
        ("hướng dẫn của các Bộ, Ngành Trung ương", []),
    ],
)
def test_detect_agencies(text, expected):
    assert detect_agencies(text) == expected


DISTRICTS = (
    "Mèo Vạc", "Đồng Văn", "Yên Minh", "Quản Bạ", "Bắc Mê", "Vị Xuyên", "Bắc Quang", "Quang Bình",
    "Xín Mần", "Hoàng Su Phì", "Bảo Lâm", "Bảo Lạc", "Hà Quảng", "Trùng Khánh", "Hạ Lang",
    "Quảng Hòa", "Hòa An", "Nguyên Bình", "Thạch An", "Trà Lĩnh",
)


def test_detect_agencies_caps_the_list():
    text = " ".join(f"UBND huyện {name} họp." for name in DISTRICTS)
    found = detect_agencies(text)
    assert found == [f"UBND huyện {name}" for name in DISTRICTS[:15]]


def test_extract_metadata_has_every_field():
    found = extract_metadata("Ngày 5/10/2023, ông Lê Văn Tám, Chủ tịch UBND tỉnh Hà Giang, dự.")
    assert found == {
        "date": "2023-10-05",
        "province": "Hà Giang",
        "people": ["Lê Văn Tám"],
        "agencies": ["UBND tỉnh Hà Giang"],
    }


# ---------------------------------------------------------------------------
# Any text
# ---------------------------------------------------------------------------

WORDS = st.sampled_from(
    "ông bà Nguyễn Văn Thắng Hồ Thu Ánh tỉnh Hà Giang UBND Ban Chỉ đạo về Nhân quyền ngày tháng"
    " năm 5 10 2023 / - , . ; TP. HCM Sở Y tế Công an hòa bình Hòa Bình Phó Chủ tịch đường Lê Lợi"
    " \n A Ư ĐẠI TÁ".split(" ")
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(WORDS, max_size=40).map(" ".join), st.text(max_size=200)))
def test_extract_metadata_on_any_text(text):
    found = extract_metadata(text)
    assert set(found) == {"date", "province", "people", "agencies"}
    if found["date"] is not None:
        assert normalize_date(found["date"]) == found["date"]
    if found["province"] is not None:
        assert found["province"] in ALL_PROVINCES
    for name in found["people"]:
        assert 2 <= len(name.split()) <= 4
        assert name in found["people"] and found["people"].count(name) == 1
    assert len(found["agencies"]) <= 15
    assert len({agency.lower() for agency in found["agencies"]}) == len(found["agencies"])
