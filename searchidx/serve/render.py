"""What the page templates show, worked out in Python: marked text, facet links, paging.

Every piece of document text goes through markupsafe's ``escape``: a report holding
``<script>`` or a ``javascript:`` link shows as text. Links are built from the
request's own parameters, so every page of results is a URL that can be shared.
"""
from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import urlencode

from markupsafe import Markup, escape

from ..schema import page_of

__all__ = ["FACET_LABELS", "NOTICES", "marked", "url_with", "facet_groups", "active_filters", "page_links",
           "document_paragraphs"]

# The facets the library reports, with their Vietnamese names; any other is shown by its own name.
FACET_LABELS = {"province": "Tỉnh/thành", "year": "Năm", "type": "Loại văn bản",
                "issuer": "Cơ quan ban hành", "signer": "Người ký", "speaker": "Người phát biểu",
                "people": "Người", "agencies": "Cơ quan"}
# What the page says when the hits were not found as asked (searchidx.results.MATCH_KINDS).
NOTICES = {"any": "câu hỏi được xếp hạng theo mức liên quan: văn bản có bất kỳ từ nào.",
           "folded": "không văn bản nào có các từ đúng như đã gõ có dấu; đây là kết quả không "
                     "phân biệt dấu.",
           "partial": "không văn bản nào có đủ mọi từ; đây là các văn bản có nhiều từ nhất."}


def marked(text: str, marks: Sequence[Sequence[int]], first_id: Optional[int] = None) -> Markup:
    """``text`` escaped, its [start, end) ``marks`` in <mark> (numbered ids from ``first_id``)."""
    out: List[str] = []
    pos = 0
    number = first_id
    for start, end in sorted((int(a), int(b)) for a, b in marks):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out.append(str(escape(text[pos:start])))
        anchor = f' id="m{number}"' if number is not None else ""
        out.append(f"<mark{anchor}>{escape(text[start:end])}</mark>")
        if number is not None:
            number += 1
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def url_with(path: str, params: Mapping[str, str], **changes: Optional[str]) -> str:
    """``path`` with ``params`` changed: a value None drops the parameter; paging restarts
    unless the change is the page itself."""
    merged = dict(params)
    if "page" not in changes:
        merged.pop("page", None)
    for key, value in changes.items():
        key = key.rstrip("_")  # from_ for "from"
        if value is None or value == "":
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return path + ("?" + urlencode(merged) if merged else "")


def _field_term(name: str, value: str) -> str:
    return f'{name}:"{value}"'


def facet_groups(facets: Dict[str, Dict[str, int]], params: Mapping[str, str],
                 shown: int = 12) -> List[dict]:
    """Each facet the search reported: its label and its values (the first ``shown``, then the
    rest), each with a count, a link that filters by it (or removes the filter when it is on)
    and whether it is on."""
    groups = []
    q = params.get("q", "")
    for name, counts in facets.items():
        values = []
        if name == "year":  # newest first reads better than by count
            counts = dict(sorted(counts.items(), key=lambda kv: str(kv[0]), reverse=True))
        for value, count in counts.items():
            value = str(value)
            if name == "province":
                on = params.get("province") == value
                link = url_with("/", params, province=None if on else value)
            elif name == "year":
                on = params.get("from") == value and params.get("to") == value
                link = url_with("/", params, from_=None if on else value, to=None if on else value)
            elif name in ("type", "issuer"):  # the search's own options, shown as chips
                on = params.get(name) == value
                link = url_with("/", params, **{name: None if on else value})
            else:
                term = _field_term(name, value)
                on = term in q
                new_q = " ".join(q.replace(term, " ").split()) if on else f"{q} {term}".strip()
                link = url_with("/", params, q=new_q)
            values.append({"value": value or "—", "count": count, "link": link, "on": on})
        groups.append({"name": name, "label": FACET_LABELS.get(name, name),
                       "values": values[:shown], "rest": values[shown:]})
    return groups


def active_filters(params: Mapping[str, str]) -> List[Tuple[str, str]]:
    """(label, link that removes it) for each filter the search has."""
    out = []
    if params.get("province"):
        out.append((f"Tỉnh/thành: {params['province']}", url_with("/", params, province=None,
                                                                  merged=None)))
    if params.get("from") or params.get("to"):
        span = params.get("from", "…") if params.get("from") == params.get("to") else \
            f"{params.get('from', '…')} – {params.get('to', '…')}"
        out.append((f"Thời gian: {span}", url_with("/", params, from_=None, to=None)))
    if params.get("since"):
        out.append((f"Mới từ: {params['since']}", url_with("/", params, since=None)))
    for name, label in (("type", "Loại văn bản"), ("number", "Số"), ("issuer", "Cơ quan ban hành"),
                        ("signer", "Người ký"), ("speaker", "Người phát biểu")):
        if params.get(name):
            out.append((f"{label}: {params[name]}", url_with("/", params, **{name: None})))
    return out


def page_links(params: Mapping[str, str], page: int, limit: int, total: int,
               max_page: int) -> List[dict]:
    """Links to the pages around ``page`` (with the first and last), "…" for gaps."""
    last = min(max_page, max(1, -(-total // limit)))
    if last <= 1:
        return []
    numbers = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
    links, previous = [], 0
    for n in numbers:
        if n - previous > 1:
            links.append({"label": "…", "link": None, "current": False})
        links.append({"label": str(n), "link": url_with("/", params, page=str(n)),
                      "current": n == page})
        previous = n
    return links


def document_paragraphs(text: str, marks: Sequence[Sequence[int]],
                        pages: Optional[str]) -> Tuple[List[dict], List[dict]]:
    """The text as paragraphs to show (each escaped, its marks numbered in order, and the page
    it starts on for a PDF when that page starts within it), and the list of the marks (their
    number, page and a few words around them) for jumping from one to the next."""
    ordered = sorted((int(a), int(b)) for a, b in marks)
    starts = [int(p) for p in (pages or "").split(",") if p.strip()]
    paragraphs, listed, pos = [], [], 0
    for chunk in text.split("\n"):
        start, end = pos, pos + len(chunk)
        pos = end + 1
        inside = [(a, b) for a, b in ordered if a >= start and b <= end]
        # (page_of: an empty page starts where the next one does, and is never the one shown)
        new_pages = sorted({page_of(s, pages) for s in starts if start <= s <= end})
        paragraphs.append({"html": marked(chunk, [(a - start, b - start) for a, b in inside],
                                          len(listed) + 1),
                           "page": new_pages[0] if new_pages else None,
                           "blank": not chunk.strip()})
        for a, b in inside:  # (a mark across a line break is in no paragraph: not listed)
            listed.append({"number": len(listed) + 1, "text": text[a:b],
                           "page": page_of(a, pages) if pages else None})
    return paragraphs, listed
