"""The searchidx command: exit codes, one-line errors, output formats, every command."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from searchidx.cli import output as cli_output
from searchidx.analysis import fold
from searchidx.cli import cli

ESC = "\x1b["

# Searching tests run on whoosh's matchers and on the array scorer (see conftest).
both_paths = pytest.mark.usefixtures("scoring_path")


def one_line_error(result, *fragments):
    """Exit 1, a single 'Error: …' line on stderr holding ``fragments``, no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output


def search_json(invoke, index, *args):
    res = invoke(index, "search", *args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


# ---- the group ---------------------------------------------------------------


def test_help_lists_every_command(invoke):
    res = invoke(None, "--help")
    assert res.exit_code == 0
    for name in ("index", "search", "show", "remove", "stats", "analyze", "run"):
        assert f"  {name} " in res.stdout


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_help_ends_with_an_example(invoke, name):
    res = invoke(None, name, "--help")
    assert res.exit_code == 0
    assert "Example:" in res.stdout
    doc = cli.commands[name].help
    example = doc[doc.index("Example:"):]
    assert f"searchidx {name}" in example


def test_version(invoke):
    from searchidx import __version__

    res = invoke(None, "--version")
    assert res.exit_code == 0 and res.stdout.strip() == f"searchidx {__version__}"


@pytest.mark.parametrize(
    "args",
    [
        ["search"],
        ["search", "x", "--limit", "0"],
        ["search", "x", "--sort", "newest"],
        ["search", "x", "--page", "two"],
        ["frobnicate"],
        ["run", "x.toml", "--format", "xml"],
        ["remove"],
        ["index"],
        ["--no-such-option", "stats"],
    ],
)
def test_usage_errors_exit_2(invoke, corpus_index, args):
    res = invoke(corpus_index, *args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize("command", [["search", "nhan quyen"], ["stats"], ["show", "x"], ["remove", "x"],
                                     ["run", "examples/weekly.toml"]])
def test_missing_index_says_how_to_create_it(invoke, empty_index, command):
    res = invoke(empty_index, *command)
    one_line_error(res, "no index at", empty_index, "searchidx --index", "index PATH")


def test_index_location_from_environment(runner, corpus_index):
    res = runner.invoke(cli, ["stats", "--json"], env={"SEARCHIDX_INDEX": corpus_index})
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["index"] == os.path.abspath(corpus_index)


def test_default_index_is_dot_searchidx(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(cli, ["stats"])
    one_line_error(res, str(tmp_path / ".searchidx"))


def test_debug_shows_the_exception(runner, empty_index):
    from searchidx.errors import IndexNotFoundError

    res = runner.invoke(cli, ["--debug", "--index", empty_index, "stats"])
    assert res.exit_code == 1
    assert isinstance(res.exception, IndexNotFoundError)


def test_unexpected_errors_are_one_line_too(invoke, corpus_index, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("searchidx.search.Searcher.search", boom)
    res = invoke(corpus_index, "search", "x")
    one_line_error(res, "unexpected RuntimeError: kaboom", "--debug")


def test_python_dash_m_no_traceback(tmp_path):
    env = dict(os.environ, SEARCHIDX_INDEX=str(tmp_path / "none"))
    proc = subprocess.run([sys.executable, "-m", "searchidx", "search", "nhan quyen"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("Error: no index at") and proc.stderr.count("\n") == 1


# ---- search ----------------------------------------------------------------------


@both_paths
def test_search_no_hits_is_success(invoke, corpus_index):
    res = invoke(corpus_index, "search", "zzyzx qwxv")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith('No hits for "zzyzx qwxv"')
    data = search_json(invoke, corpus_index, "zzyzx qwxv")
    assert data["total"] == 0 and data["hits"] == []


@both_paths
def test_search_did_you_mean(invoke, corpus_index):
    data = search_json(invoke, corpus_index, "nhan quyeen")
    assert "nhân quyền" in data["suggestions"]
    res = invoke(corpus_index, "search", "nhan quyeen")
    assert res.exit_code == 0
    assert "Did you mean: nhân quyền" in res.stdout


@pytest.mark.parametrize("option, value", [("--from", "2023-13"), ("--to", "yesterday"),
                                           ("--from", "31/02/2023")])
def test_search_bad_date_is_a_user_error(invoke, corpus_index, option, value):
    res = invoke(corpus_index, "search", "nhan quyen", option, value)
    one_line_error(res, option, "not a date")


@both_paths
def test_search_json_marks_slice_the_query_words(invoke, corpus_index):
    data = search_json(invoke, corpus_index, "nhan quyen")
    assert data["query"] == "nhan quyen"
    assert data["total"] >= len(data["hits"]) >= 3
    assert [h["rank"] for h in data["hits"]] == list(range(1, len(data["hits"]) + 1))
    marked = 0
    for hit in data["hits"]:
        assert {"id", "title", "date", "province", "score", "snippets"} <= set(hit)
        for snippet in hit["snippets"]:
            for start, end in snippet["marks"]:
                words = fold(snippet["text"][start:end].lower()).split()
                assert words and set(words) <= {"nhan", "quyen"}, snippet["text"][start:end]
                marked += 1
    assert marked > 0


@both_paths
def test_search_terminal_output(invoke, corpus_index):
    data = search_json(invoke, corpus_index, "nhan quyen", "--limit", "3")
    res = invoke(corpus_index, "search", "nhan quyen", "--limit", "3")
    assert res.exit_code == 0
    out = res.stdout
    assert ESC not in out  # a pipe gets no escape codes
    # The hits are counted, copies of one report folded into it; the documents beside them.
    assert data["hits_total"] is not None and data["hits_total"] < data["total"]
    assert out.startswith(f'{data["hits_total"]} hits for "nhan quyen", showing 1-3')
    copies = data["total"] - data["hits_total"]
    assert f'({data["total"]} documents: {copies} are copies' in out
    flat = " ".join(out.split())  # a long title wraps
    for hit in data["hits"]:
        assert f'{hit["rank"]}. {" ".join(hit["title"].split())}' in flat
        assert hit["id"] in out
        assert f'score {hit["score"]:.2f}' in flat
    assert max(len(line) for line in out.splitlines()) <= 100  # COLUMNS=100 (conftest)


@both_paths
def test_search_width_follows_the_terminal(invoke, corpus_index, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    res = invoke(corpus_index, "search", "nhan quyen", "--limit", "3")
    assert max(len(line) for line in res.stdout.splitlines()[1:]) <= 60


@both_paths
def test_color_only_when_asked(invoke, corpus_index, monkeypatch):
    forced = invoke(corpus_index, "search", "nhân quyền", "--color", "--limit", "2")
    assert "\x1b[33m" in forced.stdout  # yellow marks
    monkeypatch.setenv("NO_COLOR", "1")
    assert ESC not in invoke(corpus_index, "search", "nhân quyền", "--limit", "2").stdout
    monkeypatch.delenv("NO_COLOR")
    assert ESC not in invoke(corpus_index, "search", "nhân quyền", "--limit", "2").stdout


@both_paths
def test_terminal_gets_color_or_bold(invoke, corpus_index, monkeypatch):
    monkeypatch.setattr(cli_output, "isatty", lambda stream: True)
    colored = invoke(corpus_index, "search", "nhân quyền", "--limit", "2").stdout
    assert "\x1b[33m" in colored
    monkeypatch.setenv("NO_COLOR", "1")
    bold = invoke(corpus_index, "search", "nhân quyền", "--limit", "2").stdout
    assert "\x1b[1m" in bold and "\x1b[33m" not in bold
    monkeypatch.delenv("NO_COLOR")
    bold = invoke(corpus_index, "search", "nhân quyền", "--limit", "2", "--no-color").stdout
    assert "\x1b[1m" in bold and "\x1b[33m" not in bold


@both_paths
def test_search_filters_and_sort(invoke, corpus_index):
    data = search_json(invoke, corpus_index, "nhan quyen", "--province", "ha giang")
    assert data["hits"] and {h["province"] for h in data["hits"]} == {"Hà Giang"}
    data = search_json(invoke, corpus_index, "giam ngheo", "--from", "2024", "--to", "2024-12")
    assert data["hits"] and all(h["date"].startswith("2024") for h in data["hits"])
    data = search_json(invoke, corpus_index, "hội nghị", "--sort", "date", "--limit", "20")
    dates = [h["date"] or "" for h in data["hits"]]
    assert dates == sorted(dates, reverse=True)


@both_paths
def test_search_pages(invoke, corpus_index):
    one = search_json(invoke, corpus_index, "hội nghị", "--limit", "3")
    two = search_json(invoke, corpus_index, "hội nghị", "--limit", "3", "--page", "2")
    assert [h["rank"] for h in two["hits"]] == [4, 5, 6]
    assert not {h["id"] for h in one["hits"]} & {h["id"] for h in two["hits"]}
    res = invoke(corpus_index, "search", "hội nghị", "--page", "999")
    assert res.exit_code == 0 and res.stdout.startswith('No hits for "hội nghị" on page 999')


@both_paths
def test_search_facets(invoke, corpus_index):
    data = search_json(invoke, corpus_index, "nhan quyen", "--facets")
    assert set(data["facets"]) == {"province", "year", "type", "issuer", "people", "agencies"}
    assert sum(data["facets"]["province"].values()) <= data["total"]
    assert data["facets"]["year"]
    res = invoke(corpus_index, "search", "nhan quyen", "--facets")
    assert "province: " in res.stdout and "year: " in res.stdout


@both_paths
def test_search_query_language(invoke, corpus_index):
    data = search_json(invoke, corpus_index, '"quyền con người" province:"ha giang"')
    assert data["hits"] and {h["province"] for h in data["hits"]} == {"Hà Giang"}
    data = search_json(invoke, corpus_index, "nhan quyen date:[2023-01 TO 2023-12]")
    assert data["hits"] and all(h["date"].startswith("2023") for h in data["hits"])


# ---- show -------------------------------------------------------------------------


@both_paths
def test_show_document(invoke, corpus_index):
    hit = search_json(invoke, corpus_index, "nhân quyền Hậu Giang", "--limit", "1")["hits"][0]
    res = invoke(corpus_index, "show", hit["id"])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0] == hit["title"]
    assert f"id:        {hit['id']}" in res.stdout
    assert ESC not in res.stdout
    doc = json.loads(invoke(corpus_index, "show", hit["id"], "--json").stdout)
    assert doc["id"] == hit["id"] and doc["title"] == hit["title"]
    assert isinstance(doc["people"], list) and doc["text"]


@both_paths
def test_show_query_marks(invoke, corpus_index):
    hit = search_json(invoke, corpus_index, "nhân quyền", "--limit", "1")["hits"][0]
    doc = json.loads(invoke(corpus_index, "show", hit["id"], "--json", "--query", "nhan quyen").stdout)
    assert doc["marks"]
    for start, end in doc["marks"]:
        assert set(fold(doc["text"][start:end].lower()).split()) <= {"nhan", "quyen"}
    res = invoke(corpus_index, "show", hit["id"], "--query", "nhan quyen", "--color")
    assert "\x1b[33m" in res.stdout


def test_show_unknown_id(invoke, corpus_index):
    one_line_error(invoke(corpus_index, "show", "no/such/doc.txt"), "no document with id")


# ---- remove, stats, analyze -------------------------------------------------------


def test_remove(invoke, corpus_index_copy):
    before = json.loads(invoke(corpus_index_copy, "stats", "--json").stdout)["documents"]
    ids = [h["id"] for h in search_json(invoke, corpus_index_copy, "giam ngheo", "--limit", "2")["hits"]]
    res = invoke(corpus_index_copy, "remove", *ids)
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == "Removed 2 documents."
    after = json.loads(invoke(corpus_index_copy, "stats", "--json").stdout)["documents"]
    assert after == before - 2
    left = {h["id"] for h in search_json(invoke, corpus_index_copy, "giam ngheo", "--limit", "50")["hits"]}
    assert not left & set(ids)
    one_line_error(invoke(corpus_index_copy, "show", ids[0]), "no document with id")


def test_remove_unknown_id_removes_nothing(invoke, corpus_index_copy):
    before = json.loads(invoke(corpus_index_copy, "stats", "--json").stdout)["documents"]
    some = search_json(invoke, corpus_index_copy, "giam ngheo", "--limit", "1")["hits"][0]["id"]
    one_line_error(invoke(corpus_index_copy, "remove", some, "no/such.txt"), "'no/such.txt'", "nothing removed")
    assert json.loads(invoke(corpus_index_copy, "stats", "--json").stdout)["documents"] == before


def test_stats(invoke, corpus_index, corpus_dir):
    res = invoke(corpus_index, "stats", "--json")
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    files = sum(1 for _, _, names in os.walk(corpus_dir) for n in names if n.endswith((".txt", ".md")))
    assert info["documents"] > files  # the .jsonl batch adds more
    assert info["size_bytes"] > 0 and info["last_indexed"] > 0
    assert "2022" <= info["date_from"] <= info["date_to"] < "2026"
    assert len([p for p in info["by_province"] if p]) >= 12
    assert sum(info["by_year"].values()) == info["documents"]
    text = invoke(corpus_index, "stats").stdout
    assert f"Documents:   {info['documents']}" in text
    assert "Provinces:" in text and "Years:" in text


def test_analyze_table_and_json(invoke):
    res = invoke(None, "analyze", "Bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["field", "pos", "start-end", "token", "surface"]
    assert any(line.startswith("body ") and "UBND" in line for line in lines)
    text = "Nghị quyết 15/2020/NĐ-CP về nhân quyền"
    tokens = json.loads(invoke(None, "analyze", text, "--json").stdout)
    assert {t["field"] for t in tokens} == {"body", "words", "body_folded", "words_folded", "body_pairs"}
    for token in tokens:
        assert text[token["start"]:token["end"]] == token["surface"]
    words = json.loads(invoke(None, "analyze", text, "--json", "--field", "words").stdout)
    assert words and {t["field"] for t in words} == {"words"}


def test_analyze_needs_no_index(invoke, empty_index):
    assert invoke(empty_index, "analyze", "nhân quyền").exit_code == 0
    assert not os.path.exists(empty_index)


# ---- index -------------------------------------------------------------------------

DOC = "---\ntitle: Báo cáo {n}\ndate: 2024-0{n}\nprovince: Sơn La\n---\nNội dung báo cáo số {n} về giảm nghèo.\n"


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in (1, 2, 3):
        (folder / f"bao-cao-{n}.md").write_text(DOC.format(n=n), encoding="utf-8")
    return folder


def test_index_creates_and_updates(invoke, empty_index, docs):
    res = invoke(empty_index, "index", str(docs))
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("3 added, 0 updated, 0 unchanged, 0 removed, 0 failed")
    assert "docs/s" in res.stdout
    assert res.stderr == ""  # no progress bar when stderr is not a terminal
    res = invoke(empty_index, "index", str(docs))
    assert res.stdout.startswith("0 added, 0 updated, 3 unchanged")
    (docs / "bao-cao-1.md").write_text(DOC.format(n=1) + "Thêm một dòng.\n", encoding="utf-8")
    (docs / "bao-cao-2.md").unlink()
    res = invoke(empty_index, "index", str(docs), "--prune")
    assert res.stdout.startswith("0 added, 1 updated, 1 unchanged, 1 removed")
    assert invoke(empty_index, "index", str(docs), "--quiet").stdout == ""


def test_index_progress_only_on_a_terminal(invoke, empty_index, docs, monkeypatch):
    monkeypatch.setattr(cli_output, "isatty", lambda stream: True)
    res = invoke(empty_index, "index", str(docs))
    assert "Indexing" in res.stderr and "Indexing" not in res.stdout
    (docs / "bao-cao-1.md").write_text(DOC.format(n=1) + "Sửa.\n", encoding="utf-8")
    res = invoke(empty_index, "index", str(docs), "--quiet")
    assert res.stdout == "" and res.stderr == ""


def test_index_reports_failed_files_and_goes_on(invoke, empty_index, docs):
    (docs / "broken.txt").write_bytes(b"Ng\xe0y 5 th\xe1ng 10 \x81\x82\xc3\x28" * 3)
    (docs / "empty.txt").write_bytes(b"")
    res = invoke(empty_index, "index", str(docs), "--quiet")
    assert res.exit_code == 0, res.output
    warnings = res.stderr.strip().splitlines()
    assert all(line.startswith("Warning: ") for line in warnings)
    assert any("broken.txt: " in line for line in warnings)
    assert json.loads(invoke(empty_index, "stats", "--json").stdout)["documents"] == 3


def test_index_exit_1_when_nothing_could_be_read(invoke, empty_index, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.txt").write_bytes(b"\xc3\x28\xa0\xa1" * 10)
    res = invoke(empty_index, "index", str(bad))
    assert res.exit_code == 1
    assert "Warning: " in res.stderr
    assert res.stderr.strip().splitlines()[-1].startswith("Error: no document could be read")


def test_index_missing_path(invoke, empty_index, tmp_path):
    one_line_error(invoke(empty_index, "index", str(tmp_path / "nowhere")), "no such file or folder")


def test_index_rebuild_swaps_in_a_fresh_index(invoke, empty_index, docs, tmp_path):
    assert invoke(empty_index, "index", str(docs), "--quiet").exit_code == 0
    (docs / "bao-cao-3.md").unlink()
    # A --new state survives the rebuild.
    os.makedirs(os.path.join(empty_index, "state"))
    with open(os.path.join(empty_index, "state", "keep.json"), "w") as fh:
        fh.write("{}")
    res = invoke(empty_index, "index", str(docs), "--rebuild")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("2 added, 0 updated, 0 unchanged")
    assert json.loads(invoke(empty_index, "stats", "--json").stdout)["documents"] == 2
    assert os.path.exists(os.path.join(empty_index, "state", "keep.json"))
    assert sorted(os.listdir(tmp_path)) == ["docs", "new-index"]  # no temp folders left


def test_index_rebuild_repairs_a_damaged_index(invoke, empty_index, docs):
    assert invoke(empty_index, "index", str(docs), "--quiet").exit_code == 0
    for name in os.listdir(empty_index):
        if name.endswith(".toc"):
            with open(os.path.join(empty_index, name), "wb") as fh:
                fh.write(b"garbage")
    one_line_error(invoke(empty_index, "search", "giam ngheo"), "damaged", "--rebuild")
    assert invoke(empty_index, "index", str(docs), "--rebuild", "--quiet").exit_code == 0
    assert search_json(invoke, empty_index, "giam ngheo")["total"] == 3


def test_index_rebuild_refuses_a_foreign_folder(invoke, tmp_path, docs):
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"jpeg")
    one_line_error(invoke(foreign, "index", str(docs), "--rebuild"), "not a searchidx index")
    assert (foreign / "holiday.jpg").exists()


def test_index_into_a_foreign_folder_is_refused(invoke, tmp_path, docs):
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"jpeg")
    one_line_error(invoke(foreign, "index", str(docs)), "not a searchidx index")


def test_index_waits_for_a_locked_index(invoke, empty_index, docs):
    from searchidx import open_index

    assert invoke(empty_index, "index", str(docs), "--quiet").exit_code == 0
    from searchidx import IndexWriter

    with IndexWriter(open_index(empty_index)):
        res = invoke(empty_index, "index", str(docs), "--wait", "0.2")
        one_line_error(res, "another searchidx process is writing", "--wait")
        one_line_error(invoke(empty_index, "remove", "bao-cao-1.md"), "another searchidx process")


def test_completion_script(runner):
    res = runner.invoke(cli, [], prog_name="searchidx", env={"_SEARCHIDX_COMPLETE": "bash_source"})
    assert res.exit_code == 0
    assert "_searchidx_completion" in res.stdout


def test_completion_of_document_ids(runner, corpus_index):
    from searchidx import open_index

    with open_index(corpus_index).manifest() as manifest:
        some = manifest.ids()[0]
    env = {"_SEARCHIDX_COMPLETE": "bash_complete", "COMP_WORDS": f"searchidx --index {corpus_index} show {some[:3]}",
           "COMP_CWORD": "4"}
    res = runner.invoke(cli, [], prog_name="searchidx", env=env)
    assert res.exit_code == 0
    assert f"plain,{some}" in res.stdout.splitlines()
