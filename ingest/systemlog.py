"""Loading Okta System Log artifacts into the log_events table with DuckDB's JSON reader.

The reader runs with an explicit schema: every top-level LogEvent field of Okta's
`/api/v1/logs` is named, scalars as VARCHAR and objects as JSON. Nothing is inferred, so a
key that first appears late in a large file is kept (nested objects stay whole JSON), and
32-hex ids stay text instead of being turned into UUIDs. Top-level keys outside that list
are not loaded. Of the objects, actor, outcome, debugContext, transaction and target are
stored whole. Client, device, authenticationContext, securityContext and request are read
only for the columns taken from them (client.ipAddress), because storing them made a large
log's load much slower than DuckDB's bare read. The original file stays in the
content-addressed store.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

logger = logging.getLogger(__name__)

# Files up to this size are read in Python first, for exact line numbers of bad lines and
# to unwrap the containers seen in real exports. Larger ones go straight to DuckDB.
PYTHON_SCAN_MAX_BYTES = 32 * 1024 * 1024
MAX_REPORTED_BAD_LINES = 20

LOG_COLUMNS: dict[str, str] = {
    "uuid": "VARCHAR",
    "published": "VARCHAR",
    "eventType": "VARCHAR",
    "version": "VARCHAR",
    "severity": "VARCHAR",
    "legacyEventType": "VARCHAR",
    "displayMessage": "VARCHAR",
    "actor": "JSON",
    "client": "JSON",
    "device": "JSON",
    "authenticationContext": "JSON",
    "outcome": "JSON",
    "securityContext": "JSON",
    "debugContext": "JSON",
    "transaction": "JSON",
    "request": "JSON",
    "target": "JSON",
}
_LOWER_TO_KEY = {key.lower(): key for key in LOG_COLUMNS}

# Column names come from LOG_COLUMNS (code constants), never from input.
_COLUMNS_SQL = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in LOG_COLUMNS.items()) + "}"
INSERT_EVENTS = f"""
    INSERT INTO log_events (
        pack_id, artifact_path, event_index, uuid, published, published_raw, event_type,
        severity, display_message, actor_id, actor_type, actor_alternate_id,
        actor_display_name, outcome_result, transaction_id, request_id, client_ip, version,
        legacy_event_type, actor, outcome, debug_context, "transaction", target
    )
    SELECT
        ?, ?, NULL,
        uuid,
        try_cast(replace(published, ' ', 'T') AS TIMESTAMPTZ),
        published,
        eventType,
        severity,
        displayMessage,
        actor ->> '$.id',
        actor ->> '$.type',
        actor ->> '$.alternateId',
        actor ->> '$.displayName',
        outcome ->> '$.result',
        "transaction" ->> '$.id',
        debugContext ->> '$.debugData.requestId',
        client ->> '$.ipAddress',
        version,
        legacyEventType,
        actor, outcome, debugContext, "transaction", target
    FROM read_json(?, format = ?, columns = {_COLUMNS_SQL}, ignore_errors = ?,
                   maximum_object_size = 16777216)
"""
# The position of each event in its file, from the row ids of the rows just inserted. One
# INSERT keeps the file's order (DuckDB's preserve_insertion_order, on by default), while a
# row_number() window over the whole log would hold every event in memory at once. Only
# files read in Python are numbered, because on a large log the UPDATE roughly doubled the
# commit. Events of a large log keep event_index NULL, and findings name them by uuid.
NUMBER_EVENTS = """
    UPDATE log_events
    SET event_index = rowid - (
        SELECT min(rowid) FROM log_events WHERE pack_id = ? AND artifact_path = ?
    )
    WHERE pack_id = ? AND artifact_path = ?
"""
# A line DuckDB could not parse becomes a row with every column NULL (ignore_errors), so
# its position among the rows just inserted is its line number (row ids are read inside
# the loading transaction, where they are consecutive). Those rows are reported, then
# deleted.
SELECT_EMPTY_ROWS = f"""
    SELECT rowid - (
        SELECT min(rowid) FROM log_events WHERE pack_id = ? AND artifact_path = ?
    ) + 1
    FROM log_events
    WHERE pack_id = ? AND artifact_path = ?
      AND uuid IS NULL AND event_type IS NULL AND published_raw IS NULL
      AND actor IS NULL AND target IS NULL
    ORDER BY rowid LIMIT {MAX_REPORTED_BAD_LINES}
"""
COUNT_EMPTY_ROWS = """
    SELECT count(*) FROM log_events
    WHERE pack_id = ? AND artifact_path = ?
      AND uuid IS NULL AND event_type IS NULL AND published_raw IS NULL
      AND actor IS NULL AND target IS NULL
"""
DELETE_EMPTY_ROWS = """
    DELETE FROM log_events
    WHERE pack_id = ? AND artifact_path = ?
      AND uuid IS NULL AND event_type IS NULL AND published_raw IS NULL
      AND actor IS NULL AND target IS NULL
