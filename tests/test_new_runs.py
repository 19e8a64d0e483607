"""`run --new`: what was indexed or changed since a query's last --new run, and --since.

A document is new for a query when it matches now and did not match, in its current
version, at that query's previous --new run. Runs with no change report nothing; a
rebuild changes nothing; the README's cron example does what it says.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searchidx.scripts import load_script, state_path

REPO = Path(__file__).resolve().parent.parent
both_paths = pytest.mark.usefixtures("scoring_path")


def _doc(title: str, body: str, date: str = "2025-06-12", province: str = "Quảng Bình") -> str:
    return f"---\ntitle: {title}\ndate: {date}\nprovince: {province}\n---\n{title}\n\n{body}\n"


FLOOD_1 = _doc("Quảng Bình khắc phục hậu quả lũ lụt ở các huyện miền núi",
               "Sau đợt lũ lụt cuối tháng 10, tỉnh đã hỗ trợ gạo và nước sạch cho 2.300 hộ dân.")
FLOOD_2 = _doc("Hà Tĩnh hỗ trợ người dân vùng lũ lụt sửa chữa nhà cửa",
               "Ủy ban tỉnh trích ngân sách dự phòng để sửa 410 căn nhà hư hỏng do lũ lụt.",
               province="Hà Tĩnh")
SCHOOLS = _doc("Sở Giáo dục tổng kết năm học và khen thưởng giáo viên",
               "Năm học vừa qua toàn tỉnh có 96 phần trăm học sinh tốt nghiệp trung học phổ thông.")
SCHOOLS_FLOODED = SCHOOLS + "Nhiều trường bị ngập trong đợt lũ lụt tháng 10, học sinh nghỉ học một tuần.\n"
HOSPITAL = _doc("Bệnh viện tỉnh triển khai khám chữa bệnh từ xa cho tuyến xã",
                "Bác sĩ tuyến tỉnh hội chẩn qua mạng với 30 trạm y tế xã.")
HOSPITAL_EDITED = HOSPITAL + "Bệnh viện tiếp nhận thêm hai máy chụp cắt lớp.\n"
FLOOD_3 = _doc("Quảng Trị sơ tán dân trước mùa lũ lụt",
               "Các xã ven sông Thạch Hãn lập phương án sơ tán 1.200 hộ khi lũ lụt lên nhanh.",
               province="Quảng Trị")

SCRIPT = '[[query]]\nname = "lu-lut"\nq = "lũ lụt"\nlimit = 10\n'


@pytest.fixture
def reports(tmp_path):
    """A folder of four reports (two about floods), its index, and a script watching floods."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, text in (("lu-1.md", FLOOD_1), ("lu-2.md", FLOOD_2), ("truong.md", SCHOOLS),
                       ("benh-vien.md", HOSPITAL)):
        (folder / name).write_text(text, encoding="utf-8")
    script = tmp_path / "watch.toml"
    script.write_text(SCRIPT, encoding="utf-8")
    return folder, str(tmp_path / "index"), str(script)


def _index(invoke, index, folder, *extra):
    res = invoke(index, "index", str(folder), "--quiet", *extra)
    assert res.exit_code == 0, res.output
    return res


def _run_new(invoke, index, script, *extra):
    """(total, titles shown) of the script's one query, run with --new."""
    res = invoke(index, "run", script, "--format", "jsonl", "--new", *extra)
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout)
    return record["total"], sorted(hit["title"] for hit in record["hits"])


def _title(doc: str) -> str:
    return re.search(r"^title: (.*)$", doc, re.M).group(1)


def _add_and_edit(folder: Path) -> None:
    """A new flood report; the schools report edited so that it matches; the hospital
    report edited, still not matching."""
    (folder / "lu-3.md").write_text(FLOOD_3, encoding="utf-8")
    (folder / "truong.md").write_text(SCHOOLS_FLOODED, encoding="utf-8")
    (folder / "benh-vien.md").write_text(HOSPITAL_EDITED, encoding="utf-8")


@both_paths
def test_five_runs_with_no_change_report_nothing_after_the_first(reports, invoke):
    folder, index, script = reports
    _index(invoke, index, folder)
    runs = [_run_new(invoke, index, script) for _ in range(5)]
    assert runs[0] == (2, sorted([_title(FLOOD_1), _title(FLOOD_2)]))
    assert runs[1:] == [(0, [])] * 4
    _index(invoke, index, folder)  # an index run that finds nothing changed
    assert _run_new(invoke, index, script) == (0, [])


@both_paths
def test_a_new_and_an_edited_document_that_match_are_exactly_what_is_new(reports, invoke):
    folder, index, script = reports
    _index(invoke, index, folder)
    assert _run_new(invoke, index, script)[0] == 2
    _add_and_edit(folder)
    _index(invoke, index, folder)
    assert _run_new(invoke, index, script) == (2, sorted([_title(FLOOD_3), _title(SCHOOLS)]))
    assert _run_new(invoke, index, script) == (0, [])
    # Without --new every match is still there.
    res = invoke(index, "run", script, "--format", "jsonl")
    assert json.loads(res.stdout)["total"] == 4


