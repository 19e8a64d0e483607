"""Search: accent-aware ranking, query language, snippets, filters, facets, suggestions."""
import unicodedata

import pytest

from searchidx.writer import IndexWriter
from searchidx import Searcher, open_index
from searchidx.analysis import fold, normalize_token
from searchidx.ingest.documents import Document
from searchidx.errors import QueryError
from searchidx.dates import parse_date
from searchidx.query import parse_query

pytestmark = pytest.mark.usefixtures("scoring_path")


@pytest.fixture(scope="module")
def searcher(corpus_index):
    with Searcher(open_index(corpus_index)) as s:
        yield s


def ids(results):
    return [h.id for h in results.hits]


def text_of(searcher, doc_id):
    return searcher.document(doc_id)["text"]


@pytest.fixture
def tiny_index(tmp_path):
    """Three short documents that differ only by tone marks."""
    index = open_index(str(tmp_path / "tiny"), create=True)
    texts = {
        "nhan-vien": "Hội nghị tuyên dương nhân viên y tế xuất sắc của tỉnh.",
        "nhan-qua": "Các hộ nghèo nhận quà Tết từ Ủy ban Mặt trận Tổ quốc.",
        "nhan-dan": "Nhân dân phấn khởi đón nhận chính sách mới về nhà ở.",
    }
    return _small_index(index, texts, title=lambda text: text[:30], province="Hà Giang")


def _small_index(index, texts, title, province):
    with IndexWriter(index) as writer:
        for doc_id, text in texts.items():
            writer.add(Document(id=doc_id, text=text, title=title(text), path=doc_id, source=doc_id,
                                date="2024-01-02", province=province, people=[], agencies=[],
                                format="txt", content_hash=doc_id, extra={}))
    return index


def test_readme_query_finds_hau_giang_human_rights_first(searcher):
    results = searcher.search("nhan quyen Hau Giang")
    assert results.total > 0
    top = searcher.document(results.hits[0].id)
    assert top["province"] == "Hậu Giang"
    assert "nhân quyền" in top["text"].lower()


def test_phrase_with_accent_insensitive_province(searcher):
    results = searcher.search('"quyền con người" province:"ha giang"', limit=50)
    assert results.total >= 1
    for hit in results.hits:
        assert hit.province == "Hà Giang"
        assert "quyền con người" in text_of(searcher, hit.id).lower()


@pytest.mark.parametrize(
    "variant",
    ["nhân quyền", "nhan quyen", "Nhân Quyền", "NHÂN QUYỀN",
     unicodedata.normalize("NFD", "nhân quyền")],
)
def test_accent_case_and_normalization_variants_agree_on_top_hits(searcher, variant):
    reference = ids(searcher.search("nhân quyền", limit=3))
    found = ids(searcher.search(variant, limit=3))
    if fold(variant) == variant:
        # Unaccented words also match other tones ("nhận"): one of the same best
        # meetings first, and it is about "nhân quyền".
        assert found[0] in reference
        assert "nhân quyền" in text_of(searcher, found[0]).lower()
    else:
        assert found == reference


def test_tone_placement_never_matters(searcher):
    assert ids(searcher.search("hòa bình", limit=10)) == ids(searcher.search("hoà bình", limit=10))
    assert ids(searcher.search("thủy lợi", limit=10)) == ids(searcher.search("thuỷ lợi", limit=10))


def test_exact_diacritics_rank_above_folded_matches(tiny_index):
    with Searcher(tiny_index) as s:
        assert ids(s.search("nhận"))[0] == "nhan-qua"
        assert ids(s.search("nhân viên"))[0] == "nhan-vien"
        assert set(ids(s.search("nhan"))) == {"nhan-vien", "nhan-qua", "nhan-dan"}
        # A tone mark is meaning: "nhân" is not "nhận".
        assert set(ids(s.search("nhân"))) == {"nhan-vien", "nhan-dan"}


