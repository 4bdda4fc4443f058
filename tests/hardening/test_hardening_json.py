"""Malformed JSON and NDJSON, late keys, hex ids and type drift, loaded through a pack."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ingest.manifest import ManifestInvalid, parse_manifest
from ingest.systemlog import LOG_COLUMNS, PYTHON_SCAN_MAX_BYTES
from tests.hardening.hardening_support import (
    findings_for,
    import_into_new_database,
    pack_with_artifacts,
)

UPPER_UUID = "C108C4CC-6641-11F0-B8AB-E7CC1DD1A43E"
HEX_ID = "f348834b13c1adc94c589222e81d86f5"
LOG_COLUMN_TYPES = {
    "uuid": "VARCHAR",
    "published": "TIMESTAMP WITH TIME ZONE",
    "published_raw": "VARCHAR",
    "event_type": "VARCHAR",
    "transaction_id": "VARCHAR",
    "request_id": "VARCHAR",
    "client_ip": "VARCHAR",
    "version": "VARCHAR",
    "target": "JSON",
    "transaction": "JSON",
}


def event(index: int, **extra: object) -> dict[str, object]:
    """Return a minimal System Log event, minute `index` after 15:00 on 3 November 2026."""
    base: dict[str, object] = {
        "uuid": f"{index:08x}-6641-11f0-b8ab-e7cc1dd1a43e",
        "published": f"2026-11-03T15:{index % 60:02d}:00.000Z",
        "eventType": "user.session.start",
        "version": "0",
        "severity": "INFO",
        "displayMessage": "User login to Okta",
        "actor": {"id": "00uunrjAXkpQdiZqQ693", "type": "User"},
        "outcome": {"result": "SUCCESS"},
    }
    base.update(extra)
    return base


def ndjson(events: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(e) + "\n" for e in events).encode()


def log_rows(con: duckdb.DuckDBPyConnection, path: str) -> list[tuple]:
    return con.execute(
        "SELECT uuid, transaction_id, request_id, client_ip, version FROM log_events "
        "WHERE artifact_path = ? ORDER BY event_index",
        [path],
    ).fetchall()


def test_malformed_json_reports_line_and_column(tmp_path: Path):
    broken = b'{\n  "backup_id": "BK-9000",\n  "status": ,\n  "object_counts": {}\n}\n'
    folder = pack_with_artifacts(
        tmp_path / "pack", {"butterfly/broken-backup.json": ("backup-record", broken)}
    )

    report, con = import_into_new_database(folder, tmp_path / "review.duckdb")
    con.close()

    messages = " ".join(findings_for(report, "butterfly/broken-backup.json"))
    assert report.status == "accepted"
    assert "butterfly/broken-backup.json" in messages
    assert "line 3, column 13" in messages


def test_malformed_manifest_reports_line_and_column():
    with pytest.raises(ManifestInvalid) as caught:
        parse_manifest(b'{\r\n  "spec_version": "1.0",\r\n  "pack_id": EP-1\r\n}')

    assert "line 3, column 14" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        (b"[" * 100_000, "nested too deeply"),
        (b'{"pack_id": ' + b"1" * 5000 + b"}", "4300 digits"),
    ],
    ids=["deep-nesting", "huge-integer"],
)
def test_manifest_limits_reported(raw: bytes, phrase: str):
    # Python 3.11's json raises RecursionError and ValueError (not JSONDecodeError) here.
    with pytest.raises(ManifestInvalid) as caught:
        parse_manifest(raw)

    assert phrase in str(caught.value)


def test_system_log_bad_line_skipped(tmp_path: Path):
    lines = ndjson([event(1), event(2)]).decode() + "{not json\n" + ndjson([event(3)]).decode()
    folder = pack_with_artifacts(
        tmp_path / "pack", {"okta/extra-log.ndjson": ("okta-system-log", lines.encode())}
    )

    report, con = import_into_new_database(folder, tmp_path / "review.duckdb")
    try:
        rows = log_rows(con, "okta/extra-log.ndjson")
    finally:
        con.close()

    assert report.status == "accepted"
    assert len(rows) == 3
    messages = " ".join(findings_for(report, "okta/extra-log.ndjson"))
    assert "line 3" in messages
    assert "other events were loaded" in messages


def test_small_log_keeps_ids_and_drift(tmp_path: Path):
    events = [event(n) for n in range(1, 40)]
    events.append(
        event(
            50,
            uuid=UPPER_UUID,
            version=0,
            severity="null",
            client={
                "ipAddress": "null",
                "geographicalContext": {"postalCode": 20149, "city": None},
            },
            transaction={"type": "WEB", "id": HEX_ID},
            debugContext={"debugData": {"requestId": "late-request"}},
        )
    )
    folder = pack_with_artifacts(
        tmp_path / "pack", {"okta/drift.ndjson": ("okta-system-log", ndjson(events))}
    )

    report, con = import_into_new_database(folder, tmp_path / "review.duckdb")
    try:
        rows = log_rows(con, "okta/drift.ndjson")
    finally:
        con.close()

    assert report.status == "accepted"
    parse_findings = [
        f
        for f in report.findings
        if f.artifact == "okta/drift.ndjson" and f.check.endswith("parse")
    ]
    assert parse_findings == []
    assert len(rows) == len(events)
    # The numeric postalCode sits in `client`, which is read but not stored: the event with
    # it loads, and client.ipAddress keeps its placeholder text.
    uuid, transaction_id, request_id, client_ip, version = rows[-1]
    assert uuid == UPPER_UUID
    assert transaction_id == HEX_ID
    assert request_id == "late-request"
    assert client_ip == "null"
    assert version == "0"


def test_large_log_keeps_late_keys(tmp_path: Path):
    # Over PYTHON_SCAN_MAX_BYTES the file goes straight to DuckDB's read_json. Only the last
    # event has transaction and debugContext, far past any sample DuckDB would infer from.
    padding = "x" * 400
    count = PYTHON_SCAN_MAX_BYTES // 600 + 1000
    body = bytearray()
    for n in range(count):
        body += json.dumps(event(n, displayMessage=padding)).encode() + b"\n"
        if n == 10:
            body += b"{not json\n"
    body += ndjson(
        [
            event(
                count,
                uuid=UPPER_UUID,
                version=0,
                transaction={"type": "WEB", "id": HEX_ID},
                debugContext={"debugData": {"requestId": "late-request"}},
            )
        ]
    )
    assert len(body) > PYTHON_SCAN_MAX_BYTES
    folder = pack_with_artifacts(
        tmp_path / "pack", {"okta/large.ndjson": ("okta-system-log", bytes(body))}
    )

    report, con = import_into_new_database(folder, tmp_path / "review.duckdb")
    try:
        total = con.execute(
            "SELECT count(*) FROM log_events WHERE artifact_path = 'okta/large.ndjson'"
        ).fetchone()[0]
        last = con.execute(
            "SELECT uuid, transaction_id, request_id FROM log_events "
            "WHERE artifact_path = 'okta/large.ndjson' AND request_id IS NOT NULL"
        ).fetchall()
    finally:
        con.close()

    assert report.status == "accepted"
    assert total == count + 1
    assert last == [(UPPER_UUID, HEX_ID, "late-request")]
    messages = " ".join(findings_for(report, "okta/large.ndjson"))
    assert "line 12" in messages


def test_log_schema_is_explicit(tmp_path: Path):
    report, con = import_into_new_database(
        pack_with_artifacts(tmp_path / "pack", {}), tmp_path / "review.duckdb"
    )
    try:
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'log_events'"
            ).fetchall()
        )
    finally:
        con.close()

    assert report.status == "accepted"
    for column, expected in LOG_COLUMN_TYPES.items():
        assert types[column] == expected, column
    assert LOG_COLUMNS["uuid"] == "VARCHAR"
    assert LOG_COLUMNS["version"] == "VARCHAR"
    assert LOG_COLUMNS["transaction"] == "JSON"


def test_duckdb_inference_pinned(tmp_path: Path):
    # DuckDB 2.0.1's read_json_auto samples the first rows: a key that appears only after the
    # sample is dropped, and a dashed id is typed UUID and rewritten in lower case. The loader
    # passes an explicit schema because of both.
    path = tmp_path / "late.ndjson"
    rows = [{"uuid": UPPER_UUID, "eventType": "x"} for _ in range(30_000)]
    rows.append({"uuid": UPPER_UUID, "eventType": "x", "transaction": {"id": HEX_ID}})
    path.write_bytes(ndjson(rows))
    con = duckdb.connect()
    try:
        relation = con.sql(f"SELECT * FROM read_json_auto('{path}')")
        columns = dict(zip(relation.columns, map(str, relation.types), strict=True))
        first = con.execute(
            f"SELECT uuid::VARCHAR FROM read_json_auto('{path}') LIMIT 1"
        ).fetchone()
    finally:
        con.close()

    assert "transaction" not in columns
    assert columns["uuid"] == "UUID"
    assert first[0] == UPPER_UUID.lower()


def test_api_response_type_drift_loads(tmp_path: Path):
    user = {
        "id": "00u1abcdEFGHijkl0h7",
        "status": "ACTIVE",
        "lastLogin": "null",
        "profile": {
            "login": "dana.reyes@partner-one.example",
            "postalCode": 20149,
            "mobilePhone": None,
            "title": "null",
        },
    }
    folder = pack_with_artifacts(
        tmp_path / "pack",
        {"okta/user.json": ("okta-api-response", json.dumps(user).encode())},
    )

    report, con = import_into_new_database(folder, tmp_path / "review.duckdb")
    try:
        stored = con.execute(
            "SELECT parse_error, content_json FROM artifacts WHERE path = 'okta/user.json'"
        ).fetchone()
    finally:
        con.close()

    assert report.status == "accepted"
    assert stored[0] is None
    assert json.loads(stored[1])["profile"]["postalCode"] == 20149
