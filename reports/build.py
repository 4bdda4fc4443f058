"""Build the decision report of one pack from the database, for internal or partner use.

Scores and critical-failure calls are read as they stood when the latest decision was
recorded (every event up to the decision's event_id), so the report's total is the one the
decision was made on. A pack without a decision gets its current scores and calls.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ingest.loader import load_findings
from reports.digest import report_digest
from reports.errors import PackNotFound
from reports.models import (
    Audience,
    CategoryScore,
    CriticalFailureCall,
    DecisionRecord,
    DecisionReport,
    DecisionStatus,
    EvidenceInventory,
    EvidenceItem,
    FileHash,
    FindingGroup,
    FindingLine,
    HistoryEntry,
    Operator,
    PackSummary,
    Scoring,
    Suggestion,
)
from reports.queries import (
    SELECT_ARTIFACTS,
    SELECT_CALLS_AS_OF,
    SELECT_LATEST_DECISION,
    SELECT_LATEST_REVIEW_EVENT,
    SELECT_LATEST_RUN,
    SELECT_OPERATORS,
    SELECT_PACK,
    SELECT_REVIEWERS_AS_OF,
    SELECT_SCORES_AS_OF,
)
from reports.staleness import decision_status
from reports.timeline import timeline_entries
from scoring.rubric import (
    CRITICAL_FAILURES,
    PASS_THRESHOLD,
    RUBRIC_VERSION,
    WEIGHTS,
    check_pass,
    weighted_total,
)
from store.review import load_history

logger = logging.getLogger(__name__)

# Larger than any event id, so "as of" it means "everything recorded so far".
LATEST_EVENT = 2**62
PASS_RULE = (
    f"A pack passes with a weighted total of {PASS_THRESHOLD} or more and zero confirmed "
    "critical failures."
)
# Lines of a comment, reason or rationale that start with this marker (any case) are
# internal notes: the partner-facing report leaves them out.
INTERNAL_MARKER = "internal:"


def build_decision_report(
    cursor: duckdb.DuckDBPyConnection,
    pack_id: str,
    store_dir: Path,
    audience: Audience = "internal",
    now: datetime | None = None,
    status: DecisionStatus | None = None,
) -> DecisionReport:
    """Read a pack, its review and its evidence, re-hash its stored files and build the report.

    The partner-facing audience leaves out reviewer names, internal-note lines, dismissal
    reasons and the reviewer history. A `status` just computed by decision_status saves
    re-hashing the files a second time. Raises PackNotFound for an unknown pack_id.
    """
    pack_row = cursor.execute(SELECT_PACK, [pack_id]).fetchone()
    if pack_row is None:
        raise PackNotFound(pack_id)
    partner = audience == "partner"

    status = status or decision_status(cursor, pack_id, store_dir)
    decision_row = cursor.execute(SELECT_LATEST_DECISION, [pack_id]).fetchone()
    as_of = decision_row[0] if decision_row else LATEST_EVENT
    findings = _current_findings(cursor, pack_id)

    report = DecisionReport(
        audience=audience,
        generated_at=now or datetime.now(UTC),
        rubric_version=RUBRIC_VERSION,
        status=status,
        pack=_pack_summary(cursor, pack_row),
        decision=_decision_record(cursor, pack_id, decision_row, partner),
        scoring=_scoring(cursor, pack_id, as_of, partner),
        critical_failures=_critical_failures(cursor, pack_id, as_of, findings, partner),
        findings=_group_findings(findings),
        evidence=_evidence(cursor, pack_id, pack_row),
        timeline=timeline_entries(cursor, pack_id),
        history=None if partner else _history(cursor, pack_id),
    )
    digest = report_digest(report.model_dump(mode="json"))
    logger.info("built %s decision report of %s: %s", audience, pack_id, digest)
    return report.model_copy(update={"report_digest": digest})


def report_inputs_version(cursor: duckdb.DuckDBPyConnection, pack_id: str) -> tuple[int, int]:
    """Return (latest review event id, latest findings run id): a report built from the same
    pair and the same decision status has the same content apart from generated_at."""
    review = cursor.execute(SELECT_LATEST_REVIEW_EVENT, [pack_id] * 3).fetchone()
    run = cursor.execute(SELECT_LATEST_RUN, [pack_id]).fetchone()
    return (review[0] if review else None) or 0, (run[0] if run else None) or 0


def partner_text(text: str) -> str:
    """Drop the lines of `text` that start with the internal-note marker."""
    kept = [
        line for line in text.splitlines() if not line.lstrip().lower().startswith(INTERNAL_MARKER)
    ]
    return "\n".join(kept).strip()


def _pack_summary(cursor: duckdb.DuckDBPyConnection, row: tuple[Any, ...]) -> PackSummary:
    operators = [
        Operator(operator_id=op_id, name=name, email=email)
        for op_id, name, email in cursor.execute(SELECT_OPERATORS, [row[0]]).fetchall()
    ]
    return PackSummary(
        pack_id=row[0],
        supersedes=row[1],
        partner_id=row[2],
        partner_name=row[3],
        track=row[4],
        operators=operators,
        tenant_org_url=row[5],
        environment=row[6],
        engagement_kind=row[7],
        scope=row[8],
        access_window_start=row[9],
        access_window_end=row[10],
        submitted_at=row[11],
        submitted_at_raw=row[12],
        received_at=row[13],
    )


def _decision_record(
    cursor: duckdb.DuckDBPyConnection,
    pack_id: str,
    row: tuple[Any, ...] | None,
    partner: bool,
) -> DecisionRecord | None:
    if row is None:
        return None
    event_id, decision, rationale, total, rubric_version, digest, reviewer, at = row
    reviewers = [
        r[0] for r in cursor.execute(SELECT_REVIEWERS_AS_OF, [pack_id, event_id] * 3).fetchall()
    ]
    return DecisionRecord(
        decision=decision,
        rationale=partner_text(rationale) if partner else rationale,
        total=total,
        rubric_version=rubric_version,
        content_digest=digest,
        decided_by=None if partner else reviewer,
        reviewers=[] if partner else reviewers,
        decided_at=at,
    )


def _scoring(cursor: duckdb.DuckDBPyConnection, pack_id: str, as_of: int, partner: bool) -> Scoring:
    rows = {r[0]: r[1:] for r in cursor.execute(SELECT_SCORES_AS_OF, [pack_id, as_of]).fetchall()}
    categories = []
    for category, weight in WEIGHTS.items():
        score, comment, reviewer, at = rows.get(category, (None, "", None, None))
        comment = comment or ""
        categories.append(
            CategoryScore(
                category=category,
                score=score,
                weight=weight,
                points=None if score is None else Decimal(score) * weight / 100,
                comment=partner_text(comment) if partner else comment,
                reviewer=None if partner else reviewer,
                scored_at=at,
            )
        )

    scored = {c.category: c.score for c in categories if c.score is not None}
    if len(scored) < len(WEIGHTS):
        missing = [c.category for c in categories if c.score is None]
        return Scoring(
            categories=categories,
            total=None,
            total_display=None,
            arithmetic=None,
            pass_threshold=PASS_THRESHOLD,
            pass_rule=PASS_RULE,
            meets_pass_rule=None,
            pass_rule_reasons=[
                "not every category is scored (missing: " + ", ".join(missing) + ")"
            ],
        )
    total = weighted_total(scored)
    confirmed = _confirmed_numbers(cursor, pack_id, as_of)
    verdict = check_pass(total, confirmed)
    return Scoring(
        categories=categories,
        total=total.total,
        total_display=total.display_total(),
        arithmetic=total.arithmetic(),
        pass_threshold=PASS_THRESHOLD,
        pass_rule=PASS_RULE,
        meets_pass_rule=verdict.allowed,
        pass_rule_reasons=list(verdict.reasons),
    )


def _confirmed_numbers(cursor: duckdb.DuckDBPyConnection, pack_id: str, as_of: int) -> list[int]:
    calls = cursor.execute(SELECT_CALLS_AS_OF, [pack_id, as_of]).fetchall()
    return [number for number, action, *_ in calls if action in ("confirm", "raise")]


def _critical_failures(
    cursor: duckdb.DuckDBPyConnection,
    pack_id: str,
    as_of: int,
    findings: list[FindingLine],
    partner: bool,
) -> list[CriticalFailureCall]:
    calls = {r[0]: r[1:] for r in cursor.execute(SELECT_CALLS_AS_OF, [pack_id, as_of]).fetchall()}
    result = []
    for number, title in CRITICAL_FAILURES.items():
        action, reason, reviewer, at = calls.get(number, (None, None, None, None))
        if partner and reason is not None:
            reason = None if action == "dismiss" else partner_text(reason)
        suggestions = [
            Suggestion(check=f.check, artifact=f.artifact, field=f.field, message=f.message)
            for f in findings
            if f.critical_failure == number
        ]
        result.append(
            CriticalFailureCall(
                number=number,
                title=title,
                suggestions=suggestions,
                call=action,
                confirmed=action in ("confirm", "raise"),
                reason=reason,
                reviewer=None if partner else reviewer,
                called_at=at,
            )
        )
    return result


def _current_findings(cursor: duckdb.DuckDBPyConnection, pack_id: str) -> list[FindingLine]:
    # load_findings returns the latest check run, already sorted by severity.
    return [FindingLine(**finding.model_dump()) for finding in load_findings(cursor, pack_id)]


def _group_findings(findings: list[FindingLine]) -> list[FindingGroup]:
    groups: dict[str, list[FindingLine]] = {}
    for finding in findings:
        groups.setdefault(finding.severity, []).append(finding)
    return [FindingGroup(severity=severity, findings=items) for severity, items in groups.items()]


def _evidence(
    cursor: duckdb.DuckDBPyConnection, pack_id: str, pack_row: tuple[Any, ...]
) -> EvidenceInventory:
    items = [
        EvidenceItem(
            path=r[0],
            kind=r[1],
            listed=r[2],
            present=r[3],
            captured_at=r[4],
            captured_at_raw=r[5],
            description=r[6],
            size_bytes=r[7],
            sha256_declared=r[8],
            sha256_actual=r[9],
        )
        for r in cursor.execute(SELECT_ARTIFACTS, [pack_id]).fetchall()
    ]
    files = sorted(
        (FileHash(path=item.path, sha256=item.sha256_actual) for item in items if item.present
         and item.sha256_actual),
        key=lambda f: f.path,
    )  # fmt: skip
    return EvidenceInventory(
        items=items, files=files, manifest_sha256=pack_row[14], content_digest=pack_row[15]
    )


def _history(cursor: duckdb.DuckDBPyConnection, pack_id: str) -> list[HistoryEntry]:
    return [
        HistoryEntry.model_validate(_history_fields(row)) for row in load_history(cursor, pack_id)
    ]


def _history_fields(row: dict[str, object]) -> dict[str, object]:
    """Rename load_history's columns to HistoryEntry's fields."""
    return {
        "at": row["created_at"],
        "reviewer": row["reviewer"],
        "kind": row["kind"],
        "subject": row["subject"],
        "value": row["value"],
        "note": row["note"],
    }
