"""Saved query scripts: loading and checking, running, --new state, output formats."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil

import pytest

from searchidx.errors import ScriptError
from searchidx.scripts import load_script, parse_script, run_script, state_path, write_results

# Searching tests run on whoosh's matchers and on the array scorer (see conftest).
both_paths = pytest.mark.usefixtures("scoring_path")

TOML = """
[defaults]
limit = 4
province = "Hậu Giang"

[[query]]
name = "nhan-quyen"
q = "nhân quyền"
from = "2023-01"

[[query]]
name = "all-provinces"
q = "nhan quyen"
limit = 2
province = "Hà Giang"
sort = "date"
facets = true
"""

JSONL = """\
{"id": "a", "q": "giảm nghèo", "limit": 3}
{"_id": 7, "text": "an toan giao thong", "from": "2024", "to": "2024-12"}

{"id": "c", "q": "tham nhũng", "_note": "keys with _ are the caller's own"}
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# ---- loading ------------------------------------------------------------------


def test_toml_defaults_and_overrides(tmp_path):
    script = load_script(write(tmp_path, "w.toml", TOML))
    assert script.format == "toml"
    assert os.path.isabs(script.path)
    first, second = script.queries
    assert first.name == "nhan-quyen" and first.q == "nhân quyền"
    assert first.options == {"limit": 4, "province": "Hậu Giang", "date_from": "2023-01"}
    assert second.options == {"limit": 2, "province": "Hà Giang", "sort": "date", "facets": True}


def test_jsonl_ids_and_aliases(tmp_path):
    script = load_script(write(tmp_path, "q.jsonl", JSONL))
    assert script.format == "jsonl"
    assert [q.name for q in script.queries] == ["a", 7, "c"]
    assert [q.q for q in script.queries] == ["giảm nghèo", "an toan giao thong", "tham nhũng"]
    assert script.queries[1].options == {"date_from": "2024", "date_to": "2024-12"}
    assert script.queries[1].where == "line 2"


def test_format_sniffed_without_extension(tmp_path):
    assert load_script(write(tmp_path, "queries", JSONL)).format == "jsonl"
    assert load_script(write(tmp_path, "weekly", TOML)).format == "toml"


def test_toml_native_dates_and_year_numbers(tmp_path):
    script = load_script(write(tmp_path, "d.toml", '[[query]]\nname="x"\nq="a"\nfrom=2023-10-05\nto=2024\n'))
    assert script.queries[0].options == {"date_from": "2023-10-05", "date_to": "2024"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[[query]]\nname = "x"\nq = "a"\nlimt = 3\n', r"query 'x': unknown key 'limt'"),
        ('[[query]]\nname = "x"\nprovince = "Hậu Giang"\n', r"query 'x': missing q"),
        ('[[query]]\nname = "x"\nq = "a"\nfrom = "2023-13"\n', r"query 'x': from: not a date"),
        ('[[query]]\nname = "x"\nq = "a"\nlimit = "5"\n', r"query 'x': limit: must be a whole number"),
        ('[[query]]\nname = "x"\nq = "a"\nsort = "newest"\n', r"query 'x': sort: must be score or date"),
        ('[[query]]\nname = "x"\nq = "a"\nfacets = 1\n', r"query 'x': facets: must be true or false"),
        ('[[query]]\nname = "x"\nq = ""\n', r"query 'x': q must be a non-empty string"),
        ('[[query]]\nname = "x"\nq = "a"\nfrom = "2024"\nto = "2023"\n', r"query 'x': empty date range"),
        ('[defaults]\nlimit = 0\n[[query]]\nname = "x"\nq = "a"\n', r"\[defaults\]: limit: must be at least 1"),
        ('[defaults]\nname = "x"\n[[query]]\nq = "a"\n', r"\[defaults\]: unknown key 'name'"),
        ('[[query]]\nname = "x"\nq = "a"\n[[query]]\nname = "x"\nq = "b"\n', r"name x is also used"),
        ('[[querys]]\nname = "x"\nq = "a"\n', r"unknown top-level key 'querys'"),
        ('[[query]]\nname = "x"\nq = "a\n', r"invalid TOML"),
        ("[defaults]\nlimit = 3\n", r"holds no query"),
    ],
)
def test_toml_errors_name_file_and_query(tmp_path, text, expected):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ScriptError, match=expected) as info:
        load_script(path)
    assert str(info.value).startswith(path)


