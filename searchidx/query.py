"""User query text -> whoosh query.

The query language: free words (ranked, all optional), "quoted phrases" (over
syllables, so robust to segmentation), AND / OR / NOT / -word, parentheses, and
fields: title:, province:, people:, id:, date:2023-10, date:[2023-01 TO 2023-06].
Malformed syntax (a lone quote, a dangling AND, an unknown field) degrades to
plain words: a search box should not answer a typo with an error.

Ranking of free words mixes, with weights (see RankingWeights):
exact syllables and pyvi words when the user typed diacritics, folded syllables
and folded words always, adjacent syllables that link two words, and a phrase
bonus when the words stand together. A query typed with diacritics is read as
typed, bare syllables included ("CO" is not "có").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple, Union

from whoosh import query as wq

from .analysis import analyze_text, fold, has_diacritics, normalize_text, normalize_token
from .errors import QueryError
from .dates import date_key, parse_date

__all__ = ["RankingWeights", "ParsedQuery", "parse_query", "build_query", "QueryPlan", "parse_date",
           "date_range_query", "province_query"]


@dataclass
class RankingWeights:
    """Boosts of each field's contribution to a free-text query's score."""

    words: float = 1.0  # exact pyvi words and syllable n-grams
    syllables: float = 0.0  # exact syllables
    folded_words: float = 0.3  # folded words when the query has diacritics
    folded_syllables: float = 0.1
    unaccented_words: float = 1.0  # folded words when the query has none
    unaccented_syllables: float = 0.5
    title: float = 0.0  # multiplier for the title fields
    phrase: float = 1.0  # whole query as a phrase (short queries)
    max_ngram: int = 3  # adjacent syllables joined as candidate words
    frequent_ratio: float = 0.5  # syllables in more than this share of documents do not score
    all_words_first_upto: int = 3  # queries this short rank documents with every word first
    question_words: bool = True  # leave interrogatives (gì, nào, bao nhiêu) out of the score
    pairs: float = 0.6  # adjacent query syllables found adjacent in the document
    k1: float = 1.5  # BM25 term-frequency saturation
    b: float = 0.75  # BM25 length normalization
    title_b: float = 0.3
    pairs_in_word: float = 0.0  # share of `pairs` for a pair inside one word matched as typed
    accented_share: float = 0.5  # a query with marks on this share of its syllables is read as typed


# Words that make a question rather than say what it is about: "bệnh gì", "khi nào".
# Folded for queries typed without marks; as written for queries read as typed,
# where "Thi" (a name), "CO" or "não" (brain) ask nothing.
_QUESTION_TEXT = """
gì nào sao đâu ai bao nhiêu mấy thế như thì là có không phải được những các của
""".split()
QUESTION_WORDS = frozenset(fold(w) for w in _QUESTION_TEXT)
QUESTION_WORDS_EXACT = frozenset(normalize_token(w) for w in _QUESTION_TEXT)

# ---- parsing ---------------------------------------------------------------

FIELDS = {"title", "province", "people", "date", "id", "agency", "agencies"}

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

    def parse_unary(self) -> Optional[Node]:
        tok = self.tokens[self.i]
        self.i += 1
        if tok[0] == "(":
            if self.depth >= MAX_NESTING:
                self._too_deep()
                return None
            self.depth += 1
            inner = self.parse_or()
            self.depth -= 1
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
            self.depth += 1
            operand = self.parse_unary()
            self.depth -= 1
            return Not(operand) if operand is not None else None
        if self.is_op(tok, "AND") or self.is_op(tok, "OR"):
            return None
        _, neg, fld, kind, value = tok
        node = _item(fld, kind, value, self.warnings)
        return Not(node) if neg and node is not None else node


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
    return ParsedQuery(root, warnings)


# ---- dates -----------------------------------------------------------------

def _quote(value: str, limit: int = 60) -> str:
    """``value`` fit for a one-line error message: whitespace folded, long text cut."""
    flat = " ".join(str(value).split())
    return repr(flat if len(flat) <= limit else flat[:limit] + "…")


def province_query(name: str) -> wq.Query:
    """Documents of one province, however it is spelled ("ha giang", "TP.HCM")."""
    from .gazetteer import province_key

    return wq.Term("province_key", province_key(name))


def date_range_query(lo: Optional[str], hi: Optional[str]) -> wq.Query:
    """Documents dated within [lo, hi], each of day, month or year precision."""
    low = date_key(parse_date(lo)) if lo else None
    high = date_key(parse_date(hi), upper=True) if hi else None
    if low is not None and high is not None and low > high:
        raise QueryError(f"empty date range: {_quote(lo)} is after {_quote(hi)}")
    return wq.NumericRange("day", low, high)


# ---- building whoosh queries -------------------------------------------------

# Title fields beside body fields; the title is also inside the body fields, so
# this is an extra boost only (0 by default: tuning found it hurts, see bench/RESULTS.md).
_TITLE_FIELD = {"body": "title", "body_folded": "title_folded"}


@dataclass
class Unit:
    """One query word: a syllable or a compound (15/2020/NĐ-CP), normalized and folded."""

    exact: str
    folded: str
    accented: bool
    parts: Tuple[str, ...] = ()  # a compound's syllables, for phrase fallback


@dataclass
class QueryPlan:
    """The whoosh query and what highlighting needs to know about it."""

    query: wq.Query
    all_words: Optional[wq.Query]  # documents with every free word (short queries), else None
    highlight_exact: set
    highlight_folded: set
    units: List[Unit]
    warnings: List[str]


def _units(text: str) -> Tuple[List[Unit], List[str]]:
    """Query words of ``text`` (syllables and compounds) and pyvi's words of it."""
    analysis = analyze_text(text, segment=True)
    covered = set()
    units: List[Unit] = []
    by_pos = {}
    for surface, start, end, pos in analysis.compounds:
        parts = tuple(
            normalize_token(s[0]) for s in analysis.syllables if s[1] >= start and s[2] <= end
        )
        norm = normalize_token(surface)
        by_pos.setdefault(pos, []).append(Unit(norm, fold(norm), has_diacritics(norm), parts))
        covered.update(range(pos, pos + len(parts)))
    for pos, (surface, start, end) in enumerate(analysis.syllables):
        if pos in by_pos:
            units.extend(by_pos[pos])
        if pos not in covered:
            norm = normalize_token(surface)
            units.append(Unit(norm, fold(norm), has_diacritics(norm)))
    words = [normalize_token(w[0]) for w in analysis.words]
    return units, words


