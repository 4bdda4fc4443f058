"""Killing an import while it writes to the database leaves no partial pack behind."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
from pathlib import Path

from ingest.filestore import BlobStore
from ingest.loader import import_pack
from store.db import open_database
from store.review import load_review_state
from store.settings import ArchiveLimits
from tests.conftest import REPO_ROOT
from tests.hardening.hardening_support import (
    CLEAN_PACK_ID,
    cli_environment,
    copy_pack_folder,
    row_counts,
)

LOG_EVENTS = 35_000
# The driver stops at a chosen point of the import and waits there to be killed: inside the
# write transaction, after the System Log rows are inserted ("transaction"), or after the
# commit while the checks run ("checks"). It prints "ready" when it gets there.
DRIVER = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "import checks.registry\n"
    "import ingest.loader as loader\n"
    "from ingest.filestore import BlobStore\n"
    "from store.db import open_database\n"
    "from store.settings import ArchiveLimits\n"
    "def wait_here(original):\n"
    "    def wrapper(*args):\n"
    "        result = original(*args)\n"
    "        print('ready', flush=True)\n"
    "        time.sleep(120)\n"
    "        return result\n"
    "    return wrapper\n"
    "if sys.argv[4] == 'transaction':\n"
    "    loader._insert_system_logs = wait_here(loader._insert_system_logs)\n"
    "else:\n"
    "    loader.run_checks = wait_here(loader.run_checks)\n"
    "con = open_database(sys.argv[2])\n"
    "report = loader.import_pack(con, Path(sys.argv[1]), BlobStore(Path(sys.argv[3])),\n"
    "                            ArchiveLimits())\n"
    "print('finished', report.status, flush=True)\n"
)


def kill_import_at(stage: str, pack: Path, database: Path, store_dir: Path) -> int:
    """Run an import in a child process, kill it with SIGKILL at `stage`, return its status."""
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(pack), str(database), str(store_dir), stage],
        cwd=REPO_ROOT,
        env=cli_environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("ready"):
                break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
    return process.returncode


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

    status = kill_import_at("transaction", pack, database, store_dir)

    assert status == -signal.SIGKILL
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


def test_kill_during_checks_reruns_them(tmp_path: Path):
    pack = large_log_pack(tmp_path / "pack")
    database = tmp_path / "review.duckdb"
    store_dir = tmp_path / "store"

    status = kill_import_at("checks", pack, database, store_dir)

    assert status == -signal.SIGKILL
    con = open_database(database)
    try:
        runs_after_kill = con.execute("SELECT count(*) FROM check_runs").fetchone()[0]
        state = load_review_state(con, CLEAN_PACK_ID)
        report = import_pack(con, pack, BlobStore(store_dir), ArchiveLimits())
        runs_after_import = con.execute("SELECT count(*) FROM check_runs").fetchone()[0]
    finally:
        con.close()

    assert runs_after_kill == 0
    assert not state.checks_run
    assert report.already_stored
    assert report.checks_run
    assert runs_after_import == 1
