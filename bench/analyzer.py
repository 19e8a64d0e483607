"""Analyzer throughput and start-up, on 2,000 VNTC articles (../shared/data/vntc/).

- plain pyvi.ViTokenizer.tokenize over the articles (one core): the floor;
- searchidx's segmenter (pyvi's CRF model driven directly) over the same text, and
  whether its segmentation is identical to pyvi's on every article;
- the whole analyzer: the four body fields' terms of each article (what indexing runs);
- cold wall time of `searchidx analyze "nhân quyền"` (median of 7 runs).

    python bench/analyzer.py [--articles 2000]
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VNTC = ROOT.parent / "shared" / "data" / "vntc" / "vntc10-train.jsonl.gz"


def load(n: int):
    with gzip.open(VNTC, "rt", encoding="utf-8") as fh:
        return [unicodedata.normalize("NFC", json.loads(line)["text"]) for line in itertools.islice(fh, n)]


def timed(fn, texts):
    started = time.perf_counter()
    out = [fn(t) for t in texts]
    return time.perf_counter() - started, out


def cold(cmd, runs=7):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    texts = load(args.articles)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 2**20

    from pyvi import ViTokenizer

    from searchidx.analysis import folded_analyzer, folded_word_analyzer, get_segmenter
    from searchidx.analysis import syllable_analyzer, word_analyzer

    pyvi_s, pyvi_out = timed(ViTokenizer.tokenize, texts)
    segmenter = get_segmenter()
    seg_s, seg_out = timed(segmenter.tokenize, texts)
    identical = sum(a == b for a, b in zip(pyvi_out, seg_out))
    analyzers = [syllable_analyzer(), word_analyzer(), folded_analyzer(), folded_word_analyzer()]

    def all_fields(text):
        for analyzer in analyzers:
            analyzer.term_positions(text)

    full_s, _ = timed(all_fields, texts)
    result = {
        "articles": len(texts),
        "mb": round(mb, 2),
        "pyvi_tokenize": {"seconds": round(pyvi_s, 2), "mb_per_s": round(mb / pyvi_s, 3)},
        "segmenter": {"seconds": round(seg_s, 2), "mb_per_s": round(mb / seg_s, 3),
                      "ratio_to_pyvi": round(seg_s / pyvi_s, 3),
                      "identical_segmentation": f"{identical}/{len(texts)}"},
        "analyzer_four_fields": {"seconds": round(full_s, 2), "mb_per_s": round(mb / full_s, 3),
                                 "ratio_to_pyvi": round(full_s / pyvi_s, 3)},
        "cold_analyze_s": round(cold([sys.executable, "-m", "searchidx", "analyze", "nhân quyền"]), 3),
    }
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