@pytest.fixture
def health_index(tmp_path):
    """Seven short health items: "nam"/"năm" in most, "nấm" and "CO" in one each."""
    index = open_index(str(tmp_path / "health"), create=True)
    texts = {
        "kham": "Năm nay nam giới khám sức khỏe định kỳ tại bệnh viện.",
        "mo": "Năm ngoái nam bệnh nhân được phẫu thuật thành công.",
        "mien-nam": "Miền Nam có nhiều bệnh nhân ngộ độc thực phẩm trong năm.",
        "mot-lan": "Cả năm chỉ có một lần đi khám.",
        "khi-co": "Ngộ độc khí CO khi đốt than sưởi trong phòng kín gây tử vong.",
        "ruou": "Người bệnh có dấu hiệu ngộ độc rượu thì cần đến bệnh viện ngay.",
        "nam-rung": "Người già nên hạn chế ăn nấm rừng vì dễ ngộ độc.",
    }
    return _small_index(index, texts, title=lambda text: "", province=None)


def scored_terms(index, text, **weights):
    """(field, term, boost) of the plain terms that score ``text``."""
    from dataclasses import replace

    from whoosh import query as wq

    from searchidx.query import RankingWeights, build_query

    with index.whoosh_index.reader() as reader:
        plan = build_query(reader, text, replace(RankingWeights(), **weights))
    children = plan.scoring.subqueries if isinstance(plan.scoring, wq.Or) else [plan.scoring]
    return {(q.fieldname, q.text, q.boost) for q in children if isinstance(q, wq.Term)}


def terms_of(scored, field):
    return {t for f, t, _ in scored if f == field}


def test_rare_accented_word_scores_though_its_folded_form_is_everywhere(health_index):
    # "nam" (nam, năm, Nam) is in most documents; "nấm" (mushroom) in one.
    scored = scored_terms(health_index, "Nhóm người nào nên hạn chế ăn nấm?")
    assert "nấm" in terms_of(scored, "words")
    assert "nam" not in terms_of(scored, "words_folded")  # the frequent folded form adds nothing
    with Searcher(health_index) as s:
        assert ids(s.search("Nhóm người nào nên hạn chế ăn nấm?"))[0] == "nam-rung"


def test_accented_query_reads_bare_syllables_as_typed(health_index):
    # "CO" is not "có" (a question word): in a query typed with marks it is meant as typed.
    scored = scored_terms(health_index, "Ngộ độc CO gây ra điều gì?")
    assert "co" in terms_of(scored, "words")
    assert "gì" not in terms_of(scored, "words")
    with Searcher(health_index) as s:
        assert ids(s.search("Ngộ độc CO gây ra điều gì?"))[0] == "khi-co"
    # Without marks "co" may be "có": folded, and a question word.
    assert not terms_of(scored_terms(health_index, "Ngo doc CO gay ra dieu gi?"), "words")
    # A query with marks on few syllables was typed carelessly: its bare syllables stay folded.
    careless = scored_terms(health_index, "nguoi benh ngộ doc ruou")
    assert "benh" in terms_of(careless, "body_folded")
    assert "benh" not in terms_of(careless, "words")


def test_pairs_score_between_words_not_inside_them(health_index):
    scored = scored_terms(health_index, "hạn chế ăn nấm rừng")
    pairs = terms_of(scored, "body_pairs")
    assert "han_che" not in pairs  # inside "hạn_chế", matched as a word already
    assert {"che_an", "an_nam"} <= pairs
    assert "han_che" in terms_of(scored_terms(health_index, "hạn chế ăn nấm rừng", pairs_in_word=1.0),
                                 "body_pairs")
    # Unaccented words are matched folded: their inner pairs still count.
    assert "han_che" in terms_of(scored_terms(health_index, "han che an nam rung"), "body_pairs")


def test_codes_and_dates_score_as_words(health_index):
    scored = scored_terms(health_index, "Nghị định 15/2020/NĐ-CP ngày 3/2/2020")
    assert ("body", "15/2020/nđ-cp", 1.0) in scored
    assert ("body", "3/2/2020", 1.0) in scored