@both_paths
def test_the_same_under_rebuild(reports, invoke):
    folder, index, script = reports
    _index(invoke, index, folder)
    assert _run_new(invoke, index, script)[0] == 2
    _index(invoke, index, folder, "--rebuild")  # every document written again, none changed
    assert _run_new(invoke, index, script) == (0, [])
    _add_and_edit(folder)
    _index(invoke, index, folder, "--rebuild")
    assert _run_new(invoke, index, script) == (2, sorted([_title(FLOOD_3), _title(SCHOOLS)]))
    for _ in range(3):
        _index(invoke, index, folder, "--rebuild")
        assert _run_new(invoke, index, script) == (0, [])


def test_documents_indexed_between_two_runs_and_not_yet_reported_survive_a_rebuild(reports, invoke):
    folder, index, script = reports
    _index(invoke, index, folder)
    _run_new(invoke, index, script)
    (folder / "lu-3.md").write_text(FLOOD_3, encoding="utf-8")
    _index(invoke, index, folder)
    _index(invoke, index, folder, "--rebuild")  # before any run saw lu-3
    assert _run_new(invoke, index, script) == (1, [_title(FLOOD_3)])


def test_unchanged_records_of_a_changed_file_keep_their_time(tmp_path, invoke):
    """Editing one record of a .jsonl file makes that record new, not its neighbours,
    and a rebuild afterwards makes none of them new."""
    folder = tmp_path / "feed"
    folder.mkdir()
    records = [{"id": "a", "text": "Lũ lụt làm sạt lở 3 km đường tỉnh."},
               {"id": "b", "text": "Lũ lụt cuốn trôi cầu treo ở xã Thượng Trạch."},
               {"id": "c", "text": "Hội nghị tổng kết công tác dân vận năm 2024."}]

    def write():
        with open(folder / "tin.jsonl", "w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    write()
    index = str(tmp_path / "index")
    script = tmp_path / "watch.toml"
    script.write_text(SCRIPT, encoding="utf-8")
    _index(invoke, index, folder)
    assert _run_new(invoke, index, str(script))[0] == 2
    records[2]["text"] += " Đại biểu bàn cách giúp dân sau lũ lụt."
    write()
    _index(invoke, index, folder)
    res = invoke(index, "run", str(script), "--format", "jsonl", "--new")
    assert [hit["id"] for hit in json.loads(res.stdout)["hits"]] == ["c"]
    _index(invoke, index, folder, "--rebuild")
    assert _run_new(invoke, index, str(script)) == (0, [])


def test_the_limit_caps_what_is_shown_not_what_is_remembered(reports, invoke):
    folder, index, script = reports
    _index(invoke, index, folder)
    total, shown = _run_new(invoke, index, script, "--limit", "1")
    assert total == 2 and len(shown) == 1
    assert _run_new(invoke, index, script) == (0, [])


def test_a_query_whose_text_or_filters_change_starts_over(reports, invoke):
    folder, index, script = reports
    _index(invoke, index, folder)
    _run_new(invoke, index, script)
    path = Path(script)
    path.write_text(SCRIPT.replace("limit = 10", "limit = 5\nsort = \"date\""), encoding="utf-8")
    assert _run_new(invoke, index, script) == (0, [])  # limit and sort choose what is shown
    path.write_text(SCRIPT.replace('"lũ lụt"', '"lũ lụt học sinh"\nany = true'), encoding="utf-8")
    assert _run_new(invoke, index, script)[0] == 3  # another question: its first run
    path.write_text(SCRIPT.replace('"lũ lụt"', '"lũ lụt học sinh"\nany = true') + 'province = "Hà Tĩnh"\n',
                    encoding="utf-8")
    assert _run_new(invoke, index, script) == (1, [_title(FLOOD_2)])


def test_a_state_written_by_an_earlier_version_starts_over(reports, invoke):
    from searchidx import open_index

    folder, index, script = reports
    _index(invoke, index, folder)
    state = state_path(open_index(index), load_script(script))
    os.makedirs(os.path.dirname(state))
    with open(state, "w", encoding="utf-8") as fh:  # what reported ids looked like
        json.dump({"script": script, "queries": {"lu-lut": ["lu-1.md"]}}, fh)
    assert _run_new(invoke, index, script)[0] == 2
    assert _run_new(invoke, index, script) == (0, [])


@both_paths
def test_since_keeps_documents_indexed_or_changed_since_then(reports, invoke):
    from searchidx import open_index
    from searchidx.search import Searcher

    folder, index, script = reports
    _index(invoke, index, folder)
    time.sleep(0.01)
    between = time.time()
    _add_and_edit(folder)
    _index(invoke, index, folder)
    with Searcher(open_index(index)) as searcher:
        res = searcher.search("lũ lụt", since=between, facets=True)
        assert sorted(h.title for h in res.hits) == sorted([_title(FLOOD_3), _title(SCHOOLS)])
        assert res.total == 2 and sum(res.facets["province"].values()) == 2
        assert searcher.search("lũ lụt", sort="date", since=between).total == 2
        assert searcher.search("lũ lụt", since=time.time() + 60).total == 0
        assert searcher.search("lũ lụt").total == 4
        assert searcher.search("máy chụp cắt lớp", since=between).total == 1  # changed, any query
    res = invoke(index, "search", "lũ lụt", "--since", "1d", "--json")
    assert json.loads(res.stdout)["total"] == 4
    res = invoke(index, "search", "lũ lụt", "--since", "2099-01-01")
    assert res.exit_code == 0 and res.stdout.startswith("No hits")
    res = invoke(index, "run", script, "--since", "2099-01", "--format", "jsonl")
    assert json.loads(res.stdout)["total"] == 0
    res = invoke(index, "run", script, "--since", "12h", "--format", "jsonl")
    assert json.loads(res.stdout)["total"] == 4


@pytest.mark.parametrize("value", ["yesterday", "7y", "2025-13-01", "-3d", ""])
def test_a_bad_since_is_one_line(reports, invoke, value):
    folder, index, script = reports
    _index(invoke, index, folder)
    for args in (("search", "lũ lụt", "--since", value), ("run", script, "--since", value)):
        res = invoke(index, *args)
        assert res.exit_code != 0
        assert res.stderr.startswith("Error: --since: not a time:") and res.stderr.count("\n") == 1
        assert "Traceback" not in res.output


def test_since_in_a_script(reports, invoke, tmp_path):
    folder, index, script = reports
    _index(invoke, index, folder)
    path = tmp_path / "s.toml"
    path.write_text(SCRIPT + 'since = "2w"\n', encoding="utf-8")
    assert json.loads(invoke(index, "run", str(path), "--format", "jsonl").stdout)["total"] == 2
    path.write_text(SCRIPT + "since = 2099-01-01\n", encoding="utf-8")  # a TOML date
    assert json.loads(invoke(index, "run", str(path), "--format", "jsonl").stdout)["total"] == 0
    path.write_text(SCRIPT + 'since = "lately"\n', encoding="utf-8")
    res = invoke(index, "run", str(path))
    assert res.exit_code == 1
    assert res.stderr.startswith(f"Error: {path}: query 'lu-lut': since: not a time: 'lately'")


def test_parse_since():
    from searchidx.errors import QueryError
    from searchidx.since import parse_since

    now = 1_750_000_000.0
    assert parse_since("7d", now=now) == now - 7 * 86400
    assert parse_since("12h", now=now) == now - 12 * 3600
    assert parse_since("2w", now=now) == now - 14 * 86400
    assert parse_since("2025-06-01") == parse_since("2025-06") == time.mktime((2025, 6, 1, 0, 0, 0, 0, 0, -1))
    assert parse_since("2025-06-01T08:30") - parse_since("2025-06-01") == 8.5 * 3600
    with pytest.raises(QueryError, match="not a time"):
        parse_since("0000")


# ---- the README's cron example -----------------------------------------------------


def _cron_command() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Watching a subject\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"^```cron\n(.*?)^```", section, re.S | re.M).group(1)
    lines = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(lines) == 1
    return lines[0].split(None, 5)[5]  # the command after the five time fields


