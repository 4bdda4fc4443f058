"""Render a DecisionReport as a PDF with fpdf2."""

from __future__ import annotations

from reports.models import CriticalFailureCall, DecisionReport, EvidenceItem
from reports.pdf_layout import SMALL_SIZE, ReportPDF
from reports.pdf_timeline import draw_timeline
from reports.text import decimal_text, utc_text

AUDIENCE_NOTES = {
    "internal": "Internal report: contains reviewer names, internal notes and the review history.",
    "partner": "Partner-facing report: reviewer names, internal notes, dismissal reasons and the "
    "review history are left out.",
}
CALL_WORDS = {"confirm": "confirmed", "dismiss": "dismissed", "raise": "raised by reviewer"}


def render_decision_pdf(report: DecisionReport) -> bytes:
    """Draw every section of the report and return the PDF bytes."""
    pack = report.pack
    pdf = ReportPDF(
        title=f"Decision report {pack.pack_id}",
        footer_note=f"{pack.pack_id} - report JSON SHA-256 {report.report_digest}",
    )
    pdf.title_block(
        f"Butterfly decision report: {pack.pack_id}",
        f"{pack.partner_name} - {pack.track}. Generated {utc_text(report.generated_at)}. "
        + AUDIENCE_NOTES[report.audience],
    )
    pdf.banner(_banner_text(report), report.status.state)
    for warning in report.status.warnings:
        pdf.paragraph("Note: " + warning, size=8, style="I")

    _pack_section(pdf, report)
    _decision_section(pdf, report)
    _rubric_section(pdf, report)
    _critical_failure_section(pdf, report)
    _findings_section(pdf, report)
    _evidence_section(pdf, report)
    _timeline_section(pdf, report)
    if report.history is not None:
        _history_section(pdf, report)
    _verification_section(pdf, report)
    return bytes(pdf.output())


def _banner_text(report: DecisionReport) -> str:
    status = report.status
    if status.state == "not decided":
        return "NOT DECIDED. " + status.reason + " Scores below are the current draft."
    assert report.decision is not None
    verdict = f"Decision: {report.decision.decision.upper()}"
    if status.state == "current":
        return f"{verdict}. Status: current. {status.reason}"
    return f"{verdict}. Status: {status.state.upper()}. {status.reason}"


def _pack_section(pdf: ReportPDF, report: DecisionReport) -> None:
    pack = report.pack
    operators = "; ".join(f"{o.name} ({o.operator_id}, {o.email})" for o in pack.operators)
    window = f"{utc_text(pack.access_window_start)} to {utc_text(pack.access_window_end)}"
    pdf.heading("Pack")
    pdf.key_values(
        [
            ("Pack id", pack.pack_id),
            ("Supersedes", pack.supersedes or "none (first submission)"),
            ("Partner", f"{pack.partner_name} ({pack.partner_id})"),
            ("Track", pack.track),
            ("Operators", operators),
            ("Tenant", f"{pack.tenant_org_url} ({pack.environment})"),
            ("Engagement", f"{pack.engagement_kind}: {pack.scope or ''}"),
            ("Access window", window),
            ("Submitted", utc_text(pack.submitted_at) or f"{pack.submitted_at_raw} (unparsed)"),
            ("Received", utc_text(pack.received_at)),
        ]
    )


def _decision_section(pdf: ReportPDF, report: DecisionReport) -> None:
    pdf.heading("Decision")
    decision = report.decision
    if decision is None:
        pdf.paragraph("Not decided: no reviewer has recorded a decision on this pack yet.")
        pdf.key_values([("Rubric version", report.rubric_version)])
        return
    pairs = [
        ("Decision", decision.decision),
        ("Decided at", utc_text(decision.decided_at)),
    ]
    if decision.decided_by is not None:
        pairs.append(("Decided by", decision.decided_by))
        pairs.append(("Reviewers", ", ".join(decision.reviewers)))
    pairs += [
        ("Total recorded", decimal_text(decision.total) or "not computed (unscored category)"),
        ("Rubric version", decision.rubric_version),
        ("Content digest", decision.content_digest),
        ("Rationale", decision.rationale or "(none)"),
    ]
    pdf.key_values(pairs)


def _rubric_section(pdf: ReportPDF, report: DecisionReport) -> None:
    scoring = report.scoring
    internal = report.audience == "internal"
    pdf.heading("Rubric scores")
    columns = ["Category", "Score", "Weight", "Points", "Comment"]
    widths = [28.0, 14.0, 14.0, 16.0, 110.0]
    if internal:
        columns.append("Reviewer")
        widths[4] = 80.0
        widths.append(30.0)
    rows = []
    for line in scoring.categories:
        row = [
            line.category,
            decimal_text(line.score) or "unscored",
            f"{line.weight}%",
            decimal_text(line.points),
            line.comment,
        ]
        if internal:
            row.append(line.reviewer or "")
        rows.append(row)
    pdf.grid(columns, rows, widths)

    total = scoring.total_display or "not computed: " + "; ".join(scoring.pass_rule_reasons)
    pdf.paragraph(f"Weighted total: {total}", style="B")
    if scoring.arithmetic:
        pdf.paragraph(scoring.arithmetic, size=8)
    pdf.paragraph(scoring.pass_rule, size=8)
    if scoring.meets_pass_rule is True:
        pdf.paragraph("The scores and calls meet the pass rule.", size=8)
    elif scoring.meets_pass_rule is False:
        pdf.paragraph("Pass rule not met: " + "; ".join(scoring.pass_rule_reasons) + ".", size=8)


