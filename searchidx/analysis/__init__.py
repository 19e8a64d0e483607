"""Vietnamese text analysis: normalization, segmentation, whoosh analyzers."""
from .normalize import canonical_tones, fold, has_diacritics, normalize_text, normalize_token
from .segmenter import get_segmenter, syllabify
from .text import TextAnalysis, analyze_text
from .tokenizer import (
    FoldFilter,
    VietnameseAnalyzer,
    VietnameseNormalizeFilter,
    VietnameseTokenizer,
    explain,
    folded_analyzer,
    folded_pair_analyzer,
    SyllablePairFilter,
    folded_word_analyzer,
    syllable_analyzer,
    word_analyzer,
)

__all__ = [
    "canonical_tones", "fold", "has_diacritics", "normalize_text", "normalize_token",
    "get_segmenter", "syllabify", "FoldFilter", "TextAnalysis", "VietnameseAnalyzer", "VietnameseNormalizeFilter",
    "VietnameseTokenizer", "analyze_text", "explain", "folded_analyzer", "folded_pair_analyzer", "SyllablePairFilter", "folded_word_analyzer",
    "syllable_analyzer", "word_analyzer",
]