def test_snippets_mark_exact_words_with_offsets(searcher):
    results = searcher.search("chuyển đổi số", limit=5)
    assert results.hits
    for hit in results.hits:
        assert 1 <= len(hit.snippets) <= 3
        text = text_of(searcher, hit.id)
        for snip in hit.snippets:
            assert text[snip.start:snip.start + len(snip.text)] == snip.text
            assert len(snip.text) <= 320
            # Passages are cut at word boundaries, never inside a syllable.
            assert snip.start == 0 or text[snip.start - 1].isspace()
            end = snip.start + len(snip.text)
            assert end == len(text) or text[end].isspace() or not text[end].isalnum()
            for a, b in snip.marks:
                # The query's words, side by side as typed, are marked as one.
                assert normalize_token(" ".join(snip.text[a:b].split())) in {"chuyển đổi số", "chuyển đổi", "số"}


def test_unaccented_query_marks_accented_originals(searcher):
    results = searcher.search("nhan quyen", limit=3)
    marked = {snip.text[a:b] for hit in results.hits for snip in hit.snippets for a, b in snip.marks}
    assert {fold(m.lower()) for m in marked} == {"nhan quyen"}
    assert any(m.lower() == "nhân quyền" for m in marked)


def test_every_matched_word_is_marked(searcher):
    hit = searcher.search("ngân sách", limit=1).hits[0]
    for snip in hit.snippets:
        lowered = snip.text.lower()
        start = lowered.find("ngân sách")
        if start >= 0:
            assert (start, start + len("ngân sách")) in snip.marks


def test_snippets_show_each_matched_word_when_they_can():
    from searchidx.query import QueryWord
    from searchidx.snippets import make_snippets

    # "Hậu Giang" stands in the header and in many paragraphs; "nhân quyền" once, far on.
    filler = "Các cơ quan báo cáo kết quả thực hiện đúng thời hạn được giao trong năm. " * 4
    text = ("UBND TỈNH HẬU GIANG\n" + "".join(f"Tỉnh Hậu Giang triển khai việc số {i}. {filler}\n"
                                             for i in range(6))
            + filler + "Gửi Ban Chỉ đạo về Nhân quyền tỉnh trước ngày 20 tháng 12.\n")
    words = [[QueryWord(("nhan", "quyen"), False), QueryWord(("hau", "giang"), False)]]
    shown = make_snippets(text, words, count=3)
    marked = {fold(s.text[a:b].lower()) for s in shown for a, b in s.marks}
    assert marked == {"nhan quyen", "hau giang"}
    assert len(shown) == 3


def test_boolean_syntax(searcher):
    both = searcher.search("giao thông AND Quảng Ninh", limit=50)
    assert both.total >= 1
    for hit in both.hits:
        text = text_of(searcher, hit.id).lower()
        assert "giao" in text and "quảng" in text
    excluded = searcher.search('an toàn giao thông NOT "Quảng Ninh"', limit=100)
    assert excluded.total >= 1
    for hit in excluded.hits:
        assert "quảng ninh" not in text_of(searcher, hit.id).lower()
    minus = searcher.search("an toàn giao thông -Quảng", limit=100)
    assert {h.id for h in minus.hits} <= {h.id for h in excluded.hits}
    either = searcher.search("(lũ OR bão) AND thiên tai", limit=100)
    assert either.total >= 1
    for hit in either.hits:
        text = text_of(searcher, hit.id).lower()
        assert ("lũ" in text or "bão" in text)


def test_title_and_people_fields(searcher):
    titled = searcher.search("title:tham nhũng", limit=50)
    assert titled.total >= 1
    for hit in titled.hits:
        assert "tham nhũng" in hit.title.lower() or "tham" in hit.title.lower()
    doc = searcher.document(searcher.search("nhân quyền Hậu Giang").hits[0].id)
    person = doc["people"][0]
    folded_person = fold(person.lower())
    by_person = searcher.search(f'people:"{folded_person}"', limit=50)
    assert doc["id"] in ids(by_person)


