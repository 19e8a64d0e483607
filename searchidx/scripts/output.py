"""Writing script results: a readable table, JSON, JSON lines or CSV."""
from __future__ import annotations

import csv
import json
import re
from typing import IO, TYPE_CHECKING, Iterable, List, Optional

from ..errors import ScriptError

if TYPE_CHECKING:
    from .loading import Script
    from .running import QueryResult

__all__ = ["FORMATS", "CSV_COLUMNS", "earlier_copies_note", "result_record", "table_lines", "write_results"]

FORMATS = ("table", "json", "jsonl", "csv")
CSV_COLUMNS = ("query", "rank", "id", "score", "title", "date", "province", "snippet", "missing",
               "type", "number", "issuer", "signer", "copies")


def result_record(result: QueryResult) -> dict:
    """The JSON record of one query: what ``--format jsonl`` prints on one line."""
    record = {
        "query": result.name,
        "total": result.total,
        "hits_total": result.hits_total,
        "earlier_copies": result.earlier_copies,
        "match": result.match,
        "notice": result.notice,
        "took_ms": round(result.took_ms, 2),
        "hits": [
            {
                "rank": hit.rank,
                "id": hit.id,
                "score": hit.score,
                "title": hit.title,
                "date": hit.date,
                "province": hit.province,
                "snippets": [s.to_dict() for s in hit.snippets],
                "missing": hit.missing,
                "type": hit.doc_type,
                "number": hit.number,
                "issuer": hit.issuer,
                "signer": hit.signer,
                "copies": hit.copies,
            }
            for hit in result.hits
        ],
    }
    if result.query.options.get("facets"):
        record["facets"] = result.facets
    return record


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _cut(text: str, width: int) -> str:
    text = _one_line(text)
    return text if len(text) <= width else text[: max(0, width - 1)].rstrip() + "…"


def earlier_copies_note(count: int) -> str:
    """The note on recent documents that copy one found before (not shown as new)."""
    if count == 1:
        return "1 recent document is a copy of one found before, and not shown as new"
    return f"{count} recent documents are copies of ones found before, and not shown as new"


def table_lines(result: QueryResult, width: int = 100) -> List[str]:
    """A readable summary of one query's hits."""
    count = result.total if result.hits_total is None else result.hits_total
    noun = ("new " if result.new else "") + ("hit" if count == 1 else "hits")
    how = " (ranked: any word)" if result.match == "any" else ""
    lines = [f"{result.name}: {count} {noun}{how} ({result.took_ms:.1f} ms)  q={result.query.q!r}"]
    if result.notice:
        lines.append(f"  Note: {result.notice}.")
    if result.earlier_copies:
        lines.append(f"  Note: {earlier_copies_note(result.earlier_copies)}.")
    for hit in result.hits:
        head = f"  {hit.rank:>3}. {hit.date or '-':<10} {_cut(hit.province or '-', 14):<14} "
        missing = f" (missing: {', '.join(hit.missing)})" if hit.missing else ""
        lines.append(head + _cut(f"{hit.title} [{hit.id}]{missing}", max(20, width - len(head))))
        if hit.snippets:
            lines.append(" " * 7 + _cut(hit.snippets[0].text, max(20, width - 7)))
    return lines


def write_results(
    results: Iterable[QueryResult],
    fmt: str,
    out: IO[str],
    width: int = 100,
    script: Optional[Script] = None,
) -> int:
    """Write ``results`` to ``out`` in ``fmt`` (table, json, jsonl, csv), streaming
    where the format allows. Returns the number of queries written."""
    if fmt not in FORMATS:
        raise ScriptError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    count = 0
    if fmt == "json":
        records = [result_record(r) for r in results]
        doc = {"script": script.path if script else None, "queries": records}
        out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return len(records)
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(CSV_COLUMNS)
    for result in results:
        if fmt == "jsonl":
            out.write(json.dumps(result_record(result), ensure_ascii=False) + "\n")
        elif fmt == "csv":
            for hit in result.hits:
                snippet = _one_line(hit.snippets[0].text) if hit.snippets else ""
                writer.writerow([result.name, hit.rank, hit.id, hit.score, hit.title,
                                 hit.date or "", hit.province or "", snippet, "; ".join(hit.missing),
                                 hit.doc_type, hit.number, hit.issuer, hit.signer,
                                 "; ".join(c["id"] for c in hit.copies)])
        else:
            if count:
                out.write("\n")
            out.write("\n".join(table_lines(result, width)) + "\n")
        count += 1
        out.flush()
    return count
