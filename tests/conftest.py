"""Shared fixtures: the bundled corpus indexed once per session, fresh index paths.

Building the corpus index costs seconds, so one session-scoped index serves every
test that only reads; tests that change an index take ``corpus_index_copy``.
"""
from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> str:
    """An index of the bundled corpus, built once; read-only for the tests."""
    from searchidx import index_paths, open_index

    path = str(tmp_path_factory.mktemp("corpus-index") / "index")
    index = open_index(path, create=True)
    report = index_paths(index, [str(CORPUS)])
    assert report.added > 0, report.summary()
    return path


@pytest.fixture
def corpus_index_copy(corpus_index, tmp_path) -> str:
    """A private copy of the corpus index, for tests that change it."""
    path = str(tmp_path / "index-copy")
    shutil.copytree(corpus_index, path)
    return path


@pytest.fixture
def empty_index(tmp_path) -> str:
    """A path where no index exists yet."""
    return str(tmp_path / "new-index")


@pytest.fixture
def runner(monkeypatch):
    """A CliRunner free of the caller's SEARCHIDX_INDEX and NO_COLOR."""
    from click.testing import CliRunner

    monkeypatch.delenv("SEARCHIDX_INDEX", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return CliRunner()


@pytest.fixture
def invoke(runner):
    """invoke(index, *args, **kw): run the CLI against ``index`` (None: no --index)."""
    from searchidx.cli import cli

    def run(index, *args, **kwargs):
        argv = (["--index", str(index)] if index is not None else []) + [str(a) for a in args]
        return runner.invoke(cli, argv, catch_exceptions=kwargs.pop("catch_exceptions", False),
                             **kwargs)

    return run


def pytest_configure(config):
    os.environ.setdefault("COLUMNS", "100")


@pytest.fixture(params=["whoosh", "arrays"])
def scoring_path(request, monkeypatch):
    """Run a test on each way the Searcher ranks: whoosh's own matchers (indexes below
    search.ARRAY_SCORING_FROM documents) and the array scorer (every real index).

    The test fails if a query took the other path, so the test id never lies.
    """
    search = importlib.import_module("searchidx.search")
    path = request.param
    monkeypatch.setattr(search, "ARRAY_SCORING_FROM", 0 if path == "arrays" else 1 << 62)
    taken = []
    for name, method in (("whoosh", "_run_whoosh"), ("arrays", "_run_arrays")):
        real = getattr(search.Searcher, method)

        def counted(self, *args, _real=real, _name=name, **kwargs):
            taken.append(_name)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(search.Searcher, method, counted)
    yield path
    assert set(taken) <= {path}, f"a query ran on {set(taken) - {path}} in a {path} test"


@pytest.fixture
def twenty_indexed(tmp_path):
    """An index of 20 generated reports committed in two chunks (merged at the end of the
    run), and the folder they came from."""
    from searchidx import index_paths, open_index
    from test_reliability import make_corpus

    folder = tmp_path / "docs"
    make_corpus(folder, 20)
    path = tmp_path / "ix"
    index_paths(open_index(str(path), create=True), [str(folder)], chunk_docs=10)
    return path, folder


@pytest.fixture
def corpus_documents(corpus_dir):
    """corpus_documents(count): the first ``count`` documents of the bundled corpus."""
    from searchidx.ingest.documents import discover, read_source

    def read(count):
        docs = []
        for source in discover([str(corpus_dir)]):
            if hasattr(source, "path") and len(docs) < count:
                docs.extend(read_source(source)[0])
        return docs[:count]

    return read
