"""'Did you mean': suggestions only where the index holds them with more evidence than the
query, accents restored for whole words, numbers never changed (bench/suggestions.py
measures precision on news articles)."""
import json

import pytest

from searchidx import Searcher, index_paths, open_index

# Our own short reports. "đạo" (lãnh đạo, chỉ đạo) is far more frequent than "đào", and
# "nghe" than "nghề": restoring "dao tao nghe" syllable by syllable gives "đạo tạo nghe".
REPORTS = {
    "nghe-1": "Tỉnh mở ba lớp đào tạo nghề cho lao động nông thôn. Lãnh đạo tỉnh lắng nghe ý kiến.",
    "nghe-2": "Trung tâm đào tạo nghề huyện tuyển sinh khóa mới; lãnh đạo huyện chỉ đạo sát sao.",
    "nghe-3": "Kết quả đào tạo nghề năm nay vượt kế hoạch, lãnh đạo sở nghe báo cáo.",
    "lanh-dao-1": "Lãnh đạo Ủy ban chỉ đạo các sở nghe báo cáo về kế hoạch năm.",
    "lanh-dao-2": "Đoàn lãnh đạo nghe người dân phản ánh; lãnh đạo xã chỉ đạo khắc phục.",
    "lanh-dao-3": "Hội nghị nghe lãnh đạo các ngành báo cáo, chỉ đạo triển khai nhiệm vụ.",
    "lanh-dao-4": "Người dân nghe phổ biến chính sách; lãnh đạo tạo điều kiện cho doanh nghiệp.",
    "tham-nhung-1": "Hội nghị tổng kết công tác phòng chống tham nhũng của tỉnh.",
    "tham-nhung-2": "Thanh tra phát hiện hành vi tham nhũng tại hai dự án; cán bộ tham gia bị kỷ luật.",
    "tham-gia": "Nhiều hộ dân tham gia mô hình trồng cây ăn quả, nhưng vốn còn ít.",
    "trong-cay": "Xã vận động người dân trồng rừng trong mùa mưa.",
    "nhan-quyen-1": "Tập huấn về nhân quyền cho cán bộ tư pháp trong tỉnh.",
    "nhan-quyen-2": "Báo cáo quốc gia về nhân quyền được thông qua trong năm.",
    "so-lieu": "Tổng thu ngân sách đạt 17.670 tỷ đồng theo Nghị định 15/2020/NĐ-CP; 670 hộ thoát nghèo.",
}


@pytest.fixture(scope="module")
def reports_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    for name, text in REPORTS.items():
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    path = str(tmp_path_factory.mktemp("suggest-index") / "index")
    report = index_paths(open_index(path, create=True), [str(folder)])
    assert report.added == len(REPORTS), report.summary()
    return path


@pytest.fixture(scope="module")
def searcher(reports_index):
    with Searcher(open_index(reports_index)) as s:
        yield s


def test_typo_respelled_as_the_word_it_stands_beside(searcher):
    # "nhun" is one letter from "nhung", "nhu", "nhin"...: "tham" picks "nhung", and its
    # accents come from the word "tham_nhũng", not from "nhưng", the commonest "nhung".
    assert searcher.suggest("tham nhũn") == ["tham nhũng"]
    assert searcher.suggest("tham nhun") == ["tham nhũng"]
    assert searcher.suggest("phòng chống tham nhũn") == ["phòng chống tham nhũng"]


def test_case_and_unicode_form_do_not_matter(searcher):
    import unicodedata

    assert searcher.suggest("THAM NHŨN") == ["tham nhũng"]
    assert searcher.suggest(unicodedata.normalize("NFD", "tham nhũn")) == ["tham nhũng"]
    assert searcher.suggest("NHÂN QUYỀN") == []
    assert searcher.suggest("") == [] and searcher.suggest("AND OR") == []


def test_wrong_tone_corrected_when_the_typed_form_is_unknown(searcher):
    assert searcher.suggest("tham nhùng") == ["tham nhũng"]


def test_accents_restored_for_whole_words_not_syllables(searcher):
    # syllable by syllable this would be "đạo tạo nghe"
    assert searcher.suggest("dao tao ngheh") == ["đào tạo nghề"]
    assert searcher.suggest("nhan quyeen") == ["nhân quyền"]


def test_unaccented_query_the_index_holds_is_not_corrected(searcher):
    for query in ("nhan quyen", "dao tao nghe", "tham nhung", "lanh dao"):
        assert searcher.suggest(query) == [], query
        assert searcher.search(query).suggestions == [], query


def test_accented_word_the_index_holds_is_not_replaced_by_a_commoner_one(searcher):
    # "trồng" is rarer than "trong" (same letters), but it is a word the index holds
    assert searcher.suggest("trồng") == []
    assert searcher.suggest("trồng rừng") == []
    assert searcher.suggest("nhân quyền") == []


def test_numbers_and_document_numbers_are_never_changed(searcher):
    for query in ("17670", "17.670", "670", "15/2020/NĐ-CP", "15/2020/nd-cp", "17670 tỷ"):
        suggestions = searcher.suggest(query)
        assert suggestions == [], (query, suggestions)
    # a typo beside a number is fixed, the number kept as typed
    assert searcher.suggest("17670 tham nhũn") == ["17670 tham nhũng"]


def test_quoted_phrases_operators_and_fields_stay_as_typed(searcher):
    assert searcher.suggest('"tham nhũn"') == []
    assert searcher.suggest("nhan quyeen -tham") == ["nhân quyền -tham"]
    assert searcher.suggest("title:quyeen") == []


def test_unknown_letters_get_no_suggestion(searcher):
    assert searcher.suggest("xyzzyq") == []
    assert searcher.search("zzyzx qwxv").suggestions == []


def test_search_results_carry_the_suggestion(searcher):
    results = searcher.search("tham nhũn")
    assert results.suggestions == ["tham nhũng"]


def test_cli_json_shows_suggestions(invoke, reports_index):
    res = invoke(reports_index, "search", "dao tao ngheh", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["suggestions"] == ["đào tạo nghề"]
    res = invoke(reports_index, "search", "nhan quyen", "--json")
    assert json.loads(res.stdout)["suggestions"] == []
