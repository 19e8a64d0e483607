"""The compact codec and the array-based segment writer: same postings as whoosh's own."""
import random

import pytest
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from searchidx.storage import engine
from searchidx.writer import IndexWriter
from searchidx import open_index
from searchidx.storage.codec import CompactCodec
from searchidx.storage.postings import decode_postings, encode_postings
from searchidx.indexer import index_paths
from searchidx.schema import document_fields
from searchidx.storage.segments import SEGMENTS_PER_TIER, ArraySegmentWriter, segments_to_merge


@pytest.mark.parametrize("seed", range(6))
def test_posting_encoding_round_trips(seed):
    rng = random.Random(seed)
    count = rng.choice([1, 2, 7, 128])
    gaps = rng.choice([3, 300, 70000])
    ids = sorted(rng.sample(range(rng.randrange(1 << 20), (1 << 20) + gaps * count), count))
    weights = rng.choice([
        [1] * count,
        [rng.randrange(1, 9) for _ in range(count)],
        [rng.randrange(1, 70000) for _ in range(count)],
        [rng.random() * 5 for _ in range(count)],
    ])
    values = rng.choice([None, [b"%04d" % i for i in range(count)], [b"x" * (i % 3) for i in range(count)]])
    fixed = 4 if values and len(values[0]) == 4 and all(len(v) == 4 for v in values) else -1
    data = encode_postings(ids, weights, values, fixed)
    got_ids, got_weights, got_values = decode_postings(data, count, fixed)
    assert list(got_ids) == ids
    assert list(got_weights) == pytest.approx(weights, rel=1e-6)
    if values and any(values):
        assert list(got_values) == values


def _postings(ix):
    """Every (field, term) -> sorted (document id, weight) pairs of a whoosh index."""
    out = {}
    with ix.whoosh_index.reader() as reader:
        doc_ids = {docnum: stored["id"] for docnum, stored in reader.iter_docs()}
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            pairs = []
            while matcher.is_active():
                pairs.append((doc_ids[matcher.id()], round(matcher.weight(), 3)))
                matcher.next()
            out[field, term] = sorted(pairs)
    return out



def _write(ix, docs, writer_class, **kwargs):
    writer = writer_class(ix.whoosh_index, **kwargs)
    for doc in docs:
        writer.add_document(**document_fields(doc, 0.0))
    writer.commit(merge=False)


def test_array_writer_writes_what_whoosh_writes(tmp_path, corpus_documents):
    docs = corpus_documents(12)
    plain = open_index(str(tmp_path / "plain"), create=True)
    _write(plain, docs, SegmentWriter)
    arrays = open_index(str(tmp_path / "arrays"), create=True)
    _write(arrays, docs, ArraySegmentWriter)
    assert isinstance(engine.segments(arrays.whoosh_index)[0].codec(), CompactCodec)
    expected, got = _postings(plain), _postings(arrays)
    assert len(expected) > 5000
    assert got == expected


def test_merging_keeps_every_posting_and_drops_deleted_documents(tmp_path, corpus_documents):
    docs = corpus_documents(15)
    ix = open_index(str(tmp_path / "merged"), create=True)
    _write(ix, docs[:5], SegmentWriter)  # a segment in whoosh's own format merges too
    _write(ix, docs[5:10], ArraySegmentWriter)
    _write(ix, docs[10:], ArraySegmentWriter)
    writer = ArraySegmentWriter(ix.whoosh_index)
    writer.delete_by_term("id", docs[7].id)
    writer.commit(merge=False)
    assert len(engine.segments(ix.whoosh_index)) == 3

    with IndexWriter(ix) as writer:  # the end of a run merges small segments
        writer._merge_segments()
    assert len(engine.segments(ix.whoosh_index)) == 1

    reference = open_index(str(tmp_path / "reference"), create=True)
    _write(reference, [d for d in docs if d.id != docs[7].id], SegmentWriter)
    assert _postings(ix) == _postings(reference)


def test_merge_policy_merges_small_segments_geometrically_and_leaves_large_ones():
    class Segment:
        def __init__(self, count):
            self.count = count

        def doc_count_all(self):
            return self.count

    chunks = [Segment(100) for _ in range(8)] + [Segment(40)]
    assert len(segments_to_merge(chunks)) == 9
    big, small = Segment(800), Segment(50)
    assert segments_to_merge([big, small]) == []
    other = Segment(60)
    assert segments_to_merge([big, small, other]) == [other, small]
    half = Segment(400)
    assert len(segments_to_merge([big, half, small])) == 3
    large = [Segment(5000) for _ in range(SEGMENTS_PER_TIER - 1)] + [Segment(90000)]
    assert segments_to_merge(large + [Segment(3)]) == []
    assert len(segments_to_merge(large + [Segment(9000)])) == SEGMENTS_PER_TIER


def test_a_run_ends_with_its_chunks_merged(corpus_dir, tmp_path):
    ix = open_index(str(tmp_path / "ix"), create=True)
    report = index_paths(ix, [str(corpus_dir)], chunk_docs=10, procs=1)
    assert report.added >= 40
    assert len(engine.segments(ix.whoosh_index)) == 1
    assert ix.doc_count() == report.added


