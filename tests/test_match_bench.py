"""The brute-force matcher of bench/matching.py: the truth the match-set benchmark scores against."""
import importlib.util
import unicodedata
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "bench_matching", Path(__file__).resolve().parents[1] / "bench" / "matching.py")
matching = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(matching)

DOCS = [
    ("d1", "Ban chỉ đạo phòng chống tham nhũng họp tại Hà Nội."),
    ("d2", "Nông dân tham gia lớp tập huấn; nhũng nhiễu bị phản ánh."),
    ("d3", "Báo cáo về tham. Nhũng khoản chi được làm rõ, đường sá Đà Nẵng."),
    ("d4", "Tình hình an toàn giao thông ở duong Hoà Bình, thuỷ lợi."),
    ("d5", "Cô ấy đi chợ, ăn cơm với dân thường; điểm số cao."),
]


@pytest.fixture(scope="module")
def truth():
    return matching.BruteForce(DOCS)


def match(truth, words, accented=True, rule="word"):
    return truth.matches(matching.patterns([tuple(w.split()) for w in words], accented, rule))


def test_a_word_of_several_syllables_matches_only_side_by_side(truth):
    # d2 has "tham" and "nhũng" apart; d3 has them adjacent across a full stop, which the
    # index's syllable pairs do not break either.
    assert match(truth, ["tham nhũng"]) == {"d1", "d3"}
    assert match(truth, ["tham nhung"], accented=False) == {"d1", "d3"}


def test_every_word_must_be_there(truth):
    assert match(truth, ["tham nhũng", "hà nội"]) == {"d1"}
    assert match(truth, ["tham nhũng", "giao thông"]) == set()


def test_marks_typed_match_that_form_only(truth):
    assert match(truth, ["điểm"]) == {"d5"}
    assert match(truth, ["điềm"]) == set()
    assert match(truth, ["đường"]) == {"d3"}  # đ is not d: d4's "duong" is another word
    assert match(truth, ["duong"], accented=False) == {"d3", "d4"}
    assert match(truth, ["dan"], accented=False) == {"d2", "d5"}


def test_case_tone_placement_and_nfd_never_matter(truth):
    for typed in ("hòa bình", "hoà bình", "HÒA BÌNH", unicodedata.normalize("NFD", "Hoà Bình")):
        assert match(truth, [" ".join(matching.syllables_of(typed))]) == {"d4"}
    assert match(truth, ["thủy lợi"]) == {"d4"}


def test_unmarked_syllables_of_an_accented_query_follow_the_rule(truth):
    # "an" has no mark: folded under the word and syllable rules, exact when read as typed.
    assert match(truth, ["an"]) == {"d4", "d5"}
    assert match(truth, ["an"], rule="typed") == {"d4"}
    assert match(truth, ["an toàn"], rule="syllable") == {"d4"}


def test_content_words_are_pyvi_words_without_stopwords_or_numbers():
    words = [w for w, _ in matching.content_words(
        "Năm 2020, Bộ Y tế và các bệnh viện của Hà Nội triển khai 15/2020/NĐ-CP.", {"của", "và", "các"})]
    assert ("hà", "nội") in words and ("triển", "khai") in words
    assert all(w[0] not in ("của", "và", "các") for w in words)
    assert all(s.isalpha() for w in words for s in w)


def test_segmented_as_intended_compares_the_query_words_with_the_intended_ones():
    words = [("hà", "nội"), ("an", "toàn")]
    assert matching.segmented_as_intended("Hà Nội an toàn", words, accented=True)
    assert not matching.segmented_as_intended("Hà Nội an toàn", [("hà",), ("nội", "an", "toàn")], True)
