"""Indexing through a Dask cluster: the same index as a local run, a lost worker's work
redone without duplicates, one writer at a time, and one-line errors."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchidx import open_index
from searchidx.builders import TEST_EXIT_ENV
from searchidx.errors import IndexLockedError, SearchIdxError
from searchidx.indexer import index_paths
from index_compare import contents, rankings

distributed = pytest.importorskip("distributed")

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QUERIES = ["nhân quyền", "ngan sach", "hội đồng nhân dân", '"kỳ họp"', "quyen con nguoi",
           "tại sao phải bồi dưỡng kiến thức về quyền con người?", "du toan -ha"]


@pytest.fixture(scope="module")
def kill_folder(tmp_path_factory):
    # The workers' hook: the first builder to create a file in this folder exits. The
    # folder does not exist until a test creates it, so the other tests run unharmed.
    return tmp_path_factory.mktemp("hook") / "armed"


@pytest.fixture(scope="module")
def cluster(kill_folder):
    previous = os.environ.get(TEST_EXIT_ENV)
    os.environ[TEST_EXIT_ENV] = str(kill_folder / "exited")  # the workers inherit it
    try:
        with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                      dashboard_address=None, silence_logs=50) as local:
            yield local.scheduler_address
    finally:
        if previous is None:
            os.environ.pop(TEST_EXIT_ENV, None)
        else:
            os.environ[TEST_EXIT_ENV] = previous


@pytest.fixture(scope="module")
def local_index(tmp_path_factory):
    path = tmp_path_factory.mktemp("local") / "ix"
    index_paths(open_index(str(path), create=True), [str(CORPUS)], procs=1)
    return path




def assert_same_index(path, local_index) -> None:
    assert contents(path) == contents(local_index)
    expected = rankings(local_index, QUERIES)
    assert all(expected.values())  # the queries find something: the comparison means something
    assert rankings(path, QUERIES) == expected


def test_an_index_built_on_the_cluster_is_the_local_one(tmp_path, cluster, local_index):
    path = tmp_path / "ix"
    # Chunks of 10 documents in batches of about 16 KB: several of each, committed in order.
    report = index_paths(open_index(str(path), create=True), [str(CORPUS)], cluster=cluster,
                         chunk_docs=10)
    assert report.added == len(contents(local_index)) and report.commits >= 4
    assert_same_index(path, local_index)
    # The manifest's incremental rules hold: nothing changed, nothing re-read.
    again = index_paths(open_index(str(path)), [str(CORPUS)], cluster=cluster)
    assert again.added == again.updated == 0 and again.unchanged == report.added


def test_the_cli_takes_the_cluster_from_the_environment(tmp_path, cluster, local_index):
    from searchidx.cli import cli

    path = tmp_path / "ix"
    result = CliRunner().invoke(cli, ["--index", str(path), "index", "--quiet", str(CORPUS)],
                                env={"SEARCHIDX_CLUSTER": cluster})
    assert result.exit_code == 0, result.output
    assert_same_index(path, local_index)


def test_a_worker_killed_mid_run_has_its_batch_redone(tmp_path, cluster, local_index, kill_folder):
    kill_folder.mkdir()
    try:
        path = tmp_path / "ix"
        report = index_paths(open_index(str(path), create=True), [str(CORPUS)],
                             cluster=cluster, chunk_docs=10)
        assert (kill_folder / "exited").exists(), "no worker was killed: the test tests nothing"
    finally:
        shutil.rmtree(kill_folder)
    assert report.failed == 0
    assert_same_index(path, local_index)


def test_a_second_writer_waits_for_the_cluster_run(tmp_path, cluster):
    from searchidx.cluster import ClusterBuilders
    from searchidx.writer import IndexWriter

    index = open_index(str(tmp_path / "ix"), create=True)
    with IndexWriter(index, builders=ClusterBuilders(cluster)):
        with pytest.raises(IndexLockedError, match="another searchidx process is writing"):
            index_paths(index, [str(CORPUS)], procs=1, wait=0.3)
    assert index_paths(index, [str(CORPUS)], procs=1, wait=0.3).added > 0


def test_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    from searchidx.cli import cli

    monkeypatch.setenv("SEARCHIDX_CLUSTER_TIMEOUT", "0.5")
    path = tmp_path / "ix"
    result = CliRunner().invoke(cli, ["--index", str(path), "index", "--cluster",
                                      "tcp://127.0.0.1:9", str(CORPUS)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert not (path / "searchidx.lock").exists() or not open_index(str(path)).doc_count()


def test_without_the_extra_the_error_names_it(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with pytest.raises(SearchIdxError, match=r"pip install 'searchidx\[cluster\]'"):
        index_paths(open_index(str(tmp_path / "ix"), create=True), [str(CORPUS)],
                    cluster="tcp://127.0.0.1:9")
