"""Killing an import while it writes to the database leaves no partial pack behind."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from ingest.filestore import BlobStore
from ingest.loader import import_pack
from store.db import open_database
from store.settings import ArchiveLimits
from tests.conftest import REPO_ROOT
from tests.hardening.hardening_support import (
    CLEAN_PACK_ID,
    cli_environment,
    copy_pack_folder,
    row_counts,
)

LOG_EVENTS = 35_000
# The driver prints each progress message, so the test can tell when the write transaction
# has begun. The loader reports "Writing to the database" just before BEGIN TRANSACTION.
DRIVER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from ingest.filestore import BlobStore\n"
    "from ingest.loader import import_pack\n"
    "from store.db import open_database\n"
    "from store.settings import ArchiveLimits\n"
    "con = open_database(sys.argv[2])\n"
    "def progress(fraction, message):\n"
    "    print(message, flush=True)\n"
    "report = import_pack(con, Path(sys.argv[1]), BlobStore(Path(sys.argv[3])),\n"
    "                     ArchiveLimits(), progress)\n"
    "print('finished', report.status, flush=True)\n"
)


def large_log_pack(target: Path) -> Path:
    """Copy the clean pack with its System Log replaced by 35,000 events (about 68 MB)."""
    folder = copy_pack_folder(target)
    log_path = folder / "okta" / "system-log.ndjson"
    first = json.loads(log_path.read_text().splitlines()[0])
    with log_path.open("w") as output:
        for n in range(LOG_EVENTS):
            first["uuid"] = f"{n:08x}-6641-11f0-b8ab-e7cc1dd1a43e"
            output.write(json.dumps(first) + "\n")
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["artifacts"]:
        if entry["path"] == "okta/system-log.ndjson":
            entry["sha256"] = hashlib.sha256(log_path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return folder


def test_kill_during_write_leaves_nothing(tmp_path: Path):
    pack = large_log_pack(tmp_path / "pack")
    assert (pack / "okta" / "system-log.ndjson").stat().st_size > 50_000_000
    database = tmp_path / "review.duckdb"
    store_dir = tmp_path / "store"
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(pack), str(database), str(store_dir)],
        cwd=REPO_ROOT,
        env=cli_environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("Writing to the database"):
                break
        # Loading and checking 35,000 events inside the transaction takes seconds, so a
        # short pause lands the kill inside it rather than before BEGIN.
        time.sleep(0.5)
        still_running = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)

    assert still_running
    assert process.returncode == -signal.SIGKILL
    con = open_database(database)
    try:
        leftovers = {table: n for table, n in row_counts(con).items() if n}
        report = import_pack(con, pack, BlobStore(store_dir), ArchiveLimits())
        events = con.execute(
            "SELECT count(*) FROM log_events WHERE pack_id = ?", [CLEAN_PACK_ID]
        ).fetchone()[0]
        packs = con.execute("SELECT pack_id FROM packs").fetchall()
    finally:
        con.close()

    assert leftovers == {}
    assert report.status == "accepted"
    assert not report.already_stored
    assert packs == [(CLEAN_PACK_ID,)]
    assert events == LOG_EVENTS
