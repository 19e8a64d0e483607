"""Who speaks, and who says something the most: the library behind `searchidx speakers`.

Without a query: every speaker of the index with their roles, turns, meetings (documents)
and the dates of those meetings. With one: the speakers whose turns hold the query's words
(each turn checked on its own text, as a speaker search checks it: speakers.said_in),
ranked by matching turns, then meetings, each with their best quote, like TheyWorkForYou's
"who says X the most".
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

from whoosh import query as wq

from .matchset import MatchSet, matching_docs
from .query import build_query, date_range_query, province_query
from .snippets import make_snippets
from .schema import stored_text
from .speakers import said_in
from .turnform import clean_turns

__all__ = ["SpeakerRow", "who_speaks"]


@dataclass
class SpeakerRow:
    speaker: str
    key: str
    roles: List[str] = field(default_factory=list)
    turns: int = 0  # with a query: the turns that hold its words
    meetings: int = 0  # documents (with a query: those with a matching turn)
    first: Optional[str] = None  # earliest and latest dates of those meetings
    last: Optional[str] = None
    quote: Optional[dict] = None  # with a query: the best passage {"text", "marks", "id", "start"}
    _ids: set = field(default_factory=set, repr=False)
    _best: int = field(default=-1, repr=False)

    def to_dict(self) -> dict:
        out = asdict(self)
        del out["_ids"], out["_best"]
        return out


def who_speaks(searcher, weights, query: Optional[str] = None, province: Optional[str] = None,
               date_from: Optional[str] = None, date_to: Optional[str] = None,
               merged: bool = False) -> List[SpeakerRow]:
    """The speakers of the index (see the module's docstring), most turns first."""
    reader = searcher.reader()
    filters: List[wq.Query] = [wq.Every("speakers")]
    if date_from or date_to:
        filters.append(date_range_query(date_from, date_to))
    if province:
        filters.append(province_query(province, merged=merged, reader=reader))
    found = None
    if query and query.strip():
        plan = build_query(reader, query, weights, filters, "all", merged=merged)
        found = MatchSet.as_asked(plan)
        docs = matching_docs(searcher, found.query)
    else:
        docs = matching_docs(searcher, wq.And(filters))
    rows: Dict[str, SpeakerRow] = {}
    for docnum in sorted(docs):
        stored = searcher.stored_fields(docnum)
        text = stored_text(stored)
        for turn in clean_turns(stored.get("turns")):
            said = text[turn["start"]:turn["end"]]
            if found is not None and not said_in(said, found):
                continue
            row = rows.get(turn["key"])
            if row is None:
                row = rows[turn["key"]] = SpeakerRow(turn["speaker"], turn["key"])
            _count(row, turn, stored)
            if found is not None:
                _quote(row, said, turn, stored, found)
    return sorted(rows.values(), key=lambda r: (-r.turns, -r.meetings, r.key))


def _count(row: SpeakerRow, turn: dict, stored: dict) -> None:
    row.turns += 1
    if turn["role"]:
        _add_role(row.roles, turn["role"])
    if stored["id"] not in row._ids:
        row._ids.add(stored["id"])
        row.meetings += 1
        date = stored.get("date")
        if date:
            row.first = min(row.first or date, date)
            row.last = max(row.last or date, date)


def _role_form(role: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", role.lower()).split()) + " "


def _add_role(roles: List[str], role: str) -> None:
    """Add ``role`` unless the list says it already: a role written in capitals or with
    another dash is the same role, and a bare "Chủ tọa" or "Đại biểu" says less than
    "Chủ tọa - Chủ tịch HĐND tỉnh" (which takes its place when it comes later)."""
    form = _role_form(role)
    for index, known in enumerate(roles):
        known_form = _role_form(known)
        if known_form.startswith(form):
            return
        if form.startswith(known_form):
            roles[index] = role
            return
    roles.append(role)


def _quote(row: SpeakerRow, said: str, turn: dict, stored: dict, found: MatchSet) -> None:
    shown = make_snippets(said, found.marks, 1)
    if shown and len(shown[0].marks) > row._best:
        row._best = len(shown[0].marks)
        snip = shown[0]
        row.quote = {"text": snip.text, "marks": [list(m) for m in snip.marks], "id": stored["id"],
                     "date": stored.get("date"), "start": turn["start"] + snip.start}
