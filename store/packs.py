"""Read-side queries about stored packs: the list, one pack's header, artifacts and findings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

SELECT_PACK_LIST = """
    WITH latest AS (
        SELECT pack_id, decision, created_at
        FROM decision_events
        QUALIFY row_number() OVER (PARTITION BY pack_id ORDER BY event_id DESC) = 1
    ),
    suggested AS (
        SELECT pack_id, list(DISTINCT critical_failure ORDER BY critical_failure) AS failures
        FROM findings f
        WHERE critical_failure IS NOT NULL
          AND run_id = (SELECT max(run_id) FROM check_runs g WHERE g.pack_id = f.pack_id)
        GROUP BY pack_id
    )
    SELECT p.pack_id, p.partner_name, p.track, p.engagement_kind, p.submitted_at,
           p.received_at, coalesce(l.decision, 'waiting') AS decision,
           l.created_at AS decided_at, coalesce(s.failures, []) AS suggested_failures,
           p.supersedes,
           (SELECT min(n.pack_id) FROM packs n WHERE n.supersedes = p.pack_id) AS superseded_by
    FROM packs p
    LEFT JOIN latest l USING (pack_id)
    LEFT JOIN suggested s USING (pack_id)
    ORDER BY p.received_at DESC, p.pack_id
"""
SELECT_PACK = """
    SELECT pack_id, partner_id, partner_name, track, tenant_org_url, environment,
           engagement_kind, scope, window_start, window_end, submitted_at, submitted_at_raw,
           received_at, supersedes, source_name, content_digest,
           (SELECT min(n.pack_id) FROM packs n WHERE n.supersedes = ?) AS superseded_by
    FROM packs WHERE pack_id = ?
"""
SELECT_OPERATORS = """
    SELECT operator_id, name, email FROM pack_operators WHERE pack_id = ? ORDER BY operator_id
"""
SELECT_ARTIFACTS = """
    SELECT path, kind, listed, present, media, captured_at, captured_at_raw, internal_time,
           internal_time_field, received_at, size_bytes, sha256_declared, sha256_actual,
           description, "references", parse_error
    FROM artifacts WHERE pack_id = ? ORDER BY position NULLS LAST, path
"""
SELECT_FINDINGS = """
    SELECT severity, check_id, category, artifact, field, message, expected, found,
           critical_failure
    FROM findings
    WHERE pack_id = ? AND run_id = (SELECT max(run_id) FROM check_runs WHERE pack_id = ?)
    ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'major' THEN 1 WHEN 'minor' THEN 2
             ELSE 3 END, artifact NULLS FIRST, check_id
"""
SELECT_CONTENT = """
    SELECT a.kind, a.media, a.sha256_actual, a.content_json, d.text, d.readable, d.error
    FROM artifacts a
    LEFT JOIN documents d ON d.pack_id = a.pack_id AND d.artifact_path = a.path
    WHERE a.pack_id = ? AND a.path = ?
"""
SELECT_LOG_PREVIEW = """
    SELECT published, event_type, actor_alternate_id, outcome_result, uuid, display_message
    FROM log_events WHERE pack_id = ? AND artifact_path = ?
    ORDER BY published NULLS LAST, event_index LIMIT ?
"""
SELECT_PROBLEMS = """
    SELECT field, problem FROM artifact_problems WHERE pack_id = ? AND artifact_path = ?
"""


@dataclass(frozen=True)
class PackHeader:
    """The pack header shown at the top of the review page."""

    pack_id: str
    partner_id: str
    partner_name: str
    track: str
    tenant_org_url: str
    environment: str
    engagement_kind: str
    scope: str | None
    window_start: datetime | None
    window_end: datetime | None
    submitted_at: datetime | None
    submitted_at_raw: str
    received_at: datetime
    supersedes: str | None
    source_name: str | None
    content_digest: str
    superseded_by: str | None
    operators: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class ArtifactView:
    """An artifact's stored content, for the preview beside its findings."""

    kind: str | None
    media: str | None
    sha256: str | None
    content: Any
    text: str | None
    readable: bool | None
    error: str | None
    problems: tuple[tuple[str | None, str], ...]


def list_packs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return every stored pack with its current decision and suggested critical failures."""
    return con.execute(SELECT_PACK_LIST).df()


def get_pack(con: duckdb.DuckDBPyConnection, pack_id: str) -> PackHeader | None:
    """Return the header of one pack, or None when it is not stored."""
    row = con.execute(SELECT_PACK, [pack_id, pack_id]).fetchone()
    if row is None:
        return None
    operators = tuple(con.execute(SELECT_OPERATORS, [pack_id]).fetchall())
    return PackHeader(*row, operators=operators)


def list_artifacts(con: duckdb.DuckDBPyConnection, pack_id: str) -> pd.DataFrame:
    """Return a pack's artifacts with their three times and hashes, in manifest order."""
    return con.execute(SELECT_ARTIFACTS, [pack_id]).df()


def list_findings(con: duckdb.DuckDBPyConnection, pack_id: str) -> pd.DataFrame:
    """Return the latest findings of a pack, most severe first."""
    return con.execute(SELECT_FINDINGS, [pack_id, pack_id]).df()


def get_artifact_view(
    con: duckdb.DuckDBPyConnection, pack_id: str, path: str
) -> ArtifactView | None:
    """Return an artifact's parsed content, document text and reading problems."""
    row = con.execute(SELECT_CONTENT, [pack_id, path]).fetchone()
    if row is None:
        return None
    kind, media, sha, content_json, text, readable, error = row
    problems = tuple(con.execute(SELECT_PROBLEMS, [pack_id, path]).fetchall())
    content = json.loads(content_json) if isinstance(content_json, str) else content_json
    return ArtifactView(kind, media, sha, content, text, readable, error, problems)


def log_preview(
    con: duckdb.DuckDBPyConnection, pack_id: str, path: str, limit: int = 200
) -> pd.DataFrame:
    """Return the first System Log events of an artifact, in time order."""
    return con.execute(SELECT_LOG_PREVIEW, [pack_id, path, limit]).df()
