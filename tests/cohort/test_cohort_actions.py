"""Cohort actions against a real DuckDB file: intake, limits, stages, credentials, accreditation."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from cohort import actions
from cohort.errors import CohortError, DuplicateOrganisation, LimitReached
from cohort.history import operator_history, org_history
from cohort.intake import (
    IntakeInvalid,
    add_operator,
    parse_application,
    parse_operator,
    submit_intake,
)
from cohort.snapshot import load_snapshot
from cohort.status import operator_status, org_status

LEAD = "Morgan Patel"


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # table names from tests only
    assert row is not None
    return int(row[0])


def test_intake_creates_routing_record(con, make_org):
    result = make_org("Acme Identity")
    assert result.partner_id == "P-001"
    assert result.operator_ids == ("OP-101", "OP-102")
    assert result.status == "admitted"
    snapshot = load_snapshot(con)
    assert snapshot.orgs["P-001"].name == "Acme Identity"
    assert snapshot.operators["OP-102"].requested_track == "implementation-specialist"


def test_intake_ids_skip_ids_in_packs(con, make_org, add_pack):
    add_pack("EP-1", "P-007", ["OP-130"])
    result = make_org("Acme Identity")
    assert result.partner_id == "P-008"
    assert result.operator_ids == ("OP-131", "OP-132")


def test_intake_duplicate_name_rejected(con, make_org):
    make_org("Acme Identity")
    with pytest.raises(DuplicateOrganisation, match="already in the cohort as P-001"):
        make_org("ACME Identity, Inc.")
    assert count(con, "cohort_orgs") == 1


def test_intake_duplicate_partner_id_rejected(con, make_org):
    make_org("Acme Identity", partner_id="P-100")
    with pytest.raises(DuplicateOrganisation):
        make_org("Other Firm", partner_id="P-100")


def test_intake_sixth_org_hits_limit(con, make_org):
    for name in ("One", "Two", "Three", "Four", "Five"):
        make_org(f"{name} Partners")
    with pytest.raises(LimitReached, match="at most 5 partner organisations"):
        make_org("Six Partners")
    assert count(con, "cohort_orgs") == 5


def test_intake_sixth_org_waitlisted(con, make_org):
    for name in ("One", "Two", "Three", "Four", "Five"):
        make_org(f"{name} Partners")
    result = make_org("Six Partners", waitlist=True)
    assert result.status == "waitlisted"
    assert "founding cohort full" in result.message
    status = operator_status(load_snapshot(con), result.operator_ids[0])
    assert status.stage == "apply"


def test_waitlisted_org_admitted_when_place_frees(con, make_org):
    for name in ("One", "Two", "Three", "Four", "Five"):
        make_org(f"{name} Partners")
    waiting = make_org("Six Partners", waitlist=True)
    with pytest.raises(LimitReached):
        actions.set_org_status(con, waiting.partner_id, "admitted", None, "place free", LEAD)
    actions.set_org_status(con, "P-002", "withdrawn", None, "left the program", LEAD)
    actions.set_org_status(con, waiting.partner_id, "admitted", None, "place free", LEAD)
    assert load_snapshot(con).memberships[waiting.partner_id].status == "admitted"


def test_intake_three_operators_hits_limit(con, make_org):
    with pytest.raises(LimitReached, match="at most 2 operators per organisation"):
        make_org("Acme Identity", operators=3)
    assert count(con, "cohort_orgs") == 0


def test_add_third_operator_hits_limit(con, make_org):
    make_org("Acme Identity", operators=1)
    extra = {
        "name": "Sam Lee",
        "email": "sam@acme.example",
        "okta_iam_years": 2,
        "experience_notes": "Two years of Okta admin work",
        "requested_track": "recovery-operator",
    }
    assert add_operator(con, "P-001", parse_operator(extra), LEAD) == "OP-102"
    extra["email"] = "kim@acme.example"
    with pytest.raises(LimitReached, match="Acme Identity has 2"):
        add_operator(con, "P-001", parse_operator(extra), LEAD)


def test_operator_email_reused_rejected(con, make_org, build_application):
    make_org("Acme Identity", operators=1)
    reused = build_application("Acme Identity", operators=1)
    other = build_application("Other Firm", operators=1).model_copy(
        update={"operators": reused.operators}
    )
    with pytest.raises(CohortError, match="email op1@acme-identity.example is already used"):
        submit_intake(con, other, LEAD)
    assert count(con, "cohort_orgs") == 1


def test_parse_application_lists_fields():
    with pytest.raises(IntakeInvalid) as raised:
        parse_application(
            {
                "organisation": "",
                "motion": "reselling",
                "target_customers": "SaaS",
                "pilot_context": "short",
                "operators": [{"name": "A", "email": "not-an-email", "okta_iam_years": 1,
                               "experience_notes": "x", "requested_track": "recovery-operator"}],
            }
        )  # fmt: skip
    problems = " | ".join(raised.value.problems)
    assert "Organisation name:" in problems
    assert "Motion: Input should be 'referral', 'delivery' or 'managed-service'" in problems
    assert "Pilot context:" in problems
    assert "Operator 1 email: 'not-an-email' is not an email address" in problems
    assert "Operator 1 name:" in problems


def test_parse_application_needs_operator():
    with pytest.raises(IntakeInvalid, match="Operators"):
        parse_application(
            {
                "organisation": "Acme",
                "motion": "delivery",
                "target_customers": "SaaS firms",
                "pilot_context": "Readiness pilot in a preview tenant",
                "operators": [],
            }
        )


def test_decision_moves_operator_forward(con, make_org, add_pack, decide):
    make_org("Acme Identity", operators=1)
    actions.record_training(con, "OP-101", "complete", "modules done", LEAD)
    add_pack("EP-1", "P-001", ["OP-101"])
    assert operator_status(load_snapshot(con), "OP-101").stage == "prove"
    decide("EP-1", "pass")
    status = operator_status(load_snapshot(con), "OP-101")
    assert status.stage == "supervise"
    assert status.steps[2].by == "Avery Chen"


def test_later_fail_withdraws_prove(con, make_org, add_pack, decide):
    make_org("Acme Identity", operators=1)
    actions.record_training(con, "OP-101", "complete", "modules done", LEAD)
    add_pack("EP-1", "P-001", ["OP-101"])
    decide("EP-1", "pass")
    decide("EP-1", "fail")
    assert operator_status(load_snapshot(con), "OP-101").stage == "prove"


def test_prove_cannot_be_typed_in():
    assert "prove" not in actions.TRAINING_ACTIONS


def test_training_history_is_appended(con, make_org):
    make_org("Acme Identity", operators=1)
    actions.record_training(con, "OP-101", "complete", "modules done", LEAD)
    actions.record_training(con, "OP-101", "reopen", "module retired", "Riley Santos")
    assert count(con, "stage_events") == 2
    snapshot = load_snapshot(con)
    assert operator_status(snapshot, "OP-101").stage == "train"
    history = operator_history(con, snapshot, "OP-101")
    assert [row["subject"] for row in history] == ["train: reopen", "train: complete"]
    assert history[0]["recorded_by"] == "Riley Santos"


def test_training_needs_reason(con, make_org):
    make_org("Acme Identity", operators=1)
    with pytest.raises(CohortError, match="reason is missing"):
        actions.record_training(con, "OP-101", "complete", "  ", LEAD)


def test_unknown_operator_rejected(con):
    with pytest.raises(CohortError, match="OP-999 is not in the cohort"):
        actions.record_training(con, "OP-999", "complete", "done", LEAD)


def test_issue_refused_without_pass(con, make_org, add_pack):
    make_org("Acme Identity", operators=1)
    add_pack("EP-1", "P-001", ["OP-101"])
    with pytest.raises(CohortError, match="Passed capstone lab"):
        actions.issue_credential(con, "OP-101", "operator", date(2027, 1, 5), "", LEAD)
    assert count(con, "credential_events") == 0


def test_specialist_refused_before_operator(con, make_org, add_pack, decide):
    make_org("Acme Identity", operators=1, tracks=("implementation-specialist",))
    add_pack("EP-1", "P-001", ["OP-101"], track="implementation-specialist")
    decide("EP-1", "pass")
    with pytest.raises(CohortError, match="Active Certified Operator credential"):
        actions.issue_credential(
            con, "OP-101", "implementation-specialist", date(2027, 1, 5), "", LEAD
        )
    actions.issue_credential(con, "OP-101", "operator", date(2027, 1, 5), "", LEAD)
    state = actions.issue_credential(
        con, "OP-101", "implementation-specialist", date(2027, 1, 5), "", LEAD
    )
    assert state.renews_on == date(2028, 1, 5)


@pytest.fixture
def certified(con, make_org, add_pack, decide) -> str:
    """Return an operator holding a Certified Operator credential issued 2028-02-29."""
    make_org("Acme Identity", operators=1)
    add_pack("EP-1", "P-001", ["OP-101"])
    decide("EP-1", "pass")
    state = actions.issue_credential(con, "OP-101", "operator", date(2028, 2, 29), "", LEAD)
    assert state.renews_on == date(2029, 2, 28)
    return "OP-101"


def test_issue_twice_rejected(con, certified):
    with pytest.raises(CohortError, match="already active; renew it instead"):
        actions.issue_credential(con, certified, "operator", date(2028, 3, 1), "", LEAD)


def test_renew_on_time_keeps_anniversary(con, certified):
    state = actions.renew_credential(
        con, certified, "operator", date(2029, 2, 1), "quality checks passed", LEAD
    )
    assert state.renews_on == date(2030, 2, 28)
    assert state.issued_on == date(2028, 2, 29)


def test_renew_late_counts_from_renewal(con, certified):
    state = actions.renew_credential(
        con, certified, "operator", date(2029, 4, 10), "late renewal", LEAD
    )
    assert state.renews_on == date(2030, 4, 10)


def test_suspend_needs_reason_code(con, certified):
    with pytest.raises(CohortError, match="reason is missing: pick one of"):
        actions.change_credential_standing(con, certified, "operator", "suspend", None, "", LEAD)


def test_suspend_other_needs_text(con, certified):
    with pytest.raises(CohortError, match="'other'"):
        actions.change_credential_standing(con, certified, "operator", "suspend", "other", "", LEAD)


def test_suspend_and_reinstate_keep_history(con, certified):
    actions.change_credential_standing(
        con, certified, "operator", "suspend", "unauthorized-changes", "restore without approval",
        LEAD,
    )  # fmt: skip
    snapshot = load_snapshot(con)
    state = snapshot.credentials[certified]["operator"]
    assert state.status == "suspended"
    assert state.reason == "restore without approval"
    assert "Certified Operator suspended (Unauthorized changes)" in " ".join(
        operator_status(snapshot, certified).blockers
    )
    with pytest.raises(CohortError, match="reason is missing"):
        actions.change_credential_standing(con, certified, "operator", "reinstate", None, "", LEAD)
    actions.change_credential_standing(
        con, certified, "operator", "reinstate", None, "approval found", LEAD
    )
    assert count(con, "credential_events") == 3
    actions_seen = [
        row["subject"] for row in operator_history(con, load_snapshot(con), certified)
        if row["kind"] == "credential"
    ]  # fmt: skip
    assert actions_seen == ["operator: reinstate", "operator: suspend", "operator: issue"]


def test_reinstate_active_rejected(con, certified):
    with pytest.raises(CohortError, match="cannot be reinstated"):
        actions.change_credential_standing(
            con, certified, "operator", "reinstate", None, "why not", LEAD
        )


def test_revoked_can_be_issued_again(con, certified):
    actions.change_credential_standing(
        con, certified, "operator", "revoke", "misrepresentation", "", LEAD
    )
    state = load_snapshot(con).credentials[certified]["operator"]
    assert state.reason == "Misrepresentation"
    reissued = actions.issue_credential(con, certified, "operator", date(2029, 1, 2), "", LEAD)
    assert reissued.status == "active"


def test_recovery_lead_after_requirements(con, certified):
    for requirement in ("evidence-pack-review", "practical-drill", "reviewer-interview"):
        actions.record_requirement(
            con, certified, requirement, date(2028, 5, 1), f"doc-{requirement}", "", LEAD
        )
    with pytest.raises(CohortError, match="Supervised delivery"):
        actions.issue_credential(con, certified, "recovery-lead", date(2028, 6, 1), "", LEAD)
    actions.record_requirement(
        con, certified, "supervised-delivery", date(2028, 5, 2), "DL-7", "led the pilot", LEAD
    )
    state = actions.issue_credential(con, certified, "recovery-lead", date(2028, 6, 1), "", LEAD)
    assert state.level == "recovery-lead"


def test_requirement_needs_evidence(con, certified):
    with pytest.raises(CohortError, match="evidence"):
        actions.record_requirement(
            con, certified, "practical-drill", date(2028, 5, 1), "", "", LEAD
        )


def test_intake_to_delivery_partner(con, make_org, add_pack, decide):
    make_org("Acme Identity")
    for operator_id in ("OP-101", "OP-102"):
        actions.record_training(con, operator_id, "complete", "modules done", LEAD)
    add_pack("EP-1", "P-001", ["OP-101", "OP-102"], track="implementation-specialist")
    add_pack("EP-2", "P-001", ["OP-101", "OP-102"], kind="supervised-pilot")
    decide("EP-1", "pass")
    status = org_status(load_snapshot(con), "P-001")
    assert status.accreditation.level is None
    assert "pilot not yet accepted" in status.blockers

    decide("EP-2", "pass")
    for operator_id in ("OP-101", "OP-102"):
        actions.issue_credential(con, operator_id, "operator", date(2027, 1, 5), "", LEAD)
    for item, evidence in (("partner-terms", "PT-1"), ("security-review", "SR-1")):
        actions.record_accreditation_item(con, "P-001", item, date(2027, 1, 6), evidence, "", LEAD)
    status = org_status(load_snapshot(con), "P-001")
    assert status.accreditation.missing() == ["Insurance (where needed): not recorded"]
    assert status.eligibility.eligible is False

    actions.record_accreditation_item(
        con, "P-001", "insurance", date(2027, 1, 6), "legal review LR-3",
        "referral-only contract, no customer access", LEAD, action="not-required",
    )  # fmt: skip
    snapshot = load_snapshot(con)
    status = org_status(snapshot, "P-001")
    assert status.accreditation.level == "Delivery Partner"
    assert status.eligibility.eligible is True
    assert [s.stage for s in status.operators] == ["maintain", "maintain"]
    assert status.blockers == ()


def test_not_required_only_for_insurance(con, make_org):
    make_org("Acme Identity")
    with pytest.raises(CohortError, match="only insurance"):
        actions.record_accreditation_item(
            con, "P-001", "security-review", date(2027, 1, 6), "x", "n/a", LEAD,
            action="not-required",
        )  # fmt: skip


def test_item_withdraw_reopens_requirement(con, make_org):
    make_org("Acme Identity")
    actions.record_accreditation_item(
        con, "P-001", "partner-terms", date(2027, 1, 6), "PT", "", LEAD
    )
    actions.record_accreditation_item(
        con, "P-001", "partner-terms", date(2027, 2, 6), "PT", "terms expired", LEAD,
        action="withdraw",
    )  # fmt: skip
    status = org_status(load_snapshot(con), "P-001")
    terms = next(r for r in status.accreditation.delivery if r.label == "Signed partner terms")
    assert terms.detail == "withdrawn"
    assert len(org_history(con, "P-001")) == 3


def test_quality_failures_flag_org(con, make_org):
    make_org("Acme Identity")
    today = load_snapshot(con).today
    actions.record_quality_check(con, "P-001", today, "DL-1", "fail", "no preview proof", LEAD)
    actions.record_quality_check(con, "P-001", today, "DL-2", "fail", "no handoff notes", LEAD)
    status = org_status(load_snapshot(con), "P-001")
    assert status.quality.flagged is True
    assert any("grounds for suspension" in b for b in status.blockers)


def test_quality_fail_needs_notes(con, make_org):
    make_org("Acme Identity")
    with pytest.raises(CohortError, match="what failed"):
        actions.record_quality_check(con, "P-001", date(2027, 1, 1), "DL-1", "fail", "", LEAD)


def test_org_suspension_blocks_directory(con, make_org):
    make_org("Acme Identity")
    with pytest.raises(CohortError, match="reason is missing"):
        actions.set_org_status(con, "P-001", "suspended", None, "", LEAD)
    actions.set_org_status(
        con, "P-001", "suspended", "customer-data-mishandling", "exported users to a laptop", LEAD
    )
    status = org_status(load_snapshot(con), "P-001")
    assert "organisation is suspended: exported users to a laptop" in status.eligibility.reasons


def test_who_is_required(con, make_org):
    make_org("Acme Identity")
    with pytest.raises(CohortError, match="reviewer roster"):
        actions.record_training(con, "OP-101", "complete", "modules done", " ")
