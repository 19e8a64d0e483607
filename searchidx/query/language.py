"""The query language: user text -> a syntax tree, leniently.

Free words (ranked, all optional), "quoted phrases", AND / OR / NOT / -word,
parentheses, and fields: title:, province:, people:, id:, agency:, date:2023-10,
date:[2023-01 TO 2023-06], and a document's layout: type:, number:, issuer:, signer:
(type:bien ban needs no quotes: words that go on naming a type belong to it). Malformed syntax (a lone quote, a dangling AND, an
unknown field) degrades to plain words with a warning: a search box should not
answer a typo with an error.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import List, Optional, Tuple, Union

from ..analysis import fold, normalize_text
from ..doctypes import DOCUMENT_TYPES

__all__ = ["FIELDS", "MAX_QUERY_CHARS", "MAX_NESTING", "Words", "Phrase", "FieldFilter", "Not", "All",
           "Any_", "Seq", "Node", "ParsedQuery", "clip_query", "parse_query"]

FIELDS = {"title", "province", "people", "date", "id", "agency", "agencies", "type", "number",
          "issuer", "signer"}

_TOKEN = re.compile(
    r"""
    (?P<lp>\() | (?P<rp>\))
    | (?P<neg>-)?(?:(?P<field>[A-Za-z_]+):)?
      (?: "(?P<phrase>[^"]*)" | \[(?P<range>[^\]]*)\] | (?P<word>[^\s()"]+) )
    | (?P<quote>")
    """,
    re.VERBOSE,
)


@dataclass
class Words:
    text: str


@dataclass
class Phrase:
    text: str


@dataclass
class FieldFilter:
    field: str
    value: str
    is_range: bool = False


@dataclass
class Not:
    node: "Node"


@dataclass
class All:
    nodes: List["Node"]


@dataclass
class Any_:
    nodes: List["Node"]


@dataclass
class Seq:
    """Juxtaposed items: free words rank, everything else must hold."""

    nodes: List["Node"]


Node = Union[Words, Phrase, FieldFilter, Not, All, Any_, Seq]


@dataclass
class ParsedQuery:
    root: Node
    warnings: List[str] = field(default_factory=list)


def _lex(text: str) -> List[tuple]:
    out = []
    for m in _TOKEN.finditer(text):
        if m.group("lp"):
            out.append(("(",))
        elif m.group("rp"):
            out.append((")",))
        elif m.group("quote"):
            out.append(("quote",))
        else:
            fld = (m.group("field") or "").lower() or None
            neg = bool(m.group("neg"))
            if m.group("phrase") is not None:
                out.append(("item", neg, fld, "phrase", m.group("phrase")))
            elif m.group("range") is not None:
                out.append(("item", neg, fld, "range", m.group("range")))
            else:
                out.append(("item", neg, fld, "word", m.group("word")))
    return out


MAX_QUERY_CHARS = 1000  # longer text is cut: no one types more, and cost grows with it
MAX_NESTING = 32  # deeper parentheses or NOTs are read as plain words


def clip_query(text: str) -> Tuple[str, Optional[str]]:
    """The query normalized and cut to MAX_QUERY_CHARS at a space, with a warning if cut."""
    text = normalize_text(text or "")
    if len(text) <= MAX_QUERY_CHARS:
        return text, None
    cut = text.rfind(" ", 0, MAX_QUERY_CHARS)
    return text[: cut if cut > 0 else MAX_QUERY_CHARS], f"the query was cut to {MAX_QUERY_CHARS} characters"


class _Parser:
    def __init__(self, tokens: List[tuple], warnings: List[str]):
        self.tokens = tokens
        self.i = 0
        self.warnings = warnings
        self.depth = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def is_op(self, tok, name: str) -> bool:
        return tok is not None and tok[0] == "item" and not tok[1] and tok[2] is None \
            and tok[3] == "word" and tok[4] == name

    def parse_or(self) -> Node:
        parts = [self.parse_and()]
        while self.is_op(self.peek(), "OR"):
            self.i += 1
            parts.append(self.parse_and())
        parts = [p for p in parts if not _empty(p)]
        if len(parts) == 1:
            return parts[0]
        return Any_(parts) if parts else Seq([])

    def parse_and(self) -> Node:
        groups: List[List[Node]] = [[]]
        while True:
            tok = self.peek()
            if tok is None or tok[0] == ")" or self.is_op(tok, "OR"):
                break
            if self.is_op(tok, "AND"):
                self.i += 1
                groups.append([])
                continue
            node = self.parse_unary()
            if node is not None:
                groups[-1].append(node)
        seqs = [Seq(_join_words(g)) for g in groups if g]
        if len(groups) > 1 and any(not g for g in groups):
            self.warnings.append("a dangling AND was ignored")
        if not seqs:
            return Seq([])
        return seqs[0] if len(seqs) == 1 else All(seqs)

    def _too_deep(self) -> None:
        if _too_deep_warning() not in self.warnings:
            self.warnings.append(_too_deep_warning())

    def _nested(self, parse):
        """``parse()`` one level deeper (parentheses and NOTs count against MAX_NESTING)."""
        self.depth += 1
        try:
            return parse()
        finally:
            self.depth -= 1

    def parse_unary(self) -> Optional[Node]:
        tok = self.tokens[self.i]
        self.i += 1
        if tok[0] == "(":
            if self.depth >= MAX_NESTING:
                self._too_deep()
                return None
            inner = self._nested(self.parse_or)
            if self.peek() is not None and self.peek()[0] == ")":
                self.i += 1
            else:
                self.warnings.append("an unclosed parenthesis was closed")
            return inner
        if tok[0] == ")":
            self.warnings.append("a stray ')' was ignored")
            return None
        if tok[0] == "quote":
            self.warnings.append("an unbalanced quote was ignored")
            return None
        if self.is_op(tok, "NOT"):
            nxt = self.peek()
            if nxt is None or nxt[0] == ")":
                self.warnings.append("a dangling NOT was ignored")
                return None
            if self.depth >= MAX_NESTING:
                self._too_deep()
                return None
            operand = self._nested(self.parse_unary)
            return Not(operand) if operand is not None else None
        if self.is_op(tok, "AND") or self.is_op(tok, "OR"):
            return None
        _, neg, fld, kind, value = tok
        if fld == "type" and kind == "word":
            value = self._type_words(value)
        node = _item(fld, kind, value, self.warnings)
        return Not(node) if neg and node is not None else node


    def _type_words(self, value: str) -> str:
        """type:bien ban reads as type:"bien ban": the plain words after a type: that
        continue the name of a document type belong to it."""
        while True:
            tok = self.peek()
            if tok is None or tok[0] != "item" or tok[1] or tok[2] or tok[3] != "word":
                return value
            longer = f"{value} {tok[4]}"
            if not any(_folded_type(name).startswith(_folded_type(longer))
                       for name in DOCUMENT_TYPES):
                return value
            value = longer
            self.i += 1


def _folded_type(text: str) -> str:
    return " ".join(fold(text).lower().split()) + " "


def _too_deep_warning() -> str:
    return f"nesting deeper than {MAX_NESTING} levels was read as plain words"


def _item(fld: Optional[str], kind: str, value: str, warnings: List[str]) -> Optional[Node]:
    if fld and fld not in FIELDS:
        warnings.append(f"unknown field {fld!r}: searched as words")
        value = f"{fld} {value}"
        fld = None
    if fld:
        return FieldFilter("agencies" if fld == "agency" else fld, value, is_range=(kind == "range"))
    if kind == "phrase":
        return Phrase(value)
    if kind == "range":
        return Words(value.replace(" TO ", " "))
    return Words(value)


def _join_words(nodes: List[Node]) -> List[Node]:
    """Adjacent free words form one text, so pyvi segments them together."""
    out: List[Node] = []
    for node in nodes:
        if isinstance(node, Words) and out and isinstance(out[-1], Words):
            out[-1] = Words(out[-1].text + " " + node.text)
        else:
            out.append(node)
    return out


def _empty(node: Node) -> bool:
    return isinstance(node, Seq) and not node.nodes


def parse_query(text: str) -> ParsedQuery:
    """Parse ``text`` leniently: syntax errors become warnings, never exceptions."""
    text, clipped = clip_query(text)
    warnings: List[str] = [clipped] if clipped else []
    tokens = _lex(text)
    parser = _Parser(tokens, warnings)
    parts = []
    while parser.i < len(tokens):
        parts.append(parser.parse_or())
        if parser.peek() is not None and parser.peek()[0] == ")":
            parser.i += 1
            warnings.append("a stray ')' was ignored")
    parts = [p for p in parts if not _empty(p)]
    root: Node = parts[0] if len(parts) == 1 else Seq(parts)
    if _too_deep_warning() in warnings:
        # The parentheses past the limit are the ones left open: one line says it.
        warnings = [w for w in warnings if w != "an unclosed parenthesis was closed"]
    return ParsedQuery(root, _counted(warnings))


# A warning repeated is said once, counted: 500 stray parentheses make one line.
_PLURALS = {
    "a stray ')' was ignored": "{n} stray ')' were ignored",
    "an unclosed parenthesis was closed": "{n} unclosed parentheses were closed",
    "an unbalanced quote was ignored": "{n} unbalanced quotes were ignored",
    "a dangling NOT was ignored": "{n} dangling NOTs were ignored",
    "a dangling AND was ignored": "{n} dangling ANDs were ignored",
}


def _counted(warnings: List[str]) -> List[str]:
    counts = Counter(warnings)
    out = []
    for warning, n in counts.items():  # in order of first appearance
        if n == 1:
            out.append(warning)
        else:
            out.append(_PLURALS.get(warning, "{w} ({n} times)").format(n=n, w=warning))
    return out
