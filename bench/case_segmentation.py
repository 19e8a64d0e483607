"""Does letter case change segmentation? pyvi's CRF reads capitals as a feature.

For every sentence of the texts (the bundled corpus/, the seeds in ../shared/data/seeds/
and the first N VNTC articles), the segmentation of the sentence as written is the
reference, and these are compared with it:

- the sentence in ALL CAPS, segmented as pyvi does, title-cased, or lowercased
  (runs of all-caps words, as searchidx.analysis.segmenter.uncapitalized does);
- the sentence lowercased and title-cased (what a query may look like: queries are
  lowercased before segmentation);
- the sentence as written with and without the all-caps rule (what the rule changes
  in text in normal case: abbreviations side by side, "HĐND, UBND");
- the sentence in ALL CAPS, title-cased or lowercased, against the sentence typed in
  lowercase (whether a heading and a query of the same words segment alike).

Agreement is counted per sentence (identical segmentation) and per gap between two
tokens (joined or not, as in the reference). Sentences whose tokens change with the
case (pyvi's pattern reads "NAM." in capitals as an abbreviation) are left out and counted.

    python bench/case_segmentation.py [--articles 2000]
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"

from searchidx.analysis.segmenter import get_segmenter, syllabify, uncapitalized  # noqa: E402


def texts(articles: int):
    own = [p for p in sorted((ROOT / "corpus").rglob("*")) if p.suffix in (".txt", ".md")]
    own += sorted((SHARED / "seeds").glob("*.txt"))
    local = [p.read_text(encoding="utf-8") for p in own]
    vntc = []
    path = SHARED / "vntc" / "vntc10-train.jsonl.gz"
    if path.exists() and articles:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            vntc = [json.loads(line)["text"] for line in itertools.islice(fh, articles)]
    norm = lambda ts: [unicodedata.normalize("NFC", t) for t in ts]  # noqa: E731
    return {"reports (corpus/ + seeds)": norm(local), "VNTC articles": norm(vntc)}


def sentences(text: str):
    for part in re.split(r"(?<=[.!?])\s+|\n+", text):
        if len(part.split()) >= 3:
            yield part


def title_runs(tokens):
    """Like uncapitalized, but title case: the alternative measured against it."""
    lowered = uncapitalized(tokens)
    return [t[0] + low[1:] if low != t else t for t, low in zip(tokens, lowered)]


class Tally:
    def __init__(self):
        self.same = self.sentences = self.same_gaps = self.gaps = 0

    def add(self, got, ref):
        self.sentences += 1
        self.same += got == ref
        self.same_gaps += sum(a == b for a, b in zip(got[1:], ref[1:]))
        self.gaps += len(ref) - 1

    def row(self, name):
        return (f"  {name:<44} sentences {self.same / self.sentences:.4f} ({self.same}/{self.sentences})"
                f"  gaps {self.same_gaps / max(1, self.gaps):.4f}")


def measure(corpus):
    seg = get_segmenter()
    starts = seg.word_starts
    tallies = {name: Tally() for name in (
        "ALL CAPS as pyvi", "ALL CAPS title-cased", "ALL CAPS lowercased (searchidx)",
        "lowercase (a query)", "title case", "as written, all-caps rule on",
        "ALL CAPS title-cased, against lowercase", "ALL CAPS lowercased, against lowercase")}
    left_out = 0
    for text in corpus:
        for sentence in sentences(text):
            tokens = syllabify(sentence)
            spans = [(a, b) for _, a, b in tokens]
            words = [t for t, _, _ in tokens]
            ref = starts(words, case_robust=False)
            tallies["as written, all-caps rule on"].add(starts(words), ref)
            upper = syllabify(sentence.upper())
            if [(a, b) for _, a, b in upper] != spans:
                left_out += 1
                continue
            capitals = [t for t, _, _ in upper]
            tallies["ALL CAPS as pyvi"].add(starts(capitals, case_robust=False), ref)
            tallies["ALL CAPS title-cased"].add(starts(title_runs(capitals), case_robust=False), ref)
            tallies["ALL CAPS lowercased (searchidx)"].add(starts(capitals), ref)
            for name, variant in (("lowercase (a query)", sentence.lower()), ("title case", sentence.title())):
                varied = syllabify(variant)
                if [(a, b) for _, a, b in varied] == spans:
                    got = starts([t for t, _, _ in varied], case_robust=False)
                    tallies[name].add(got, ref)
                    if name.startswith("lowercase"):
                        tallies["ALL CAPS title-cased, against lowercase"].add(
                            starts(title_runs(capitals), case_robust=False), got)
                        tallies["ALL CAPS lowercased, against lowercase"].add(starts(capitals), got)
    return tallies, left_out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    for name, corpus in texts(args.articles).items():
        if not corpus:
            print(f"{name}: absent")
            continue
        tallies, left_out = measure(corpus)
        print(f"{name}: {len(corpus)} texts ({left_out} sentences left out: tokens change in capitals)")
        for label, tally in tallies.items():
            print(tally.row(label))


if __name__ == "__main__":
    main()
