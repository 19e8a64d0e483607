"""Searching what one speaker said: ``speaker:"Nguyễn Thị Lan" đất đai`` and ``--speaker``.

The index finds the documents where the speaker has a turn and which hold the words
(the ``speakers`` field filters); each of those candidates is then checked against the
text of that speaker's turns alone, so a word said by someone else in the same meeting
never makes a hit. The cost follows the candidates. The hit count, facets and pages read
the checked set (MatchSet.allowed), and the snippets come from the speaker's turns.
"""
from __future__ import annotations

import re
from typing import List, Optional, Sequence, Set, Tuple

from whoosh import query as wq

from .analysis import fold, has_diacritics
from .errors import quoted
from .matchset import MatchSet, matching_docs
from .schema import stored_text
from .snippets import Snippet, make_snippets, match_spans
from .turnform import clean_turns, speaker_key, speaker_text, turn_at, turns_of

__all__ = ["SpeakerSearch", "take_speakers", "speaker_terms", "said_in", "label_snippets", "hit_snippets"]

_SPEAKER = re.compile(r'(?<![\w-])(?P<neg>-?)speaker:(?:"(?P<quoted>[^"]*)"?|(?P<word>[^\s()"]+))',
                      re.IGNORECASE)
NOT_SPEAKER = "-speaker: is not supported (a speaker's words can only be kept, not excluded): ignored"


def take_speakers(text: str) -> Tuple[str, List[str]]:
    """The query without its ``speaker:`` parts, and the names they give (a ``-speaker:``
    gives None, for a warning)."""
    names = [None if m.group("neg") else
             (m.group("quoted") if m.group("quoted") is not None else m.group("word")).strip()
             for m in _SPEAKER.finditer(text or "")]
    return _SPEAKER.sub(" ", text or "").strip(), [n for n in names if n != ""]


def speaker_terms(reader, name: str) -> List[str]:
    """The speaker keys of the index that ``name`` names: a full name, or its last words
    ("Lan", "Thị Lan"); without diacritics it names every accent form."""
    typed = speaker_key(name).split()
    if not typed:
        return []
    exact = has_diacritics(" ".join(typed))
    if not exact:
        typed = [fold(w) for w in typed]
    found = []
    for term in reader.field_terms("speakers") if "speakers" in reader.indexed_field_names() else ():
        if isinstance(term, bytes):
            term = term.decode("utf-8")
        if has_diacritics(term) != exact and exact:
            continue
        if not exact and has_diacritics(term):
            continue  # the folded form of the same key is in the field too
        if term.split()[-len(typed):] == typed:
            found.append(term)
    return found


class SpeakerSearch:
    """The speakers a search is kept to (none: an ordinary search)."""

    def __init__(self, reader, names: Sequence[Optional[str]]):
        self.warnings: List[str] = [NOT_SPEAKER] if None in names else []
        self.names = [n for n in names if n is not None]
        self.terms: List[str] = []
        for name in self.names:
            terms = speaker_terms(reader, name)
            if not terms:
                self.warnings.append(f"no speaker named {quoted(name)} in this index")
            self.terms += [t for t in terms if t not in self.terms]

    @property
    def active(self) -> bool:
        return bool(self.names)

    def filters(self) -> List[wq.Query]:
        if not self.active:
            return []
        if not self.terms:
            return [wq.NullQuery]
        return [wq.Or([wq.Term("speakers", t) for t in self.terms])]

    def verify(self, searcher, found: MatchSet) -> MatchSet:
        """``found`` kept to the documents whose words this speaker said."""
        if not self.active or found.query is wq.NullQuery:
            return found
        kept: Set[int] = set()
        candidates = matching_docs(searcher, found.query)
        if found.allowed is not None:
            candidates &= found.allowed
        for docnum in candidates:
            stored = searcher.stored_fields(docnum)
            mine = turns_of(clean_turns(stored.get("turns")), self.terms)
            if mine and said_in(speaker_text(stored_text(stored), mine), found):
                kept.add(docnum)
        found.allowed = kept
        return found

def said_in(spoken: str, found: MatchSet) -> bool:
    """Whether ``spoken`` (a speaker's words) holds what the search asks: every free word
    (any, for ranked retrieval), and one of the other words it marks (a quoted phrase, its
    syllables side by side; the words of an OR group) when the query has some."""
    words = found.words
    others = [w for run in found.marks for w in run if w not in words]
    if others and not any(match_spans(spoken, [[w]]) for w in others):
        return False
    if not words:
        return True
    said = (bool(match_spans(spoken, [[w]])) for w in words)
    return all(said) if found.kind in ("all", "folded") else any(said)


def hit_snippets(text: str, stored: dict, marks, count: int,
                 speakers: Optional[SpeakerSearch] = None) -> List[Snippet]:
    """A hit's snippets, each saying who speaks; in a speaker search, from their turns only."""
    turns = clean_turns(stored.get("turns"))
    if speakers is not None and speakers.active and turns:
        mine = turns_of(turns, speakers.terms)
        shown: List[Snippet] = []
        for turn in mine:
            for snip in make_snippets(text[turn["start"]:turn["end"]], marks, count):
                snip.start += turn["start"]
                shown.append(snip)
        # Passages with the query's words, most first; a turn without them only when none has.
        marked = [snip for snip in shown if snip.marks]
        shown = sorted(marked, key=lambda s: -len(s.marks))[:count] if marked else shown[:count]
    else:
        shown = make_snippets(text, marks, count)
    return label_snippets(shown, turns)


def label_snippets(snippets: List[Snippet], turns: Sequence[dict]) -> List[Snippet]:
    """Tell each snippet who is speaking where it shows (its first mark, or its start)."""
    for snip in snippets:
        offset = snip.start + (snip.marks[0][0] if snip.marks else 0)
        turn = turn_at(turns, offset) if turns else None
        if turn is not None:
            snip.speaker, snip.role = turn["speaker"], turn["role"] or None
    return snippets


def document_turns(reader, doc: dict, name: str) -> List[dict]:
    """The turns of one stored document that the speaker ``name`` holds."""
    terms = speaker_terms(reader, name)
    return turns_of(clean_turns(doc.get("turns")), terms)