def _critical_failure_section(pdf: ReportPDF, report: DecisionReport) -> None:
    internal = report.audience == "internal"
    pdf.heading("Critical failures")
    columns = ["No.", "Critical failure", "Check suggestion", "Call", "Reason"]
    widths = [8.0, 46.0, 50.0, 22.0, 56.0]
    if internal:
        columns.append("Reviewer")
        widths[4] = 30.0
        widths.append(26.0)
    rows = []
    for failure in report.critical_failures:
        row = [
            str(failure.number),
            failure.title,
            _suggestion_text(failure),
            CALL_WORDS.get(failure.call or "", "no call"),
            _reason_text(failure, internal),
        ]
        if internal:
            row.append(failure.reviewer or "")
        rows.append(row)
    pdf.grid(columns, rows, widths, size=8)


def _suggestion_text(failure: CriticalFailureCall) -> str:
    if not failure.suggestions:
        return "not suggested by the checks"
    return "; ".join(
        f"{s.check} ({s.artifact or 'pack'}): {s.message}" for s in failure.suggestions
    )


def _reason_text(failure: CriticalFailureCall, internal: bool) -> str:
    if failure.reason:
        return failure.reason
    if failure.call == "dismiss" and not internal:
        return "dismissed after review"
    return ""


def _findings_section(pdf: ReportPDF, report: DecisionReport) -> None:
    pdf.heading("Findings of the automatic checks")
    if not report.findings:
        pdf.paragraph("The latest check run reported no findings.")
        return
    for group in report.findings:
        pdf.paragraph(f"{group.severity.capitalize()} ({len(group.findings)})", style="B")
        rows = [
            [
                f.check + (f" (CF {f.critical_failure})" if f.critical_failure else ""),
                f.artifact or "",
                f.field or "",
                f.message,
            ]
            for f in group.findings
        ]
        pdf.grid(["Check", "Artifact", "Field", "Message"], rows, [34, 44, 24, 80], size=8)


def _evidence_section(pdf: ReportPDF, report: DecisionReport) -> None:
    pdf.heading("Evidence inventory")
    rows = [_evidence_row(item) for item in report.evidence.items]
    pdf.grid(
        ["Path", "Kind", "Captured", "SHA-256"],
        rows,
        [50, 26, 26, 80],
        size=SMALL_SIZE,
        monospace_columns=(3,),
    )


def _evidence_row(item: EvidenceItem) -> list[str]:
    kind = item.kind or "not listed"
    if not item.present:
        kind += " (missing)"
    sha = item.sha256_actual or "-"
    if item.sha256_declared and item.sha256_declared != item.sha256_actual:
        sha += f"\nmanifest lists {item.sha256_declared}"
    captured = utc_text(item.captured_at) or (item.captured_at_raw or "")
    return [item.path, kind, captured, sha]


def _timeline_section(pdf: ReportPDF, report: DecisionReport) -> None:
    pdf.heading("Timeline")
    if not report.timeline:
        pdf.paragraph("No dated events.")
        return
    rows = [
        [
            utc_text(e.start),
            "" if e.end == e.start else utc_text(e.end),
            e.category,
            e.label,
            e.artifact or "",
        ]
        for e in report.timeline
    ]
    pdf.grid(["Start", "End", "Category", "Event", "Artifact"], rows, [26, 26, 24, 62, 44], size=7)
    draw_timeline(pdf, report.timeline)


def _history_section(pdf: ReportPDF, report: DecisionReport) -> None:
    pdf.heading("Review history (newest first)")
    rows = [
        [utc_text(h.at), h.reviewer, h.kind, h.subject or "", h.value or "", h.note or ""]
        for h in report.history or []
    ]
    pdf.grid(
        ["At", "Reviewer", "Action", "Subject", "Value", "Note"],
        rows,
        [26, 26, 22, 26, 18, 64],
        size=7,
    )


def _verification_section(pdf: ReportPDF, report: DecisionReport) -> None:
    pdf.heading("Verification")
    pdf.key_values(
        [
            ("Report JSON SHA-256", report.report_digest),
            ("Content digest", report.evidence.content_digest),
            ("Manifest SHA-256", report.evidence.manifest_sha256),
            ("Rubric version", report.rubric_version),
            ("Status checked", utc_text(report.status.checked_at)),
        ],
        key_width=40,
    )
    pdf.paragraph(
        "The JSON report with the digest above lists the SHA-256 of every file received. "
        "The content digest is the SHA-256 over the lines 'path, NUL, SHA-256, line feed' of "
        "those files sorted by path, and each weighted point is score x weight / 100.",
        size=8,
    )
