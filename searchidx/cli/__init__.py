"""The ``searchidx`` command: a thin click layer over the library.

group.py holds the click group, its options and the error handling (library and
OS errors become one ``Error: …`` line, exit 1); output.py the terminal helpers;
arguments.py the checks and shell completion of arguments; the commands live by
concern in indexing.py (index, remove), reading.py (search, show), speaking.py (speakers), info.py
(stats, analyze), scripts.py (run) and serving.py (serve). Only this package imports click.
"""
from . import indexing, info, reading, scripts, serving, speaking  # noqa: F401 - each module adds its commands to the group
from .group import cli, main

__all__ = ["cli", "main"]