@pytest.mark.parametrize("inlined", [
    None,
    ((7,), (1,), ()),
    ((3, 9, 70000), (2, 1, 300), ()),
    ((3, 9), (0.5, 1.25), ()),
    ((5, 6), (1, 1), (b"\x01\x02", b"")),
])
def test_term_records_round_trip(inlined):
    from searchidx.storage.terminfo import CompactTermInfo

    info = CompactTermInfo()
    info._df = len(inlined[0]) if inlined else 40
    info._weight = sum(inlined[1]) if inlined else 57
    info._maxweight = max(inlined[1]) if inlined else 4
    info._minid = inlined[0][0] if inlined else 12
    info._maxid = inlined[0][-1] if inlined else 900
    info._minlength, info._maxlength = 3, 480
    if inlined:
        info._inlined = inlined
    else:
        info.set_extent(1 << 33, 517)
    back = CompactTermInfo.from_bytes(info.to_bytes())
    assert (back.doc_frequency(), back.weight(), back.max_weight(), back.min_id(), back.max_id()) == (
        info._df, pytest.approx(info._weight), pytest.approx(info._maxweight), info._minid, info._maxid)
    assert back.min_length() == 3 and back.max_length() == byte_to_length(length_to_byte(480))
    if inlined:
        ids, weights, values = back.inlined_postings()
        assert list(ids) == list(inlined[0]) and list(weights) == pytest.approx(list(inlined[1]))
        assert [v for v in values] == (list(inlined[2]) if any(inlined[2]) else [])
    else:
        assert back.extent() == (1 << 33, 517)


@pytest.mark.parametrize("seed", range(3))
def test_term_table_finds_every_key_and_nothing_else(tmp_path, seed):
    from whoosh.filedb.filestore import FileStorage

    from searchidx.storage.termtable import BLOCK_ENTRIES, TermTableReader, TermTableWriter

    rng = random.Random(seed)
    keys = sorted({bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12)))
                   for _ in range(BLOCK_ENTRIES * 7)})
    # a few large values close blocks early and need 4-byte offsets
    values = {key: bytes([i % 251]) * (70000 if i % 97 == 5 else rng.randrange(0, 40))
              for i, key in enumerate(keys)}
    storage = FileStorage(str(tmp_path))
    writer = TermTableWriter(storage.create_file("t.trm"))
    writer.extras["fieldmap"] = {"body": 0}
    for key in keys:
        writer.add(key, values[key])
    with pytest.raises(ValueError):
        writer.add(keys[0], b"")  # keys must come in order
    writer.close()

    table = TermTableReader(storage.open_file("t.trm"), storage.file_length("t.trm"))
    assert len(table) == len(keys) and table.extras == {"fieldmap": {"body": 0}}
    assert list(table.items()) == [(key, values[key]) for key in keys]
    for key in rng.sample(keys, 200):
        assert table[key] == values[key] and key in table
    probes = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 12))) for _ in range(300)]
    for probe in probes + [b"", b"\xff" * 13]:
        assert (probe in table) == (probe in values)
        following = [key for key in keys if key >= probe][:3]
        assert [key for key, _ in zip(table.keys_from(probe), range(3))] == following
    with pytest.raises(KeyError):
        table[b"\xff" * 13]


def test_an_empty_term_table_and_a_foreign_file(tmp_path):
    from whoosh.filedb.filestore import FileStorage

    from searchidx.storage.termtable import TermTableError, TermTableReader, TermTableWriter

    storage = FileStorage(str(tmp_path))
    TermTableWriter(storage.create_file("empty.trm")).close()
    table = TermTableReader(storage.open_file("empty.trm"), storage.file_length("empty.trm"))
    assert list(table.items()) == [] and b"a" not in table and table.get(b"a", 1) == 1
    with storage.create_file("other.trm") as other:
        other.write(b"HSH3" + bytes(40))
    with pytest.raises(TermTableError):
        TermTableReader(storage.open_file("other.trm"), storage.file_length("other.trm"))


def test_term_table_cursors_walk_and_find_terms_as_whooshs_hash_file(tmp_path, corpus_documents):
    docs = corpus_documents(8)
    plain = open_index(str(tmp_path / "plain"), create=True)  # whoosh's codec and hash file
    _write(plain, docs, SegmentWriter)
    arrays = open_index(str(tmp_path / "arrays"), create=True)
    _write(arrays, docs, ArraySegmentWriter)
    with plain.whoosh_index.reader() as plain_reader, arrays.whoosh_index.reader() as reader:
        for field in ("body_folded", "people", "title_folded"):
            cursors = plain_reader.cursor(field), reader.cursor(field)
            texts = [[], []]
            for cursor, out in zip(cursors, texts):
                while cursor.is_valid():
                    out.append((cursor.text(), cursor.term_info().doc_frequency()))
                    cursor.next()
            assert texts[0] == texts[1] and len(texts[0]) > 3
            assert cursors[1].find("ng") == cursors[0].find("ng")
        word = next(iter(reader.lexicon("body_folded"))).decode()
        assert list(reader.terms_within("body_folded", word + "x", 1)) == list(
            plain_reader.terms_within("body_folded", word + "x", 1))


def test_a_run_merges_its_own_large_segments_and_leaves_earlier_ones(tmp_path, monkeypatch, corpus_documents):
    import searchidx.storage.segments as segments

    monkeypatch.setattr(segments, "LARGE_SEGMENT_DOCS", 5)  # the corpus's chunks count as large
    ix = open_index(str(tmp_path / "ix"), create=True)
    monkeypatch.setattr(ix, "indexed_at", lambda doc_id, content_hash: 0.0)  # as _write's
    docs = corpus_documents(40)
    with IndexWriter(ix, chunk_docs=10) as writer:
        for doc in docs[:30]:
            writer.add(doc)
    assert [s.doc_count_all() for s in engine.segments(ix.whoosh_index)] == [30]
    with IndexWriter(ix, chunk_docs=4) as writer:  # a later run: its 3 chunks merge, the 30 stay
        for doc in docs[30:]:
            writer.add(doc)
    assert sorted(s.doc_count_all() for s in engine.segments(ix.whoosh_index)) == [10, 30]
    reference = open_index(str(tmp_path / "reference"), create=True)
    _write(reference, docs, SegmentWriter)
    assert _postings(ix) == _postings(reference)
