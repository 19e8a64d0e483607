"""Crash safety, one writer at a time, damaged indexes, paths (issue 7).

The crash tests run ``python -m searchidx index`` as a subprocess and kill it at
named points. The points are set by a ``sitecustomize`` module that this file
writes to a temporary folder put on PYTHONPATH: with SEARCHIDX_TEST_PAUSE=POINT:N
it wraps one function so that its N-th call writes a marker file and sleeps; the
test waits for the marker, then sends the signal. searchidx itself has no test
hook. Chunks are made small with the internal SEARCHIDX_CHUNK_DOCS variable.

Every test checks the same invariant on the index it leaves: it opens and
searches, whoosh and the manifest list the same ids, no id is held twice, and
the ids are exactly those of the commits that completed.
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from searchidx.writer import IndexWriter

REPO = Path(__file__).resolve().parent.parent
WORDS = (
    "nhân quyền chuyển đổi số giảm nghèo phòng chống tham nhũng ủy ban nhân dân tỉnh hội đồng "
    "kỳ họp báo cáo kinh tế xã hội ngân sách đầu tư công giao thông nông thôn mới giáo dục y tế "
    "an toàn thực phẩm biến đổi khí hậu"
).split()
N_DOCS = 120
CHUNK = 12

SITECUSTOMIZE = '''
import os
import signal

# A suite started in the background (cmd &) hands its children SIGINT ignored, and Python
# then installs no Ctrl-C handler: these runs are stopped with SIGINT as a user's Ctrl-C
# stops them, so they take it as Python does by default.
signal.signal(signal.SIGINT, signal.default_int_handler)

_spec = os.environ.get("SEARCHIDX_TEST_PAUSE")
if _spec:
    import importlib
    import time

    _point, _, _nth = _spec.partition(":")
    _nth = int(_nth or 1)
    _calls = [0]
    _TARGETS = {
        # point: (module, class or None, function, pause before or after the call)
        "read": ("searchidx.ingest.documents", None, "read_source", "before"),
        "add": ("searchidx.writer", "IndexWriter", "add", "after"),
        "toc": ("whoosh.index", "TOC", "write", "before"),
        "checksums": ("searchidx.storage.durable", None, "write_atomically", "after"),
        "whoosh-committed": ("whoosh.writing", "SegmentWriter", "commit", "after"),
        "committed": ("searchidx.manifest", "Manifest", "record", "after"),
    }
    _module, _cls, _name, _when = _TARGETS[_point]
    _owner = importlib.import_module(_module)
    if _cls:
        _owner = getattr(_owner, _cls)
    _original = getattr(_owner, _name)

    def _pause():
        _calls[0] += 1
        if _calls[0] == _nth:
            with open(os.environ["SEARCHIDX_TEST_MARKER"], "w") as fh:
                fh.write(str(os.getpid()))
            time.sleep(float(os.environ.get("SEARCHIDX_TEST_PAUSE_SECONDS", "60")))

    def _wrapper(*args, **kwargs):
        if _when == "before":
            _pause()
        result = _original(*args, **kwargs)
        if _when == "after":
            _pause()
        return result

    setattr(_owner, _name, _wrapper)
'''


# ---- helpers ---------------------------------------------------------------------


def make_corpus(folder: Path, n: int = N_DOCS, seed: int = 1) -> list:
    """``n`` small reports doc-0000.txt…; each holds a unique word ``mãNNNN``. Returns the ids."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for i in range(n):
        body = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(40, 90)))
        name = f"doc-{i:04d}.txt"
        (folder / name).write_text(f"Báo cáo số {i} về {rnd.choice(WORDS)}.\n{body} mã{i:04d}\n",
                                   encoding="utf-8")
        ids.append(name)
    return ids


@pytest.fixture(scope="module")
def hookdir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hook")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return folder


@pytest.fixture
def docs(tmp_path) -> Path:
    folder = tmp_path / "docs"
    make_corpus(folder)
    return folder


