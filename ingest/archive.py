"""Opening an evidence pack safely: a zip is checked header by header, then extracted with limits.

A pack is a `.zip` file or a plain folder with manifest.json at its root. A single top-level
folder that contains manifest.json is accepted too, because that is what "Compress folder"
produces, and its name is stripped from the paths in `OpenedPack.files`. macOS and Windows
debris (`__MACOSX/`, `.DS_Store`, `Thumbs.db`) is skipped and listed in `OpenedPack.ignored`.

For a zip, every member of the central directory is checked before a single byte is
extracted, and every problem found is reported in one `PackRejected`. Extraction then reads
each member in chunks and stops as soon as the bytes written exceed the size the member
declared or the pack limits, so a zip whose headers lie cannot fill the disk.

The member limit (`ArchiveLimits.max_members`) counts every entry: files, folder entries and
debris in a zip, and files, sub-folders and debris below the root of a folder.
"""

from __future__ import annotations

import logging
import lzma
import os
import re
import shutil
import stat
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from checks.findings import Category, Finding
from ingest.manifest import MANIFEST_NAME
from store.settings import ArchiveLimits

logger = logging.getLogger(__name__)

UNSAFE = "archive.unsafe"
UNREADABLE = "archive.unreadable"

MIB = 1024 * 1024
# A member smaller than this is never rejected for its compression ratio, because small
# repetitive JSON or NDJSON can legitimately exceed the ratio limit. One small member cannot
# exhaust memory or disk, and the sum of many is still capped by max_total_bytes.
RATIO_FLOOR_BYTES = 1 * MIB
CHUNK_BYTES = 64 * 1024

DEBRIS_FOLDERS = frozenset({"__macosx"})
DEBRIS_FILES = frozenset({".ds_store", "thumbs.db"})
NESTED_ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz")
SUPPORTED_COMPRESSION = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")

# Errors that opening or reading a damaged or deceptive member can raise from zipfile and
# its decompressors. bz2 raises OSError for a corrupt stream.
_READ_ERRORS = (
    zipfile.BadZipFile,
    EOFError,
    OSError,
    zlib.error,
    lzma.LZMAError,
    RuntimeError,
    NotImplementedError,
)

# Layouts of the end-of-central-directory record, the Zip64 locator and the Zip64 record,
# the same as zipfile's structEndArchive, structEndArchive64Locator and structEndArchive64.
_EOCD_SIGNATURE = b"PK\x05\x06"
_EOCD_FORMAT = "<4s4H2LH"
_EOCD_SIZE = struct.calcsize(_EOCD_FORMAT)
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_LOCATOR_FORMAT = "<4sLQL"
_ZIP64_LOCATOR_SIZE = struct.calcsize(_ZIP64_LOCATOR_FORMAT)
_ZIP64_EOCD_SIGNATURE = b"PK\x06\x06"
_ZIP64_EOCD_FORMAT = "<4sQ2H2L4Q"
_ZIP64_EOCD_SIZE = struct.calcsize(_ZIP64_EOCD_FORMAT)
_MAX_ZIP_COMMENT = 0xFFFF


