"""Time: offsets, submission and access-window bounds, the order of the work, internal times."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from checks.catalogue.common import (
    DOCUMENT_KINDS,
    ID_FIELDS,
    REFERENCE_KIND,
    TIME_TOLERANCE,
    Record,
    event_field,
    json_records,
    records_by_id,
    utc,
)
from checks.findings import Finding
from checks.registry import Check, PackContext, register
from ingest.manifest import MANIFEST_NAME
from ingest.times import try_parse_timestamp

# Time fields inside Butterfly records, checked for an offset and for the submission bound.
RECORD_TIME_FIELDS: dict[str, tuple[str, ...]] = {
    "backup-record": ("started_at", "completed_at"),
    "compare-report": ("generated_at",),
    "restore-preview": ("generated_at",),
    "restore-execution": ("started_at", "completed_at"),
}
MANIFEST_BOUNDS = ("submitted_at", "engagement.access_window.start", "engagement.access_window.end")

# An offset is Z or +hh:mm or +hhmm at the end. The loader took a time without one as UTC.
SELECT_LOG_OFFSETS = """
    SELECT artifact_path,
           count(*) FILTER (WHERE published IS NOT NULL) AS no_offset,
           count(*) FILTER (WHERE published IS NULL) AS unparsed,
           min(event_index) AS first_index,
           arg_min(published_raw, coalesce(event_index, 0)) AS example,
           arg_min(uuid, coalesce(event_index, 0)) AS example_uuid
    FROM log_events
    WHERE pack_id = ? AND published_raw IS NOT NULL
      AND NOT regexp_matches(trim(published_raw), '([zZ]|[+-]\\d{2}:?\\d{2})$')
    GROUP BY artifact_path ORDER BY artifact_path
"""
SELECT_LOG_AFTER = """
    SELECT artifact_path, count(*), max(published), arg_max(uuid, published)
    FROM log_events WHERE pack_id = ? AND published > ?
    GROUP BY artifact_path ORDER BY artifact_path
"""
SELECT_LOG_OUTSIDE_WINDOW = """
    SELECT artifact_path, count(*), min(published), max(published)
    FROM log_events WHERE pack_id = ? AND (published < ? OR published > ?)
    GROUP BY artifact_path ORDER BY artifact_path
"""
SELECT_LOG_LATEST = """
    SELECT l.artifact_path, max(l.published), arg_max(l.uuid, l.published), a.captured_at
    FROM log_events l JOIN artifacts a ON a.pack_id = l.pack_id AND a.path = l.artifact_path
    WHERE l.pack_id = ? AND a.captured_at IS NOT NULL
    GROUP BY l.artifact_path, a.captured_at
    HAVING max(l.published) > a.captured_at + ?
    ORDER BY l.artifact_path
"""
SELECT_CAPTURED = """
    SELECT path, kind, captured_at, captured_at_raw, internal_time, internal_time_field
    FROM artifacts WHERE pack_id = ? AND listed ORDER BY position
"""
SELECT_SCIM_TIMES = """
    SELECT artifact_path, seq, sent_at_raw FROM scim_exchanges
    WHERE pack_id = ? AND sent_at_raw IS NOT NULL ORDER BY artifact_path, seq
"""
SELECT_API_TIMES = """
    SELECT artifact_path, sent_at_raw FROM api_responses
    WHERE pack_id = ? AND sent_at_raw IS NOT NULL ORDER BY artifact_path
