"""Settings read from environment variables, with defaults for the embedded demo."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REVIEWERS = ("Avery Chen", "Morgan Patel", "Riley Santos")


class ArchiveLimits(BaseModel):
    """Limits applied to an uploaded pack before anything is extracted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_members: int = Field(default=5000, gt=0)
    max_total_bytes: int = Field(default=500 * 1024 * 1024, gt=0)
    max_member_bytes: int = Field(default=400 * 1024 * 1024, gt=0)
    max_ratio: float = Field(default=200.0, gt=1)


class Settings(BaseModel):
    """App settings: data locations, the reviewer roster and the archive limits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    db_path: Path
    store_dir: Path
    reviewers: tuple[str, ...] = DEFAULT_REVIEWERS
    limits: ArchiveLimits = ArchiveLimits()
    seed_demo: bool = True


ENVIRONMENT_KEYS = {
    "BUTTERFLY_DB": "path of the DuckDB file (default data/butterfly.duckdb)",
    "BUTTERFLY_STORE": "folder for stored pack files (default: 'store' beside the database)",
    "BUTTERFLY_REVIEWERS": "comma-separated reviewer roster",
    "BUTTERFLY_SEED_DEMO": "'0' to start on an empty database instead of the demo cohort",
    "BUTTERFLY_MAX_PACK_MB": "maximum uncompressed size of a pack in MB (default 500)",
    "BUTTERFLY_MAX_FILES": "maximum number of files in a pack (default 5000)",
    "BUTTERFLY_MAX_RATIO": "maximum compression ratio of one zip member (default 200)",
}


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build the settings from environment variables; unset ones take the demo defaults.

    Raises ValueError naming the variable when a value cannot be used.
    """
    env = dict(os.environ if environ is None else environ)
    db_path = Path(env.get("BUTTERFLY_DB") or PROJECT_ROOT / "data" / "butterfly.duckdb")
    store_dir = Path(env.get("BUTTERFLY_STORE") or db_path.parent / "store")
    roster = tuple(
        name.strip() for name in env.get("BUTTERFLY_REVIEWERS", "").split(",") if name.strip()
    )
    limits = ArchiveLimits(
        max_members=_int_env(env, "BUTTERFLY_MAX_FILES", 5000),
        max_total_bytes=_int_env(env, "BUTTERFLY_MAX_PACK_MB", 500) * 1024 * 1024,
        max_member_bytes=_int_env(env, "BUTTERFLY_MAX_PACK_MB", 500) * 1024 * 1024,
        max_ratio=float(_int_env(env, "BUTTERFLY_MAX_RATIO", 200)),
    )
    return Settings(
        db_path=db_path,
        store_dir=store_dir,
        reviewers=roster or DEFAULT_REVIEWERS,
        limits=limits,
        seed_demo=env.get("BUTTERFLY_SEED_DEMO", "1") != "0",
    )


def _int_env(env: dict[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{key}={raw!r} is not a whole number; set it to e.g. {default}") from None
    if value <= 0:
        raise ValueError(f"{key}={raw!r} must be greater than zero; set it to e.g. {default}")
    return value