@pytest.mark.parametrize(
    "line, expected",
    [
        ('{"id": 1, "q": "a", "limt": 3}', r"line 2: unknown key 'limt'"),
        ('{"id": 1}', r"line 2: missing q"),
        ('{"id": 1, "q": "a", "to": "31/02/2023"}', r"line 2: to: not a date"),
        ('{"id": 1, "q": "a", "page": 1.5}', r"line 2: page: must be a whole number"),
        ('{"id": 1, "q": "a", "province": 5}', r"line 2: province: must be a province name"),
        ('{"id": 1, "q": "a"', r"line 2: invalid JSON"),
        ('["a"]', r"line 2: a query must be a JSON object"),
        ('{"id": 1, "_id": 2, "q": "a"}', r"line 2: give either id or _id"),
        ('{"id": 1, "q": "a", "text": "b"}', r"line 2: give either q or text"),
        ('{"id": "first", "q": "b"}', r"line 2: the name first is also used at line 1"),
    ],
)
def test_jsonl_errors_name_file_and_line(tmp_path, line, expected):
    path = write(tmp_path, "bad.jsonl", '{"id": "first", "q": "x"}\n' + line + "\n")
    with pytest.raises(ScriptError, match=expected) as info:
        load_script(path)
    assert str(info.value).startswith(path)


def test_unreadable_script(tmp_path):
    with pytest.raises(ScriptError, match="cannot read script"):
        load_script(str(tmp_path / "missing.toml"))
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('[[query]]\nq = "Hà Giang"\n'.encode("latin-1", "replace") + b"\xff\xfe")
    with pytest.raises(ScriptError, match="not UTF-8"):
        load_script(str(bad))


def test_parse_script_from_text():
    script = parse_script('{"q": "x"}\n', "<memory>", format="jsonl")
    assert script.queries[0].name == 1  # the line number when no id is given


# ---- running with the library --------------------------------------------------


@both_paths
def test_run_script_one_searcher_in_order(corpus_index, tmp_path):
    from searchidx import open_index

    script = load_script(write(tmp_path, "q.jsonl", JSONL))
    results = run_script(open_index(corpus_index), script)
    assert [r.name for r in results] == ["a", 7, "c"]
    assert len(results[0].hits) <= 3
    assert all(r.took_ms > 0 for r in results)
    assert all(hit.date.startswith("2024") for hit in results[1].hits)
    out = io.StringIO()
    assert write_results(results, "jsonl", out) == 3
    assert [json.loads(line)["query"] for line in out.getvalue().splitlines()] == ["a", 7, "c"]


@both_paths
def test_library_and_cli_return_the_same_hits(corpus_index, tmp_path, invoke):
    from searchidx import open_index
    from searchidx.search import Searcher

    script = load_script(write(tmp_path, "w.toml", TOML))
    results = run_script(open_index(corpus_index), script)
    with Searcher(open_index(corpus_index)) as searcher:
        direct = searcher.search("nhân quyền", limit=4, province="Hậu Giang", date_from="2023-01")
    assert [h.id for h in results[0].hits] == [h.id for h in direct.hits]
    res = invoke(corpus_index, "run", script.path, "--format", "jsonl")
    assert res.exit_code == 0, res.output
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert [h["id"] for h in lines[0]["hits"]] == [h.id for h in direct.hits]


# ---- the run command ------------------------------------------------------------


def test_run_offers_every_output_format():
    from searchidx.cli import cli
    from searchidx.scripts import FORMATS

    option = next(p for p in cli.commands["run"].params if p.name == "fmt")
    assert tuple(option.type.choices) == FORMATS


@pytest.fixture
def toml_script(tmp_path):
    return write(tmp_path, "weekly.toml", TOML)


@both_paths
def test_run_jsonl_format(corpus_index, toml_script, invoke):
    res = invoke(corpus_index, "run", toml_script, "--format", "jsonl")
    assert res.exit_code == 0, res.output
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert [rec["query"] for rec in lines] == ["nhan-quyen", "all-provinces"]
    first = lines[0]
    assert set(first) == {"query", "total", "hits_total", "earlier_copies", "match", "notice", "took_ms", "hits"}
    assert first["total"] >= len(first["hits"]) >= 1
    assert isinstance(first["took_ms"], float) and first["took_ms"] > 0
    hit = first["hits"][0]
    assert set(hit) == {"rank", "id", "score", "title", "date", "province", "snippets", "missing",
                        "type", "number", "issuer", "signer", "copies"}
    assert hit["rank"] == 1 and hit["province"] == "Hậu Giang"
    assert len(hit["snippets"]) == 1  # the run default: one snippet per hit
    snippet = hit["snippets"][0]
    for start, end in snippet["marks"]:
        assert snippet["text"][start:end]
    assert set(lines[1]) == {"query", "total", "hits_total", "earlier_copies", "match", "notice", "took_ms", "hits", "facets"}
    assert len(lines[1]["hits"]) <= 2


