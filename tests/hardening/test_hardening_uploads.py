"""Upload limits agree and are shown, and the same pack uploaded twice is stored once."""

from __future__ import annotations

import threading
import tomllib
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ingest.filestore import BlobStore
from ingest.loader import import_pack
from store.db import new_cursor, open_database
from store.settings import ArchiveLimits, load_settings
from tests.conftest import REPO_ROOT
from tests.hardening.hardening_support import (
    CLEAN_PACK_ID,
    CLEAN_ZIP,
    files_below,
    fresh_resources,
)

__all__ = ["fresh_resources"]

TIMEOUT = 60


def upload_page() -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "pages/1_Upload.py"), default_timeout=TIMEOUT)
    app.run()
    return app


def pack_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """Return the number of packs rows, findings runs and artifacts rows of the clean pack."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM packs WHERE pack_id = $p), "
        "(SELECT count(DISTINCT run_id) FROM findings WHERE pack_id = $p), "
        "(SELECT count(*) FROM artifacts WHERE pack_id = $p)",
        {"p": CLEAN_PACK_ID},
    ).fetchone()
    return row[0], row[1], row[2]


def test_config_upload_size_matches_default_limit():
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    default_mb = load_settings({}).limits.max_total_bytes // (1024 * 1024)

    assert config["server"]["maxUploadSize"] == default_mb


@pytest.mark.parametrize(("pack_mb", "expected_mb"), [("5", 5), ("100000", None)])
def test_upload_widget_enforces_limit(
    demo_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_resources: None,
    pack_mb: str,
    expected_mb: int | None,
):
    # Streamlit 1.67 sends the widget's max_upload_size to the browser, which refuses a
    # larger file with "File must be N MB or smaller". The server also rejects a body over
    # server.maxUploadSize, so the widget must never allow more than that.
    monkeypatch.setenv("BUTTERFLY_MAX_PACK_MB", pack_mb)
    server_mb = int(st.get_option("server.maxUploadSize"))
    expected = expected_mb or server_mb

    app = upload_page()

    uploader = app.file_uploader(key="upload_file")
    assert uploader.proto.max_upload_size_mb == expected
    assert any(f"{expected} MB per upload" in caption.value for caption in app.caption)


def test_same_upload_stored_once(demo_env: Path, fresh_resources: None):
    data = CLEAN_ZIP.read_bytes()
    store_dir = demo_env.parent / "store"
    first = upload_page()
    first.file_uploader(key="upload_file").upload(CLEAN_ZIP.name, data, "application/zip")
    first.run()
    cursor = first.session_state["app_cursor"]
    after_first = pack_counts(cursor)
    blobs = files_below(store_dir)

    first.run()  # a rerun with the same file still selected
    after_rerun = pack_counts(cursor)

    second = upload_page()
    second.file_uploader(key="upload_file").upload("renamed copy.zip", data, "application/zip")
    second.run()
    after_second = pack_counts(cursor)

    assert not first.exception
    assert not second.exception
    assert any(CLEAN_PACK_ID in s.value.replace("\\", "") for s in first.success)
    assert after_first == (1, 1, after_first[2])
    assert after_rerun == after_first
    assert after_second == after_first
    assert any("already stored" in info.value for info in second.info)
    assert files_below(store_dir) == blobs


def test_simultaneous_same_pack_stored_once(tmp_path: Path):
    con = open_database(tmp_path / "review.duckdb")
    sessions = 3
    start = threading.Barrier(sessions)
    reports: list[object] = []
    errors: list[BaseException] = []

    def load() -> None:
        cursor = new_cursor(con)
        try:
            start.wait()
            reports.append(
                import_pack(cursor, CLEAN_ZIP, BlobStore(tmp_path / "store"), ArchiveLimits())
            )
        except BaseException as exc:  # noqa: BLE001 - collected and reported by the test
            errors.append(exc)
        finally:
            cursor.close()

    threads = [threading.Thread(target=load) for _ in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    try:
        counts = pack_counts(con)
    finally:
        con.close()

    assert errors == []
    assert [report.status for report in reports] == ["accepted"] * sessions
    assert sorted(report.already_stored for report in reports) == [False, True, True]
    assert counts[:2] == (1, 1)
