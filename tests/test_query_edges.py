"""Edges of what a user types: province filters (unknown names, the 2025 merger), queries
that start with "-", show by path, repeated parse warnings, and letter case in segmentation."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from searchidx.errors import QueryError, ScriptError

REPO = Path(__file__).resolve().parent.parent
HAU_GIANG = "2023/hau-giang-boi-duong-nhan-quyen.txt"


@pytest.fixture(scope="module")
def searcher(corpus_index):
    from searchidx import open_index
    from searchidx.search import Searcher

    with Searcher(open_index(corpus_index)) as s:
        yield s


def search_json(invoke, index, *args):
    res = invoke(index, "search", "--json", *args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def one_error_line(res) -> str:
    assert res.exit_code == 1, res.output
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), res.stderr
    assert "Traceback" not in res.output
    return lines[0]


# -- A. province filters --------------------------------------------------------------

REPORT = "---\ntitle: {title}\ndate: {date}\nprovince: {province}\n---\n{title}. Hội nghị về nhân quyền.\n"


@pytest.fixture(scope="module")
def merger_index(tmp_path_factory):
    """Reports of Hà Giang before the merger, of Tuyên Quang after it, one of a province
    outside the gazetteer, and one of Thừa Thiên Huế."""
    from searchidx import index_paths, open_index

    folder = tmp_path_factory.mktemp("merger-docs")
    reports = {
        "ha-giang.md": ("Hà Giang tập huấn", "2024-05", "Hà Giang"),
        "tuyen-quang.md": ("Tuyên Quang tập huấn", "2025-09", "Tuyên Quang"),
        "vieng-chan.md": ("Viêng Chăn trao đổi", "2024-02", "Viêng Chăn"),
        "hue.md": ("Thừa Thiên Huế tập huấn", "2024-11", "Thừa Thiên Huế"),
    }
    for name, (title, date, province) in reports.items():
        (folder / name).write_text(REPORT.format(title=title, date=date, province=province),
                                   encoding="utf-8")
    path = str(tmp_path_factory.mktemp("merger-index") / "ix")
    index_paths(open_index(path, create=True), [str(folder)])
    return path


def provinces_found(index_path, province):
    from searchidx import open_index
    from searchidx.search import Searcher

    with Searcher(open_index(index_path)) as s:
        return sorted(h.province for h in s.search("nhân quyền", province=province, limit=50).hits)


def test_unit_names_across_the_merger():
    from searchidx.gazetteer import unit_names

    assert unit_names("Huế") == ["Huế", "Thừa Thiên Huế"]
    assert unit_names("thua thien hue") == ["Thừa Thiên Huế", "Huế"]
    assert unit_names("Tuyên Quang") == ["Tuyên Quang"]
    assert unit_names("tuyen quang", merged=True) == ["Tuyên Quang", "Hà Giang"]
    assert unit_names("Hà Giang", merged=True) == ["Tuyên Quang", "Hà Giang"]
    assert set(unit_names("Phú Thọ", merged=True)) == {"Phú Thọ", "Vĩnh Phúc", "Hòa Bình"}
    assert unit_names("Atlantis") == [] and unit_names("Atlantis", merged=True) == []


@pytest.mark.parametrize("name, expected", [
    ("Atlantis", "unknown province 'Atlantis' (see searchidx stats for the provinces in this index)"),
    ("hau", 'did you mean Hậu Giang? in a query, quote a name of several words: province:"hau giang"'),
    ("ha", "did you mean Hà Giang, Hà Nam, Hà Nội or Hà Tĩnh?"),
    ("ha giag", "did you mean Hà Giang"),
])
def test_an_unknown_province_is_a_one_line_error_naming_what_to_write(name, expected):
    from searchidx.query import province_query

    with pytest.raises(QueryError) as caught:
        province_query(name)
    message = str(caught.value)
    assert "\n" not in message and expected in message


def test_a_province_outside_the_gazetteer_filters_when_the_index_holds_it(merger_index):
    from searchidx import open_index
    from searchidx.query import province_query

    reader = open_index(merger_index).whoosh_index.reader()
    try:
        assert str(province_query("viêng chăn", reader=reader)) == "province_key:vieng chan"
        with pytest.raises(QueryError):
            province_query("Atlantis", reader=reader)
    finally:
        reader.close()


def test_unquoted_province_of_two_words_in_a_query_says_how_to_quote_it(searcher, invoke, corpus_index):
    with pytest.raises(QueryError, match='province:"hau giang"'):
        searcher.search("nhân quyền province:hau giang")
    line = one_error_line(invoke(corpus_index, "search", "nhân quyền province:hau giang"))
    assert "unknown province 'hau'" in line and 'province:"hau giang"' in line
    assert search_json(invoke, corpus_index, 'nhân quyền province:"hau giang"')["hits"]


def test_unknown_province_option_is_an_error(invoke, corpus_index):
    line = one_error_line(invoke(corpus_index, "search", "nhân quyền", "--province", "Atlantis"))
    assert "Atlantis" in line and "searchidx stats" in line


def test_hue_finds_thua_thien_hue_both_ways(searcher, invoke, corpus_index):
    by_city = searcher.search("nhân quyền", province="Huế", limit=50)
    by_old = searcher.search("nhân quyền", province="Thừa Thiên Huế", limit=50)
    assert by_city.hits and {h.province for h in by_city.hits} == {"Thừa Thiên Huế"}
    assert [h.id for h in by_city.hits] == [h.id for h in by_old.hits]
    data = search_json(invoke, corpus_index, "nhân quyền", "--province", "Huế")
    assert {h["id"] for h in data["hits"]} == {h.id for h in by_city.hits}


def test_merged_includes_the_units_merged_in_2025(merger_index):
    from searchidx.gazetteer import unit_names

    assert provinces_found(merger_index, "Tuyên Quang") == ["Tuyên Quang"]
    assert provinces_found(merger_index, "Hà Giang") == ["Hà Giang"]
    assert provinces_found(merger_index, unit_names("Tuyên Quang", merged=True)) == ["Hà Giang", "Tuyên Quang"]
    assert provinces_found(merger_index, unit_names("ha giang", merged=True)) == ["Hà Giang", "Tuyên Quang"]
    assert provinces_found(merger_index, "Huế") == ["Thừa Thiên Huế"]


def test_merged_on_the_command_line(invoke, merger_index):
    data = search_json(invoke, merger_index, "nhân quyền", "--province", "Tuyên Quang", "--merged")
    assert sorted(h["province"] for h in data["hits"]) == ["Hà Giang", "Tuyên Quang"]
    data = search_json(invoke, merger_index, "nhân quyền", "--province", "Tuyên Quang")
    assert [h["province"] for h in data["hits"]] == ["Tuyên Quang"]
    # --merged widens a province: of the query too.
    data = search_json(invoke, merger_index, 'nhân quyền province:"tuyen quang"', "--merged")
    assert sorted(h["province"] for h in data["hits"]) == ["Hà Giang", "Tuyên Quang"]
    data = search_json(invoke, merger_index, 'nhân quyền province:"tuyen quang"')
    assert [h["province"] for h in data["hits"]] == ["Tuyên Quang"]


def test_no_hits_in_a_province_points_to_merged(invoke, merger_index):
    res = invoke(merger_index, "search", "\"Viêng Chăn\"", "--province", "Tuyên Quang")
    assert res.exit_code == 0 and res.stdout.startswith("No hits")
    assert "Warning: no hits in Tuyên Quang; --merged also searches Hà Giang" in res.stderr
    res = invoke(merger_index, "search", "\"Viêng Chăn\"", "--province", "Huế")
    assert "--merged" not in res.stderr  # one unit under two names: nothing more to search


def test_merged_in_scripts(merger_index, invoke, tmp_path):
    from searchidx.scripts import parse_script

    script = parse_script('[[query]]\nname = "tq"\nq = "nhân quyền"\nprovince = "Tuyên Quang"\n'
                          'merged = true\n', "s.toml")
    assert script.queries[0].options == {"province": "Tuyên Quang", "merged": True}
    plain = parse_script('{"id": 1, "q": "x", "province": "Tuyên Quang", "merged": false}', "s.jsonl")
    assert plain.queries[0].options == {"province": "Tuyên Quang", "merged": False}
    with pytest.raises(ScriptError, match="merged: must be true or false"):
        parse_script('{"id": 1, "q": "x", "province": "Tuyên Quang", "merged": "yes"}', "s.jsonl")
    path = tmp_path / "merged.toml"
    path.write_text('[defaults]\nmerged = true\n\n[[query]]\nname = "tq"\nq = "nhân quyền"\n'
                    'province = "Tuyên Quang"\n', encoding="utf-8")
    res = invoke(merger_index, "run", str(path), "--format", "jsonl")
    assert res.exit_code == 0, res.output
    hits = json.loads(res.stdout.splitlines()[0])["hits"]
    assert sorted(h["province"] for h in hits) == ["Hà Giang", "Tuyên Quang"]


def test_unknown_province_in_a_script_names_the_query(merger_index, invoke, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[[query]]\nname = "xa"\nq = "nhân quyền"\nprovince = "Atlantis"\n', encoding="utf-8")
    line = one_error_line(invoke(merger_index, "run", str(path)))
    assert "query 'xa'" in line and "unknown province 'Atlantis'" in line


# -- B. a query that starts with "-" --------------------------------------------------

@pytest.mark.parametrize("args", [
    ["-hdnd tham nhũng", "--limit", "3"],
    ["--limit", "3", "-hdnd tham nhũng"],
    ["-n3", "-hdnd tham nhũng"],
    ["--limit=3", "-hdnd tham nhũng"],
])
def test_a_query_may_start_with_a_dash(invoke, corpus_index, args):
    expected = search_json(invoke, corpus_index, "--limit", "3", "--", "-hdnd tham nhũng")
    data = search_json(invoke, corpus_index, *args)
    assert data["query"] == "-hdnd tham nhũng"
    assert [h["id"] for h in data["hits"]] == [h["id"] for h in expected["hits"]]
    assert data["hits"] and len(data["hits"]) <= 3


def test_a_one_word_dash_query_and_other_commands(invoke, corpus_index):
    assert search_json(invoke, corpus_index, "-hdnd")["query"] == "-hdnd"
    res = invoke(None, "analyze", "-nhân quyền", "--field", "words")
    assert res.exit_code == 0 and "nhân_quyền" in res.stdout
    res = invoke(corpus_index, "show", HAU_GIANG, "--query", "-hdnd nhân quyền")
    assert res.exit_code == 0 and "marks:" in res.stdout


def test_two_dash_words_say_how_to_write_it(invoke, corpus_index):
    res = invoke(corpus_index, "search", "-hdnd", "-tham")
    assert res.exit_code == 2
    assert "goes after --: searchidx search [OPTIONS] -- '-hdnd …'" in res.stderr
    res = invoke(corpus_index, "search", "x", "--limt", "3")
    assert res.exit_code == 2 and "goes after --" not in res.stderr  # a mistyped option


# -- C. show by path ----------------------------------------------------------------------

def test_show_by_the_path_it_prints(invoke, corpus_index, monkeypatch):
    by_id = invoke(corpus_index, "show", HAU_GIANG, "--json")
    doc = json.loads(by_id.stdout)
    monkeypatch.chdir(REPO)
    for path in (doc["path"], os.path.abspath(doc["path"]), "./" + doc["path"]):
        res = invoke(corpus_index, "show", path, "--json")
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout)["id"] == HAU_GIANG
    monkeypatch.chdir(REPO / "tests")  # another folder: the path's tail still names one file
    assert json.loads(invoke(corpus_index, "show", "corpus/" + HAU_GIANG, "--json").stdout)["id"] == HAU_GIANG


def test_show_by_path_errors(invoke, corpus_index, monkeypatch):
    monkeypatch.chdir(REPO)
    line = one_error_line(invoke(corpus_index, "show", "corpus/2023/nothing-here.txt"))
    assert "no document with id or path 'corpus/2023/nothing-here.txt'" in line
    batch = next(p for p in (REPO / "corpus").rglob("*.jsonl"))
    line = one_error_line(invoke(corpus_index, "show", str(batch.relative_to(REPO))))
    assert "documents: show one by its id" in line


def test_ids_for_path(corpus_index, monkeypatch):
    from searchidx import open_index

    index = open_index(corpus_index)
    monkeypatch.chdir(REPO)
    assert index.ids_for_path("corpus/" + HAU_GIANG) == [HAU_GIANG]
    assert index.ids_for_path(HAU_GIANG) == [HAU_GIANG]  # the id is the path's tail here
    assert index.ids_for_path("corpus/nothing.txt") == []
    assert len(index.ids_for_path(str(next((REPO / "corpus").rglob("*.jsonl"))))) > 1


# -- D. repeated warnings --------------------------------------------------------------------

@pytest.mark.parametrize("query, warning", [
    (")" * 500, "500 stray ')' were ignored"),
    ("((((( x", "5 unclosed parentheses were closed"),
    ("x NOT", "a dangling NOT was ignored"),
    ("foo:a foo:b x", "unknown field 'foo': searched as words (2 times)"),
])
def test_a_repeated_warning_is_one_counted_line(query, warning):
    from searchidx.query import parse_query

    assert parse_query(query).warnings == [warning]


def test_five_hundred_stray_parentheses_warn_once_on_the_cli(invoke, corpus_index):
    res = invoke(corpus_index, "search", "nhân quyền " + ")" * 500)
    assert res.exit_code == 0
    warnings = [line for line in res.stderr.splitlines() if line.startswith("Warning: ")]
    assert warnings == ["Warning: 500 stray ')' were ignored"]


# -- E. letter case never changes segmentation ---------------------------------------------

def words_of(text):
    from searchidx.analysis import word_analyzer

    return [t.text for t in word_analyzer()(text)]


@pytest.mark.parametrize("text", [
    "Hòa Bình", "ỦY BAN NHÂN DÂN TỈNH HÀ GIANG", "BÁO CÁO KẾT QUẢ CÔNG TÁC PHÒNG, CHỐNG THAM NHŨNG",
    "AN TOÀN GIAO THÔNG",
])
def test_all_caps_text_segments_as_lowercase_does(text):
    assert words_of(text) == words_of(text.lower())


def test_hoa_binh_in_capitals_is_one_word():
    assert words_of("HÒA BÌNH") == ["hòa_bình"]
    assert words_of("VÌ HÒA BÌNH, TỈNH HÒA BÌNH") == words_of("vì hòa bình, tỉnh hòa bình")


def test_a_lone_abbreviation_keeps_its_case_for_segmentation():
    from searchidx.analysis.segmenter import get_segmenter, uncapitalized

    tokens = ["UBND", "tỉnh", "Hà", "Giang", "và", "HĐND", ",", "UBND", "TỈNH"]
    assert uncapitalized(tokens) == ["UBND", "tỉnh", "Hà", "Giang", "và", "hđnd", ",", "ubnd", "tỉnh"]
    sentence = ["UBND", "tỉnh", "Hà", "Giang", "họp", "bàn", "về", "nhân", "quyền"]
    segmenter = get_segmenter()
    assert segmenter.word_starts(sentence) == segmenter.word_starts(sentence, case_robust=False)
    # tokenize stays pyvi's own, capitals included (test_analysis compares it with pyvi).
    assert segmenter.tokenize("HÒA BÌNH") == "HÒA BÌNH"


def test_analyze_command_in_capitals(invoke):
    res = invoke(None, "analyze", "HÒA BÌNH", "--field", "words", "--json")
    assert res.exit_code == 0
    assert [t["text"] for t in json.loads(res.stdout)] == ["hòa_bình"]


def test_a_heading_in_capitals_is_indexed_as_its_words(tmp_path):
    from searchidx import index_paths, open_index

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("BÁO CÁO TÌNH HÌNH HÒA BÌNH\n\nNội dung.\n", encoding="utf-8")
    index = open_index(str(tmp_path / "ix"), create=True)
    index_paths(index, [str(tmp_path / "docs")])
    with index.whoosh_index.reader() as reader:
        assert reader.doc_frequency("words", "hòa_bình") == 1
        assert reader.doc_frequency("words", "báo_cáo") == 1
