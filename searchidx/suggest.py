"""'Did you mean': plain query words respelled or given their accents from the index."""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from .analysis import fold, has_diacritics, normalize_text, normalize_token
from .query import clip_query

__all__ = ["Suggester"]

# A plain query word: letters and digits only, no field, quote or operator.
_PLAIN_WORD = re.compile(r"[^\W_]+")
_OPERATORS = {"AND", "OR", "NOT"}
_MAX_SUGGESTED_WORD = 30  # spelling suggestions for longer "words" cost seconds, help no one
# A query this short is also respelled when it holds a word the index lacks, however
# many hits it has (a typo beside a common word); a longer question only when it finds
# little: respelling searches whoosh's term dictionary, word by word.
_SUGGEST_WHEN_UNKNOWN_UPTO = 4
_FEW_HITS = 3  # fewer hits than this: always look for a better spelling


class Suggester:
    """Suggestions from one whoosh searcher's terms (keep it as long as the searcher)."""

    def __init__(self, searcher):
        self._searcher = searcher
        # folded syllable -> (document frequency, most frequent exact form), built on first use
        self._fold_map: Optional[Dict[str, Tuple[int, str]]] = None

    def wanted(self, text: str, total: int) -> bool:
        """Whether a query that found ``total`` hits deserves a suggestion."""
        if total < _FEW_HITS:
            return True
        return (len(_PLAIN_WORD.findall(text)) <= _SUGGEST_WHEN_UNKNOWN_UPTO
                and self.has_unknown_word(text))

    def suggest(self, text: str) -> List[str]:
        """The query with its plain words accented or respelled, or [] if none changes.

        Only plain words change (operators, phrases and field filters stay as
        typed). An unaccented word gets the most frequent accented form of it
        when the index never has it as typed; a word the index lacks entirely
        gets the closest spelling that it has.
        """
        reader = self._searcher.reader()
        pieces = re.split(r"(\s+)", normalize_text(clip_query(text)[0]))
        changed = False
        for i, piece in enumerate(pieces):
            if (not piece or piece.isspace() or not _PLAIN_WORD.fullmatch(piece)
                    or piece in _OPERATORS or len(piece) > _MAX_SUGGESTED_WORD):
                continue
            word = normalize_token(piece)
            best = word
            if reader.doc_frequency("body", word) == 0:
                if not has_diacritics(word):
                    best = self._accented_form(word) or word
                if reader.doc_frequency("body_folded", fold(best)) == 0:
                    fixes = self._searcher.suggest("body_folded", fold(word), limit=1, maxdist=2)
                    if fixes:
                        best = self._accented_form(fixes[0]) or fixes[0]
            if best != word:
                pieces[i] = best
                changed = True
        return ["".join(pieces).strip()] if changed else []

    def has_unknown_word(self, text: str) -> bool:
        """Whether a plain word of the query occurs in no document, even folded."""
        reader = self._searcher.reader()
        return any(
            reader.doc_frequency("body_folded", fold(normalize_token(word))) == 0
            for word in _PLAIN_WORD.findall(clip_query(text)[0])
            if word not in _OPERATORS
        )

    def _accented_form(self, folded: str) -> Optional[str]:
        """The most frequent exact syllable whose folded form is ``folded``."""
        if self._fold_map is None:
            fold_map: Dict[str, Tuple[int, str]] = {}
            for term, info in self._searcher.reader().iter_field("body"):
                term = term if isinstance(term, str) else term.decode("utf-8")
                key = fold(term)
                freq = info.doc_frequency()
                if key not in fold_map or freq > fold_map[key][0]:
                    fold_map[key] = (freq, term)
            self._fold_map = fold_map
        found = self._fold_map.get(folded)
        return found[1] if found else None
