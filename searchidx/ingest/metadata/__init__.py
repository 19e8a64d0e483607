"""Metadata detected in the body of a report: date, province, officials, agencies.

Everything here is rule-based and precision-first: a wrong province or a street
name listed as an official is worse in a facet than a missing one. The rules lean on
how Vietnamese news and reports are written: proper names are Title-case syllable
runs ("Hồ Thu Ánh", "Hà Giang"), officials come with a title or honorific next to
their name ("bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh"), and the province of a report
is named after "tỉnh"/"thành phố"/"UBND tỉnh".

The functions run on every article of large batches, so patterns are compiled once
and the text is scanned for capitalized runs once per call of extract_metadata().

names: the capitalized-run scan and name words; places: provinces; people:
officials; agencies: agencies.
"""
from __future__ import annotations

from typing import Dict

from ...dates import detect_date
from .agencies import MAX_AGENCIES, agency_matches, detect_agencies
from .names import SURNAMES, dedupe
from .people import detect_people, person_candidates
from .places import best_province, detect_province, province_mentions, scan

__all__ = [
    "detect_province",
    "detect_people",
    "detect_agencies",
    "extract_metadata",
    "SURNAMES",
]


def extract_metadata(text: str) -> Dict[str, object]:
    """All detected fields at once, scanning the text once: date, province, people, agencies."""
    runs = scan(text)
    return {
        "date": detect_date(text),
        "province": best_province(province_mentions(text, runs)),
        "people": dedupe(person_candidates(text, runs)),
        "agencies": dedupe(agency_matches(text), MAX_AGENCIES),
    }