class Run:
    """A ``python -m searchidx`` subprocess, its output in files."""

    def __init__(self, tmp: Path, hookdir: Path, args, pause=None, chunk=CHUNK, env=None,
                 new_session=False, name="run"):
        self.marker = tmp / f"{name}.paused"
        self.out_path, self.err_path = tmp / f"{name}.out", tmp / f"{name}.err"
        full_env = dict(os.environ)
        full_env.pop("SEARCHIDX_INDEX", None)
        full_env.update({
            "PYTHONPATH": os.pathsep.join([str(hookdir), str(REPO)]),
            "SEARCHIDX_CHUNK_DOCS": str(chunk),
            "SEARCHIDX_COMMIT_SECONDS": "1000000",  # chunks by size only, unless a test says
            "SEARCHIDX_TEST_MARKER": str(self.marker),
        })
        if pause:
            full_env["SEARCHIDX_TEST_PAUSE"] = pause
        full_env.update(env or {})
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "searchidx", *map(str, args)],
                stdout=out, stderr=err, env=full_env, cwd=str(tmp),
                start_new_session=new_session,
            )

    def wait_paused(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not self.marker.exists():
            if self.proc.poll() is not None:
                pytest.fail(f"exited {self.proc.returncode} before pausing: {self.stderr}")
            if time.monotonic() > deadline:
                self.proc.kill()
                pytest.fail("never reached the pause point")
            time.sleep(0.02)

    def children(self) -> list:
        """The pids whose parent is this process (from /proc)."""
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                if ppid == self.proc.pid:
                    found.append(int(entry))
        return found

    def wait(self, timeout: float = 120) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise

    def kill(self, sig=signal.SIGKILL, group=False) -> int:
        if group:
            os.killpg(self.proc.pid, sig)
        else:
            self.proc.send_signal(sig)
        return self.wait()

    @property
    def stdout(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")


def cli(tmp: Path, hookdir: Path, *args, name="cli", **kw) -> Run:
    run = Run(tmp, hookdir, args, name=name, **kw)
    run.wait()
    return run


def whoosh_ids(path) -> Counter:
    import whoosh.index

    ix = whoosh.index.open_dir(str(path), indexname="searchidx")
    with ix.reader() as reader:
        return Counter(fields["id"] for fields in reader.all_stored_fields())


def manifest_ids(path) -> list:
    """The manifest's ids, read without the library (which would mend it)."""
    db = sqlite3.connect(f"file:{os.path.join(str(path), 'manifest.sqlite')}?mode=ro", uri=True)
    try:
        return sorted(row[0] for row in db.execute("SELECT id FROM docs"))
    finally:
        db.close()


def check_index(path, expected_ids, mended=True) -> None:
    """The index opens and searches, holds each expected id once, and nothing else."""
    from searchidx import open_index
    from searchidx.search import Searcher

    index = open_index(str(path))
    held = whoosh_ids(path)
    assert sorted(held) == sorted(expected_ids)
    assert all(count == 1 for count in held.values()), [i for i, c in held.items() if c > 1]
    if mended:
        assert manifest_ids(path) == sorted(expected_ids)
    with Searcher(index) as searcher:
        for doc_id in list(expected_ids)[:3] + list(expected_ids)[-3:]:
            marker = "mã" + doc_id[4:8]
            results = searcher.search(marker, snippets=0, suggest=False)
            assert [h.id for h in results.hits] == [doc_id], marker
            assert searcher.document(doc_id) is not None
        assert searcher.search("số", limit=1, snippets=0).total == len(expected_ids)


def summary_counts(text: str) -> dict:
    m = re.search(r"(\d+) added, (\d+) updated, (\d+) unchanged, (\d+) removed, (\d+) failed", text)
    assert m, text
    return dict(zip(("added", "updated", "unchanged", "removed", "failed"), map(int, m.groups())))


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# ---- crash safety ------------------------------------------------------------------

# (pause point, what the process is doing, documents committed when it is killed)
# These are the sequential writer's commit points (--procs 1): with worker processes a
# chunk commits once its batches are built, while reading goes on (test_sigkill_at_random_moments
# and tests/test_parallel_indexing.py cover that writer).
KILL_POINTS = [
    ("read:1", "reading the first file", 0),
    ("read:43", "reading file 43 (3 chunks committed)", 36),
    ("add:30", "analyzing mid-chunk (document 30, in chunk 3)", 24),
    ("toc:4", "in commit 3: segment files written, TOC not yet", 24),
    # (#1 is the creation's checksums, #2 its format file)
    ("checksums:5", "in commit 3: segments fsynced, checksums.json replaced, TOC not renamed", 24),
    ("whoosh-committed:3", "after whoosh commit 3, before its manifest write", 36),
    ("committed:4", "just after commit 3 (its manifest write; #1 is the index's creation)", 36),
]


@pytest.mark.parametrize("point,doing,committed", KILL_POINTS, ids=[p[0] for p in KILL_POINTS])
def test_sigkill_leaves_the_last_commit_and_a_rerun_finishes(tmp_path, hookdir, docs, point,
                                                              doing, committed):
    ids = sorted(os.listdir(docs))
    index = tmp_path / "ix"
    run = Run(tmp_path, hookdir, ["--index", index, "index", "--procs", "1", docs], pause=point)
    run.wait_paused()
    assert run.kill() == -signal.SIGKILL
    expected = ids[:committed]
    if point.startswith("whoosh-committed"):
        # The manifest is one chunk behind the index until a writer or `stats` mends it.
        assert sorted(whoosh_ids(index)) == expected
        assert manifest_ids(index) == ids[:committed - CHUNK]
        stats = cli(tmp_path, hookdir, "--index", index, "stats", "--json")
        assert stats.proc.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["documents"] == committed
    check_index(index, expected)
    # The same command again finishes the job.
    again = cli(tmp_path, hookdir, "--index", index, "index", docs, name="again")
    assert again.proc.returncode == 0, again.stderr
    counts = summary_counts(again.stdout)
    assert counts["added"] == N_DOCS - committed
    assert counts["added"] + counts["unchanged"] == N_DOCS and counts["failed"] == 0
    check_index(index, ids)


def test_sigkill_at_random_moments(tmp_path, hookdir, docs):
    """Kills at arbitrary moments (any of: start-up, reading, analysis, commit, manifest)."""
    ids = sorted(os.listdir(docs))
    index = tmp_path / "ix"
    rnd = random.Random(7)
    seen = []
    for attempt in range(3):
        run = Run(tmp_path, hookdir, ["--index", index, "index", docs], chunk=8,
                  name=f"kill{attempt}")
        time.sleep(rnd.uniform(0.5, 1.8))
        run.kill()
        if not (index / "searchidx.json").exists():
            seen.append(0)
            continue
        held = whoosh_ids(index)
        assert all(count == 1 for count in held.values())
        # Committed documents are a prefix of the sorted files, in whole chunks.
        assert sorted(held) == ids[:len(held)]
        stats = cli(tmp_path, hookdir, "--index", index, "stats", "--json")
        assert json.loads(stats.stdout)["documents"] == len(held)
        check_index(index, ids[:len(held)])
        seen.append(len(held))
    again = cli(tmp_path, hookdir, "--index", index, "index", docs, name="again")
    assert again.proc.returncode == 0, again.stderr
    check_index(index, ids)
    assert seen == sorted(seen)


def test_sigint_drops_only_the_chunk_in_flight(tmp_path, hookdir, docs):
    ids = sorted(os.listdir(docs))
    index = tmp_path / "ix"
    run = Run(tmp_path, hookdir, ["--index", index, "index", "--procs", "1", docs], pause="add:30")
    run.wait_paused()
    assert run.kill(signal.SIGINT) == 130
    line = one_line(run.stderr)
    assert line.startswith("Interrupted:") and "run it again" in line
    check_index(index, ids[:24])
    again = cli(tmp_path, hookdir, "--index", index, "index", docs, name="again")
    assert summary_counts(again.stdout)["added"] == N_DOCS - 24
    check_index(index, ids)


def test_ctrl_c_with_two_processes_stops_them_all(tmp_path, hookdir, docs):
    """Ctrl-C reaches the whole process group: whoosh's workers must not print tracebacks."""
    ids = sorted(os.listdir(docs))
    index = tmp_path / "ix"
    run = Run(tmp_path, hookdir, ["--index", index, "index", "--procs", "2", docs],
              pause="add:110", chunk=N_DOCS, new_session=True)
    run.wait_paused()
    workers = run.children()
    assert workers, "whoosh's worker processes should be running"
    assert run.kill(signal.SIGINT, group=True) == 130
    one_line(run.stderr)
    _wait_gone(workers)
    check_index(index, [])
    again = cli(tmp_path, hookdir, "--index", index, "index", "--procs", "2", docs, name="again")
    assert again.proc.returncode == 0, again.stderr
    check_index(index, ids)


def _wait_gone(pids, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while True:
        alive = [p for p in pids if os.path.exists(f"/proc/{p}") and not _zombie(p)]
        if not alive:
            return
        assert time.monotonic() < deadline, f"worker processes {alive} outlived their parent"
        time.sleep(0.05)


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


# ---- one writer at a time -------------------------------------------------------------


def test_second_writer_waits_then_fails_naming_the_lock(tmp_path, hookdir, docs):
    ids = sorted(os.listdir(docs))
    index = tmp_path / "ix"
    first = Run(tmp_path, hookdir, ["--index", index, "index", "--procs", "1", docs], pause="add:18", name="first")
    first.wait_paused()
    started = time.monotonic()
    second = cli(tmp_path, hookdir, "--index", index, "index", docs, "--wait", "1", name="second")
    assert time.monotonic() - started >= 1.0
    assert second.proc.returncode == 1
    line = one_line(second.stderr)
    assert "another searchidx process is writing" in line
    assert f"lock {index / 'searchidx.lock'}" in line and f"pid {first.proc.pid}" in line
    for args in (["remove", ids[0], "--wait", "0.3"], ["index", "--rebuild", docs, "--wait", "0.3"]):
        other = cli(tmp_path, hookdir, "--index", index, *args, name="other")
        assert other.proc.returncode == 1
        assert "another searchidx process is writing" in one_line(other.stderr)
    # Searches go on and see the last commit (chunk 1), not the chunk in flight.
    found = cli(tmp_path, hookdir, "--index", index, "search", "mã0005", "--json", name="s1")
    assert [h["id"] for h in json.loads(found.stdout)["hits"]] == [ids[5]]
    pending = cli(tmp_path, hookdir, "--index", index, "search", "mã0015", "--json", name="s2")
    assert json.loads(pending.stdout)["total"] == 0
    stats = cli(tmp_path, hookdir, "--index", index, "stats", "--json", name="s3")
    assert json.loads(stats.stdout)["documents"] == CHUNK
    # A killed writer leaves no stale lock: the next one proceeds at once.
    first.kill()
    third = cli(tmp_path, hookdir, "--index", index, "index", docs, "--wait", "0", name="third")
    assert third.proc.returncode == 0, third.stderr
    check_index(index, ids)


def test_killed_writer_with_worker_processes_leaves_no_lock(tmp_path, hookdir, docs):
    """whoosh's worker processes inherit the lock files: they must not outlive the writer."""
    ids = sorted(os.listdir(docs))
    index = tmp_path / "ix"
    run = Run(tmp_path, hookdir, ["--index", index, "index", "--procs", "2", docs],
              pause="add:110", chunk=N_DOCS)
    run.wait_paused()
    workers = run.children()
    assert workers
    run.kill()
    next_run = cli(tmp_path, hookdir, "--index", index, "index", docs, "--wait", "0", name="next")
    assert next_run.proc.returncode == 0, next_run.stderr
    _wait_gone(workers)
    check_index(index, ids)


def test_wait_lets_the_second_writer_in_when_the_first_ends(tmp_path, hookdir, docs):
    ids = sorted(os.listdir(docs))
    index = tmp_path / "ix"
    first = Run(tmp_path, hookdir, ["--index", index, "index", "--procs", "1", docs], pause="add:18",
                env={"SEARCHIDX_TEST_PAUSE_SECONDS": "1.5"}, name="first")
    first.wait_paused()
    second = cli(tmp_path, hookdir, "--index", index, "index", docs, "--wait", "120", name="second")
    assert first.wait() == 0, first.stderr
    assert second.proc.returncode == 0, second.stderr
    assert summary_counts(second.stdout)["unchanged"] == N_DOCS
    check_index(index, ids)


def test_chunk_size_variable_is_checked(invoke, empty_index, tmp_path, monkeypatch):
    make_corpus(tmp_path / "d", 5)
    monkeypatch.setenv("SEARCHIDX_CHUNK_DOCS", "lots")
    line = one_line(invoke(empty_index, "index", str(tmp_path / "d")).stderr)
    assert line == "Error: SEARCHIDX_CHUNK_DOCS must be a whole number of documents, not 'lots'"


def test_in_process_writers_exclude_each_other(empty_index):
    from searchidx.errors import IndexLockedError
    from searchidx import open_index

    index = open_index(empty_index, create=True)
    with IndexWriter(index):
        with pytest.raises(IndexLockedError, match="searchidx.lock"):
            IndexWriter(index, wait=0.2)
    IndexWriter(index).close()  # released


# ---- a damaged index ------------------------------------------------------------------


@pytest.fixture
def small_index(tmp_path):
    """30 documents in three segments, and the folder they came from."""
    from searchidx import index_paths, open_index

    folder = tmp_path / "small-docs"
    make_corpus(folder, 30)
    path = tmp_path / "small-ix"
    report = index_paths(open_index(str(path), create=True), [str(folder)], chunk_docs=10,
                         chunk_seconds=1e9)  # by size only, however slow the machine
    assert report.added == 30 and report.commits == 3
    return path, folder


def _segments(path: Path) -> list:
    return sorted(p for p in path.iterdir() if p.suffix == ".seg")


def _damage(kind: str, path: Path) -> None:
    if kind == "missing segment":
        _segments(path)[0].unlink()
    elif kind == "truncated segment":
        seg = _segments(path)[-1]
        os.truncate(seg, seg.stat().st_size // 2)
    elif kind == "segment cut by 10 bytes":
        seg = _segments(path)[0]
        os.truncate(seg, seg.stat().st_size - 10)
    elif kind == "missing TOC":
        for toc in path.glob("_searchidx_*.toc"):
            toc.unlink()
    elif kind == "garbage TOC":
        for toc in path.glob("_searchidx_*.toc"):
            toc.write_bytes(b"\x00garbage" * 10)
    elif kind == "corrupt manifest":
        (path / "manifest.sqlite").write_bytes(b"this is not a database" * 100)
    elif kind == "no searchidx.json":
        (path / "searchidx.json").unlink()
    else:  # pragma: no cover
        raise AssertionError(kind)


DAMAGES = ["missing segment", "truncated segment", "segment cut by 10 bytes", "missing TOC",
           "garbage TOC", "corrupt manifest", "no searchidx.json"]


@pytest.mark.parametrize("kind", DAMAGES)
def test_damaged_index_says_what_and_how_to_rebuild(invoke, small_index, kind):
    path, folder = small_index
    _damage(kind, path)
    commands = [["stats"], ["index", str(folder)]]
    if kind != "corrupt manifest":  # searches and `show` do not read the manifest
        commands += [["search", "nhân quyền"], ["show", "doc-0001.txt"], ["remove", "doc-0001.txt"]]
    for args in commands:
        res = invoke(path, *args, catch_exceptions=True)
        assert res.exit_code == 1, (args, res.output)
        assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit)
        line = one_line(res.stderr)
        assert line.startswith("Error: ")
        assert "damaged" in line or "not a searchidx index" in line, line
        assert f"searchidx --index {path} index --rebuild PATH..." in line, line
    res = invoke(path, "index", "--rebuild", str(folder))
    assert res.exit_code == 0, res.output
    check_index(path, [f"doc-{i:04d}.txt" for i in range(30)])
    assert _siblings(path) == []


def _siblings(path: Path) -> list:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "."))


def test_a_lost_manifest_is_rebuilt_from_the_index(invoke, small_index):
    path, folder = small_index
    (path / "manifest.sqlite").unlink()
    res = invoke(path, "index", str(folder))
    assert res.exit_code == 0, res.output
    assert summary_counts(res.output) == {"added": 0, "updated": 0, "unchanged": 30,
                                          "removed": 0, "failed": 0}
    check_index(path, [f"doc-{i:04d}.txt" for i in range(30)])


def test_a_folder_that_is_not_an_index(invoke, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "holiday.jpg").write_bytes(b"\xff\xd8jpeg")
    for args in (["search", "x"], ["stats"], ["show", "x"]):
        line = one_line(invoke(photos, *args).stderr)
        assert "is not a searchidx index" in line and "choose another --index" in line
    line = one_line(invoke(photos, "index", "--rebuild", str(tmp_path)).stderr)
    assert "refusing to replace it" in line
    assert sorted(os.listdir(photos)) == ["holiday.jpg"]


def test_rebuild_killed_midway_leaves_the_old_index(tmp_path, hookdir, small_index):
    path, folder = small_index
    before = whoosh_ids(path)
    more = tmp_path / "more"
    make_corpus(more, 60, seed=2)
    run = Run(tmp_path, hookdir, ["--index", path, "index", "--rebuild", "--procs", "1", more], pause="add:25")
    run.wait_paused()
    run.kill()
    assert whoosh_ids(path) == before
    check_index(path, sorted(before))
    assert len(_siblings(path)) == 1  # the half-built index beside it
    run = Run(tmp_path, hookdir, ["--index", path, "index", "--rebuild", "--procs", "1", more], pause="add:25",
              name="int")
    run.wait_paused()
    assert run.kill(signal.SIGINT) == 130
    one_line(run.stderr)
    check_index(path, sorted(before))
    done = cli(tmp_path, hookdir, "--index", path, "index", "--rebuild", more, name="done")
    assert done.proc.returncode == 0, done.stderr
    check_index(path, [f"doc-{i:04d}.txt" for i in range(60)])
    assert _siblings(path) == []  # the leftovers of the killed rebuild are gone


def test_rebuild_swaps_the_folders_in_one_step(tmp_path):
    """`--rebuild` exchanges old and new in one rename: the index path never goes missing."""
    from searchidx.rebuild import exchange_folders

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "old").touch()
    (b / "new").touch()
    if not exchange_folders(str(a), str(b)):
        pytest.skip("no renameat2(RENAME_EXCHANGE) here: --rebuild renames twice")
    assert os.listdir(a) == ["new"] and os.listdir(b) == ["old"]


