"""One spelling per agency within a document: long forms shortened, a bare level
completed with the text's own province, short names taken as the body the text names
in full. (agencies.py finds the names; this decides which are one body.)"""
from __future__ import annotations

import re
from typing import List, Optional

from ...analysis.normalize import fold
from ...doctypes import shorten_long_forms
from ...gazetteer import ALL_PROVINCES, CITIES_AFTER_2025
from .agencies import MAX_AGENCIES, tones

__all__ = ["tidy_agencies"]

_BARE_LEVEL = re.compile(r"^(?P<name>.+?)\s+(?P<level>tỉnh|thành phố)$")
_BARE_PARTY = re.compile(r"^(?P<name>(?:.+ )?(?:Tỉnh ủy|Thành ủy))$")
_BARE_STEERING = re.compile(r"^Ban Chỉ đạo(?: (?:tỉnh|thành phố|huyện))?$")


_LEVEL_AFTER = re.compile(r"^ (?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường) \S")


_ENDS_WITH_LEVEL = re.compile(r" (?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường)$")


def _merge_bare(names: List[str]) -> List[str]:
    """A body named once with its place and once without ("Sở Y tế tỉnh Hà Giang", "Sở Y
    tế") is the one with its place, when the text names only one such."""
    out = []
    for name in names:
        longer = {n for n in names if n.startswith(name + " ") and (
            _LEVEL_AFTER.match(n[len(name):]) or _ENDS_WITH_LEVEL.search(name))}
        out.append(longer.pop() if len(longer) == 1 else name)
    return out


def tidy_agencies(names: List[str], province: Optional[str]) -> List[str]:
    """One spelling per agency within a document, in order: long forms shortened
    ("Ủy ban nhân dân" -> "UBND"), a bare level completed with the document's province
    ("Ban Chỉ đạo về Nhân quyền tỉnh" -> "… tỉnh Hậu Giang", which the text also names),
    and "Ban Chỉ đạo tỉnh" taken as the one steering committee the text names in full."""
    names = _merge_bare(names)

    cleaned = [tones(shorten_long_forms(name)).replace("Uỷ", "Ủy") for name in names]
    named = {p for p in ALL_PROVINCES for n in cleaned if n.endswith(f"tỉnh {p}")}
    if len(named) == 1:  # the text's own province, as it names it
        province = named.pop()
    elif named:
        province = None  # several: "UBND tỉnh" could be any of them
    steering = {n for n in cleaned if n.startswith("Ban Chỉ đạo ") and not _BARE_STEERING.match(n)}
    if len(steering) > 1 and province:  # "… tỉnh" and "… tỉnh Hà Giang": one committee
        steering = {n for n in steering if n.endswith(province)} or steering
    if len(steering) == 1:
        only = steering.pop()
        cleaned = [only if _BARE_STEERING.match(n) else n for n in cleaned]
    completed: List[str] = []
    for name in cleaned:
        bare = _BARE_LEVEL.match(name)
        if bare and province in ALL_PROVINCES:
            city = province in CITIES_AFTER_2025
            if (bare.group("level") == "thành phố") == city:
                name = f"{name} {province}"
        party = _BARE_PARTY.match(name)
        if party and province in ALL_PROVINCES and name.endswith("Thành ủy") == (province in CITIES_AFTER_2025):
            name = f"{name} {province}"
        completed.append(name)
    seen = set()
    result: List[str] = []
    for name in completed:
        key = " ".join(fold(name).lower().split())
        if key not in seen:
            seen.add(key)
            result.append(name)
    return result[:MAX_AGENCIES]
