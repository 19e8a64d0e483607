"""Speaker turn attribution, measured on the labelled set (tests/data/turns/labelled.txt)
and on a smaller set held out from the tuning (heldout.txt).

A turn counts as right when its speaker (the canonical key) and its span (start and end
offsets) are exactly those labelled; precision is right / predicted and recall right /
labelled. The character figures count every character of a turn: attributed to the right
speaker or not. Then the two seed reports (../shared/data/seeds, when present): which
speaker each of their quoted paragraphs is attributed to. With --vntc N, the cost of finding
turns in N VNTC news articles (what indexing pays per article) and how many they hold; with
--sample K, K of those turns printed for reading by hand.

    python bench/turns.py
    python bench/turns.py --vntc 5000 --sample 30
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from labelled_turns import read_labelled, score  # noqa: E402
from searchidx.analysis import normalize_text  # noqa: E402
from searchidx.ingest.turns import extract_turns  # noqa: E402

SEEDS = ROOT.parent / "shared" / "data" / "seeds"
HELDOUT = ROOT / "tests" / "data" / "turns" / "heldout.txt"


def table(figures: dict) -> str:
    rows = ["| records | shape | turns labelled | predicted | precision | recall | char precision | char recall |",
            "|---|---|---|---|---|---|---|---|"]
    for shape, f in figures.items():
        rows.append(f"| {f['records']} | {shape} | {f['turns']} | {f['predicted']} | {f['precision']:.3f} | "
                    f"{f['recall']:.3f} | {f['char_precision']:.3f} | {f['char_recall']:.3f} |")
    return "\n".join(rows)


def seeds() -> None:
    for path in sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []:
        text = normalize_text(path.read_text(encoding="utf-8"))
        text = text.split(" ", 3)[3] if text.startswith(" date ") else text
        print(f"\n{path.name}:")
        for turn in extract_turns(text):
            said = text[turn["start"]:turn["end"]]
            print(f"  {turn['speaker']} ({turn['kind']}): {said[:70]}…")


def vntc(n: int, sample: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import speed

    texts = [normalize_text(a["text"]) for a in speed.read_articles(n)]
    started = time.perf_counter()
    found = [extract_turns(t) for t in texts]
    took = time.perf_counter() - started
    turns = sum(len(f) for f in found)
    print(f"\nVNTC: {n} articles, {sum(1 for f in found if f)} with turns, {turns} turns; "
          f"{took:.2f} s ({took / n * 1000:.2f} ms an article)")
    pairs = [(t, turn) for t, f in zip(texts, found) for turn in f]
    for text, turn in random.Random(5).sample(pairs, min(sample, len(pairs))):
        start = text.rfind("\n", 0, turn["start"]) + 1
        print(f"- {turn['speaker']}: {text[start:turn['start']][-90:]!r} | {text[turn['start']:turn['end']][:80]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vntc", type=int, default=0, help="time turn finding on this many VNTC articles")
    parser.add_argument("--sample", type=int, default=0, help="print this many VNTC turns to read")
    args = parser.parse_args()
    print("labelled set (tests/data/turns/labelled.txt):")
    print(table(score(read_labelled(), extract_turns)))
    print("\nheld out (tests/data/turns/heldout.txt, written after the tuning, never tuned on):")
    print(table(score(read_labelled(HELDOUT), extract_turns)))
    seeds()
    if args.vntc:
        vntc(args.vntc, args.sample)


if __name__ == "__main__":
    main()