"""
COUNT_EVENTS = "SELECT count(*) FROM log_events WHERE pack_id = ? AND artifact_path = ?"


@dataclass
class LogLoad:
    """The outcome of loading one System Log artifact."""

    events: int = 0
    container: str = "ndjson"
    problems: list[tuple[str | None, str]] = field(default_factory=list)


def load_system_log(
    con: duckdb.DuckDBPyConnection, pack_id: str, artifact_path: str, file_path: Path
) -> LogLoad:
    """Insert the events of one System Log file into log_events; return counts and problems.

    Problems are (field, message) pairs: a bad line is reported with its line number and
    the remaining events still load.
    """
    if file_path.stat().st_size <= PYTHON_SCAN_MAX_BYTES:
        return _load_small(con, pack_id, artifact_path, file_path)
    return _load_large(con, pack_id, artifact_path, file_path)


def _load_large(
    con: duckdb.DuckDBPyConnection, pack_id: str, artifact_path: str, file_path: Path
) -> LogLoad:
    with file_path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    result = LogLoad(container="array" if head.startswith(b"[") else "ndjson")
    if result.container == "array":
        con.execute(INSERT_EVENTS, [pack_id, artifact_path, str(file_path), "array", False])
    else:
        con.execute(
            INSERT_EVENTS, [pack_id, artifact_path, str(file_path), "newline_delimited", True]
        )
        _report_empty_rows(con, pack_id, artifact_path, result)
    result.events = _count(con, pack_id, artifact_path)
    return result


def _number_events(con: duckdb.DuckDBPyConnection, pack_id: str, artifact_path: str) -> None:
    con.execute(NUMBER_EVENTS, [pack_id, artifact_path, pack_id, artifact_path])


def _report_empty_rows(
    con: duckdb.DuckDBPyConnection, pack_id: str, artifact_path: str, result: LogLoad
) -> None:
    params = [pack_id, artifact_path]
    lines = [row[0] for row in con.execute(SELECT_EMPTY_ROWS, params * 2).fetchall()]
    if not lines:
        return
    (bad,) = con.execute(COUNT_EMPTY_ROWS, params).fetchone() or (0,)
    con.execute(DELETE_EMPTY_ROWS, params)
    # NOTE: DuckDB skips blank lines, so a row number can lag the line number after one.
    for line in lines:
        result.problems.append(
            (f"line {line}", f"line {line} is not a JSON object; it was skipped")
        )
    if bad > MAX_REPORTED_BAD_LINES:
        result.problems.append((None, f"{bad} lines in all were not JSON and were skipped"))


def _load_small(
    con: duckdb.DuckDBPyConnection, pack_id: str, artifact_path: str, file_path: Path
) -> LogLoad:
    text = file_path.read_bytes().decode("utf-8-sig", errors="replace")
    events, result = _extract_events(text)
    if events:
        with tempfile.NamedTemporaryFile(
            "w", suffix=".ndjson", encoding="utf-8", delete=False
        ) as handle:
            for event in events:
                handle.write(json.dumps(event) + "\n")
            normalized = Path(handle.name)
        try:
            con.execute(
                INSERT_EVENTS,
                [pack_id, artifact_path, str(normalized), "newline_delimited", False],
            )
            _number_events(con, pack_id, artifact_path)
        finally:
            normalized.unlink(missing_ok=True)
    result.events = _count(con, pack_id, artifact_path)
    return result


def _extract_events(text: str) -> tuple[list[dict[str, Any]], LogLoad]:
    """Find the LogEvents in any of the containers seen in real exports."""
    result = LogLoad()
    stripped = text.strip()
    if not stripped:
        result.problems.append((None, "the file is empty; export the System Log again"))
        return [], result
    try:
        whole = json.loads(stripped)
    except (ValueError, RecursionError):
        # JSONDecodeError is a ValueError, as is an integer of more than 4300 digits.
        whole = None
        result.container = "ndjson"
    else:
        result.container = "array" if isinstance(whole, list) else "object"
    if whole is None:
        items = _parse_lines(text, result)
    elif isinstance(whole, list):
        items = whole
    else:
        items = [whole]
    events: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        events.extend(_unwrap(item, index, result))
    return events, result


def _parse_lines(text: str, result: LogLoad) -> list[Any]:
    items = []
    bad = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
            continue
        except json.JSONDecodeError as exc:
            detail = f"{exc.msg} at column {exc.colno}"
        except RecursionError:
            detail = "nested too deeply"
        except ValueError as exc:  # an integer of more than 4300 digits
            detail = str(exc).split(":")[0]
        bad += 1
        if bad <= MAX_REPORTED_BAD_LINES:
            result.problems.append(
                (
                    f"line {number}",
                    f"line {number} is not valid JSON ({detail}); "
                    "it was skipped and the other events were loaded",
                )
            )
    if bad > MAX_REPORTED_BAD_LINES:
        result.problems.append((None, f"{bad} lines in all were not valid JSON and were skipped"))
    return items


def _unwrap(item: Any, index: int, result: LogLoad) -> list[dict[str, Any]]:
    """Return the LogEvents inside one parsed item (an event, or a wrapper around events)."""
    if not isinstance(item, dict):
        result.problems.append((f"[{index}]", f"item {index} is not a JSON object and was skipped"))
        return []
    if isinstance(item.get("data"), dict) and isinstance(item["data"].get("events"), list):
        result.container = "event-hook"
        return [e for e in item["data"]["events"] if isinstance(e, dict)]
    if isinstance(item.get("_raw"), str):
        result.container = "cribl"
        try:
            inner = json.loads(item["_raw"])
        except (ValueError, RecursionError):
            result.problems.append((f"[{index}]._raw", f"item {index}: _raw is not JSON"))
            return []
        return _unwrap(inner, index, result)
    if "eventType" not in item and "eventtype" in item:
        result.container = "lower-case keys"
        return [{_LOWER_TO_KEY.get(key, key): value for key, value in item.items()}]
    if "eventType" not in item and isinstance(item.get("data"), dict):
        return _unwrap(item["data"], index, result)
    if "eventType" not in item and "uuid" not in item:
        result.problems.append(
            (f"[{index}]", f"item {index} has neither eventType nor uuid; it is not a LogEvent")
        )
        return []
    return [item]


def _count(con: duckdb.DuckDBPyConnection, pack_id: str, artifact_path: str) -> int:
    row = con.execute(COUNT_EVENTS, [pack_id, artifact_path]).fetchone()
    return int(row[0]) if row else 0
