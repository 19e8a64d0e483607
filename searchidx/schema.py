"""The whoosh schema: which fields an index has, and how each is analyzed and stored.

Body text is indexed four ways, from one pass of the analyzer:
- ``body``: exact syllables and compounds;
- ``words``: pyvi words (nhân_quyền), the strongest ranking signal;
- ``body_folded`` / ``words_folded``: the same with accents folded, for queries
  typed without diacritics;
- ``body_pairs``: adjacent folded syllables joined (bong_da). Phrases and proximity
  are lookups of these terms: whoosh's positional matching walks every candidate's
  positions in Python, and positions cost as much space as the rest of a field.
  A phrase matches its folded pairs in order and, if accented, its exact syllables.
The title is indexed the same way in its own fields so it can be boosted.
The text itself is stored as it is: the codec deflates each document's stored fields
together (see :mod:`searchidx.storage.stored`).
"""
from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Iterable, Optional

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .dates import date_key
from .gazetteer import province_key
from .official_fields import official_fields, official_values
from .turnform import is_transcript, key_terms
from .storage.fieldformats import FrequencyFormat, PositionsFormat
from .analysis import (
    folded_analyzer,
    folded_pair_analyzer,
    folded_word_analyzer,
    syllable_analyzer,
    word_analyzer,
)

if TYPE_CHECKING:
    from .ingest.documents import Document


def _phrase_text(analyzer) -> TEXT:
    field = TEXT(analyzer=analyzer, phrase=True)
    field.format = PositionsFormat(field_boost=1.0)
    return field


def _ranked_text(analyzer, **kwargs) -> TEXT:
    field = TEXT(analyzer=analyzer, phrase=False, **kwargs)
    field.format = FrequencyFormat(field_boost=1.0)
    return field


def build_schema(stoplist: Optional[Iterable[str]] = None) -> Schema:
    """The schema of a new index. ``stoplist`` drops those words from the text fields."""
    syllables = syllable_analyzer(stoplist)
    words = word_analyzer(stoplist)
    folded = folded_analyzer(stoplist)
    folded_words = folded_word_analyzer(stoplist)
    pairs = folded_pair_analyzer(stoplist)
    return Schema(
        id=ID(stored=True, unique=True),
        source=ID(stored=True),
        path=STORED,
        format=STORED,
        content_hash=STORED,
        title=_ranked_text(syllables, stored=True),
        title_folded=_phrase_text(folded),
        body=_ranked_text(syllables),
        words=_ranked_text(words),
        body_folded=_ranked_text(folded),
        words_folded=_ranked_text(folded_words),
        body_pairs=_ranked_text(pairs),
        text=STORED,
        date=ID(stored=True, sortable=True),
        day=NUMERIC(int, bits=32, sortable=True),
        year=ID(stored=False, sortable=True),
        province=ID(stored=True, sortable=True),
        province_key=ID,
        people=KEYWORD(stored=True, commas=True, lowercase=False),
        people_folded=_phrase_text(folded),
        agencies=KEYWORD(stored=True, commas=True, lowercase=False),
        extra=STORED,
        **official_fields(lambda: _phrase_text(folded), lambda: _ranked_text(syllables)),
        turns=STORED,  # the speaker turns, as searchidx.turnform declares them
        speakers=KEYWORD(commas=True, lowercase=False),  # each turn's key, and folded
        transcript=ID,  # "1": the record has labelled turns, ranked by its best (searchidx.passages)
        indexed_at=STORED,
        # indexed_at in microseconds, as a number: `--new` and `--since` find what changed
        # by a range lookup, whose cost follows the number of changed documents.
        indexed_us=NUMERIC(int, bits=64, signed=False, sortable=True, shift_step=8),
    )


def time_key(when: float) -> int:
    """A time (seconds since the epoch) as the indexed_us field holds it."""
    return int(round(when * 1_000_000))


def stored_text(stored: dict) -> str:
    """A document's text from its stored fields ("" for a document stored without it)."""
    return stored.get("text", "")


def document_fields(doc: Document, indexed_at: float) -> dict:
    """The whoosh fields of one document."""
    text = doc.text
    # The body fields hold the title too (unless the text already opens with it),
    # as readers see it: a title word is a word of the document.
    searchable = text if not doc.title or text.lstrip().startswith(doc.title) else doc.title + "\n" + text
    fields = {
        "id": doc.id,
        "source": doc.source,
        "path": doc.path,
        "format": doc.format,
        "content_hash": doc.content_hash,
        "title": doc.title,
        "title_folded": doc.title,
        "body": searchable,
        "words": searchable,
        "body_folded": searchable,
        "words_folded": searchable,
        "body_pairs": searchable,
        "extra": dict(doc.extra or {}),
        "indexed_at": indexed_at,
        "indexed_us": time_key(indexed_at),
        "text": text,
    }
    if doc.date:
        fields["date"] = doc.date
        fields["day"] = date_key(doc.date)
        fields["year"] = doc.date[:4]
    if doc.province:
        fields["province"] = doc.province
        fields["province_key"] = province_key(doc.province)
    if doc.people:
        fields["people"] = ",".join(doc.people)
        fields["people_folded"] = " ; ".join(doc.people)
    if doc.agencies:
        fields["agencies"] = ",".join(doc.agencies)
    fields.update(official_values(doc))
    if doc.turns:
        fields["turns"] = [dict(turn) for turn in doc.turns]
        fields["speakers"] = ",".join(key_terms(doc.turns))
        if is_transcript(doc.turns):
            fields["transcript"] = "1"
    return fields


def page_of(offset: int, pages: str) -> int:
    """The page (1-based) holding ``offset`` of the stored text, from extra["pages"].

    ``pages`` is the comma-separated start offset of each page ("0,1532,3020"); a page
    with no text starts where the next one does and is never the answer.
    """
    starts = [int(part) for part in pages.split(",") if part.strip()]
    if not starts:
        return 1
    return max(1, bisect.bisect_right(starts, offset))
