"""The README documents every command, and its examples run as written."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from searchidx.cli import cli

REPO = Path(__file__).resolve().parent.parent

README = (REPO / "README.md").read_text(encoding="utf-8")
SH_BLOCKS = re.findall(r"^```sh\n(.*?)^```", README, re.S | re.M)
EXAMPLES = [
    line.strip()
    for block in SH_BLOCKS
    for line in block.splitlines()
    if line.strip().startswith("searchidx ")
]


def test_quick_start_has_exactly_the_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```", section, re.S | re.M)
    assert [b.strip() for b in blocks] == [
        'pip install -e ".[formats]" && searchidx index corpus/ && searchidx search "nhan quyen"',
        'pip install -e ".[test]" && python -m pytest -q',
    ]


def test_ci_runs_the_readme_test_command():
    ci = REPO / ".ci" / "run"
    if not ci.exists():
        pytest.skip(".ci/run is not there yet")
    assert 'pip install -e ".[test]" && python -m pytest -q' in ci.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_documented(name):
    assert f"### {name}\n" in README
    assert any(e.startswith(f"searchidx {name} ") for e in EXAMPLES), f"no example of {name}"


@pytest.mark.parametrize(
    "section",
    ["Query language", "Commands", "Saved query scripts", "Output formats", "Index location",
     "Exit codes", "Shell completion", "Python API", "Supported formats", "Reliability",
     "Performance", "Indexing on a cluster"],
)
def test_sections(section):
    assert f"\n## {section}\n" in README


def test_example_script_is_referenced_and_valid():
    from searchidx.scripts import load_script

    assert "examples/weekly.toml" in README
    assert len(load_script(str(REPO / "examples" / "weekly.toml")).queries) >= 3


def _argv(line: str):
    """The arguments of an example line, minus any --index (the test supplies its own)."""
    words = shlex.split(line)[1:]
    for stop in ("|", ">", "&&", ";"):
        if stop in words:
            words = words[: words.index(stop)]
    out = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--index":
            skip = True
        elif not word.startswith("--index="):
            out.append(word)
    return out


def _docstring_examples():
    for name, command in sorted(cli.commands.items()):
        doc = command.help or ""
        for line in doc[doc.index("Example:"):].splitlines():
            if line.strip().startswith("searchidx "):
                yield line.strip()


def test_readme_and_help_examples_run(runner, corpus_index_copy, monkeypatch):
    """Every `searchidx …` line of the README's sh blocks and of the commands' help runs."""
    monkeypatch.chdir(REPO)
    lines = EXAMPLES + list(_docstring_examples())
    assert len(EXAMPLES) >= 20
    failures = []
    for line in lines:
        if _argv(line)[:1] == ["serve"]:
            continue  # starts a server and waits: tests/test_serve.py checks these
        result = runner.invoke(cli, ["--index", corpus_index_copy] + _argv(line))
        if result.exit_code != 0:
            failures.append(f"{line}\n  exit {result.exit_code}: {result.output[-500:]}")
        elif result.exception and not isinstance(result.exception, SystemExit):
            failures.append(f"{line}\n  {result.exception!r}")
    assert not failures, "\n".join(failures)


def test_python_examples_run(tmp_path, monkeypatch, capsys):
    """The README's Python blocks run in order, in a folder holding the corpus."""
    blocks = re.findall(r"^```python\n(.*?)^```", README, re.S | re.M)
    assert len(blocks) >= 2
    (tmp_path / "corpus").symlink_to(REPO / "corpus")
    (tmp_path / "examples").symlink_to(REPO / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "added" in out and '"query": "nhan-quyen-hau-giang"' in out
