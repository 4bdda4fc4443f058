"""AppTest runs of the cohort pages: intake with its limits, the overview, credentials."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT

TIMEOUT = 60
COHORT_PAGES = [
    "pages/4_Cohort.py",
    "pages/5_Intake.py",
    "pages/6_Credentials.py",
    "pages/7_Accreditation.py",
]


def run_page(path: str) -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / path), default_timeout=TIMEOUT)
    app.run()
    return app


def fill_intake(app: AppTest, organisation: str, operators: int = 1, slug: str = "new") -> None:
    """Fill the intake form with valid values for `operators` operators (form not submitted)."""
    app.number_input(key="intake_operator_count").set_value(operators).run()
    app.text_input(key="intake_org").input(organisation)
    app.text_input(key="intake_customers").input("Regional banks on Okta")
    app.text_area(key="intake_pilot").input("Readiness pilot in a bank's Okta preview tenant")
    for n in range(1, operators + 1):
        app.text_input(key=f"intake_op{n}_name").input(f"Operator {n}")
        app.text_input(key=f"intake_op{n}_email").input(f"op{n}@{slug}.example")
        app.number_input(key=f"intake_op{n}_years").set_value(3)
        app.text_area(key=f"intake_op{n}_notes").input("Three years running Okta for banks")


def submit(app: AppTest, label: str) -> None:
    next(b for b in app.button if b.label == label).click()
    app.run()


def operator_table(app: AppTest) -> pd.DataFrame:
    """Return the 'who is blocked and why' table: the one dataframe with an operator_id column."""
    return next(d.value for d in app.dataframe if "operator_id" in d.value.columns)


def errors(app: AppTest) -> str:
    return " ".join(e.value for e in app.error)


@pytest.fixture(autouse=True)
def fresh_resources() -> None:
    """Drop cached settings and connections, so each test opens the database it set up."""
    st.cache_resource.clear()


@pytest.fixture
def empty_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at an empty database with no demo seeding."""
    monkeypatch.setenv("BUTTERFLY_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.setenv("BUTTERFLY_SEED_DEMO", "0")
    return tmp_path / "empty.duckdb"


@pytest.mark.parametrize("page", COHORT_PAGES)
def test_cohort_page_runs(page: str, demo_env: Path):
    app = run_page(page)
    assert not app.exception
    assert not app.error


@pytest.mark.parametrize("page", COHORT_PAGES)
def test_cohort_page_runs_empty(page: str, empty_env: Path):
    app = run_page(page)
    assert not app.exception
    assert not app.error


def test_intake_creates_org(empty_env: Path):
    app = run_page("pages/5_Intake.py")
    fill_intake(app, "Juniper Identity", operators=2, slug="juniper")
    submit(app, "Submit intake")
    assert errors(app) == ""
    message = app.success[0].value
    assert "Juniper Identity is admitted as P-001" in message
    assert "OP-101, OP-102" in message


def test_intake_lists_invalid_fields(empty_env: Path):
    app = run_page("pages/5_Intake.py")
    app.text_input(key="intake_org").input("J")
    app.text_input(key="intake_op1_email").input("not-an-email")
    submit(app, "Submit intake")
    text = errors(app)
    assert "The application was not saved" in text
    assert "Organisation name:" in text
    assert "Operator 1 email: 'not-an-email' is not an email address" in text
    assert not app.success


def test_intake_rejects_duplicate_org(demo_env: Path):
    app = run_page("pages/5_Intake.py")
    fill_intake(app, "Northwind Identity Partners, Inc.")
    submit(app, "Submit intake")
    assert "already in the cohort as P-001" in errors(app)


def test_intake_org_limit_message(demo_env: Path):
    app = run_page("pages/5_Intake.py")
    fill_intake(app, "Juniper Identity", slug="juniper")
    submit(app, "Submit intake")
    assert "at most 5 partner organisations" in errors(app)
    assert "waitlist" in errors(app)


def test_intake_waitlists_when_full(demo_env: Path):
    app = run_page("pages/5_Intake.py")
    fill_intake(app, "Juniper Identity", slug="juniper")
    app.checkbox(key="intake_waitlist").check()
    submit(app, "Submit intake")
    assert not app.error
    assert "Juniper Identity is waitlisted" in app.success[0].value


def test_intake_operator_limit_message(empty_env: Path):
    app = run_page("pages/5_Intake.py")
    fill_intake(app, "Juniper Identity", operators=3, slug="juniper")
    submit(app, "Submit intake")
    assert "at most 2 operators per organisation" in errors(app)
    assert not app.success


def test_add_operator_limit_message(demo_env: Path):
    app = run_page("pages/5_Intake.py")
    app.selectbox(key="intake_add_org").set_value("P-001")
    app.text_input(key="intake_add_name").input("Third Person")
    app.text_input(key="intake_add_email").input("third@northwind.example")
    app.text_area(key="intake_add_notes").input("Five years of Okta work")
    submit(app, "Add operator")
    assert "Northwind Identity Partners has 2" in errors(app)


def test_cohort_shows_blockers(demo_env: Path):
    app = run_page("pages/4_Cohort.py")
    table = operator_table(app).set_index("operator_id")
    assert table.loc["OP-132", "stage"] == "supervise"
    assert "Repeated quality failures" in table.loc["OP-132", "blockers"]
    assert "waiting for review" in table.loc["OP-111", "blockers"]
    assert table.loc["OP-101", "blockers"] == ""


def test_cohort_separates_progress_and_outcomes(demo_env: Path):
    app = run_page("pages/4_Cohort.py")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Packs reviewed"] == "4"
    assert metrics["Packs waiting for review"] == "3"
    assert metrics["Passed"] == "3"
    assert metrics["Failed"] == "1"


def test_cohort_filters_by_stage(demo_env: Path):
    app = run_page("pages/4_Cohort.py")
    app.multiselect(key="cohort_filter_stage").set_value(["prove"]).run()
    table = operator_table(app)
    assert set(table["stage"]) == {"prove"}
    assert len(table) == 4


def test_cohort_filters_by_org(demo_env: Path):
    app = run_page("pages/4_Cohort.py")
    app.multiselect(key="cohort_filter_org").set_value(["Cedar Managed Services"]).run()
    table = operator_table(app)
    assert list(table["operator_id"]) == ["OP-131", "OP-132"]


def test_cohort_empty_points_to_intake(empty_env: Path):
    app = run_page("pages/4_Cohort.py")
    assert "No organisation has applied yet" in app.info[0].value


def test_credentials_shows_suspension(demo_env: Path):
    app = AppTest.from_file(str(REPO_ROOT / "pages/6_Credentials.py"), default_timeout=TIMEOUT)
    app.run()
    app.selectbox(key="credentials_operator").set_value("OP-132").run()
    warnings = " ".join(w.value for w in app.warning)
    assert "Certified Operator suspended (Repeated quality failures)" in warnings


def test_credentials_suspend_needs_reason(demo_env: Path):
    app = run_page("pages/6_Credentials.py")
    app.selectbox(key="credentials_operator").set_value("OP-102").run()
    app.selectbox(key="credentials_action").set_value("suspend")
    submit(app, "Apply")
    assert "The reason is missing" in errors(app)


def test_credentials_records_training(demo_env: Path):
    app = run_page("pages/6_Credentials.py")
    app.selectbox(key="credentials_operator").set_value("OP-122").run()
    assert app.subheader[0].value == "Stage: train"
    app.text_input(key="credentials_training_reason").input("All recovery modules done")
    submit(app, "Record training step")
    assert not app.error
    assert app.subheader[0].value == "Stage: prove"
    assert "Training step recorded." in app.success[0].value


def test_accreditation_shows_delivery_partner(demo_env: Path):
    app = run_page("pages/7_Accreditation.py")
    assert app.subheader[0].value.startswith("Delivery Partner")
    assert "Eligible for the partner directory." in app.success[0].value


def test_accreditation_flags_quality(demo_env: Path):
    app = run_page("pages/7_Accreditation.py")
    app.selectbox(key="accreditation_org").set_value("P-004").run()
    assert "grounds for suspension" in errors(app)
    warnings = " ".join(w.value for w in app.warning)
    assert "Ken Ito's Certified Operator credential is suspended or revoked" in warnings
