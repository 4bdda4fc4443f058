"""Hostile and quirky zips, checked through `butterfly-review check` and import_pack.

Every hostile archive is the clean sample pack plus one fault, so the fault is the only
reason for the rejection. Each is built here and none is a real bomb: the largest expands
to 20 MiB, and the "4 GB" one only declares that size in its headers.
"""

from __future__ import annotations

import io
import json
import os
import stat
import time
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ingest.filestore import BlobStore
from ingest.loader import import_pack
from store.db import open_database
from store.settings import load_settings
from tests.conftest import REPO_ROOT
from tests.hardening.hardening_support import (
    clean_members,
    cli_environment,
    files_below,
    patch_sizes,
    row_counts,
    run_cli,
    write_pack_zip,
    write_zip,
)

# Seconds a rejection may take through the CLI, Python start-up and imports included.
# A rejection reads headers only (or stops at the first lying member), so it takes about
# one second. Inflating the largest bomb declared here would take far longer.
CLI_SECONDS = 20
MIB = 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    """One hostile archive: how to build it, settings to apply, and a phrase of the message."""

    build: Callable[[Path], Path]
    phrase: str
    env: dict[str, str] = field(default_factory=dict)


def _symlink(path: Path) -> Path:
    info = zipfile.ZipInfo("docs/link.md")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return write_pack_zip(path, [(info, b"/etc/passwd")])


def _many_members(path: Path) -> Path:
    # One more entry than the default limit of 5000, counting the 14 pack files.
    extra = [(f"extra/{n:05d}.txt", b"x") for n in range(5000 - 14 + 1)]
    return write_pack_zip(path, extra)


def _ratio(path: Path) -> Path:
    # 20 MiB of zeros deflate to about 20 KiB, a ratio near 1000 against the limit of 200.
    return write_pack_zip(path, [("okta/zeros.bin", bytes(20 * MIB))])


def _declared_huge(path: Path) -> Path:
    # The headers claim 4,000,000,000 bytes but the data is small. Only the headers are read.
    write_pack_zip(path, [("okta/huge.bin", bytes(1024))])
    patch_sizes(path, "okta/huge.bin", 4_000_000_000)
    return path


def _lying_bomb(path: Path) -> Path:
    # 20 MiB of zeros whose headers claim 500 KB, below the ratio floor of 1 MiB, so the
    # header checks pass and extraction must stop at the declared size.
    write_pack_zip(path, [("okta/zeros.bin", bytes(20 * MIB))])
    patch_sizes(path, "okta/zeros.bin", 500_000)
    return path


def _nested(path: Path) -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("inner.txt", b"inside")
    return write_pack_zip(path, [("docs/inner.zip", inner.getvalue())])


def _unicode_collision(path: Path) -> Path:
    composed = unicodedata.normalize("NFC", "docs/café.md")
    decomposed = unicodedata.normalize("NFD", "docs/café.md")
    assert composed != decomposed
    return write_pack_zip(path, [(composed, b"one"), (decomposed, b"two")])


def _too_large(path: Path) -> Path:
    return write_pack_zip(path, [("okta/random.bin", os.urandom(2 * MIB))])


HOSTILE: dict[str, Hostile] = {
    "parent-folder": Hostile(
        lambda p: write_pack_zip(p, [("../escape.txt", b"x")]), "'..' path component"
    ),
    "absolute-path": Hostile(
        lambda p: write_pack_zip(p, [("/tmp/escape.txt", b"x")]), "absolute path"
    ),
    "backslash": Hostile(
        lambda p: write_pack_zip(p, [("docs\\..\\..\\escape.txt", b"x")]), "backslash"
    ),
    "drive-letter": Hostile(lambda p: write_pack_zip(p, [("C:/escape.txt", b"x")]), "drive letter"),
    "symbolic-link": Hostile(_symlink, "symbolic link"),
    "too-many-members": Hostile(_many_members, "more than the limit of 5,000"),
    "too-many-bytes": Hostile(_too_large, "more than the limit", {"BUTTERFLY_MAX_PACK_MB": "1"}),
    "declared-4-gb": Hostile(_declared_huge, "more than the limit of 500.0 MiB"),
    "ratio": Hostile(_ratio, "more than the limit of 200"),
    "lying-bomb": Hostile(_lying_bomb, "okta/zeros.bin"),
    "nested-archive": Hostile(_nested, "nested archives"),
    "duplicate-name": Hostile(
        lambda p: write_pack_zip(p, [("docs/readiness-notes.md", b"again")]),
        "more than once",
    ),
    "case-collision": Hostile(
        lambda p: write_pack_zip(p, [("DOCS/Readiness-Notes.md", b"other")]),
        "same name when case",
    ),
    "unicode-collision": Hostile(_unicode_collision, "Unicode normalisation"),
}


