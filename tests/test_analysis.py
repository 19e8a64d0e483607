"""The Vietnamese analyzer: normalization, exact offsets, compounds, segmentation."""
import gzip
import itertools
import json
import unicodedata
from pathlib import Path

import pytest

from searchidx.analysis import (
    analyze_text,
    canonical_tones,
    explain,
    fold,
    folded_analyzer,
    folded_word_analyzer,
    get_segmenter,
    has_diacritics,
    normalize_text,
    normalize_token,
    syllable_analyzer,
    word_analyzer,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CORPUS = ROOT / "corpus"


def tokens(analyzer, text):
    return [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True)]


def texts_of(analyzer, text):
    return [t.text for t in analyzer(text)]


@pytest.mark.parametrize(
    "variant, canonical",
    [
        ("hoà", "hòa"), ("hòa", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("hoá", "hóa"),
        ("qúy", "quý"), ("quý", "quý"), ("gì", "gì"), ("giá", "giá"), ("giường", "giường"),
        ("ngoài", "ngoài"), ("hoàng", "hoàng"), ("người", "người"), ("của", "của"),
        ("quốc", "quốc"), ("khuỷu", "khuỷu"), ("Hoà", "Hòa"), ("THUỶ", "THỦY"), ("loè", "lòe"),
        ("tuỳ", "tùy"), ("thuý", "thúy"), ("hoạ", "họa"), ("toán", "toán"), ("quỳnh", "quỳnh"),
    ],
)
def test_canonical_tone_placement(variant, canonical):
    assert canonical_tones(variant) == canonical
    assert canonical_tones(unicodedata.normalize("NFD", variant)) == canonical


@pytest.mark.parametrize("a, b", [("hòa bình", "hoà bình"), ("thủy lợi", "thuỷ lợi"),
                                  ("sức khỏe", "sức khoẻ"), ("Hóa chất", "hoá chất")])
def test_tone_variants_give_the_same_tokens(a, b):
    for analyzer in (syllable_analyzer(), word_analyzer(), folded_analyzer()):
        assert texts_of(analyzer, a) == texts_of(analyzer, b)


def test_nfd_input_gives_the_same_tokens_as_nfc():
    text = "Ủy ban nhân dân tỉnh Hậu Giang tổ chức hội nghị về quyền con người, ngày 18/4."
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    for analyzer in (syllable_analyzer(), word_analyzer(), folded_analyzer(), folded_word_analyzer()):
        assert texts_of(analyzer, normalize_text(nfd)) == texts_of(analyzer, text)
        # Even un-normalized NFD text yields the same token texts.
        assert texts_of(analyzer, nfd) == texts_of(analyzer, text)


def test_folding_and_d_bar():
    assert fold("ĐƯỜNG") == "DUONG"
    assert texts_of(folded_analyzer(), "ĐƯỜNG") == texts_of(folded_analyzer(), "đường") == ["duong"]
    assert texts_of(folded_analyzer(), "duong") == ["duong"]
    assert texts_of(syllable_analyzer(), "ĐƯỜNG") == ["đường"]
    assert has_diacritics("nhân") and not has_diacritics("nhan")


def test_long_texts_fold_the_same_through_numpy():
    from searchidx.analysis import normalize

    pytest.importorskip("numpy")
    texts = [
        "Đồng chí Nguyễn Thị Lan phát biểu về quyền con người tại Hậu Giang. " * 30,
        unicodedata.normalize("NFD", "Thủy lợi, hòa bình, khỏe mạnh; ĐẢNG ỦY. ") * 40,  # stray marks drop
        "Số 15/2020/NĐ-CP – “trích dẫn” 😀 ở đây, ê ế ề ể ễ ệ. " * 30,  # beyond the table, astral
    ]
    for text in texts:
        assert len(text) >= normalize._LONG_TEXT
        assert normalize._fold_array(text) == text.translate(normalize._FOLD_TABLE)


def test_accented_and_unaccented_differ_in_exact_field():
    assert texts_of(syllable_analyzer(), "nhận") != texts_of(syllable_analyzer(), "nhân")
    assert texts_of(folded_analyzer(), "nhận") == texts_of(folded_analyzer(), "nhân")


def test_words_are_segmented_and_syllables_kept():
    text = "Ủy ban nhân dân tỉnh bàn về nhân quyền"
    words = texts_of(word_analyzer(), text)
    assert "nhân_quyền" in words
    assert any(w.startswith("ủy_ban") for w in words)
    syllables = texts_of(syllable_analyzer(), text)
    assert syllables == ["ủy", "ban", "nhân", "dân", "tỉnh", "bàn", "về", "nhân", "quyền"]
    assert "nhan_quyen" in texts_of(folded_word_analyzer(), text)


@pytest.mark.parametrize(
    "text, whole, parts",
    [
        ("Thực hiện Nghị định 15/2020/NĐ-CP của Chính phủ", "15/2020/nđ-cp", ["15", "2020", "nđ", "cp"]),
        ("theo Quyết định 240/QĐ-UBND tỉnh", "240/qđ-ubnd", ["240", "qđ", "ubnd"]),
        ("giải quyết việc làm cho 17.670 lao động", "17.670", ["17", "670"]),
        ("đạt 117,8% chỉ tiêu", "117,8%", ["117", "8"]),
        ("hợp đồng là 651/547 lao động", "651/547", ["651", "547"]),
        ("Ngày người khuyết tật (18/4) năm nay", "18/4", ["18", "4"]),
        ("họp ngày 5/10/2023 tại tỉnh", "5/10/2023", ["5", "10", "2023"]),
        ("báo cáo tháng 2023-11 của tỉnh", "2023-11", ["2023", "11"]),
        ("đoàn công tác TP.HCM đến thăm", "tp.hcm", ["tp", "hcm"]),
        ("liên hệ vanphong@haugiang.gov.vn để biết", "vanphong@haugiang.gov.vn", ["vanphong", "haugiang"]),
        ("xem https://haugiang.gov.vn/tin-tuc ngay", "https://haugiang.gov.vn/tin-tuc", ["https", "haugiang", "tuc"]),
    ],
)
def test_compounds_kept_whole_and_parts_findable(text, whole, parts):
    toks = tokens(syllable_analyzer(), text)
    by_text = {t[0]: t for t in toks}
    assert whole in by_text
    for part in parts:
        assert part in by_text
    # The compound stands at the position of its first part, so phrases still work.
    first = [t for t in toks if t[0] == parts[0] and t[2] == by_text[whole][2]]
    assert first and first[0][1] == by_text[whole][1]
    assert text[by_text[whole][2]:by_text[whole][3]].lower() == whole


def test_abbreviations_survive():
    toks = texts_of(syllable_analyzer(), "UBND tỉnh, HĐND huyện và Ban ANQG")
    assert {"ubnd", "hđnd", "anqg"} <= set(toks)
    assert "hdnd" in texts_of(folded_analyzer(), "HĐND")


def test_capitalized_name_matches_lowercase_query():
    from searchidx.query import query_units

    doc_words = texts_of(word_analyzer(), "Dự hội nghị có bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh.")
    assert "hồ_thu_ánh" in doc_words
    units, _ = query_units("hồ thu ánh")
    ngram = "_".join(u.exact for u in units)
    assert ngram == "hồ_thu_ánh"
    assert texts_of(syllable_analyzer(), "Hồ Thu Ánh") == texts_of(syllable_analyzer(), "hồ thu ánh")
    assert texts_of(folded_analyzer(), "Hồ Thu Ánh") == texts_of(folded_analyzer(), "ho thu anh")


def test_explain_lists_every_field_with_offsets():
    text = "Nhân quyền"
    rows = explain(text)
    assert {r["field"] for r in rows} == {"body", "words", "body_folded", "words_folded", "body_pairs"}
    for r in rows:
        assert text[r["start"]:r["end"]] == r["surface"]
    assert {"field": "words_folded", "text": "nhan_quyen", "pos": 0, "start": 0, "end": 10,
            "surface": "Nhân quyền"} in rows


def test_stoplist_option_drops_words():
    analyzer = syllable_analyzer(stoplist=["của", "và"])
    assert texts_of(analyzer, "quyền của người dân và nhà nước") == ["quyền", "người", "dân", "nhà", "nước"]


# ---- offsets over real text ------------------------------------------------

def _corpus_texts():
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix in (".txt", ".md"):
            yield path.name, normalize_text(path.read_text(encoding="utf-8"))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    yield path.name, normalize_text(json.loads(line)["text"])


def _seed_texts():
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/data/seeds is absent")
    for path in sorted(seeds.glob("*.txt")):
        yield path.name, normalize_text(path.read_text(encoding="utf-8"))


def _vntc_texts(n=2000):
    path = SHARED / "vntc" / "vntc10-train.jsonl.gz"
    if not path.exists():
        pytest.skip("../shared/data/vntc is absent")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in itertools.islice(fh, n):
            record = json.loads(line)
            yield record["id"], normalize_text(record["text"])


def check_offsets(name, text):
    for analyzer, field in ((syllable_analyzer(), "body"), (word_analyzer(), "words")):
        last_pos = -1
        last_start = -1
        for tok, pos, start, end in tokens(analyzer, text):
            surface = text[start:end]
            assert surface, (name, tok)
            if field == "body":
                assert normalize_token(surface) == tok, (name, surface, tok)
                assert pos >= last_pos, (name, tok)
            else:
                # A word's token is its syllables joined by "_"; offsets cover them all.
                pieces = tok.split("_")
                assert normalize_token(surface).startswith(pieces[0]), (name, surface, tok)
                assert normalize_token(surface).endswith(pieces[-1]), (name, surface, tok)
                assert pos > last_pos, (name, tok)
            assert start >= last_start or field == "body"
            last_pos, last_start = pos, start


def test_offsets_on_bundled_corpus():
    items = list(_corpus_texts())
    assert len(items) >= 40
    for name, text in items:
        check_offsets(name, text)


def test_offsets_on_seeds():
    for name, text in _seed_texts():
        check_offsets(name, text)


def test_offsets_on_vntc_articles():
    for name, text in _vntc_texts(2000):
        check_offsets(name, text)


def test_segmentation_matches_pyvi():
    """Driving pyvi's CRF model directly must not change its segmentation."""
    pyvi = pytest.importorskip("pyvi.ViTokenizer")
    samples = [text for _, text in _seed_texts()]
    samples += [text for _, text in itertools.islice(_vntc_texts(150), 150)]
    segmenter = get_segmenter()
    for text in samples:
        assert segmenter.tokenize(text) == pyvi.ViTokenizer.tokenize(text)


def test_analysis_is_cached_between_fields():
    text = "Hội nghị tập huấn về nhân quyền năm 2023 " * 3
    first = analyze_text(text)
    assert analyze_text(text) is first
    assert analyze_text(text, segment=False) is first
