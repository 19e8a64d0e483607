"""HTML: the main text of a saved page, without its menus, headers and footers.

The standard library's parser builds a forgiving tree; the text comes from the
article or main element when the page has one, the title and publication date from
its metadata (Open Graph, JSON-LD, microdata, <time>).
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from .. import encodings
from ...dates import value_date
from ...errors import DocumentError
from .common import Extracted, fix_legacy_title, guarded, join_blocks, one_line, reason, tidy

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
_BLOCK = frozenset(
    """address article aside blockquote caption dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre
    section summary table tbody td tfoot th thead tr ul body html""".split()
)
_DROP_TAGS = frozenset(
    """script style noscript template svg canvas iframe object embed form nav aside button
    select textarea input head dialog menu""".split()
)
_CHROME = re.compile(r"(?:^|[^a-z])(menu|nav|breadcrumb|footer|header|sidebar|share|comment)")
_INLINE_TAGS = frozenset(
    "a abbr b bdi bdo cite code data dfn em font i kbd mark q s samp small span strong sub sup time u var".split()
)


class _Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag: str, attrs: Dict[str, str], parent: "Optional[_Node]") -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: List[object] = []  # _Node or str
        self.parent = parent

    def iter(self) -> Iterator["_Node"]:
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed([c for c in node.children if isinstance(c, _Node)]))

    def text(self) -> str:
        return "".join(
            child if isinstance(child, str) else child.text() for child in self.children
        )


class _TreeBuilder(HTMLParser):
    """A forgiving tree: unclosed <p>, <li>, <td> close where HTML says they do."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#document", {}, None)
        self.current = self.root

    def _close_upto(self, tag: str, stop: Sequence[str]) -> None:
        node: Optional[_Node] = self.current
        while node is not None and node is not self.root:
            if node.tag == tag:
                self.current = node.parent or self.root
                return
            if node.tag in stop:
                return
            node = node.parent

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        if tag == "li":
            self._close_upto("li", ("ul", "ol", "menu"))
        elif tag in ("td", "th"):
            self._close_upto("td", ("tr", "table"))
            self._close_upto("th", ("tr", "table"))
        elif tag == "tr":
            self._close_upto("tr", ("table", "tbody", "thead", "tfoot"))
        elif tag in ("dt", "dd"):
            self._close_upto("dt", ("dl",))
            self._close_upto("dd", ("dl",))
        if tag in _BLOCK:
            # A block ends an open <p> (inline elements in between close with it).
            node: Optional[_Node] = self.current
            while node is not None and (node.tag in _INLINE_TAGS or node.tag == "p"):
                if node.tag == "p":
                    self.current = node.parent or self.root
                    break
                node = node.parent
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.current.tag == tag:
            self.current = self.current.parent or self.root

    def handle_endtag(self, tag: str) -> None:
        node: Optional[_Node] = self.current
        while node is not None and node is not self.root:
            if node.tag == tag:
                self.current = node.parent or self.root
                return
            node = node.parent  # an end tag with no open element is ignored

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def _html_charset(data: bytes) -> Optional[str]:
    head = data[:4096].decode("ascii", "replace")
    match = re.search(r"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", head, re.I)
    return match.group(1).lower() if match else None


def _html_text_of_bytes(display: str, data: bytes) -> str:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, "replace")
    declared = _html_charset(data)
    candidates = [declared] if declared else []
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    # No declaration that works and not UTF-8: what browsers assume, Windows-1252 (the
    # byte view, so a TCVN3 or VNI page is still decoded later).
    return encodings.bytes_view(data)


def _classes(node: _Node) -> str:
    return (node.attrs.get("class", "") + " " + node.attrs.get("id", "")).lower()


def _is_chrome(node: _Node, in_article: bool) -> bool:
    if node.tag in _DROP_TAGS or node.tag == "footer":
        return True
    if node.tag == "header" and not in_article:
        return True
    if node.attrs.get("role") in ("navigation", "banner", "contentinfo", "complementary", "search"):
        return True
    if node.attrs.get("hidden") is not None or node.attrs.get("aria-hidden") == "true":
        return True
    for match in _CHROME.finditer(_classes(node)):
        # An article's own header holds its title and lead: kept inside the article.
        if not (in_article and match.group(1) == "header"):
            return True
    return False


