"""What a correct decoding produces: well-formed Vietnamese syllables.

Detection counts the words that decoding turns into syllables against those it
breaks, so this check decides whether a text is in a legacy encoding.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import FrozenSet

_INITIALS = (
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng",
    "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)
_RHYMES = frozenset("""
a ai ao au ay am an ang anh ap at ac ach
ăm ăn ăng ăp ăt ăc
âu ây âm ân âng âp ât âc
e eo em en eng ep et ec
ê êu êm ên ênh êp êt êch
i ia iu im in inh ip it ich iêu iêm iên iêng iêp iêt iêc
y yêu yêm yên yêt
o oi om on ong op ot oc oong ooc
oa oai oao oay oam oan oang oanh oap oat oac oach oăm oăn oăng oăt oăc oe oeo oen oet
ô ôi ôm ôn ông ôp ôt ôc
ơ ơi ơm ơn ơp ơt
u ua ui um un ung up ut uc uê uân uâng uât uây uôi uôm uôn uông uôt uôc
uy uya uyên uyêt uynh uyt uych uyu uêch uênh uơ
ư ưa ưi ưu ưm ưn ưng ưt ưc ươi ươu ươm ươn ương ươp ươt ươc
""".split())
_STOP_FINALS = ("p", "t", "c", "ch")
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = "aăâeêioôơuưy"
_MODERN_PAIRS = ("oa", "oe", "uy")  # hoà, khoẻ, thuỷ: the tone may sit on either vowel


def _tone_slots(base: str) -> FrozenSet[int]:
    """Where the tone of an untoned lowercase syllable may sit (classic or modern)."""
    first = next((i for i, ch in enumerate(base) if ch in _VOWELS), -1)
    if first < 0:
        return frozenset()
    last = first
    while last + 1 < len(base) and base[last + 1] in _VOWELS:
        last += 1
    if first == 1 and last > first and base[:2] in ("qu", "gi"):
        first += 1
    marked = [i for i in range(first, last + 1) if base[i] in "ăâêôơư"]
    if marked:
        return frozenset({marked[-1]})
    if first == last:
        return frozenset({first})
    if last < len(base) - 1:
        return frozenset({last})
    if last - first == 1:
        if base[first:last + 1] in _MODERN_PAIRS:
            return frozenset({first, last})
        return frozenset({first})
    return frozenset({first + 1})


@lru_cache(maxsize=1 << 16)
def is_syllable(word: str) -> bool:
    """Whether a word is one well-formed Vietnamese syllable (any case, NFC).

    Checks the letters (initial consonant and rhyme), the tone against the final
    (p, t, c, ch take only sắc or nặng), the tone's place, and the case pattern
    (lower, Title or UPPER).
    """
    if not word or not (word.islower() or word.isupper() or word[1:].islower()):
        return False
    lower = word.lower().replace("\u00f0", "đ")
    decomposed = unicodedata.normalize("NFD", lower)
    tones = [i for i, ch in enumerate(decomposed) if ch in _TONE_MARKS]
    if len(tones) > 1:
        return False
    tone = decomposed[tones[0]] if tones else ""
    base = unicodedata.normalize("NFC", decomposed.replace(tone, "") if tone else decomposed)
    if not base.isalpha():
        return False
    for initial in _INITIALS:
        if not base.startswith(initial):
            continue
        rhyme = base[len(initial):]
        if rhyme not in _RHYMES:
            continue
        if initial == "gi" and rhyme.startswith("i"):
            continue
        # Spelling: gh, ngh and k before e, ê, i, y only; c, ng (and g) never there.
        front = rhyme[:1] in ("e", "ê", "i", "y")
        if initial in ("gh", "ngh", "k") and not front:
            continue
        if (initial in ("c", "ng") and front) or (initial == "g" and rhyme[:1] in ("e", "ê")):
            continue
        if tone and rhyme.endswith(_STOP_FINALS) and tone not in "\u0301\u0323":
            continue
        if tone:
            # The index of the toned letter in the NFC string equals that in base.
            toned = unicodedata.normalize("NFC", lower)
            position = next(
                (i for i, ch in enumerate(toned) if ch != base[i]), -1
            ) if len(toned) == len(base) else -1
            if position not in _tone_slots(base):
                continue
        return True
    return False

