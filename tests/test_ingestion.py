"""What gets indexed and under which id (issue 14): ids that never collide silently,
.searchidxignore and --exclude, files that are gone, progress, commits by time."""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from searchidx import indexer, open_index
from searchidx.indexer import PHASE_COMMITTING, PHASE_DONE, PHASE_INDEXING, index_paths
from searchidx.ingest.discovery import SourceFile
from searchidx.ingest.ids import assign_id_bases
from searchidx.writer import IndexWriter
from test_reliability import whoosh_ids

REPORT = "Báo cáo của UBND tỉnh {place} về công tác nhân quyền năm 2024.\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def ids_of(index_path) -> list:
    db = sqlite3.connect(os.path.join(str(index_path), "manifest.sqlite"))
    try:
        return sorted(row[0] for row in db.execute("SELECT id FROM docs"))
    finally:
        db.close()


def summary(res) -> dict:
    first = res.stdout.splitlines()[0]
    return {part.split()[1]: int(part.split()[0]) for part in first.split(" in ")[0].split(", ")}


@pytest.fixture
def reports(tmp_path) -> Path:
    root = tmp_path / "reports"
    write(root / "ha-giang" / "bao-cao.txt", REPORT.format(place="Hà Giang"))
    write(root / "hau-giang" / "bao-cao.txt", REPORT.format(place="Hậu Giang"))
    return root


# ---- ids ---------------------------------------------------------------------------


def test_same_name_under_two_paths_both_indexed_with_telling_ids(invoke, empty_index, reports):
    res = invoke(empty_index, "index", reports / "ha-giang", reports / "hau-giang")
    assert res.exit_code == 0, res.output
    assert summary(res)["added"] == 2 and res.stderr == ""
    assert ids_of(empty_index) == ["ha-giang/bao-cao.txt", "hau-giang/bao-cao.txt"]
    shown = json.loads(invoke(empty_index, "show", "hau-giang/bao-cao.txt", "--json").stdout)
    assert "Hậu Giang" in shown["text"]
    # The same ids run after run, whichever PATHs a run names; a new file gets its plain name.
    assert summary(invoke(empty_index, "index", reports / "ha-giang", reports / "hau-giang"))[
        "unchanged"] == 2
    write(reports / "ha-giang" / "bao-cao.txt", REPORT.format(place="Hà Giang") + "Sửa.\n")
    write(reports / "ha-giang" / "moi.txt", REPORT.format(place="Hà Giang mới"))
    res = invoke(empty_index, "index", reports / "ha-giang")
    assert (summary(res)["added"], summary(res)["updated"]) == (1, 1)
    assert summary(invoke(empty_index, "index", reports))["unchanged"] == 3
    assert ids_of(empty_index) == ["ha-giang/bao-cao.txt", "hau-giang/bao-cao.txt", "moi.txt"]


def test_a_file_named_like_one_already_indexed_gets_a_longer_id(invoke, empty_index, reports):
    assert invoke(empty_index, "index", reports / "ha-giang").exit_code == 0
    assert ids_of(empty_index) == ["bao-cao.txt"]  # one folder: the plain name, as before
    res = invoke(empty_index, "index", reports / "hau-giang")
    assert res.exit_code == 0 and summary(res)["added"] == 1
    assert ids_of(empty_index) == ["bao-cao.txt", "hau-giang/bao-cao.txt"]


def test_a_moved_file_takes_its_id_along(invoke, empty_index, tmp_path):
    old = write(tmp_path / "a" / "bien-ban.txt", REPORT.format(place="Lào Cai"))
    (tmp_path / "b").mkdir()
    assert invoke(empty_index, "index", tmp_path / "a", tmp_path / "b").exit_code == 0
    old.rename(tmp_path / "b" / "bien-ban.txt")
    res = invoke(empty_index, "index", tmp_path / "a", tmp_path / "b")
    assert res.exit_code == 0, res.output
    assert ids_of(empty_index) == ["bien-ban.txt"]  # held by a file that is gone: taken over
    assert summary(res)["added"] == 1 and len(res.stdout.splitlines()) == 1  # not "gone"
    res = invoke(empty_index, "index", tmp_path / "a", tmp_path / "b", "--prune")
    assert summary(res)["removed"] == 0 and ids_of(empty_index) == ["bien-ban.txt"]
    assert whoosh_ids(empty_index) == {"bien-ban.txt": 1}


