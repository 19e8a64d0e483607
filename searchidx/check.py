"""Checking an index in full: every byte of its files and every structure they hold.

Opening an index checks only that the current commit's files are there at their
recorded sizes. :func:`check_index` reads everything: the format version, each
listed file against its recorded CRC32, the TOC, each segment's term table (and
every posting list) and stored fields, and the manifest against the index's
document count. It never writes (the manifest is opened read-only, nothing is mended).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import List

from .errors import SearchIdxError
from .manifest import MANIFEST_FILE, Manifest
from .schema import build_schema
from .storage import engine
from .storage.durable import segment_files
from .storage.format import (CHECKSUMS_FILE, FORMAT_FILE, check_format, file_checksum,
                             read_checksums, rebuild_command)

__all__ = ["CheckReport", "check_index"]


@dataclass
class CheckReport:
    """What :func:`check_index` found: ``problems`` (damage, one line each) and ``notes``."""

    path: str
    problems: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    documents: int = 0
    segments: int = 0
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return (f"{self.path}: ok ({_count(self.documents, 'document')}, "
                    f"{_count(self.segments, 'segment')}, {_count(self.files, 'file')} checked)")
        count = len(self.problems)
        return (f"{self.path}: {count} problem{'' if count == 1 else 's'}; rebuild it with: "
                f"{rebuild_command(self.path)}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def check_index(path: str) -> CheckReport:
    """Verify the index at ``path`` in full (see the module docstring)."""
    path = os.path.abspath(path)
    report = CheckReport(path)
    if not os.path.isfile(os.path.join(path, FORMAT_FILE)):
        report.problems.append(f"{FORMAT_FILE} is missing: {path} is no searchidx index")
        return report
    try:
        check_format(path)
    except SearchIdxError as exc:
        report.problems.append(str(exc))
        return report  # another format: the rest cannot be read as this one
    try:
        recorded = read_checksums(path)
    except SearchIdxError as exc:
        report.problems.append(str(exc))
        recorded = {}
    current = engine.latest_generation(path)
    if current < 0:
        report.problems.append("the index has no TOC file")
        return report
    toc_name = engine.toc_name(current)
    _check_file(path, toc_name, recorded, report)
    try:
        toc = engine.read_toc(path, build_schema(), current)
    except Exception as exc:  # noqa: BLE001 - whoosh raises many kinds for a bad TOC
        report.problems.append(f"{toc_name}: the TOC cannot be read ({type(exc).__name__}: {exc})")
        return report
    names = set(os.listdir(path))
    for segment in toc.segments:
        files = segment_files(segment, names)
        if not files:
            report.problems.append(f"segment {segment.segment_id()} has no files")
        whole = all([_check_file(path, name, recorded, report) for name in files])
        if files and whole:
            _check_segment(path, toc, segment, files[0], report)
    report.segments = len(toc.segments)
    report.documents = sum(segment.doc_count() for segment in toc.segments)
    _check_manifest(path, toc.generation, report)
    return report


def _check_file(path: str, name: str, recorded: dict, report: CheckReport) -> bool:
    """Check one file against its recorded size and CRC32; False if it is damaged."""
    report.files += 1
    try:
        size, crc = file_checksum(os.path.join(path, name))
    except FileNotFoundError:
        report.problems.append(f"{name} is missing")
        return False
    except OSError as exc:
        report.problems.append(f"{name} cannot be read ({exc.strerror or exc})")
        return False
    if name not in recorded:
        report.problems.append(f"{name} is not listed in {CHECKSUMS_FILE}")
        return True  # nothing to compare with: its structures are still checked
    want_size, want_crc = recorded[name]
    if size != want_size:
        report.problems.append(f"{name} is {size} bytes, {want_size} recorded (truncated or damaged)")
        return False
    if crc != want_crc:
        report.problems.append(f"{name} is damaged: CRC32 {crc:08x}, {want_crc:08x} recorded")
        return False
    return True


def _check_segment(path: str, toc, segment, name: str, report: CheckReport) -> None:
    """Read a segment's every term, posting list and stored document."""
    stage = "open"
    try:
        reader = engine.segment_reader(path, toc, segment)
    except Exception as exc:  # noqa: BLE001
        report.problems.append(f"{name}: cannot be opened ({type(exc).__name__}: {exc})")
        return
    try:
        stage = "term table"
        for fieldname in reader.indexed_field_names():
            for term in reader.lexicon(fieldname):
                reader.postings(fieldname, term).all_ids()
        stage = "stored fields"
        for docnum in reader.all_doc_ids():
            reader.stored_fields(docnum)
    except Exception as exc:  # noqa: BLE001 - any failure to read is damage
        report.problems.append(f"{name}: its {stage} cannot be read ({type(exc).__name__}: {exc})")
    finally:
        reader.close()


def _check_manifest(path: str, generation: int, report: CheckReport) -> None:
    try:
        with Manifest(os.path.join(path, MANIFEST_FILE), readonly=True) as manifest:
            stamp, count = manifest.generation(), manifest.count()
    except SearchIdxError as exc:
        report.problems.append(str(exc))
        return
    if stamp != generation:
        report.notes.append(
            f"{MANIFEST_FILE} describes generation {stamp}, the index is at {generation} "
            f"(a writer was interrupted): the next index run or stats brings it up to date"
        )
    elif count != report.documents:
        report.problems.append(
            f"{MANIFEST_FILE} lists {count} documents, the index holds {report.documents}"
        )
