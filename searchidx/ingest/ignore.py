"""Which files the user leaves out: ``.searchidxignore`` files and ``--exclude`` patterns.

Patterns are gitignore's (read by the pathspec library, so ``*.tmp``, ``drafts/``,
``/README.md``, ``**/nhap/*`` and ``!keep.txt`` mean what they mean to git), matched
against a file's path below the folder given. They come from a ``.searchidxignore``
in that folder, from one in the index folder (for every folder indexed), and from
``--exclude``; a file named directly is matched by its name against ``--exclude`` only.
"""
from __future__ import annotations

import os
from typing import Dict, List, Optional, Sequence

from ..errors import DocumentError

__all__ = ["IGNORE_FILE", "IgnoreRules"]

IGNORE_FILE = ".searchidxignore"


class IgnoreRules:
    """The patterns of one run: ``excluded(root, rel, is_dir)`` says whether a path is
    left out."""

    def __init__(self, exclude: Sequence[str] = (), index_folder: Optional[str] = None):
        self._exclude = [p for p in exclude if p.strip()]
        self._shared: List[str] = []
        self.errors: List[DocumentError] = []  # ignore files that could not be read
        if index_folder:
            self._shared = self._read(os.path.join(index_folder, IGNORE_FILE))
        self._specs: Dict[Optional[str], object] = {}

    def _read(self, path: str) -> List[str]:
        try:
            with open(path, encoding="utf-8-sig") as handle:
                return handle.read().splitlines()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            self.errors.append(DocumentError(path, f"cannot read the ignore file: {reason}"))
            return []

    def _spec(self, root: Optional[str]):
        if root not in self._specs:
            import pathspec  # only when there are patterns to match

            lines = list(self._exclude)
            if root is not None:
                lines = self._shared + self._read(os.path.join(root, IGNORE_FILE)) + lines
            lines = [line for line in lines if line.strip()]
            self._specs[root] = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        return self._specs[root]

    def excluded(self, root: Optional[str], rel: str, is_dir: bool = False) -> bool:
        """Whether ``rel`` (below the folder ``root``, "/"-separated; or a file's name
        when ``root`` is None: a file named directly) is left out."""
        spec = self._spec(root)
        if spec is None:
            return False
        return spec.match_file(rel + "/" if is_dir else rel)
