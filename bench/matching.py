"""Match-set precision and recall of keyword queries, against a brute-force scan of the texts.

What a keyword query should match (issue 13): the documents that hold every word of it, a
word of several syllables only where its syllables stand side by side (punctuation between
them does not matter: the syllable sequence is the one the index pairs in ``body_pairs``).
A word typed with diacritics matches that form only (case, NFC/NFD and tone placement never
matter); a word typed without matches every accent form (đ folds to d).

Queries are made from VNTC articles where the intended words are known: 1, 2 or 3 content
words of an article's pyvi segmentation (single- and multi-syllable mixed, from anywhere in
it), and 2-3 words that are all multi-syllable; each is run as typed and folded (no marks).
The truth is a scan of every document's syllables; the system's answer is what
``Searcher.search`` returns with no word missing. Per query: precision = |returned ∩ truth| /
|returned| (1 when nothing is returned), recall = |returned ∩ truth| / |truth|.

    python bench/matching.py                           # 5,000 articles, a fresh index
    python bench/matching.py --index /tmp/mi --docs 5000 --json out.json   # keep the index
    PYTHONPATH=/path/to/branch python bench/matching.py --index /tmp/mi    # that branch's code
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]
# This checkout's searchidx, unless PYTHONPATH names another (to measure a branch's code).
sys.path.insert(1 + len([p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]), str(ROOT))

from searchidx.analysis import analyze_text, fold, has_diacritics, normalize_token  # noqa: E402

STOPWORDS_FILE = ROOT.parent / "shared" / "data" / "vietnamese-stopwords" / "vietnamese-stopwords-dash.txt"
# Used alone when the shared list is absent.
BASIC_STOPWORDS = {"của", "là", "và", "các", "những", "được", "có", "cho", "với", "trong", "này",
                   "đã", "sẽ", "không", "một", "người", "khi", "thì", "mà", "để", "từ", "theo"}
OPERATORS = {"AND", "OR", "NOT"}  # the query language's, when typed in capitals
KINDS = ("1 word", "2 words", "3 words", "multi-syllable")
VARIANTS = ("accented", "unaccented")
# How an accented query's unmarked syllables are read (the unaccented variant is all folded):
# word: a word with any mark is exact, a word with none ("an", "video") is folded (issue 13);
# syllable: each syllable by itself; typed: every syllable exact.
RULES = ("word", "syllable", "typed")

Word = Tuple[str, ...]  # the normalized syllables of one intended word
Pattern = Tuple[Tuple[str, bool], ...]  # (syllable, exact?) for each syllable of a word


def syllables_of(text: str) -> List[str]:
    """The normalized syllable sequence the index sees (what body_pairs pairs)."""
    text = unicodedata.normalize("NFC", text)  # as the tokenizer does: normalize_token expects NFC
    return [normalize_token(s[0]) for s in analyze_text(text, segment=False).syllables]


def searchable_text(stored: dict) -> str:
    """The text the body fields index, from stored fields (as schema.document_fields)."""
    text, title = stored.get("text", ""), stored.get("title") or ""
    return text if not title or text.lstrip().startswith(title) else title + "\n" + text


class BruteForce:
    """Which documents hold a sequence of syllables, by scanning every document."""

    def __init__(self, docs: Iterable[Tuple[str, str]]):
        self.ids: List[str] = []
        self.exact: List[List[str]] = []
        self.folded: List[List[str]] = []
        self.postings: Dict[str, Set[int]] = defaultdict(set)  # folded syllable -> documents
        for doc_id, text in docs:
            seq = syllables_of(text)
            folded = [fold(s) for s in seq]
            n = len(self.ids)
            self.ids.append(doc_id)
            self.exact.append(seq)
            self.folded.append(folded)
            for s in set(folded):
                self.postings[s].add(n)
        self._cache: Dict[Pattern, Set[int]] = {}

    def word_docs(self, pattern: Pattern) -> Set[int]:
        """Documents where the pattern's syllables stand side by side."""
        found = self._cache.get(pattern)
        if found is not None:
            return found
        folded = [fold(s) for s, _ in pattern]
        candidates = set.intersection(*(self.postings.get(f, set()) for f in folded))
        found = {d for d in candidates if self._holds(d, pattern, folded)}
        self._cache[pattern] = found
        return found

    def _holds(self, d: int, pattern: Pattern, folded: List[str]) -> bool:
        seq_f, seq_e, n = self.folded[d], self.exact[d], len(pattern)
        start = 0
        while True:
            try:
                i = seq_f.index(folded[0], start)
            except ValueError:
                return False
            if seq_f[i:i + n] == folded and all(
                    not exact or seq_e[i + k] == s for k, (s, exact) in enumerate(pattern)):
                return True
            start = i + 1

    def matches(self, patterns: Sequence[Pattern]) -> Set[str]:
        """Ids of the documents holding every pattern."""
        sets = sorted((self.word_docs(p) for p in patterns), key=len)
        found = set.intersection(*sets) if sets else set()
        return {self.ids[d] for d in found}


