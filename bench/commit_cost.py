"""What a durable commit costs: chunk commits with fsync on and off, and the fsyncs made.

Indexes the bundled corpus's documents in chunks of ``--chunk`` documents (each chunk one
commit), ``--runs`` times with the durable storage's fsyncs on and as many with them off
(``searchidx.storage.durable.SYNC``, a switch kept for this measurement only), in
alternation, and reports the median time of a commit and the fsync calls per commit.

    python bench/commit_cost.py
    python bench/commit_cost.py --chunk 4 --runs 9 --json bench/out/commit.json
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from searchidx import IndexWriter, open_index  # noqa: E402
from searchidx.ingest.documents import discover, read_source  # noqa: E402
from searchidx.storage import durable  # noqa: E402


def corpus_documents() -> list:
    docs = []
    for source in discover([str(ROOT / "corpus")]):
        if hasattr(source, "path"):
            docs.extend(read_source(source)[0])
    return docs


def one_run(docs: list, chunk: int, sync: bool, workdir: str) -> tuple:
    """Seconds of each commit (the writer's commit call alone) and its fsync calls, on average."""
    durable.SYNC = sync
    calls = [0]
    real_fsync = os.fsync

    def counted(fd):
        calls[0] += 1
        return real_fsync(fd)

    os.fsync = counted
    try:
        index = open_index(tempfile.mkdtemp(dir=workdir), create=True)
        times, fsyncs = [], 0
        with IndexWriter(index, chunk_docs=10 ** 9) as writer:
            for start in range(0, len(docs), chunk):
                for doc in docs[start:start + chunk]:
                    writer.add(doc)
                before, began = calls[0], time.perf_counter()
                writer.commit(merge=False)
                times.append(time.perf_counter() - began)
                fsyncs += calls[0] - before
        return times, fsyncs / max(1, len(times))
    finally:
        os.fsync = real_fsync
        durable.SYNC = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunk", type=int, default=4, help="documents per commit")
    parser.add_argument("--runs", type=int, default=7, help="runs with fsync on (and as many off)")
    parser.add_argument("--json")
    args = parser.parse_args()
    docs = corpus_documents()
    out = {"on": [], "off": [], "fsyncs_per_commit": None}
    with tempfile.TemporaryDirectory() as workdir:
        for _ in range(args.runs):
            for sync in (True, False):
                times, fsyncs = one_run(docs, args.chunk, sync, workdir)
                out["on" if sync else "off"].extend(times)
                if sync:
                    out["fsyncs_per_commit"] = fsyncs
    report = {
        "commits": len(out["on"]),
        "documents_per_commit": args.chunk,
        "fsyncs_per_commit": out["fsyncs_per_commit"],
        "median_ms_fsync_on": statistics.median(out["on"]) * 1000,
        "median_ms_fsync_off": statistics.median(out["off"]) * 1000,
    }
    report["median_ms_difference"] = report["median_ms_fsync_on"] - report["median_ms_fsync_off"]
    print(json.dumps(report, indent=1))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
