"""The labelled set of speaker turns (tests/data/turns/labelled.txt) and how attribution is
scored against it: read by tests/test_turns.py and bench/turns.py."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

from searchidx.turnform import speaker_key

LABELLED = Path(__file__).resolve().parent / "data" / "turns" / "labelled.txt"
_MARK = re.compile(r"\{\{([^|{}]+)\|(.*?)\}\}", re.DOTALL)

Turn = Tuple[str, int, int]  # (speaker key, start, end)


@dataclass
class Record:
    shape: str
    name: str
    text: str
    turns: List[Turn]


def read_labelled(path: Path = LABELLED) -> List[Record]:
    records: List[Record] = []
    head, lines = None, []
    for line in path.read_text(encoding="utf-8").split("\n") + ["=== end"]:
        if line.startswith("#") and head is None:
            continue
        if line.startswith("=== "):
            if head is not None:
                records.append(_record(head, "\n".join(lines).strip("\n")))
            head, lines = line[4:].split(None, 1), []
        else:
            lines.append(line)
    return records


def _record(head: List[str], marked: str) -> Record:
    text, turns, pos = [], [], 0
    for m in _MARK.finditer(marked):
        text.append(marked[pos:m.start()])
        start = sum(len(t) for t in text)
        text.append(m.group(2))
        turns.append((speaker_key(m.group(1)), start, start + len(m.group(2))))
        pos = m.end()
    text.append(marked[pos:])
    return Record(head[0], head[1], "".join(text), turns)


def score(records: List[Record], extract) -> dict:
    """Turn attribution precision and recall (a turn counts when speaker and span are exact),
    and the same by characters, overall and per shape."""
    out = {}
    for shape in ("all", "transcript", "minutes", "report"):
        chosen = [r for r in records if shape == "all" or r.shape == shape]
        found = gold = right = 0
        c_found = c_gold = c_right = 0
        for r in chosen:
            predicted = {(t["key"], t["start"], t["end"]) for t in extract(r.text)}
            expected = set(r.turns)
            found, gold, right = found + len(predicted), gold + len(expected), right + len(predicted & expected)
            said = {i: k for k, s, e in predicted for i in range(s, e)}
            truth = {i: k for k, s, e in expected for i in range(s, e)}
            c_found, c_gold = c_found + len(said), c_gold + len(truth)
            c_right += sum(1 for i, k in said.items() if truth.get(i) == k)
        out[shape] = {"records": len(chosen), "turns": gold, "predicted": found,
                      "precision": right / found if found else 1.0, "recall": right / gold if gold else 1.0,
                      "char_precision": c_right / c_found if c_found else 1.0,
                      "char_recall": c_right / c_gold if c_gold else 1.0}
    return out
