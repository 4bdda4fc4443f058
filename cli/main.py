"""`butterfly-review`: check a pack before submitting it, or import one into a database."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.filestore import BlobStore
from ingest.loader import LoadReport, check_pack, import_pack
from store.db import DatabaseInUse, open_database
from store.settings import load_settings

EXIT_USAGE = 1
EXIT_REJECTED = 2

Command = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    """Register a subcommand handler under `name`."""

    def wrap(function: Command) -> Command:
        COMMANDS[name] = function
        return function

    return wrap


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="butterfly-review",
        description="Check and import Butterfly capstone evidence packs.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser(
        "check",
        help="load and check a pack without touching any database",
        description="Exit status: 0 accepted with no critical failure suggested, 3 accepted "
        "with at least one suggested, 2 rejected as unreadable or unsafe, 1 usage error.",
    )
    check.add_argument("path", type=Path, help="the pack: a .zip file or a folder")
    check.add_argument("--json", action="store_true", help="print one JSON object")

    imp = sub.add_parser("import", help="load a pack into a database file")
    imp.add_argument("path", type=Path, help="the pack: a .zip file or a folder")
    imp.add_argument("--db", type=Path, help="DuckDB file (default: BUTTERFLY_DB or the demo file)")

    for extra in EXTRA_PARSERS:
        extra(sub)
    return parser


EXTRA_PARSERS: list[Callable[[argparse._SubParsersAction], None]] = []


@command("check")
def run_check(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not args.path.exists():
        print(f"error: {args.path} does not exist; give a pack .zip or folder", file=sys.stderr)
        return EXIT_USAGE
    report = check_pack(args.path, settings.limits)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(_describe(report))
    return report.exit_code()


@command("import")
def run_import(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not args.path.exists():
        print(f"error: {args.path} does not exist; give a pack .zip or folder", file=sys.stderr)
        return EXIT_USAGE
    db_path = args.db or settings.db_path
    store_dir = settings.store_dir if args.db is None else Path(args.db).parent / "store"
    try:
        con = open_database(db_path)
    except DatabaseInUse as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    try:
        report = import_pack(con, args.path, BlobStore(store_dir), settings.limits)
    finally:
        con.close()
    if report.status == "rejected":
        print(_describe(report), file=sys.stderr)
        return EXIT_REJECTED
    note = " (already stored)" if report.already_stored else ""
    print(f"{report.pack_id}{note}")
    return 0


def _describe(report: LoadReport) -> str:
    lines = [f"{report.pack_id or report.source_name}: {report.status}"]
    for f in report.findings:
        where = ":".join(part for part in (f.artifact, f.field) if part)
        cf = f" [suggests critical failure {f.critical_failure}]" if f.critical_failure else ""
        lines.append(f"  {f.severity:<8} {f.check:<24} {where}{cf}\n           {f.message}")
    if report.status == "accepted" and not report.findings:
        lines.append("  no findings")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else 0
    try:
        return COMMANDS[args.command](args)
    except ValueError as exc:  # settings errors name the variable and the fix
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
