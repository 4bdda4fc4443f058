"""Fixtures for cohort tests: a fresh database from the real schema and pack helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cohort.intake import IntakeApplication, submit_intake
from scoring.rubric import WEIGHTS
from store.db import open_database
from store.review import record_decision, record_score

INSERT_TEST_PACK = """
    INSERT INTO packs (pack_id, spec_version, supersedes, partner_id, partner_name, track,
                       tenant_org_url, environment, engagement_kind, submitted_at_raw,
                       received_at, manifest_sha256, content_digest, manifest_json)
    VALUES (?, '1.0', ?, ?, ?, ?, 'https://lab.okta.example', 'sandbox', ?, '', ?, 'x', ?, '{}')
"""
INSERT_TEST_OPERATOR = "INSERT INTO pack_operators VALUES (?, ?, ?, ?)"
INSERT_CLEAN_CHECK_RUN = "INSERT INTO check_runs VALUES (?, nextval('event_seq'), ?, 0)"
REVIEWER = "Avery Chen"
LEAD = "Morgan Patel"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open an empty database built from the real schema files."""
    connection = open_database(tmp_path / "cohort.duckdb")
    yield connection
    connection.close()


AddPack = Callable[..., str]
Decide = Callable[[str, str], None]


@pytest.fixture
def add_pack(con: duckdb.DuckDBPyConnection) -> AddPack:
    """Return a function that stores a minimal pack row, its operators and a clean check run.

    The run with no findings stands for checks that found nothing, because the review rules
    refuse a pass on a pack whose checks never ran.
    """

    def add(
        pack_id: str,
        partner_id: str,
        operators: list[str],
        track: str = "recovery-operator",
        kind: str = "capstone-lab",
        received_at: datetime | None = None,
        supersedes: str | None = None,
    ) -> str:
        received = received_at or datetime.now(UTC)
        con.execute(
            INSERT_TEST_PACK,
            [pack_id, supersedes, partner_id, partner_id, track, kind, received, pack_id],
        )
        for operator_id in operators:
            con.execute(
                INSERT_TEST_OPERATOR,
                [pack_id, operator_id, operator_id, f"{operator_id.lower()}@lab.example"],
            )
        con.execute(INSERT_CLEAN_CHECK_RUN, [pack_id, received])
        return pack_id

    return add


@pytest.fixture
def decide(con: duckdb.DuckDBPyConnection) -> Decide:
    """Return a function that records a decision the way the review page does.

    A pass first scores every category 90, because the review rules refuse a pass on an
    unscored pack.
    """

    def record(pack_id: str, decision: str) -> None:
        if decision == "pass":
            for category in WEIGHTS:
                record_score(con, pack_id, category, 90, "", REVIEWER)
        record_decision(con, pack_id, decision, f"test {decision}", REVIEWER)

    return record


def application(
    name: str = "Acme Identity",
    partner_id: str | None = None,
    operators: int = 2,
    tracks: tuple[str, ...] = ("recovery-operator", "implementation-specialist"),
    **overrides: Any,
) -> IntakeApplication:
    """Build a valid intake application; operator emails derive from the name."""
    slug = name.lower().replace(" ", "-")
    data: dict[str, Any] = {
        "organisation": name,
        "partner_id": partner_id,
        "motion": "delivery",
        "target_customers": "Mid-market Okta customers",
        "pilot_context": "Readiness pilot in a customer preview tenant",
        "operators": [
            {
                "name": f"Operator {n}",
                "email": f"op{n}@{slug}.example",
                "okta_iam_years": 4,
                "experience_notes": "Four years of Okta administration",
                "requested_track": tracks[(n - 1) % len(tracks)],
            }
            for n in range(1, operators + 1)
        ],
    }
    data.update(overrides)
    return IntakeApplication.model_validate(data)


@pytest.fixture
def make_org(con: duckdb.DuckDBPyConnection) -> Callable[..., Any]:
    """Return a function that runs the intake for an organisation and returns the result."""

    def make(name: str = "Acme Identity", **kwargs: Any) -> Any:
        waitlist = kwargs.pop("waitlist", False)
        return submit_intake(con, application(name, **kwargs), LEAD, waitlist=waitlist)

    return make


@pytest.fixture
def build_application() -> Callable[..., IntakeApplication]:
    """Return the application builder, for tests that submit the intake themselves."""
    return application
