"""Vietnamese word segmentation with pyvi's CRF model, driven directly.

pyvi's own API imports scikit-learn (about a second at every start) and builds a
Python dict of features per syllable. Its model is a plain crfsuite model inside
a pickle, so we lift the model bytes out without scikit-learn, feed crfsuite
feature strings, and keep pyvi's segmentation (same features, same joining rules).
pyvi also gives no character offsets: here the syllables come from ``re.finditer``
over the stored text, so every syllable keeps its exact span.

One departure from pyvi: runs of all-caps words are segmented lowercased (see
:func:`uncapitalized`), so a heading in capitals splits into the same words as the
same text in normal case or typed as a query.
"""
from __future__ import annotations

import os
import pickle
import re
import string
import threading
from typing import List, Optional, Sequence, Tuple

# pyvi's syllabification pattern (pyvi.ViTokenizer.sylabelize), kept verbatim so
# that the CRF sees the same token sequence as pyvi does.
_PYVI_PATTERN = re.compile(
    "("
    + "|".join(
        [
            r"[A-ZĐ]+\.",
            r"Tp\.",
            r"Mr\.", r"Mrs\.", r"Ms\.",
            r"Dr\.", r"ThS\.",
            "==>", "->", r"\.\.\.", ">>", "\n",
            r"\w+://[^\s]+",
            r"([a-zA-Z0-9_.+-]+@([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+)",
            r"\d+([\.,_]\d+)+",
            r"[^\w\s]",
            r"\w+",
        ]
    )
    + ")",
    re.UNICODE,
)

_PUNCTUATION = set(string.punctuation)


def syllabify(text: str) -> List[Tuple[str, int, int]]:
    """pyvi's token sequence for ``text`` (NFC), each with its [start, end) span."""
    return [(m.group(0), m.start(), m.end()) for m in _PYVI_PATTERN.finditer(text)]


def uncapitalized(tokens: Sequence[str]) -> List[str]:
    """``tokens`` with every run of two or more all-caps words lowercased.

    pyvi's CRF learned from text in normal case and reads capitals as a feature, so
    "HÒA BÌNH" splits where "Hòa Bình" and "hòa bình" join. Lowercased, all-caps text
    segments as it does in normal case far more often than title-cased
    (bench/case_segmentation.py), and as queries do, which are lowercased. A lone
    all-caps token is an abbreviation (UBND, HĐND) and keeps its case; punctuation and
    line breaks between capitalized words do not end a run.
    """
    out = list(tokens)
    run: List[int] = []
    for i in range(len(tokens) + 1):
        token = tokens[i] if i < len(tokens) else ""
        if token and not token[0].isalnum():
            continue  # punctuation, a line break
        if token.isupper():
            run.append(i)
            continue
        if len(run) >= 2:
            for j in run:
                out[j] = tokens[j].lower()
        run = []
    return out


class _Stub:
    """Stands in for the scikit-learn / numpy classes named inside pyvi's pickle."""

    def __init__(self, *args, **kwargs):
        self.args = args

    def __setstate__(self, state):
        if isinstance(state, dict):
            self.__dict__.update(state)
        else:
            self.state = state


def _stub_factory(*args, **kwargs):
    return _Stub(*args)


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module.split(".")[0] in ("sklearn_crfsuite", "pycrfsuite", "numpy", "sklearn"):
            return _Stub if name in ("CRF", "FileResource", "TrainLogParser") else _stub_factory
        if module == "_codecs" and name == "encode":
            import codecs

            return codecs.encode
        return super().find_class(module, name)


def _pyvi_dir() -> str:
    import importlib.util

    spec = importlib.util.find_spec("pyvi")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pyvi is not installed: pip install pyvi")
    return list(spec.submodule_search_locations)[0]


def _load_model_bytes(path: str) -> bytes:
    with open(path, "rb") as fh:
        crf = _ModelUnpickler(fh).load()
    resource = crf.__dict__.get("modelfile")
    data = getattr(resource, "__dict__", {}).get("__FILE_RESOURCE_DATA__")
    if data is None:
        # FileResource pickles its bytes under this key of its state.
        state = getattr(resource, "state", None) or {}
        data = state.get("__FILE_RESOURCE_DATA__")
    if isinstance(data, str):
        data = data.encode("latin-1")
    if not data:
        raise RuntimeError(f"no crfsuite model found inside {path}")
    return data


