"""Copies of one report shown as one hit: the same text as .docx, .pdf and a news re-post.

Copies are recognized by their text, never their names: each document's sketch (see
searchidx.sketch, stored at index time in the ``sketch`` column) estimates how much of
the smaller text is contained in the other. A document whose text is mostly (COPY_SHARE)
inside a better-ranked hit's, or holds most of it, is listed under that hit as a copy.

The documents found are still counted (``SearchResults.total``, as facets count them).
The hits are counted too when every document found was grouped, which is done whenever
no more than COUNT_HITS_UP_TO were found: ``SearchResults.hits_total``, so that "16 hits"
and the pages after them are true when 5 of 21 documents are copies. The hits of a page
are reports, each with its copies; how many documents were folded into the hits shown is
said beside them (``SearchResults.collapsed``).
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from .sketch import Sketch, containment, decode_sketch, exact_containment, line_runs

__all__ = ["COPY_SHARE", "EXACT_SHARE", "MIN_SKETCH", "Group", "collapse_ranked", "copies_of",
           "sketch_column"]

COPY_SHARE = 0.7
# Counted on every word run of the two texts, a copy holds nearly all of the other's:
# two districts' reports on one template, or two regulations differing in a few clauses,
# share most runs and are still two documents.
EXACT_SHARE = 0.9
MIN_SKETCH = 6  # texts with fewer sampled runs are too short to call copies
MAX_WINDOW = 5000  # the most ranked documents looked through for one page
COUNT_HITS_UP_TO = 100  # found no more than this, every document is grouped: the hits are counted

Ranked = List[Tuple[int, Optional[float]]]  # (docnum, score) in rank order


class Group:
    """A hit and its copies (document numbers), ranked as its best document."""

    def __init__(self, docnum: int, score: Optional[float], sketch: Sketch):
        self.docnum = docnum
        self.score = score
        self.sketch = sketch  # the hit's own: copies are compared with it alone
        self.copies: List[int] = []

    def holds_copy(self, docnum: int, sketch: Sketch, runs_of: Callable[[int], Set[int]]) -> bool:
        """Whether a text is a copy of this hit's: compared with the hit itself, not with its
        copies, so a re-post quoting two reports does not make them one. The sketches pick
        the candidates; their texts' word runs (``runs_of``) decide."""
        head = self.sketch
        return len(sketch) >= MIN_SKETCH and len(head) >= MIN_SKETCH \
            and containment(sketch, head) >= COPY_SHARE \
            and exact_containment(runs_of(docnum), runs_of(self.docnum)) >= EXACT_SHARE


class _Heads:
    """The groups by their hit's sampled hashes: a text is compared only with the hits
    sharing a sampled run with it."""

    def __init__(self) -> None:
        self._by_hash: Dict[int, List[Group]] = {}

    def add(self, group: Group) -> None:
        if len(group.sketch) >= MIN_SKETCH:
            for h in group.sketch.hashes:
                self._by_hash.setdefault(h, []).append(group)

    def holding(self, docnum: int, sketch: Sketch,
                runs_of: Callable[[int], Set[int]]) -> Optional[Group]:
        """The first group (in the order added) whose hit this text is a copy of, or None."""
        candidates = dict.fromkeys(g for h in sketch.hashes for g in self._by_hash.get(h, ()))
        return next((g for g in candidates if g.holds_copy(docnum, sketch, runs_of)), None)


def _runs_by_document(text_of: Callable[[int], str]) -> Callable[[int], Set[int]]:
    """Each document's word runs (searchidx.sketch.line_runs), worked out once: a hit is
    compared with several candidates."""
    runs: Dict[int, Set[int]] = {}

    def runs_of(docnum: int) -> Set[int]:
        if docnum not in runs:
            runs[docnum] = line_runs(text_of(docnum))
        return runs[docnum]

    return runs_of


def _group(ranked: Ranked, sketch_of: Callable[[int], Sketch],
           runs_of: Callable[[int], Set[int]]) -> List[Group]:
    groups: List[Group] = []
    heads = _Heads()
    for docnum, score in ranked:
        sketch = sketch_of(docnum)
        group = heads.holding(docnum, sketch, runs_of)
        if group is not None:
            group.copies.append(docnum)
        else:
            group = Group(docnum, score, sketch)
            groups.append(group)
            heads.add(group)
    return groups


def collapse_ranked(
    rank: Callable[[int], Tuple[Ranked, int]],
    column: Callable[[int], bytes],
    text_of: Callable[[int], str],
    limit: int,
    page: int,
    original: Optional[Callable[[int], bool]] = None,
) -> Tuple[List[Group], int, int, Optional[int]]:
    """The groups of one page, the documents found, the copies folded into the page's
    groups, and how many groups all the documents found make (None: not counted).

    ``rank(n)`` gives the first n (docnum, score) of the search and the total found;
    ``column(docnum)`` a document's stored sketch, ``text_of(docnum)`` its text;
    ``original(docnum)``, when given, says whether a document is the report itself (in the
    national layout): a group shows it rather than a re-post that ranks higher. The window of ranked documents grows until it
    holds the page's groups, or everything found.
    """
    cache: Dict[int, Sketch] = {}
    runs_of = _runs_by_document(text_of)

    def sketch_of(docnum: int) -> Sketch:
        if docnum not in cache:
            cache[docnum] = Sketch(decode_sketch(column(docnum)))
        return cache[docnum]

    wanted = page * limit
    window = wanted * 2 + 10
    while True:
        ranked, total = rank(window)
        if len(ranked) < total <= COUNT_HITS_UP_TO:
            window = total
            ranked, total = rank(window)
        groups = _group(ranked, sketch_of, runs_of)
        if len(groups) >= wanted or len(ranked) >= total or window >= MAX_WINDOW:
            break
        window = min(window * 4, MAX_WINDOW)
    shown = groups[wanted - limit:wanted]
    if original is not None:
        for group in shown:
            if group.copies and not original(group.docnum):
                first = next((d for d in group.copies if original(d)), None)
                if first is not None:  # the report heads its group, at the group's rank
                    group.copies[group.copies.index(first)] = group.docnum
                    group.docnum = first
    counted = len(groups) if len(ranked) >= total else None
    return shown, total, sum(len(g.copies) for g in shown), counted


def copies_of(docs: Sequence[int], others: Sequence[int], column: Callable[[int], bytes],
              text_of: Callable[[int], str]) -> Set[int]:
    """Those of ``docs`` that are copies of one of ``others`` (either holding the other's
    text or held in it), as collapse_ranked would fold them under it."""
    heads = _Heads()
    for docnum in others:
        heads.add(Group(docnum, None, Sketch(decode_sketch(column(docnum)))))
    runs_of = _runs_by_document(text_of)
    return {docnum for docnum in docs
            if heads.holding(docnum, Sketch(decode_sketch(column(docnum))), runs_of) is not None}


def sketch_column(reader) -> Callable[[int], bytes]:
    """A document's stored sketch by its number (empty where there is none: an empty
    index, or an index whose documents were all written without one)."""
    if not reader.has_column("sketch"):
        return lambda docnum: b""
    column = reader.column_reader("sketch")

    def value(docnum: int) -> bytes:
        try:
            return column[docnum] or b""
        except IndexError:
            return b""

    return value
