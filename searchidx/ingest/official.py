"""A Document completed from its national layout: type, number, issuer, signer, the title
as its readers name it; and its people and agencies written one way each.

The layout is read by ingest.metadata.national; this module decides what wins: what the
author gave (front matter, JSON fields, a title) stays, the layout's title replaces one
taken from the first line ("ỦY BAN NHÂN DÂN") or a file's own title property ("BÁO CÁO").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from ..gazetteer import canonical_province
from .metadata.agency_forms import tidy_agencies
from .metadata.national import Layout, read_layout
from .metadata.people import person_roles, tidy_people

if TYPE_CHECKING:
    from .fields import Document

__all__ = ["OfficialLayout", "read_official", "apply_layout"]

_PLACE_OF = re.compile(r"\b(?:tỉnh|thành phố)\s+(.+)$")


@dataclass
class OfficialLayout(Layout):
    province: Optional[str] = None  # of the issuer, or of the place line


def read_official(text: str) -> Optional[OfficialLayout]:
    layout = read_layout(text)
    if layout is None:
        return None
    official = OfficialLayout(**vars(layout))
    for name in (official.issuer, official.parent_issuer):
        found = _PLACE_OF.search(name)
        if found and canonical_province(found.group(1)):
            official.province = canonical_province(found.group(1))
            break
    else:
        if official.place and "," not in official.place:
            official.province = canonical_province(official.place)
    return official


def apply_layout(doc: "Document", layout: Optional[OfficialLayout], keep_title: bool,
                 given: Optional[dict] = None) -> "Document":
    """``doc`` with the layout's fields (when there is one), its detected people and
    agencies tidied (those the author gave, ``given``, are kept as written)."""
    given = given or {}
    if layout is not None:
        doc.doc_type = layout.doc_type
        doc.number = layout.number
        doc.issuer = layout.issuer
        doc.parent_issuer = layout.parent_issuer
        doc.signer = layout.signer
        doc.signer_position = layout.signer_position
        doc.signer_authority = layout.signer_authority
        doc.recipients = list(layout.recipients)
        if layout.title and not keep_title:
            doc.title = layout.title
        if layout.place:
            doc.extra.setdefault("place", layout.place)
        issuing = [n for n in (layout.parent_issuer.split(" / ") + [layout.issuer]) if n]
        if not given.get("agencies"):
            doc.agencies = issuing + [a for a in doc.agencies if a not in issuing]
        if layout.signers and not given.get("people"):
            doc.people = layout.signers + [p for p in doc.people if p not in layout.signers]
    if not given.get("people"):
        doc.people = tidy_people(doc.people)
    if not given.get("agencies"):
        # A province the author gave may not be the one the text's "UBND tỉnh" means.
        province = doc.province if not given.get("province") or layout is not None else None
        doc.agencies = tidy_agencies(doc.agencies, province)
    doc.roles = person_roles(doc.text, doc.people)
    if doc.signer and doc.signer_position and doc.signer not in doc.roles:
        # "Phó Chủ tịch UBND tỉnh Hà Giang"; "Phó Chánh Văn phòng" names its body already.
        head = doc.issuer.split()[:2]
        named = " ".join(head).lower() in doc.signer_position.lower()
        doc.roles[doc.signer] = doc.signer_position + (f" {doc.issuer}" if doc.issuer and not named else "")
    return doc