# ---- paths ---------------------------------------------------------------------------

_AUDIT = {"on": False, "events": []}


def _audit(event, args):
    if _AUDIT["on"] and event in ("open", "os.rename", "os.remove", "os.mkdir", "os.rmdir",
                                  "shutil.rmtree", "os.replace", "os.truncate", "os.symlink"):
        path = args[0]
        if isinstance(path, int):
            return
        mode = args[1] if event == "open" and len(args) > 1 else None
        flags = args[2] if event == "open" and len(args) > 2 else 0
        writing = event != "open" or (mode and any(c in str(mode) for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        _AUDIT["events"].append((event, os.fsdecode(path), bool(writing)))


sys.addaudithook(_audit)

HOSTILE_IDS = ["../../etc/passwd", "/etc/passwd", "..", "../", "~/.bashrc", "a/../../b",
               "\\..\\..\\windows", "file:///etc/passwd", "%2e%2e/etc", "-", "*", ""]


def test_show_and_remove_take_ids_only(invoke, corpus_index_copy, tmp_path):
    outside_before = _tree(tmp_path, skip=corpus_index_copy)
    before = whoosh_ids(corpus_index_copy)
    for doc_id in HOSTILE_IDS:
        for args in (["show", "--", doc_id], ["remove", "--", doc_id], ["show", "--json", "--", doc_id]):
            with _watch() as events:
                res = invoke(corpus_index_copy, *args, catch_exceptions=True)
            assert res.exit_code == 1, (args, res.output)
            assert "no document with id" in one_line(res.stderr)
            _only_inside(events, corpus_index_copy)
    assert whoosh_ids(corpus_index_copy) == before
    assert _tree(tmp_path, skip=corpus_index_copy) == outside_before


def test_queries_and_scripts_stay_inside_the_index(invoke, corpus_index_copy, tmp_path):
    script = tmp_path / "evil.jsonl"
    lines = [{"id": name, "q": q} for name, q in [
        ("../../x", "id:../../etc/passwd"), ("/tmp/evil", "path:/etc/passwd"),
        ("..", "nhân quyền"), ("state/../../y", "title:../../"), ("~", "source:/etc/shadow"),
    ]]
    script.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
                      encoding="utf-8")
    toml = tmp_path / "evil.toml"
    toml.write_text('[[query]]\nname = "../../../z"\nq = "../../etc/passwd"\n', encoding="utf-8")
    outside_before = _tree(tmp_path, skip=corpus_index_copy)
    for args in (["run", str(script), "--new"], ["run", str(toml), "--new"],
                 ["run", str(script), "--format", "json"],
                 ["search", "id:../../etc/passwd"], ["search", "--", "../../../../etc/passwd"],
                 ["show", "doc-0001.txt", "--query", "../../etc/passwd"]):
        with _watch() as events:
            res = invoke(corpus_index_copy, *args, catch_exceptions=True)
        assert res.exit_code in (0, 1), (args, res.output)
        _only_inside(events, corpus_index_copy, allowed=[str(script), str(toml)])
        if "--new" in args:  # the audit hook sees the writes it vets
            state = os.path.join(os.path.realpath(corpus_index_copy), "state") + os.sep
            assert any(w and os.path.realpath(p).startswith(state) for _, p, w in events)
    written = [p for p in _tree(Path(corpus_index_copy)) if p.startswith("state")]
    assert written and all(re.fullmatch(r"state/script-[0-9a-f]{24}\.json", p) for p in written)
    assert _tree(tmp_path, skip=corpus_index_copy) == outside_before


class _watch:
    def __enter__(self):
        _AUDIT["events"] = []
        _AUDIT["on"] = True
        return _AUDIT["events"]

    def __exit__(self, *exc):
        _AUDIT["on"] = False


def _only_inside(events, index, allowed=()) -> None:
    index = os.path.realpath(str(index))
    system = tuple({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)
                    } | {str(REPO / "searchidx"), "/dev/", "/proc/", "/sys/"})
    for event, path, writing in events:
        real = os.path.realpath(path)
        inside = real == index or real.startswith(index + os.sep)
        if writing:
            assert inside, f"{event} {path} outside the index"
        else:
            assert inside or real in allowed or real.startswith(system) or \
                real.endswith((".py", ".pyc", ".so")), f"read {path} outside the index"


def _tree(root: Path, skip=None) -> list:
    out = []
    for folder, dirs, files in os.walk(root):
        if skip is not None:
            dirs[:] = [d for d in dirs if os.path.join(folder, d) != str(skip)]
        rel = os.path.relpath(folder, root)
        for name in files:
            out.append(os.path.normpath(os.path.join(rel, name)).replace(os.sep, "/"))
    return sorted(out)
