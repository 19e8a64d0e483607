"""The declared on-disk format of an index folder, and the checksums of its files.

``searchidx.json`` names the format and its version; it is written last when an
index is created (its presence marks a complete index) and read on every open,
so an index written by another version of searchidx is refused with one line
saying how to rebuild it, instead of failing somewhere inside whoosh.

Format 4 (the first declared) is whoosh 2.7's TOC and compound segment files in
searchidx's codec, plus ``checksums.json``: for every file a commit makes visible
(its segment files and its TOC), the size and CRC32. Opening checks that each file
of the current generation is there at its recorded size; ``searchidx check``
reads every byte against the CRC32s.
Format 5: all-caps runs of text are segmented lowercased, so the word fields of headings differ;
and `indexed_us` (when each document's current version was first indexed) is a sortable field.
Format 6: documents in the national layout have their type, number, issuer and signer as
fields (searchable, filterable, faceted), and every document a sketch of its text by which
copies of one report are shown as one hit; speaker turns are stored (``turns``, see
searchidx.turnform) and their speaker keys indexed (``speakers``).
Format 7: the sketch is a column only (format 6 also indexed it as a term no query used) and
holds each hash as 4 bytes, not as hex text: a fifth of its size.

Both files are JSON and are only ever replaced whole, atomically
(see :func:`searchidx.storage.durable.write_atomically`).
"""
from __future__ import annotations

import json
import os
import time
import zlib
from typing import Dict, Optional, Tuple

from ..errors import IndexDamagedError, IndexFormatError

FORMAT_FILE = "searchidx.json"
FORMAT_NAME = "searchidx-index"
FORMAT_VERSION = 7

CHECKSUMS_FILE = "checksums.json"
LOCK_FILE = "searchidx.lock"  # flocked by the one writing process (searchidx.lock)
CHECKSUMS_NAME = "searchidx-checksums"
CHECKSUMS_VERSION = 1

Entry = Tuple[int, int]  # (size in bytes, CRC32)


def rebuild_command(path: str) -> str:
    return f"searchidx --index {path} index --rebuild PATH..."


def format_record() -> bytes:
    """The content of a new index's format file (the version covers the schema too)."""
    return json.dumps({"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                       "created": time.time()}).encode("utf-8")


def check_format(path: str) -> None:
    """Raise IndexFormatError unless the index at ``path`` is of FORMAT_VERSION."""
    name = os.path.join(path, FORMAT_FILE)
    try:
        with open(name, "rb") as fh:
            record = json.loads(fh.read().decode("utf-8"))
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise IndexDamagedError(
            f"the index at {path} is damaged (its format file {FORMAT_FILE} is unreadable: "
            f"{getattr(exc, 'strerror', None) or exc}); rebuild it with: {rebuild_command(path)}"
        ) from None
    version = record.get("format_version")
    if record.get("format", FORMAT_NAME) != FORMAT_NAME:
        found = f"of format {record.get('format')!r}"
    elif version is None:
        found = "of an undeclared format (written before format versions were declared)"
    elif version == FORMAT_VERSION:
        return
    else:
        found = f"format {version}"
    raise IndexFormatError(
        f"the index at {path} is {found}; this searchidx reads format {FORMAT_VERSION}: "
        f"rebuild it with: {rebuild_command(path)}"
    )


def file_checksum(path: str, sync: bool = False) -> Entry:
    """(size, CRC32) of the file at ``path``, read in blocks; with ``sync``, the file is
    fsynced too (which flushes its pages whichever process wrote them)."""
    crc = size = 0
    fd = os.open(path, os.O_RDONLY)
    try:
        while True:
            block = os.read(fd, 1 << 20)
            if not block:
                break
            crc = zlib.crc32(block, crc)
            size += len(block)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)
    return size, crc


def checksums_record(entries: Dict[str, Entry], generation: int) -> bytes:
    """The content of the checksums file listing ``entries`` (name -> (size, CRC32))."""
    return json.dumps({
        "format": CHECKSUMS_NAME, "format_version": CHECKSUMS_VERSION, "generation": generation,
        "files": {name: {"size": size, "crc32": crc} for name, (size, crc) in sorted(entries.items())},
    }, indent=0).encode("utf-8")


def read_checksums(path: str, missing_ok: bool = False) -> Optional[Dict[str, Entry]]:
    """name -> (size, CRC32) from the checksums file of the index at ``path``.

    A missing file gives None with ``missing_ok``; anything unreadable raises
    IndexDamagedError naming the file.
    """
    name = os.path.join(path, CHECKSUMS_FILE)
    try:
        with open(name, "rb") as fh:
            record = json.loads(fh.read().decode("utf-8"))
        if record.get("format") != CHECKSUMS_NAME or record.get("format_version") != CHECKSUMS_VERSION:
            raise ValueError(f"not a {CHECKSUMS_NAME} file of version {CHECKSUMS_VERSION}")
        return {file: (int(e["size"]), int(e["crc32"])) for file, e in record["files"].items()}
    except FileNotFoundError:
        if missing_ok:
            return None
        reason = "missing"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = f"unreadable: {getattr(exc, 'strerror', None) or exc}"
    raise IndexDamagedError(
        f"the index at {path} is damaged (its checksums file {CHECKSUMS_FILE} is {reason}); "
        f"rebuild it with: {rebuild_command(path)}"
    )
