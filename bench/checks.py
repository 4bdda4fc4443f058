"""Time the whole check catalogue on a loaded pack against the ingest of that pack.

    python bench/checks.py --events 1000000 [--keep DIR] [--workdir DIR]

The script writes the same generated pack as bench/ingest.py and, in one child process,
imports it with `import_pack(..., checks=False)` into a fresh DuckDB file (the ingest up
to the pack's commit, as bench/ingest.py times it), then runs `run_checks` on a
PackContext for the stored pack, as the loader does after that commit. A second,
per-check pass names the slowest checks. The last output line is `ratio: X.XX`
(run_checks time / import_pack time).
"""

# ruff: noqa: E402  (the imports below need the repository root on sys.path first)
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:
    # When run as a script, sys.path[0] is bench/, whose checks.py and ingest.py would hide the
    # product packages of the same names.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import json
import os
import time
from typing import Any

from bench.harness import (
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
SLOWEST_SHOWN = 8


def checks_phase(pack: Path, db_path: Path, store_dir: Path) -> dict[str, Any]:
    """Import `pack`, then time run_checks and each check on the stored pack."""
    from checks.registry import load_catalogue, run_checks
    from ingest.filestore import BlobStore
    from ingest.loader import import_pack, stored_pack_context
    from store.db import open_database

    con = open_database(db_path)
    store = BlobStore(store_dir)
    started, cpu_started = time.perf_counter(), cpu_seconds()
    report = import_pack(con, pack, store, limits_for(pack), checks=False)
    ingest_seconds, ingest_cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    if report.pack_id is None:
        raise RuntimeError(f"the generated pack was rejected: {report.to_json()}")

    context = stored_pack_context(con, report.pack_id, store)

    started, cpu_started = time.perf_counter(), cpu_seconds()
    findings = run_checks(context)
    checks_seconds, checks_cpu = time.perf_counter() - started, cpu_seconds() - cpu_started

    per_check: dict[str, float] = {}
    for check_id, check in load_catalogue().items():
        began = time.perf_counter()
        list(check.function(context))
        per_check[check_id] = time.perf_counter() - began
    con.close()
    return {
        "ingest_seconds": ingest_seconds,
        "ingest_cpu_seconds": ingest_cpu,
        "checks_seconds": checks_seconds,
        "checks_cpu_seconds": checks_cpu,
        "check_count": len(load_catalogue()),
        "per_check": per_check,
        "findings": [f"{f.severity} {f.check}: {f.message}" for f in findings],
        "status": report.status,
        "peak_rss_kib": peak_rss_kib(),
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the benchmark or its child phase."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="System Log events to write")
    parser.add_argument("--keep", type=Path, help="keep the generated pack in this folder")
    parser.add_argument(
        "--workdir", type=Path, help="parent folder of the temporary work folder (default: TMPDIR)"
    )
    parser.add_argument("--phase", choices=["checks"], help=argparse.SUPPRESS)
    parser.add_argument("--pack", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase == "checks":
        print(json.dumps(checks_phase(args.pack, args.db, args.store)))
        return 0
    if args.events <= 0:
        parser.error("--events must be a positive number of events")

    with work_folder(args.keep, args.workdir) as folder:
        print(f"machine: {os.cpu_count()} CPUs, load average {load_average()}")
        pack = generated_pack(folder, args.events)
        print(describe_pack(pack))
        db_path, store_dir = folder / "checks.duckdb", folder / "blobs"
        reset(db_path, store_dir)
        load = load_average()
        result = run_child(
            SCRIPT, ["--phase", "checks", "--pack", str(pack.folder), "--db", str(db_path),
                     "--store", str(store_dir)],
        )  # fmt: skip
        reset(db_path, store_dir)

    print(
        f"ingest (import_pack up to its commit): {result['ingest_seconds']:.2f} s "
        f"(CPU {result['ingest_cpu_seconds']:.2f} s), "
        f"status {result['status']} (load before: {load})"
    )
    print(
        f"run_checks on the stored pack: {result['checks_seconds']:.2f} s "
        f"(CPU {result['checks_cpu_seconds']:.2f} s) for "
        f"{result['check_count']} checks, {len(result['findings'])} findings, "
        f"peak RSS {result['peak_rss_kib'] / 1024:,.0f} MiB"
    )
    slowest = sorted(result["per_check"].items(), key=lambda item: item[1], reverse=True)
    for check_id, seconds in slowest[:SLOWEST_SHOWN]:
        print(f"  {check_id:<38} {seconds:8.2f} s")
    for finding in result["findings"]:
        print(f"  finding: {finding[:160]}")
    cpu_ratio = result["checks_cpu_seconds"] / result["ingest_cpu_seconds"]
    print(f"CPU ratio: {cpu_ratio:.2f}")
    print(f"ratio: {result['checks_seconds'] / result['ingest_seconds']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
