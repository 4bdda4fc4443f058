"""The cohort report: every organisation, operator and pack with stage, credentials,
latest decision, critical failures and open items, as PDF and CSV.

Organisation and operator stages, credentials and blockers come from cohort.overview.
Organisations and operators that appear only in packs (not enrolled through intake) are
listed too, marked "not in cohort".
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cohort.overview import build_overview
from reports.cohort_pdf import render_cohort_pdf
from reports.csv_report import write_csv
from reports.digest import canonical_json
from reports.export import record_export
from reports.queries import (
    SELECT_ALL_PACK_OPERATORS,
    SELECT_COHORT_PACKS,
    SELECT_LATEST_CALLS_ALL,
    SELECT_SUGGESTIONS_ALL,
)
from reports.staleness import decision_status
from reports.text import utc_text

logger = logging.getLogger(__name__)

NOT_IN_COHORT = "not in cohort"
COLUMNS = (
    "record_type",
    "partner_id",
    "organisation",
    "operator_id",
    "operator",
    "track",
    "stage",
    "credentials",
    "pack_id",
    "decision",
    "decided_at",
    "decided_by",
    "decision_status",
    "critical_failures",
    "open_items",
)


@dataclass(frozen=True)
class CohortLine:
    """One row of the cohort report: an organisation, an operator or a pack."""

    record_type: str
    partner_id: str
    organisation: str
    operator_id: str = ""
    operator: str = ""
    track: str = ""
    stage: str = ""
    credentials: str = ""
    pack_id: str = ""
    decision: str = ""
    decided_at: str = ""
    decided_by: str = ""
    decision_status: str = ""
    critical_failures: str = ""
    open_items: str = ""


@dataclass(frozen=True)
class CohortReport:
    """The cohort report's rows, when it was built and the digest that identifies it."""

    generated_at: datetime
    organisations: list[CohortLine]
    operators: list[CohortLine]
    packs: list[CohortLine]
    digest: str

    def csv(self) -> bytes:
        """Render every row as one spreadsheet-safe CSV, organisations first."""
        rows = [
            tuple(asdict(line).values())
            for line in [*self.organisations, *self.operators, *self.packs]
        ]
        return write_csv(COLUMNS, rows)


def load_cohort_report(
    cursor: duckdb.DuckDBPyConnection,
    store_dir: Path | None = None,
    now: datetime | None = None,
) -> CohortReport:
    """Read the cohort and every pack into report rows.

    With `store_dir`, each decided pack's stored files are re-hashed so the decision
    status reports stale where bytes changed; without it, the status reflects supersession only.
    """
    moment = now or datetime.now(UTC)
    overview = build_overview(cursor, moment)
    packs = _pack_lines(cursor, store_dir)
    organisations = _organisation_lines(overview.organisations.to_dict("records"), packs)
    operators = _operator_lines(cursor, overview.operators.to_dict("records"), packs)
    body = [asdict(line) for line in [*organisations, *operators, *packs]]
    digest = hashlib.sha256(
        canonical_json({"generated_at": moment.isoformat(), "rows": body})
    ).hexdigest()
    return CohortReport(moment, organisations, operators, packs, digest)


@dataclass(frozen=True)
class CohortFiles:
    """The cohort report rendered as PDF and CSV, with the digest exports record."""

    pdf: bytes
    csv: bytes
    digest: str


def render_cohort_report(
    cursor: duckdb.DuckDBPyConnection, store_dir: Path | None = None
) -> CohortFiles:
    """Build the cohort report and render it as PDF and CSV bytes; nothing is recorded."""
    report = load_cohort_report(cursor, store_dir)
    return CohortFiles(pdf=render_cohort_pdf(report), csv=report.csv(), digest=report.digest)