def _syllables(text: str) -> List[str]:
    return [normalize_token(s[0]) for s in analyze_text(text, segment=False).syllables]


class QueryBuilder:
    def __init__(self, reader, weights: RankingWeights):
        self.reader = reader
        self.weights = weights
        self.doc_count = max(1, reader.doc_count_all())
        self.highlight_exact: set = set()
        self.highlight_folded: set = set()
        self.scoring: List[wq.Query] = []
        self.free_units: List[Unit] = []
        self.free_words: List[str] = []

    # -- boolean matches -------------------------------------------------
    def unit_match(self, unit: Unit, fields=("body", "title")) -> wq.Query:
        folded_fields = {"body": "body_folded", "title": "title_folded"}
        if unit.accented:
            self.highlight_exact.add(unit.exact)
            return wq.Or([wq.Term(f, unit.exact) for f in fields])
        self.highlight_folded.add(unit.folded)
        return wq.Or([wq.Term(folded_fields[f], unit.folded) for f in fields])

    def phrase_match(self, text: str, fields=("body", "title")) -> Optional[wq.Query]:
        """Syllables in order (folded positions); an accented phrase's syllables exactly."""
        syllables = _syllables(text)
        if not syllables:
            return None
        folded = [fold(s) for s in syllables]
        self.highlight_folded.update(f for s, f in zip(syllables, folded) if s == f)
        self.highlight_exact.update(s for s, f in zip(syllables, folded) if s != f)
        per_field = {}
        for name in fields:
            in_order = _in_order(name, folded)
            exact = [wq.Term(name, s) for s, f in zip(syllables, folded) if s != f]
            per_field[name] = wq.And([in_order] + exact) if exact else in_order
        if "body" in per_field and "title" in per_field:
            # The body fields hold the title too, so a phrase of the title is a phrase of
            # the body; the title's words only add to the score. (A positional match in
            # the title would run in Python, one candidate at a time.)
            title_words = wq.And([wq.Term("title_folded", f) for f in dict.fromkeys(folded)])
            return wq.AndMaybe(per_field["body"], title_words)
        return wq.Or(list(per_field.values()))

    def words_match(self, text: str, fields=("body", "title")) -> Optional[wq.Query]:
        units, _ = _units(text)
        if not units:
            return None
        return wq.And([self.unit_match(u, fields) for u in units])

    def field_match(self, node: FieldFilter) -> Optional[wq.Query]:
        name, value = node.field, node.value.strip()
        if name == "date":
            if node.is_range:
                bounds = re.split(r"\s*\bTO\b\s*", value.strip(), flags=re.IGNORECASE)
                if len(bounds) != 2:
                    raise QueryError(f"date range must read [FROM TO TO]: {_quote(value)}")
                lo, hi = (b.strip() if b.strip() not in ("*", "") else None for b in bounds)
                return date_range_query(lo, hi)
            return date_range_query(value, value)
        if name == "province":
            return province_query(value)
        if name == "id":
            return wq.Term("id", value)
        if name == "title":
            return self.phrase_match(value, fields=("title",)) if " " in value else self.words_match(value, ("title",))
        if name == "people":
            terms = [fold(s) for s in _syllables(value)]
            if not terms:
                return None
            return wq.Term("people_folded", terms[0]) if len(terms) == 1 else wq.Phrase("people_folded", terms)
        if name == "agencies":
            return wq.Term("agencies", value)
        return None

    def match(self, node: Node) -> Optional[wq.Query]:
        """A boolean query for ``node``; free words are also collected for scoring."""
        if isinstance(node, Words):
            self.collect(node.text)
            return self.words_match(node.text)
        if isinstance(node, Phrase):
            self.collect(node.text)
            return self.phrase_match(node.text)
        if isinstance(node, FieldFilter):
            return self.field_match(node)
        if isinstance(node, Not):
            inner = self.match_quietly(node.node)
            return wq.Not(inner) if inner is not None else None
        if isinstance(node, (All, Seq)):
            parts = [self.match(n) for n in node.nodes]
            parts = [p for p in parts if p is not None]
            return wq.And(parts) if parts else None
        if isinstance(node, Any_):
            parts = [self.match(n) for n in node.nodes]
            parts = [p for p in parts if p is not None]
            return wq.Or(parts) if parts else None
        raise TypeError(node)

    def match_quietly(self, node: Node) -> Optional[wq.Query]:
        """A match for an excluded part: its words must not be highlighted or scored."""
        saved = (set(self.highlight_exact), set(self.highlight_folded),
                 list(self.free_units), list(self.free_words))
        try:
            return self.match(node)
        finally:
            self.highlight_exact, self.highlight_folded, self.free_units, self.free_words = saved

    # -- ranking -----------------------------------------------------------
    def collect(self, text: str) -> None:
        """Remember free words for scoring and highlighting."""
        units, words = _units(text)
        self.free_units.extend(units)
        self.free_words.extend(words)
        for u in units:
            if u.accented:
                self.highlight_exact.add(u.exact)
            else:
                self.highlight_folded.add(u.folded)

    def _frequent(self, fieldname: str, term: str) -> bool:
        return self.reader.doc_frequency(fieldname, term) > self.weights.frequent_ratio * self.doc_count

    def scoring_query(self, units: List[Unit], pyvi_words: List[str]) -> Optional[wq.Query]:
        w = self.weights
        accented = any(u.accented for u in units)
        # A query typed with marks is read as typed: its unmarked syllables are meant
        # so too ("CO", "Thi", "anh" are not "có", "thì", "ảnh"). A query with marks on
        # only a few syllables is taken as typed carelessly: its bare syllables stay folded.
        letters = [u for u in units if not u.parts and u.folded.isalpha()]
        as_typed = accented and sum(u.accented for u in letters) >= w.accented_share * len(letters)
        clauses: List[wq.Query] = []

        def add(fieldname: str, term: str, boost: float) -> None:
            if boost > 0:
                clauses.append(wq.Term(fieldname, term, boost=boost))
                if w.title > 0 and fieldname in _TITLE_FIELD:
                    clauses.append(wq.Term(_TITLE_FIELD[fieldname], term, boost=boost * w.title))

        def exact(text: str) -> bool:
            """Whether a syllable or word is matched as typed (else folded)."""
            return as_typed or has_diacritics(text)

        # Syllables and words found in most documents cost time and tell little:
        # they are left out of the score when enough others remain. Both tests look
        # at the form that scores: "nấm" is rare though "nam" is everywhere, and
        # "CO" asks nothing though "có" does.
        def uninformative(text: str, exact_field: str, folded_field: str) -> bool:
            if exact(text):
                return (self._frequent(exact_field, text)
                        or (w.question_words and text in QUESTION_WORDS_EXACT))
            folded = fold(text)
            return self._frequent(folded_field, folded) or (w.question_words and folded in QUESTION_WORDS)

        kept = [u for u in units if not uninformative(u.exact, "body", "body_folded")]
        filtered = len(kept) >= 3
        if not filtered:
            kept = units
        for u in kept:
            if u.parts:
                # A code or date (15/2020/NĐ-CP, 23/12/2018) is a word of its own
                # (pyvi splits it into pieces).
                if exact(u.exact):
                    add("body", u.exact, w.words)
                else:
                    add("body_folded", u.folded, w.unaccented_words)
            elif exact(u.exact):
                add("body", u.exact, w.syllables)
                if not (filtered and self._frequent("body_folded", u.folded)):
                    add("body_folded", u.folded, w.folded_syllables)
            else:
                add("body_folded", u.folded, w.unaccented_syllables)
                if not accented:
                    add("body", u.exact, w.unaccented_syllables * 0.2)
        # Words: pyvi's words of the query, and every run of 2..max_ngram syllables,
        # so a word matches whatever way pyvi split the query (case, context).
        syl = [u for u in units if not u.parts]
        candidates = list(pyvi_words)
        seen = set(candidates)
        for n in range(2, w.max_ngram + 1):
            for i in range(len(syl) - n + 1):
                ngram = "_".join(u.exact for u in syl[i:i + n])
                if ngram not in seen:
                    seen.add(ngram)
                    candidates.append(ngram)
        informative = [c for c in candidates if not uninformative(c, "words", "words_folded")]
        filtered = len(informative) >= 3
        if filtered:
            candidates = informative
        for word in candidates:
            folded = fold(word)
            if exact(word):
                add("words", word, w.words)
                if not (filtered and self._frequent("words_folded", folded)):
                    add("words_folded", folded, w.folded_words)
            else:
                add("words_folded", folded, w.unaccented_words)
        if w.pairs > 0:
            informative_syl = {id(u) for u in kept}
            # A pair inside a word matched as typed repeats that word's match:
            # it scores only between words (proximity), unless pairs_in_word says so.
            inside = set()
            for word in pyvi_words:
                if exact(word):
                    parts = word.split("_")
                    inside.update(zip(parts, parts[1:]))
            for a, b in zip(syl, syl[1:]):
                if id(a) in informative_syl and id(b) in informative_syl:
                    boost = w.pairs * (w.pairs_in_word if (a.exact, b.exact) in inside else 1.0)
                    if boost > 0:
                        clauses.append(wq.Term("body_pairs", a.folded + "_" + b.folded, boost=boost))
        if 1 < len(syl) <= 8 and w.phrase > 0:
            clauses.append(wq.And([wq.Term("body_pairs", a.folded + "_" + b.folded)
                                   for a, b in zip(syl, syl[1:])], boost=w.phrase))
        if not clauses:
            return None
        return wq.Or(clauses)