def test_ids_made_before_the_files_table_stay(invoke, empty_index, reports):
    assert invoke(empty_index, "index", reports / "ha-giang").exit_code == 0
    db = sqlite3.connect(os.path.join(empty_index, "manifest.sqlite"))
    db.execute("DROP TABLE files")  # an index written before this version
    db.commit()
    db.close()
    write(reports / "ha-giang" / "bao-cao.txt", REPORT.format(place="Hà Giang") + "Sửa.\n")
    res = invoke(empty_index, "index", reports / "ha-giang", reports / "hau-giang")
    assert (summary(res)["updated"], summary(res)["added"]) == (1, 1)
    assert ids_of(empty_index) == ["bao-cao.txt", "hau-giang/bao-cao.txt"]


def test_ids_survive_a_rebuild(invoke, empty_index, reports):
    assert invoke(empty_index, "index", reports / "ha-giang").exit_code == 0
    assert invoke(empty_index, "index", reports / "hau-giang").exit_code == 0
    res = invoke(empty_index, "index", "--rebuild", reports / "ha-giang", reports / "hau-giang")
    assert res.exit_code == 0, res.output
    assert ids_of(empty_index) == ["bao-cao.txt", "hau-giang/bao-cao.txt"]


def test_assign_id_bases_goes_up_as_far_as_it_takes(tmp_path):
    paths = [tmp_path / "a" / "reports" / "x.txt", tmp_path / "b" / "reports" / "x.txt",
             tmp_path / "c" / "y.txt"]
    sources = [SourceFile(str(p), p.name, "txt") for p in paths]
    assign_id_bases(sources, remembered={}, held={}, exists=lambda path: True)
    assert [s.id_base for s in sources] == ["a/reports/x.txt", "b/reports/x.txt", "y.txt"]
    # held by another file of the index that still exists: the newcomer moves aside
    sources = [SourceFile(str(paths[2]), "y.txt", "txt")]
    assign_id_bases(sources, remembered={}, held={"y.txt": "/elsewhere/y.txt"},
                    exists=lambda path: True)
    assert sources[0].id_base == "c/y.txt"


def test_one_id_from_two_files_is_an_error_naming_both(invoke, empty_index, tmp_path):
    write(tmp_path / "a" / "xuat.jsonl", json.dumps({"id": "bc-1", "text": "một hai"}) + "\n")
    assert invoke(empty_index, "index", tmp_path / "a").exit_code == 0
    write(tmp_path / "b" / "khac.jsonl", json.dumps({"id": "bc-1", "text": "ba bốn"}) + "\n"
          + json.dumps({"id": "bc-2", "text": "năm"}) + "\n")
    res = invoke(empty_index, "index", tmp_path / "b")  # the other file is not in this run
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [
        f"Error: {tmp_path / 'b' / 'khac.jsonl'}: duplicate id 'bc-1' "
        f"(also in {tmp_path / 'a' / 'xuat.jsonl'})"]
    assert ids_of(empty_index) == ["bc-1", "bc-2"]
    shown = json.loads(invoke(empty_index, "show", "bc-1", "--json").stdout)
    assert shown["text"] == "một hai"  # the first file's document was not replaced


# ---- what gets indexed ---------------------------------------------------------------


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "incoming"
    write(root / "bao-cao-1.txt", REPORT.format(place="Sơn La"))
    write(root / "bao-cao-2.txt", REPORT.format(place="Điện Biên"))
    write(root / "README.md", "# Thư mục báo cáo\nHướng dẫn nộp báo cáo.\n")
    write(root / "nhap" / "ban-nhap.txt", REPORT.format(place="nháp"))
    return root


def test_searchidxignore_in_the_folder(invoke, empty_index, folder):
    write(folder / ".searchidxignore", "# not reports\nREADME.md\nnhap/\n")
    res = invoke(empty_index, "index", folder)
    assert res.exit_code == 0, res.output
    assert ids_of(empty_index) == ["bao-cao-1.txt", "bao-cao-2.txt"]
    assert ", 2 excluded in " in res.stdout


def test_searchidxignore_in_the_index_folder_and_exclude(invoke, empty_index, folder):
    os.makedirs(empty_index)
    write(Path(empty_index) / ".searchidxignore", "*.md\n")
    res = invoke(empty_index, "index", folder, "--exclude", "nhap/", "--exclude", "*-2.txt")
    assert res.exit_code == 0, res.output
    assert ids_of(empty_index) == ["bao-cao-1.txt"]
    assert "3 excluded" in res.stdout