def patterns(words: Sequence[Word], accented: bool, rule: str = "word") -> List[Pattern]:
    """Each word's (syllable, exact?) pairs, for a query typed with or without marks."""
    out = []
    for word in words:
        if not accented:
            out.append(tuple((fold(s), False) for s in word))
        elif rule == "typed":
            out.append(tuple((s, True) for s in word))
        elif rule == "syllable":
            out.append(tuple((s, has_diacritics(s)) for s in word))
        else:
            marked = any(has_diacritics(s) for s in word)
            out.append(tuple((s, marked) for s in word))
    return out


def segmented_as_intended(text: str, words: Sequence[Word], accented: bool) -> bool:
    """Whether pyvi, given the query alone, finds the intended words (it rarely does
    without marks: then only the index can tell which syllables go together)."""
    found = [tuple(normalize_token(p) for p in w[0].split("_")) for w in analyze_text(text).words]
    return found == [w if accented else tuple(fold(s) for s in w) for w in words]


def load_stopwords() -> Set[str]:
    words = set(BASIC_STOPWORDS)
    if STOPWORDS_FILE.is_file():
        for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines():
            if line.strip():
                words.add(normalize_token(line.strip()))
    return {w.replace(" ", "_") for w in words}


def content_words(text: str, stopwords: Set[str]) -> List[Tuple[Word, str]]:
    """(normalized syllables, surface as typed) of the article's pyvi words worth searching."""
    analysis = analyze_text(text, segment=True)
    syllables = analysis.syllables
    out = []
    for surface, start, end, pos in analysis.words:
        parts = []
        while pos < len(syllables) and syllables[pos][1] < end:
            parts.append(syllables[pos][0])
            pos += 1
        if not parts or not all(p.isalpha() for p in parts) or surface in OPERATORS:
            continue  # numbers, codes, e-mail: not keywords of this benchmark
        word = tuple(normalize_token(p) for p in parts)
        if "_".join(word) in stopwords or (len(word) == 1 and len(word[0]) < 2):
            continue
        out.append((word, " ".join(parts)))
    return out


def make_queries(docs: List[Tuple[str, str]], per_kind: int, seed: int,
                 stopwords: Set[str]) -> List[dict]:
    """per_kind queries of each kind, each from one article's own words."""
    rng = random.Random(seed)
    queries: List[dict] = []
    seen: Set[str] = set()
    for kind in KINDS:
        made = tries = 0
        while made < per_kind:
            tries += 1
            if tries > 50 * per_kind:
                print(f"warning: only {made} {kind} queries found", file=sys.stderr)
                break
            doc_id, text = rng.choice(docs)
            words = content_words(text, stopwords)
            singles = list({w: s for w, s in words if len(w) == 1}.items())
            multis = list({w: s for w, s in words if len(w) > 1}.items())
            if kind == "multi-syllable":
                n = rng.choice([2, 3])
                if len(multis) < n:
                    continue
                chosen = rng.sample(multis, n)
            else:
                n = int(kind[0])
                chosen = []
                pools = [singles, multis]
                while len(chosen) < n and (singles or multis):
                    pool = rng.choice([p for p in pools if p])
                    pick = pool.pop(rng.randrange(len(pool)))
                    chosen.append(pick)
                if len(chosen) < n:
                    continue
            text_typed = " ".join(surface for _, surface in chosen)
            if text_typed.lower() in seen:
                continue
            seen.add(text_typed.lower())
            queries.append({"kind": kind, "source": doc_id, "text": text_typed,
                            "words": [list(w) for w, _ in chosen]})
            made += 1
    return queries


