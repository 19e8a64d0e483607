"""The on-disk format of searchidx's own structures: explicit bytes, never pickles; and
the only pickles left (whoosh's table of contents) name only the declared classes."""
import glob
import importlib
import io
import json
import os
import pickle
import pickletools
import random
import struct
import zlib

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.filedb.structfile import StructFile
from whoosh.writing import SegmentWriter

from searchidx.storage import engine
from searchidx import index_paths, open_index
from searchidx.schema import document_fields
from searchidx.storage.codec import CompactCodec
from searchidx.storage.postings import (decode_postings, encode_postings, read_sized_bytes,
                                        sized_bytes)
from searchidx.storage.segments import ArraySegmentWriter
from searchidx.storage.stored import StoredFieldsColumn, decode_stored, encode_stored, stored_fields_dictionary
from searchidx.storage.termtable import (MAGIC, TermTableError, TermTableReader, TermTableWriter,
                                         decode_index)
from searchidx.storage.format import CHECKSUMS_FILE, checksums_record, file_checksum, read_checksums
from searchidx.storage.toc_names import TOC_NAMES

_PICKLE_PROTOCOLS = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")


# -- whoosh's table of contents -------------------------------------------------------

def _toc_pickles(data: bytes):
    """The two pickles of a whoosh TOC file (whoosh/index.py ``TOC.write``): after the
    sizes of int, long and float (varints), -12345 and the TOC version (ints) and
    whoosh's release (3 varints) come the schema's pickle (a varint-length string),
    the generation and an unused int, then the segments' pickle to the end."""
    stream = StructFile(io.BytesIO(data))
    for _ in range(3):
        stream.read_varint()
    assert stream.read_int() == -12345
    stream.read_int()
    for _ in range(3):
        stream.read_varint()
    schema = stream.read_string()
    stream.read_int()
    stream.read_int()
    return schema, stream.file.read()


def _pickle_globals(blob: bytes) -> set:
    """Every (module, name) a pickle imports, from its opcodes (nothing is loaded)."""
    names, memo, pushed = set(), {}, []
    for op, arg, _ in pickletools.genops(blob):
        if op.name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE"):
            pushed.append(arg)
        elif op.name in ("BINGET", "LONG_BINGET", "GET"):
            pushed.append(memo.get(int(arg)))
        elif op.name == "MEMOIZE":
            memo[len(memo)] = pushed[-1] if pushed else None
        elif op.name in ("BINPUT", "LONG_BINPUT", "PUT"):
            memo[int(arg)] = pushed[-1] if pushed else None
        elif op.name == "GLOBAL":
            names.add(tuple(arg.split(" ", 1)))
        elif op.name == "STACK_GLOBAL":
            names.add((pushed[-2], pushed[-1]))
        elif op.stack_after:
            pushed.append(None)  # any other object pushed
    return names


class _RecordingUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.names = set()

    def find_class(self, module, name):
        self.names.add((module, name))
        return super().find_class(module, name)


def _latest_toc(index_path: str) -> bytes:
    tocs = sorted(glob.glob(os.path.join(index_path, "*.toc")),
                  key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))
    with open(tocs[-1], "rb") as fh:
        return fh.read()


def test_a_toc_names_only_the_declared_searchidx_classes(tmp_path, corpus_dir):
    ix = open_index(str(tmp_path / "ix"), create=True)
    index_paths(ix, [str(corpus_dir)], chunk_docs=20, procs=1)
    assert len(engine.segments(ix.whoosh_index)) >= 1
    schema_pickle, segments_pickle = _toc_pickles(_latest_toc(str(tmp_path / "ix")))

    named = _pickle_globals(schema_pickle) | _pickle_globals(segments_pickle)
    ours = {name for name in named if name[0].split(".")[0] == "searchidx"}
    assert ours <= TOC_NAMES, ours - TOC_NAMES
    # the walk is not vacuous: the codec and the formats are named, and a real
    # unpickling imports exactly what the opcodes say
    assert {("searchidx.storage.codec", "CompactCodec"),
            ("searchidx.storage.fieldformats", "FrequencyFormat"),
            ("searchidx.storage.fieldformats", "PositionsFormat")} <= ours
    for blob in (schema_pickle, segments_pickle):
        unpickler = _RecordingUnpickler(blob)
        unpickler.load()
        assert unpickler.names == _pickle_globals(blob)


