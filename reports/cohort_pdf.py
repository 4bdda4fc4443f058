"""Render the cohort report as a landscape PDF with fpdf2."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reports.pdf_layout import ReportPDF
from reports.text import utc_text

if TYPE_CHECKING:
    from reports.cohort import CohortReport


def render_cohort_pdf(report: CohortReport) -> bytes:
    """Draw the organisation, operator and pack tables and return the PDF bytes."""
    pdf = ReportPDF(
        title="Butterfly cohort report",
        footer_note=f"Cohort report - SHA-256 {report.digest}",
        orientation="landscape",
    )
    pdf.title_block(
        "Butterfly cohort report",
        f"Generated {utc_text(report.generated_at)}. Internal: names reviewers. "
        f"{len(report.organisations)} organisations, {len(report.operators)} operators, "
        f"{len(report.packs)} packs.",
    )

    pdf.heading("Organisations")
    pdf.grid(
        ["Partner", "Organisation", "Membership; accreditation", "Directory", "Open items"],
        [
            [o.partner_id, o.organisation, o.stage, o.credentials, o.open_items]
            for o in report.organisations
        ],
        [22, 45, 55, 32, 115],
        size=8,
    )

    pdf.heading("Operators")
    pdf.grid(
        ["Operator", "Organisation", "Track", "Stage", "Credentials", "Packs", "Open items"],
        [
            [
                f"{o.operator} ({o.operator_id})",
                o.organisation,
                o.track,
                o.stage,
                o.credentials,
                o.decision,
                o.open_items,
            ]
            for o in report.operators
        ],
        [38, 34, 32, 20, 40, 45, 60],
        size=7.5,
    )

    pdf.heading("Packs")
    pdf.grid(
        [
            "Pack",
            "Organisation",
            "Track",
            "Operators",
            "Decision",
            "Status",
            "Critical failures",
            "Open items",
        ],
        [
            [
                p.pack_id,
                p.organisation,
                p.track,
                p.operator,
                _decision_text(p.decision, p.decided_at, p.decided_by),
                p.decision_status,
                p.critical_failures,
                p.open_items,
            ]
            for p in report.packs
        ],
        [24, 30, 32, 34, 40, 26, 30, 53],
        size=7.5,
    )
    return bytes(pdf.output())


def _decision_text(decision: str, decided_at: str, decided_by: str) -> str:
    if not decided_at:
        return decision
    return f"{decision} ({decided_at}, {decided_by})"