def build_query(reader, text: str, weights: Optional[RankingWeights] = None,
                filters: Sequence[wq.Query] = ()) -> QueryPlan:
    """Turn user query text into a ranked whoosh query (plus the filters given)."""
    weights = weights or RankingWeights()
    parsed = parse_query(text)
    builder = QueryBuilder(reader, weights)
    root = parsed.root
    nodes = root.nodes if isinstance(root, Seq) else [root]
    free = [n for n in nodes if isinstance(n, Words)]
    required = [n for n in nodes if not isinstance(n, Words)]
    for n in free:
        builder.collect(n.text)
    free_units = list(builder.free_units)
    must = [builder.match(n) for n in required]
    must = [m for m in must if m is not None]
    units = builder.free_units
    scoring = builder.scoring_query(units, builder.free_words)
    all_words = None
    # "Up to 3 words" counts pyvi's words: "giảm nghèo Hà Giang" is two.
    if free_units and len(builder.free_words) <= weights.all_words_first_upto:
        all_words = wq.And([_unit_any(u) for u in free_units])

    positives = [m for m in must if not isinstance(m, wq.Not)] + list(filters)
    negatives = [m.query for m in must if isinstance(m, wq.Not)]
    if positives:
        base = wq.And(positives)
        query = wq.AndMaybe(base, scoring) if scoring is not None else base
    elif scoring is not None:
        query = scoring
    else:
        query = wq.NullQuery
    if negatives and query is not wq.NullQuery:
        query = wq.AndNot(query, wq.Or(negatives))
    return QueryPlan(query, all_words, builder.highlight_exact, builder.highlight_folded,
                     units, parsed.warnings)


def _in_order(field: str, folded: List[str]) -> wq.Query:
    """Folded syllables in this order: pair terms in the body, positions in the title."""
    if len(folded) == 1:
        return wq.Term(field + "_folded", folded[0])
    if field == "body":
        return wq.And([wq.Term("body_pairs", a + "_" + b) for a, b in zip(folded, folded[1:])])
    return wq.Phrase(field + "_folded", folded)


def _unit_any(unit: Unit) -> wq.Query:
    """A document has this word: exactly when typed with marks, folded otherwise."""
    if unit.accented:
        return wq.Or([wq.Term("body", unit.exact), wq.Term("title", unit.exact)])
    return wq.Or([wq.Term("body_folded", unit.folded), wq.Term("title_folded", unit.folded)])
