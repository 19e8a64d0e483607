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
together (see :mod:`searchidx.codec`). Indexes made before schema 3 store it in
``text_z``, compressed on its own.
"""
from __future__ import annotations

import zlib
from typing import Iterable, Optional

from whoosh import formats
from whoosh.system import pack_uint
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import (
    folded_analyzer,
    folded_pair_analyzer,
    folded_word_analyzer,
    syllable_analyzer,
    word_analyzer,
)

SCHEMA_VERSION = 3

def _varint(out: bytearray, n: int) -> None:
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def term_positions(value, analyzer):
    """Each term's positions, by the analyzer's fast path when it has one."""
    fast = getattr(analyzer, "term_positions", None)
    if fast is not None:
        return fast(value)
    out: dict = {}
    for t in analyzer(value, positions=True):
        out.setdefault(t.text, []).append(t.pos)
    return out


class FastFrequency(formats.Frequency):
    """whoosh's Frequency, fed by the analyzer's fast path (no Token per token)."""

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        for term, poses in term_positions(value, analyzer).items():
            freq = len(poses)
            yield term, freq, freq * fb, pack_uint(freq)


class CompactPositions(formats.Positions):
    """Positions as varint deltas: whoosh's own format marshals 5 bytes per position."""

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        for term, poses in term_positions(value, analyzer).items():
            yield term, len(poses), len(poses) * fb, self.encode(poses)

    def encode(self, poslist):
        out = bytearray()
        _varint(out, len(poslist))
        base = 0
        for pos in poslist:
            _varint(out, pos - base)
            base = pos
        return bytes(out)

    @staticmethod
    def _varints(data: bytes):
        n = shift = 0
        for byte in data:
            n |= (byte & 0x7F) << shift
            if byte & 0x80:
                shift += 7
            else:
                yield n
                n = shift = 0

    def decode_positions(self, valuestring):
        values = self._varints(valuestring)
        count = next(values, 0)
        positions, pos = [], 0
        for _, delta in zip(range(count), values):
            pos += delta
            positions.append(pos)
        return positions

    def decode_frequency(self, valuestring):
        return next(self._varints(valuestring), 0)


def _phrase_text(analyzer) -> TEXT:
    field = TEXT(analyzer=analyzer, phrase=True)
    field.format = CompactPositions(field_boost=1.0)
    return field


def _ranked_text(analyzer, **kwargs) -> TEXT:
    field = TEXT(analyzer=analyzer, phrase=False, **kwargs)
    field.format = FastFrequency(field_boost=1.0)
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
        indexed_at=STORED,
    )


def text_fields(schema: Optional[Schema], text: str) -> dict:
    """The stored field holding a document's text in ``schema`` (None: the current one)."""
    if schema is None or "text" in schema:
        return {"text": text}
    return {"text_z": zlib.compress(text.encode("utf-8"), 6)}  # schema 2


def stored_text(stored: dict) -> str:
    """A document's text from its stored fields (of any schema version)."""
    if "text" in stored:
        return stored["text"]
    return zlib.decompress(stored["text_z"]).decode("utf-8")


def date_key(date: Optional[str], upper: bool = False) -> Optional[int]:
    """A date of day, month or year precision as YYYYMMDD for range filters.

    Unknown parts are 00 for a stored date and for a range's lower end; for an
    upper end they are the last month or day, so --to 2023-10 includes 31 October.
    """
    if not date:
        return None
    parts = date.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else (12 if upper else 0)
        day = int(parts[2]) if len(parts) > 2 else (31 if upper else 0)
    except ValueError:
        return None
    return year * 10000 + month * 100 + day
