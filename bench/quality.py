"""Ranking quality on the retrieval sets in ../shared/data/eval/.

For each set: index its corpus.jsonl with searchidx (the same code as
`searchidx index`), run every query through the saved-script runner (the same
code as `searchidx run`), once as written and once with diacritics removed, and
compute MRR@10, Recall@10, nDCG@10 and P@1 beside two baselines computed in the
same run: plain BM25 (k1=1.5, b=0.75) over lowercased pyvi words, and SQLite
FTS5 with `unicode61 remove_diacritics 2`.

    python bench/quality.py                  # all sets, table to stdout
    python bench/quality.py --sets vinewsqa-dev --json out.json
"""
from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from searchidx import open_index, index_paths  # noqa: E402
from searchidx.analysis import get_segmenter, normalize_text  # noqa: E402
from searchidx.scripts import load_script, run_script  # noqa: E402
from searchidx.search import Searcher  # noqa: E402

EVAL = ROOT.parent / "shared" / "data" / "eval"
SETS = ["vinewsqa-dev", "ALQAC", "ViRHE4QA_v2"]
K = 10


def strip_diacritics(text: str) -> str:
    """The README's definition: NFD, drop combining marks, đ -> d."""
    decomposed = unicodedata.normalize("NFD", text)
    out = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return out.replace("đ", "d").replace("Đ", "D")


def load_set(name: str):
    folder = EVAL / name
    corpus = [json.loads(line) for line in open(folder / "corpus.jsonl", encoding="utf-8")]
    queries = [json.loads(line) for line in open(folder / "queries.jsonl", encoding="utf-8")]
    qrels: Dict[str, set] = defaultdict(set)
    with open(folder / "qrels.tsv", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            qid, did, score = line.rstrip("\n").split("\t")
            if int(score) > 0:
                qrels[qid].add(did)
    queries = [q for q in queries if q["_id"] in qrels]
    return corpus, queries, qrels


def metrics(rankings: Dict[str, List[str]], qrels: Dict[str, set]) -> Dict[str, float]:
    mrr = recall = ndcg = p1 = 0.0
    for qid, relevant in qrels.items():
        ranked = rankings.get(qid, [])[:K]
        hits = [i for i, d in enumerate(ranked) if d in relevant]
        if hits:
            mrr += 1.0 / (hits[0] + 1)
            recall += len(hits) / len(relevant)
            dcg = sum(1.0 / math.log2(i + 2) for i in hits)
            ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), K)))
            ndcg += dcg / ideal
            p1 += 1.0 if hits[0] == 0 else 0.0
    n = max(1, len(qrels))
    return {"MRR@10": 100 * mrr / n, "R@10": 100 * recall / n, "nDCG@10": 100 * ndcg / n, "P@1": 100 * p1 / n}


# ---- searchidx -----------------------------------------------------------------

def build_index(corpus_path: Path, workdir: Path):
    index_dir = workdir / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    index = open_index(str(index_dir), create=True)
    report = index_paths(index, [str(corpus_path)], chunk_docs=5000)
    return index, report


def run_searchidx(index, queries, workdir: Path, unaccented: bool, weights=None, collapse=True):
    script = workdir / ("queries-unaccented.jsonl" if unaccented else "queries.jsonl")
    with open(script, "w", encoding="utf-8") as fh:
        for q in queries:
            text = strip_diacritics(q["text"]) if unaccented else q["text"]
            line = {"id": q["_id"], "q": text, "limit": K}
            if not collapse:
                line["collapse"] = False
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    loaded = load_script(str(script))
    started = time.perf_counter()
    with Searcher(index, weights=weights) as searcher:
        results = run_script(index, loaded, snippets=0, searcher=searcher)
    seconds = time.perf_counter() - started
    rankings = {r.name: [h.id for h in r.hits] for r in results}
    return rankings, seconds


# ---- baselines -----------------------------------------------------------------

