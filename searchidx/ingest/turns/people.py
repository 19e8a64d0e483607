"""Who a record names: full names found in a stretch of text, and the record's registry of
speakers, which resolves later short references ("bà Lan", "Chủ tọa", "Trưởng Ban Chỉ
đạo tỉnh", "Ông") to the full name they stand for in the same record."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from ...gazetteer import canonical_province
from ...turnform import speaker_key
from ..metadata.names import SURNAMES, UPPER, is_name_word

__all__ = ["Speaker", "Registry", "find_name", "title_cased", "alias_form", "HONORIFICS"]

HONORIFICS = {"ông": "m", "bà": "f", "anh": "m", "chị": "f", "cụ": "", "đồng chí": "", "đ/c": ""}
_PLACE_WORDS = frozenset(["tỉnh", "thành phố", "tp", "tp.", "huyện", "quận", "xã", "phường", "thị xã",
                          "thị trấn", "thôn", "bản", "ấp", "sông", "đường", "phố", "làng", "trường",
                          "viện", "học viện", "đại học", "bệnh viện", "chùa", "đền"])
# A run of capitalized words joined by spaces; its words are checked one by one.
_CAP_RUN = re.compile(r"(?<!\w)" + UPPER + r"\w*(?:[ \t]+" + UPPER + r"\w*)*")
_WORD = re.compile(r"\S+")
MAX_NAME_WORDS = 4


@dataclass
class Speaker:
    name: str  # as a reader writes it: "Nguyễn Thị Lan"
    key: str
    gender: str = ""  # "m" / "f" from ông / bà, when the record says
    roles: List[str] = field(default_factory=list)


def title_cased(text: str) -> str:
    """ALL-CAPS words in Title case, same length ("NGUYỄN THỊ LAN" -> "Nguyễn Thị Lan")."""
    return re.sub(r"\w+", lambda m: m.group(0).capitalize() if m.group(0).isupper() else m.group(0), text)


def alias_form(text: str) -> List[str]:
    """A role or short reference as words to compare: lowercase, canonical tones."""
    return speaker_key(re.sub(r"[^\w/ ]+", " ", text)).split()


def find_name(text: str, short_ok: bool = False) -> Optional[Tuple[int, int, bool]]:
    """The first person's name in ``text``: (start, end, full). A full name is 2 to 4
    Title-case words from a surname ("Nguyễn Khắc Định"); with ``short_ok``, 1 or 2
    Title-case words right after an honorific or "Đại biểu" ("bà Lan") count as a short
    name (full False). Place names after "tỉnh", "huyện"... are skipped."""
    for m in _CAP_RUN.finditer(text):
        run: List[Tuple[int, int, str]] = []
        for w in _WORD.finditer(m.group(0)):
            if is_name_word(w.group(0)):
                run.append((m.start() + w.start(), m.start() + w.end(), w.group(0)))
                continue
            found = _name_in(text, run, short_ok) if run else None  # "UBND" ends a run
            if found:
                return found
            run = []
        found = _name_in(text, run, short_ok) if run else None
        if found:
            return found
    return None


def _name_in(text: str, run, short_ok: bool) -> Optional[Tuple[int, int, bool]]:
    before = " ".join(text[max(0, run[0][0] - 24):run[0][0]].lower().split()[-2:])
    k = 0
    if _after_place(before):
        # "tỉnh Sóc Trăng Lâm Minh Sang": the province, then a name; "huyện Châu Thành": a place.
        k = _place_length(run)
        if k == 0 and len(run) < 3:
            return None
    for s in range(k, len(run)):
        if run[s][2].lower() in SURNAMES and len(run) - s >= 2:
            end = min(len(run), s + MAX_NAME_WORDS)
            if end - s == 2 and canonical_province(text[run[s][0]:run[s + 1][1]]):
                return None  # "Hà Nội", "Lâm Đồng": a place, not a person
            return run[s][0], run[end - 1][1], True
        if run[s][2] == "Y" and len(run) - s >= 3:  # Ê Đê and Jrai names: "Y Thanh Hà Niê Kđăm"
            end = min(len(run), s + MAX_NAME_WORDS + 1)
            return run[s][0], run[end - 1][1], True
    if short_ok and 1 <= len(run) <= 2 and _after_honorific(before):
        return run[0][0], run[-1][1], False
    return None


def _after_place(before: str) -> bool:
    words = before.split()
    return bool(words) and (words[-1] in _PLACE_WORDS or " ".join(words[-2:]) in _PLACE_WORDS)


def _place_length(run) -> int:
    """How many words of ``run`` a province name takes (0: none, the run is no place)."""
    for size in (3, 2):
        if len(run) >= size and canonical_province(" ".join(t[2] for t in run[:size])):
            return size
    return 0


def _after_honorific(before: str) -> bool:
    words = before.split()
    return bool(words) and (words[-1] in HONORIFICS or " ".join(words[-2:]) in HONORIFICS
                            or words[-1] in ("biểu", "đb", "chủ"))


class Registry:
    """The speakers of one record, and the references that stand for them."""

    def __init__(self, introductions=None) -> None:
        # introductions(registry): registers the people the record introduces; run on the
        # first lookup that needs them (most records never make one).
        self._introductions = introductions
        self.by_key: Dict[str, Speaker] = {}
        self._aliases: Dict[Tuple[str, ...], Optional[str]] = {}  # role words -> key (None: ambiguous)
        self.last_by_gender: Dict[str, str] = {}

    def add(self, name: str, honorific: str = "", roles: Tuple[str, ...] = ()) -> Speaker:
        name = " ".join(title_cased(name).split())
        key = speaker_key(name)
        speaker = self.by_key.get(key)
        if speaker is None:
            speaker = self.by_key[key] = Speaker(name, key)
        gender = HONORIFICS.get(honorific.lower(), "")
        if gender:
            speaker.gender = gender
        for role in roles:
            self.add_alias(role, key)
            if role and role not in speaker.roles:
                speaker.roles.append(role)
        return speaker

    def add_alias(self, role: str, key: str) -> None:
        words = tuple(alias_form(role))
        if len(words) < 2:
            return
        known = self._aliases.get(words, key)
        self._aliases[words] = key if known == key else None

    def spoke(self, speaker: Speaker) -> None:
        if speaker.gender:
            self.last_by_gender[speaker.gender] = speaker.key

    def _introduced(self) -> None:
        introductions, self._introductions = self._introductions, None
        if introductions is not None:
            introductions(self)

    def short(self, words: str) -> Optional[Speaker]:
        """The one known speaker whose name ends with ``words`` ("Lan", "Thị Lan")."""
        self._introduced()
        tail = speaker_key(title_cased(words)).split()
        found = [s for s in self.by_key.values() if s.key.split()[-len(tail):] == tail]
        return found[0] if len(found) == 1 else None

    def by_role(self, text: str, min_words: int = 2) -> Optional[Speaker]:
        """The one speaker a role stands for: the role as registered, or one begun by it,
        or the start of it followed by a place ("... tỉnh Hậu Giang")."""
        self._introduced()
        words = tuple(alias_form(text))
        if len(words) < min_words:
            return None
        keys = set()
        for alias, key in self._aliases.items():
            shorter = min(len(alias), len(words))
            if shorter >= min_words and alias[:shorter] == words[:shorter] \
                    and (len(words) <= len(alias) or len(words) - len(alias) <= 4):
                keys.add(key)
        if len(keys) == 1 and None not in keys:
            return self.by_key[keys.pop()]
        return None

    def by_pronoun(self, honorific: str) -> Optional[Speaker]:
        key = self.last_by_gender.get(HONORIFICS.get(honorific.lower(), "?"))
        return self.by_key.get(key) if key else None