"""


@dataclass(frozen=True)
class _Stamp:
    """One time stamp found in the pack, with where it was found."""

    artifact: str
    field: str
    raw: str


def _manifest_stamps(ctx: PackContext) -> list[_Stamp]:
    manifest = ctx.manifest
    window = manifest.engagement.access_window
    stamps = [
        _Stamp(MANIFEST_NAME, "submitted_at", manifest.submitted_at),
        _Stamp(MANIFEST_NAME, "engagement.access_window.start", window.start),
        _Stamp(MANIFEST_NAME, "engagement.access_window.end", window.end),
    ]
    for index, approval in enumerate(manifest.approvals):
        stamps.append(
            _Stamp(MANIFEST_NAME, f"approvals[{index}].approved_at", approval.approved_at)
        )
    for entry in manifest.artifacts:
        stamps.append(_Stamp(entry.path, "captured_at", entry.captured_at))
    return stamps


def _content_stamps(ctx: PackContext) -> list[_Stamp]:
    stamps = []
    for record in json_records(ctx, tuple(RECORD_TIME_FIELDS)):
        for name in RECORD_TIME_FIELDS[record.kind]:
            raw = record.text(name)
            if raw is not None:
                stamps.append(_Stamp(record.path, name, raw))
    for path, seq, raw in ctx.rows(SELECT_SCIM_TIMES, [ctx.pack_id]):
        stamps.append(_Stamp(str(path), f"[{seq}].sent_at", str(raw)))
    for path, raw in ctx.rows(SELECT_API_TIMES, [ctx.pack_id]):
        stamps.append(_Stamp(str(path), "request.sent_at", str(raw)))
    return stamps


@register(
    "time.offset",
    "Time stamps have a UTC offset",
    "Every time stamp is ISO 8601 with a UTC offset (Z or +hh:mm); one without is read as UTC, "
    "and the finding says so, because the operator's local time may differ by hours.",
    category="Evidence",
    severity="minor",
    group="Time",
)
def offsets(ctx: PackContext, check: Check) -> Iterator[Finding]:
    for stamp in _manifest_stamps(ctx) + _content_stamps(ctx):
        parsed = try_parse_timestamp(stamp.raw)
        if parsed is None:
            yield check.finding(
                f"{stamp.field} in {stamp.artifact} is {stamp.raw!r}, which is not an ISO 8601 "
                "time stamp, so it was not compared with anything; write it like "
                "2026-11-03T14:00:00Z.",
                stamp.artifact,
                stamp.field,
                severity="major",
                expected="ISO 8601 with offset",
                found=stamp.raw,
            )
        elif parsed.offset_assumed:
            yield check.finding(
                f"{stamp.field} in {stamp.artifact} is {stamp.raw!r}, with no UTC offset; it was "
                f"taken as UTC ({utc(parsed.utc)}). Add Z or the offset the operator used.",
                stamp.artifact,
                stamp.field,
                expected="a time stamp ending in Z or +hh:mm",
                found=stamp.raw,
            )
    rows = ctx.rows(SELECT_LOG_OFFSETS, [ctx.pack_id])
    for path, no_offset, unparsed, first, example, example_uuid in rows:
        where = event_field(first, example_uuid)
        if no_offset:
            yield check.finding(
                f"{no_offset} System Log events in {path} have a published time with no UTC "
                f"offset (first: event {where}, {example!r}); they were taken as UTC.",
                str(path),
                f"{where}.published",
                expected="published ending in Z",
                found=str(example),
            )
        if unparsed:
            yield check.finding(
                f"{unparsed} System Log events in {path} have a published time that is not "
                f"ISO 8601 (first: event {where}, {example!r}); their times were not checked.",
                str(path),
                f"{where}.published",
                severity="major",
                expected="ISO 8601 published time",
                found=str(example),
            )


@register(
    "time.after_submission",
    "Nothing dated after submission",
    "No capture time, internal time, approval or System Log event is later than the pack's "
    "submitted_at: evidence cannot be produced after it was submitted.",
    category="Evidence",
    severity="major",
    group="Time",
)
def after_submission(ctx: PackContext, check: Check) -> Iterator[Finding]:
    submitted = try_parse_timestamp(ctx.manifest.submitted_at)
    if submitted is None:
        return
    limit = submitted.utc
    stamps = [s for s in _manifest_stamps(ctx) if s.field not in MANIFEST_BOUNDS]
    for stamp in stamps + _content_stamps(ctx):
        parsed = try_parse_timestamp(stamp.raw)
        if parsed is not None and parsed.utc > limit:
            yield check.finding(
                f"{stamp.field} of {stamp.artifact} is {utc(parsed.utc)}, after the pack was "
                f"submitted ({utc(limit)}); correct the time or the submission date.",
                stamp.artifact,
                stamp.field,
                expected=f"at or before {utc(limit)}",
                found=stamp.raw,
            )
    for path, count, latest, uuid in ctx.rows(SELECT_LOG_AFTER, [ctx.pack_id, limit]):
        yield check.finding(
            f"{count} System Log events in {path} are dated after submission ({utc(limit)}); "
            f"the latest is {uuid} at {utc(latest)}.",
            str(path),
            "published",
            expected=f"at or before {utc(limit)}",
            found=utc(latest),
        )


@register(
    "time.window",
    "Work inside the access window",
    "Backups, compares, previews, restores, API and SCIM captures, SAML, screenshots and System "
    "Log events fall inside engagement.access_window; written documents may be dated later.",
    category="Evidence",
    severity="major",
    group="Time",
)
def inside_window(ctx: PackContext, check: Check) -> Iterator[Finding]:
    window = ctx.manifest.engagement.access_window
    start, end = try_parse_timestamp(window.start), try_parse_timestamp(window.end)
    if start is None or end is None or end.utc <= start.utc:
        return
    bounds = f"{utc(start.utc)} to {utc(end.utc)}"
    for path, kind, captured, raw, _internal, _field in ctx.rows(SELECT_CAPTURED, [ctx.pack_id]):
        if kind in DOCUMENT_KINDS or captured is None:
            continue
        if not start.utc <= captured <= end.utc:
            yield check.finding(
                f"{path} was captured at {utc(captured)}, outside the access window ({bounds}); "
                "either the capture time is wrong or the work happened without access.",
                str(path),
                "captured_at",
                expected=bounds,
                found=str(raw),
            )
    params = [ctx.pack_id, start.utc, end.utc]
    for path, count, earliest, latest in ctx.rows(SELECT_LOG_OUTSIDE_WINDOW, params):
        yield check.finding(
            f"{count} System Log events in {path} fall outside the access window ({bounds}), "
            f"from {utc(earliest)} to {utc(latest)}; filter the export to the window or "
            "explain them.",
            str(path),
            "published",
            severity="minor",
            expected=bounds,
            found=f"{count} events",
        )


@register(
    "time.order",
    "Work done in order",
    "A backup completes before the compare and restore preview that use it, and a preview is "
    "generated before the restore execution that applies it. (Approval times are checked by "
    "mutations.restore.)",
    category="Recoverability",
    severity="major",
    group="Time",
)
def work_order(ctx: PackContext, check: Check) -> Iterator[Finding]:
    records = json_records(ctx, tuple(ID_FIELDS))
    index = records_by_id(records)
    for record in records:
        own = _start_time(record)
        if own is None:
            continue
        for earlier, label in _uses(record, index):
            done = _done_time(earlier)
            if done is not None and own < done:
                field = "started_at" if record.kind == "restore-execution" else "generated_at"
                yield check.finding(
                    f"{record.path} ({record.object_id}) is dated {utc(own)}, before the "
                    f"{label} {earlier.object_id} it uses was finished ({utc(done)}, "
                    f"{earlier.path}); one of the two times is wrong.",
                    record.path,
                    field,
                    expected=f"after {utc(done)}",
                    found=utc(own),
                )
        yield from _inner_order(record, check)


def _inner_order(record: Record, check: Check) -> Iterator[Finding]:
    started, completed = record.time("started_at"), record.time("completed_at")
    if started and completed and completed.utc < started.utc:
        yield check.finding(
            f"{record.path} completed ({utc(completed.utc)}) before it started "
            f"({utc(started.utc)}).",
            record.path,
            "completed_at",
            expected=f"after {utc(started.utc)}",
            found=utc(completed.utc),
        )


def _uses(record: Record, index: dict[tuple[str, str], Record]) -> list[tuple[Record, str]]:
    """Return the records this one was built from, with a label for messages."""
    cited: list[tuple[str, str]] = []
    if record.kind in ("compare-report", "restore-preview") and record.text("backup_id"):
        cited.append(("backup-record", record.text("backup_id") or ""))
    if record.kind == "compare-report" and record.text("against") not in (None, "live"):
        cited.append(("backup-record", record.text("against") or ""))
    if record.kind == "restore-execution" and record.text("restore_preview_id"):
        cited.append(("restore-preview", record.text("restore_preview_id") or ""))
    for reference in record.references:
        kind, _, ident = reference.partition(":")
        if kind in REFERENCE_KIND:
            cited.append((REFERENCE_KIND[kind], ident.strip()))
    labels = {"backup-record": "backup", "compare-report": "compare", "restore-preview": "preview"}
    found: list[tuple[Record, str]] = []
    for kind, ident in dict.fromkeys(cited):
        target = index.get((kind, ident))
        if target is not None and target is not record:
            found.append((target, labels[kind]))
    return found


def _start_time(record: Record) -> datetime | None:
    names = ("started_at",) if record.kind == "restore-execution" else ("generated_at",)
    for name in names:
        parsed = record.time(name)
        if parsed:
            return parsed.utc
    return record.captured_at


def _done_time(record: Record) -> datetime | None:
    for name in ("completed_at", "generated_at"):
        parsed = record.time(name)
        if parsed:
            return parsed.utc
    return record.captured_at


@register(
    "time.internal",
    "Internal times agree with capture times",
    "Where an artifact carries its own time (backup completed_at, generated_at, SCIM sent_at, "
    "API sent_at, SAML IssueInstant, PDF creation date, image metadata, newest System Log "
    "event), it agrees with the manifest's captured_at within 15 minutes.",
    category="Evidence",
    severity="minor",
    group="Time",
)
def internal_times(ctx: PackContext, check: Check) -> Iterator[Finding]:
    tolerance = TIME_TOLERANCE
    minutes = int(tolerance.total_seconds() // 60)
    for path, _kind, captured, raw, internal, field in ctx.rows(SELECT_CAPTURED, [ctx.pack_id]):
        if captured is None or internal is None:
            continue
        if abs(internal - captured) > tolerance:
            yield check.finding(
                f"{path} says it was captured at {utc(captured)}, but its {field} is "
                f"{utc(internal)}, more than {minutes} minutes apart; one of the two is wrong.",
                str(path),
                str(field),
                expected=f"within {minutes} minutes of captured_at {raw}",
                found=utc(internal),
            )
    for path, latest, uuid, captured in ctx.rows(SELECT_LOG_LATEST, [ctx.pack_id, tolerance]):
        yield check.finding(
            f"{path} says it was exported at {utc(captured)}, but its newest event ({uuid}) "
            f"was published at {utc(latest)}, more than {minutes} minutes later.",
            str(path),
            "captured_at",
            expected=f"at or after {utc(latest)}",
            found=utc(captured),
        )