@both_paths
def test_run_json_format(corpus_index, toml_script, invoke):
    res = invoke(corpus_index, "run", toml_script, "--format", "json", "--limit", "1")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["script"] == os.path.abspath(toml_script)
    assert [q["query"] for q in doc["queries"]] == ["nhan-quyen", "all-provinces"]
    assert all(len(q["hits"]) <= 1 for q in doc["queries"])


@both_paths
def test_run_csv_format(corpus_index, toml_script, invoke):
    res = invoke(corpus_index, "run", toml_script, "--format", "csv", "--snippets", "0")
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert rows[0] == ["query", "rank", "id", "score", "title", "date", "province", "snippet", "missing",
                       "type", "number", "issuer", "signer", "copies"]
    assert len(rows) > 1
    assert {row[0] for row in rows[1:]} <= {"nhan-quyen", "all-provinces"}
    assert all(row[7] == "" for row in rows[1:])  # --snippets 0


@both_paths
def test_run_table_format_is_the_default(corpus_index, toml_script, invoke):
    res = invoke(corpus_index, "run", toml_script)
    assert res.exit_code == 0, res.output
    assert "nhan-quyen:" in res.stdout and "all-provinces:" in res.stdout
    assert "Hậu Giang" in res.stdout
    assert "\x1b[" not in res.stdout


@both_paths
def test_run_jsonl_script_with_underscore_keys(corpus_index, tmp_path, invoke):
    path = write(tmp_path, "batch.jsonl", JSONL)
    res = invoke(corpus_index, "run", path, "--format", "jsonl", "--limit", "2")
    assert res.exit_code == 0, res.output
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["query"] for r in records] == ["a", 7, "c"]
    assert all(len(r["hits"]) <= 2 for r in records)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[[query]]\nname = "ok"\nq = "a"\n[[query]]\nname = "bad"\nq = "b"\ncolour = 1\n',
         "query 'bad': unknown key 'colour'"),
        ('[[query]]\nname = "bad"\nlimit = 2\n', "query 'bad': missing q"),
        ('[[query]]\nname = "bad"\nq = "b"\nto = "2023-02-30"\n', "query 'bad': to: not a date"),
    ],
)
def test_run_rejects_a_bad_script_before_running(corpus_index, tmp_path, invoke, text, expected):
    path = write(tmp_path, "bad.toml", text)
    res = invoke(corpus_index, "run", path, "--format", "jsonl")
    assert res.exit_code == 1
    assert res.stdout == ""  # nothing ran
    assert res.stderr.startswith(f"Error: {path}: ")
    assert expected in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.output


def test_run_jsonl_error_names_the_line(corpus_index, tmp_path, invoke):
    path = write(tmp_path, "bad.jsonl", '{"id": 1, "q": "a"}\n{"id": 2, "q": "b", "from": "soon"}\n')
    res = invoke(corpus_index, "run", path)
    assert res.exit_code == 1
    assert f"{path}: line 2: from: not a date" in res.stderr


def test_run_unreadable_script(corpus_index, tmp_path, invoke):
    res = invoke(corpus_index, "run", str(tmp_path / "nope.toml"))
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: cannot read script")
    assert "Traceback" not in res.output


# ---- --new -------------------------------------------------------------------------

NEW_DOC = """---
title: Hội nghị tập huấn nhân quyền cho cán bộ xã vùng biên
date: 2025-06-12
province: Hậu Giang
---
Ngày 12/6/2025, Ban Chỉ đạo về Nhân quyền tỉnh Hậu Giang tổ chức hội nghị tập huấn
kiến thức nhân quyền cho 150 cán bộ cấp xã. Ông Lê Văn Minh, Phó Chủ tịch UBND tỉnh,
đề nghị các địa phương tiếp tục tuyên truyền về quyền con người.
"""


