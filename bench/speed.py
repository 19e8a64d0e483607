"""Indexing and query speed on the VNTC news corpus (../shared/data/vntc/).

For each size (default 5,000, 20,000 and all 84,132 articles) it measures, in one run:
- indexing: wall time, docs/s, MB/s, peak RSS of the whole process tree, index size
  and its ratio to the raw UTF-8 text; the same for a no-change re-run;
- the floor beside it: plain pyvi.ViTokenizer.tokenize over the same text on one
  core, and searchidx's analyzer alone (one core);
- queries: p50/p95/p99 in-process latency for 500 queries of three kinds (2-3
  keywords, a quoted phrase, a 12-word question), with and without diacritics;
- cold `searchidx search` wall time on the bundled corpus;
and the growth of each figure per doubling of the corpus.

    python bench/speed.py --sizes 5000 20000          # quick
    python bench/speed.py --json bench/out/speed.json # everything (about an hour)
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VNTC = ROOT.parent / "shared" / "data" / "vntc"
FILES = ["vntc10-train.jsonl.gz", "vntc10-test-part1.jsonl.gz", "vntc10-test-part2.jsonl.gz"]
EVAL_QUESTIONS = ROOT.parent / "shared" / "data" / "eval" / "vinewsqa-dev" / "queries.jsonl"


def read_articles(n: int) -> List[dict]:
    out = []
    for name in FILES:
        with gzip.open(VNTC / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                out.append(json.loads(line))
                if len(out) >= n:
                    return out
    return out


def write_jsonl(articles: List[dict], folder: Path, parts: int = 8) -> int:
    """The articles as a few .jsonl files (what a user would index); returns raw text bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = 0
    per = math.ceil(len(articles) / parts)
    for p in range(parts):
        chunk = articles[p * per:(p + 1) * per]
        if not chunk:
            continue
        with open(folder / f"part-{p:02d}.jsonl", "w", encoding="utf-8") as fh:
            for a in chunk:
                fh.write(json.dumps({"id": a["id"], "text": a["text"]}, ensure_ascii=False) + "\n")
                raw += len(a["text"].encode("utf-8"))
    return raw


class RssSampler(threading.Thread):
    """Peak summed RSS of a process and all its descendants, sampled every 0.2 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self._done = threading.Event()

    def _tree(self) -> List[int]:
        children: Dict[int, List[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                    children.setdefault(ppid, []).append(int(entry))
                except (OSError, ValueError, IndexError):
                    pass
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    def run(self) -> None:
        while not self._done.is_set():
            total = 0
            for pid in self._tree():
                try:
                    with open(f"/proc/{pid}/status") as fh:
                        for line in fh:
                            if line.startswith("VmRSS:"):
                                total += int(line.split()[1]) * 1024
                except OSError:
                    pass
            self.peak = max(self.peak, total)
            self._done.wait(0.2)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def run_index(data: Path, index: Path, extra: List[str]) -> dict:
    """`searchidx index` in a child process, timed, with the tree's peak RSS."""
    cmd = [sys.executable, "-m", "searchidx", "--index", str(index), "index", str(data), *extra]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = RssSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"index failed: {err.strip()}")
    lines = (out + err).strip().splitlines()
    return {"seconds": seconds, "peak_rss_mb": peak / 2**20, "summary": lines[-1] if lines else ""}


def pyvi_floor(texts: List[str]) -> float:
    """Seconds plain pyvi needs on one core for the same text."""
    from pyvi import ViTokenizer

    started = time.perf_counter()
    for text in texts:
        ViTokenizer.tokenize(text)
    return time.perf_counter() - started


def analyzer_alone(texts: List[str]) -> float:
    """Seconds searchidx's analyzer needs on one core: all four body fields of each text."""
    from searchidx.analysis import folded_analyzer, folded_word_analyzer, normalize_text
    from searchidx.analysis import syllable_analyzer, word_analyzer

    analyzers = [syllable_analyzer(), word_analyzer(), folded_analyzer(), folded_word_analyzer()]
    started = time.perf_counter()
    for text in texts:
        text = normalize_text(text)
        for analyzer in analyzers:
            for _ in analyzer(text, positions=True):
                pass
    return time.perf_counter() - started


def make_queries(articles: List[dict], n: int = 500, seed: int = 7) -> Dict[str, List[str]]:
    """Three kinds of query drawn from the indexed articles and real questions."""
    from searchidx.analysis import analyze_text

    rng = random.Random(seed)
    keywords, phrases = [], []
    while len(keywords) < n or len(phrases) < n:
        text = unicodedata.normalize("NFC", rng.choice(articles)["text"])
        syllables = [s[0] for s in analyze_text(text, segment=False).syllables if s[0].isalpha()]
        if len(syllables) < 20:
            continue
        if len(keywords) < n:
            words = analyze_text(text[:2000], segment=True).words
            multi = [w[0].replace("_", " ") for w in words if "_" in w[0]]
            if len(multi) >= 2:
                keywords.append(" ".join(rng.sample(multi, rng.choice([1, 2]))))
        if len(phrases) < n:
            i = rng.randrange(0, len(syllables) - 4)
            phrases.append('"%s"' % " ".join(syllables[i:i + rng.choice([2, 3, 4])]))
    questions = []
    with open(EVAL_QUESTIONS, encoding="utf-8") as fh:
        for line in fh:
            q = json.loads(line)["text"]
            if 10 <= len(q.split()) <= 14:
                questions.append(q)
    rng.shuffle(questions)
    return {"keywords": keywords[:n], "phrase": phrases[:n], "question": questions[:n]}


def strip(text: str) -> str:
    from searchidx.analysis import fold

    return fold(unicodedata.normalize("NFC", text))


