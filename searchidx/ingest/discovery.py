"""Finding report files: the walk over the paths given, and the hash of a file's bytes.

discover() yields a SourceFile per file of a known format, a Skipped record for any
other file, and a DocumentError for a path that cannot be used, so a caller can
count and report each without stopping.
"""
from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

from ..errors import DocumentError

if TYPE_CHECKING:
    from .ignore import IgnoreRules

# File name extension (lowercase) -> format name.
FORMATS: Dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".jsonl": "jsonl",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".odt": "odt",
    # Found so that each is reported with a hint to convert it, not skipped unseen.
    ".doc": "doc",
}


@dataclass
class SourceFile:
    """A file found by discover(): where it is and what its documents' ids start from."""

    path: str  # absolute
    id_base: str  # relative to the folder given, forward slashes; the file name if given directly
    format: str
    display: str = ""  # the path as the user would write it (the given root joined with id_base)


@dataclass
class Skipped:
    """A file discover() passed over (not a supported format, a duplicate, a broken link).

    discover() yields these so a caller can count them ("skipped 3") or list them.
    """

    path: str
    reason: str
    absolute: str = ""  # for an excluded file or folder: its absolute path


EXCLUDED = "excluded"  # the reason of a Skipped file or folder the user left out


def content_hash(data: bytes) -> str:
    """The hash that tells an unchanged file, line or item: BLAKE2b, 128 bits, hex."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _format_of(name: str) -> Optional[str]:
    return FORMATS.get(os.path.splitext(name)[1].lower())


def discover(
    paths: Sequence[str], rules: Optional["IgnoreRules"] = None
) -> Iterator[Union[SourceFile, Skipped, DocumentError]]:
    """The files under the given paths, in a deterministic (sorted, depth-first) order.

    Yields a SourceFile for each file of a format in FORMATS (.txt, .md/.markdown,
    .json, .jsonl, .docx, .pdf, .html/.htm, .odt, and .doc, which read_source reports
    with a hint to convert it), in any case; a Skipped record for any other file, and
    a DocumentError for a path that does not exist, a folder that cannot be listed, a
    pipe or device named directly, or a file name that is not UTF-8. Hidden files and folders (".name") inside a
    folder are left out silently; symbolic links are followed, but each real folder and
    file is visited once, so a link loop ends and a linked file is not read twice.
    A file or folder that ``rules`` leave out is a Skipped record with reason EXCLUDED
    (one for a whole folder).
    """
    seen_dirs: Set[str] = set()
    seen_files: Set[str] = set()
    for given in paths:
        absolute = os.path.abspath(given)
        if not os.path.exists(absolute):
            if os.path.islink(absolute):
                yield DocumentError(given, "broken symbolic link")
            else:
                yield DocumentError(given, "no such file or folder")
            continue
        if os.path.isdir(absolute):
            yield from _walk(given, absolute, seen_dirs, seen_files, rules)
        elif not os.path.isfile(absolute):  # reading a pipe or a device would never end
            yield DocumentError(given, "not a regular file")
        elif rules is not None and rules.excluded(None, os.path.basename(absolute)):
            yield Skipped(given, EXCLUDED, absolute)
        else:
            yield from _file_entry(given, absolute, os.path.basename(absolute), seen_files)


def _file_entry(
    display: str, absolute: str, id_base: str, seen_files: Set[str]
) -> Iterator[Union[SourceFile, Skipped, DocumentError]]:
    fmt = _format_of(absolute)
    if fmt is None:
        yield Skipped(display, "not a supported format")
        return
    try:
        absolute.encode("utf-8")
    except UnicodeEncodeError:  # bytes the file system gave undecoded: no id or path to store
        shown = display.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        yield DocumentError(shown, "the file name is not valid UTF-8; rename the file")
        return
    real = os.path.realpath(absolute)
    if real in seen_files:
        yield Skipped(display, "already found under another path")
        return
    seen_files.add(real)
    # Ids are NFC like all text, so `show "báo cáo.txt"` finds a file named in NFD.
    id_base = unicodedata.normalize("NFC", id_base)
    yield SourceFile(path=absolute, id_base=id_base, format=fmt, display=display)


def _walk(
    root_display: str, root: str, seen_dirs: Set[str], seen_files: Set[str],
    rules: Optional["IgnoreRules"] = None,
) -> Iterator[Union[SourceFile, Skipped, DocumentError]]:
    # An explicit stack (not recursion) so deep trees cannot hit the recursion limit;
    # entries are pushed in reverse so they come out in sorted order.
    stack: List[Tuple[str, str]] = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        real = os.path.realpath(folder)
        if real in seen_dirs:
            continue  # a symbolic link back up the tree, or a folder given twice
        seen_dirs.add(real)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            yield DocumentError(
                _join_display(root_display, rel), f"cannot list folder: {exc.strerror}"
            )
            continue
        subfolders: List[Tuple[str, str]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            entry_rel = f"{rel}/{entry.name}" if rel else entry.name
            display = _join_display(root_display, entry_rel)
            try:
                is_dir = entry.is_dir()  # follows symbolic links
                is_file = entry.is_file()
            except OSError:
                is_dir = is_file = False
            if rules is not None and (is_dir or is_file) and rules.excluded(root, entry_rel, is_dir):
                yield Skipped(display, EXCLUDED, os.path.abspath(entry.path))
            elif is_dir:
                subfolders.append((entry.path, entry_rel))
            elif is_file:
                yield from _file_entry(display, os.path.abspath(entry.path), entry_rel, seen_files)
            elif entry.is_symlink():
                yield Skipped(display, "broken symbolic link")
            else:
                yield Skipped(display, "not a regular file")
        # Files of a folder come before its subfolders' files, subfolders in name order.
        stack.extend(reversed(subfolders))


def _join_display(root: str, rel: str) -> str:
    if not rel:
        return root
    return os.path.join(root, *rel.split("/"))
