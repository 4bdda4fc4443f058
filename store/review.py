"""Reviewer actions on a pack: scores, critical-failure calls and decisions, append-only.

Every change is a new row with the reviewer and the UTC time. The current state is the
latest row per key, meaning the highest event_id, because one shared sequence numbers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import duckdb

from scoring.rubric import (
    CRITICAL_FAILURES,
    DECISIONS,
    RUBRIC_VERSION,
    WEIGHTS,
    PassCheck,
    WeightedTotal,
    check_pass,
    weighted_total,
)
from store.db import write_with_retry

INSERT_SCORE = """
    INSERT INTO score_events (pack_id, category, score, comment, reviewer, created_at)
    VALUES (?, ?, ?, ?, ?, ?)
"""
INSERT_CRITICAL_FAILURE = """
    INSERT INTO critical_failure_events
        (pack_id, critical_failure, action, reason, reviewer, created_at)
    VALUES (?, ?, ?, ?, ?, ?)
"""
INSERT_DECISION = """
    INSERT INTO decision_events
        (pack_id, decision, rationale, total, rubric_version, content_digest, reviewer, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
SELECT_LATEST_SCORES = """
    SELECT category, score, comment, reviewer, created_at
    FROM score_events WHERE pack_id = ?
    QUALIFY row_number() OVER (PARTITION BY category ORDER BY event_id DESC) = 1
"""
SELECT_LATEST_CALLS = """
    SELECT critical_failure, action, reason, reviewer, created_at
    FROM critical_failure_events WHERE pack_id = ?
    QUALIFY row_number() OVER (PARTITION BY critical_failure ORDER BY event_id DESC) = 1
"""
SELECT_SUGGESTED = """
    SELECT critical_failure, list(DISTINCT check_id ORDER BY check_id)
    FROM findings
    WHERE pack_id = ? AND critical_failure IS NOT NULL
      AND run_id = (SELECT max(run_id) FROM check_runs WHERE pack_id = ?)
    GROUP BY critical_failure
"""
SELECT_LATEST_DECISION = """
    SELECT decision, rationale, total, rubric_version, content_digest, reviewer, created_at
    FROM decision_events WHERE pack_id = ? ORDER BY event_id DESC LIMIT 1
"""
SELECT_CONTENT_DIGEST = "SELECT content_digest FROM packs WHERE pack_id = ?"
SELECT_CHECK_RUNS = "SELECT count(*) FROM check_runs WHERE pack_id = ?"
SELECT_HISTORY = """
    SELECT created_at, reviewer, 'score' AS kind, category AS subject,
           CAST(score AS VARCHAR) AS value, comment AS note, event_id
    FROM score_events WHERE pack_id = ?
    UNION ALL
    SELECT created_at, reviewer, 'critical failure', 'CF' || critical_failure, action, reason,
           event_id
    FROM critical_failure_events WHERE pack_id = ?
    UNION ALL
    SELECT created_at, reviewer, 'decision', decision, CAST(total AS VARCHAR), rationale, event_id
    FROM decision_events WHERE pack_id = ?
    UNION ALL
    SELECT created_at, exported_by, 'export', report_kind, audience, report_digest, event_id
    FROM export_events WHERE pack_id = ?
    ORDER BY event_id DESC
"""

CALL_ACTIONS = ("confirm", "dismiss", "raise")


class ReviewError(ValueError):
    """A reviewer action was rejected; the message gives the reason and the fix."""


@dataclass(frozen=True)
class CategoryScore:
    """The current score and comment of one rubric category."""

    category: str
    score: Decimal | None
    comment: str
    reviewer: str | None
    at: datetime | None


@dataclass(frozen=True)
class CriticalFailureState:
    """One critical failure: which checks suggested it and the reviewer's latest call."""

    number: int
    title: str
    suggested_by: tuple[str, ...]
    action: str | None
    reason: str | None
    reviewer: str | None
    at: datetime | None

    @property
    def confirmed(self) -> bool:
        return self.action in ("confirm", "raise")

    @property
    def open(self) -> bool:
        """A suggestion the reviewer has neither confirmed nor dismissed yet."""
        return bool(self.suggested_by) and self.action is None


@dataclass(frozen=True)
class Decision:
    """The latest decision on a pack."""

    decision: str
    rationale: str
    total: Decimal | None
    rubric_version: str
    content_digest: str
    reviewer: str
    at: datetime


@dataclass(frozen=True)
class ReviewState:
    """Everything the review page shows about the reviewer side of one pack."""

    pack_id: str
    scores: dict[str, CategoryScore]
    critical_failures: dict[int, CriticalFailureState]
    decision: Decision | None
    checks_run: bool = True

    def total(self) -> WeightedTotal | None:
        """Return the weighted total, or None while a category is unscored."""
        values = {c: s.score for c, s in self.scores.items() if s.score is not None}
        if len(values) < len(WEIGHTS):
            return None
        return weighted_total(values)

    def confirmed_failures(self) -> list[int]:
        return [n for n, state in self.critical_failures.items() if state.confirmed]


def _now() -> datetime:
    return datetime.now(UTC)


def record_score(
    con: duckdb.DuckDBPyConnection,
    pack_id: str,
    category: str,
    score: float | Decimal | None,
    comment: str,
    reviewer: str,
) -> None:
    """Append a score (0-100) and comment for one category."""
    _require_reviewer(reviewer)
    if category not in WEIGHTS:
        raise ReviewError(f"unknown rubric category {category!r}; use one of {', '.join(WEIGHTS)}")
    if score is not None and not 0 <= Decimal(str(score)) <= 100:
        raise ReviewError(f"score {score} for {category} is outside 0-100")
    write_with_retry(
        con,
        lambda: con.execute(
            INSERT_SCORE, [pack_id, category, score, comment.strip(), reviewer, _now()]
        ),
    )


def record_critical_failure_call(
    con: duckdb.DuckDBPyConnection,
    pack_id: str,
    number: int,
    action: str,
    reason: str,
    reviewer: str,
) -> None:
    """Append a reviewer's call on critical failure `number`: confirm, dismiss or raise.

    Raises ReviewError when the action is unknown or the reason is empty.
    """
    _require_reviewer(reviewer)
    if number not in CRITICAL_FAILURES:
        raise ReviewError(f"critical failure {number} does not exist; use 1 to 4")
    if action not in CALL_ACTIONS:
        raise ReviewError(f"action {action!r} is unknown; use one of {', '.join(CALL_ACTIONS)}")
    if not reason.strip():
        raise ReviewError(f"give a reason to {action} critical failure {number}")
    write_with_retry(
        con,
        lambda: con.execute(
            INSERT_CRITICAL_FAILURE, [pack_id, number, action, reason.strip(), reviewer, _now()]
        ),
    )


def check_decision(state: ReviewState, decision: str) -> PassCheck:
    """Check whether `decision` may be recorded on the current state, listing every reason not."""
    if decision != "pass":
        return PassCheck(allowed=True, reasons=())
    total = state.total()
    reasons: list[str] = []
    if total is None:
        missing = [c for c, s in state.scores.items() if s.score is None]
        reasons.append("not every category is scored (missing: " + ", ".join(missing) + ")")
    else:
        reasons.extend(check_pass(total, state.confirmed_failures()).reasons)
    if total is None:
        reasons.extend(f"critical failure {n} is confirmed" for n in state.confirmed_failures())
    if not state.checks_run:
        reasons.append(
            "the automatic checks have not run on this pack yet, so its critical failures "
            "are unknown; run the checks first"
        )
    for number, cf in state.critical_failures.items():
        if cf.open:
            reasons.append(
                f"critical failure {number} was suggested by the checks and is neither "
                "confirmed nor dismissed; make that call first"
            )
    return PassCheck(allowed=not reasons, reasons=tuple(reasons))


def record_decision(
    con: duckdb.DuckDBPyConnection,
    pack_id: str,
    decision: str,
    rationale: str,
    reviewer: str,
) -> Decision:
    """Append a decision, checking the pass rule against state read in the same transaction.

    Raises ReviewError listing every reason when a pass would break the rule, when the
    decision is unknown, or when the rationale is empty.
    """
    _require_reviewer(reviewer)
    if decision not in DECISIONS:
        raise ReviewError(f"decision {decision!r} is unknown; use one of {', '.join(DECISIONS)}")
    if not rationale.strip():
        raise ReviewError("write a rationale for the decision")

    def work() -> Decision:
        state = load_review_state(con, pack_id)
        verdict = check_decision(state, decision)
        if not verdict.allowed:
            raise ReviewError("A pass cannot be recorded: " + "; ".join(verdict.reasons) + ".")
        total = state.total()
        digest_row = con.execute(SELECT_CONTENT_DIGEST, [pack_id]).fetchone()
        if digest_row is None:
            raise ReviewError(f"pack {pack_id} is not in the database")
        row = Decision(
            decision=decision,
            rationale=rationale.strip(),
            total=total.total if total else None,
            rubric_version=RUBRIC_VERSION,
            content_digest=digest_row[0],
            reviewer=reviewer,
            at=_now(),
        )
        con.execute(
            INSERT_DECISION,
            [
                pack_id,
                row.decision,
                row.rationale,
                row.total,
                row.rubric_version,
                row.content_digest,
                row.reviewer,
                row.at,
            ],
        )
        return row

    return write_with_retry(con, work)


def load_review_state(con: duckdb.DuckDBPyConnection, pack_id: str) -> ReviewState:
    """Read the current scores, critical-failure calls and decision of a pack."""
    scores = {c: CategoryScore(c, None, "", None, None) for c in WEIGHTS}
    for category, score, comment, reviewer, at in con.execute(
        SELECT_LATEST_SCORES, [pack_id]
    ).fetchall():
        scores[category] = CategoryScore(category, score, comment or "", reviewer, at)

    suggested = dict(con.execute(SELECT_SUGGESTED, [pack_id, pack_id]).fetchall())
    calls = {row[0]: row[1:] for row in con.execute(SELECT_LATEST_CALLS, [pack_id]).fetchall()}
    failures = {}
    for number, title in CRITICAL_FAILURES.items():
        action, reason, reviewer, at = calls.get(number, (None, None, None, None))
        failures[number] = CriticalFailureState(
            number, title, tuple(suggested.get(number) or ()), action, reason, reviewer, at
        )

    row = con.execute(SELECT_LATEST_DECISION, [pack_id]).fetchone()
    decision = Decision(*row) if row else None
    runs = con.execute(SELECT_CHECK_RUNS, [pack_id]).fetchone()
    return ReviewState(pack_id, scores, failures, decision, checks_run=bool(runs and runs[0]))


def load_history(con: duckdb.DuckDBPyConnection, pack_id: str) -> list[dict[str, object]]:
    """List every reviewer action on a pack, newest first."""
    cursor = con.execute(SELECT_HISTORY, [pack_id] * 4)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _require_reviewer(reviewer: str) -> None:
    if not reviewer.strip():
        raise ReviewError("pick your name from the reviewer roster first")