class PackRejected(Exception):
    """A pack that cannot be opened, with one critical finding for every reason."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__("\n".join(finding.message for finding in findings))


@dataclass(frozen=True)
class OpenedPack:
    """An opened pack: the directory holding its files and the relative paths found there."""

    root: Path
    files: list[str]
    ignored: list[str]
    source_name: str


@dataclass(frozen=True)
class _ZipPlan:
    """Pack members that passed the header checks, each with its path relative to the root."""

    members: list[tuple[zipfile.ZipInfo, str]]
    files: list[str]
    ignored: list[str]


@contextmanager
def open_pack(
    path: Path, limits: ArchiveLimits, work_dir: Path | None = None
) -> Iterator[OpenedPack]:
    """Open a pack zip or folder and yield its files, removing any extracted copy on exit.

    A folder is read in place and nothing is copied. It is checked for links, special
    files, unreadable names, size and entry count, but not for nested archives or name
    collisions, which only matter when extracting. A zip is extracted into a new
    temporary directory under `work_dir` (created if missing), or under the system
    temporary directory when `work_dir` is None. That directory is removed when the
    context exits, also on an exception.

    Raises PackRejected, with every reason found, when the pack is unsafe, unreadable
    or has no manifest.json at its root. Nothing is written to disk for a pack rejected
    by its headers, and a partial extraction is removed.
    """
    source_name = path.name
    if path.is_dir():
        yield _open_folder(path, limits, source_name)
        return

    if not path.is_file():
        message = (
            f"Pack '{source_name}' was not found, or is neither a file nor a folder. "
            "Upload the pack as a .zip file or choose its folder."
        )
        raise _rejected(source_name, [_finding(UNREADABLE, message, source_name)])

    extract_dir, plan = _extract_zip(path, limits, work_dir, source_name)
    try:
        pack = OpenedPack(
            root=extract_dir, files=plan.files, ignored=plan.ignored, source_name=source_name
        )
        logger.info(
            "Opened pack %s: %d files, %d ignored", source_name, len(pack.files), len(pack.ignored)
        )
        yield pack
    finally:
        _remove_tree(extract_dir)


def _extract_zip(
    path: Path, limits: ArchiveLimits, work_dir: Path | None, source_name: str
) -> tuple[Path, _ZipPlan]:
    entry_count = _declared_entry_count(path)
    if entry_count is not None and entry_count > limits.max_members:
        # Rejected from the end-of-central-directory record alone, so that a zip that
        # declares millions of entries is never parsed in full.
        raise _rejected(source_name, [_too_many_members(source_name, entry_count, limits)])

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _rejected(source_name, [_corrupt_zip(source_name, exc)]) from None

    with archive:
        plan = _plan_zip(archive, limits, source_name)

        if work_dir is not None:
            work_dir.mkdir(parents=True, exist_ok=True)
        extract_dir = Path(tempfile.mkdtemp(prefix="butterfly-pack-", dir=work_dir))
        try:
            _extract_members(archive, plan, extract_dir, limits, source_name)
        except BaseException:
            _remove_tree(extract_dir)
            raise

    return extract_dir, plan


def _declared_entry_count(path: Path) -> int | None:
    """Read the entry count from the end-of-central-directory record, or None if not found."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            tail_start = max(0, size - _EOCD_SIZE - _MAX_ZIP_COMMENT)
            handle.seek(tail_start)
            tail = handle.read()
            position = tail.rfind(_EOCD_SIGNATURE)
            if position < 0 or len(tail) - position < _EOCD_SIZE:
                return None
            record = struct.unpack(_EOCD_FORMAT, tail[position : position + _EOCD_SIZE])
            count = int(record[4])
            if count != 0xFFFF:
                return count

            # A count of 0xFFFF means the real count is in the Zip64 record, found through
            # the locator that sits just before the end-of-central-directory record.
            locator_start = tail_start + position - _ZIP64_LOCATOR_SIZE
            if locator_start < 0:
                return None
            handle.seek(locator_start)
            locator = struct.unpack(_ZIP64_LOCATOR_FORMAT, handle.read(_ZIP64_LOCATOR_SIZE))
            if locator[0] != _ZIP64_LOCATOR_SIGNATURE:
                return None
            handle.seek(locator[2])
            zip64_record = struct.unpack(_ZIP64_EOCD_FORMAT, handle.read(_ZIP64_EOCD_SIZE))
            if zip64_record[0] != _ZIP64_EOCD_SIGNATURE:
                return None
            return int(zip64_record[7])
    except (OSError, struct.error, ValueError):
        # zipfile.ZipFile reports the damage with a better message.
        return None


def _plan_zip(archive: zipfile.ZipFile, limits: ArchiveLimits, source_name: str) -> _ZipPlan:
    """Check every member header and return what to extract, or raise PackRejected."""
    infos = archive.infolist()
    findings: list[Finding] = []
    if len(infos) > limits.max_members:
        findings.append(_too_many_members(source_name, len(infos), limits))

    pack_members: list[tuple[zipfile.ZipInfo, str]] = []
    ignored: list[str] = []
    for info in infos:
        name = info.filename
        findings.extend(_name_findings(name, info.orig_filename))
        findings.extend(_file_type_findings(name, info.external_attr >> 16, "Member"))
        normalised = _normalise(name)
        if info.is_dir():
            continue
        if _is_debris(normalised):
            ignored.append(normalised)
            continue
        findings.extend(_member_findings(info, normalised, limits))
        pack_members.append((info, normalised))

    findings.extend(_total_size_findings(source_name, pack_members, limits))
    names = [name for _, name in pack_members]
    findings.extend(_collision_findings(names))
    prefix = _root_prefix(names)
    if prefix is None:
        findings.append(_missing_manifest(names, source_name))
    if findings or prefix is None:
        raise _rejected(source_name, findings)

    members = [(info, name[len(prefix) :]) for info, name in pack_members]
    return _ZipPlan(
        members=members,
        files=sorted(relative for _, relative in members),
        ignored=sorted(ignored),
    )