@pytest.fixture(params=sorted(HOSTILE), ids=sorted(HOSTILE))
def hostile(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Hostile]:
    case = HOSTILE[request.param]
    with warnings.catch_warnings():
        # zipfile warns "Duplicate name" while writing the duplicate-name case.
        warnings.simplefilter("ignore", UserWarning)
        path = case.build(tmp_path / f"{request.param}.zip")
    return path, case


def test_check_rejects_hostile_zip(hostile: tuple[Path, Hostile], tmp_path: Path):
    path, case = hostile
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = cli_environment(TMPDIR=str(scratch), **case.env)

    started = time.monotonic()
    result = run_cli("check", str(path), "--json", env=env, timeout=120)
    elapsed = time.monotonic() - started

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "rejected"
    assert report["pack_id"] is None
    messages = " ".join(finding["message"] for finding in report["findings"])
    assert case.phrase in messages
    assert all(finding["severity"] == "critical" for finding in report["findings"])
    assert elapsed < CLI_SECONDS
    assert files_below(scratch) == []


def test_import_rejects_hostile_zip(
    hostile: tuple[Path, Hostile], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path, case = hostile
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    limits = load_settings(case.env).limits
    store_dir = tmp_path / "store"
    con = open_database(tmp_path / "review.duckdb")
    try:
        report = import_pack(con, path, BlobStore(store_dir), limits)
        counts = row_counts(con)
    finally:
        con.close()

    assert report.status == "rejected"
    assert report.exit_code() == 2
    assert {table: n for table, n in counts.items() if n} == {}
    assert files_below(store_dir) == []
    assert files_below(scratch) == []


def _quirky_zip(path: Path) -> Path:
    """Write the clean pack inside one top-level folder, with macOS debris, a BOM and CRLF."""
    members = clean_members()
    manifest = members.pop("manifest.json").decode("utf-8")
    members["manifest.json"] = b"\xef\xbb\xbf" + manifest.replace("\n", "\r\n").encode("utf-8")
    members["docs/notes with spaces.md"] = b"# Notes\n"
    entries = [(f"Pack Folder/{name}", data) for name, data in members.items()]
    entries += [
        ("Pack Folder/.DS_Store", b"\x00\x00\x00\x01Bud1"),
        ("__MACOSX/Pack Folder/._manifest.json", b"\x00\x05\x16\x07"),
        ("__MACOSX/Pack Folder/docs/._notes with spaces.md", b"\x00\x05\x16\x07"),
    ]
    return write_zip(path, entries)


def test_check_accepts_legitimate_quirks(tmp_path: Path):
    path = _quirky_zip(tmp_path / "quirky pack.zip")

    result = run_cli("check", str(path), "--json")

    assert result.returncode in (0, 3), result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "accepted"
    assert report["pack_id"]


def test_import_accepts_legitimate_quirks(tmp_path: Path):
    path = _quirky_zip(tmp_path / "quirky pack.zip")
    con = open_database(tmp_path / "review.duckdb")
    try:
        report = import_pack(con, path, BlobStore(tmp_path / "store"), load_settings({}).limits)
        stored = con.execute("SELECT path FROM artifacts").fetchall()
    finally:
        con.close()

    paths = {row[0] for row in stored}
    assert report.status == "accepted"
    assert "docs/notes with spaces.md" in paths
    assert not any(".DS_Store" in p or "__MACOSX" in p for p in paths)


def test_upload_page_explains_rejection(demo_env: Path, tmp_path: Path):
    path = HOSTILE["parent-folder"].build(tmp_path / "escape.zip")
    app = AppTest.from_file(str(REPO_ROOT / "pages/1_Upload.py"), default_timeout=60)
    app.run()
    before = app.session_state["app_cursor"].execute("SELECT count(*) FROM packs").fetchone()[0]

    app.file_uploader(key="upload_file").upload("escape.zip", path.read_bytes(), "application/zip")
    app.run()

    assert not app.exception
    errors = " ".join(element.value for element in app.error)
    assert "was rejected and nothing was stored" in errors
    table = app.dataframe[0].value
    assert any("'..' path component" in message for message in table["message"])
    after = app.session_state["app_cursor"].execute("SELECT count(*) FROM packs").fetchone()[0]
    assert after == before
