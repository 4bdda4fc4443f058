"""CSV renderings: one row per rubric category and per critical failure, spreadsheet-safe.

Files are UTF-8 with a byte-order mark (so spreadsheets detect the encoding) and CRLF line
ends, and every cell passes through neutralise_cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from reports.models import DecisionReport
from reports.text import decimal_text, neutralise_cell, utc_text

DECISION_COLUMNS = (
    "pack_id",
    "row_type",
    "item",
    "title",
    "score",
    "weight_percent",
    "weighted_points",
    "call",
    "confirmed",
    "suggested_by",
    "reviewer",
    "comment_or_reason",
    "recorded_at",
    "decision",
    "decision_total",
    "status",
    "rubric_version",
    "report_digest",
)


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Render a header and rows as spreadsheet-safe CSV bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_cell(c) for c in columns])
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def decision_csv(report: DecisionReport) -> bytes:
    """Render the report's rubric categories and critical failures as CSV rows."""
    decision = report.decision
    shared = (
        decision.decision if decision else "not decided",
        decimal_text(decision.total) if decision else "",
        report.status.state,
        decision.rubric_version if decision else report.rubric_version,
        report.report_digest,
    )
    rows: list[tuple[object, ...]] = []
    for line in report.scoring.categories:
        rows.append(
            (
                report.pack.pack_id,
                "category",
                line.category,
                line.category,
                decimal_text(line.score),
                line.weight,
                decimal_text(line.points),
                "",
                "",
                "",
                line.reviewer or "",
                line.comment,
                utc_text(line.scored_at),
                *shared,
            )
        )
    for failure in report.critical_failures:
        rows.append(
            (
                report.pack.pack_id,
                "critical_failure",
                failure.number,
                failure.title,
                "",
                "",
                "",
                failure.call or "",
                "yes" if failure.confirmed else "no",
                " ".join(sorted({s.check for s in failure.suggestions})),
                failure.reviewer or "",
                failure.reason or "",
                utc_text(failure.called_at),
                *shared,
            )
        )
    return write_csv(DECISION_COLUMNS, rows)
