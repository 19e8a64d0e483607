"""'Did you mean' precision on VNTC news articles (../shared/data/vntc/).

Queries are made from the indexed articles' own text, so the intended query is known:
1-3 consecutive pyvi words of an article (letters only, no punctuation between them).
- typo/accented: the words as written, one syllable changed by one typo (a deleted,
  substituted or transposed letter, a missing or a wrong tone mark; a syllable left with
  no mark at all is then a word typed without diacritics, which matches every form);
- typo/unaccented: the words typed without diacritics, one syllable with a deleted,
  substituted or transposed letter; the intended query is the accented text
  (the "accents aside" column also counts a suggestion whose accents alone differ);
- correct/accented, correct/unaccented: the words as written, and without
  diacritics: the right answer is no suggestion;
- numbers: numbers and document numbers of the articles as written (17.670,
  15/2020/NĐ-CP), and numbers with their dots dropped (17670): a suggestion must
  never change them.
Every query goes through Searcher.search (what a user sees: wanted() then suggest()).
For each category: how often a suggestion is made, its precision (the suggestion is
the intended query, case, NFC/NFD and tone placement aside), how often the suggestion
is right out of all the queries; and for Searcher.suggest called alone (as search calls
it when a query finds few hits), how often it suggests and what it costs.

    python bench/suggestions.py                          # 5,000 articles, 300 queries a kind
    python bench/suggestions.py --index /tmp/sugg-ix     # build there once, reuse after
    python bench/suggestions.py --json out.json
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import read_articles, write_jsonl  # noqa: E402  (bench/speed.py)

TONES = "\u0300\u0301\u0303\u0309\u0323"
LETTERS = re.compile(r"[^\W\d_]+")
NUMBER = re.compile(r"(?<![\w/.,-])\d[\w/.,-]*\d(?:-[^\W\d_]+)?(?![\w/])|(?<![\w/.,-])\d{3,}(?![\w/.,])")
TYPO_ACCENTED = ("deletion", "substitution", "transposition", "missing tone", "wrong tone")
TYPO_UNACCENTED = ("deletion", "substitution", "transposition")
ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in text if not unicodedata.combining(ch)))


def same(a: str, b: str) -> bool:
    """Equal as queries: case, NFC/NFD and tone placement (khoá/khóa) aside."""
    from searchidx.analysis import normalize_token

    return [normalize_token(w) for w in unicodedata.normalize("NFC", a).split()] == \
        [normalize_token(w) for w in unicodedata.normalize("NFC", b).split()]


def phrases(articles: List[dict], count: int, rng: random.Random) -> List[str]:
    """``count`` runs of 1-3 consecutive pyvi words of letters, from random articles."""
    from searchidx.analysis import analyze_text

    out: List[str] = []
    tries = 0
    while len(out) < count and tries < count * 50:
        tries += 1
        article = rng.choice(articles)
        text = unicodedata.normalize("NFC", article["text"])
        words = analyze_text(text[:3000]).words
        if len(words) < 4:
            continue
        size = rng.choice((1, 2, 2, 3))
        i = rng.randrange(len(words) - size)
        chosen = words[i:i + size]
        surfaces = [w[0].replace("_", " ") for w in chosen]
        if not all(LETTERS.fullmatch(s) for w in surfaces for s in w.split()):
            continue
        # no punctuation or line break between the words
        if any(text[a[2]:b[1]] != " " for a, b in zip(chosen, chosen[1:])):
            continue
        phrase = " ".join(surfaces).lower()
        if len(phrase.split()) == 1 and len(phrase) < 4:
            continue  # one short syllable: a typo in it is anyone's guess
        out.append(phrase)
    return out


def typo(syllable: str, kind: str, rng: random.Random) -> Optional[str]:
    """``syllable`` with one typo of ``kind``, or None when that kind cannot apply."""
    nfd = unicodedata.normalize("NFD", syllable)
    tones = [ch for ch in nfd if ch in TONES]
    if kind == "missing tone":
        if not tones:
            return None
        return unicodedata.normalize("NFC", nfd.replace(tones[0], ""))
    if kind == "wrong tone":
        other = rng.choice([t for t in TONES if t not in tones])
        base = nfd.replace(tones[0], "") if tones else nfd
        vowels = [i for i, ch in enumerate(base) if ch.lower() in "aeiouy"]
        if not vowels:
            return None
        from searchidx.analysis import canonical_tones

        return canonical_tones(unicodedata.normalize("NFC", base[:vowels[0] + 1] + other + base[vowels[0] + 1:]))
    chars = list(syllable)
    if len(chars) < 2:
        return None
    if kind == "deletion":
        del chars[rng.randrange(len(chars))]
    elif kind == "substitution":
        i = rng.randrange(len(chars))
        chars[i] = rng.choice([c for c in ALPHABET if c != fold(chars[i])])
    elif kind == "transposition":
        pairs = [i for i in range(len(chars) - 1) if chars[i] != chars[i + 1]]
        if not pairs:
            return None
        i = rng.choice(pairs)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def with_typo(phrase: str, kind: str, rng: random.Random) -> Optional[str]:
    syllables = phrase.split()
    i = rng.randrange(len(syllables))
    changed = typo(syllables[i], kind, rng)
    if not changed or changed == syllables[i]:
        return None
    syllables[i] = changed
    return " ".join(syllables)


def numbers(articles: List[dict], count: int, rng: random.Random) -> List[str]:
    """Numbers and document numbers of the articles, some with their dots dropped."""
    found = sorted({m.group(0) for a in articles[:2000] for m in NUMBER.finditer(a["text"])})
    rng.shuffle(found)
    out = []
    for number in found[:count]:
        out.append(number)
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
            out.append(number.replace(".", ""))
    return out[:count]


def make_queries(articles: List[dict], per_kind: int, seed: int) -> Dict[str, List[Tuple[str, str]]]:
    """Category -> [(query, intended)]: the intended query is "" where none is right."""
    rng = random.Random(seed)
    source = phrases(articles, per_kind * 12, rng)
    queries: Dict[str, List[Tuple[str, str]]] = {}
    pool = iter(source)
    for kind in TYPO_ACCENTED:
        made = queries[f"typo/accented/{kind}"] = []
        for phrase in pool:
            bad = with_typo(phrase, kind, rng)
            if bad:
                made.append((bad, phrase))
            if len(made) == per_kind:
                break
    for kind in TYPO_UNACCENTED:
        made = queries[f"typo/unaccented/{kind}"] = []
        for phrase in pool:
            bad = with_typo(fold(phrase), kind, rng)
            if bad and bad != fold(phrase):
                made.append((bad, phrase))
            if len(made) == per_kind:
                break
    correct = [next(pool) for _ in range(per_kind)]
    queries["correct/accented"] = [(p, "") for p in correct]
    queries["correct/unaccented"] = [(fold(p), "") for p in correct]
    queries["numbers"] = [(n, "") for n in numbers(articles, per_kind, rng)]
    return queries


def build_index(articles: List[dict], folder: Path) -> Path:
    from searchidx import index_paths, open_index

    index = folder / "index"
    if index.exists() and any(index.iterdir()):
        return index  # built by an earlier run with the same --articles
    write_jsonl(articles, folder / "data")
    started = time.perf_counter()
    report = index_paths(open_index(str(index), create=True), [str(folder / "data")])
    print(f"indexed: {report.summary()} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return index


def measure(index: Path, queries: Dict[str, List[Tuple[str, str]]]) -> Dict[str, dict]:
    from searchidx import open_index
    from searchidx.search import Searcher

    out: Dict[str, dict] = {}
    with Searcher(open_index(str(index))) as searcher:
        for category, items in queries.items():
            made = right = folded_right = mangled = direct_made = 0
            costs, examples = [], []
            for query, intended in items:
                # The suggestion's own cost (search adds it when a query deserves a look)...
                started = time.perf_counter()
                direct = searcher.suggest(query)
                costs.append((time.perf_counter() - started) * 1000)
                direct_made += bool(direct)
                # ...and what a user sees: search decides whether to suggest (wanted()).
                suggestions = searcher.search(query, limit=1, snippets=0).suggestions
                if not suggestions:
                    continue
                made += 1
                suggestion = suggestions[0]
                if intended and same(suggestion, intended):
                    right += 1
                if intended and same(fold(suggestion), fold(intended)):
                    folded_right += 1
                if category == "numbers" and not same(suggestion, query):
                    mangled += 1
                if len(examples) < 40 and not (intended and same(suggestion, intended)):
                    examples.append([query, suggestion, intended])
            n = len(items)
            out[category] = {
                "queries": n,
                "suggested": made / n if n else 0.0,
                "suggest_alone": direct_made / n if n else 0.0,
                "precision": right / made if made and category.startswith("typo") else None,
                "precision_folded": folded_right / made if made and category.startswith("typo") else None,
                "recall": right / n if n and category.startswith("typo") else None,
                "false_rate": made / n if n and not category.startswith("typo") else None,
                "mangled": mangled,
                "suggest_ms_p50": statistics.median(costs) if costs else 0.0,
                "suggest_ms_p95": sorted(costs)[int(0.95 * (len(costs) - 1))] if costs else 0.0,
                "wrong_examples": examples,
            }
    return out


def summary(results: Dict[str, dict]) -> Dict[str, dict]:
    """Totals over the typo categories and over the no-suggestion ones."""
    groups = {"typo (all)": [k for k in results if k.startswith("typo")],
              "no suggestion due (all)": [k for k in results if not k.startswith("typo")]}
    out = {}
    for name, keys in groups.items():
        n = sum(results[k]["queries"] for k in keys)
        made = sum(results[k]["suggested"] * results[k]["queries"] for k in keys)
        alone = sum(results[k]["suggest_alone"] * results[k]["queries"] for k in keys)
        row = {"queries": n, "suggested": made / n if n else 0.0, "suggest_alone": alone / n if n else 0.0}
        if name.startswith("typo"):
            right = sum((results[k]["recall"] or 0) * results[k]["queries"] for k in keys)
            folded = sum((results[k]["precision_folded"] or 0) * results[k]["suggested"] * results[k]["queries"]
                         for k in keys)
            row.update(precision=right / made if made else None, precision_folded=folded / made if made else None,
                       recall=right / n if n else None)
        else:
            row["false_rate"] = made / n if n else None
        out[name] = row
    return out


def table(results: Dict[str, dict]) -> str:
    def pct(x):
        return "" if x is None else f"{100 * x:.1f}"

    lines = ["| category | queries | suggested % | precision % | precision, accents aside % | right % | "
             "suggest() alone: suggested % | suggest() p50 / p95 ms |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in results.items():
        timing = f"{r['suggest_ms_p50']:.1f} / {r['suggest_ms_p95']:.1f}" if "suggest_ms_p50" in r else ""
        lines.append(f"| {name} | {r['queries']} | {pct(r['suggested'])} | {pct(r.get('precision'))} | "
                     f"{pct(r.get('precision_folded'))} | {pct(r.get('recall'))} | "
                     f"{pct(r.get('suggest_alone'))} | {timing} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--per-kind", type=int, default=300, help="queries per category")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--index", help="folder to build the index in (reused when it holds one)")
    parser.add_argument("--json", help="write the figures and wrong examples here")
    args = parser.parse_args()
    articles = read_articles(args.articles)
    if not articles:
        raise SystemExit("no VNTC articles found under ../shared/data/vntc/")
    queries = make_queries(articles, args.per_kind, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        index = build_index(articles, Path(args.index or tmp))
        results = measure(index, queries)
    results.update(summary(results))
    if args.json:
        Path(args.json).write_text(json.dumps({"articles": len(articles), "seed": args.seed,
                                               "results": results}, ensure_ascii=False, indent=2))
    print(table(results))
    for name, r in results.items():
        for query, suggestion, intended in r.get("wrong_examples", [])[:2]:
            print(f"  {name}: {query!r} -> {suggestion!r} (intended {intended!r})")


if __name__ == "__main__":
    main()