def build_index(path: Path, n: int) -> None:
    """The first n VNTC articles as .jsonl files, indexed through the public API."""
    from bench.speed import VNTC, read_articles, write_jsonl
    from searchidx import index_paths, open_index

    if not VNTC.is_dir():
        sys.exit(f"error: {VNTC} is absent (VNTC articles are needed to build the index)")
    data = path.parent / (path.name + "-data")
    write_jsonl(read_articles(n), data)
    started = time.perf_counter()
    report = index_paths(open_index(str(path), create=True), [str(data)])
    shutil.rmtree(data, ignore_errors=True)
    print(f"indexed {report.added} articles in {time.perf_counter() - started:.1f} s", flush=True)


def indexed_documents(index) -> List[Tuple[str, str]]:
    """(id, searchable text) of every document, by id (docnums differ between builds)."""
    reader = index.whoosh_index.reader()
    try:
        docs = [(f["id"], searchable_text(f)) for f in reader.all_stored_fields()]
    finally:
        reader.close()
    return sorted(docs)


def _no_collapse() -> dict:
    import inspect
    from searchidx import Searcher

    # (Code from before copies were folded, run through PYTHONPATH, has no such option.)
    return {"collapse": False} if "collapse" in inspect.signature(Searcher.search).parameters else {}


NO_COLLAPSE = _no_collapse()


def run_system(searcher, text: str, limit: int) -> dict:
    """What the system says ``text`` matches: hits with no word missing; a result the
    system itself marks as folded (no exact match) returns nothing as typed."""
    from searchidx import QueryError

    started = time.perf_counter()
    try:
        # (Every document found, as a hit of its own: copies of one report, folded under it by
        # default, are in the match set all the same.)
        res = searcher.search(text, limit=limit, snippets=0, suggest=False, **NO_COLLAPSE)
    except QueryError as exc:
        return {"returned": set(), "mode": "error: " + str(exc), "ms": 0.0, "hits": 0, "total": 0}
    ms = (time.perf_counter() - started) * 1000
    mode = getattr(res, "match", None)
    complete = {h.id for h in res.hits if not getattr(h, "missing", None)}
    returned = set() if mode == "folded" else complete
    return {"returned": returned, "mode": mode, "ms": ms, "hits": len(res.hits), "total": res.total}


def score(truth: Set[str], returned: Set[str]) -> Tuple[float, float]:
    both = len(truth & returned)
    precision = both / len(returned) if returned else 1.0
    recall = both / len(truth) if truth else (1.0 if not returned else 0.0)
    return precision, recall


