"""Speaker search (speaker: and --speaker), snippets that say who speaks, `speakers`, `show --speaker`."""
from __future__ import annotations

import json

import pytest

from searchidx import Searcher, index_paths, open_index

pytestmark = pytest.mark.usefixtures("scoring_path")  # the whoosh and the array scorer

SESSION = """---
title: Phiên chất vấn về đất đai
date: 2024-07-10
province: Hậu Giang
---
Đại biểu Nguyễn Thị Lan (Tổ đại biểu thành phố Vị Thanh): Cử tri hỏi về bồi thường đất đai ở phường VII.

Ông Lê Hữu Phước, Giám đốc Sở Tài nguyên và Môi trường: Về đất đai, Sở sẽ chi trả bồi thường trong quý IV. Về y tế, tôi không có ý kiến.

Đại biểu Nguyễn Thị Lan: Tôi đề nghị công khai tiến độ.
"""
# The other speaker alone says the words here: no hit for Lan.
OTHER = """---
title: Giải trình về y tế
date: 2025-03-01
province: Sóc Trăng
---
Ông Lê Hữu Phước, Giám đốc Sở Tài nguyên và Môi trường: Trạm y tế xã cần thêm bác sĩ; đất đai cho trạm đã có.

Bà Nguyễn Thị Lan Anh, Trưởng phòng Y tế: Tôi đồng ý.
"""
REPORT = """---
title: Tin tức
date: 2023-05-01
province: Hậu Giang
---
Tin về y tế cơ sở và bồi thường đất đai, không ai phát biểu.
"""


@pytest.fixture
def index(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "session.txt").write_text(SESSION, encoding="utf-8")
    (folder / "other.txt").write_text(OTHER, encoding="utf-8")
    (folder / "report.txt").write_text(REPORT, encoding="utf-8")
    idx = open_index(str(tmp_path / "index"), create=True)
    index_paths(idx, [str(folder)])
    return idx


def ids(results):
    return sorted(h.id for h in results.hits)


@pytest.mark.parametrize("query", ['speaker:"Nguyễn Thị Lan" y tế', 'speaker:"nguyen thi lan" y te',
                                   "speaker:Lan y tế"])
def test_words_of_another_speaker_never_match(index, query):
    # "y tế" is in the session (Phước's turn) and in the other document: never Lan's.
    with Searcher(index) as s:
        results = s.search(query, facets=True)
    assert results.total == 0 and results.hits == [] and results.facets["province"] == {}


def test_speaker_search_keeps_count_facets_and_snippets_to_the_speakers_turns(index):
    with Searcher(index) as s:
        lan = s.search('speaker:"Nguyễn Thị Lan" đất đai', facets=True)
        phuoc = s.search("đất đai", speaker="le huu phuoc", facets=True)
        everyone = s.search("đất đai")
    assert ids(lan) == ["session.txt"] and lan.total == 1
    assert lan.facets["province"] == {"Hậu Giang": 1}
    assert ids(phuoc) == ["other.txt", "session.txt"] and phuoc.total == 2
    assert ids(everyone) == ["other.txt", "report.txt", "session.txt"]
    text = "Cử tri hỏi về bồi thường đất đai ở phường VII."
    snippets = lan.hits[0].snippets
    assert [sn.speaker for sn in snippets] == ["Nguyễn Thị Lan"] and snippets[0].text == text
    assert snippets[0].role == "Đại biểu, Tổ đại biểu thành phố Vị Thanh"
    # Every marked word of a speaker search's snippets lies in that speaker's turns.
    for hit in phuoc.hits:
        assert all(sn.speaker == "Lê Hữu Phước" and sn.marks for sn in hit.snippets)


def test_a_full_name_is_not_a_longer_one(index):
    with Searcher(index) as s:
        assert s.search('speaker:"Nguyễn Thị Lan Anh"').total == 1
        assert ids(s.search('speaker:"Nguyễn Thị Lan" tôi')) == ["session.txt"]  # not Lan Anh's "Tôi đồng ý"
        unknown = s.search('speaker:"Trần Văn Không" đất đai')
    assert unknown.total == 0 and "no speaker named 'Trần Văn Không' in this index" in unknown.warnings


def test_hits_of_ordinary_searches_say_who_speaks(index):
    with Searcher(index) as s:
        results = s.search("bác sĩ")
    snippet = results.hits[0].snippets[0].to_dict()
    assert snippet["speaker"] == "Lê Hữu Phước" and snippet["role"] == "Giám đốc Sở Tài nguyên và Môi trường"
    with Searcher(index) as s:
        news = s.search("không ai phát biểu")
    assert news.hits[0].snippets[0].to_dict()["speaker"] is None


def test_who_says_it_the_most(index):
    with Searcher(index) as s:
        rows = s.speakers("đất đai")
        everyone = s.speakers()
        in_2025 = s.speakers(date_from="2025")
    assert [(r.speaker, r.turns, r.meetings) for r in rows] == [("Lê Hữu Phước", 2, 2), ("Nguyễn Thị Lan", 1, 1)]
    assert "đất đai" in rows[0].quote["text"].lower()
    assert [(r.speaker, r.turns, r.meetings, r.first, r.last) for r in everyone] == [
        ("Lê Hữu Phước", 2, 2, "2024-07-10", "2025-03-01"), ("Nguyễn Thị Lan", 2, 1, "2024-07-10", "2024-07-10"),
        ("Nguyễn Thị Lan Anh", 1, 1, "2025-03-01", "2025-03-01")]
    assert [r.speaker for r in in_2025] == ["Lê Hữu Phước", "Nguyễn Thị Lan Anh"]


