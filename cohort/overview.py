"""The cohort lead's morning view: a row per operator with stage and blockers, org rows,
review progress, and the frames the charts are drawn from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from cohort import queries, rules
from cohort.snapshot import CohortSnapshot, load_snapshot
from cohort.status import OrgStatus, cohort_status
from scoring.rubric import WEIGHTS

OPERATOR_COLUMNS = [
    "partner_id",
    "organisation",
    "operator_id",
    "operator",
    "track",
    "stage",
    "blocked",
    "blockers",
    "credentials",
    "next_renewal",
]
ORG_COLUMNS = [
    "partner_id",
    "organisation",
    "motion",
    "membership",
    "accreditation",
    "still_missing",
    "pilot_accepted",
    "quality",
    "directory",
    "directory_reason",
    "blockers",
]


@dataclass(frozen=True)
class ReviewProgress:
    """Review progress of the cohort's packs, kept apart from their outcomes.

    reviewed + waiting counts the packs still in play: a pack superseded by a later one
    before any decision counts in neither.
    """

    reviewed: int
    waiting: int
    oldest_wait_days: int | None
    passed: int
    failed: int
    resubmission_requested: int


@dataclass(frozen=True)
class Overview:
    """Everything the cohort page shows, derived from one snapshot."""

    snapshot: CohortSnapshot
    statuses: list[OrgStatus]
    operators: pd.DataFrame
    organisations: pd.DataFrame
    progress: ReviewProgress


def build_overview(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> Overview:
    """Read the cohort and derive the operator table, organisation table and progress."""
    snapshot = load_snapshot(con, now)
    statuses = cohort_status(snapshot)
    return Overview(
        snapshot=snapshot,
        statuses=statuses,
        operators=operator_frame(statuses),
        organisations=organisation_frame(statuses),
        progress=review_progress(snapshot),
    )


def operator_frame(statuses: Sequence[OrgStatus]) -> pd.DataFrame:
    """Build one row per operator: organisation, track, stage, credentials and blockers."""
    rows = []
    for org in statuses:
        for status in org.operators:
            in_force = [c for c in status.credentials if c.status in ("active", "expired")]
            renewal = min((c.renews_on for c in in_force), default=None)
            blockers = list(status.blockers)
            if org.membership is not None and org.membership.status == "suspended":
                blockers.insert(0, f"organisation suspended: {org.membership.reason}")
            rows.append(
                {
                    "partner_id": org.organisation.partner_id,
                    "organisation": org.organisation.name,
                    "operator_id": status.operator.operator_id,
                    "operator": status.operator.name,
                    "track": status.operator.requested_track,
                    "stage": status.stage,
                    "credentials": ", ".join(
                        f"{rules.LEVELS[c.level]} ({c.status})" for c in status.credentials
                    ),
                    "next_renewal": renewal,
                    "blocked": bool(blockers),
                    "blockers": "; ".join(blockers),
                }
            )
    return pd.DataFrame(rows, columns=OPERATOR_COLUMNS)


def organisation_frame(statuses: Sequence[OrgStatus]) -> pd.DataFrame:
    """Build one row per organisation: membership, accreditation, pilot and directory."""
    rows = []
    for org in statuses:
        rows.append(
            {
                "partner_id": org.organisation.partner_id,
                "organisation": org.organisation.name,
                "motion": org.organisation.motion,
                "membership": org.membership.status if org.membership else "unknown",
                "accreditation": org.accreditation.level or "not accredited",
                "still_missing": "; ".join(org.accreditation.missing()),
                "pilot_accepted": org.accepted_pilot.pack_id if org.accepted_pilot else "",
                "quality": org.quality.message,
                "directory": "eligible" if org.eligibility.eligible else "not eligible",
                "directory_reason": "; ".join(org.eligibility.reasons),
                "blockers": "; ".join(org.blockers),
            }
        )
    return pd.DataFrame(rows, columns=ORG_COLUMNS)


def filter_operators(
    frame: pd.DataFrame,
    organisations: Sequence[str] = (),
    tracks: Sequence[str] = (),
    stages: Sequence[str] = (),
    blocked_only: bool = False,
) -> pd.DataFrame:
    """Keep the rows matching every non-empty filter (organisation names, tracks, stages)."""
    mask = pd.Series(True, index=frame.index)
    if organisations:
        mask &= frame["organisation"].isin(list(organisations))
    if tracks:
        mask &= frame["track"].isin(list(tracks))
    if stages:
        mask &= frame["stage"].isin(list(stages))
    if blocked_only:
        mask &= frame["blocked"]
    return frame[mask].reset_index(drop=True)


def filter_organisations(frame: pd.DataFrame, organisations: Sequence[str] = ()) -> pd.DataFrame:
    """Keep the organisation rows whose name is in `organisations` (all when it is empty)."""
    if not organisations:
        return frame
    return frame[frame["organisation"].isin(list(organisations))].reset_index(drop=True)


def board(frame: pd.DataFrame) -> dict[str, list[dict[str, str]]]:
    """Group operator rows into one column per stage, in program order, for the board."""
    columns: dict[str, list[dict[str, str]]] = {stage: [] for stage in rules.STAGES}
    for row in frame.itertuples(index=False):
        columns[str(row.stage)].append(
            {
                "title": f"{row.operator} ({row.organisation})",
                "track": str(row.track),
                "blockers": str(row.blockers),
            }
        )
    return columns


def funnel_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Count the operators who have reached each stage (at it or past it)."""
    order = {stage: index for index, stage in enumerate(rules.STAGES)}
    positions = frame["stage"].map(order)
    counts = [int((positions >= index).sum()) for index in range(len(rules.STAGES))]
    return pd.DataFrame({"stage": list(rules.STAGES), "operators": counts})