class BM25:
    """Plain BM25 over lowercased pyvi words (k1=1.5, b=0.75)."""

    def __init__(self, docs: Dict[str, List[str]], k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.postings: Dict[str, Dict[str, int]] = defaultdict(dict)
        self.lengths = {}
        for doc_id, tokens in docs.items():
            self.lengths[doc_id] = len(tokens)
            for term, tf in Counter(tokens).items():
                self.postings[term][doc_id] = tf
        self.n = len(docs)
        self.avgdl = sum(self.lengths.values()) / max(1, self.n)

    def search(self, tokens: List[str], k: int = K) -> List[str]:
        scores: Dict[str, float] = defaultdict(float)
        for term in tokens:
            posting = self.postings.get(term)
            if not posting:
                continue
            idf = math.log((self.n - len(posting) + 0.5) / (len(posting) + 0.5) + 1)
            for doc_id, tf in posting.items():
                norm = self.k1 * (1 - self.b + self.b * self.lengths[doc_id] / self.avgdl)
                scores[doc_id] += idf * tf * (self.k1 + 1) / (tf + norm)
        return [d for d, _ in sorted(scores.items(), key=lambda kv: -kv[1])[:k]]


_PUNCT_TOKEN = re.compile(r"^\W+$")


def pyvi_words(text: str) -> List[str]:
    """pyvi's ViTokenizer.tokenize output (identical segmentation, see tests), lowercased."""
    words = get_segmenter().tokenize(normalize_text(text)).lower().split()
    return [w for w in words if not _PUNCT_TOKEN.match(w)]


def run_bm25(corpus, queries, unaccented: bool):
    index = BM25({d["_id"]: pyvi_words((d.get("title", "") + "\n" + d["text"]).strip()) for d in corpus})
    out = {}
    for q in queries:
        text = strip_diacritics(q["text"]) if unaccented else q["text"]
        out[q["_id"]] = index.search(pyvi_words(text))
    return out


def run_fts5(corpus, queries, unaccented: bool):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, body, "
               "tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO docs VALUES (?, ?)",
                   [(d["_id"], (d.get("title", "") + "\n" + d["text"]).strip()) for d in corpus])
    out = {}
    for q in queries:
        text = strip_diacritics(q["text"]) if unaccented else q["text"]
        terms = [t for t in re.findall(r"\w+", text.lower())]
        if not terms:
            out[q["_id"]] = []
            continue
        match = " OR ".join('"%s"' % t for t in terms)
        rows = db.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
                          (match, K)).fetchall()
        out[q["_id"]] = [r[0] for r in rows]
    return out


# ---- driver --------------------------------------------------------------------

def evaluate(name: str, workdir: Path, weights=None, baselines: bool = True,
             collapse: bool = True) -> dict:
    corpus, queries, qrels = load_set(name)
    setdir = workdir / name
    setdir.mkdir(parents=True, exist_ok=True)
    index, report = build_index(EVAL / name / "corpus.jsonl", setdir)
    result = {"set": name, "docs": len(corpus), "queries": len(queries),
              "index_seconds": round(report.seconds, 1), "runs": {}}
    for unaccented in (False, True):
        label = "unaccented" if unaccented else "accented"
        rankings, seconds = run_searchidx(index, queries, setdir, unaccented, weights, collapse)
        result["runs"][f"searchidx/{label}"] = dict(metrics(rankings, qrels), seconds=round(seconds, 1))
        if baselines:
            result["runs"][f"bm25-pyvi/{label}"] = metrics(run_bm25(corpus, queries, unaccented), qrels)
            result["runs"][f"fts5/{label}"] = metrics(run_fts5(corpus, queries, unaccented), qrels)
    return result


def table(results: List[dict]) -> str:
    lines = ["| set | system | queries | MRR@10 | R@10 | nDCG@10 | P@1 |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for res in results:
        for system, m in res["runs"].items():
            lines.append(f"| {res['set']} | {system} | {res['queries']} | {m['MRR@10']:.2f} | "
                         f"{m['R@10']:.2f} | {m['nDCG@10']:.2f} | {m['P@1']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="*", default=SETS)
    parser.add_argument("--json", help="write the results as JSON here")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--workdir", help="where to build the indexes (default: a temp folder)")
    parser.add_argument("--no-collapse", action="store_true",
                        help="rank every document, copies of one text included (search --no-collapse)")
    args = parser.parse_args()
    if not EVAL.is_dir():
        sys.exit(f"error: {EVAL} is absent")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="searchidx-quality-"))
    results = [evaluate(name, workdir, baselines=not args.no_baselines, collapse=not args.no_collapse)
               for name in args.sets]
    print(table(results))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