def build_cohort_report(
    cursor: duckdb.DuckDBPyConnection,
    out_dir: Path,
    exported_by: str = "cohort report",
    store_dir: Path | None = None,
) -> list[Path]:
    """Write cohort-report.pdf and cohort-report.csv into `out_dir` and record both exports.

    Returns the two paths. Pass the reviewer's name as `exported_by` so the history names
    who exported.
    """
    files = render_cohort_report(cursor, store_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt, content in (("pdf", files.pdf), ("csv", files.csv)):
        path = out_dir / f"cohort-report.{fmt}"
        path.write_bytes(content)
        paths.append(path)
        record_export(cursor, None, f"cohort-{fmt}", "internal", files.digest, exported_by)
    logger.info("cohort report written to %s: %s", out_dir, files.digest)
    return paths


def _pack_lines(cursor: duckdb.DuckDBPyConnection, store_dir: Path | None) -> list[CohortLine]:
    calls = {(p, n): action for p, n, action in cursor.execute(SELECT_LATEST_CALLS_ALL).fetchall()}
    suggested: dict[str, set[int]] = defaultdict(set)
    for pack_id, number in cursor.execute(SELECT_SUGGESTIONS_ALL).fetchall():
        suggested[pack_id].add(number)
    operators: dict[str, list[str]] = defaultdict(list)
    for pack_id, operator_id, name, *_ in cursor.execute(SELECT_ALL_PACK_OPERATORS).fetchall():
        operators[pack_id].append(f"{name} ({operator_id})")

    lines = []
    for row in cursor.execute(SELECT_COHORT_PACKS).fetchall():
        pack_id, partner_id, partner_name, track, kind, _, decision, at, by, superseded = row
        numbers = sorted({n for (p, n) in calls if p == pack_id} | suggested[pack_id])
        confirmed = [n for n in numbers if calls.get((pack_id, n)) in ("confirm", "raise")]
        open_calls = [n for n in sorted(suggested[pack_id]) if (pack_id, n) not in calls]
        status = _pack_status(cursor, pack_id, decision, superseded, store_dir)
        open_items = [f"critical failure {n} suggested, no call yet" for n in open_calls]
        if decision is None and not superseded:
            open_items.append("awaiting a decision")
        if status == "stale":
            open_items.append("decision is stale: the stored bytes changed")
        lines.append(
            CohortLine(
                record_type="pack",
                partner_id=partner_id,
                organisation=partner_name,
                operator=", ".join(operators[pack_id]),
                track=f"{track} ({kind})",
                pack_id=pack_id,
                decision=decision or "not decided",
                decided_at=utc_text(at),
                decided_by=by or "",
                decision_status=status,
                critical_failures=", ".join(f"CF{n} confirmed" for n in confirmed) or "none",
                open_items="; ".join(open_items),
            )
        )
    return lines


def _pack_status(
    cursor: duckdb.DuckDBPyConnection,
    pack_id: str,
    decision: str | None,
    superseded: bool,
    store_dir: Path | None,
) -> str:
    if store_dir is not None:
        return decision_status(cursor, pack_id, store_dir).state
    if decision is None:
        return "not decided"
    return "superseded" if superseded else "current (bytes not re-checked)"


def _organisation_lines(
    records: list[dict[str, object]], packs: list[CohortLine]
) -> list[CohortLine]:
    lines = [
        CohortLine(
            record_type="organisation",
            partner_id=str(r["partner_id"]),
            organisation=str(r["organisation"]),
            stage=f"{r['membership']}; {r['accreditation']}",
            credentials=f"directory: {r['directory']}",
            open_items=str(r["blockers"]),
        )
        for r in records
    ]
    enrolled = {line.partner_id for line in lines}
    for pack in packs:
        if pack.partner_id not in enrolled:
            enrolled.add(pack.partner_id)
            lines.append(
                CohortLine(
                    record_type="organisation",
                    partner_id=pack.partner_id,
                    organisation=pack.organisation,
                    stage=NOT_IN_COHORT,
                    open_items="submits packs but has no intake record",
                )
            )
    return lines


def _operator_lines(
    cursor: duckdb.DuckDBPyConnection,
    records: list[dict[str, object]],
    packs: list[CohortLine],
) -> list[CohortLine]:
    latest = {p.pack_id: p for p in packs}
    per_operator: dict[str, list[str]] = defaultdict(list)
    unknown: dict[str, tuple[str, str, str, str]] = {}
    for pack_id, operator_id, name, partner_id, partner_name, track in cursor.execute(
        SELECT_ALL_PACK_OPERATORS
    ).fetchall():
        pack = latest[pack_id]
        per_operator[operator_id].append(f"{pack_id}: {pack.decision}")
        unknown[operator_id] = (name, partner_id, partner_name, track)

    lines = []
    for r in records:
        operator_id = str(r["operator_id"])
        unknown.pop(operator_id, None)
        lines.append(
            CohortLine(
                record_type="operator",
                partner_id=str(r["partner_id"]),
                organisation=str(r["organisation"]),
                operator_id=operator_id,
                operator=str(r["operator"]),
                track=str(r["track"]),
                stage=str(r["stage"]),
                credentials=str(r["credentials"]) or "none",
                decision="; ".join(per_operator[operator_id]),
                open_items=str(r["blockers"]),
            )
        )
    for operator_id, (name, partner_id, partner_name, track) in sorted(unknown.items()):
        lines.append(
            CohortLine(
                record_type="operator",
                partner_id=partner_id,
                organisation=partner_name,
                operator_id=operator_id,
                operator=name,
                track=track,
                stage=NOT_IN_COHORT,
                credentials="none",
                decision="; ".join(per_operator[operator_id]),
                open_items="named in packs but has no intake record",
            )
        )
    return lines
