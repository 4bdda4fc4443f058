"""`butterfly-review`: check or import a pack, and write decision and cohort reports."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

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


def _add_report_parsers(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report",
        help="write a pack's decision report as PDF, JSON and CSV side by side",
        description="Exit status: 0 written, 1 usage error or unknown pack, 2 database in use.",
    )
    report.add_argument("pack_id", help="pack_id of a stored pack, e.g. EP-2026-0007")
    _add_export_options(report)
    report.add_argument(
        "--audience",
        choices=("internal", "partner"),
        default="internal",
        help="internal (default) names reviewers; partner leaves out names and internal notes",
    )

    cohort = sub.add_parser(
        "cohort-report",
        help="write the cohort report (organisations, operators, packs) as PDF and CSV",
        description="Exit status: 0 written, 1 usage error, 2 database in use.",
    )
    _add_export_options(cohort)


def _add_export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, help="DuckDB file (default: BUTTERFLY_DB or the demo file)"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files into")
    parser.add_argument(
        "--store",
        type=Path,
        help="folder of stored pack files (default: BUTTERFLY_STORE, or 'store' beside --db)",
    )
    parser.add_argument(
        "--by",
        default=None,
        help="name recorded as the exporter in the history (default: the login name)",
    )


EXTRA_PARSERS.append(_add_report_parsers)


# The report commands import their modules when they run, because reports pulls in fpdf2
# and pandas (through cohort), which would slow down every `check`.
@command("report")
def run_report(args: argparse.Namespace) -> int:
    from reports.errors import PackNotFound
    from reports.export import write_decision_reports

    settings = load_settings()
    con = _open_for_export(args, settings.db_path)
    if isinstance(con, int):
        return con
    try:
        bundle, paths = write_decision_reports(
            con,
            args.pack_id,
            args.out,
            _store_dir(args, settings.store_dir),
            _exporter(args),
            args.audience,
        )
    except PackNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        con.close()
    status = bundle.report.status
    print(f"{args.pack_id}: {status.state} - {status.reason}")
    print(f"report digest {bundle.report.report_digest}")
    for path in paths:
        print(path)
    return 0


@command("cohort-report")
def run_cohort_report(args: argparse.Namespace) -> int:
    from reports.cohort import build_cohort_report

    settings = load_settings()
    con = _open_for_export(args, settings.db_path)
    if isinstance(con, int):
        return con
    try:
        paths = build_cohort_report(
            con, args.out, _exporter(args), _store_dir(args, settings.store_dir)
        )
    finally:
        con.close()
    for path in paths:
        print(path)
    return 0


def _open_for_export(args: argparse.Namespace, default_db: Path) -> duckdb.DuckDBPyConnection | int:
    """Open the database a report reads, or print why not and return the exit status."""
    db_path = args.db or default_db
    if not Path(db_path).is_file():
        print(f"error: database {db_path} does not exist; pass --db FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        return open_database(db_path)
    except DatabaseInUse as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED


def _store_dir(args: argparse.Namespace, default_store: Path) -> Path:
    if args.store is not None:
        return args.store
    return default_store if args.db is None else Path(args.db).parent / "store"


def _exporter(args: argparse.Namespace) -> str:
    if args.by:
        return args.by
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no LOGNAME/USER variable and no passwd entry
        login = "unknown user"
    return f"{login} (command line)"


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