@pytest.mark.parametrize(
    "options, lo, hi",
    [
        ({"date_from": "2023-01", "date_to": "2023-12"}, "2023-01-01", "2023-12-31"),
        ({"date_from": "2024"}, "2024-01-01", "9999"),
        ({"date_to": "2022-12-31"}, "0000", "2022-12-31"),
    ],
)
def test_date_options(searcher, options, lo, hi):
    results = searcher.search("tỉnh", limit=100, **options)
    assert results.total >= 1
    for hit in results.hits:
        assert hit.date and lo[: len(hit.date)] <= hit.date <= hi


@pytest.mark.parametrize(
    "query, prefix_ok",
    [("tỉnh date:2023-10", lambda d: d.startswith("2023-10")),
     ("tỉnh date:[2023-01 TO 2023-06]", lambda d: "2023-01" <= d[:7] <= "2023-06"),
     ("tỉnh date:2024", lambda d: d.startswith("2024"))],
)
def test_dates_in_query(searcher, query, prefix_ok):
    results = searcher.search(query, limit=100)
    assert results.total >= 1
    assert all(prefix_ok(h.date) for h in results.hits)


def test_bad_date_is_a_query_error(searcher):
    with pytest.raises(QueryError):
        searcher.search("tỉnh", date_from="2023-13")
    with pytest.raises(QueryError):
        parse_date("yesterday")
    assert parse_date("5/10/2023") == "2023-10-05"


@pytest.mark.parametrize("query", ['"nhân quyền', "nhân quyền AND", "((nhân", "OR", ")", "NOT",
                                   "foo:bar nhân", "title:", '""', "date:[2023 TO]", "*", "~", "^"])
def test_malformed_syntax_degrades(searcher, query):
    results = searcher.search(query)
    assert results.total >= 0


def test_unbalanced_quote_searches_the_words(searcher):
    assert searcher.search('"nhân quyền').total == searcher.search("nhân quyền").total


def test_short_queries_rank_documents_with_every_word_first(searcher):
    from searchidx.analysis import syllable_analyzer

    results = searcher.search("giảm nghèo Hà Giang", limit=30)
    has_all = []
    for hit in results.hits:
        tokens = {t.text for t in syllable_analyzer()(text_of(searcher, hit.id) + "\n" + hit.title)}
        has_all.append({"giảm", "nghèo", "hà", "giang"} <= tokens)
    assert has_all[0]
    # Once a document lacks a word, no later document has them all.
    assert has_all == sorted(has_all, reverse=True)


def test_province_filter_option_and_facets(searcher):
    results = searcher.search("nhân quyền", province="hau giang", facets=True, limit=50)
    assert results.total >= 1
    assert {h.province for h in results.hits} == {"Hậu Giang"}
    everything = searcher.search("nhân quyền", facets=True, limit=1)
    assert sum(everything.facets["province"].values()) <= everything.total
    assert everything.facets["province"].get("Hậu Giang", 0) >= 1
    assert all(len(y) == 4 for y in everything.facets["year"])


def test_sort_by_date_and_paging(searcher):
    by_date = searcher.search("tỉnh", sort="date", limit=20)
    dates = [h.date or "" for h in by_date.hits]
    assert dates == sorted(dates, reverse=True)
    page1 = searcher.search("tỉnh", limit=5, page=1)
    page2 = searcher.search("tỉnh", limit=5, page=2)
    assert not set(ids(page1)) & set(ids(page2))
    assert [h.rank for h in page2.hits] == [6, 7, 8, 9, 10]
    assert page1.total == page2.total


def test_did_you_mean(searcher):
    assert "nhân quyền" in searcher.search("nhaan quyeen").suggestions
    empty = searcher.search("xyzzyq")
    assert empty.total == 0
    # a short query with a typo beside a known word is respelled though it has hits
    typo = searcher.search("tỉnh quyeen")
    assert typo.total >= 3 and typo.suggestions
    # a long question with many hits is not: respelling costs more than it helps there
    question = searcher.search("ủy ban nhân dân tỉnh đã làm gì cho quyeen lợi người dân")
    assert question.total >= 3 and question.suggestions == []


