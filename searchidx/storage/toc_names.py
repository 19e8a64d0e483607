"""The searchidx classes that whoosh's table of contents names by import path.

whoosh's TOC file (``_searchidx_<generation>.toc``) pickles the schema, with each
field's posting format and analyzer, and the list of segments, each with the codec
that wrote it. A pickle names a class by its module and name, so these paths are part
of the on-disk format: they stay as they are while the format version stands, and
moving or renaming one of these classes means a new format version. Every other
searchidx structure on disk is explicit bytes (term table, term records, posting
blocks, stored fields). ``tests/test_storage_format.py`` checks that an index's TOC
names no searchidx class outside this set.
"""
from __future__ import annotations

from typing import FrozenSet, Tuple

TOC_NAMES: FrozenSet[Tuple[str, str]] = frozenset({
    # each segment's codec
    ("searchidx.storage.codec", "CompactCodec"),
    # the text fields' posting formats
    ("searchidx.storage.fieldformats", "FrequencyFormat"),
    ("searchidx.storage.fieldformats", "PositionsFormat"),
    # the text fields' analyzers and their parts
    ("searchidx.analysis.tokenizer", "VietnameseAnalyzer"),
    ("searchidx.analysis.tokenizer", "VietnameseTokenizer"),
    ("searchidx.analysis.tokenizer", "VietnameseNormalizeFilter"),
    ("searchidx.analysis.tokenizer", "FoldFilter"),
    ("searchidx.analysis.tokenizer", "SyllablePairFilter"),
})