class Segmenter:
    """Segments a syllable sequence into words, as pyvi's ViTokenizer does."""

    def __init__(self) -> None:
        import pycrfsuite

        base = _pyvi_dir()
        # crfsuite reads the model in place: the bytes must live as long as the tagger.
        self._model = _load_model_bytes(os.path.join(base, "models", "pyvi3.pkl"))
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(self._model)
        self._bigrams = set()
        self._trigrams = set()
        with open(os.path.join(base, "models", "words.txt"), encoding="utf-8") as fh:
            for entry in fh.read().split("\n"):
                parts = entry.split(" ")
                if len(parts) == 2:
                    self._bigrams.add(entry)
                elif len(parts) == 3:
                    self._trigrams.add(entry)
        self._lock = threading.Lock()

    def _features(self, tokens: Sequence[str]) -> List[List[str]]:
        """pyvi's word2features as crfsuite feature strings (false booleans omitted)."""
        lower = [t.lower() for t in tokens]
        title = [t.istitle() for t in tokens]
        upper = [t.isupper() for t in tokens]
        bigrams, trigrams = self._bigrams, self._trigrams
        n = len(tokens)
        # Whether "tok[i] tok[i+1]" is a known two-syllable word (pyvi lowercases the pair).
        pair = [f"{lower[i]} {lower[i + 1]}" in bigrams for i in range(n - 1)]
        triple = [f"{lower[i]} {lower[i + 1]} {lower[i + 2]}" in trigrams for i in range(n - 2)]
        out = []
        for i in range(n):
            word = tokens[i]
            feats = ["bias", "word.lower():" + lower[i]]
            if upper[i]:
                feats.append("word.isupper()")
            if title[i]:
                feats.append("word.istitle()")
            if word.isdigit():
                feats.append("word.isdigit()")
            if i > 0:
                feats.append("-1:word.lower():" + lower[i - 1])
                if title[i - 1]:
                    feats.append("-1:word.istitle()")
                if upper[i - 1]:
                    feats.append("-1:word.isupper()")
                if pair[i - 1]:
                    feats.append("-1:word.bi_gram()")
                if i > 1 and triple[i - 2]:
                    feats.append("-2:word.tri_gram()")
            if i < n - 1:
                feats.append("+1:word.lower():" + lower[i + 1])
                if title[i + 1]:
                    feats.append("+1:word.istitle()")
                if upper[i + 1]:
                    feats.append("+1:word.isupper()")
                if pair[i]:
                    feats.append("+1:word.bi_gram()")
                if i < n - 2 and triple[i]:
                    feats.append("+2:word.tri_gram()")
            out.append(feats)
        return out

    def word_starts(self, tokens: Sequence[str], case_robust: bool = True) -> List[bool]:
        """For each token, whether it starts a new word (pyvi's joining rules).

        With ``case_robust``, all-caps runs are segmented lowercased (:func:`uncapitalized`);
        without, the segmentation is exactly pyvi's.
        """
        if not tokens:
            return []
        if case_robust:
            tokens = uncapitalized(tokens)
        with self._lock:  # a crfsuite tagger is not safe to share between threads
            labels = self._tagger.tag(self._features(tokens))
        starts = [True] * len(tokens)
        punct = _PUNCTUATION
        for i in range(1, len(tokens)):
            cur, prev = tokens[i], tokens[i - 1]
            if (
                labels[i] == "I_W"
                and cur not in punct
                and prev not in punct
                and not cur[0].isdigit()
                and not prev[0].isdigit()
                and not (cur[0].istitle() and not prev[0].istitle())
            ):
                starts[i] = False
        return starts

    def tokenize(self, text: str) -> str:
        """The same string ``pyvi.ViTokenizer.tokenize`` returns (for checks and benchmarks)."""
        tokens = [t for t, _, _ in syllabify(text)]
        if not tokens:
            return text
        starts = self.word_starts(tokens, case_robust=False)
        out = [tokens[0]]
        for tok, start in zip(tokens[1:], starts[1:]):
            out.append((" " if start else "_") + tok)
        return "".join(out)


_segmenter: Optional[Segmenter] = None
_segmenter_lock = threading.Lock()


def get_segmenter() -> Segmenter:
    """The process-wide segmenter, loaded on first use (about 0.1 s)."""
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                _segmenter = Segmenter()
    return _segmenter