def test_every_declared_toc_name_is_a_class_at_its_path():
    for module, name in TOC_NAMES:
        assert isinstance(getattr(importlib.import_module(module), name), type), (module, name)


class _Trap:
    """Unpickling this calls os.system: what a hostile TOC could hold."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_toc_naming_any_other_callable_is_refused_without_running_it(tmp_path, corpus_dir):
    from click.testing import CliRunner
    from whoosh.index import TOC

    from searchidx.cli import cli
    from searchidx.schema import build_schema

    ix = open_index(str(tmp_path / "ix"), create=True)
    index_paths(ix, [str(corpus_dir)])
    generation = engine.generation(ix.whoosh_index)
    marker = tmp_path / "ran"
    folder = str(tmp_path / "ix")
    # a plain whoosh storage writes the TOC as it is; its checksum is recorded as a
    # forger would, so only the unpickler stands in the way
    TOC(build_schema(), [_Trap(str(marker))], generation + 1).write(FileStorage(folder), engine.INDEX_NAME)
    entries = read_checksums(folder)
    toc = engine.toc_name(generation + 1)
    entries[toc] = file_checksum(os.path.join(folder, toc))
    with open(os.path.join(folder, CHECKSUMS_FILE), "wb") as fh:
        fh.write(checksums_record(entries, generation + 1))
    result = CliRunner().invoke(cli, ["--index", folder, "search", "nhan quyen"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and ".system, which no searchidx index holds" in lines[0], result.output
    assert "--rebuild" in lines[0]
    assert not marker.exists()


def test_a_segments_codec_pickles_only_whooshs_numbers():
    state = CompactCodec().__dict__
    assert set(state) == {"_blocklimit", "_compression", "_inlinelimit"}


# -- the term table ----------------------------------------------------------------------

def _table_bytes(tmp_path, entries, extras) -> bytes:
    storage = FileStorage(str(tmp_path))
    writer = TermTableWriter(storage.create_file("t.trm"))
    writer.extras.update(extras)
    for key, value in entries:
        writer.add(key, value)
    writer.close()
    with open(tmp_path / "t.trm", "rb") as fh:
        return fh.read()


def test_the_term_tables_index_is_struct_fields_not_a_pickle(tmp_path):
    rng = random.Random(4)
    keys = sorted({bytes(rng.randrange(256) for _ in range(rng.randrange(1, 10))) for _ in range(500)})
    entries = [(key, b"v" * (i % 7)) for i, key in enumerate(keys)]
    extras = {"fieldmap": {"body": 0, "tiêu_đề": 1}}
    data = _table_bytes(tmp_path, entries, extras)

    assert data[:4] == MAGIC and data[-4:] == MAGIC
    index_offset = struct.unpack_from("<Q", data, len(data) - 12)[0]
    index = data[index_offset:len(data) - 12]
    assert index[:2] not in _PICKLE_PROTOCOLS
    with pytest.raises(Exception):
        pickle.loads(index)
    # block count, entry count, extras length; the extras as JSON; offsets; first keys
    blocks, count, extras_size = struct.unpack_from("<IQI", index)
    assert count == len(entries) and blocks >= len(entries) // 64
    assert json.loads(index[16:16 + extras_size].decode("utf-8")) == extras
    offsets = struct.unpack_from(f"<{blocks + 1}Q", index, 16 + extras_size)
    assert offsets[0] == len(MAGIC) and offsets[-1] == index_offset
    first_keys, _, _, _ = decode_index(index)
    assert first_keys[0] == keys[0] and len(first_keys) == blocks
    # each block inflates to its count and keys, no pickle either
    raw = zlib.decompress(data[offsets[0]:offsets[1]])
    assert raw[:2] not in _PICKLE_PROTOCOLS and struct.unpack_from("<H", raw)[0] <= 64

    table = TermTableReader(StructFile(io.BytesIO(data)), len(data))
    assert table.extras == extras and list(table.items()) == entries


@pytest.mark.parametrize("damage", ["cut", "count", "extras", "offset"])
def test_a_damaged_term_table_index_is_refused(tmp_path, damage):
    data = bytearray(_table_bytes(tmp_path, [(b"a%03d" % i, b"x") for i in range(200)], {"fieldmap": {"b": 0}}))
    index_offset = struct.unpack_from("<Q", data, len(data) - 12)[0]
    if damage == "cut":
        del data[index_offset + 20:index_offset + 30]
        struct.pack_into("<Q", data, len(data) - 12, index_offset)
    elif damage == "count":
        struct.pack_into("<I", data, index_offset, 999)
    elif damage == "extras":
        data[index_offset + 16] = ord("[")
    else:
        struct.pack_into("<Q", data, len(data) - 12, len(data))
    with pytest.raises(TermTableError):
        TermTableReader(StructFile(io.BytesIO(bytes(data))), len(data))


def test_a_segments_term_table_and_stored_fields_hold_no_pickle(corpus_index):
    ix = open_index(corpus_index)
    segment = engine.segments(ix.whoosh_index)[0]
    storage = segment.open_compound_file(ix.whoosh_index.storage) if segment.is_compound() else \
        ix.whoosh_index.storage
    terms = storage.open_file(segment.make_filename(W3Codec.TERMS_EXT)).read()
    index_offset = struct.unpack_from("<Q", terms, len(terms) - 12)[0]
    decode_index(terms[index_offset:len(terms) - 12])  # parses with struct alone
    assert terms[index_offset:index_offset + 2] not in _PICKLE_PROTOCOLS

    with ix.whoosh_index.reader() as reader:
        leaf = next(iter(reader.leaf_readers()))[0]
        column = leaf._perdoc._cached_reader("_stored", None)
        raw = super(StoredFieldsColumn.Reader, column).__getitem__(0)
        inflater = zlib.decompressobj(zdict=stored_fields_dictionary())
        text = inflater.decompress(raw) + inflater.flush()
        assert text[:2] not in _PICKLE_PROTOCOLS and text[:1] == b"{"
        assert json.loads(text.decode("utf-8")) == leaf.stored_fields(0)


# -- posting values and stored fields ------------------------------------------------------

@pytest.mark.parametrize("values", [
    [b"\x01\x05", b"\x03\x01\x02\x07", b"\x01" + b"\x81\x01"],
    [b"x" * 300, b"", b"y"],
])
def test_posting_values_of_any_size_are_varint_lengths_and_bytes(values):
    ids, weights = [3, 70, 71], [1, 3, 1]
    data = encode_postings(ids, weights, values, None, compression=0)
    assert data.endswith(sized_bytes(values))
    assert sized_bytes([b"ab", b""]) == b"\x02ab\x00"
    got_ids, got_weights, got_values = decode_postings(data, 3, None)
    assert list(got_ids) == ids and list(got_weights) == weights and list(got_values) == values
    compressed = encode_postings(ids * 1, weights, values * 1, None, compression=9)
    assert list(decode_postings(compressed, 3, None)[2]) == values
    assert read_sized_bytes(sized_bytes(values) + b"\x05abc", 0, 3) == (tuple(values), len(sized_bytes(values)))
    with pytest.raises(ValueError):
        read_sized_bytes(b"\x05abc")  # a length past the end



def test_positions_in_blocks_and_records_read_back_as_whooshs(tmp_path, corpus_documents):
    docs = corpus_documents(30)
    plain = open_index(str(tmp_path / "plain"), create=True)
    writer = SegmentWriter(plain.whoosh_index)
    compact = open_index(str(tmp_path / "compact"), create=True)
    # blocks of 3, 2 postings inlined: most position lists are in blocks of sized values
    compact_writer = ArraySegmentWriter(compact.whoosh_index, codec=CompactCodec(3, 0, 2))
    for doc in docs:
        writer.add_document(**document_fields(doc, 0.0))
        compact_writer.add_document(**document_fields(doc, 0.0))
    writer.commit(merge=False)
    compact_writer.commit(merge=False)
    with plain.whoosh_index.reader() as expected, compact.whoosh_index.reader() as got:
        for field in ("title_folded", "people_folded"):
            terms = list(expected.lexicon(field))
            assert len(terms) > 20 and terms == list(got.lexicon(field))
            inlined = 0
            for term in terms:
                inlined += got.term_info(field, term).is_inlined()
                assert list(got.postings(field, term).items_as("positions")) == list(
                    expected.postings(field, term).items_as("positions")), (field, term)
            assert 0 < inlined < len(terms)  # both kinds are read


STORED_CASES = [
    {"id": "a/1.txt", "indexed_at": 1796281821.785176, "extra": {}, "text": "Hà Nội\nngày 1"},
    {"extra": {"pages": "0,1532,3020", "author": "Nguyễn Văn A", "tiếng": "việt"}, "indexed_at": 0.1,
     "title": "\"quoted\" \\ back\tslash", "text": "lone \udcff surrogate kept"},
    {"indexed_at": float("1e-300"), "people": "", "format": "pdf", "n": 12, "list": ["x", 1]},
]


def test_stored_fields_encode_as_json_and_round_trip():
    for fields in STORED_CASES:
        data = encode_stored(fields)
        assert data[:1] == b"{" and decode_stored(data) == fields
        assert list(decode_stored(data)) == list(fields)  # key order kept
        assert type(decode_stored(data)["indexed_at"]) is float
    with pytest.raises(TypeError, match="JSON values only"):
        encode_stored({"raw": b"bytes"})


def test_the_stored_fields_column_round_trips_and_leaves_empty_documents_empty():
    storage = RamStorage()
    column = StoredFieldsColumn()
    with storage.create_file("c") as dbfile:
        writer = column.writer(dbfile)
        writer.add(0, STORED_CASES[0])
        writer.add(2, STORED_CASES[1])  # document 1 has no stored fields
        writer.add(3, STORED_CASES[2])
        writer.finish(5)
        length = dbfile.tell()
    reader = column.reader(storage.open_file("c"), 0, length, 5)
    assert [reader[i] for i in range(5)] == [STORED_CASES[0], None, STORED_CASES[1], STORED_CASES[2], None]
    assert list(reader) == [reader[i] for i in range(5)]


def test_an_indexs_stored_fields_are_the_documents_and_survive_a_merge(tmp_path, corpus_documents):
    docs = corpus_documents(9)
    ix = open_index(str(tmp_path / "ix"), create=True)
    schema = ix.whoosh_index.schema
    expected = {}
    for part in (docs[:4], docs[4:]):
        writer = ArraySegmentWriter(ix.whoosh_index)
        for number, doc in enumerate(part):
            fields = document_fields(doc, 1796281821.785176 + number / 7)
            fields["extra"] = {"pages": "0,10", "note": "ghi chú\u00a0"}
            writer.add_document(**fields)
            expected[doc.id] = {k: v for k, v in fields.items() if schema[k].stored and v is not None}
        writer.commit(merge=False)
    assert len(engine.segments(ix.whoosh_index)) == 2

    def stored_by_id():
        with ix.whoosh_index.reader() as reader:
            return {stored["id"]: stored for _, stored in reader.iter_docs()}

    assert stored_by_id() == expected
    writer = ArraySegmentWriter(ix.whoosh_index)
    writer.commit(optimize=True)  # merged: every document's fields read and written again
    assert len(engine.segments(ix.whoosh_index)) == 1
    assert stored_by_id() == expected
    with ix.whoosh_index.searcher() as searcher:
        docnum = searcher.document_number(id=docs[5].id)
        assert searcher.stored_fields(docnum) == expected[docs[5].id]
