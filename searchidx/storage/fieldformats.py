"""The whoosh posting formats of searchidx's fields, fed by the analyzer's own
term-positions method (no whoosh Token per token).

whoosh's table of contents pickles the schema, so these classes are named by import
path in every index: see :mod:`searchidx.storage.toc_names`.
"""
from __future__ import annotations

from whoosh import formats
from whoosh.system import pack_uint

from .varint import put_varint, varints


def term_positions(value, analyzer):
    """Each term's positions, by the analyzer's ``term_positions`` when it has one."""
    direct = getattr(analyzer, "term_positions", None)
    if direct is not None:
        return direct(value)
    out: dict = {}
    for t in analyzer(value, positions=True):
        out.setdefault(t.text, []).append(t.pos)
    return out


class FrequencyFormat(formats.Frequency):
    """whoosh's Frequency (term frequencies, no positions), the format of the ranked
    body fields, whose postings the :class:`~searchidx.storage.segments.ArraySegmentWriter`
    gathers in arrays."""

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        for term, poses in term_positions(value, analyzer).items():
            freq = len(poses)
            yield term, freq, freq * fb, pack_uint(freq)


class PositionsFormat(formats.Positions):
    """whoosh's Positions (for phrase matching), written as a count and varint deltas
    where whoosh marshals 5 bytes a position."""

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        for term, poses in term_positions(value, analyzer).items():
            yield term, len(poses), len(poses) * fb, self.encode(poses)

    def encode(self, poslist):
        out = bytearray()
        put_varint(out, len(poslist))
        base = 0
        for pos in poslist:
            put_varint(out, pos - base)
            base = pos
        return bytes(out)

    def decode_positions(self, valuestring):
        values = varints(valuestring)
        count = next(values, 0)
        positions, pos = [], 0
        for _, delta in zip(range(count), values):
            pos += delta
            positions.append(pos)
        return positions

    def decode_frequency(self, valuestring):
        return next(varints(valuestring), 0)
