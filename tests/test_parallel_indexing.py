"""Indexing with worker processes gives the index a sequential run gives: the same
documents, the same scores, one segment per run, and the same updates and removals."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from searchidx import open_index
from searchidx.indexer import index_paths
from index_compare import contents, rankings
from searchidx.storage import engine

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QUERIES = ["nhân quyền", "ngan sach", "hội đồng nhân dân", '"kỳ họp"', "quyen con nguoi",
           "tại sao phải bồi dưỡng kiến thức về quyền con người?", "du toan -ha", "Hà Nội"]




def build(path, folder, **options):
    return index_paths(open_index(str(path), create=True), [str(folder)], **options)


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    path = tmp_path_factory.mktemp("seq") / "ix"
    build(path, CORPUS, procs=1)
    return path


@pytest.mark.parametrize("procs,chunk_docs", [(2, 10000), (2, 7), (3, 1)],
                         ids=["one-chunk", "chunks-of-7", "three-procs-chunks-of-1"])
def test_workers_build_the_sequential_index(tmp_path, sequential, procs, chunk_docs):
    path = tmp_path / "ix"
    report = build(path, CORPUS, procs=procs, chunk_docs=chunk_docs)
    assert report.failed == 0 and report.added == len(contents(sequential))
    assert contents(path) == contents(sequential)
    expected = rankings(sequential, QUERIES)
    assert all(expected.values())
    assert rankings(path, QUERIES) == expected
    # The run's segments (a batch each) are merged into one, as a sequential run's chunks are.
    assert len(engine.segments(open_index(str(path)).whoosh_index)) == 1


def test_a_tiny_run_uses_the_workers_too(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Hội đồng nhân dân tỉnh họp kỳ họp thứ nhất.\n", encoding="utf-8")
    seq, par = tmp_path / "seq", tmp_path / "par"
    build(seq, folder, procs=1)
    report = build(par, folder, procs=2)
    assert report.added == 1 and report.commits == 1
    assert contents(par) == contents(seq)


def _apply_changes(folder: Path) -> None:
    """Edit one file, delete another, add one, and give one JSONL file an id twice."""
    edited = sorted(folder.rglob("*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nBổ sung: ngân sách địa phương.\n",
                      encoding="utf-8")
    sorted(folder.rglob("*.md"))[0].unlink()
    (folder / "moi.txt").write_text("Kỳ họp mới bàn về quyền con người và ngân sách.\n",
                                    encoding="utf-8")
    lines = [{"id": "lap-lai", "text": "Bản thứ nhất về nhân quyền."},
             {"id": "khac", "text": "Một văn bản khác về dự toán."},
             {"id": "lap-lai", "text": "Bản thứ hai về nhân quyền và kỳ họp."}]
    (folder / "lap.jsonl").write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")


def test_updates_and_removals_match_the_sequential_writer(tmp_path):
    reports = {}
    for name, procs in (("seq", 1), ("par", 2)):
        folder = tmp_path / f"in-{name}"
        shutil.copytree(CORPUS, folder)
        path = tmp_path / name
        build(path, folder, procs=procs, chunk_docs=5)
        _apply_changes(folder)
        reports[name] = index_paths(open_index(str(path)), [str(folder)], procs=procs,
                                    prune=True, chunk_docs=5)
    seq, par = reports["seq"], reports["par"]
    assert (par.added, par.updated, par.removed, par.unchanged) == \
        (seq.added, seq.updated, seq.removed, seq.unchanged)
    assert seq.removed >= 1 and seq.updated >= 1 and seq.added >= 3

    def comparable(path):  # the folders differ in name only
        return {i: {k: v for k, v in d.items() if k not in ("source", "path")}
                for i, d in contents(path).items()}

    assert comparable(tmp_path / "par") == comparable(tmp_path / "seq")
    assert "lap-lai" in contents(tmp_path / "par")
    assert rankings(tmp_path / "par", QUERIES) == rankings(tmp_path / "seq", QUERIES)
    # Unchanged files are not read again by the next run.
    again = index_paths(open_index(str(tmp_path / "par")), [str(tmp_path / "in-par")], procs=2)
    assert again.added == again.updated == again.removed == 0


def test_a_worker_process_killed_mid_run_has_its_batch_redone(tmp_path, sequential, monkeypatch):
    from searchidx.builders import TEST_EXIT_ENV

    marker = tmp_path / "exited"
    monkeypatch.setenv(TEST_EXIT_ENV, str(marker))  # the first worker to create it exits
    path = tmp_path / "ix"
    report = build(path, CORPUS, procs=2, chunk_docs=10)
    assert marker.exists(), "no worker died: the test tests nothing"
    assert report.failed == 0
    assert contents(path) == contents(sequential)
    assert rankings(path, QUERIES) == rankings(sequential, QUERIES)