def _member_findings(info: zipfile.ZipInfo, name: str, limits: ArchiveLimits) -> list[Finding]:
    """Check one pack file member for encryption, compression, nesting, size and ratio."""
    findings: list[Finding] = []
    if info.flag_bits & 0x1:
        findings.append(
            _finding(
                UNSAFE,
                f"Member '{_show(name)}' is encrypted (password-protected). "
                "Re-create the zip without a password.",
                name,
            )
        )
    if info.compress_type not in SUPPORTED_COMPRESSION:
        findings.append(
            _finding(
                UNREADABLE,
                f"Member '{_show(name)}' uses zip compression method {info.compress_type}, "
                "which cannot be read. Re-create the zip with standard (deflate) compression.",
                name,
            )
        )
    if name.lower().endswith(NESTED_ARCHIVE_SUFFIXES):
        findings.append(
            _finding(
                UNSAFE,
                f"Member '{_show(name)}' is an archive inside the pack, and nested archives "
                "are not opened. Extract its files into the pack folder and re-create the zip.",
                name,
            )
        )
    if info.file_size > limits.max_member_bytes:
        findings.append(
            _finding(
                UNSAFE,
                f"Member '{_show(name)}' declares {_size(info.file_size)} uncompressed, more "
                f"than the limit of {_size(limits.max_member_bytes)} per file. Remove or "
                "split the file, or ask the reviewer to raise BUTTERFLY_MAX_PACK_MB.",
                name,
            )
        )
    if info.file_size >= RATIO_FLOOR_BYTES and (
        info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio
    ):
        if info.compress_size == 0:
            ratio = "an unbounded ratio"
        else:
            ratio = f"a ratio of {info.file_size / info.compress_size:,.0f}"
        findings.append(
            _finding(
                UNSAFE,
                f"Member '{_show(name)}' expands from {_size(info.compress_size)} to "
                f"{_size(info.file_size)}, {ratio}, more than the limit of "
                f"{limits.max_ratio:,.0f}. A ratio this high is typical of a zip bomb. "
                "If the file is genuine, store it in the zip without compression.",
                name,
            )
        )
    return findings


def _total_size_findings(
    source_name: str, members: list[tuple[zipfile.ZipInfo, str]], limits: ArchiveLimits
) -> list[Finding]:
    total = sum(info.file_size for info, _ in members)
    if total <= limits.max_total_bytes:
        return []
    return [
        _finding(
            UNSAFE,
            f"Pack '{source_name}' declares {_size(total)} uncompressed, more than the limit "
            f"of {_size(limits.max_total_bytes)}. Remove files the review does not need, or "
            "ask the reviewer to raise BUTTERFLY_MAX_PACK_MB.",
            source_name,
        )
    ]


def _extract_members(
    archive: zipfile.ZipFile,
    plan: _ZipPlan,
    extract_dir: Path,
    limits: ArchiveLimits,
    source_name: str,
) -> None:
    """Write each planned member below `extract_dir`, enforcing sizes on the bytes read."""
    root = extract_dir.resolve()
    total_written = 0
    for info, relative in plan.members:
        target = extract_dir / relative
        # The header checks already exclude every name that could leave the root. This
        # repeats the check on the final path in case a later change weakens them.
        if not target.resolve().is_relative_to(root):
            raise _rejected(source_name, [_escape_finding(info.filename)])
        target.parent.mkdir(parents=True, exist_ok=True)
        total_written = _copy_member(archive, info, target, total_written, limits, source_name)


def _copy_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    target: Path,
    total_written: int,
    limits: ArchiveLimits,
    source_name: str,
) -> int:
    """Copy one member to `target` in chunks and return the pack's new running total."""
    name = info.filename
    try:
        member = archive.open(info)
    except _READ_ERRORS as exc:
        raise _rejected(source_name, [_unreadable_member(name, exc)]) from None

    written = 0
    # zipfile itself stops at the declared size and then fails the CRC check, so a member
    # that contains more data than declared surfaces as BadZipFile. The counters below do
    # not rely on that behaviour.
    with member, target.open("xb") as output:
        while chunk := _read_chunk(member, name, source_name):
            written += len(chunk)
            total_written += len(chunk)
            if written > info.file_size or written > limits.max_member_bytes:
                raise _rejected(source_name, [_size_lie_finding(name, info.file_size)])
            if total_written > limits.max_total_bytes:
                raise _rejected(source_name, [_total_exceeded_finding(source_name, limits)])
            output.write(chunk)

    if written != info.file_size:
        message = (
            f"Member '{_show(name)}' contains {_size(written)}, but its header declares "
            f"{_size(info.file_size)}. The zip is damaged. Re-create it from the pack folder."
        )
        raise _rejected(source_name, [_finding(UNREADABLE, message, name)])
    return total_written


