"""The compact codec and the array-based segment writer: same postings as whoosh's own."""
import random
from array import array

import pytest
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from searchidx import open_index
from searchidx.codec import CompactCodec, decode_postings, encode_postings
from searchidx.documents import discover, read_source
from searchidx.indexing import document_fields, index_paths
from searchidx.segments import SEGMENTS_PER_TIER, FastSegmentWriter, segments_to_merge


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


def _documents(corpus_dir, count):
    docs = []
    for source in discover([str(corpus_dir)]):
        if hasattr(source, "path") and len(docs) < count:
            docs.extend(read_source(source)[0])
    return docs[:count]


def _write(ix, docs, writer_class, **kwargs):
    writer = writer_class(ix.whoosh_index, **kwargs)
    for doc in docs:
        writer.add_document(**document_fields(doc, 0.0))
    writer.commit(merge=False)


def test_fast_writer_writes_what_whoosh_writes(corpus_dir, tmp_path):
    docs = _documents(corpus_dir, 12)
    plain = open_index(str(tmp_path / "plain"), create=True)
    _write(plain, docs, SegmentWriter)
    fast = open_index(str(tmp_path / "fast"), create=True)
    _write(fast, docs, FastSegmentWriter)
    assert isinstance(fast.whoosh_index._segments()[0].codec(), CompactCodec)
    expected, got = _postings(plain), _postings(fast)
    assert len(expected) > 5000
    assert got == expected


def test_merging_keeps_every_posting_and_drops_deleted_documents(corpus_dir, tmp_path):
    docs = _documents(corpus_dir, 15)
    ix = open_index(str(tmp_path / "merged"), create=True)
    _write(ix, docs[:5], SegmentWriter)  # a segment in whoosh's own format merges too
    _write(ix, docs[5:10], FastSegmentWriter)
    _write(ix, docs[10:], FastSegmentWriter)
    writer = FastSegmentWriter(ix.whoosh_index)
    writer.delete_by_term("id", docs[7].id)
    writer.commit(merge=False)
    assert len(ix.whoosh_index._segments()) == 3

    with ix.writer() as writer:  # the end of a run merges small segments
        writer._merge_segments()
    assert len(ix.whoosh_index._segments()) == 1

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
    assert len(ix.whoosh_index._segments()) == 1
    assert ix.doc_count() == report.added


@pytest.mark.parametrize("inlined", [
    None,
    ((7,), (1,), ()),
    ((3, 9, 70000), (2, 1, 300), ()),
    ((3, 9), (0.5, 1.25), ()),
    ((5, 6), (1, 1), (b"\x01\x02", b"")),
])
def test_term_records_round_trip(inlined):
    from searchidx.codec import CompactTermInfo

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
