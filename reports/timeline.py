"""The pack timeline as report rows: store.timeline's events, the access window, the submission."""

from __future__ import annotations

import duckdb

from reports.models import TimelineEntry
from store.timeline import build_timeline

ACCESS_WINDOW = "Access window"


def timeline_entries(cursor: duckdb.DuckDBPyConnection, pack_id: str) -> list[TimelineEntry]:
    """Return the pack's timeline in UTC, sorted by start: access window, evidence, submission."""
    timeline = build_timeline(cursor, pack_id)
    entries = [
        TimelineEntry(
            label=event.label,
            category=event.category,
            start=event.start,
            end=event.end,
            artifact=event.artifact,
        )
        for event in timeline.events
    ]
    if timeline.window_start and timeline.window_end:
        entries.append(
            TimelineEntry(
                label=ACCESS_WINDOW,
                category=ACCESS_WINDOW,
                start=timeline.window_start,
                end=timeline.window_end,
                artifact=None,
            )
        )
    if timeline.submitted_at:
        entries.append(
            TimelineEntry(
                label="Pack submitted",
                category="Submission",
                start=timeline.submitted_at,
                end=timeline.submitted_at,
                artifact=None,
            )
        )
    entries.sort(key=lambda entry: (entry.start, entry.category != ACCESS_WINDOW, entry.label))
    return entries
