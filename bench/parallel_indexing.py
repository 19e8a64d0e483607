"""Indexing on every core and through a Dask cluster, against plain pyvi on one core.

For each size (default 5,000 and 20,000 VNTC articles, as .jsonl files like bench/speed.py):
- `searchidx index` in a child process: with its default (a worker process per core), with
  `--procs 1`, and with `--cluster` to a two-worker LocalCluster on this machine; wall time,
  peak RSS of every process involved, index size, and the time ÷ plain pyvi on one core;
- optionally the same with another checkout (``--before /path/to/checkout``), on the same data;
- ``--costs``: the per-document costs a model of indexing against workers needs, measured
  in this process on one core: reading (the writer), analysis and segment building (a
  builder), what crosses the wire (pickled batch and segment bytes, and the time to pickle
  them), committing the built segments (the writer) and the end-of-run merge (the writer).

    python bench/parallel_indexing.py --sizes 5000 --costs
    python bench/parallel_indexing.py --sizes 5000 20000 --before /work/main --json out.json
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from speed import RssSampler, dir_size, pyvi_floor, read_articles, write_jsonl  # noqa: E402


def run_index(data: Path, index: Path, extra, checkout: Path = ROOT) -> dict:
    """`searchidx index` of ``checkout`` in a child process: wall time, peak RSS of this
    process's whole tree (a LocalCluster's workers included) above what it was before."""
    shutil.rmtree(index, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(checkout))
    cmd = [sys.executable, "-m", "searchidx", "--index", str(index), "index", str(data), *extra]
    sampler = RssSampler(os.getpid())
    sampler.start()
    time.sleep(0.5)
    baseline = sampler.peak
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"index failed: {proc.stderr.strip()}")
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return {"seconds": round(seconds, 2), "peak_rss_mb": round((peak - baseline) / 2**20),
            "size_mb": round(dir_size(index) / 2**20, 2), "summary": lines[-1] if lines else ""}


def costs(articles, workdir: Path) -> dict:
    """Per-document milliseconds (one core) and bytes of each step of a run with builders."""
    from dataclasses import asdict

    from searchidx import open_index
    from searchidx.builders import build_batch
    from searchidx.ingest import documents as docs_mod
    from searchidx.ingest.ignore import IgnoreRules
    from searchidx.pipeline import BATCH_BYTES
    from searchidx.storage import engine
    from searchidx.storage.building import commit_built

    data = workdir / "costs-data"
    write_jsonl(articles, data)
    started = time.process_time()
    docs = []
    for item in docs_mod.discover([str(data)], IgnoreRules((), str(workdir))):
        if isinstance(item, docs_mod.SourceFile):
            item.id_base = item.path
            with open(item.path, "rb") as fh:
                docs += [d for _, d in docs_mod.iter_source(item, fh.read())]
    read = time.process_time() - started
    batches, batch, size = [], [], 0
    for doc in docs:
        batch.append((asdict(doc), 0.0))
        size += len(doc.text)
        if size >= BATCH_BYTES:
            batches.append(batch)
            batch, size = [], 0
    batches += [batch] if batch else []
    started = time.process_time()
    sent = [pickle.dumps(b) for b in batches]
    [pickle.loads(b) for b in sent]
    pickle_batch = time.process_time() - started
    started = time.process_time()
    built = [build_batch(b) for b in batches]
    analysis = time.process_time() - started
    started = time.process_time()
    back = [pickle.dumps(b) for b in built]
    [pickle.loads(b) for b in back]
    pickle_segments = time.process_time() - started
    index = open_index(str(workdir / "costs-index"), create=True)
    before = engine.segment_ids(index.whoosh_index)
    started = time.perf_counter()
    chunk = max(1, 10000 // max(1, len(docs) // len(batches)))  # batches per 10,000 documents
    for i in range(0, len(built), chunk):
        commit_built(index.whoosh_index, built[i:i + chunk], [])
    commit = time.perf_counter() - started
    fresh = engine.segment_ids(index.whoosh_index) - before
    started = time.perf_counter()
    engine.merge(index.whoosh_index, fresh)
    merge = time.perf_counter() - started
    n = len(docs)
    shutil.rmtree(workdir / "costs-index", ignore_errors=True)
    return {
        "docs": n, "batches": len(batches),
        "ms_per_doc": {"read (writer)": 1000 * read / n, "analysis + segment (builder)": 1000 * analysis / n,
                       "pickle batch + segment (both ends)": 1000 * (pickle_batch + pickle_segments) / n,
                       "commit built segments (writer, wall)": 1000 * commit / n,
                       "merge at the end (writer, wall)": 1000 * merge / n},
        "bytes_per_doc": {"batch sent": sum(map(len, sent)) / n, "segment back": sum(map(len, back)) / n},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", type=int, default=[5000, 20000])
    parser.add_argument("--before", help="another checkout to time on the same data (its default)")
    parser.add_argument("--no-cluster", action="store_true")
    parser.add_argument("--no-sequential", action="store_true", help="skip --procs 1")
    parser.add_argument("--costs", action="store_true", help="per-document costs, in this process")
    parser.add_argument("--workdir")
    parser.add_argument("--json")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="searchidx-parallel-"))
    report = {"load_before": os.getloadavg(), "sizes": []}
    cluster = None
    if not args.no_cluster:
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                               dashboard_address=None, silence_logs=40)
    try:
        for n in args.sizes:
            articles = read_articles(n)
            data = workdir / f"data-{n}"
            raw = write_jsonl(articles, data)
            result = {"docs": len(articles), "raw_mb": round(raw / 2**20, 1)}
            index = workdir / f"index-{n}"
            result["all cores"] = run_index(data, index, [])
            if not args.no_sequential:
                result["--procs 1"] = run_index(data, index, ["--procs", "1"])
            if args.before:
                result["before"] = run_index(data, index, [], Path(args.before))
            if cluster is not None:
                result["cluster of 2"] = run_index(data, index, ["--cluster", cluster.scheduler_address])
            texts = [unicodedata.normalize("NFC", a["text"]) for a in articles]
            result["pyvi one core s"] = round(pyvi_floor(texts), 2)
            for key, value in list(result.items()):
                if isinstance(value, dict):
                    value["÷ pyvi"] = round(value["seconds"] / result["pyvi one core s"], 3)
                    value["ms per doc"] = round(1000 * value["seconds"] / len(articles), 2)
            if args.costs:
                result["costs"] = costs(articles, workdir)
            result["load_after"] = os.getloadavg()
            report["sizes"].append(result)
            print(json.dumps(result, indent=1), flush=True)
    finally:
        if cluster is not None:
            cluster.close()
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
