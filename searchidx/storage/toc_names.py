"""The searchidx classes that whoosh's table of contents names by import path.

whoosh's TOC file (``_searchidx_<generation>.toc``) pickles the schema, with each
field's posting format and analyzer, and the list of segments, each with the codec
that wrote it. A pickle names a class by its module and name, so these paths are part
of the on-disk format: they stay as they are while the format version stands, and
moving or renaming one of these classes means a new format version. Every other
searchidx structure on disk is explicit bytes (term table, term records, posting
blocks, stored fields). ``tests/test_storage_format.py`` checks that an index's TOC
names no searchidx class outside this set.

A pickle can call whatever it names, so a TOC is read by :class:`TocUnpickler`, which
resolves only these classes, whoosh's schema, analysis and codec classes, and the few
builtins they are made of: opening an index from an untrusted source runs no code of
its choosing.
"""
from __future__ import annotations

import inspect
import pickle
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

# whoosh modules whose classes a TOC holds: fields, formats, analyzers, segments, columns
_WHOOSH_MODULES = ("whoosh.fields", "whoosh.formats", "whoosh.analysis.", "whoosh.codec.",
                   "whoosh.columns")
_BUILTINS: FrozenSet[Tuple[str, str]] = frozenset({
    ("builtins", "int"), ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "object"),
    ("builtins", "dict"), ("builtins", "list"), ("builtins", "tuple"),
    ("collections", "defaultdict"), ("copyreg", "_reconstructor"),
    ("re", "_compile"),  # whoosh's tokenizers keep compiled patterns
})


class TocUnpickler(pickle.Unpickler):
    """Unpickles a TOC, refusing any global but the classes a searchidx TOC holds."""

    def find_class(self, module: str, name: str):
        if (module, name) in TOC_NAMES or (module, name) in _BUILTINS:
            return super().find_class(module, name)
        if module.startswith(_WHOOSH_MODULES) or module in _WHOOSH_MODULES:
            found = super().find_class(module, name)
            if inspect.isclass(found):
                return found
        raise pickle.UnpicklingError(f"it names {module}.{name}, which no searchidx index holds")
