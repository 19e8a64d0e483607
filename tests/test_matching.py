"""What a query matches: every word, words of several syllables side by side, diacritics
as typed, partial and folded matches said as such, questions ranked, one set for the
count, facets, sorting and paging, and marks on what matched."""
from __future__ import annotations

import json

import pytest

from searchidx import Searcher, open_index
from searchidx.ingest.documents import Document
from searchidx.query import query_words
from searchidx.writer import IndexWriter

pytestmark = pytest.mark.usefixtures("scoring_path")

TEXTS = {
    "corruption": "Hội nghị phòng, chống tham nhũng của tỉnh Hà Giang. Ban chỉ đạo phòng chống tham "
                  "nhũng họp định kỳ mỗi quý.",
    "corruption-2": "Thanh tra tỉnh Hậu Giang công bố kết quả phòng chống tham nhũng năm 2024.",
    "apart": "Nhiều người tham gia lớp học. Những nhũng nhiễu trong thủ tục đã được xử lý.",
    "health": "Chương trình chăm sóc sức khỏe nông thôn, nhân viên y tế tham gia đông đủ.",
    "name": "Bà Hồ Thu Anh, Giám đốc Sở, phát biểu khai mạc. Mùa thu năm nay, anh em trong ngành "
            "cải cách thủ tục hành chính đều cố gắng.",
    "caps": "BÁO CÁO TÌNH HÌNH TỈNH HÒA BÌNH\nTỉnh Hòa Bình tổ chức hội nghị tổng kết.",
    "peace": "hòa bình là khát vọng của nhân dân các nước.",
    "gifts": "Các hộ nghèo nhận quà Tết từ Ủy ban Mặt trận Tổ quốc.",
    "repeated": "Tăng cường chuyển đổi số cấp xã.\n\nTăng cường chuyển đổi số cấp xã.",
    "crops": "Chuyển đổi cơ cấu cây trồng giúp số hộ khá tăng.",
}
PROVINCES = {"corruption": "Hà Giang", "corruption-2": "Hậu Giang"}
DATES = {"corruption": "2023-05-01", "corruption-2": "2024-12-20"}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    index = open_index(str(tmp_path_factory.mktemp("matching") / "ix"), create=True)
    with IndexWriter(index) as writer:
        for doc_id, text in TEXTS.items():
            writer.add(Document(id=doc_id, text=text, title=text.split(".")[0][:40], path=doc_id,
                                source=doc_id, date=DATES.get(doc_id, "2022-01-01"),
                                province=PROVINCES.get(doc_id, "Hòa Bình"), people=[], agencies=[],
                                format="txt", content_hash=doc_id, extra={}))
    return index


@pytest.fixture
def searcher(index):
    with Searcher(index) as s:
        yield s


def ids(results):
    return [h.id for h in results.hits]


def marked(snippet):
    return [snippet.text[a:b] for a, b in snippet.marks]


def test_a_word_of_several_syllables_matches_where_they_stand_together(searcher):
    for query in ("tham nhũng", "tham nhung", "THAM NHŨNG"):
        results = searcher.search(query)
        assert sorted(ids(results)) == ["corruption", "corruption-2"], query
        assert results.total == 2 and results.match == "all"


def test_every_word_must_be_held(searcher):
    assert ids(searcher.search("tham nhũng Hậu Giang")) == ["corruption-2"]
    assert ids(searcher.search("tham nhung hau giang")) == ["corruption-2"]


def test_unaccented_words_are_grouped_by_what_the_index_knows(index):
    reader = index.whoosh_index.reader()
    try:
        assert [w.text for w in query_words("tham nhung hau giang", reader)] == ["tham nhung", "hau giang"]
        # Without the index, syllables typed without marks stay apart.
        assert [w.text for w in query_words("tham nhung")] == ["tham", "nhung"]
    finally:
        reader.close()


def test_words_the_documents_hold_side_by_side_are_one(searcher):
    # pyvi makes "chuyển đổi" and "số" two words; where both are, they mostly stand together.
    assert sorted(ids(searcher.search("chuyển đổi"))) == ["crops", "repeated"]
    for query in ("chuyển đổi số", "chuyen doi so"):
        assert ids(searcher.search(query)) == ["repeated"], query


def test_quotes_force_a_grouping(searcher):
    # "tham gia" is a word; quoted, "nhân viên y tế" must stand together.
    assert ids(searcher.search('"nhân viên y tế"')) == ["health"]
    assert ids(searcher.search('"y tế nhân viên"')) == []


def test_diacritics_as_typed(searcher):
    assert ids(searcher.search("nhận")) == ["gifts"]
    assert sorted(ids(searcher.search("nhân"))) == ["health", "peace"]
    assert sorted(ids(searcher.search("nhan"))) == ["gifts", "health", "peace"]


def test_tone_placement_and_case_never_change_results(searcher):
    runs = [searcher.search(q) for q in ("HÒA BÌNH", "Hòa Bình", "hòa bình", "hoà bình")]
    first = [(h.id, h.score) for h in runs[0].hits]
    assert sorted(ids(runs[0])) == ["caps", "peace"]
    for other in runs[1:]:
        assert [(h.id, h.score) for h in other.hits] == first