class _Renderer:
    """Text of a subtree: a blank line between blocks, one line per table row and list item."""

    def __init__(self, in_article: bool) -> None:
        self.in_article = in_article
        self.inline = 0  # inside a table cell or list item, blocks only add a space
        self.blocks: List[Tuple[str, str]] = []  # (text, kind)
        self.line: List[str] = []
        self.kind = "p"

    def flush(self, kind: Optional[str] = None) -> None:
        text = "".join(self.line)
        lines = [_SPACES.sub(" ", part).strip() for part in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append((text, self.kind))
        self.line = []
        self.kind = kind or "p"

    def render(self, node: _Node, pre: bool = False) -> None:
        for child in node.children:
            if isinstance(child, str):
                self.line.append(child if pre else re.sub(r"\s+", " ", child))
                continue
            if _is_chrome(child, self.in_article):
                continue
            tag = child.tag
            if tag == "br":
                self.line.append("\n")
            elif tag in ("td", "th"):
                if self.line and "".join(self.line).strip():
                    self.line.append(" | ")
                self.inline += 1
                self.render(child, pre)
                self.inline -= 1
            elif tag in ("tr", "li") and not self.inline:
                self.flush("row" if tag == "tr" else "item")
                self.inline += tag == "li"
                self.render(child, pre)
                self.inline -= tag == "li"
                self.flush()
            elif (tag in _BLOCK or tag == "pre") and self.inline:
                self.line.append(" ")
                self.render(child, pre or tag == "pre")
                self.line.append(" ")
            elif tag in _BLOCK or tag == "pre":
                self.flush()
                self.render(child, pre or tag == "pre")
                self.flush()
            elif tag == "img":
                continue
            else:
                self.render(child, pre)

    def text(self) -> str:
        self.flush()
        return tidy(join_blocks(self.blocks))


def _meta(nodes: Sequence[_Node]) -> Dict[str, str]:
    """<meta> values by lowercased property / name / itemprop (the first of each wins)."""
    found: Dict[str, str] = {}
    for node in nodes:
        if node.tag != "meta":
            continue
        key = node.attrs.get("property") or node.attrs.get("name") or node.attrs.get("itemprop")
        value = node.attrs.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), value.strip())
    return found


def _json_ld(nodes: Sequence[_Node]) -> Iterator[dict]:
    for node in nodes:
        if node.tag == "script" and "ld+json" in node.attrs.get("type", ""):
            try:
                data = json.loads(node.text())
            except ValueError:
                continue
            stack = [data]
            while stack:
                item = stack.pop()
                if isinstance(item, list):
                    stack.extend(item)
                elif isinstance(item, dict):
                    yield item
                    stack.extend(v for k, v in item.items() if k == "@graph")


_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "date", "dc.date.issued", "dc.date", "dcterms.issued", "dcterms.created",
)


def _html_date(nodes: Sequence[_Node], meta: Dict[str, str], root: _Node) -> Optional[str]:
    for key in _DATE_KEYS[:3]:
        if key in meta and value_date(meta[key]):
            return value_date(meta[key])
    for item in _json_ld(nodes):
        found = value_date(item.get("datePublished")) if isinstance(item.get("datePublished"), str) else None
        if found:
            return found
    for node in nodes:
        if node.attrs.get("itemprop", "").lower() == "datepublished":
            found = value_date(node.attrs.get("datetime") or node.attrs.get("content") or node.text())
            if found:
                return found
    for key in _DATE_KEYS[3:]:
        if key in meta and value_date(meta[key]):
            return value_date(meta[key])
    for node in root.iter():
        if node.tag == "time" and node.attrs.get("datetime"):
            found = value_date(node.attrs["datetime"])
            if found:
                return found
    return None


def _main_root(document: _Node) -> Tuple[_Node, bool]:
    """The element holding the page's main text, and whether it is an article or main."""

    def visible(node: _Node) -> bool:
        parent = node.parent
        while parent is not None:
            if parent.tag in _DROP_TAGS or parent.tag in ("header", "footer"):
                return False
            parent = parent.parent
        return True

    nodes = list(document.iter())
    articles = [n for n in nodes if n.tag == "article" and visible(n)]
    if articles:
        return max(articles, key=lambda n: len(" ".join(n.text().split()))), True
    for node in nodes:
        if (node.tag == "main" or node.attrs.get("role") == "main") and visible(node):
            return node, True
    body = next((n for n in nodes if n.tag == "body"), document)
    return body, False


@guarded("HTML")
def read_html(display: str, data: bytes) -> Extracted:
    """A saved web page: the main text (article or main when present), minus menus,
    headers, footers and sidebars; the title and publication date from its metadata."""
    source = _html_text_of_bytes(display, data)
    builder = _TreeBuilder()
    try:
        builder.feed(source)
        builder.close()
    except Exception as exc:  # html.parser is forgiving; this is a last resort
        raise DocumentError(display, f"cannot read HTML: {reason(exc)}") from None
    document = builder.root
    nodes = list(document.iter())
    meta = _meta(nodes)
    root, in_article = _main_root(document)
    renderer = _Renderer(in_article)
    renderer.render(root)
    text, encoding = encodings.fix(renderer.text())
    if not text.strip():
        raise DocumentError(display, "no text in the page")
    extracted = Extracted(text=text)
    title = meta.get("og:title", "")
    if not title:
        heading = next((n for n in root.iter() if n.tag == "h1"), None)
        title = heading.text() if heading is not None else ""
    if not title:
        tag = next((n for n in nodes if n.tag == "title"), None)
        title = tag.text() if tag is not None else ""
    extracted.title = fix_legacy_title(one_line(title), encoding)
    extracted.date = _html_date(nodes, meta, root)
    extra: Dict[str, str] = {}
    author = meta.get("author") or meta.get("article:author", "")
    if author and not author.startswith("http"):
        extra["author"] = fix_legacy_title(one_line(author), encoding)
    canonical = next(
        (n.attrs.get("href") for n in nodes if n.tag == "link"
         and "canonical" in n.attrs.get("rel", "").lower().split() and n.attrs.get("href")),
        None,
    )
    url = canonical or meta.get("og:url")
    if url:
        extra["url"] = url.strip()
    if encoding:
        extra["encoding"] = encoding
    extracted.extra = extra
    return extracted