def test_the_readme_cron_example_works(tmp_path):
    """The crontab line, run by /bin/sh with cron's bare environment, paths swapped for a
    test folder: the first run reports, the next reports nothing, then only what arrived."""
    command = _cron_command()
    assert "/srv/reports" in command and "/srv/venv/bin/searchidx" in command
    reports = tmp_path / "reports"
    shutil.copytree(REPO / "corpus", reports / "incoming")
    shutil.copy(REPO / "examples" / "weekly.toml", reports / "weekly.toml")
    shim = tmp_path / "searchidx"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m searchidx "$@"\n')
    shim.chmod(0o755)
    command = command.replace("/srv/venv/bin/searchidx", str(shim)).replace("/srv/reports", str(reports))

    def cron() -> str:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"}
        done = subprocess.run(["/bin/sh", "-c", command], cwd="/", env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        return done.stdout

    first = cron()
    assert re.search(r"^nhan-quyen-hau-giang: [1-9]\d* new hits?", first, re.M), first
    second = cron()
    assert re.findall(r"^\S+: 0 new hits", second, re.M) and len(re.findall(r"^\S+: ", second, re.M)) == \
        len(re.findall(r"^\S+: 0 new hits", second, re.M)), second
    (reports / "incoming" / "moi.md").write_text(_doc(
        "Hậu Giang tập huấn nhân quyền cho cán bộ xã vùng biên",
        "Ban Chỉ đạo về Nhân quyền tỉnh tổ chức tập huấn về quyền con người cho 150 cán bộ cấp xã.",
        province="Hậu Giang"), encoding="utf-8")
    third = cron()
    assert re.search(r"^nhan-quyen-hau-giang: 1 new hit ", third, re.M), third
    assert "Hậu Giang tập huấn nhân quyền cho cán bộ xã" in third