def test_words_typed_with_diacritics_found_only_without_them_are_said_so(searcher):
    results = searcher.search("thám nhũng")
    assert results.match == "folded"
    assert "thám nhũng" in results.notice
    assert sorted(ids(results)) == ["corruption", "corruption-2"]


def test_no_document_with_every_word_shows_the_most_with_what_each_lacks(searcher):
    results = searcher.search("tham nhũng Atlantis")
    assert results.match == "partial"
    assert "1 of them" in results.notice
    assert sorted(ids(results)) == ["corruption", "corruption-2"] and results.total == 2
    assert all(h.missing == ["atlantis"] for h in results.hits)
    assert searcher.search("Atlantis Lemuria").total == 0


def test_questions_are_ranked_retrieval(searcher):
    results = searcher.search("tham nhũng là gì?")
    assert results.match == "any"
    assert ids(results)[0] in ("corruption", "corruption-2")


def test_any_and_all_are_chosen_explicitly(searcher):
    ranked = searcher.search("tham nhũng", match="any")
    assert ranked.match == "any"
    assert set(ids(ranked)[:2]) == {"corruption", "corruption-2"}
    # Documents without the word come after, each naming what it lacks.
    assert ranked.total > 2
    assert all(h.missing == ["tham nhũng"] for h in ranked.hits[2:])
    assert searcher.search("tham nhũng là gì?", match="all").match in ("all", "partial")


def test_a_filter_alone_is_no_match(searcher):
    assert searcher.search("zzzqqq", province="Hậu Giang").total == 0
    assert searcher.search("zzzqqq", province="Hậu Giang", match="any").total == 0
    assert ids(searcher.search("tham nhũng", province="Hậu Giang", match="any")) == ["corruption-2"]


def test_scores_are_in_rank_order_within_each_tier(searcher):
    results = searcher.search("tham nhũng", match="any")
    tiers = [len(h.missing) for h in results.hits]
    assert tiers == sorted(tiers)
    for tier in set(tiers):
        scores = [h.score for h in results.hits if len(h.missing) == tier]
        assert scores == sorted(scores, reverse=True)


def test_count_facets_date_sort_and_pages_read_one_set(searcher):
    results = searcher.search("tham nhũng", facets=True)
    assert sum(results.facets["province"].values()) == results.total == 2
    by_date = searcher.search("tham nhũng", sort="date")
    assert ids(by_date) == ["corruption-2", "corruption"] and by_date.total == 2
    paged = [searcher.search("tham nhũng", limit=1, page=p) for p in (1, 2, 3)]
    assert [ids(p) for p in paged] == [ids(results)[:1], ids(results)[1:2], []]
    partial = searcher.search("tham nhũng Atlantis", facets=True, sort="date")
    assert partial.total == 2 and sum(partial.facets["year"].values()) == 2


def test_a_quoted_phrase_is_marked_as_the_phrase(searcher):
    hit = searcher.search('"phòng chống tham nhũng"', limit=5).hits
    marks = [m for h in hit for s in h.snippets for m in marked(s)]
    assert marks and all(m.replace(",", "").lower() == "phòng chống tham nhũng" for m in marks)


def test_a_name_typed_without_diacritics_marks_the_name(searcher):
    results = searcher.search("ho thu anh")
    assert ids(results) == ["name"]
    assert [m for s in results.hits[0].snippets for m in marked(s)] == ["Hồ Thu Anh"]


def test_marks_respect_diacritics_as_typed(searcher):
    text = searcher.document("gifts")["text"] + " Nhân dân."
    assert [text[a:b] for a, b in searcher.marks(text, "nhận")] == ["nhận"]
    assert [text[a:b] for a, b in searcher.marks(text, "nhan")] == ["nhận", "Nhân"]


def test_the_same_snippet_is_never_shown_twice(searcher):
    hit = searcher.search("chuyển đổi số").hits[0]
    texts = [" ".join(s.text.split()) for s in hit.snippets]
    assert hit.id == "repeated" and len(texts) == len(set(texts)) >= 1


def test_excluded_words_are_not_marked(searcher):
    results = searcher.search("tham nhũng -hậu")
    assert ids(results) == ["corruption"]
    assert all("Hậu" not in marked(s) for h in results.hits for s in h.snippets)


def test_cli_says_how_hits_were_found(invoke, index):
    out = invoke(index.path, "search", "tham nhũng Atlantis")
    assert out.exit_code == 0
    assert "Note: no document has all 2 words" in out.output
    assert "missing: atlantis" in out.output
    out = invoke(index.path, "search", "tham nhũng", "--any")
    assert "(ranked: any word)" in out.output
    data = json.loads(invoke(index.path, "search", "thám nhũng", "--json").output)
    assert data["match"] == "folded" and data["notice"] and data["total"] == 2
    data = json.loads(invoke(index.path, "search", "tham nhũng là gì", "--all", "--json").output)
    assert data["match"] in ("all", "partial")


def test_scripts_take_any_and_all(tmp_path, index):
    from searchidx.scripts import load_script, run_script

    script = tmp_path / "s.toml"
    script.write_text('[[query]]\nname = "a"\nq = "tham nhũng"\nany = true\n\n'
                      '[[query]]\nname = "b"\nq = "tham nhũng"\n', encoding="utf-8")
    first, second = run_script(index, load_script(str(script)))
    assert first.match == "any" and first.total > 2
    assert second.match == "all" and second.total == 2
