"""Speaker turns as data: the stored form both sides read, and the speaker key.

A turn is a plain dict, stored with the document (JSON, like every stored field):
``start``/``end`` are [start, end) character offsets into the stored text (NFC, LF) of
what the speaker said (the label "Đại biểu Nguyễn Thị Lan:" is not part of it),
``speaker`` the name as a reader writes it ("Nguyễn Thị Lan"), ``role`` the role as
the record writes it ("" when none), ``key`` the canonical speaker key and
``section`` the agenda heading the turn falls under ("" when none) and ``kind`` what
opened it (see KINDS).

The key is the full name lowercased with canonical tones: "Nguyễn Thị Lan",
"NGUYỄN THỊ LAN" and "bà Lan" (resolved in the same record) share "nguyễn thị lan".
The index holds each key and its folded form ("nguyen thi lan"), so a name typed
without diacritics finds the speaker and one typed with them finds that name only.
"""
from __future__ import annotations

from typing import Iterable, List, Optional, Sequence

from .analysis import fold, normalize_token

__all__ = ["TURN_KEYS", "KINDS", "is_transcript", "speaker_key", "folded_key", "key_terms", "clean_turns", "turn_at",
           "turns_of", "speaker_text"]

TURN_KEYS = ("start", "end", "speaker", "role", "key", "section", "kind")
# What opened a turn: "label" (a transcript's or minutes' speaker label, or a chair's
# conclusion) or "reported" (a report's reported speech). A record with labelled turns is a
# transcript: it is ranked by its best turn (searchidx.passages); a report is ranked as a whole.
KINDS = ("label", "reported")


def speaker_key(name: str) -> str:
    """The canonical key of a full name: lowercase, canonical tones, single-spaced."""
    return " ".join(normalize_token(part) for part in name.lower().split())


def folded_key(key: str) -> str:
    return fold(key)


def key_terms(turns: Iterable[dict]) -> List[str]:
    """The terms of the indexed speaker field: every key, and its folded form."""
    terms: List[str] = []
    for turn in turns:
        for term in (turn["key"], folded_key(turn["key"])):
            if term not in terms:
                terms.append(term)
    return terms


def is_transcript(turns: Iterable[dict]) -> bool:
    return any(turn.get("kind") == "label" for turn in turns)


def clean_turns(turns: object) -> List[dict]:
    """Turns as stored (anything else, from an older or damaged record, gives [])."""
    if not isinstance(turns, list):
        return []
    out = []
    for turn in turns:
        if isinstance(turn, dict) and isinstance(turn.get("start"), int) and isinstance(turn.get("end"), int) \
                and isinstance(turn.get("key"), str):
            out.append({name: turn.get(name, "") for name in TURN_KEYS})
    return out


def turn_at(turns: Sequence[dict], offset: int) -> Optional[dict]:
    """The turn holding character ``offset`` of the text, or None (unattributed text)."""
    for turn in turns:
        if turn["start"] <= offset < turn["end"]:
            return turn
    return None


def turns_of(turns: Sequence[dict], keys: Iterable[str]) -> List[dict]:
    """The turns of the speakers with these keys (folded or not)."""
    wanted = set(keys)
    return [t for t in turns if t["key"] in wanted or folded_key(t["key"]) in wanted]


def speaker_text(text: str, turns: Sequence[dict]) -> str:
    """What these turns say, each on its own lines (for matching words within them only)."""
    return "\n\n".join(text[t["start"]:t["end"]] for t in turns)
