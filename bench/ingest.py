"""Time the product's ingest of a generated pack against a bare DuckDB read of its System Log.

    python bench/ingest.py --events 1000000 [--keep DIR] [--workdir DIR]

The script writes a recovery-operator pack whose System Log has N events, then runs two
phases, each in its own child process and on a fresh DuckDB file:

* product: `import_pack` of the pack folder with a BlobStore, as the app imports an upload,
  up to the commit of the pack (`checks=False`). The checks run after that commit, in a
  separate step that `bench/checks.py` times against this ingest;
* bare: `CREATE TABLE t AS SELECT * FROM read_json('<log>')` of the same NDJSON file.

Each time runs from opening the database to closing it, so both include DuckDB's final
checkpoint. The last output line is `ratio: X.XX` (product time / bare time).
"""

# ruff: noqa: E402  (the imports below need the repository root on sys.path first)
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:
    # When run as a script, sys.path[0] is bench/, whose ingest.py and checks.py would hide the
    # product packages of the same names.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import json
import os
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import duckdb

from bench.harness import (
    MIB,
    cpu_seconds,
    describe_pack,
    generated_pack,
    limits_for,
    load_average,
    peak_rss_kib,
    reset,
    run_child,
    work_folder,
)

SCRIPT = Path(__file__).resolve()
# Progress messages of ingest.loader.import_pack, in order, and the step each one starts.
PROGRESS_STEPS = (
    ("Opening", "open"),
    ("Hashing", "hash files"),
    ("Storing", "copy to blob store"),
    ("Reading", "read small artifacts"),
    ("Writing", "database transaction"),
    ("Done", "end"),
)


def product_phase(pack: Path, db_path: Path, store_dir: Path) -> dict[str, Any]:
    """Import `pack` with the product's loader into a new database and return times and sizes.

    tracemalloc records the peak of memory allocated by Python code, which shows whether
    the log passes through Python objects. It does not see DuckDB's own allocations.
    """
    import ingest.loader as loader
    from ingest.filestore import BlobStore
    from store.db import open_database

    limits = limits_for(pack)
    step_starts: dict[str, float] = {}
    inner: dict[str, float] = {"System Log load": 0.0}

    def progress(_fraction: float, message: str) -> None:
        for prefix, step in PROGRESS_STEPS:
            if message.startswith(prefix):
                step_starts.setdefault(step, time.perf_counter())

    loader.load_system_log = _timed(loader.load_system_log, inner, "System Log load")

    tracemalloc.start()
    started, cpu_started = time.perf_counter(), cpu_seconds()
    con = open_database(db_path)
    import_started = time.perf_counter()
    report = loader.import_pack(con, pack, BlobStore(store_dir), limits, progress, checks=False)
    import_seconds = time.perf_counter() - import_started
    con.close()
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    _current, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    with duckdb.connect(str(db_path), read_only=True) as check:
        row = check.execute("SELECT count(*) FROM log_events").fetchone()
    steps = _step_durations(step_starts)
    transaction = steps.pop("database transaction", 0.0)
    steps.update(inner)
    steps["other inserts and commit"] = transaction - sum(inner.values())
    steps["open database and close (checkpoint)"] = seconds - import_seconds
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "import_seconds": import_seconds,
        "steps": steps,
        "status": report.status,
        "events": row[0] if row else 0,
        "findings": [f"{f.severity} {f.check}: {f.message}" for f in report.findings],
        "peak_rss_kib": peak_rss_kib(),
        "python_peak_bytes": python_peak,
        "database_bytes": db_path.stat().st_size,
    }


def bare_phase(log_file: Path, db_path: Path) -> dict[str, Any]:
    """Load `log_file` with a plain read_json into a new database and return time and sizes."""
    quoted = str(log_file).replace("'", "''")
    started, cpu_started = time.perf_counter(), cpu_seconds()
    con = duckdb.connect(str(db_path))
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_json('{quoted}')")
    row = con.execute("SELECT count(*) FROM t").fetchone()
    con.close()
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "events": row[0] if row else 0,
        "peak_rss_kib": peak_rss_kib(),
        "database_bytes": db_path.stat().st_size,
    }


