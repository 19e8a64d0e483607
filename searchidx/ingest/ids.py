"""Giving each file the base its documents' ids are made from, so that no two share one.

A file's id base is its path below the folder given (``bao-cao.txt`` for
``reports/ha-giang/bao-cao.txt`` indexed as ``reports/ha-giang``). When two files
would get the same base (``index reports/ha-giang reports/hau-giang``, both holding
``bao-cao.txt``), or the base is already held in the index by another file that
still exists, each of them is named by as many of the folders above it as it takes
to tell them apart (``ha-giang/bao-cao.txt``, ``hau-giang/bao-cao.txt``): the same
ids as indexing ``reports/`` would give. A file keeps the base it was first given
(the manifest remembers it), so ids stay the same from run to run, whatever PATHs
a later run names.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from typing import Callable, Dict, List, Mapping, Sequence

from .discovery import SourceFile

__all__ = ["assign_id_bases"]

_LINE_NUMBER = re.compile(r"#[0-9]+$")


def assign_id_bases(
    sources: Sequence[SourceFile],
    remembered: Mapping[str, str],
    held: Mapping[str, str],
    exists: Callable[[str], bool] = os.path.exists,
) -> None:
    """Set ``id_base`` of each source so that no two files (of the run or the index)
    share one.

    ``remembered``: source path -> the id base it was given before (kept).
    ``held``: document id -> the source path of the document the index holds.
    """
    in_run = {src.path for src in sources}
    holders: Dict[str, str] = {}  # base -> the file holding it in the index
    for doc_id, source in held.items():
        holders.setdefault(_LINE_NUMBER.sub("", doc_id), source)
        holders.setdefault(doc_id, source)
    for source, base in remembered.items():
        holders[base] = source
    taken: Dict[str, str] = {}  # base -> the file of this run given it

    def free(base: str, path: str) -> bool:
        owner = taken.get(base)
        if owner is not None:
            return owner == path
        holder = holders.get(base)
        # A file that is gone (moved, say) no longer holds its base: its heir takes it.
        return holder is None or holder == path or not (holder in in_run or exists(holder))

    fresh: Dict[str, List[SourceFile]] = defaultdict(list)
    for src in sources:
        base = remembered.get(src.path)
        if base is not None and base not in taken:
            src.id_base = base
            taken[base] = src.path
        else:
            fresh[src.id_base].append(src)
    for candidate, group in fresh.items():
        if len(group) == 1 and free(candidate, group[0].path):
            taken[candidate] = group[0].path
            continue
        others = {src.path: _qualified_names(src) for src in group}
        for src in group:
            names = others[src.path]
            chosen = names[-1]
            for depth, name in enumerate(names):
                clash = any(
                    depth < len(theirs) and theirs[depth] == name
                    for path, theirs in others.items() if path != src.path
                )
                if not clash and free(name, src.path):
                    chosen = name
                    break
            src.id_base = chosen
            taken[chosen] = src.path


def _qualified_names(src: SourceFile) -> List[str]:
    """The file's base with one, two, … of the folders above it (NFC, "/"), the
    absolute path last."""
    parts = [p for p in unicodedata.normalize("NFC", src.path).split(os.sep) if p]
    depth = len(src.id_base.split("/"))
    names = ["/".join(parts[-n:]) for n in range(depth + 1, len(parts) + 1)]
    return names or ["/".join(parts)]


