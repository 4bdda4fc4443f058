"""Tests for opening pack zips and folders: header checks, extraction limits and quirks."""

from __future__ import annotations

import logging
import stat
import struct
import time
import unicodedata
import zipfile
from pathlib import Path
from typing import IO, Any

import pytest

from checks.findings import Finding
from ingest.archive import OpenedPack, PackRejected, open_pack
from store.settings import ArchiveLimits

SHARED = Path(__file__).resolve().parents[3] / "shared"
SAMPLE_PACKS = SHARED / "sample-packs"
SAMPLE_NAMES = ["clean-implementation-specialist", "impl-scim-no-deactivate", "lead-late-approval"]

LIMITS = ArchiveLimits()
MANIFEST = b'{"spec_version": "1.0", "pack_id": "EP-TEST-0001"}'
BOMB_BYTES = 50 * 1024 * 1024
CENTRAL_HEADER = b"PK\x01\x02"


def build_zip(path: Path, members: dict[str, bytes], *, with_manifest: bool = True) -> Path:
    """Write a deflated zip that contains `members`, plus manifest.json if `with_manifest`."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if with_manifest:
            archive.writestr("manifest.json", MANIFEST)
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def write_bomb(path: Path) -> Path:
    """Write a pack whose one extra member is 50 MB of zeros, deflated to about 50 KB."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", MANIFEST)
        with archive.open("okta/zeros.bin", "w") as member:
            chunk = bytes(1024 * 1024)
            for _ in range(BOMB_BYTES // len(chunk)):
                member.write(chunk)
    return path


def patch_central_header(path: Path, name: str, offset: int, fmt: str, value: int) -> None:
    """Overwrite one field of `name`'s central directory header, leaving the data as is.

    Offsets follow the central file header layout: flags at 8, method at 10,
    compressed size at 20, uncompressed size at 24, name length at 28, name at 46.
    """
    data = bytearray(path.read_bytes())
    encoded = name.encode("utf-8")
    start = data.find(CENTRAL_HEADER)
    while start >= 0:
        (name_length,) = struct.unpack_from("<H", data, start + 28)
        if bytes(data[start + 46 : start + 46 + name_length]) == encoded:
            struct.pack_into(fmt, data, start + offset, value)
            path.write_bytes(bytes(data))
            return
        start = data.find(CENTRAL_HEADER, start + 4)
    raise AssertionError(f"no central directory header for {name}")


def rejection(
    path: Path, limits: ArchiveLimits = LIMITS, work_dir: Path | None = None
) -> PackRejected:
    """Open `path`, expecting PackRejected, and return the exception."""
    with pytest.raises(PackRejected) as caught, open_pack(path, limits, work_dir):
        pass
    return caught.value


def only_finding(path: Path, limits: ArchiveLimits = LIMITS) -> Finding:
    findings = rejection(path, limits).findings
    assert len(findings) == 1, [finding.message for finding in findings]
    return findings[0]


def make_folder(root: Path, members: dict[str, bytes]) -> Path:
    root.mkdir()
    (root / "manifest.json").write_bytes(MANIFEST)
    for name, data in members.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "work"
    directory.mkdir()
    return directory


def test_rejects_parent_component(tmp_path: Path) -> None:
    finding = only_finding(build_zip(tmp_path / "p.zip", {"../evil.txt": b"x"}))
    assert finding.artifact == "../evil.txt"
    assert "'..'" in finding.message


def test_rejects_absolute_path(tmp_path: Path) -> None:
    finding = only_finding(build_zip(tmp_path / "p.zip", {"/etc/evil.txt": b"x"}))
    assert finding.artifact == "/etc/evil.txt"
    assert "absolute path" in finding.message


def test_rejects_backslash_name(tmp_path: Path) -> None:
    finding = only_finding(build_zip(tmp_path / "p.zip", {"docs\\notes.md": b"x"}))
    assert finding.artifact == "docs\\notes.md"
    assert "backslash" in finding.message


def test_rejects_backslash_parent(tmp_path: Path) -> None:
    findings = rejection(build_zip(tmp_path / "p.zip", {"..\\evil.txt": b"x"})).findings
    messages = " ".join(finding.message for finding in findings)
    assert "backslash" in messages
    assert "'..'" in messages


def test_rejects_drive_letter(tmp_path: Path) -> None:
    finding = only_finding(build_zip(tmp_path / "p.zip", {"C:/evil.txt": b"x"}))
    assert finding.artifact == "C:/evil.txt"
    assert "drive letter" in finding.message


def test_rejects_control_character(tmp_path: Path) -> None:
    finding = only_finding(build_zip(tmp_path / "p.zip", {"bad\nname.txt": b"x"}))
    assert "control character" in finding.message
    assert "\n" not in finding.message


def test_rejects_symbolic_link(tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", MANIFEST)
        link = zipfile.ZipInfo("okta/users.json")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    finding = only_finding(path)
    assert finding.artifact == "okta/users.json"
    assert "symbolic link" in finding.message


def test_rejects_too_many_members(tmp_path: Path) -> None:
    members = {f"okta/log-{index}.json": b"{}" for index in range(5)}
    finding = only_finding(build_zip(tmp_path / "p.zip", members), ArchiveLimits(max_members=3))
    assert finding.artifact == "p.zip"
    assert "6 entries" in finding.message


def test_rejects_total_size(tmp_path: Path) -> None:
    members = {"a.txt": b"a" * 600, "b.txt": b"b" * 600}
    limits = ArchiveLimits(max_total_bytes=1000)
    finding = only_finding(build_zip(tmp_path / "p.zip", members), limits)
    assert finding.artifact == "p.zip"
    assert "declares 1,250 bytes" in finding.message


def test_rejects_large_member(tmp_path: Path) -> None:
    limits = ArchiveLimits(max_member_bytes=1000)
    finding = only_finding(build_zip(tmp_path / "p.zip", {"big.txt": b"b" * 1001}), limits)
    assert finding.artifact == "big.txt"
    assert "per file" in finding.message


def test_rejects_high_ratio(tmp_path: Path) -> None:
    finding = only_finding(write_bomb(tmp_path / "bomb.zip"))
    assert finding.artifact == "okta/zeros.bin"
    assert "zip bomb" in finding.message


@pytest.mark.parametrize("suffix", [".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz"])
def test_rejects_nested_archive(tmp_path: Path, suffix: str) -> None:
    name = f"okta/system-log{suffix}"
    finding = only_finding(build_zip(tmp_path / "p.zip", {name: b"x"}))
    assert finding.artifact == name
    assert "archive inside the pack" in finding.message


def test_rejects_duplicate_names(tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(path, "w") as archive,
    ):
        archive.writestr("manifest.json", MANIFEST)
        archive.writestr("notes.md", b"first")
        archive.writestr("notes.md", b"second")
    finding = only_finding(path)
    assert finding.artifact == "notes.md"
    assert "more than once" in finding.message


def test_rejects_case_collision(tmp_path: Path) -> None:
    finding = only_finding(build_zip(tmp_path / "p.zip", {"Notes.md": b"a", "notes.md": b"b"}))
    assert finding.artifact == "notes.md"
    assert "'Notes.md'" in finding.message


def test_rejects_unicode_collision(tmp_path: Path) -> None:
    composed = unicodedata.normalize("NFC", "café.md")
    decomposed = unicodedata.normalize("NFD", "café.md")
    finding = only_finding(build_zip(tmp_path / "p.zip", {composed: b"a", decomposed: b"b"}))
    assert finding.artifact == decomposed
    assert "Unicode normalisation" in finding.message


def test_rejects_file_folder_clash(tmp_path: Path) -> None:
    finding = only_finding(build_zip(tmp_path / "p.zip", {"okta": b"a", "okta/users.json": b"b"}))
    assert finding.artifact == "okta"
    assert "both a file and a folder" in finding.message


def test_rejects_encrypted_member(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "p.zip", {"secret.json": b"{}"})
    patch_central_header(path, "secret.json", 8, "<H", 0x1)
    finding = only_finding(path)
    assert finding.check == "archive.unsafe"
    assert finding.artifact == "secret.json"
    assert "encrypted" in finding.message


def test_rejects_unknown_compression(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "p.zip", {"data.json": b"{}"})
    patch_central_header(path, "data.json", 10, "<H", 99)
    finding = only_finding(path)
    assert finding.check == "archive.unreadable"
    assert "compression method 99" in finding.message


def test_rejects_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "notes.zip"
    path.write_text("this is a text file, not a zip")
    finding = only_finding(path)
    assert finding.check == "archive.unreadable"
    assert "'notes.zip' is not a readable zip file" in finding.message


def test_rejects_truncated_zip(tmp_path: Path) -> None:
    whole = (SAMPLE_PACKS / "lead-late-approval.zip").read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(whole[: len(whole) // 2])
    finding = only_finding(path)
    assert finding.check == "archive.unreadable"
    assert "cut.zip" in finding.message


def test_rejects_missing_path(tmp_path: Path) -> None:
    finding = only_finding(tmp_path / "absent.zip")
    assert finding.check == "archive.unreadable"
    assert "not found" in finding.message


def test_rejects_missing_manifest(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "p.zip", {"notes.md": b"x"}, with_manifest=False)
    finding = only_finding(path)
    assert finding.check == "archive.unreadable"
    assert finding.artifact == "manifest.json"
    assert "no manifest.json at its root" in finding.message


def test_missing_manifest_names_location(tmp_path: Path) -> None:
    members = {"outer/inner/manifest.json": MANIFEST, "outer/notes.md": b"x"}
    path = build_zip(tmp_path / "p.zip", members, with_manifest=False)
    finding = only_finding(path)
    assert "'outer/inner/manifest.json' was found" in finding.message


def test_manifest_beside_other_top_files(tmp_path: Path) -> None:
    members = {"Pack/manifest.json": MANIFEST, "stray.txt": b"x"}
    path = build_zip(tmp_path / "p.zip", members, with_manifest=False)
    finding = only_finding(path)
    assert "single top-level folder" in finding.message


def test_collects_every_problem(tmp_path: Path) -> None:
    members = {"../a.txt": b"x", "/b.txt": b"x", "nested.zip": b"x"}
    findings = rejection(build_zip(tmp_path / "p.zip", members)).findings
    artifacts = sorted(finding.artifact or "" for finding in findings)
    assert artifacts == ["../a.txt", "/b.txt", "nested.zip"]


def test_missing_manifest_joins_others(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "p.zip", {"../evil.txt": b"x"}, with_manifest=False)
    checks = sorted(finding.check for finding in rejection(path).findings)
    assert checks == ["archive.unreadable", "archive.unsafe"]


def test_findings_are_critical(tmp_path: Path) -> None:
    finding = only_finding(build_zip(tmp_path / "p.zip", {"../evil.txt": b"x"}))
    assert finding.check == "archive.unsafe"
    assert finding.severity == "critical"
    assert finding.category == "Safety"
    assert finding.field is None


def test_unreadable_findings_are_evidence(tmp_path: Path) -> None:
    finding = only_finding(build_zip(tmp_path / "p.zip", {}, with_manifest=False))
    assert finding.severity == "critical"
    assert finding.category == "Evidence"


def test_rejection_logs_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = build_zip(tmp_path / "p.zip", {"../evil.txt": b"secret contents"})
    with caplog.at_level(logging.WARNING, logger="ingest.archive"):
        rejection(path)
    assert "Rejected pack p.zip" in caplog.text
    assert "secret contents" not in caplog.text


def test_exception_text_lists_reasons(tmp_path: Path) -> None:
    error = rejection(build_zip(tmp_path / "p.zip", {"../a.txt": b"x", "/b.txt": b"x"}))
    assert len(str(error).splitlines()) == 2


def test_bomb_rejected_without_reading(
    tmp_path: Path, work_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_bomb(tmp_path / "bomb.zip")
    opened_members: list[str] = []
    real_open = zipfile.ZipFile.open

    def recording_open(self: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> IO[bytes]:
        opened_members.append(str(name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    started = time.monotonic()
    rejection(path, work_dir=work_dir)
    elapsed = time.monotonic() - started
    assert opened_members == []
    assert list(work_dir.iterdir()) == []
    assert elapsed < 5


def test_bomb_leaves_no_temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(system_temp))
    rejection(write_bomb(tmp_path / "bomb.zip"))
    assert list(system_temp.iterdir()) == []


def test_rejects_lying_size_header(tmp_path: Path, work_dir: Path) -> None:
    path = write_bomb(tmp_path / "liar.zip")
    patch_central_header(path, "okta/zeros.bin", 24, "<L", 1000)
    findings = rejection(path, work_dir=work_dir).findings
    assert len(findings) == 1
    finding = findings[0]
    assert finding.artifact == "okta/zeros.bin"
    assert finding.check == "archive.unreadable"


def test_lying_header_leaves_nothing(tmp_path: Path, work_dir: Path) -> None:
    path = write_bomb(tmp_path / "liar.zip")
    patch_central_header(path, "okta/zeros.bin", 24, "<L", 1000)
    rejection(path, work_dir=work_dir)
    assert list(work_dir.iterdir()) == []


def test_rejects_short_member(tmp_path: Path) -> None:
    # The CRC still matches the real data, so only the size comparison catches this.
    path = build_zip(tmp_path / "p.zip", {"okta/users.json": b"[]"})
    patch_central_header(path, "okta/users.json", 24, "<L", 500)
    finding = only_finding(path)
    assert finding.artifact == "okta/users.json"
    assert "header declares 500 bytes" in finding.message


def test_rejection_skips_work_dir_creation(tmp_path: Path) -> None:
    work = tmp_path / "not-yet"
    rejection(build_zip(tmp_path / "p.zip", {"../evil.txt": b"x"}), work_dir=work)
    assert not work.exists()


def test_opens_plain_zip(tmp_path: Path, work_dir: Path) -> None:
    path = build_zip(tmp_path / "p.zip", {"okta/users.json": b"[]"})
    with open_pack(path, LIMITS, work_dir) as pack:
        assert pack.files == ["manifest.json", "okta/users.json"]
        assert (pack.root / "okta" / "users.json").read_bytes() == b"[]"
        assert pack.root.parent == work_dir
        assert pack.source_name == "p.zip"
        assert pack.ignored == []


def test_strips_single_top_folder(tmp_path: Path, work_dir: Path) -> None:
    members = {"Pack/manifest.json": MANIFEST, "Pack/okta/users.json": b"[]"}
    path = build_zip(tmp_path / "p.zip", members, with_manifest=False)
    with open_pack(path, LIMITS, work_dir) as pack:
        assert pack.files == ["manifest.json", "okta/users.json"]
        assert (pack.root / "manifest.json").read_bytes() == MANIFEST


def test_ignores_macos_debris(tmp_path: Path, work_dir: Path) -> None:
    members = {
        "Pack/manifest.json": MANIFEST,
        "Pack/.DS_Store": b"\x00",
        "Pack/screens/Thumbs.db": b"\x00",
        "__MACOSX/Pack/._manifest.json": b"\x00",
    }
    path = build_zip(tmp_path / "p.zip", members, with_manifest=False)
    with open_pack(path, LIMITS, work_dir) as pack:
        assert pack.files == ["manifest.json"]
        assert pack.ignored == [
            "Pack/.DS_Store",
            "Pack/screens/Thumbs.db",
            "__MACOSX/Pack/._manifest.json",
        ]
        assert listing(pack.root) == ["manifest.json"]


def test_accepts_spaces_in_names(tmp_path: Path, work_dir: Path) -> None:
    name = "screens/Screenshot 2026-11-03 at 14.02.11.png"
    with open_pack(build_zip(tmp_path / "p.zip", {name: b"png"}), LIMITS, work_dir) as pack:
        assert name in pack.files
        assert (pack.root / name).read_bytes() == b"png"


def test_accepts_compressible_small_json(tmp_path: Path, work_dir: Path) -> None:
    data = b'{"eventType": "user.session.start", "outcome": "SUCCESS"}\n' * 15_000
    path = build_zip(tmp_path / "p.zip", {"okta/system-log.ndjson": data})
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("okta/system-log.ndjson")
    assert info.file_size / info.compress_size > LIMITS.max_ratio
    with open_pack(path, LIMITS, work_dir) as pack:
        assert (pack.root / "okta/system-log.ndjson").read_bytes() == data


def test_accepts_dot_segments(tmp_path: Path, work_dir: Path) -> None:
    members = {"./manifest.json": MANIFEST, "./okta//users.json": b"[]"}
    path = build_zip(tmp_path / "p.zip", members, with_manifest=False)
    with open_pack(path, LIMITS, work_dir) as pack:
        assert pack.files == ["manifest.json", "okta/users.json"]


def test_accepts_folder_entries(tmp_path: Path, work_dir: Path) -> None:
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.mkdir("Pack")
        archive.mkdir("Pack/okta")
        archive.writestr("Pack/manifest.json", MANIFEST)
    with open_pack(path, LIMITS, work_dir) as pack:
        assert pack.files == ["manifest.json"]


def test_removes_extraction_on_exit(tmp_path: Path, work_dir: Path) -> None:
    with open_pack(build_zip(tmp_path / "p.zip", {}), LIMITS, work_dir) as pack:
        root = pack.root
    assert not root.exists()
    assert list(work_dir.iterdir()) == []


def test_removes_extraction_on_error(tmp_path: Path, work_dir: Path) -> None:
    with (
        pytest.raises(KeyError),
        open_pack(build_zip(tmp_path / "p.zip", {}), LIMITS, work_dir),
    ):
        raise KeyError("raised inside the with block")
    assert list(work_dir.iterdir()) == []


def test_creates_missing_work_dir(tmp_path: Path) -> None:
    work = tmp_path / "new" / "work"
    with open_pack(build_zip(tmp_path / "p.zip", {}), LIMITS, work) as pack:
        assert pack.root.parent == work


def test_folder_opens_in_place(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "pack", {"okta/users.json": b"[]"})
    with open_pack(folder, LIMITS) as pack:
        assert pack.root == folder
        assert pack.files == ["manifest.json", "okta/users.json"]
        assert pack.source_name == "pack"
    assert (folder / "okta" / "users.json").exists()


def test_folder_strips_single_top_folder(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    outer.mkdir()
    make_folder(outer / "Pack", {"okta/users.json": b"[]"})
    with open_pack(outer, LIMITS) as pack:
        assert pack.root == outer / "Pack"
        assert pack.files == ["manifest.json", "okta/users.json"]


def test_folder_ignores_debris(tmp_path: Path) -> None:
    members = {".DS_Store": b"\x00", "__MACOSX/._manifest.json": b"\x00", "Thumbs.db": b"\x00"}
    folder = make_folder(tmp_path / "pack", members)
    with open_pack(folder, LIMITS) as pack:
        assert pack.files == ["manifest.json"]
        assert pack.ignored == [".DS_Store", "Thumbs.db", "__MACOSX/._manifest.json"]


def test_folder_rejects_file_symlink(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "pack", {})
    (folder / "users.json").symlink_to(tmp_path / "elsewhere.json")
    finding = only_finding(folder)
    assert finding.artifact == "users.json"
    assert "symbolic link" in finding.message


def test_folder_rejects_folder_symlink(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "pack", {"okta/users.json": b"[]"})
    (tmp_path / "outside").mkdir()
    (folder / "okta" / "more").symlink_to(tmp_path / "outside", target_is_directory=True)
    finding = only_finding(folder)
    assert finding.artifact == "okta/more"
    assert finding.check == "archive.unsafe"


def test_folder_rejects_too_many_entries(tmp_path: Path) -> None:
    members = {f"okta/log-{index}.json": b"{}" for index in range(5)}
    folder = make_folder(tmp_path / "pack", members)
    finding = only_finding(folder, ArchiveLimits(max_members=3))
    assert finding.artifact == "pack"
    assert "more than the limit of 3" in finding.message


def test_folder_rejects_total_size(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "pack", {"a.txt": b"a" * 600, "b.txt": b"b" * 600})
    finding = only_finding(folder, ArchiveLimits(max_total_bytes=1000))
    assert finding.artifact == "pack"
    assert "contains 1,250 bytes" in finding.message


def test_folder_rejects_large_file(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "pack", {"big.txt": b"b" * 1001})
    finding = only_finding(folder, ArchiveLimits(max_member_bytes=1000))
    assert finding.artifact == "big.txt"


def test_folder_rejects_missing_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "notes.md").write_text("notes")
    finding = only_finding(folder)
    assert finding.check == "archive.unreadable"


def test_sample_zip_file_list(work_dir: Path) -> None:
    path = SAMPLE_PACKS / "lead-late-approval.zip"
    with open_pack(path, LIMITS, work_dir) as pack:
        assert pack.files == [
            "approvals/CHG-0777.pdf",
            "butterfly/backup.json",
            "butterfly/compare.json",
            "butterfly/restore-execution.json",
            "butterfly/restore-preview.json",
            "docs/drill-report.pdf",
            "docs/handoff-summary.pdf",
            "manifest.json",
            "okta/system-log.ndjson",
            "okta/users.json",
            "screens/Screenshot 2026-11-03 at 14.36.02.png",
        ]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_zip_matches_folder(name: str, work_dir: Path) -> None:
    # The folders also contain expected.json, which is test data and not part of the zip.
    expected = [path for path in listing(SAMPLE_PACKS / name) if path != "expected.json"]
    with open_pack(SAMPLE_PACKS / f"{name}.zip", LIMITS, work_dir) as pack:
        assert pack.files == expected
        assert listing(pack.root) == expected
        assert pack.ignored == []


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_zip_bytes_match(name: str, work_dir: Path) -> None:
    with open_pack(SAMPLE_PACKS / f"{name}.zip", LIMITS, work_dir) as pack:
        for relative in pack.files:
            extracted = (pack.root / relative).read_bytes()
            assert extracted == (SAMPLE_PACKS / name / relative).read_bytes(), relative


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_folder_file_list(name: str) -> None:
    folder = SAMPLE_PACKS / name
    with open_pack(folder, LIMITS) as pack:
        assert isinstance(pack, OpenedPack)
        assert pack.root == folder
        assert pack.files == listing(folder)
        assert "manifest.json" in pack.files