def _timed(function: Callable[..., Any], totals: dict[str, float], name: str) -> Callable[..., Any]:
    """Wrap `function` so the seconds spent in it are added to totals[name]."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - started

    return wrapper


def _step_durations(starts: dict[str, float]) -> dict[str, float]:
    """Turn the start time of each progress step into its duration."""
    ordered = sorted(starts.items(), key=lambda item: item[1])
    return {
        step: ordered[index + 1][1] - began
        for index, (step, began) in enumerate(ordered[:-1])
        if step != "end"
    }


def run_phases(events: int, folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Generate the pack in `folder`, run both phases and print their figures."""
    print(f"machine: {os.cpu_count()} CPUs, load average {load_average()}")
    pack = generated_pack(folder, events)
    print(describe_pack(pack))

    db_path, store_dir = folder / "product.duckdb", folder / "blobs"
    reset(db_path, store_dir)
    product_load = load_average()
    product = run_child(
        SCRIPT, ["--phase", "product", "--pack", str(pack.folder), "--db", str(db_path),
                 "--store", str(store_dir)],
    )  # fmt: skip
    _print_product(product, product_load, events)
    reset(db_path, store_dir)

    bare_db = folder / "bare.duckdb"
    reset(bare_db)
    bare_load = load_average()
    bare = run_child(SCRIPT, ["--phase", "bare", "--log", str(pack.log_file), "--db", str(bare_db)])
    print(
        f"bare read_json: {bare['seconds']:.2f} s (CPU {bare['cpu_seconds']:.2f} s), "
        f"{bare['events']:,} rows, "
        f"peak RSS {bare['peak_rss_kib'] / 1024:,.0f} MiB, "
        f"database {bare['database_bytes'] / MIB:,.0f} MiB (load before: {bare_load})"
    )
    reset(bare_db)
    return product, bare


def _print_product(product: dict[str, Any], load: str, events: int) -> None:
    print(
        f"product import_pack: {product['seconds']:.2f} s (CPU {product['cpu_seconds']:.2f} s, "
        f"import_pack alone {product['import_seconds']:.2f} s), status {product['status']}, "
        f"{product['events']:,} events, peak RSS {product['peak_rss_kib'] / 1024:,.0f} MiB, "
        f"Python heap peak {product['python_peak_bytes'] / MIB:.1f} MiB, "
        f"database {product['database_bytes'] / MIB:,.0f} MiB (load before: {load})"
    )
    for step, seconds in product["steps"].items():
        print(f"  {step:<38} {seconds:8.2f} s")
    for finding in product["findings"]:
        print(f"  finding: {finding[:160]}")
    if product["status"] != "accepted" or product["events"] != events:
        print(f"WARNING: expected an accepted pack with {events:,} events")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the benchmark or one of its child phases."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="System Log events to write")
    parser.add_argument("--keep", type=Path, help="keep the generated pack in this folder")
    parser.add_argument(
        "--workdir", type=Path, help="parent folder of the temporary work folder (default: TMPDIR)"
    )
    parser.add_argument("--phase", choices=["product", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--pack", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase == "product":
        print(json.dumps(product_phase(args.pack, args.db, args.store)))
        return 0
    if args.phase == "bare":
        print(json.dumps(bare_phase(args.log, args.db)))
        return 0
    if args.events <= 0:
        parser.error("--events must be a positive number of events")

    with work_folder(args.keep, args.workdir) as folder:
        product, bare = run_phases(args.events, folder)
    # CPU time is less disturbed than wall time when other processes share the cores.
    print(f"CPU ratio: {product['cpu_seconds'] / bare['cpu_seconds']:.2f}")
    print(f"ratio: {product['seconds'] / bare['seconds']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