def _read_chunk(member: IO[bytes], name: str, source_name: str) -> bytes:
    """Read the next chunk of a member, turning decompression errors into PackRejected."""
    try:
        return member.read(CHUNK_BYTES)
    except _READ_ERRORS as exc:
        raise _rejected(source_name, [_unreadable_member(name, exc)]) from None


def _open_folder(folder: Path, limits: ArchiveLimits, source_name: str) -> OpenedPack:
    """Walk a pack folder in place, rejecting links, special files and exceeded limits."""
    findings: list[Finding] = []
    files: list[str] = []
    ignored: list[str] = []
    entry_count = 0
    total_bytes = 0
    walk_stopped = False

    def record_walk_error(error: OSError) -> None:
        where = _relative_or_name(error.filename, folder)
        message = (
            f"Folder entry '{_show(where)}' could not be read ({_reason(error)}). "
            "Check its permissions and open the pack again."
        )
        findings.append(_finding(UNREADABLE, message, where))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=record_walk_error):
        for entry in sorted(dirnames) + sorted(filenames):
            entry_count += 1
            full_path = Path(dirpath, entry)
            relative = full_path.relative_to(folder).as_posix()
            findings.extend(_text_findings(relative, relative))
            try:
                status = full_path.lstat()
            except OSError as exc:
                record_walk_error(exc)
                continue
            findings.extend(_file_type_findings(relative, status.st_mode, "File"))
            if not stat.S_ISREG(status.st_mode):
                continue
            if _is_debris(relative):
                ignored.append(relative)
                continue
            size = status.st_size
            total_bytes += size
            if size > limits.max_member_bytes:
                findings.append(_folder_file_too_large(relative, size, limits))
            files.append(relative)

        if entry_count > limits.max_members:
            # Stop walking, because listing a folder with far too many entries is slow.
            findings.append(_too_many_members(source_name, entry_count, limits, at_least=True))
            walk_stopped = True
            break

    if total_bytes > limits.max_total_bytes:
        message = (
            f"Pack folder '{source_name}' contains {_size(total_bytes)}, more than the limit of "
            f"{_size(limits.max_total_bytes)}. Remove files the review does not need, or ask "
            "the reviewer to raise BUTTERFLY_MAX_PACK_MB."
        )
        findings.append(_finding(UNSAFE, message, source_name))

    prefix = _root_prefix(files)
    # After a stopped walk the file list is incomplete, so manifest.json may exist unseen.
    if prefix is None and not walk_stopped:
        findings.append(_missing_manifest(files, source_name))
    if findings or prefix is None:
        raise _rejected(source_name, findings)

    root = folder / prefix.rstrip("/") if prefix else folder
    pack = OpenedPack(
        root=root,
        files=sorted(name[len(prefix) :] for name in files),
        ignored=sorted(ignored),
        source_name=source_name,
    )
    logger.info(
        "Opened pack folder %s: %d files, %d ignored",
        source_name,
        len(pack.files),
        len(pack.ignored),
    )
    return pack


def _folder_file_too_large(relative: str, size: int, limits: ArchiveLimits) -> Finding:
    message = (
        f"File '{_show(relative)}' is {_size(size)}, more than the limit of "
        f"{_size(limits.max_member_bytes)} per file. Remove or split the file, or ask the "
        "reviewer to raise BUTTERFLY_MAX_PACK_MB."
    )
    return _finding(UNSAFE, message, relative)


def _relative_or_name(filename: str | None, folder: Path) -> str:
    if not filename:
        return folder.name
    try:
        return Path(filename).relative_to(folder).as_posix()
    except ValueError:
        return Path(filename).name


