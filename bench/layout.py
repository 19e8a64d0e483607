"""Precision and recall of what is read from official documents and news write-ups.

The labelled set is tests/data/layout (32 documents of our own writing, thirteen renderings of them
as Word, PDF, HTML or ODT, and the two seed reports when ../shared/data/seeds is there).
Fields: people, agencies, type, number, signer. Targets: precision >= 0.95 and recall
>= 0.9 for each. Figures go in bench/RESULTS.md.

    PYTHONPATH=$PWD python bench/layout.py [--errors]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from layout_set import FIELDS, cases, key, predicted, read_case, score  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="List every wrong or missed value.")
    args = parser.parse_args()
    pairs = []
    formats = {}
    with tempfile.TemporaryDirectory() as folder:
        for case in cases():
            doc = read_case(case, Path(folder))
            found = predicted(doc)
            pairs.append((case.label, found))
            formats[case.fmt] = formats.get(case.fmt, 0) + 1
            if args.errors:
                for name in FIELDS:
                    if name in ("people", "agencies"):
                        want = {key(v) for v in case.label.get(name, [])}
                        got = {key(v) for v in found[name]}
                        if want != got:
                            print(f"{case.name}: {name}: missed {sorted(want - got)} extra {sorted(got - want)}")
                    elif key(case.label.get(name, "")) != key(str(found[name] or "")):
                        print(f"{case.name}: {name}: want {case.label.get(name)!r} got {found[name]!r}")
    print(f"{len(pairs)} documents (" + ", ".join(f"{n} {f}" for f, n in sorted(formats.items())) + ")")
    print(f"{'field':<10} {'precision':>9} {'recall':>7}   tp  fp  fn")
    met = True
    for name, figures in score(pairs).items():
        ok = figures["precision"] >= 0.95 and figures["recall"] >= 0.9
        met &= ok
        print(f"{name:<10} {figures['precision']:>9.3f} {figures['recall']:>7.3f}  {figures['tp']:>3} "
              f"{figures['fp']:>3} {figures['fn']:>3}{'' if ok else '   below target'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
