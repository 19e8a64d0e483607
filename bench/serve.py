"""`searchidx serve` under load, on the VNTC news corpus (../shared/data/vntc/).

1. Latency: the same 500 queries (keywords, phrases and questions, with and
   without diacritics, drawn as bench/speed.py draws them) through /api/search
   one at a time, beside the in-process Searcher.search of each: p50/p95 of both.
2. Throughput: 1, 4 and 16 clients on loopback, each a thread with its own
   keep-alive connection, sending the queries round and round for 30 s:
   requests/s, p50/p95/p99 latency, errors (any non-200 or failed request).

The server is `python -m searchidx serve` in a child process, as a user starts it.
The index is built with `python -m searchidx index` over the first N articles
unless --index names one.

    python bench/serve.py --index /tmp/vntc20k            # an index of the first 20,000
    python bench/serve.py --articles 20000 --json bench/out/serve.json
"""
from __future__ import annotations

import argparse
import http.client
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import speed  # noqa: E402 - bench/speed.py: reading VNTC, drawing queries


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def draw_queries(articles: List[dict], n: int) -> List[str]:
    kinds = speed.make_queries(articles, n)
    mixed = []
    for i in range(n):  # the kinds in turn, every other one without diacritics
        kind = ("keywords", "phrase", "question")[i % 3]
        q = kinds[kind][i // 3 % len(kinds[kind])]
        mixed.append(q if i % 2 == 0 else speed.strip(q))
    return mixed


def start_server(index: Path, port: int, workers: int, cache: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "searchidx", "--index", str(index), "serve",
                             "--port", str(port), "--workers", str(workers), "--cache", str(cache)],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"serve failed: {proc.stderr.read().strip()}")
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("serve did not start in 120 s")


class Client:
    """One keep-alive connection; get() returns (status, seconds)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, query: str):
        path = "/api/search?" + urlencode({"q": query})
        started = time.perf_counter()
        try:
            self.conn.request("GET", path)
            response = self.conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            status = -1
        return status, time.perf_counter() - started


def latency(index: Path, port: int, queries: List[str]) -> dict:
    from searchidx import Searcher, open_index

    client = Client(port)
    for q in queries[:20]:  # warm both: a long-running server is warm
        client.get(q)
    http_ms, inproc_ms, errors = [], [], 0
    with Searcher(open_index(str(index))) as searcher:
        for q in queries[:20]:
            searcher.search(q)
        for q in queries:
            started = time.perf_counter()
            searcher.search(q)
            inproc_ms.append((time.perf_counter() - started) * 1000)
            status, seconds = client.get(q)
            errors += status != 200
            http_ms.append(seconds * 1000)
    return {"n": len(queries), "errors": errors,
            "http_p50_ms": percentile(http_ms, 0.5), "http_p95_ms": percentile(http_ms, 0.95),
            "inprocess_p50_ms": percentile(inproc_ms, 0.5),
            "inprocess_p95_ms": percentile(inproc_ms, 0.95)}


def throughput(port: int, queries: List[str], clients: int, seconds: float) -> dict:
    times: List[List[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.perf_counter() + seconds

    def run(k: int) -> None:
        client = Client(port)
        i = k * 37
        while time.perf_counter() < stop:
            status, took = client.get(queries[i % len(queries)])
            i += 1
            times[k].append(took * 1000)
            errors[k] += status != 200

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    every = [t for ts in times for t in ts]
    return {"clients": clients, "seconds": round(elapsed, 1), "requests": len(every),
            "errors": sum(errors), "per_s": len(every) / elapsed,
            "p50_ms": percentile(every, 0.5), "p95_ms": percentile(every, 0.95),
            "p99_ms": percentile(every, 0.99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index of the first --articles articles")
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--workers", type=int, default=1, help="serve --workers")
    parser.add_argument("--cache", type=int, default=0,
                        help="serve --cache (default 0: every request searches; the queries repeat)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    articles = speed.read_articles(args.articles)
    index = args.index
    if index is None or not index.exists():
        work = Path(tempfile.mkdtemp(prefix="serve-bench-"))
        speed.write_jsonl(articles, work / "data")
        index = index or work / "index"
        print(f"indexing {len(articles)} articles into {index} …", flush=True)
        subprocess.run([sys.executable, "-m", "searchidx", "--index", str(index), "index",
                        str(work / "data")], cwd=ROOT, check=True)
    queries = draw_queries(articles, args.queries)
    server = start_server(index, args.port, args.workers, args.cache)
    try:
        result: Dict[str, object] = {"articles": len(articles), "queries": len(queries),
                                     "workers": args.workers, "cache": args.cache}
        result["latency"] = lat = latency(index, args.port, queries)
        print(f"latency, {lat['n']} queries one at a time: /api/search p50 {lat['http_p50_ms']:.1f} ms, "
              f"p95 {lat['http_p95_ms']:.1f} ms; in-process p50 {lat['inprocess_p50_ms']:.1f} ms, "
              f"p95 {lat['inprocess_p95_ms']:.1f} ms; errors {lat['errors']}", flush=True)
        result["load"] = []
        for clients in (int(c) for c in args.clients.split(",")):
            run = throughput(args.port, queries, clients, args.seconds)
            result["load"].append(run)
            print(f"{clients:>2} clients, {run['seconds']} s: {run['requests']} requests, "
                  f"{run['per_s']:.1f}/s, p50 {run['p50_ms']:.1f} ms, p95 {run['p95_ms']:.1f} ms, "
                  f"p99 {run['p99_ms']:.1f} ms, errors {run['errors']}", flush=True)
    finally:
        server.terminate()
        server.wait(10)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
