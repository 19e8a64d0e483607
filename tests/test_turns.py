"""Speaker turns: the labelled set, the seed reports, offsets and speaker keys."""
from __future__ import annotations

from pathlib import Path

import pytest

from labelled_turns import read_labelled, score
from searchidx.ingest.turns import extract_turns
from searchidx.turnform import folded_key, key_terms, speaker_key, turn_at

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "seeds"


def _seed(prefix: str) -> str:
    found = sorted(SEEDS.glob(prefix + "_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip("the seed reports (../shared/data/seeds) are absent")
    text = found[0].read_text(encoding="utf-8")
    return text.split(" ", 3)[3] if text.startswith(" date ") else text  # after the "date YYYY-MM" marker


def test_labelled_set_has_every_shape():
    records = read_labelled()
    assert len(records) >= 20
    assert {r.shape for r in records} == {"transcript", "minutes", "report"}
    for r in records:
        for key, start, end in r.turns:
            assert r.text[start:end].strip() == r.text[start:end] and end > start, r.name


def test_attribution_precision_and_recall_on_the_labelled_set():
    figures = score(read_labelled(), extract_turns)["all"]
    assert figures["precision"] >= 0.95 and figures["recall"] >= 0.95, figures


def test_seed_reports_attribute_their_quoted_paragraphs():
    text = _seed("000")
    turns = extract_turns(text)
    opening = text.index("thời gian qua Tỉnh ủy")
    assert turn_at(turns, opening)["speaker"] == "Hồ Thu Ánh"
    # "Trưởng Ban Chỉ đạo về Nhân quyền tỉnh Hậu Giang" is the role she was introduced with.
    assert turn_at(turns, text.index("Hội nghị tập huấn công tác nhân quyền lần này"))["speaker"] == "Hồ Thu Ánh"
    assert turn_at(turns, text.index("các thành viên Ban Chỉ đạo, lãnh đạo"))["speaker"] == "Nguyễn Văn Thắng"
    assert turn_at(turns, text.index("Dự và chỉ đạo Hội nghị")) is None  # named, not speaking
    text = _seed("003")
    turns = extract_turns(text)
    assert turn_at(turns, text.index("Nhân quyền là phạm trù cơ bản"))["speaker"] == "Dương Thanh Bình"
    assert turn_at(turns, text.index("thời gian qua công tác nhân quyền"))["speaker"] == "Dương Thanh Bình"
    assert turn_at(turns, text.index("Ông Dương Thanh Bình, Phó trưởng Ban")) is None  # a caption
    assert turn_at(turns, text.index("Hội nghị diễn ra theo hình thức")) is None


def test_one_key_for_a_full_name_a_short_reference_and_capitals():
    text = ("Đại biểu Nguyễn Thị Lan (Đoàn ĐBQH tỉnh Hậu Giang): Tôi đề nghị sửa luật.\n"
            "Chủ tọa - Phó Chủ tịch Quốc hội Đỗ Văn Bình: Mời đại biểu Lan.\n"
            "Đại biểu Lan: Tôi xin bổ sung.\n"
            "NGUYỄN THỊ LAN: Tôi xin hết.\n"
            "Chủ tọa: Cảm ơn đại biểu.\n")
    turns = extract_turns(text)
    assert [t["key"] for t in turns] == ["nguyễn thị lan", "đỗ văn bình", "nguyễn thị lan", "nguyễn thị lan",
                                         "đỗ văn bình"]
    assert [text[t["start"]:t["end"]] for t in turns][2:4] == ["Tôi xin bổ sung.", "Tôi xin hết."]
    assert turns[0]["role"] == "Đại biểu, Đoàn ĐBQH tỉnh Hậu Giang"
    assert speaker_key("NGUYỄN THỊ LAN") == speaker_key("Nguyễn  Thị Lan") == "nguyễn thị lan"
    assert folded_key("đỗ văn bình") == "do van binh"
    assert key_terms(turns[:2]) == ["nguyễn thị lan", "nguyen thi lan", "đỗ văn bình", "do van binh"]


def test_sections_stage_directions_and_interruptions():
    text = ("I. CHẤT VẤN VỀ ĐẤT ĐAI\n"
            "Đại biểu Trần Minh Khoa: Tôi hỏi về đất đai.\n"
            "(Vỗ tay)\n"
            "Sau đó hội trường nghỉ giải lao.\n"
            "II. Y TẾ\n"
            "Bà Võ Thị Hạnh, Giám đốc Sở Y tế: Trạm y tế thiếu bác sĩ.\n"
            "Chủ tọa: Đề nghị ngắn gọn.\n")
    turns = extract_turns(text)
    assert [(t["speaker"], t["section"]) for t in turns] == [
        ("Trần Minh Khoa", "I. CHẤT VẤN VỀ ĐẤT ĐAI"), ("Võ Thị Hạnh", "II. Y TẾ")]
    assert turn_at(turns, text.index("Sau đó")) is None  # after the applause: unattributed
    assert turn_at(turns, text.index("Đề nghị ngắn gọn")) is None  # no chair named: not guessed


@pytest.mark.parametrize("text", [
    "Thời gian: 8 giờ 00, ngày 3/10/2024.",
    "Nội dung chính gồm: bồi thường, tái định cư và hỗ trợ.",
    "Tại hội nghị, đại diện Ngân hàng Chính sách xã hội tỉnh thông tin đã giải ngân 318 tỷ đồng.",
    "Ông Hà Thanh Liêm, Phó Chủ tịch UBND tỉnh Bình Định chủ trì hội nghị.",
    "Đoàn công tác làm việc tại tỉnh Hà Giang: kiểm tra các công trình nước sạch.",
    "",
])
def test_text_with_no_speaker_stays_unattributed(text):
    assert extract_turns(text) == []


def test_attribution_on_the_held_out_set():
    heldout = Path(__file__).resolve().parent / "data" / "turns" / "heldout.txt"
    figures = score(read_labelled(heldout), extract_turns)["all"]
    assert figures["turns"] >= 20
    assert figures["precision"] >= 0.95 and figures["recall"] >= 0.95, figures
