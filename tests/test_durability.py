"""The declared on-disk format, checksums checked on open, and commits that survive a power cut.

The power-cut simulation records the file operations of a commit (fsync of files
and of the folder, renames, removals), snapshotting the index folder around each
one, then rebuilds the folder as a power cut at each of those moments could leave
it: names created, renamed or removed since the last folder fsync may or may not
have reached the disk, and file contents not fsynced may be lost (the file then
reads empty). Every such folder must open at the previous commit or at the new
one, never damaged, and never at the previous one once the commit was reported.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import zlib
from pathlib import Path

import pytest

from searchidx import Searcher, open_index
from searchidx.check import check_index
from searchidx.writer import mend_manifest
from searchidx.errors import IndexDamagedError, IndexFormatError
from searchidx.ingest.documents import Document
from searchidx.manifest import Manifest
from searchidx.storage import durable
from searchidx.storage.format import FORMAT_VERSION
from searchidx.writer import IndexWriter

from test_reliability import make_corpus, one_line


def rebuild_hint(path) -> str:
    return f"searchidx --index {path} index --rebuild PATH..."


@pytest.fixture
def small(twenty_indexed):
    return twenty_indexed


def segments(path: Path) -> list:
    return sorted(p for p in path.iterdir() if p.suffix == ".seg")


def held_ids(index) -> set:
    with index.whoosh_index.reader() as reader:
        return {fields["id"] for fields in reader.all_stored_fields()}


# ---- the declared format -----------------------------------------------------------


def test_a_new_index_declares_its_format_and_checksums_its_files(small):
    path, _ = small
    declared = json.loads((path / "searchidx.json").read_text())
    assert declared["format"] == "searchidx-index" and declared["format_version"] == FORMAT_VERSION
    sums = json.loads((path / "checksums.json").read_text())
    assert sums["format"] == "searchidx-checksums" and sums["format_version"] == 1
    tocs = [p.name for p in path.glob("_searchidx_*.toc")]
    assert len(tocs) == 1
    listed = sums["files"]
    for name in tocs + [p.name for p in segments(path)]:
        data = (path / name).read_bytes()
        assert listed[name] == {"size": len(data), "crc32": zlib.crc32(data)}
    assert not [n for n in os.listdir(path) if n.endswith(".tmp")]


def _set_format(path: Path, version) -> None:
    record = json.loads((path / "searchidx.json").read_text())
    if version is None:  # what every index written before format versions looked like
        record = {"schema_version": 3, "created": record["created"]}
        (path / "checksums.json").unlink()
    else:
        record["format_version"] = version
    (path / "searchidx.json").write_text(json.dumps(record))


@pytest.mark.parametrize("version,found", [(5, "is format 5"), (6, "is format 6"), (8, "is format 8"),
                                           (None, "undeclared format")])
def test_an_index_of_another_format_says_how_to_rebuild(small, invoke, version, found):
    path, folder = small
    _set_format(path, version)
    with pytest.raises(IndexFormatError) as caught:
        open_index(str(path))
    message = str(caught.value)
    assert "\n" not in message and found in message
    assert f"this searchidx reads format {FORMAT_VERSION}" in message
    assert message.endswith(f"rebuild it with: {rebuild_hint(path)}")
    assert isinstance(caught.value, IndexDamagedError)  # callers catching damage catch this too
    for args in (["search", "nhân quyền"], ["stats"], ["show", "doc-0001.txt"], ["index", str(folder)]):
        res = invoke(path, *args, catch_exceptions=True)
        assert res.exit_code == 1, (args, res.output)
        assert one_line(res.stderr) == f"Error: {message}"
    res = invoke(path, "index", "--rebuild", str(folder))  # never opens the old index
    assert res.exit_code == 0, res.output
    index = open_index(str(path))
    assert len(held_ids(index)) == 20
    assert json.loads((path / "searchidx.json").read_text())["format_version"] == FORMAT_VERSION
    assert check_index(str(path)).ok


def test_an_unreadable_format_file_is_damage(small, invoke):
    path, _ = small
    (path / "searchidx.json").write_bytes(b"\xff\x00{")
    res = invoke(path, "search", "x", catch_exceptions=True)
    line = one_line(res.stderr)
    assert "searchidx.json is unreadable" in line and line.endswith(rebuild_hint(path))


# ---- checksums checked on open ---------------------------------------------------------

def _truncate(file: Path, size: int) -> None:
    os.truncate(file, size)


DAMAGE = {
    "truncated segment": lambda p: _truncate(segments(p)[-1], segments(p)[-1].stat().st_size // 2),
    "segment grown": lambda p: segments(p)[0].open("ab").write(b"\x00" * 7),
    "missing segment": lambda p: segments(p)[0].unlink(),
    "truncated TOC": lambda p: _truncate(next(p.glob("_searchidx_*.toc")), 20),
    "missing checksums": lambda p: (p / "checksums.json").unlink(),
    "garbage checksums": lambda p: (p / "checksums.json").write_text("{\"files\": 3"),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_file_is_named_on_open_in_one_line(small, invoke, kind):
    path, folder = small
    victims = {p.name for p in segments(path)} | {p.name for p in path.glob("_searchidx_*.toc")}
    DAMAGE[kind](path)
    with pytest.raises(IndexDamagedError) as caught:
        open_index(str(path))
    message = str(caught.value)
    assert "\n" not in message and "damaged" in message
    assert message.endswith(f"rebuild it with: {rebuild_hint(path)}")
    named = "checksums.json" if "checksums" in kind else next(v for v in victims if v in message)
    assert named in message
    res = invoke(path, "search", "nhân quyền", catch_exceptions=True)
    assert res.exit_code == 1 and one_line(res.stderr) == f"Error: {message}"
    report = check_index(str(path))
    assert not report.ok and any(named in problem for problem in report.problems), report.problems


def test_a_flipped_byte_is_found_by_check_and_never_gives_a_traceback(small, invoke):
    path, _ = small
    seg = segments(path)[-1]
    original = seg.read_bytes()
    for position in (12, len(original) // 3, len(original) // 2, len(original) - 40):
        data = bytearray(original)
        data[position] ^= 0x5A
        seg.write_bytes(bytes(data))
        report = check_index(str(path))
        assert not report.ok
        assert any(seg.name in problem for problem in report.problems), (position, report.problems)
        for args in (["search", "nhân quyền"], ["search", "mã0015"], ["show", "doc-0015.txt"]):
            res = invoke(path, *args, catch_exceptions=True)
            assert "Traceback" not in res.output + res.stderr
            assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit)
            if res.exit_code:
                one_line(res.stderr)
    seg.write_bytes(original)
    assert check_index(str(path)).ok


def test_a_commit_of_worker_processes_is_checksummed_too(tmp_path):
    from searchidx import index_paths

    folder = tmp_path / "docs"
    make_corpus(folder, 40)
    path = tmp_path / "ix"
    report = index_paths(open_index(str(path), create=True), [str(folder)], procs=2, chunk_docs=40)
    assert report.added == 40
    index = open_index(str(path))
    assert len(held_ids(index)) == 40
    assert check_index(str(path)).ok


# ---- the power-cut simulation ----------------------------------------------------------


class Recorder:
    """Snapshots of an index folder around each file operation, as a power cut sees them."""

    def __init__(self, folder: Path):
        self.folder = str(folder)
        self.ident: dict = {}      # name -> file identity
        self.content: dict = {}    # identity -> latest bytes seen
        self.synced: dict = {}     # identity -> bytes at its last fsync
        self.durable_names: dict = {}  # name -> identity, at the last folder fsync
        self.manifest = b""        # manifest.sqlite as of its last transaction (sqlite syncs it)
        self.points: list = []
        self._next = 0
        self.snapshot("start")
        self.synced = dict(self.content)
        self.durable_names = dict(self.ident)
        self.manifest = (folder / "manifest.sqlite").read_bytes()
        self.points[-1] = self._state("start")

    def _scan(self) -> None:
        names = set()
        for name in os.listdir(self.folder):
            full = os.path.join(self.folder, name)
            if name.startswith("manifest.sqlite") or not os.path.isfile(full):
                continue
            names.add(name)
            if name not in self.ident:
                self.ident[name] = self._next
                self._next += 1
            with open(full, "rb") as fh:
                self.content[self.ident[name]] = fh.read()
        for gone in set(self.ident) - names:
            del self.ident[gone]

    def _state(self, label: str) -> tuple:
        return (label, dict(self.ident), dict(self.content), dict(self.synced),
                dict(self.durable_names), self.manifest)

    def snapshot(self, label: str) -> None:
        self._scan()
        self.points.append(self._state(label))

    def _name(self, path) -> str:
        path = os.path.abspath(os.fsdecode(path))
        return os.path.basename(path) if os.path.dirname(path) == self.folder else None

    def install(self, monkeypatch) -> None:
        real = {name: getattr(os, name) for name in ("fsync", "replace", "rename", "remove", "unlink")}

        def fsync(fd):
            path = os.readlink(f"/proc/self/fd/{fd}")
            self.snapshot(f"before fsync {os.path.basename(path)}")
            real["fsync"](fd)
            self._scan()
            if path == self.folder:
                self.durable_names = dict(self.ident)
            elif self._name(path) in self.ident:
                ident = self.ident[self._name(path)]
                self.synced[ident] = self.content[ident]
            self.points.append(self._state(f"after fsync {os.path.basename(path)}"))

        def moving(op):
            def move(src, dst, *args, **kwargs):
                self.snapshot(f"before {op} {os.path.basename(src)}")
                real[op](src, dst, *args, **kwargs)
                old, new = self._name(src), self._name(dst)
                if old in self.ident and new:
                    self.ident[new] = self.ident.pop(old)
                self.snapshot(f"after {op} -> {os.path.basename(dst)}")
            return move

        def removing(op):
            def remove(path, *args, **kwargs):
                self.snapshot(f"before {op} {os.path.basename(path)}")
                real[op](path, *args, **kwargs)
                self.snapshot(f"after {op} {os.path.basename(path)}")
            return remove

        original_record = Manifest.record

        def record(manifest, *args, **kwargs):
            original_record(manifest, *args, **kwargs)
            if os.path.dirname(os.path.abspath(manifest.path)) == self.folder:
                with open(manifest.path, "rb") as fh:
                    self.manifest = fh.read()
                self.snapshot("manifest recorded")

        monkeypatch.setattr(os, "fsync", fsync)
        for op in ("replace", "rename"):
            monkeypatch.setattr(os, op, moving(op))
        for op in ("remove", "unlink"):
            monkeypatch.setattr(os, op, removing(op))
        monkeypatch.setattr(Manifest, "record", record)


def power_cuts(point):
    """(cut, files, key) for every folder a power cut at ``point`` could leave."""
    label, ident, content, synced, durable_names, manifest = point
    for names_kind, names in (("names all", ident), ("names synced", durable_names)):
        for data_kind in ("data all", "data synced"):
            files = {name: (content if data_kind == "data all" else synced).get(i, b"")
                     for name, i in names.items()}
            files["manifest.sqlite"] = manifest
            key = hashlib.sha1(repr(sorted((n, hashlib.sha1(d).hexdigest())
                                           for n, d in files.items())).encode()).hexdigest()
            yield f"{label} ({names_kind}, {data_kind})", files, key


def state_after_cut(files: dict, where: Path):
    """The ids the rebuilt folder opens with (after mending the manifest), or the error."""
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir()
    for name, data in files.items():
        (where / name).write_bytes(data)
    try:
        index = open_index(str(where))
        ids = frozenset(held_ids(index))
        mend_manifest(index)  # a manifest left one generation behind
        with index.manifest() as manifest:
            assert frozenset(manifest.ids()) == ids, "manifest and index disagree"
        report = check_index(str(where))
        assert report.ok, report.problems
        with Searcher(index) as searcher:
            assert searcher.search("số", limit=1, snippets=0).total == len(ids)
        return ids
    except Exception as exc:  # noqa: BLE001 - what the test reports
        return f"{type(exc).__name__}: {exc}"


def doc(i: int) -> Document:
    return Document(id=f"d{i:03d}", text=f"Báo cáo số {i} về giảm nghèo mã{i:03d}",
                    title=f"Báo cáo {i}", path=f"/r/d{i:03d}.txt", source=f"/r/d{i:03d}.txt",
                    content_hash=f"h{i}")


def simulate(tmp_path, monkeypatch):
    """Record a commit (a chunk, a removal, then the merge) and replay every power cut."""
    path = tmp_path / "ix"
    index = open_index(str(path), create=True)
    with IndexWriter(index) as writer:
        for i in range(6):
            writer.add(doc(i))
    before = frozenset(held_ids(index))
    recorder = Recorder(path)
    recorder.install(monkeypatch)
    with IndexWriter(index) as writer:
        for i in range(6, 10):
            writer.add(doc(i))
        writer.remove("d002")
        writer.commit()  # the chunk's commit, then the merge of both segments
        recorder.snapshot("commit reported")
        reported = len(recorder.points)
    monkeypatch.undo()
    after = frozenset(held_ids(index))
    assert before != after and len(after) == 9
    outcomes, seen = [], {}
    for number, point in enumerate(recorder.points):
        for cut, files, key in power_cuts(point):
            if key not in seen:
                seen[key] = state_after_cut(files, tmp_path / "cut")
            outcomes.append((number, number >= reported - 1, cut, seen[key]))
    return before, after, outcomes


def test_a_power_cut_at_any_moment_of_a_commit_leaves_the_old_or_the_new_commit(tmp_path,
                                                                              monkeypatch):
    before, after, outcomes = simulate(tmp_path, monkeypatch)
    assert len({cut.split(" (")[0] for _, _, cut, _ in outcomes}) > 20  # moments recorded
    bad = [(cut, state) for _, _, cut, state in outcomes if state not in (before, after)]
    assert not bad, bad[:5]
    lost = [cut for _, done, cut, state in outcomes if done and state != after]
    assert not lost, lost
    # Once the new commit survives the strictest cut, no later cut goes back.
    strict = [(number, state) for number, _, cut, state in outcomes
              if "names synced, data synced" in cut]
    assert strict[0][1] == before and strict[-1][1] == after
    durable_from = next(number for number, state in strict if state == after)
    assert all(state == after for number, _, _, state in outcomes if number >= durable_from)


def test_without_fsync_the_simulation_finds_lost_and_damaged_commits(tmp_path, monkeypatch):
    """The same simulation catches what whoosh alone leaves: it can tell durable from not."""
    monkeypatch.setattr(durable, "SYNC", False)
    before, after, outcomes = simulate(tmp_path, monkeypatch)
    assert any(isinstance(state, str) and "damaged" in state for _, _, _, state in outcomes)
    assert any(done and state == before for _, done, _, state in outcomes)


def test_a_commit_clears_tocs_that_killed_writers_left_half_written(small):
    path, _ = small
    stale = path / "_searchidx_99.toc.1700000000.5"
    stale.write_bytes(b"half a TOC")
    index = open_index(str(path))
    with IndexWriter(index) as writer:
        writer.add(doc(1))
    assert not stale.exists()
    assert check_index(str(path)).ok and "d001" in held_ids(open_index(str(path)))
