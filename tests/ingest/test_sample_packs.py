"""Every example pack gives what its expected.json says, as a zip and as a folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.loader import check_pack
from store.settings import ArchiveLimits
from tests.conftest import SAMPLE_PACKS

PACK_NAMES = sorted(p.name for p in SAMPLE_PACKS.iterdir() if (p / "expected.json").exists())
CASES = [(name, suffix) for name in PACK_NAMES for suffix in (".zip", "")]


@pytest.mark.parametrize(("name", "suffix"), CASES)
def test_sample_pack_matches_expected(name: str, suffix: str):
    expected = json.loads((SAMPLE_PACKS / name / "expected.json").read_text())
    report = check_pack(Path(f"{SAMPLE_PACKS / name}{suffix}"), ArchiveLimits())
    suggested = set(report.suggested_failures)

    assert report.exit_code() == expected["exit"], [f.message for f in report.findings]
    for number in expected.get("critical_failures", []):
        assert number in suggested
    if expected.get("no_critical"):
        assert suggested == set()
    messages = " ".join(f.message for f in report.findings)
    for text in expected.get("must_mention", []):
        assert text in messages
    named = {f.artifact for f in report.findings}
    for artifact in expected.get("artifacts", []):
        assert artifact in named


def test_sample_pack_suggests_only_expected():
    """The critical failures suggested are exactly the expected ones, nothing more."""
    for name in PACK_NAMES:
        expected = json.loads((SAMPLE_PACKS / name / "expected.json").read_text())
        report = check_pack(SAMPLE_PACKS / f"{name}.zip", ArchiveLimits())
        assert set(report.suggested_failures) == set(expected.get("critical_failures", [])), name
