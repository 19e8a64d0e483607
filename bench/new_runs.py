"""The cost of `run --new` when a few documents arrived, next to a full `run`.

On the VNTC news corpus (../shared/data/vntc/): the first SIZE - NEW articles are
indexed; a 10-query script is run once with --new (which sets each query's mark);
the last NEW articles are then indexed, and the script is run

- with --new: what arrived since the first run (the figure with a target: under 1 s);
- with --new again, nothing having changed;
- without --new (the full run);
- fetching every hit of every query, as --new did before it kept times (for comparison);

each timed in-process (one searcher, as `searchidx run` runs it; median of REPEAT runs,
the --new state put back before each) and as a whole `searchidx run` process.

    python bench/new_runs.py --size 20000
    python bench/new_runs.py --size 84132 --workdir /tmp/newruns --json bench/out/new_runs.json

The base index is kept in WORKDIR and reused when it is there (building 84,032
articles takes about 11 minutes of one core); each measurement works on a copy.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from speed import read_articles, write_jsonl  # noqa: E402

QUERIES = [
    ("bong-da", "bóng đá"),
    ("gia-vang", "gia vang"),
    ("chung-khoan", '"thị trường chứng khoán"'),
    ("tai-nan", "tai nạn giao thông"),
    ("hoc-sinh", "hoc sinh thi dai hoc"),
    ("ung-thu", "ung thư"),
    ("xuat-khau", "xuất khẩu gạo"),
    ("may-tinh", "máy tính virus"),
    ("world-cup", "world cup"),
    ("suc-khoe", "sức khỏe trẻ em"),
]


def script_text(limit: int) -> str:
    lines = ["[defaults]", f"limit = {limit}", ""]
    for name, q in QUERIES:
        lines += ["[[query]]", f'name = "{name}"', f"q = {json.dumps(q, ensure_ascii=False)}", ""]
    return "\n".join(lines)


def cli(index: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "searchidx", "--index", str(index), *args],
                          capture_output=True, text=True, env=env, check=False)


def build_base(articles, workdir: Path, new: int) -> Path:
    base = workdir / f"base-{len(articles)}"
    if (base / "searchidx.json").exists() and (workdir / f"base-{len(articles)}.done").exists():
        return base
    shutil.rmtree(base, ignore_errors=True)
    write_jsonl(articles[:-new], workdir / "data" / "base")
    started = time.perf_counter()
    res = cli(base, "index", str(workdir / "data" / "base"), "--quiet")
    if res.returncode != 0:
        raise SystemExit(f"index failed: {res.stderr.strip()}")
    (workdir / f"base-{len(articles)}.done").write_text(f"{time.perf_counter() - started:.1f} s\n")
    return base


def timed_runs(index_path: Path, script_path: Path, new: bool, repeat: int, state_backup):
    """Median in-process milliseconds of running the script, and what the last run reported."""
    from searchidx import open_index
    from searchidx.scripts import load_script, run_script, state_path

    index = open_index(str(index_path))
    script = load_script(str(script_path))
    state = state_path(index, script)
    times, results = [], None
    for _ in range(repeat):
        if new and state_backup is not None:
            shutil.copy(state_backup, state)
        started = time.perf_counter()
        results = run_script(index, script, new=new)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), results


def every_hit(index_path: Path, repeat: int) -> float:
    """Median milliseconds of fetching every hit of every query (no snippets): what --new
    did when its state was the list of ids it had reported."""
    from searchidx import open_index
    from searchidx.search import Searcher

    times = []
    with Searcher(open_index(str(index_path))) as searcher:
        for _ in range(repeat):
            started = time.perf_counter()
            for _, q in QUERIES:
                total = searcher.search(q, limit=1, snippets=0, suggest=False).total
                searcher.search(q, limit=max(total, 1), snippets=0, suggest=False)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def cold_run(index_path: Path, script_path: Path, new: bool, state_backup) -> float:
    from searchidx import open_index
    from searchidx.scripts import load_script, state_path

    if new and state_backup is not None:
        shutil.copy(state_backup, state_path(open_index(str(index_path)), load_script(str(script_path))))
    args = ["run", str(script_path), "--format", "jsonl"] + (["--new"] if new else [])
    started = time.perf_counter()
    res = cli(index_path, *args)
    seconds = time.perf_counter() - started
    if res.returncode != 0:
        raise SystemExit(f"run failed: {res.stderr.strip()}")
    return seconds * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=84132, help="articles in all (base + new)")
    parser.add_argument("--new", type=int, default=100, help="articles indexed after the first run")
    parser.add_argument("--limit", type=int, default=10, help="hits shown per query")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", help="where the base index is kept (default: a temporary folder)")
    parser.add_argument("--build-only", action="store_true", help="build the base index and stop")
    parser.add_argument("--json")
    args = parser.parse_args()

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="newruns-"))
    workdir.mkdir(parents=True, exist_ok=True)
    articles = read_articles(args.size)
    base = build_base(articles, workdir, args.new)
    if args.build_only:
        print(f"base index: {base}")
        return
    write_jsonl(articles[-args.new:], workdir / "data" / "new", parts=1)
    index = workdir / "work-index"
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(base, index)
    script = workdir / "watch.toml"
    script.write_text(script_text(args.limit), encoding="utf-8")

    out = {"size": len(articles), "base": len(articles) - args.new, "new": args.new,
           "queries": len(QUERIES), "limit": args.limit, "repeat": args.repeat}
    first_ms, _ = timed_runs(index, script, True, 1, None)  # sets every query's mark
    out["first_new_run_ms"] = round(first_ms, 1)

    from searchidx import open_index
    from searchidx.scripts import load_script, state_path

    state = Path(state_path(open_index(str(index)), load_script(str(script))))
    backup = workdir / "state-after-first-run.json"
    shutil.copy(state, backup)

    started = time.perf_counter()
    res = cli(index, "index", str(workdir / "data" / "new"), "--quiet")
    if res.returncode != 0:
        raise SystemExit(f"index failed: {res.stderr.strip()}")
    out["index_new_s"] = round(time.perf_counter() - started, 2)

    new_ms, results = timed_runs(index, script, True, args.repeat, backup)
    out["new_run_ms"] = round(new_ms, 1)
    out["new_hits"] = {r.name: r.total for r in results}
    out["new_hits_total"] = sum(r.total for r in results)
    out["new_run_cli_ms"] = round(cold_run(index, script, True, backup), 1)
    shutil.copy(backup, state)
    timed_runs(index, script, True, 1, backup)  # report the new ones: the next run has none
    after = workdir / "state-after-new-run.json"
    shutil.copy(state, after)
    none_ms, results = timed_runs(index, script, True, args.repeat, after)
    out["no_change_new_run_ms"] = round(none_ms, 1)
    assert all(r.total == 0 for r in results), "a run with no change reported something"
    full_ms, results = timed_runs(index, script, False, args.repeat, None)
    out["full_run_ms"] = round(full_ms, 1)
    out["full_run_hits_total"] = sum(r.total for r in results)
    out["full_run_cli_ms"] = round(cold_run(index, script, False, None), 1)
    print(json.dumps(out, ensure_ascii=False), file=sys.stderr, flush=True)  # before the slow part
    out["every_hit_run_ms"] = round(every_hit(index, 1), 1)  # slow: once

    print(json.dumps(out, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
