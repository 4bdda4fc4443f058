"""Reading the current cohort state (latest row per key) and the pack decisions it uses."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb

from cohort import queries
from cohort.models import (
    CredentialState,
    Membership,
    Operator,
    Organisation,
    PackFact,
    QualityCheck,
    RecordedItem,
    StageEvent,
)
from cohort.rules import credential_status


@dataclass(frozen=True)
class CohortSnapshot:
    """Every cohort record in force at `now`, plus a fact row for every pack."""

    now: datetime
    orgs: dict[str, Organisation]
    operators: dict[str, Operator]
    memberships: dict[str, Membership]
    train_events: dict[str, StageEvent]
    credentials: dict[str, dict[str, CredentialState]]
    requirements: dict[str, dict[str, RecordedItem]]
    items: dict[str, dict[str, RecordedItem]]
    quality_checks: dict[str, list[QualityCheck]]
    packs: list[PackFact] = field(default_factory=list)

    @property
    def today(self) -> date:
        """Return the UTC date of `now`."""
        return self.now.astimezone(UTC).date()

    def org_labels(self) -> dict[str, str]:
        """Map each partner_id to a label for pickers, e.g. 'P-001 · Northwind Identity'."""
        return {pid: f"{pid} · {org.name}" for pid, org in self.orgs.items()}

    def operator_labels(self) -> dict[str, str]:
        """Map each operator_id to a label for pickers, with the organisation name."""
        return {
            oid: f"{oid} · {op.name} ({self.orgs[op.partner_id].name})"
            for oid, op in self.operators.items()
        }

    def waitlisted(self) -> list[str]:
        """List the partner_ids whose latest membership status is 'waitlisted'."""
        return [pid for pid, member in self.memberships.items() if member.status == "waitlisted"]

    def operators_of(self, partner_id: str) -> list[Operator]:
        """List the operators of one organisation, by operator_id."""
        return [op for op in self.operators.values() if op.partner_id == partner_id]


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def load_snapshot(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> CohortSnapshot:
    """Read the cohort tables and pack decisions into one snapshot.

    `now` (UTC) decides which credentials have expired and how long packs have waited;
    it defaults to the current time.
    """
    moment = now or utc_now()
    today = moment.astimezone(UTC).date()
    orgs = {row[0]: Organisation(*row) for row in con.execute(queries.SELECT_ORGS).fetchall()}
    operators = {row[0]: Operator(*row) for row in con.execute(queries.SELECT_OPERATORS).fetchall()}
    memberships = {
        row[0]: Membership(*row[1:])
        for row in con.execute(queries.SELECT_LATEST_ORG_STATUS).fetchall()
    }
    train_events = {
        row[0]: StageEvent(*row)
        for row in con.execute(queries.SELECT_LATEST_STAGES).fetchall()
        if row[1] == "train"
    }
    return CohortSnapshot(
        now=moment,
        orgs=orgs,
        operators=operators,
        memberships=memberships,
        train_events=train_events,
        credentials=_load_credentials(con, today),
        requirements=_load_recorded(con, queries.SELECT_LATEST_REQUIREMENTS),
        items=_load_recorded(con, queries.SELECT_LATEST_ITEMS),
        quality_checks=_load_quality_checks(con),
        packs=load_pack_facts(con),
    )


def load_pack_facts(con: duckdb.DuckDBPyConnection) -> list[PackFact]:
    """Read every pack with its operators and latest decision, oldest first."""
    facts = []
    for row in con.execute(queries.SELECT_PACK_FACTS).fetchall():
        (pack_id, partner_id, track, kind, operator_ids, received_at, superseded) = row[:7]
        decision, decided_at, decided_by, rationale, missing = row[7:]
        facts.append(
            PackFact(
                pack_id=pack_id,
                partner_id=partner_id,
                track=track,
                engagement_kind=kind,
                operator_ids=tuple(operator_ids or ()),
                received_at=received_at,
                superseded=bool(superseded),
                decision=decision,
                decided_at=decided_at,
                decided_by=decided_by,
                rationale=rationale,
                missing_evidence=bool(missing),
            )
        )
    return facts


def _load_credentials(
    con: duckdb.DuckDBPyConnection, today: date
) -> dict[str, dict[str, CredentialState]]:
    result: dict[str, dict[str, CredentialState]] = defaultdict(dict)
    for row in con.execute(queries.SELECT_LATEST_CREDENTIALS).fetchall():
        operator_id, level, action, reason_code, reason, issued_on, renews_on, by, at = row
        status = credential_status(action, renews_on, today)
        result[operator_id][level] = CredentialState(
            operator_id, level, action, status, issued_on, renews_on, reason_code, reason, by, at
        )
    return dict(result)


def _load_recorded(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, dict[str, RecordedItem]]:
    result: dict[str, dict[str, RecordedItem]] = defaultdict(dict)
    for owner, key, *rest in con.execute(sql).fetchall():
        result[owner][key] = RecordedItem(key, *rest)
    return dict(result)


def _load_quality_checks(con: duckdb.DuckDBPyConnection) -> dict[str, list[QualityCheck]]:
    result: dict[str, list[QualityCheck]] = defaultdict(list)
    for row in con.execute(queries.SELECT_QUALITY_CHECKS).fetchall():
        result[row[0]].append(QualityCheck(*row))
    return dict(result)