def test_document_numbers_are_searchable(searcher):
    whole = searcher.search("116/2016/NĐ-CP", limit=10)
    assert whole.total >= 1
    assert "116/2016/NĐ-CP" in text_of(searcher, whole.hits[0].id)
    unaccented = searcher.search("116/2016/nd-cp", limit=10)
    assert unaccented.hits[0].id == whole.hits[0].id


def test_library_results_serialize(searcher):
    data = searcher.search("chuyển đổi số", facets=True).to_dict()
    assert data["total"] >= 1 and data["hits"][0]["snippets"][0]["marks"]


def test_parse_query_reports_warnings():
    assert parse_query('"nhân quyền').warnings
    assert parse_query("nhân AND").warnings
    assert not parse_query("nhân quyền").warnings


def test_a_phrase_in_the_title_matches_as_in_the_body_and_ranks_first(tmp_path):
    plain = "Đại biểu trao đổi kinh nghiệm của các địa phương trong năm qua."
    docs = {  # id: (title, text)
        "in-title": ("Hội thảo về quyền con người", plain),
        "in-body": ("Hội thảo chuyên đề", "Đại biểu trao đổi về quyền con người ở các địa phương."),
        "scrambled": ("Người con và quyền", plain),
    }
    index = open_index(str(tmp_path / "titles"), create=True)
    with IndexWriter(index) as writer:
        for doc_id, (title, text) in docs.items():
            writer.add(Document(id=doc_id, text=text, title=title, path=doc_id, source=doc_id,
                                date=None, province=None, people=[], agencies=[],
                                format="txt", content_hash=doc_id, extra={}))
    with Searcher(index) as s:
        found = ids(s.search('"quyền con người"'))
        assert found == ["in-title", "in-body"]
        assert ids(s.search('"quyen con nguoi"')) == found


def test_a_page_of_hits_is_the_head_of_the_whole_ranking(searcher):
    # A required filter with ranked words: whoosh's top-N pruning once lost documents
    # from the first page and counted too few matches; both paths must agree with
    # the ranking of every match.
    for query, options in (("hội nghị", {"date_from": "2024"}), ("Hà", {"date_from": "2024"}),
                           ("nhân quyền Hậu Giang", {"date_from": "2024"}), ("tỉnh", {})):
        options = dict(options, collapse=False)  # every document a hit (copies collapse: test_official)
        everything = searcher.search(query, limit=1000, snippets=0, **options)
        assert 0 < everything.total == len(everything.hits)
        for limit in (3, 5, 10):
            page = searcher.search(query, limit=limit, snippets=0, **options)
            assert page.total == everything.total, (query, limit)
            assert ids(page) == ids(everything)[:limit], (query, limit)


def test_not_excludes_a_word_found_before_the_first_required_document(tmp_path):
    # whoosh 2.7's AndNot kept "kept-wrongly": the excluded word's first document
    # ("elsewhere") comes before the filter's first.
    index = open_index(str(tmp_path / "not"), create=True)
    docs = [("elsewhere", "Nhân dân tỉnh bạn.", "Sơn La"),
            ("kept-wrongly", "Nhân dân Hà Giang.", "Hà Giang"),
            ("right", "Cán bộ Hà Giang.", "Hà Giang")]
    with IndexWriter(index) as writer:
        for doc_id, text, province in docs:
            writer.add(Document(id=doc_id, text=text, title="", path=doc_id, source=doc_id,
                                date="2024-01-02", province=province, people=[], agencies=[],
                                format="txt", content_hash=doc_id, extra={}))
    with Searcher(index) as s:
        for query, options in (("NOT nhân", {"province": "Hà Giang"}),
                               ('-nhân province:"Hà Giang"', {}),
                               ("Giang NOT nhân", {})):
            for sort in ("score", "date"):
                found = s.search(query, sort=sort, facets=True, **options)
                assert ids(found) == ["right"] and found.total == 1, (query, sort)
                assert found.facets["province"] == {"Hà Giang": 1}
