"""Legacy-encoding detection (TCVN3, VNI, Windows-1258): false positives and exact recovery.

Sets: the bundled corpus (corpus/), the seeds (../shared/data/seeds/) and the first
2,000 VNTC articles (../shared/data/vntc/vntc10-train.jsonl.gz); the shared sets are
left out when absent. For every text (NFC):
- the text as it is must be left untouched (a detection there is a false positive);
- its TCVN3, VNI and Windows-1258 copies, as UTF-8 mojibake and as single-byte files read through
  searchidx.ingest.documents.read_source, must come back exactly, with the encoding named.
A character the legacy encoding cannot hold (TCVN3 has no place for a literal "Ð",
"«" or "å": those bytes are letters there) is written "?" in the copy, as converters
do, and is expected back as "?"; the count of such texts is printed beside.

    python bench/legacy_detection.py            # all sets
    python bench/legacy_detection.py --vntc 500 # fewer articles
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the encoder that makes the legacy copies

from legacy_encoder import encode, unrepresentable, view_bytes  # noqa: E402
from searchidx.ingest import encodings  # noqa: E402
from searchidx.ingest.documents import SourceFile, read_source  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
CORPUS_SUFFIXES = {".txt", ".md"}


def load_sets(vntc: int = 2000) -> Dict[str, List[Tuple[str, str]]]:
    """name -> [(id, text)]: the corpus's .txt/.md bodies and .jsonl texts, seeds, VNTC."""
    sets: Dict[str, List[Tuple[str, str]]] = {"corpus": []}
    for path in sorted((ROOT / "corpus").rglob("*")):
        if path.suffix in CORPUS_SUFFIXES:
            sets["corpus"].append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
        elif path.suffix == ".jsonl":
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    sets["corpus"].append((f"{path.name}#{number}", json.loads(line)["text"]))
    seeds = SHARED / "seeds"
    if seeds.is_dir():
        sets["seeds"] = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))]
    articles = SHARED / "vntc" / "vntc10-train.jsonl.gz"
    if articles.is_file() and vntc > 0:
        rows = []
        with gzip.open(articles, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                rows.append((record["id"], record["text"]))
                if len(rows) >= vntc:
                    break
        sets["vntc"] = rows
    return sets


@lru_cache(maxsize=None)
def _kept(char: str, encoding: str, as_bytes: bool) -> str:
    coded = encode(char, encoding, errors="replace")
    if char != "?" and (coded == "?" or (as_bytes and b"?" in view_bytes(coded, errors="replace"))):
        return "?"
    return char


def expected_back(text: str, encoding: str, as_bytes: bool) -> str:
    """What a copy in ``encoding`` can give back: unplaceable characters become "?"."""
    return "".join(_kept(char, encoding, as_bytes) for char in text)


def _read_bytes(folder: Path, name: str, data: bytes) -> Tuple[str, str]:
    """(stored text, extra["encoding"]) of a .txt file with these bytes, via read_source."""
    src = SourceFile(str(folder / name), name, "txt")
    documents, _ = read_source(src, data=data)
    return documents[0].text, documents[0].extra.get("encoding", "")


def measure(sets: Dict[str, List[Tuple[str, str]]], with_files: bool = True) -> Dict[str, dict]:
    """Per set: texts, false positives, recovered copies per encoding and form."""
    results: Dict[str, dict] = {}
    folder = Path(tempfile.gettempdir())
    for name, rows in sets.items():
        stats: Dict[str, object] = {"texts": len(rows), "false_positives": [], "unplaceable": {}}
        for encoding in encodings.ENCODINGS:
            stats[f"{encoding}_text"] = 0
            stats[f"{encoding}_file"] = 0
            stats[f"{encoding}_failed"] = []
            stats["unplaceable"][encoding] = 0  # type: ignore[index]
        for doc_id, raw in rows:
            text = unicodedata.normalize("NFC", raw)
            fixed, found = encodings.fix(text)
            if found is not None or fixed != text:
                stats["false_positives"].append(doc_id)  # type: ignore[union-attr]
            if with_files:
                # The original as a UTF-8 file must be read as it is, too.
                stored, found = _read_bytes(folder, "original.txt", raw.encode("utf-8"))
                if found:
                    stats["false_positives"].append(doc_id + " (file)")  # type: ignore[union-attr]
            for encoding in encodings.ENCODINGS:
                if unrepresentable(text, encoding):
                    stats["unplaceable"][encoding] += 1  # type: ignore[index]
                copy = encode(text, encoding, errors="replace")
                back, found = encodings.fix(copy)
                if found == encoding and back == expected_back(text, encoding, False):
                    stats[f"{encoding}_text"] += 1  # type: ignore[operator]
                else:
                    stats[f"{encoding}_failed"].append(doc_id + " (text)")  # type: ignore[union-attr]
                if with_files:
                    data = view_bytes(copy, errors="replace")
                    want, _ = _read_bytes(
                        folder, "want.txt", expected_back(text, encoding, True).encode("utf-8")
                    )
                    got, found = _read_bytes(folder, "copy.txt", data)
                    if found == encoding and got == want:
                        stats[f"{encoding}_file"] += 1  # type: ignore[operator]
                    else:
                        stats[f"{encoding}_failed"].append(doc_id + " (file)")  # type: ignore[union-attr]
        results[name] = stats
    return results


def sentences() -> Iterator[Tuple[str, str]]:
    """Short texts in other languages that must be left alone."""
    yield "en", "The committee met on Tuesday to review the café budget and the naïve plan."
    yield "fr", "L'été dernier, nous sommes allés à la plage. Où est la bibliothèque ? Très bien, déjà vu."
    yield "fr", "Le président a déclaré que la réforme économique était nécessaire à l'avenir."
    yield "de", "Die Mädchen gehen über die Straße. Schöne Grüße aus München, für immer."
    yield "de", "Größere Änderungen würden die Übergangsfrist verlängern, sagte der Bürgermeister."
    yield "es", "¿Dónde está la estación? El niño come una manzana. Mañana será otro año."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vntc", type=int, default=2000, help="VNTC articles (default 2000)")
    parser.add_argument("--no-files", action="store_true", help="skip the read_source file form")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    started = time.perf_counter()
    results = measure(load_sets(args.vntc), with_files=not args.no_files)
    forms = "text" if args.no_files else "text / file"
    header = "".join(f"   {encoding + ' ' + forms:>20}" for encoding in encodings.ENCODINGS)
    print(f"{'set':<8} {'texts':>6} {'false+':>6}{header}   unplaceable "
          f"({', '.join(encodings.ENCODINGS)})")
    for name, stats in results.items():
        cells = []
        for encoding in encodings.ENCODINGS:
            text_ok = stats[f"{encoding}_text"]
            cell = f"{text_ok}" if args.no_files else f"{text_ok} / {stats[f'{encoding}_file']}"
            cells.append(f"   {cell:>20}")
        unplaceable = ", ".join(str(stats["unplaceable"][e]) for e in encodings.ENCODINGS)
        print(f"{name:<8} {stats['texts']:>6} {len(stats['false_positives']):>6}"
              f"{''.join(cells)}   {unplaceable}")
        for encoding in encodings.ENCODINGS:
            for failed in stats[f"{encoding}_failed"][:10]:
                print(f"  not recovered from {encoding}: {failed}")
        for doc_id in stats["false_positives"][:10]:
            print(f"  false positive: {doc_id}")
    others = [(lang, encodings.detect(text)) for lang, text in sentences()]
    print("other languages:", ", ".join(f"{lang}={found or 'untouched'}" for lang, found in others))
    print(f"took {time.perf_counter() - started:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