def test_cli_speaker_option_speakers_and_show(index, invoke):
    result = invoke(index.path, "search", "dat dai", "--speaker", "Nguyễn Thị Lan", "--json")
    data = json.loads(result.output)
    assert data["total"] == 1 and data["hits"][0]["snippets"][0]["speaker"] == "Nguyễn Thị Lan"
    result = invoke(index.path, "search", "dat dai", "--speaker", "Nguyễn Thị Lan")
    assert "Nguyễn Thị Lan (Đại biểu, Tổ đại biểu thành phố Vị Thanh):" in result.output
    result = invoke(index.path, "speakers", "đất đai", "--json")
    data = json.loads(result.output)
    assert [r["speaker"] for r in data["speakers"]] == ["Lê Hữu Phước", "Nguyễn Thị Lan"]
    assert data["speakers"][0]["quote"]["id"] in ("session.txt", "other.txt")
    result = invoke(index.path, "show", "session.txt", "--speaker", "nguyen thi lan")
    assert result.exit_code == 0
    assert "Cử tri hỏi" in result.output and "Tôi đề nghị công khai" in result.output
    assert "Sở sẽ chi trả" not in result.output
    result = invoke(index.path, "show", "report.txt", "--speaker", "Lan")
    assert result.exit_code == 1 and "'Lan' has no turn in report.txt" in result.stderr


FILLER = ("Tôi thống nhất với báo cáo của Ủy ban nhân dân tỉnh về kết quả phát triển kinh tế, "
          "thu ngân sách, đầu tư công, giáo dục, văn hóa và an ninh quốc phòng trong năm qua. ")
SPEECH = "Cử tri xã Hòa An thiếu nước sạch; đề nghị tỉnh đầu tư công trình nước sạch tập trung cho xã."
NEWS = ("Tỉnh tổ chức hội nghị tổng kết năm với nhiều nội dung: kinh tế, xã hội, giáo dục, y tế, "
        "văn hóa, quốc phòng. ") * 3 + "Một số xã vùng sâu còn thiếu nước sạch vào mùa khô."


def _long_session(labelled: bool) -> str:
    turns = []
    for i in range(60):
        name = f"Đại biểu Nguyễn Văn {['An', 'Bình', 'Cường', 'Dũng', 'Em', 'Phúc'][i % 6]}"
        turns.append((name + ": " if labelled else "") + FILLER * 4)
    turns.insert(30, ("Đại biểu Trần Minh Khoa: " if labelled else "") + SPEECH)
    return "---\ntitle: Kỳ họp thường lệ cuối năm\ndate: 2024-12-05\n---\n" + "\n\n".join(turns) + "\n"


@pytest.mark.parametrize("labelled", [True, False])
def test_a_long_transcript_ranks_by_its_best_turn(tmp_path, labelled):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "session.txt").write_text(_long_session(labelled), encoding="utf-8")
    (folder / "news.txt").write_text("---\ntitle: Tổng kết năm\ndate: 2024-12-01\n---\n" + NEWS,
                                     encoding="utf-8")
    idx = open_index(str(tmp_path / "index"), create=True)
    index_paths(idx, [str(folder)])
    with Searcher(idx) as s:
        results = s.search("nước sạch")
    if labelled:  # the session's one turn on clean water beats the article's passing mention
        assert [h.id for h in results.hits] == ["session.txt", "news.txt"]
        assert results.hits[0].passage["speaker"] == "Trần Minh Khoa"
        assert results.hits[1].passage is None
    else:  # the same text without speaker labels is ranked as a whole, as before
        assert [h.id for h in results.hits] == ["news.txt", "session.txt"]
        assert all(h.passage is None for h in results.hits)


def test_a_phrase_or_a_group_must_be_in_the_speakers_turns(index):
    with Searcher(index) as s:
        # "chi trả bồi thường" is Phước's; Lan says "bồi thường" but not the phrase.
        assert s.search('speaker:"Nguyễn Thị Lan" "chi trả bồi thường"').total == 0
        assert ids(s.search('speaker:"Lê Hữu Phước" "chi trả bồi thường"')) == ["session.txt"]
        assert s.search('speaker:"Nguyễn Thị Lan" (y tế OR bác sĩ)').total == 0
        assert ids(s.search('speaker:"Nguyễn Thị Lan" (phường OR bác sĩ)')) == ["session.txt"]
        only = s.search('speaker:"Nguyễn Thị Lan"')
    assert ids(only) == ["session.txt"] and only.hits[0].snippets[0].speaker == "Nguyễn Thị Lan"


def test_a_negated_speaker_is_a_warning_not_words(index):
    with Searcher(index) as s:
        results = s.search('đất đai -speaker:"Nguyễn Thị Lan"')
        plain = s.search("đất đai")
    assert ids(results) == ids(plain)
    assert any("-speaker: is not supported" in w for w in results.warnings)
