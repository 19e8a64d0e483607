"""The whoosh posting formats of searchidx's fields, fed by the analyzer's fast path.

Named by whoosh's table of contents (it pickles the schema): this import path is part
of the on-disk format (see :mod:`searchidx.storage.format`).
"""
from __future__ import annotations

from whoosh import formats
from whoosh.system import pack_uint

from .varint import put_varint, varints

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