def test_the_index_folders_ignore_file_applies_to_and_survives_a_rebuild(invoke, empty_index,
                                                                           folder):
    assert invoke(empty_index, "index", folder).exit_code == 0
    write(Path(empty_index) / ".searchidxignore", "README.md\nnhap/\n")
    res = invoke(empty_index, "index", "--rebuild", folder)
    assert res.exit_code == 0, res.output
    assert ids_of(empty_index) == ["bao-cao-1.txt", "bao-cao-2.txt"]
    assert (Path(empty_index) / ".searchidxignore").read_text() == "README.md\nnhap/\n"


def test_negated_pattern_brings_a_file_back(invoke, empty_index, folder):
    write(folder / ".searchidxignore", "*.txt\n!bao-cao-2.txt\n")
    assert invoke(empty_index, "index", folder).exit_code == 0
    assert ids_of(empty_index) == ["README.md", "bao-cao-2.txt"]


def test_gone_and_excluded_files_are_named_then_pruned(invoke, empty_index, folder):
    assert invoke(empty_index, "index", folder).exit_code == 0
    assert len(ids_of(empty_index)) == 4
    (folder / "bao-cao-1.txt").unlink()
    (folder / "bao-cao-2.txt").unlink()
    res = invoke(empty_index, "index", folder, "--exclude", "README.md")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[1:] == [
        "2 documents' files are gone; `--prune` removes them",
        "1 document's files are excluded; `--prune` removes them",
    ]
    assert len(ids_of(empty_index)) == 4  # still searchable until pruned
    res = invoke(empty_index, "index", folder, "--exclude", "README.md", "--prune")
    assert summary(res)["removed"] == 3 and len(res.stdout.splitlines()) == 1
    assert ids_of(empty_index) == ["nhap/ban-nhap.txt"]


# ---- progress and commits --------------------------------------------------------------


def test_progress_counts_bytes_inside_one_jsonl_then_the_commit(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "PROGRESS_INTERVAL", 0.0)
    lines = [json.dumps({"id": f"d{i}", "text": REPORT.format(place=f"số {i}")},
                        ensure_ascii=False) for i in range(40)]
    data = write(tmp_path / "in" / "mot.jsonl", "\n".join(lines) + "\n")
    write(tmp_path / "in" / "hai.txt", REPORT.format(place="Yên Bái"))
    calls = []
    index = open_index(str(tmp_path / "ix"), create=True)
    index_paths(index, [str(tmp_path / "in")], progress=lambda *call: calls.append(call))
    total = data.stat().st_size + (tmp_path / "in" / "hai.txt").stat().st_size
    indexing = [done for done, all_, phase in calls if phase == PHASE_INDEXING]
    assert all(all_ == total for _, all_, _ in calls)
    assert indexing == sorted(indexing) and indexing[-1] == total
    inside = [d for d in indexing if 0 < d < data.stat().st_size]
    assert len(set(inside)) >= 30  # steps inside the one large file, not 0 then all
    assert [phase for _, _, phase in calls[-2:]] == [PHASE_COMMITTING, PHASE_DONE]


def test_progress_shows_the_commit_phase(invoke, empty_index, folder, monkeypatch):
    from searchidx.cli import output

    monkeypatch.setattr(output, "isatty", lambda stream: True)
    res = invoke(empty_index, "index", folder)
    assert res.exit_code == 0, res.output
    assert "Indexing" in res.stderr  # (click draws the bar itself only on a real terminal)
    assert "Merging and committing ... done in " in res.stderr


def test_a_chunk_is_committed_after_chunk_seconds(tmp_path):
    from searchidx.ingest.documents import Document

    index = open_index(str(tmp_path / "ix"), create=True)
    with IndexWriter(index, chunk_docs=1000, chunk_seconds=0.0) as writer:
        for n in range(3):
            writer.add(Document(id=f"d{n}", text=f"văn bản {n}", title="t", path="p",
                                source=f"/p{n}", content_hash=str(n)))
        assert writer.commits == 2  # each add found the chunk before it due
    with IndexWriter(index, chunk_docs=1000) as writer:  # default: 30 s
        for n in range(3, 6):
            writer.add(Document(id=f"d{n}", text=f"văn bản {n}", title="t", path="p",
                                source=f"/p{n}", content_hash=str(n)))
        assert writer.commits == 0


def test_commit_seconds_variable_is_checked(invoke, empty_index, folder, monkeypatch):
    monkeypatch.setenv("SEARCHIDX_COMMIT_SECONDS", "soon")
    res = invoke(empty_index, "index", folder)
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        "Error: SEARCHIDX_COMMIT_SECONDS must be a number of seconds, not 'soon'")
