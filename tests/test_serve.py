"""`searchidx serve`: the JSON API and the pages through Starlette's TestClient.

Every endpoint against the bundled corpus, the API's JSON against the CLI's, bad
input with the CLI's messages and status codes, a hostile document shown as text,
and a commit seen without a restart.
"""
from __future__ import annotations

import json
import re
import threading

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx (the test extra)")

from starlette.testclient import TestClient  # noqa: E402

from searchidx import index_paths, open_index  # noqa: E402
from searchidx.serve import create_app  # noqa: E402

DOC = "2023/hau-giang-boi-duong-nhan-quyen.txt"


@pytest.fixture(scope="module")
def client(corpus_index):
    with TestClient(create_app(corpus_index)) as c:
        yield c


def _cli_json(invoke, index, *args):
    result = invoke(index, *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _without_timing(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "took_ms"}


@pytest.mark.parametrize("cli_args, params", [
    (["nhan quyen"], {"q": "nhan quyen"}),
    (["nhân quyền", "--province", "Hau Giang", "--facets", "--limit", "3"],
     {"q": "nhân quyền", "province": "Hau Giang", "facets": "true", "limit": "3"}),
    (["chuyen doi so", "--from", "2022", "--to", "2024-06", "--sort", "date", "--page", "2",
      "--limit", "1"], {"q": "chuyen doi so", "from": "2022", "to": "2024-06", "sort": "date",
                        "page": "2", "limit": "1"}),
    (["tham nhung hoi lo", "--any"], {"q": "tham nhung hoi lo", "match": "any"}),
    (["nhan quyen", "--province", "Tuyên Quang", "--merged"],
     {"q": "nhan quyen", "province": "Tuyên Quang", "merged": "1"}),
    (["nhan quyenn"], {"q": "nhan quyenn"}),  # suggestions
])
def test_api_search_is_the_json_of_search(client, invoke, corpus_index, cli_args, params):
    response = client.get("/api/search", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    expected = _cli_json(invoke, corpus_index, "search", *cli_args, "--json")
    assert _without_timing(response.json()) == _without_timing(expected)
    assert "\\u" not in response.text  # diacritics as UTF-8, as the CLI prints them


def test_api_document_is_the_json_of_show(client, invoke, corpus_index):
    response = client.get(f"/api/documents/{DOC}", params={"q": "nhan quyen"})
    assert response.status_code == 200
    expected = _cli_json(invoke, corpus_index, "show", DOC, "--query", "nhan quyen", "--json")
    assert response.json() == expected
    assert response.json()["marks"]
    plain = client.get(f"/api/documents/{DOC}").json()
    assert "marks" not in plain and plain["text"] == expected["text"]


def test_api_stats_is_the_json_of_stats(client, invoke, corpus_index):
    expected = _cli_json(invoke, corpus_index, "stats", "--json")
    got = client.get("/api/stats").json()
    assert got["documents"] == expected["documents"] > 0
    assert got["by_province"] == expected["by_province"]


def test_openapi_describes_every_endpoint(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {"/api/search", "/api/documents/{id}", "/api/stats"}
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    # every option of `searchidx search` is a parameter (--all/--any are match=, --no-collapse
    # is collapse=false; --json and colours are the terminal's)
    from searchidx.cli import cli

    options = {o[2:] for p in cli.commands["search"].params for o in p.opts if o.startswith("--")}
    options -= {"json", "color", "all", "any"}
    options = {"collapse" if o == "no-collapse" else o for o in options}
    assert options | {"q", "match"} == names


@pytest.mark.parametrize("params, status, message", [
    ({}, 400, "the query is missing"),
    ({"q": "   "}, 400, "the query is missing"),
    ({"q": "x", "from": "2023-13"}, 400, "from: "),
    ({"q": "x", "to": "yesterday-ish"}, 400, "to: "),
    ({"q": "x", "province": "Nowhere"}, 400, "unknown province 'Nowhere'"),
    ({"q": "x", "since": "7 parsecs"}, 400, "since: "),
    ({"q": "x", "sort": "random"}, 400, "unknown sort 'random'"),
    ({"q": "x", "match": "some"}, 400, "unknown match 'some'"),
    ({"q": "x", "limit": "0"}, 400, "limit must be a whole number from 1 to 100"),
    ({"q": "x", "limit": "100000"}, 400, "limit must be a whole number from 1 to 100"),
    ({"q": "x", "page": "-1"}, 400, "page must be a whole number from 1 to 200"),
    ({"q": "x", "page": "99999"}, 400, "page must be a whole number from 1 to 200"),
    ({"q": "x", "facets": "maybe"}, 400, "facets must be true or false"),
    ({"q": "nhân " * 200}, 400, "the query is 999 characters long; at most 500"),
])
def test_bad_search_requests_are_400_with_a_message(client, params, status, message):
    response = client.get("/api/search", params=params)
    assert response.status_code == status
    body = response.json()
    assert body["status"] == status and message in body["error"]
    assert "\n" not in body["error"] and "Traceback" not in body["error"]


def test_a_bad_query_has_the_cli_message(client, invoke, corpus_index):
    query = "title:(nhan"  # whatever the parser says of it, both say the same
    cli = invoke(corpus_index, "search", query, "--json")
    api = client.get("/api/search", params={"q": query})
    if cli.exit_code == 0:
        assert api.status_code == 200
    else:
        assert api.status_code == 400
        assert cli.stderr.strip() == f"Error: {api.json()['error']}"


@pytest.mark.parametrize("path", [
    "/api/documents/no-such-id",
    "/api/documents/..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/documents/%2Fetc%2Fpasswd",
    "/api/documents/corpus/2023/hau-giang-boi-duong-nhan-quyen.txt",  # a path, not an id
])
def test_unknown_ids_are_404_and_never_paths(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "no document with id" in response.json()["error"]
    assert "root:" not in response.text


def test_unknown_routes_and_methods(client):
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/api/nothing").json()["status"] == 404
    assert client.post("/api/search?q=x").status_code == 405
    assert client.get("/export.xml?q=x").status_code == 404


def test_the_page_searches_filters_and_pages(client):
    page = client.get("/", params={"q": "nhan quyen", "limit": "2"})
    assert page.status_code == 200
    html = page.text
    assert "<mark>" in html and "kết quả cho" in html
    assert 'data-facet="province"' in html and 'data-facet="year"' in html
    assert "province=H%E1%BA%ADu+Giang" in html  # a facet link, bookmarkable
    assert 'rel="next"' in html and "page=2" in html
    assert "/export.csv?" in html and "/export.json?" in html
    filtered = client.get("/", params={"q": "nhan quyen", "province": "Hậu Giang"})
    api = client.get("/api/search", params={"q": "nhan quyen", "province": "Hậu Giang"}).json()
    assert filtered.text.count('class="hit"') == len(api["hits"]) > 0
    assert all(hit["province"] == "Hậu Giang" for hit in api["hits"])
    assert "Tỉnh/thành: Hậu Giang ✕" in filtered.text
    home = client.get("/")
    assert home.status_code == 200 and "văn bản" in home.text and "<mark>" not in home.text


def test_the_page_says_what_is_wrong(client):
    page = client.get("/", params={"q": "x", "from": "2023-13"})
    assert page.status_code == 400 and "Lỗi: from: " in page.text
    assert 'name="q"' in page.text  # the form is still there to correct it


def test_did_you_mean_is_a_link(client):
    html = client.get("/", params={"q": "nhan quyenn"}).text
    assert "Có phải bạn muốn tìm" in html
    assert re.search(r'<a href="/\?q=[^"]+">', html)


def test_the_document_page_marks_every_match(client, invoke, corpus_index):
    marks = client.get(f"/api/documents/{DOC}", params={"q": "nhan quyen"}).json()["marks"]
    html = client.get(f"/documents/{DOC}", params={"q": "nhan quyen"}).text
    assert len(re.findall(r'<mark id="m\d+">', html)) == len(marks)
    assert f'<strong id="match-count">{len(marks)}</strong>' in html
    assert client.get("/documents/no-such-id").status_code == 404


def test_export_csv_and_json(client):
    csv_text = client.get("/export.csv", params={"q": "nhan quyen", "page": "2"}).text
    rows = csv_text.strip().splitlines()
    assert rows[0].startswith("query,rank,id,score")
    every = client.get("/api/search", params={"q": "nhan quyen", "limit": "100"}).json()
    assert len(every["hits"]) > 10
    assert len(rows) == 1 + len(every["hits"])  # every hit, not the page shown
    data = client.get("/export.json", params={"q": "nhan quyen", "province": "Hậu Giang"}).json()
    api = client.get("/api/search", params={"q": "nhan quyen", "province": "Hậu Giang"}).json()
    assert data["queries"][0]["total"] == api["total"] > 0
    assert client.get("/export.csv").status_code == 400


HOSTILE = """<script>alert('xss')</script> Báo cáo nhân quyền độc hại
Xem <a href="javascript:alert(1)">liên kết</a> và <img src=x onerror=alert(2)> về nhân quyền.
"""


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "bad.txt").write_text(HOSTILE, encoding="utf-8")
    (folder / "odd.jsonl").write_text(json.dumps(
        {"id": " Biên bản #3 / họp? 100%", "title": "Biên bản lạ",
         "text": "Cuộc họp bàn về nhân quyền và tiếp dân."}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    path = str(folder / "index")
    index_paths(open_index(path, create=True), [str(folder / "bad.txt"), str(folder / "odd.jsonl")])
    with TestClient(create_app(path)) as c:
        yield c


def test_a_hostile_document_is_shown_as_text(hostile_client):
    html = hostile_client.get("/", params={"q": "nhan quyen"}).text
    doc_id = re.search(r'href="/documents/([^"?]+)\?[^"]*">&lt;script', html).group(1)
    shown = hostile_client.get(f"/documents/{doc_id}", params={"q": "nhan quyen"})
    for page in (html, shown.text):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert 'href="javascript:' not in page
        assert "&lt;script&gt;" in page
    assert "&lt;a href=&#34;javascript:alert(1)&#34;&gt;" in shown.text
    assert "script-src 'self'" in shown.headers["content-security-policy"]
    # the query echoed back is escaped too
    echoed = hostile_client.get("/", params={"q": '"><script>alert(3)</script>'}).text
    assert "<script>alert(3)" not in echoed


def test_a_commit_is_seen_without_restart(corpus_index_copy, tmp_path):
    new = tmp_path / "new.txt"
    new.write_text("Hội nghị về pin mặt trời nổi trên hồ thủy điện ở Hậu Giang\n\n"
                   "Ngày 5/3/2024, tỉnh Hậu Giang bàn về điện mặt trời nổi trên hồ thủy điện.\n", encoding="utf-8")
    with TestClient(create_app(corpus_index_copy)) as c:
        def found():
            hits = c.get("/api/search", params={"q": "mat troi noi thuy dien"}).json()["hits"]
            return [h["id"] for h in hits if h["id"].endswith("new.txt")]

        assert found() == []
        before = c.get("/api/stats").json()["documents"]
        # a writer in another thread: the server holds no lock that could block it
        done = []
        writer = threading.Thread(target=lambda: done.append(
            index_paths(open_index(corpus_index_copy), [str(new)])))
        writer.start()
        writer.join(60)
        assert done and done[0].added == 1
        assert len(found()) == 1
        assert c.get("/api/stats").json()["documents"] == before + 1


def test_only_loopback_hosts_when_asked(corpus_index):
    app = create_app(corpus_index, allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get("/api/stats").status_code == 200
        assert c.get("/api/stats", headers={"host": "evil.example"}).status_code == 400


def test_serve_without_the_extra_says_how_to_install(invoke, corpus_index, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "uvicorn" else real(name, *a))
    result = invoke(corpus_index, "serve")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        'Error: serve needs uvicorn, which is not installed: pip install "searchidx[serve]"']


def test_serve_refuses_a_taken_port(invoke, corpus_index):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke(corpus_index, "serve", "--port", port)
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_serve_without_an_index_is_one_line(invoke, tmp_path):
    result = invoke(tmp_path / "none", "serve")
    assert result.exit_code == 1 and result.stderr.startswith("Error: no index at")


README = (__import__("pathlib").Path(__file__).resolve().parent.parent / "README.md").read_text(
    encoding="utf-8")


def test_the_readme_api_examples_answer(client):
    import shlex
    from urllib.parse import urlsplit

    urls = [shlex.split(line)[1] for line in README.splitlines() if line.startswith("curl ")]
    assert len(urls) >= 4
    for url in urls:
        parts = urlsplit(url)
        assert (parts.hostname, parts.port) == ("127.0.0.1", 8080)
        response = client.get(parts.path + ("?" + parts.query if parts.query else ""))
        assert response.status_code == 200, url
        assert response.json()


def test_the_readme_serve_examples_parse():
    import shlex

    from searchidx.cli import cli

    lines = [line.strip() for line in README.splitlines() if line.strip().startswith("searchidx serve")]
    lines += [line.strip() for line in cli.commands["serve"].help.splitlines()
              if line.strip().startswith("searchidx serve")]
    assert len(lines) >= 3
    for line in lines:
        ctx = cli.commands["serve"].make_context("serve", shlex.split(line)[2:])
        assert ctx.params["host"] == "127.0.0.1"


def test_a_pdf_shows_its_page_numbers(tmp_path):
    pytest.importorskip("pypdf", reason="pypdf is not installed")
    from test_formats import PDF_PAGES, make_pdf

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thien-tai.pdf").write_bytes(make_pdf([[], PDF_PAGES[0], [], PDF_PAGES[1]]))
    path = str(tmp_path / "index")
    index_paths(open_index(path, create=True), [str(tmp_path / "docs")])
    with TestClient(create_app(path)) as c:
        hits = c.get("/api/search", params={"q": "sat lo"}).json()["hits"]
        assert hits and hits[0]["snippets"][0]["page"] == 4
        html = c.get(f"/documents/{hits[0]['id']}", params={"q": "sat lo"}).text
        assert '<div class="pagebreak" id="page-2">Trang 2</div>' in html
        assert '<div class="pagebreak" id="page-4">Trang 4</div>' in html
        assert html.index("page-2") < html.index("page-4") < html.index('<mark id="m1">')
        assert re.search(r'<a href="#m1">[^<]*</a> <span class="page">tr. 4</span>', html)
        page = c.get("/", params={"q": "sat lo"}).text
        assert '<span class="page">tr. 4</span>' in page


def test_an_id_with_spaces_hashes_and_question_marks(hostile_client):
    from urllib.parse import quote

    html = hostile_client.get("/", params={"q": "tiep dan"}).text
    link = re.search(r'<h2><a href="(/documents/[^"]+)">Biên bản lạ</a>', html).group(1)
    page = hostile_client.get(link.replace("&amp;", "&"))
    assert page.status_code == 200 and "Biên bản lạ" in page.text and "<mark" in page.text
    doc_id = hostile_client.get("/api/search", params={"q": "tiep dan"}).json()["hits"][0]["id"]
    assert "#3 / họp? 100%" in doc_id
    assert hostile_client.get("/api/documents/" + quote(doc_id)).json()["id"] == doc_id
    assert hostile_client.get("/api/documents/" + quote(" " + doc_id)).status_code == 404


def test_a_worker_process_builds_its_app_from_the_environment(corpus_index, monkeypatch):
    from searchidx.serve.app import app_from_environment

    monkeypatch.setenv("SEARCHIDX_INDEX", corpus_index)
    monkeypatch.setenv("SEARCHIDX_SERVE_HOSTS", "127.0.0.1,localhost")
    monkeypatch.setenv("SEARCHIDX_SERVE_CACHE", "0")
    app = app_from_environment()
    assert app.state.pool.index.path == corpus_index
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get("/api/search", params={"q": "nhan quyen"}).json()["total"] > 0
        assert c.get("/api/stats", headers={"host": "evil.example"}).status_code == 400


def test_kept_results_are_dropped_by_a_commit(corpus_index_copy, tmp_path):
    from searchidx.serve.pool import SearcherPool

    pool = SearcherPool(corpus_index_copy, size=2, cache=8)
    first = pool.search("pin mat troi", limit=10)
    assert pool.search("pin mat troi", limit=10) is first  # kept
    (tmp_path / "pin.txt").write_text("Pin mặt trời trên mái nhà\n\nTỉnh lắp pin mặt trời.\n",
                                      encoding="utf-8")
    index_paths(open_index(corpus_index_copy), [str(tmp_path / "pin.txt")])
    after = pool.search("pin mat troi", limit=10)
    assert after is not first and [h.id for h in after.hits][:1] == ["pin.txt"]
    assert first.match == "partial" and after.match == "all"
    pool.close()
