"""History of cohort actions (who, when, why): appended cohort rows and pack decisions."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from cohort import queries
from cohort.snapshot import CohortSnapshot

HISTORY_COLUMNS = ("created_at", "recorded_by", "kind", "subject", "note")


def operator_history(
    con: duckdb.DuckDBPyConnection, snapshot: CohortSnapshot, operator_id: str
) -> list[dict[str, object]]:
    """List an operator's stage, credential and requirement rows and pack decisions, newest first.

    Decisions are shown as the reviewer recorded them: the prove and supervise stages are
    derived from these rows and have no rows of their own.
    """
    rows = _rows(con, queries.SELECT_OPERATOR_HISTORY, [operator_id] * 3)
    operator = snapshot.operators[operator_id]
    for pack in snapshot.packs:
        mine = pack.partner_id == operator.partner_id and operator_id in pack.operator_ids
        if mine and pack.decision is not None:
            rows.append(
                {
                    "created_at": pack.decided_at,
                    "recorded_by": pack.decided_by,
                    "kind": "pack decision",
                    "subject": f"{pack.pack_id} ({pack.engagement_kind}, {pack.track}): "
                    f"{pack.decision}",
                    "note": pack.rationale or "",
                }
            )
    return sorted(rows, key=_created_at, reverse=True)


def org_history(con: duckdb.DuckDBPyConnection, partner_id: str) -> list[dict[str, object]]:
    """List an organisation's membership, accreditation and quality-check rows, newest first."""
    return _rows(con, queries.SELECT_ORG_HISTORY, [partner_id] * 3)


def _created_at(row: dict[str, object]) -> datetime:
    value = row["created_at"]
    return value if isinstance(value, datetime) else datetime.min.replace(tzinfo=UTC)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[str]) -> list[dict[str, object]]:
    return [
        dict(zip(HISTORY_COLUMNS, row[: len(HISTORY_COLUMNS)], strict=True))
        for row in con.execute(sql, params).fetchall()
    ]
