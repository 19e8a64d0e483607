"""The array scorer gives whoosh's own matches and scores."""
import numpy as np
import pytest

from searchidx.storage import engine
from searchidx.writer import IndexWriter
from searchidx import Searcher, open_index
from searchidx.indexer import index_paths
from searchidx.matchset import MatchSet
from searchidx.query import build_query
from searchidx.storage.scorer import ArrayScorer

QUERIES = [
    "nhân quyền", "nhan quyen", "Ủy ban nhân dân tỉnh", "giảm nghèo Hà Giang",
    '"quyền con người" province:"ha giang"', "kinh tế OR xã hội", "hội nghị -trực tuyến",
    "(ngân sách OR đầu tư) AND tỉnh", "title:\"kỳ họp\"", "people:\"Hồ Thu Ánh\"",
    "date:[2023-01 TO 2023-12] tỉnh", "15/2020/NĐ-CP", "117,8%",
    "Phó Chủ tịch UBND tỉnh đã chỉ đạo những gì về phòng chống thiên tai năm nay",
    "xyzzy không có",
]


def _compare(searcher, text):
    plan = build_query(searcher._searcher.reader(), text, searcher.weights)
    queries = [plan.query] + ([plan.all_words] if plan.all_words is not None else [])
    for query in queries:
        expected = {h.docnum: h.score for h in searcher._searcher.search(query, limit=None)}
        mask, scores = ArrayScorer(searcher._searcher).evaluate(query)
        got = {int(d): float(scores[d]) for d in np.flatnonzero(mask)}
        assert got.keys() == expected.keys(), text
        for docnum, score in expected.items():
            assert got[docnum] == pytest.approx(score, rel=1e-9, abs=1e-12), text


@pytest.mark.parametrize("text", QUERIES)
def test_array_scores_equal_whooshs(corpus_index, text):
    with Searcher(open_index(corpus_index)) as searcher:
        _compare(searcher, text)


def test_array_scores_across_segments_with_deletions(corpus_dir, tmp_path):
    ix = open_index(str(tmp_path / "ix"), create=True)
    first = sorted(corpus_dir.rglob("*.md"))[0]
    index_paths(ix, [str(first)], procs=1)
    # a second segment, too big to merge with the first (one chunk, however slow the machine)
    index_paths(ix, [str(corpus_dir)], procs=1, chunk_seconds=1e9)
    with IndexWriter(ix) as writer:
        for doc_id in ix.manifest().ids()[:2]:
            writer.remove(doc_id)
        writer.commit(merge=False)
    assert len(engine.segments(ix.whoosh_index)) == 2
    with Searcher(ix) as searcher:
        assert searcher._searcher.reader().has_deletions()
        for text in QUERIES:
            _compare(searcher, text)


def test_array_scores_over_lists_of_many_blocks(corpus_dir, tmp_path, monkeypatch):
    from searchidx.storage.codec import CompactCodec

    # blocks of 3 postings, 2 inlined at most: most lists span blocks, many end in a block of one
    monkeypatch.setattr(CompactCodec.__init__, "__defaults__", (3, 3, 2))
    ix = open_index(str(tmp_path / "ix"), create=True)
    index_paths(ix, [str(corpus_dir)], procs=1, chunk_docs=15)  # chunks merged at the end
    assert len(engine.segments(ix.whoosh_index)) == 1
    with Searcher(ix) as searcher:
        for text in QUERIES:
            _compare(searcher, text)


@pytest.mark.parametrize("page", [1, 2])
def test_both_ways_of_running_a_query_rank_alike(corpus_index, page):
    with Searcher(open_index(corpus_index)) as searcher:
        for text in QUERIES:
            plan = build_query(searcher._searcher.reader(), text, searcher.weights)
            found = MatchSet.as_asked(plan)
            tiers = plan.all_words if plan.mode == "any" else None
            by_whoosh = searcher._run_whoosh(found, tiers, 5, 5 * page)
            by_arrays = searcher._run_arrays(found, tiers, 5, 5 * page)
            assert [d for d, _ in by_arrays[0]] == [d for d, _ in by_whoosh[0]], text
            assert by_arrays[1] == by_whoosh[1], text


def test_ranking_breaks_ties_by_document_number():
    mask = np.array([True, True, False, True, True])
    scores = np.array([1.0, 2.0, 9.0, 2.0, 0.5])
    assert list(ArrayScorer.ranked(mask, scores, 3)) == [1, 3, 0]
    assert list(ArrayScorer.ranked(mask, scores, 10)) == [1, 3, 0, 4]
