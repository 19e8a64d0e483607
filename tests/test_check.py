"""check_index: the full verification of an index (format, CRC32s, TOC, segments, manifest)."""
from __future__ import annotations

import json
import os
import sqlite3
import zlib
from pathlib import Path

import pytest

from searchidx.check import check_index
from searchidx.storage.format import checksums_record, read_checksums



@pytest.fixture
def small(twenty_indexed):
    return twenty_indexed[0]


def segments(path: Path) -> list:
    return sorted(p for p in path.iterdir() if p.suffix == ".seg")


def toc(path: Path) -> Path:
    return next(path.glob("_searchidx_*.toc"))


def flip(file: Path, position: int) -> None:
    data = bytearray(file.read_bytes())
    data[position] ^= 0x01
    file.write_bytes(bytes(data))


def tree(path: Path) -> dict:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in path.iterdir() if p.is_file()}


def test_a_sound_index_passes_and_check_writes_nothing(small):
    before = tree(small)
    report = check_index(str(small))
    assert report.ok, report.problems
    assert report.documents == 20 and report.notes == []
    assert report.files == report.segments + 1  # each compound segment file and the TOC
    segments_said = "1 segment" if report.segments == 1 else f"{report.segments} segments"
    assert report.summary().endswith(f"ok (20 documents, {segments_said}, {report.files} files checked)")
    assert tree(small) == before


def _manifest(path: Path):
    return sqlite3.connect(str(path / "manifest.sqlite"))


DAMAGES = {
    # what to do to the index -> text the problem line must hold (a callable: the file's name)
    "flipped byte in a segment": (lambda p: flip(segments(p)[0], segments(p)[0].stat().st_size // 2),
                                  lambda p: segments(p)[0].name),
    "flipped byte in the TOC": (lambda p: flip(toc(p), toc(p).stat().st_size - 30), lambda p: toc(p).name),
    "truncated segment": (lambda p: os.truncate(segments(p)[-1], 100), lambda p: segments(p)[-1].name),
    "missing segment": (lambda p: segments(p)[0].unlink(), lambda p: "is missing"),
    "missing checksums": (lambda p: (p / "checksums.json").unlink(), lambda p: "checksums.json"),
    "other format version": (
        lambda p: (p / "searchidx.json").write_text(json.dumps({"format_version": 9})),
        lambda p: "is format 9"),
    "corrupt manifest": (lambda p: (p / "manifest.sqlite").write_bytes(b"not sqlite" * 200),
                         lambda p: "manifest.sqlite"),
    "manifest missing a row": (
        lambda p: _manifest(p).execute("DELETE FROM docs WHERE id = 'doc-0003.txt'").connection.commit(),
        lambda p: "manifest.sqlite lists 19 documents, the index holds 20"),
}


@pytest.mark.parametrize("kind", list(DAMAGES))
def test_check_names_each_kind_of_damage(small, kind):
    damage, expected = DAMAGES[kind]
    name = expected(small)  # before the damage (a missing file has no name after)
    damage(small)
    report = check_index(str(small))
    assert not report.ok
    assert any(name in problem for problem in report.problems), report.problems
    assert all("\n" not in problem for problem in report.problems)
    assert f"searchidx --index {small} index --rebuild PATH..." in report.summary()


def test_a_damaged_term_table_is_found_even_with_matching_checksums(small):
    """A segment damaged before it was checksummed: only reading its structures finds it."""
    seg = segments(small)[0]
    os.truncate(seg, seg.stat().st_size - 200)  # the compound directory at its end is cut
    entries = read_checksums(str(small))
    data = seg.read_bytes()
    entries[seg.name] = (len(data), zlib.crc32(data))
    (small / "checksums.json").write_bytes(checksums_record(entries, 0))
    report = check_index(str(small))
    assert not report.ok
    assert any(problem.startswith(seg.name + ":") for problem in report.problems), report.problems


def test_a_manifest_behind_the_index_is_a_note_not_damage(small):
    with _manifest(small) as db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'generation'")
        db.execute("DELETE FROM docs WHERE id = 'doc-0003.txt'")
    report = check_index(str(small))
    assert report.ok, report.problems
    assert len(report.notes) == 1 and "generation 1" in report.notes[0]


def test_a_folder_that_is_no_index(tmp_path):
    report = check_index(str(tmp_path))
    assert not report.ok and "no searchidx index" in report.problems[0]


def test_the_check_command_passes_a_sound_index_and_names_damage(invoke, small, tmp_path):
    sound = invoke(small, "check")
    assert sound.exit_code == 0 and sound.output.strip().endswith("files checked)"), sound.output
    as_json = json.loads(invoke(small, "check", "--json").stdout)
    assert as_json["ok"] is True and as_json["documents"] == 20 and as_json["problems"] == []

    damaged = segments(small)[0]
    flip(damaged, damaged.stat().st_size // 2)
    result = invoke(small, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"Problem: {damaged.name} is damaged: CRC32 "
                                          + result.stdout.split("CRC32 ", 1)[1].strip()]
    assert result.stderr.strip().splitlines() == [
        f"Error: {small}: 1 problem; rebuild it with: searchidx --index {small} index --rebuild PATH..."]
    as_json = json.loads(invoke(small, "check", "--json").stdout)
    assert as_json["ok"] is False and damaged.name in as_json["problems"][0]

    missing = invoke(tmp_path / "nowhere", "check")
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: no index at ")
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "a.jpg").write_bytes(b"\xff\xd8")
    foreign = invoke(photos, "check")
    assert foreign.exit_code == 1 and "is not a searchidx index" in foreign.stderr
    assert "--rebuild" not in foreign.stderr
