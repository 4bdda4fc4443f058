"""Whether a pack's latest decision is still valid: current, stale, superseded or not decided.

A decision records the content digest of the bytes it was made on. It is superseded when a
stored pack names it in `supersedes`, and stale when the bytes in the file store or the
recorded hashes no longer match what was reviewed. Every blob is re-hashed on each call, so
the cost grows with the pack size (one full read of the pack's files).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest.filestore import BlobStore, sha256_file
from reports.digest import content_digest
from reports.errors import PackNotFound
from reports.models import DecisionStatus, StatusState
from reports.queries import (
    SELECT_LATEST_DECISION,
    SELECT_LATEST_REVIEW_EVENT,
    SELECT_STORED_HASHES,
    SELECT_SUPERSEDING,
)
from scoring.rubric import RUBRIC_VERSION

logger = logging.getLogger(__name__)

SELECT_PACK_DIGEST = "SELECT content_digest FROM packs WHERE pack_id = ?"
MAX_PATHS_NAMED = 5


def decision_status(
    cursor: duckdb.DuckDBPyConnection, pack_id: str, store_dir: Path
) -> DecisionStatus:
    """Re-hash the pack's stored files and report whether its latest decision is still valid.

    Stale wins over superseded when both apply, because changed bytes put the evidence
    itself in doubt; the reason then names both. Raises PackNotFound for an unknown pack_id.
    """
    row = cursor.execute(SELECT_PACK_DIGEST, [pack_id]).fetchone()
    if row is None:
        raise PackNotFound(pack_id)
    pack_digest: str = row[0]

    superseded_by = [r[0] for r in cursor.execute(SELECT_SUPERSEDING, [pack_id]).fetchall()]
    hashes = cursor.execute(SELECT_STORED_HASHES, [pack_id]).fetchall()
    missing, changed = _verify_blobs(BlobStore(store_dir), hashes)
    recorded_digest = content_digest(hashes)
    decision = cursor.execute(SELECT_LATEST_DECISION, [pack_id]).fetchone()

    problems = _integrity_problems(missing, changed, recorded_digest, pack_digest)
    if superseded_by:
        problems.append(_superseded_sentence(superseded_by))
    warnings: list[str] = []
    state: StatusState
    if decision is None:
        state = "not decided"
        reason = " ".join(["No decision has been recorded.", *_capitalised(problems)])
    else:
        event_id, verdict, _, _, rubric_version, decided_digest, _, decided_at = decision
        if decided_digest != pack_digest:
            problems.insert(
                0,
                f"the decision covers content digest {decided_digest}, but the pack's stored "
                f"content digest is {pack_digest}.",
            )
        stale = bool(missing or changed) or decided_digest != pack_digest
        stale = stale or recorded_digest != pack_digest
        if stale:
            state = "stale"
        elif superseded_by:
            state = "superseded"
        else:
            state = "current"
        reason = _decided_reason(state, verdict, decided_at, problems)
        warnings = _warnings(cursor, pack_id, event_id, decided_at, rubric_version)

    status = DecisionStatus(
        state=state,
        reason=reason,
        superseded_by=superseded_by,
        mismatched_artifacts=sorted(missing + changed),
        decided_content_digest=decision[5] if decision else None,
        pack_content_digest=pack_digest,
        warnings=warnings,
        checked_at=datetime.now(UTC),
    )
    if status.state == "stale":
        logger.warning("decision on %s is stale (store %s): %s", pack_id, store_dir, status.reason)
    return status


def _verify_blobs(store: BlobStore, hashes: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Return the paths whose blob is missing and those whose bytes hash differently."""
    missing: list[str] = []
    changed: list[str] = []
    for path, sha256 in hashes:
        blob = store.path_for(sha256)
        if not blob.is_file():
            missing.append(path)
        elif sha256_file(blob) != sha256:
            changed.append(path)
    return missing, changed


def _integrity_problems(
    missing: list[str],
    changed: list[str],
    recorded_digest: str,
    pack_digest: str,
) -> list[str]:
    problems: list[str] = []
    if changed:
        problems.append(
            "the stored bytes of " + _path_list(changed) + " no longer match the SHA-256 "
            "recorded at import."
        )
    if missing:
        problems.append(
            "the file store has no copy of "
            + _path_list(missing)
            + "; check that the store folder belongs to this database."
        )
    if recorded_digest != pack_digest:
        problems.append(
            "the artifact hashes in the database no longer add up to the pack's content digest."
        )
    return problems


def _decided_reason(state: str, verdict: str, decided_at: datetime, problems: list[str]) -> str:
    when = decided_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    opening = f"Decision '{verdict}' of {when}"
    if state == "current":
        return f"{opening} covers the stored bytes, and no resubmission supersedes the pack."
    return " ".join([f"{opening} is {state}:", *problems])


def _warnings(
    cursor: duckdb.DuckDBPyConnection,
    pack_id: str,
    decision_event: int,
    decided_at: datetime,
    rubric_version: str,
) -> list[str]:
    warnings: list[str] = []
    latest = cursor.execute(SELECT_LATEST_REVIEW_EVENT, [pack_id] * 3).fetchone()
    if latest and latest[0] is not None and latest[0] > decision_event:
        when = decided_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        warnings.append(
            f"Scores or critical-failure calls changed after the decision of {when}. The "
            "report shows them as they stood at the decision; record a new decision to "
            "decide on the current ones."
        )
    if rubric_version != RUBRIC_VERSION:
        warnings.append(
            f"The decision was made under rubric {rubric_version}; the current rubric is "
            f"{RUBRIC_VERSION}."
        )
    return warnings


def _path_list(paths: list[str]) -> str:
    """Join up to MAX_PATHS_NAMED paths; the full list is in mismatched_artifacts."""
    if len(paths) <= MAX_PATHS_NAMED:
        return ", ".join(paths)
    shown = ", ".join(paths[:MAX_PATHS_NAMED])
    return f"{shown} and {len(paths) - MAX_PATHS_NAMED} more files"


def _superseded_sentence(superseded_by: list[str]) -> str:
    if len(superseded_by) == 1:
        return f"resubmission {superseded_by[0]} supersedes this pack."
    return "resubmissions " + ", ".join(superseded_by) + " supersede this pack."


def _capitalised(sentences: list[str]) -> list[str]:
    return [s[:1].upper() + s[1:] for s in sentences]
