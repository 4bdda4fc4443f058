"""Stored and shown times are UTC whatever the server's TZ."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.hardening.hardening_support import cli_environment, copy_pack_folder

ZONES = ["Asia/Kolkata", "America/Los_Angeles", "UTC"]
# Imports a pack and prints every stored time as the app reads it: through a cursor from
# new_cursor, as Python datetimes, as a pandas frame, and formatted for display.
DRIVER = """
import json, sys, time
from pathlib import Path
import duckdb
from ingest.filestore import BlobStore
from ingest.loader import import_pack
from ingest.times import format_utc
from store.db import new_cursor, open_database
from store.packs import list_artifacts, list_packs
from store.settings import ArchiveLimits

raw = duckdb.connect()
local_zone = raw.execute("SELECT current_setting('TimeZone')").fetchone()[0]
raw.close()
con = open_database(sys.argv[2])
report = import_pack(con, Path(sys.argv[1]), BlobStore(Path(sys.argv[3])), ArchiveLimits())
cursor = new_cursor(con)
pack = cursor.execute(
    "SELECT window_start, window_end, submitted_at, received_at FROM packs"
).fetchone()
stored = {
    "window_start": pack[0], "window_end": pack[1], "submitted_at": pack[2],
    "approved_at": cursor.execute("SELECT min(approved_at) FROM approvals").fetchone()[0],
    "captured_at": cursor.execute("SELECT min(captured_at) FROM artifacts").fetchone()[0],
    "published": cursor.execute("SELECT min(published) FROM log_events").fetchone()[0],
    "naive_captured_at": cursor.execute(
        "SELECT captured_at FROM artifacts WHERE path = 'docs/readiness-notes.md'"
    ).fetchone()[0],
}
frame = list_packs(cursor)
artifacts = list_artifacts(cursor, report.pack_id)
print(json.dumps({
    "time.tzname": list(time.tzname),
    "duckdb_default_zone": local_zone,
    "status": report.status,
    "stored": {key: value.isoformat() for key, value in stored.items()},
    "offsets": sorted({str(value.utcoffset()) for value in [*stored.values(), pack[3]]}),
    "shown": {key: format_utc(value) for key, value in stored.items()},
    "frame_zone": str(frame["submitted_at"].dt.tz),
    "frame_submitted": frame["submitted_at"].iloc[0].isoformat(),
    "artifact_zone": str(artifacts["captured_at"].dt.tz),
}))
"""


def import_under(zone: str, pack: Path, folder: Path) -> dict[str, object]:
    folder.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, str(pack), str(folder / "db.duckdb"), str(folder / "s")],
        cwd=REPO_ROOT,
        env=cli_environment(TZ=zone),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    base = tmp_path_factory.mktemp("zones")
    pack = copy_pack_folder(base / "pack")
    manifest_path = pack / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["artifacts"]:
        if entry["path"] == "docs/readiness-notes.md":
            entry["captured_at"] = "2026-11-03T18:00:00"  # no offset: taken as UTC
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return {zone: import_under(zone, pack, base / zone.replace("/", "-")) for zone in ZONES}


def test_server_zone_applied(outcomes: dict[str, dict[str, object]]):
    # DuckDB 2.0.1 starts each connection in the process's local zone (from TZ), so without
    # open_database's SET TimeZone = 'UTC' times would come back in that zone.
    assert outcomes["Asia/Kolkata"]["duckdb_default_zone"] == "Asia/Kolkata"
    assert outcomes["America/Los_Angeles"]["duckdb_default_zone"] == "America/Los_Angeles"
    assert "IST" in outcomes["Asia/Kolkata"]["time.tzname"]


def test_stored_times_identical_and_utc(outcomes: dict[str, dict[str, object]]):
    reference = outcomes["UTC"]

    for zone, outcome in outcomes.items():
        assert outcome["status"] == "accepted", zone
        assert outcome["stored"] == reference["stored"], zone
        assert outcome["offsets"] == ["0:00:00"], zone
        assert outcome["shown"] == reference["shown"], zone
        assert outcome["frame_zone"] == "UTC", zone
        assert outcome["frame_submitted"] == reference["frame_submitted"], zone
        assert outcome["artifact_zone"] == "UTC", zone


def test_times_without_offset_read_as_utc(outcomes: dict[str, dict[str, object]]):
    for zone, outcome in outcomes.items():
        assert outcome["stored"]["naive_captured_at"] == "2026-11-03T18:00:00+00:00", zone
        assert outcome["shown"]["naive_captured_at"] == "2026-11-03T18:00:00Z", zone
        assert outcome["shown"]["submitted_at"] == "2026-11-04T16:00:00Z", zone
