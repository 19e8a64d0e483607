"""Terminal output: width, color or bold marks, wrapped marked text, JSON, warnings."""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from typing import List, Optional, Sequence, Tuple

import click

__all__ = ["warn", "width", "isatty", "style_mode", "mark", "echo", "wrap_marked", "json_out",
           "color_option"]


def warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def width() -> int:
    """Output width: the terminal's (or $COLUMNS), within sensible bounds."""
    return max(40, min(shutil.get_terminal_size((100, 24)).columns, 160))


def isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def style_mode(color: Optional[bool]) -> str:
    """'color', 'bold' or 'plain' for marked words, from --color/--no-color and the output.

    Explicit ``--color`` always colors. Otherwise a terminal gets color unless
    NO_COLOR is set or ``--no-color`` is given, in which case marks are bold. A pipe
    gets plain text with no escape codes.
    """
    if color:
        return "color"
    if not isatty(sys.stdout):
        return "plain"
    if color is None and not os.environ.get("NO_COLOR"):
        return "color"
    return "bold"


def mark(text: str, mode: str) -> str:
    if mode == "color":
        return click.style(text, fg="yellow", bold=True)
    if mode == "bold":
        return click.style(text, bold=True)
    return text


def echo(line: str = "", mode: str = "plain") -> None:
    click.echo(line, color=True if mode != "plain" else None)


def wrap_marked(text: str, marks: Sequence[Tuple[int, int]], columns: int, indent: str,
                mode: str) -> List[str]:
    """Wrap ``text`` to ``columns``, styling the ``marks`` spans (offsets into text)."""
    lines: List[str] = []
    line: List[str] = []
    used = len(indent)
    for m in re.finditer(r"\S+", text):
        start, end = m.span()
        word = m.group()
        if line and used + 1 + len(word) > columns:
            lines.append(indent + " ".join(line))
            line, used = [], len(indent)
        pieces, pos = [], start
        for a, b in marks:
            a, b = max(a, start), min(b, end)
            if a >= b:
                continue
            pieces.append(text[pos:a])
            pieces.append(mark(text[a:b], mode))
            pos = b
        pieces.append(text[pos:end])
        used += len(word) + (1 if line else 0)
        line.append("".join(pieces))
    if line:
        lines.append(indent + " ".join(line))
    return lines


def json_out(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


color_option = click.option(
    "--color/--no-color",
    default=None,
    help="Force marked words in color, or mark them in bold only. "
    "Default: color on a terminal unless NO_COLOR is set; plain text in a pipe.",
)


def copies_line(count: int, documents: Optional[int] = None) -> str:
    """The line on copies folded into hits: ``count`` of all the ``documents`` found, or,
    without ``documents``, in the hits of this page."""
    if documents is not None:
        are = "is a copy" if count == 1 else "are copies"
        return (f"({documents} documents: {count} {are}, each listed under the report it copies; "
                "--no-collapse shows every document)")
    noun = "copy" if count == 1 else "copies"
    return f"({count} more {noun} of these reports listed under them; --no-collapse shows every document)"


def layout_lines(hit) -> list:
    """A hit's official-document line and its copies, when it has them."""
    lines = []
    parts = [" ".join(p for p in (hit.doc_type, hit.number) if p), hit.issuer,
             f"signed {hit.signer}" if hit.signer else ""]
    if any(parts):
        lines.append(" · ".join(p for p in parts if p))
    if hit.copies:
        lines.append("copies: " + ", ".join(f"{c['id']} ({c['format']})" for c in hit.copies))
    return lines


def layout_fields(doc: dict) -> list:
    """(name, value) lines of `show` for a document's national layout."""
    signer = doc.get("signer") or ""
    if signer and doc.get("signer_position"):
        signer += f", {doc['signer_position']}"
    if signer and doc.get("signer_authority"):
        signer += f" ({doc['signer_authority']})"
    return [
        ("type", doc.get("doc_type")),
        ("number", doc.get("number")),
        ("issuer", doc.get("issuer")),
        ("under", doc.get("parent_issuer")),
        ("signer", signer),
        ("to", "; ".join(doc.get("recipients") or [])),
    ]


def people_with_roles(doc: dict) -> str:
    roles = doc.get("roles") or {}
    return ", ".join(f"{p} ({roles[p]})" if p in roles else p for p in doc.get("people") or [])
