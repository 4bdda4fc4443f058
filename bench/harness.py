"""Shared pieces of the benchmark scripts: child processes, peak memory and the work folder.

Each measured phase runs in a fresh Python child process so that its peak resident set
(VmHWM) covers that phase alone. The child prints one JSON object as its last output line.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.packgen import GeneratedPack, build_pack
from store.settings import ArchiveLimits

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


def peak_rss_kib() -> int:
    """Return this process's resident-set high-water mark in KiB (VmHWM in /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    # ru_maxrss is in KiB on Linux as well.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu_seconds() -> float:
    """Return the user plus system CPU seconds of this process, all threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_child(script: Path, arguments: list[str]) -> dict[str, Any]:
    """Run `script` with `arguments` in a new interpreter and return its JSON result line.

    Raises RuntimeError with the child's stderr when it fails or prints no result.
    """
    completed = subprocess.run(
        [sys.executable, str(script), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(
            f"benchmark phase {' '.join(arguments[:2])} failed with exit status "
            f"{completed.returncode}:\n{completed.stderr[-4000:]}"
        )
    result: dict[str, Any] = json.loads(lines[-1])
    result["children_maxrss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result


def limits_for(pack: Path) -> ArchiveLimits:
    """Return archive limits large enough for `pack`.

    The default limits (500 MB per pack) reject a 1,000,000-event log, as the app does
    unless BUTTERFLY_MAX_PACK_MB is raised, so the benchmark raises them the same way.
    """
    total = sum(path.stat().st_size for path in pack.rglob("*") if path.is_file())
    default = ArchiveLimits()
    return ArchiveLimits(
        max_total_bytes=max(default.max_total_bytes, 2 * total),
        max_member_bytes=max(default.max_member_bytes, 2 * total),
    )


def load_average() -> str:
    """Return the 1, 5 and 15 minute load averages, as `uptime` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


@contextmanager
def work_folder(keep: Path | None, parent: Path | None) -> Iterator[Path]:
    """Yield a folder for the pack and databases, removed afterwards unless it is `keep`."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    folder = Path(tempfile.mkdtemp(prefix="butterfly-bench-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def generated_pack(folder: Path, events: int) -> GeneratedPack:
    """Build the pack for `events` events in `folder`, or reuse one that the folder contains.

    build_pack writes manifest.json last, so a pack with a manifest was written in full.
    """
    pack = folder / f"pack-{events}"
    log_file = pack / "okta" / "system-log.ndjson"
    if (pack / "manifest.json").is_file() and log_file.is_file():
        print(f"reusing the pack in {pack}")
        return GeneratedPack(pack, log_file, events, log_file.stat().st_size, 0.0)
    if pack.exists():
        shutil.rmtree(pack)
    return build_pack(pack, events)


def reset(*paths: Path) -> None:
    """Remove files and folders left by an earlier phase, so each phase starts empty."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
            Path(f"{path}.wal").unlink(missing_ok=True)


def describe_pack(pack: GeneratedPack) -> str:
    """Return a one-line summary of a generated pack."""
    timing = f", generated in {pack.seconds:.1f} s" if pack.seconds else ""
    return f"pack: {pack.events:,} events, System Log {pack.log_bytes / MIB:,.0f} MiB{timing}"
