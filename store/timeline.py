"""The pack timeline: what happened when, from the manifest and the artifacts' own times."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from ingest.times import try_parse_timestamp

# System Log event types drawn one by one; all other events appear as the log's span.
NOTABLE_EVENT_PATTERN = (
    r"(privilege\.(grant|revoke)|lifecycle\.(delete|deactivate)|membership\.remove"
    r"|role|policy\.lifecycle\.(delete|deactivate))"
)
MAX_NOTABLE_EVENTS = 50
MAX_SCIM_CALLS = 50

SELECT_ARTIFACT_TIMES = """
    SELECT path, kind, captured_at, content_json FROM artifacts
    WHERE pack_id = ? AND listed ORDER BY position
"""
SELECT_APPROVALS = """
    SELECT approval_id, approved_at, covers FROM approvals WHERE pack_id = ? ORDER BY position
"""
SELECT_LOG_SPANS = """
    SELECT artifact_path, min(published), max(published), count(*)
    FROM log_events WHERE pack_id = ? AND published IS NOT NULL GROUP BY artifact_path
"""
SELECT_NOTABLE_EVENTS = """
    SELECT artifact_path, published, event_type, uuid FROM log_events
    WHERE pack_id = ? AND published IS NOT NULL AND regexp_matches(event_type, ?)
    ORDER BY published LIMIT ?
"""
SELECT_SCIM_CALLS = """
    SELECT artifact_path, sent_at, method, path, status FROM scim_exchanges
    WHERE pack_id = ? AND sent_at IS NOT NULL ORDER BY sent_at LIMIT ?
"""
SELECT_WINDOW = "SELECT window_start, window_end, submitted_at FROM packs WHERE pack_id = ?"


@dataclass(frozen=True)
class TimelineEvent:
    """One bar (start < end) or point (start == end) on the pack timeline, in UTC."""

    label: str
    category: str
    start: datetime
    end: datetime
    artifact: str | None


@dataclass(frozen=True)
class Timeline:
    """The events of a pack, its access window and its submission time."""

    events: list[TimelineEvent]
    window_start: datetime | None
    window_end: datetime | None
    submitted_at: datetime | None


def build_timeline(con: duckdb.DuckDBPyConnection, pack_id: str) -> Timeline:
    """Collect the pack's events: Butterfly work, approvals, System Log, SCIM and documents."""
    events: list[TimelineEvent] = []
    for path, kind, captured_at, content_json in con.execute(
        SELECT_ARTIFACT_TIMES, [pack_id]
    ).fetchall():
        content = json.loads(content_json) if isinstance(content_json, str) else None
        events.extend(_artifact_events(path, kind, captured_at, content))
    for approval_id, approved_at, covers in con.execute(SELECT_APPROVALS, [pack_id]).fetchall():
        if approved_at is not None:
            label = f"Approval {approval_id} ({', '.join(covers)})"
            events.append(TimelineEvent(label, "Approval", approved_at, approved_at, None))
    for path, first, last, count in con.execute(SELECT_LOG_SPANS, [pack_id]).fetchall():
        events.append(TimelineEvent(f"System Log: {count} events", "System Log", first, last, path))
    for path, published, event_type, uuid in con.execute(
        SELECT_NOTABLE_EVENTS, [pack_id, NOTABLE_EVENT_PATTERN, MAX_NOTABLE_EVENTS]
    ).fetchall():
        label = f"{event_type} ({uuid})"
        events.append(TimelineEvent(label, "System Log", published, published, path))
    for path, sent_at, method, call_path, status in con.execute(
        SELECT_SCIM_CALLS, [pack_id, MAX_SCIM_CALLS]
    ).fetchall():
        label = f"SCIM {method} {call_path} -> {status}"
        events.append(TimelineEvent(label, "SCIM", sent_at, sent_at, path))
    window = con.execute(SELECT_WINDOW, [pack_id]).fetchone() or (None, None, None)
    events.sort(key=lambda e: (e.start, e.label))
    return Timeline(events, *window)


def _artifact_events(
    path: str, kind: str, captured_at: datetime | None, content: Any
) -> list[TimelineEvent]:
    data = content if isinstance(content, dict) else {}
    if kind == "backup-record":
        span = _span(data, "started_at", "completed_at")
        if span:
            label = f"Backup {data.get('backup_id', '')} ({data.get('status', 'unknown')})"
            return [TimelineEvent(label, "Backup", *span, path)]
    if kind == "restore-execution":
        span = _span(data, "started_at", "completed_at")
        if span:
            label = f"Restore execution {data.get('restore_id', '')}"
            return [TimelineEvent(label, "Restore execution", *span, path)]
    if kind in ("compare-report", "restore-preview"):
        at = _time(data.get("generated_at")) or captured_at
        ident = data.get("compare_id") or data.get("restore_preview_id") or ""
        category = "Compare" if kind == "compare-report" else "Restore preview"
        if at:
            return [TimelineEvent(f"{category} {ident}".strip(), category, at, at, path)]
    if kind in ("okta-system-log", "scim-exchange") or captured_at is None:
        return []
    category = "Document" if kind not in ("screenshot", "okta-api-response") else "Capture"
    return [TimelineEvent(f"{kind}: {path}", category, captured_at, captured_at, path)]


def _time(raw: Any) -> datetime | None:
    parsed = try_parse_timestamp(raw)
    return parsed.utc if parsed else None


def _span(data: dict[str, Any], start_key: str, end_key: str) -> tuple[datetime, datetime] | None:
    start, end = _time(data.get(start_key)), _time(data.get(end_key))
    if start and end and end >= start:
        return start, end
    if start or end:
        point = start or end
        assert point is not None
        return point, point
    return None
