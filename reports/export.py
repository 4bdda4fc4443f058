"""Render a decision report in PDF, JSON and CSV, write the files and record each export.

Every export appends one export_events row per file: who, when, which pack, the audience
and the report digest. The report digest is the SHA-256 of the report's canonical JSON.
The PDF footer and the CSV's report_digest column repeat it, so all three files match one
JSON.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from reports.build import build_decision_report
from reports.csv_report import decision_csv
from reports.decision_pdf import render_decision_pdf
from reports.models import Audience, DecisionReport, DecisionStatus
from reports.queries import INSERT_EXPORT
from store.db import write_with_retry

logger = logging.getLogger(__name__)

FORMATS = ("pdf", "json", "csv")
MEDIA_TYPES = {"pdf": "application/pdf", "json": "application/json", "csv": "text/csv"}


@dataclass(frozen=True)
class ReportBundle:
    """One decision report rendered in every format, ready to write or download."""

    report: DecisionReport
    pdf: bytes
    json: bytes
    csv: bytes

    def content(self, fmt: str) -> bytes:
        """Return the bytes of one format: 'pdf', 'json' or 'csv'."""
        return {"pdf": self.pdf, "json": self.json, "csv": self.csv}[fmt]

    def file_name(self, fmt: str) -> str:
        """Return the file name of one format, e.g. 'EP-2026-0007-decision-report.pdf'."""
        return f"{report_stem(self.report.pack.pack_id, self.report.audience)}.{fmt}"


def report_stem(pack_id: str, audience: Audience) -> str:
    """Return the file name without extension; partner-facing files end in '-partner'."""
    suffix = "-partner" if audience == "partner" else ""
    return f"{pack_id}-decision-report{suffix}"


def render_decision_bundle(
    cursor: duckdb.DuckDBPyConnection,
    pack_id: str,
    store_dir: Path,
    audience: Audience = "internal",
    status: DecisionStatus | None = None,
) -> ReportBundle:
    """Build the report once and render it as PDF, JSON and CSV; nothing is recorded.

    Pass a `status` just computed by decision_status to skip re-hashing the files again.
    """
    report = build_decision_report(cursor, pack_id, store_dir, audience, status=status)
    return ReportBundle(
        report=report,
        pdf=render_decision_pdf(report),
        json=(report.model_dump_json(indent=2) + "\n").encode("utf-8"),
        csv=decision_csv(report),
    )


def record_export(
    cursor: duckdb.DuckDBPyConnection,
    pack_id: str | None,
    report_kind: str,
    audience: str,
    report_digest: str,
    exported_by: str,
) -> None:
    """Append one export to the history; raises ValueError when `exported_by` is empty."""
    if not exported_by.strip():
        raise ValueError("name who exports the report (exported_by is empty)")
    row = [pack_id, report_kind, audience, report_digest, exported_by.strip(), datetime.now(UTC)]
    write_with_retry(cursor, lambda: cursor.execute(INSERT_EXPORT, row))
    logger.info("export recorded: %s %s %s %s", pack_id, report_kind, audience, report_digest)


def write_decision_reports(
    cursor: duckdb.DuckDBPyConnection,
    pack_id: str,
    out_dir: Path,
    store_dir: Path,
    exported_by: str,
    audience: Audience = "internal",
) -> tuple[ReportBundle, list[Path]]:
    """Write the PDF, JSON and CSV side by side in `out_dir` and record each export.

    Raises PackNotFound for an unknown pack_id and ValueError when `exported_by` is empty.
    """
    if not exported_by.strip():
        raise ValueError("name who exports the report (exported_by is empty)")
    bundle = render_decision_bundle(cursor, pack_id, store_dir, audience)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in FORMATS:
        path = out_dir / bundle.file_name(fmt)
        path.write_bytes(bundle.content(fmt))
        paths.append(path)
        record_export(
            cursor, pack_id, f"decision-{fmt}", audience, bundle.report.report_digest, exported_by
        )
    return bundle, paths
