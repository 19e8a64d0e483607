"""The package's layout: imports flow one way, and each module stays small.

Every module under searchidx/ is parsed (nothing is imported) and its imports read,
those inside functions included. Rules:

(a) no import cycles between searchidx modules, counting every import that runs
    (module level and inside functions; not those under ``if TYPE_CHECKING:``).
    A package ``__init__`` that only re-exports is transparent: ``from .query import
    build_query`` depends on query/builder.py, where build_query is defined, not on
    the package (the package itself still depends on all it re-exports);
(b) the read side (query, snippets, suggest, search, scripts) never imports the
    write side (writer, indexer, rebuild, lock, ingest, storage's segment writer): not
    directly, anywhere in its code, nor through what those imports import at module
    level (with the packages Python runs first: importing a.b runs a/__init__);
(c) only the cli package imports click; only serve/ imports the web stack (starlette,
    jinja2, markupsafe, uvicorn), and serve/ reads the index only (it is on the read side);
(d) no module is over 420 lines;
(e) outside storage/, whoosh is used through its user-facing API only (schema fields,
    analysis, queries, scoring, sorting, opening an index); its engine internals
    (codec, filedb, writing, matching, columns, reading, ...) stay behind storage/.
"""
from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "searchidx"
MAX_LINES = 420

READ_SIDE = ("searchidx.query", "searchidx.snippets", "searchidx.suggest", "searchidx.search",
             "searchidx.scripts", "searchidx.serve")
WEB_STACK = ("starlette", "jinja2", "markupsafe", "uvicorn")
WRITE_SIDE = ("searchidx.writer", "searchidx.indexer", "searchidx.rebuild", "searchidx.lock",
              "searchidx.ingest", "searchidx.storage.segments", "searchidx.storage.building",
              "searchidx.builders", "searchidx.pipeline", "searchidx.cluster")
WHOOSH_PUBLIC = ("whoosh.analysis", "whoosh.fields", "whoosh.index", "whoosh.query", "whoosh.scoring",
                 "whoosh.sorting")


@dataclass
class Import:
    target: str  # the module imported (a searchidx module, or an outside one such as whoosh.query)
    names: Tuple[str, ...]  # the names taken from it (``from target import names``), else ()
    module_level: bool  # runs when the module is imported (not inside a function)
    runtime: bool  # False under ``if TYPE_CHECKING:``
    line: int


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    lines: int
    only_reexports: bool
    imports: List[Import] = field(default_factory=list)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _is_module(name: str, known: Set[str]) -> bool:
    if name.split(".")[0] == "searchidx":
        return name in known
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _only_reexports(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.Assign) and all(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            continue
        return False
    return True


def _imports(tree: ast.Module, name: str, is_package: bool, known: Set[str]) -> List[Import]:
    found: List[Import] = []
    package = name if is_package else name.rpartition(".")[0]

    def visit(node: ast.AST, module_level: bool, runtime: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(alias.name, (), module_level, runtime, node.lineno))
            return
        if isinstance(node, ast.ImportFrom):
            if node.module == "__future__":
                return
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            for alias in node.names:
                # ``from pkg import sub`` imports the module pkg.sub; ``from mod import f`` takes f from mod
                sub = f"{source}.{alias.name}"
                if _is_module(sub, known):
                    found.append(Import(sub, (), module_level, runtime, node.lineno))
                else:
                    found.append(Import(source, (alias.name,), module_level, runtime, node.lineno))
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            module_level = False
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, module_level, False)
            for child in node.orelse:
                visit(child, module_level, runtime)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, module_level, runtime)

    visit(tree, True, True)
    return found


def _load() -> Dict[str, Module]:
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {_module_name(p) for p in paths}
    modules = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, str(path))
        name = _module_name(path)
        is_package = path.name == "__init__.py"
        modules[name] = Module(name, path, is_package, len(text.splitlines()),
                               is_package and _only_reexports(tree),
                               _imports(tree, name, is_package, known))
    return modules


MODULES = _load()