def _name_findings(name: str, raw_name: str) -> list[Finding]:
    """Check one member path for names that could write outside the pack or mislead.

    `raw_name` is the name as stored, before zipfile cuts it at the first NUL byte.
    """
    display_name = _show(raw_name)
    findings = _text_findings(name, raw_name)
    if name.startswith(("/", "\\")):
        findings.append(
            _finding(
                UNSAFE,
                f"Member '{display_name}' has an absolute path. Re-create the zip with paths "
                "relative to the pack folder.",
                name,
            )
        )
    if _DRIVE_LETTER.match(name):
        findings.append(
            _finding(
                UNSAFE,
                f"Member '{display_name}' starts with a drive letter. Re-create the zip with paths "
                "relative to the pack folder.",
                name,
            )
        )
    if "\\" in name:
        findings.append(
            _finding(
                UNSAFE,
                f"Member '{display_name}' uses a backslash in its path. Rename the file if the "
                "backslash is part of its name, or re-create the zip with a tool that "
                "stores '/' as the folder separator.",
                name,
            )
        )
    if ".." in re.split(r"[/\\]", name):
        findings.append(_escape_finding(name))
    if not _normalise(name) and not name.endswith("/"):
        findings.append(
            _finding(
                UNSAFE,
                f"Member '{display_name}' has an empty file name. Re-create the zip without it.",
                name,
            )
        )
    return findings


def _text_findings(name: str, raw_name: str) -> list[Finding]:
    """Check a name for control characters, and for lone surrogates that UTF-8 cannot encode."""
    display_name = _show(raw_name)
    findings: list[Finding] = []
    if _CONTROL_CHARACTER.search(raw_name):
        message = (
            f"'{display_name}' has a control character (such as NUL or a line break) in its name. "
            "Rename the file and re-create the pack."
        )
        findings.append(_finding(UNSAFE, message, name))
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        # os.walk returns undecodable bytes of a file name as lone surrogates.
        message = f"'{display_name}' has a name that is not valid UTF-8. Rename the file."
        findings.append(_finding(UNSAFE, message, display_name))
    return findings


def _file_type_findings(name: str, mode: int, noun: str) -> list[Finding]:
    """Check a Unix st_mode (0 when not recorded) for symbolic links and special files.

    Unix zip tools store st_mode in the high 16 bits of a member's external attributes.
    """
    file_type = stat.S_IFMT(mode)
    if file_type == stat.S_IFLNK:
        message = (
            f"{noun} '{_show(name)}' is a symbolic link. Replace the link with the file it "
            "points to and re-create the pack."
        )
        return [_finding(UNSAFE, message, name)]
    if file_type not in (0, stat.S_IFREG, stat.S_IFDIR):
        message = (
            f"{noun} '{_show(name)}' is not a regular file or folder (it is a device, pipe "
            "or socket entry). Remove it and re-create the pack."
        )
        return [_finding(UNSAFE, message, name)]
    return []


def _collision_findings(names: Iterable[str]) -> list[Finding]:
    """Report duplicate names, and names equal after casefolding and Unicode NFC.

    Such names would overwrite each other when extracted on Windows or macOS, so the
    extracted content would depend on the operating system. A name that is both a file and a
    folder (`a` and `a/b`) is reported too.
    """
    findings: list[Finding] = []
    first_by_key: dict[str, str] = {}
    reported: set[str] = set()
    folder_keys: set[str] = set()
    for name in names:
        key = _collision_key(name)
        parts = key.split("/")
        folder_keys.update("/".join(parts[:depth]) for depth in range(1, len(parts)))
        first = first_by_key.get(key)
        if first is None:
            first_by_key[key] = name
            continue
        if first == name:
            if name in reported:
                continue
            reported.add(name)
            message = (
                f"Member '{_show(name)}' appears more than once in the zip. Re-create the zip "
                "so that each file appears once."
            )
        else:
            message = (
                f"Members '{_show(first)}' and '{_show(name)}' have the same name when case "
                "and Unicode normalisation are ignored, so one would overwrite the other. "
                "Rename one of them and re-create the zip."
            )
        findings.append(_finding(UNSAFE, message, name))

    for key, name in first_by_key.items():
        if key in folder_keys:
            message = (
                f"Member '{_show(name)}' is both a file and a folder in the zip. Rename the "
                "file or the folder and re-create the zip."
            )
            findings.append(_finding(UNSAFE, message, name))
    return findings


def _root_prefix(files: list[str]) -> str | None:
    """Return the prefix to strip from `files` ("" or "<folder>/"), or None without a manifest.

    manifest.json must be at the root, or in the only top-level folder when every file is
    inside that folder.
    """
    if MANIFEST_NAME in files:
        return ""
    top_folders = {name.split("/", 1)[0] for name in files}
    if len(top_folders) == 1 and all("/" in name for name in files):
        prefix = f"{top_folders.pop()}/"
        if f"{prefix}{MANIFEST_NAME}" in files:
            return prefix
    return None