def summarize(rows: List[dict]) -> dict:
    if not rows:
        return {}
    inter = sum(r["both"] for r in rows)
    ret = sum(r["returned"] for r in rows)
    tru = sum(r["truth"] for r in rows)
    modes: Dict[str, int] = defaultdict(int)
    for r in rows:
        modes[str(r["mode"])] += 1
    ms = sorted(r["ms"] for r in rows)
    return {
        "queries": len(rows),
        "precision": statistics.fmean(r["precision"] for r in rows),
        "recall": statistics.fmean(r["recall"] for r in rows),
        "micro_precision": inter / ret if ret else 1.0,
        "micro_recall": inter / tru if tru else 1.0,
        "exact_sets": sum(1 for r in rows if r["precision"] == 1.0 and r["recall"] == 1.0),
        "segmented_as_intended": sum(1 for r in rows if r["segmented_as_intended"]),
        "mean_truth": tru / len(rows),
        "mean_returned": ret / len(rows),
        "ms_p50": ms[len(ms) // 2],
        "ms_p95": ms[int(len(ms) * 0.95)],
        "modes": dict(modes),
    }


def print_table(summary: Dict[str, dict]) -> None:
    head = ("category", "n", "P macro", "R macro", "P micro", "R micro", "exact sets", "pyvi ok",
            "truth", "returned", "ms p50/p95", "result modes")
    lines = [head]
    for name, s in summary.items():
        lines.append((name, str(s["queries"]), f"{s['precision']:.4f}", f"{s['recall']:.4f}",
                      f"{s['micro_precision']:.4f}", f"{s['micro_recall']:.4f}",
                      f"{s['exact_sets']}", f"{s['segmented_as_intended']}", f"{s['mean_truth']:.1f}", f"{s['mean_returned']:.1f}",
                      f"{s['ms_p50']:.0f}/{s['ms_p95']:.0f}",
                      ", ".join(f"{k}:{v}" for k, v in sorted(s["modes"].items()))))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for i, line in enumerate(lines):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


def print_worst(rows: List[dict], category: str, n: int = 10) -> List[dict]:
    worst = sorted(rows, key=lambda r: (min(r["precision"], r["recall"]),
                                        r["precision"] * r["recall"], r["text"]))[:n]
    worst = [r for r in worst if r["precision"] < 1 or r["recall"] < 1]
    if worst:
        print(f"\nworst {len(worst)}: {category}  (P, R, |truth|, |returned|, |both|, mode, words | query)")
        for r in worst:
            words = " + ".join(" ".join(w) for w in r["words"])
            print(f"  {r['precision']:.3f} {r['recall']:.3f} {r['truth']:5d} {r['returned']:5d} "
                  f"{r['both']:5d} {str(r['mode']):8s} {words} | {r['query']}")
    return worst


def evaluate(index_path: Path, per_kind: int, seed: int, rule: str) -> dict:
    from searchidx import Searcher, open_index

    index = open_index(str(index_path))
    started = time.perf_counter()
    docs = indexed_documents(index)
    truth = BruteForce(docs)
    queries = make_queries(docs, per_kind, seed, load_stopwords())
    print(f"{len(docs)} documents scanned, {len(queries)} queries made "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    rows: List[dict] = []
    sensitive = 0  # accented queries whose truth depends on the reading of unmarked syllables
    with Searcher(index) as searcher:
        searcher.search("khởi động", limit=1, snippets=0, suggest=False)  # warm the reader
        for done, q in enumerate(queries):
            if done and done % 200 == 0:
                print(f"  {done} of {len(queries)} queries", file=sys.stderr, flush=True)
            words = [tuple(w) for w in q["words"]]
            for variant in VARIANTS:
                accented = variant == "accented"
                text = q["text"] if accented else fold(q["text"])
                expected = truth.matches(patterns(words, accented, rule))
                if accented and len({frozenset(truth.matches(patterns(words, True, r)))
                                     for r in RULES}) > 1:
                    sensitive += 1
                got = run_system(searcher, text, max(1, len(docs)))
                precision, recall = score(expected, got["returned"])
                rows.append({"variant": variant, "kind": q["kind"], "query": text,
                             "segmented_as_intended": segmented_as_intended(text, words, accented),
                             "text": q["text"], "words": q["words"], "source": q["source"],
                             "truth": len(expected), "returned": len(got["returned"]),
                             "both": len(expected & got["returned"]), "hits": got["hits"],
                             "total": got["total"], "mode": got["mode"], "ms": got["ms"],
                             "precision": precision, "recall": recall})
    print(f"searched in {time.perf_counter() - started:.1f} s (with the scan)\n", flush=True)
    summary: Dict[str, dict] = {}
    for variant in VARIANTS:
        summary[variant] = summarize([r for r in rows if r["variant"] == variant])
    for variant in VARIANTS:
        for kind in KINDS:
            summary[f"{variant}/{kind}"] = summarize(
                [r for r in rows if r["variant"] == variant and r["kind"] == kind])
    print_table(summary)
    print(f"\naccented queries whose truth depends on how unmarked syllables are read: {sensitive}"
          f" of {len(queries)} (rule used: {rule})")
    worst = {}
    for variant in VARIANTS:
        for kind in KINDS:
            cat = f"{variant}/{kind}"
            worst[cat] = print_worst([r for r in rows if r["variant"] == variant and r["kind"] == kind], cat)
    return {"documents": len(docs), "summary": summary, "rule_sensitive_queries": sensitive,
            "worst": worst, "queries": rows}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=5000, help="VNTC articles to index (default 5000)")
    parser.add_argument("--index", help="an index to use; built there from --docs articles if absent")
    parser.add_argument("--per-kind", type=int, default=300, help="queries of each kind (default 300)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--rule", choices=RULES, default="word",
                        help="how an accented query's unmarked syllables match (default: word)")
    parser.add_argument("--json", help="write the figures, worst queries and every query's counts here")
    args = parser.parse_args(argv)
    temp = None
    if args.index:
        index_path = Path(args.index)
    else:
        temp = Path(tempfile.mkdtemp(prefix="searchidx-matching-"))
        index_path = temp / "index"
    from searchidx import IndexNotFoundError, SearchIdxError, open_index

    try:
        try:
            open_index(str(index_path))
        except IndexNotFoundError:
            build_index(index_path, args.docs)
        report = evaluate(index_path, args.per_kind, args.seed, args.rule)
    except SearchIdxError as exc:
        sys.exit(f"error: {exc}")
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    if args.json:
        report["config"] = {"docs": report["documents"], "per_kind": args.per_kind, "seed": args.seed,
                            "rule": args.rule, "index": str(index_path)}
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
