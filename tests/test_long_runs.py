"""A long run keeps its work (issue 14): Ctrl-C inside one large file loses at most the
last commit interval, and the re-run finishes without duplicates.

3,000 generated articles in one .jsonl (the hard case: the file is only half done when
the run stops), committed every second (SEARCHIDX_COMMIT_SECONDS; 30 s by default)
so that the test stops the run after a few seconds instead of half a minute.
"""
from __future__ import annotations

import json
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from test_reliability import WORDS, Run, cli, hookdir, one_line, summary_counts, whoosh_ids  # noqa: F401

ARTICLES = 3000


def write_articles(path: Path, n: int = ARTICLES) -> list:
    rnd = random.Random(14)
    path.parent.mkdir(parents=True, exist_ok=True)
    ids = []
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            body = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(10, 20)))
            ids.append(f"bai-{i:04d}")
            handle.write(json.dumps({"id": ids[-1], "text": f"Bài số {i}. {body} mã{i:04d}"},
                                    ensure_ascii=False) + "\n")
    return ids


def committed(index: Path) -> int:
    """Documents in the manifest (rows are written only by a commit)."""
    path = index / "manifest.sqlite"
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:  # the table is not there yet
        return 0


def test_sigint_inside_one_large_file_keeps_the_committed_work(tmp_path, hookdir):  # noqa: F811
    ids = write_articles(tmp_path / "in" / "bao.jsonl")
    index = tmp_path / "ix"
    # Chunks by size would hold all 3,000: only the commits by time can keep anything.
    # The sequential writer (--procs 1): worker processes commit in larger steps, trailing
    # the reading, and may finish these small articles before a tenth is seen committed.
    run = Run(tmp_path, hookdir, ["--index", index, "index", "--procs", "1", tmp_path / "in"],
              chunk=100000,
              env={"SEARCHIDX_COMMIT_SECONDS": "1"})
    started = time.monotonic()
    seen = 0
    while seen < 300 and time.monotonic() - started < 120:  # 10 %, a few commits
        if run.proc.poll() is not None:
            pytest.fail(f"ended before it was stopped: {run.stderr}")
        time.sleep(0.2)
        seen = committed(index)
    assert seen >= 300, "nothing committed in two minutes"
    assert run.kill(signal.SIGINT) == 130
    one_line(run.stderr)
    kept = whoosh_ids(index)
    assert all(count == 1 for count in kept.values())
    assert seen <= len(kept) < ARTICLES  # nothing committed was lost
    assert committed(index) == len(kept)  # the manifest lists what whoosh holds
    done = cli(tmp_path, hookdir, "--index", index, "index", tmp_path / "in", name="rerun")
    assert done.proc.returncode == 0, done.stderr
    counts = summary_counts(done.stdout)
    assert (counts["added"], counts["unchanged"]) == (ARTICLES - len(kept), len(kept))
    final = whoosh_ids(index)
    assert sorted(final) == ids and set(final.values()) == {1}
    again = cli(tmp_path, hookdir, "--index", index, "index", tmp_path / "in", name="third")
    assert summary_counts(again.stdout)["unchanged"] == ARTICLES  # the file is whole now