def _missing_manifest(files: list[str], source_name: str) -> Finding:
    message = (
        f"Pack '{source_name}' has no {MANIFEST_NAME} at its root. Put {MANIFEST_NAME} at "
        "the top of the pack, or inside a single top-level folder that contains every other file."
    )
    elsewhere = sorted(
        (name for name in files if name.rsplit("/", 1)[-1].casefold() == MANIFEST_NAME),
        key=lambda name: (name.count("/"), name),
    )
    if elsewhere:
        message += f" A file named '{_show(elsewhere[0])}' was found."
    return _finding(UNREADABLE, message, MANIFEST_NAME)


def _normalise(name: str) -> str:
    """Return the member path without empty and '.' components, as extraction uses it."""
    return "/".join(part for part in name.split("/") if part not in ("", "."))


def _collision_key(name: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def _is_debris(name: str) -> bool:
    parts = name.casefold().split("/")
    return any(part in DEBRIS_FOLDERS for part in parts[:-1]) or parts[-1] in DEBRIS_FILES


def _finding(check: str, message: str, artifact: str) -> Finding:
    category: Category = "Safety" if check == UNSAFE else "Evidence"
    return Finding(
        check=check, severity="critical", message=message, artifact=artifact, category=category
    )


def _rejected(source_name: str, findings: list[Finding]) -> PackRejected:
    """Log the rejection at WARNING and return the exception for the caller to raise."""
    reasons = "; ".join(finding.message for finding in findings[:5])
    more = f" (and {len(findings) - 5} more)" if len(findings) > 5 else ""
    logger.warning("Rejected pack %s: %s%s", source_name, reasons, more)
    return PackRejected(findings)


def _too_many_members(
    source_name: str, count: int, limits: ArchiveLimits, *, at_least: bool = False
) -> Finding:
    counted = f"at least {count:,}" if at_least else f"{count:,}"
    message = (
        f"Pack '{source_name}' has {counted} entries (files and folders), more than the "
        f"limit of {limits.max_members:,}. Remove files the review does not need, or ask "
        "the reviewer to raise BUTTERFLY_MAX_FILES."
    )
    return _finding(UNSAFE, message, source_name)


def _corrupt_zip(source_name: str, error: BaseException) -> Finding:
    message = (
        f"'{source_name}' is not a readable zip file ({_reason(error)}). Re-create the zip "
        "from the pack folder, or open the folder instead."
    )
    return _finding(UNREADABLE, message, source_name)


def _unreadable_member(name: str, error: BaseException) -> Finding:
    message = (
        f"Member '{_show(name)}' could not be extracted ({_reason(error)}). The zip is "
        "damaged, or its headers do not match its data. Re-create it from the pack folder."
    )
    return _finding(UNREADABLE, message, name)


def _escape_finding(name: str) -> Finding:
    message = (
        f"Member '{_show(name)}' has a '..' path component, which would write outside the "
        "pack folder. Re-create the zip from inside the pack folder."
    )
    return _finding(UNSAFE, message, name)


def _size_lie_finding(name: str, declared: int) -> Finding:
    message = (
        f"Member '{_show(name)}' contains more data than the {_size(declared)} its header "
        "declares, so extraction was stopped. Re-create the zip from the pack folder."
    )
    return _finding(UNSAFE, message, name)


def _total_exceeded_finding(source_name: str, limits: ArchiveLimits) -> Finding:
    message = (
        f"Pack '{source_name}' expanded beyond the limit of {_size(limits.max_total_bytes)} "
        "during extraction, so extraction was stopped. Re-create the zip from the pack folder."
    )
    return _finding(UNSAFE, message, source_name)


def _reason(error: BaseException) -> str:
    text = str(error).strip()
    return text or type(error).__name__


def _size(count: int) -> str:
    if count >= MIB:
        return f"{count / MIB:,.1f} MiB"
    return f"{count:,} bytes"


def _show(name: str) -> str:
    """Return the name with control characters and unpaired surrogates escaped."""
    if _CONTROL_CHARACTER.search(name) or any("\ud800" <= c <= "\udfff" for c in name):
        return name.encode("unicode_escape").decode("ascii")
    return name


def _remove_tree(directory: Path) -> None:
    try:
        shutil.rmtree(directory)
    except OSError as exc:
        logger.warning("Could not remove extraction directory %s: %s", directory, exc)
