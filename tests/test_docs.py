"""The README documents every setting and every command."""

from __future__ import annotations

import pytest

from cli.main import build_parser
from store.settings import ENVIRONMENT_KEYS, load_settings
from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", sorted(ENVIRONMENT_KEYS))
def test_setting_in_readme(key: str):
    assert f"`{key}`" in README


def test_commands_in_readme():
    subparsers = build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001
    for name in subparsers:
        assert f"butterfly-review {name}" in README, name


def test_upload_limit_matches_archive_limit():
    config = (REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    limit_mb = load_settings({}).limits.max_total_bytes // (1024 * 1024)
    assert f"maxUploadSize = {limit_mb}" in config


def test_bad_setting_names_variable():
    with pytest.raises(ValueError, match="BUTTERFLY_MAX_FILES"):
        load_settings({"BUTTERFLY_MAX_FILES": "lots"})