def query_latency(index_dir: Path, queries: Dict[str, List[str]]) -> dict:
    from searchidx import Searcher, open_index

    out = {}
    with Searcher(open_index(str(index_dir))) as searcher:
        searcher.search("khởi động")  # warm the reader, as a long-running process would be
        for kind, items in queries.items():
            for accents in (True, False):
                times = []
                for q in items:
                    text = q if accents else strip(q)
                    started = time.perf_counter()
                    searcher.search(text, limit=10)
                    times.append((time.perf_counter() - started) * 1000)
                times.sort()
                label = f"{kind}/{'accented' if accents else 'unaccented'}"
                out[label] = {
                    "p50": times[len(times) // 2],
                    "p95": times[int(len(times) * 0.95)],
                    "p99": times[int(len(times) * 0.99)],
                    "n": len(times),
                }
    return out


def cold_search(index_dir: Path, query: str = "nhan quyen", runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "searchidx", "--index", str(index_dir), "search", query],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_size(n: int, workdir: Path, floor: bool, procs: int, queries: int = 500) -> dict:
    articles = read_articles(n)
    data = workdir / f"data-{n}"
    raw = write_jsonl(articles, data)
    index = workdir / f"index-{n}"
    shutil.rmtree(index, ignore_errors=True)
    extra = ["--procs", str(procs)] if procs else []
    first = run_index(data, index, extra)
    size = dir_size(index)
    rerun = run_index(data, index, extra)
    result = {
        "docs": len(articles),
        "raw_mb": raw / 2**20,
        "index": {
            "seconds": first["seconds"],
            "docs_per_s": len(articles) / first["seconds"],
            "mb_per_s": raw / 2**20 / first["seconds"],
            "peak_rss_mb": first["peak_rss_mb"],
            "size_mb": size / 2**20,
            "size_ratio": size / raw,
            "summary": first["summary"],
        },
        "rerun": {"seconds": rerun["seconds"], "peak_rss_mb": rerun["peak_rss_mb"], "summary": rerun["summary"]},
    }
    texts = [unicodedata.normalize("NFC", a["text"]) for a in articles]
    if floor:
        result["floor"] = {"pyvi_one_core_s": pyvi_floor(texts), "analyzer_one_core_s": analyzer_alone(texts)}
        result["floor"]["index_vs_pyvi"] = first["seconds"] / result["floor"]["pyvi_one_core_s"]
    result["queries"] = query_latency(index, make_queries(articles, queries))
    return result


def growth(results: List[dict]) -> Dict[str, Dict[str, float]]:
    """Per doubling of documents, each figure's ratio between consecutive sizes and
    between the smallest and the largest."""
    pairs = list(zip(results, results[1:]))
    if len(results) > 2:
        pairs.append((results[0], results[-1]))
    return {f"{a['docs']}->{b['docs']}": _growth_between(a, b) for a, b in pairs}


def _growth_between(a: dict, b: dict) -> Dict[str, float]:
    doublings = math.log2(b["docs"] / a["docs"])

    def per_doubling(x, y):
        return (y / x) ** (1 / doublings) if x > 0 and doublings > 0 else float("nan")

    out = {
        "index_seconds": per_doubling(a["index"]["seconds"], b["index"]["seconds"]),
        "peak_rss": per_doubling(a["index"]["peak_rss_mb"], b["index"]["peak_rss_mb"]),
        "size": per_doubling(a["index"]["size_mb"], b["index"]["size_mb"]),
        "rerun_seconds": per_doubling(a["rerun"]["seconds"], b["rerun"]["seconds"]),
    }
    for label in a["queries"]:
        out[f"{label} p50"] = per_doubling(a["queries"][label]["p50"], b["queries"][label]["p50"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", type=int, default=[5000, 20000, 84132])
    parser.add_argument("--no-floor", action="store_true", help="skip the pyvi / analyzer floor")
    parser.add_argument("--procs", type=int, default=0, help="pass --procs to searchidx index (0: its default)")
    parser.add_argument("--queries", type=int, default=500, help="queries of each kind")
    parser.add_argument("--workdir")
    parser.add_argument("--json")
    parser.add_argument("--queries-only", action="store_true",
                        help="only time queries, on the indexes an earlier run left in --workdir "
                             "(after a change to query code, not to indexing)")
    args = parser.parse_args()
    if not VNTC.is_dir():
        sys.exit(f"error: {VNTC} is absent")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="searchidx-speed-"))
    if args.queries_only:
        for n in args.sizes:
            index = workdir / f"index-{n}"
            if not index.is_dir():
                sys.exit(f"error: no index at {index}: run without --queries-only first")
            latency = query_latency(index, make_queries(read_articles(n), args.queries))
            print(json.dumps({"docs": n, "queries": latency}, indent=1), flush=True)
        return
    results = []
    for n in args.sizes:
        res = bench_size(n, workdir, not args.no_floor, args.procs, args.queries)
        results.append(res)
        print(json.dumps(res, indent=1), flush=True)
    cold = cold_search(workdir / f"index-{args.sizes[0]}")
    corpus_index = workdir / "index-corpus"
    shutil.rmtree(corpus_index, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "searchidx", "--index", str(corpus_index), "index", "--quiet",
                    str(ROOT / "corpus")], check=True)
    report = {"sizes": results, "growth_per_doubling": growth(results),
              "cold_search_s": {"bundled_corpus": cold_search(corpus_index), f"vntc_{args.sizes[0]}": cold}}
    print(json.dumps(report["growth_per_doubling"], indent=1))
    print(json.dumps(report["cold_search_s"], indent=1))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=1)


if __name__ == "__main__":
    main()