def review_progress(snapshot: CohortSnapshot) -> ReviewProgress:
    """Count the cohort's packs reviewed and waiting, and their outcomes, separately."""
    packs = [p for p in snapshot.packs if p.partner_id in snapshot.orgs]
    reviewed = [p for p in packs if p.decision is not None]
    waiting = [p for p in packs if p.decision is None and not p.superseded]
    waits = [(snapshot.now - p.received_at).days for p in waiting]
    return ReviewProgress(
        reviewed=len(reviewed),
        waiting=len(waiting),
        oldest_wait_days=max(waits) if waits else None,
        passed=sum(p.decision == "pass" for p in reviewed),
        failed=sum(p.decision == "fail" for p in reviewed),
        resubmission_requested=sum(p.decision == "resubmission requested" for p in reviewed),
    )


def score_frame(con: duckdb.DuckDBPyConnection, partner_ids: Sequence[str]) -> pd.DataFrame:
    """Read the latest score per rubric category of every pack of the given organisations."""
    rows = con.execute(queries.SELECT_LATEST_SCORES, [list(partner_ids)]).fetchall()
    frame = pd.DataFrame(rows, columns=["pack_id", "partner_id", "category", "score"])
    frame["score"] = frame["score"].astype(float)
    frame["category"] = pd.Categorical(frame["category"], categories=list(WEIGHTS), ordered=True)
    return frame.sort_values(["category", "pack_id"]).reset_index(drop=True)


def throughput_frame(con: duckdb.DuckDBPyConnection, snapshot: CohortSnapshot) -> pd.DataFrame:
    """Count packs received and packs decided (first decision) per ISO week, in UTC."""
    partner_ids = list(snapshot.orgs)
    received = pd.Series(
        [p.received_at for p in snapshot.packs if p.partner_id in snapshot.orgs], dtype=object
    )
    decided_rows = con.execute(queries.SELECT_FIRST_DECISIONS, [partner_ids]).fetchall()
    decided = pd.Series([row[3] for row in decided_rows], dtype=object)
    weeks = pd.concat(
        [_week_counts(received, "received"), _week_counts(decided, "decided")], axis=1
    ).fillna(0)
    weeks = weeks.astype(int).sort_index().reset_index(names="week")
    return weeks


def to_csv(frame: pd.DataFrame) -> bytes:
    """Encode a table as UTF-8 CSV for download."""
    text: str = frame.to_csv(index=False)
    return text.encode("utf-8")


def _week_counts(times: pd.Series, name: str) -> pd.Series:
    if times.empty:
        return pd.Series(dtype=int, name=name)
    stamps = pd.to_datetime(times, utc=True)
    week_start = (stamps.dt.normalize() - pd.to_timedelta(stamps.dt.day_of_week, unit="D")).dt.date
    return week_start.value_counts().rename(name)