def _in(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _defining_module(package: Module, name: str) -> Optional[str]:
    """The module a re-exporting package takes ``name`` from."""
    for imp in package.imports:
        if name in imp.names or imp.target.rpartition(".")[2] == name:
            return imp.target
    return None


def _dependencies(module: Module) -> Set[str]:
    """The searchidx modules ``module`` depends on, through re-exporting packages."""
    out = set()
    for imp in module.imports:
        if not imp.runtime or imp.target not in MODULES:
            continue
        target = MODULES[imp.target]
        if target.only_reexports and imp.names:
            for name in imp.names:
                out.add(_defining_module(target, name) or target.name)
        else:
            out.add(target.name)
    out.discard(module.name)
    return out


def _cycles(graph: Dict[str, List[str]]) -> List[List[str]]:
    """The groups of modules that import each other, directly or not."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    components: List[List[str]] = []

    def connect(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in graph:
        if node not in index:
            connect(node)
    return components


def _with_parents(name: str) -> List[str]:
    """What ``import name`` runs: each enclosing package's __init__, then the module."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _write_side_reached(module: Module) -> List[str]:
    """Chains from ``module`` to the write side: its own imports (anywhere in its code),
    then what those run at module level."""
    chains = []
    seen: Set[str] = set()
    queue = [(m, [module.name, m]) for imp in module.imports if imp.runtime
             for m in _with_parents(imp.target) if m in MODULES]
    while queue:
        name, chain = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        if _in(name, WRITE_SIDE):
            chains.append(" -> ".join(chain))
            continue
        for imp in MODULES[name].imports:
            if imp.runtime and imp.module_level:
                for nxt in _with_parents(imp.target):
                    if nxt in MODULES and nxt not in seen:
                        queue.append((nxt, chain + [nxt]))
    return chains


def _where(module: Module, imp: Import) -> str:
    return f"{module.path.relative_to(PACKAGE.parent)}:{imp.line} imports {imp.target}"


# ---- the rules ---------------------------------------------------------------------


def test_the_parser_reads_every_kind_of_import():
    source = """
from typing import TYPE_CHECKING
import whoosh.index
from whoosh import query as wq
from . import search
from .query import build_query
from ..errors import QueryError
if TYPE_CHECKING:
    from .writer import IndexWriter
def later():
    from .storage.scorer import ArrayScorer
"""
    found = {i.target: i for i in _imports(ast.parse(source), "searchidx.cli.reading", False,
                                           set(MODULES) | {"searchidx.cli.search"})}
    assert set(found) == {"typing", "whoosh.index", "whoosh.query", "searchidx.cli.search",
                          "searchidx.cli.query", "searchidx.errors", "searchidx.cli.writer",
                          "searchidx.cli.storage.scorer"}
    assert found["searchidx.cli.query"].names == ("build_query",)
    assert not found["searchidx.cli.writer"].runtime
    assert found["searchidx.cli.storage.scorer"].runtime
    assert not found["searchidx.cli.storage.scorer"].module_level
    assert all(i.module_level for n, i in found.items() if n != "searchidx.cli.storage.scorer")
    # through a re-exporting package, to the module that defines the name
    assert "searchidx.query.builder" in _dependencies(MODULES["searchidx.search"])


def test_cycles_are_found():
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": [], "e": ["e", "d"]}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycles():
    cycles = _cycles({name: sorted(_dependencies(m)) for name, m in MODULES.items()})
    assert not cycles, "\n".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _in(n, READ_SIDE)))
def test_the_read_side_never_imports_the_write_side(name):
    chains = _write_side_reached(MODULES[name])
    assert not chains, "\n".join(chains)


def test_only_the_cli_imports_click():
    found = [_where(m, i) for m in MODULES.values() if not _in(m.name, ("searchidx.cli",))
             for i in m.imports if _in(i.target, ("click",))]
    assert not found, "\n".join(found)
    assert any(_in(i.target, ("click",)) for i in MODULES["searchidx.cli.group"].imports)


def test_only_serve_imports_the_web_stack():
    found = [_where(m, i) for m in MODULES.values() if not _in(m.name, ("searchidx.serve",))
             for i in m.imports if _in(i.target, WEB_STACK)]
    assert not found, "\n".join(found)
    assert any(_in(i.target, ("starlette",)) for i in MODULES["searchidx.serve.app"].imports)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_small(name):
    assert MODULES[name].lines <= MAX_LINES, f"{MODULES[name].path}: {MODULES[name].lines} lines"


def test_whoosh_internals_stay_in_storage():
    found = [_where(m, i) for m in MODULES.values() if not _in(m.name, ("searchidx.storage",))
             for i in m.imports
             if _in(i.target, ("whoosh",)) and not _in(i.target, WHOOSH_PUBLIC)]
    assert not found, "\n".join(found)