@both_paths
def test_new_reports_only_unseen_hits(corpus_index_copy, tmp_path, invoke):
    script = write(tmp_path, "watch.toml", '[[query]]\nname = "nq"\nq = "nhân quyền"\nlimit = 50\n')
    plain = invoke(corpus_index_copy, "run", script, "--format", "jsonl")
    everything = json.loads(plain.stdout)

    first = invoke(corpus_index_copy, "run", script, "--format", "jsonl", "--new")
    assert first.exit_code == 0, first.output
    first = json.loads(first.stdout)
    assert first["query"] == "nq"
    assert {h["id"] for h in first["hits"]} == {h["id"] for h in everything["hits"]}

    second = invoke(corpus_index_copy, "run", script, "--format", "jsonl", "--new")
    second = json.loads(second.stdout)
    assert second["hits"] == [] and second["total"] == 0

    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "moi.md").write_text(NEW_DOC, encoding="utf-8")
    res = invoke(corpus_index_copy, "index", str(folder), "--quiet")
    assert res.exit_code == 0, res.output

    third = json.loads(invoke(corpus_index_copy, "run", script, "--format", "jsonl", "--new").stdout)
    assert third["total"] == 1
    assert len(third["hits"]) == 1
    assert third["hits"][0]["title"].startswith("Hội nghị tập huấn nhân quyền cho cán bộ xã")
    assert third["hits"][0]["snippets"]  # snippets are made for the new hits

    fourth = json.loads(invoke(corpus_index_copy, "run", script, "--format", "jsonl", "--new").stdout)
    assert fourth["hits"] == []
    # Without --new everything is still reported.
    again = json.loads(invoke(corpus_index_copy, "run", script, "--format", "jsonl").stdout)
    assert again["total"] == everything["total"] + 1


@both_paths
def test_new_limit_caps_what_is_shown_and_state_is_atomic(corpus_index_copy, tmp_path, invoke):
    from searchidx import open_index
    from searchidx.search import Searcher

    script = write(tmp_path, "w.toml", '[[query]]\nname = "nq"\nq = "nhân quyền"\n')
    reported, totals = [], []
    for _ in range(3):
        res = invoke(corpus_index_copy, "run", script, "--format", "jsonl", "--new", "--limit", "2")
        assert res.exit_code == 0, res.output
        record = json.loads(res.stdout)
        reported.append([h["id"] for h in record["hits"]])
        totals.append(record["total"])
    assert len(reported[0]) == 2 and totals[0] > 2
    # The limit caps what is shown, not what is remembered: the rest are old hits now.
    assert reported[1:] == [[], []] and totals[1:] == [0, 0]
    index = open_index(corpus_index_copy)
    state = state_path(index, load_script(script))
    assert os.path.dirname(state) == os.path.join(corpus_index_copy, "state")
    assert os.listdir(os.path.dirname(state)) == [os.path.basename(state)]  # no temp files left
    with open(state, encoding="utf-8") as fh:
        data = json.load(fh)
    assert data["script"] == os.path.abspath(script)
    with Searcher(index) as searcher:  # the state is the newest indexing time, not a list of hits
        assert data["queries"]["nq"]["mark"] == searcher.latest_change()


@both_paths
def test_new_state_is_per_script_path(corpus_index_copy, tmp_path, invoke):
    one = write(tmp_path, "one.toml", '[[query]]\nname = "nq"\nq = "giảm nghèo"\n')
    (tmp_path / "two").mkdir()
    two = str(tmp_path / "two" / "one.toml")
    shutil.copy(one, two)
    a = json.loads(invoke(corpus_index_copy, "run", one, "--format", "jsonl", "--new").stdout)
    b = json.loads(invoke(corpus_index_copy, "run", two, "--format", "jsonl", "--new").stdout)
    assert a["hits"] and [h["id"] for h in a["hits"]] == [h["id"] for h in b["hits"]]


@both_paths
def test_run_reports_lenient_query_readings_on_stderr(corpus_index, tmp_path, invoke):
    path = write(tmp_path, "w.toml", '[[query]]\nname = "w"\nq = \'nhân quyền "\'\n')
    res = invoke(corpus_index, "run", path, "--format", "jsonl")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["total"] > 0
    assert res.stderr.startswith("Warning: query 'w': ")


def test_a_run_says_when_recent_documents_were_copies_of_earlier_ones():
    from searchidx.scripts.loading import ScriptQuery
    from searchidx.scripts.output import result_record, table_lines
    from searchidx.scripts.running import QueryResult

    found = QueryResult(ScriptQuery("qcn", "quyền con người"), 0, 3.0, [], new=True, hits_total=0,
                        earlier_copies=2)
    lines = table_lines(found)
    assert lines[0].startswith("qcn: 0 new hits")
    assert "2 recent documents are copies of ones found before, and not shown as new" in lines[1]
    assert result_record(found)["earlier_copies"] == 2
    assert len(table_lines(QueryResult(ScriptQuery("x", "x"), 0, 1.0, []))) == 1
