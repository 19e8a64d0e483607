"""Saved query scripts: load, run with one searcher, diff against the last run, format.

A script is TOML (named queries with options and shared defaults)::

    [defaults]
    limit = 20

    [[query]]
    name = "nhan-quyen-hau-giang"
    q = "nhân quyền"
    province = "Hậu Giang"
    from = "2023-01"

or JSONL, one query a line: ``{"id": 1, "q": "nhân quyền", "limit": 5}`` (``_id`` is
accepted for ``id`` and ``text`` for ``q``; other keys starting with ``_`` are
ignored, for the caller's own metadata). Option keys: limit, page, from, to,
province, merged, since, sort, facets, snippets, any, all. The whole script is checked by ``load_script``
before anything runs; every problem is a ScriptError naming the file and the
query (TOML) or line (JSONL).

``iter_results`` runs the queries in order with one Searcher and yields a
``QueryResult`` per query; with ``new=True`` it reports only the documents indexed or
changed since the previous ``new`` run of the same script and query that match it now,
keeping that run's time in ``<index>/state/``. ``write_results`` prints results as table, json, jsonl or csv,
exactly as ``searchidx run`` does::

    from searchidx import open_index
    from searchidx.scripts import load_script, run_script

    script = load_script("examples/weekly.toml")
    for result in run_script(open_index(), script):
        print(result.name, result.total, [hit.id for hit in result.hits])
"""
from .loading import OPTION_KEYS, Script, ScriptQuery, load_script, parse_script
from .output import CSV_COLUMNS, FORMATS, result_record, table_lines, write_results
from .running import DEFAULT_SNIPPETS, QueryResult, iter_results, run_script, state_path

__all__ = ["OPTION_KEYS", "FORMATS", "CSV_COLUMNS", "DEFAULT_SNIPPETS", "ScriptQuery", "Script",
           "QueryResult", "load_script", "parse_script", "iter_results", "run_script",
           "result_record", "table_lines", "write_results", "state_path"]
