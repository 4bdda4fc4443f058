"""Pure-rule tests: stages derived from decisions, prerequisites, limits and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cohort import rules
from cohort.models import (
    CredentialState,
    Membership,
    Operator,
    PackFact,
    QualityCheck,
    RecordedItem,
    StageEvent,
)

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def operator(track: str = "recovery-operator", operator_id: str = "OP-101") -> Operator:
    return Operator(
        operator_id, "P-001", "Dana Reyes", "dana@a.example", 5, "notes", track, "x", NOW
    )


def pack(
    pack_id: str = "EP-1",
    decision: str | None = None,
    track: str = "recovery-operator",
    kind: str = "capstone-lab",
    operators: tuple[str, ...] = ("OP-101",),
    partner_id: str = "P-001",
    days_ago: int = 3,
    superseded: bool = False,
    missing: bool = False,
) -> PackFact:
    decided = NOW - timedelta(days=1) if decision else None
    return PackFact(
        pack_id, partner_id, track, kind, operators, NOW - timedelta(days=days_ago),
        superseded, decision, decided, "Avery Chen" if decision else None,
        "looks complete" if decision else None, missing,
    )  # fmt: skip


def admitted() -> Membership:
    return Membership("admitted", None, "intake submitted", "Morgan Patel", NOW)


def trained() -> StageEvent:
    return StageEvent("OP-101", "train", "complete", "modules done", "Morgan Patel", NOW)


def credential(
    level: str = "operator", action: str = "issue", renews_on: date = date(2027, 12, 1)
) -> CredentialState:
    status = rules.credential_status(action, renews_on, TODAY)
    return CredentialState(
        "OP-101", level, action, status, date(2026, 12, 1), renews_on, None, "ok", "x", NOW
    )


def item(key: str, action: str = "record") -> RecordedItem:
    return RecordedItem(key, action, date(2027, 2, 1), f"doc-{key}", "notes", "x", NOW)


@pytest.mark.parametrize(
    ("issued", "renews"),
    [
        (date(2028, 2, 29), date(2029, 2, 28)),
        (date(2027, 2, 28), date(2028, 2, 28)),
        (date(2026, 12, 31), date(2027, 12, 31)),
        (date(2027, 1, 1), date(2028, 1, 1)),
        (date(2027, 3, 1), date(2028, 3, 1)),
    ],
)
def test_renewal_date_one_year_later(issued: date, renews: date):
    assert rules.add_years(issued) == renews


def test_leap_day_four_years_later():
    assert rules.add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)


@pytest.mark.parametrize(
    ("renews_on", "today", "due"),
    [
        (date(2028, 1, 15), date(2027, 11, 16), True),
        (date(2028, 1, 15), date(2027, 11, 15), False),
        (date(2028, 1, 1), date(2027, 12, 31), True),
        (date(2029, 2, 28), date(2028, 12, 30), True),
        (date(2029, 2, 28), date(2028, 12, 29), False),
    ],
)
def test_renewal_due_within_60_days(renews_on: date, today: date, due: bool):
    state = CredentialState(
        "OP-1", "operator", "issue", rules.credential_status("issue", renews_on, today),
        date(2027, 1, 1), renews_on, None, "", "x", NOW,
    )  # fmt: skip
    assert rules.renewal_due(state, today) is due


def test_credential_expires_day_after_renewal():
    assert rules.credential_status("issue", date(2027, 12, 31), date(2027, 12, 31)) == "active"
    assert rules.credential_status("issue", date(2027, 12, 31), date(2028, 1, 1)) == "expired"


@pytest.mark.parametrize(
    ("action", "status"),
    [("suspend", "suspended"), ("revoke", "revoked"), ("reinstate", "active"), ("renew", "active")],
)
def test_credential_status_from_action(action: str, status: str):
    assert rules.credential_status(action, date(2027, 12, 31), TODAY) == status


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Acme Identity, Inc.", "ACME identity"),
        ("Bluebird & Co", "bluebird and co"),
        ("Harbor  Resilience Group Ltd", "harbor resilience group"),
    ],
)
def test_org_names_normalise_equal(first: str, second: str):
    assert rules.normalise_org_name(first) == rules.normalise_org_name(second)


def test_legal_suffix_alone_is_kept():
    assert rules.normalise_org_name("Inc") == "inc"


def test_org_limit_names_the_limit():
    message = rules.organisation_limit_message(["A", "B", "C", "D", "E"])
    assert message is not None
    assert "at most 5 partner organisations" in message
    assert "waitlist" in message


def test_org_limit_allows_fifth():
    assert rules.organisation_limit_message(["A", "B", "C", "D"]) is None


def test_operator_limit_names_the_limit():
    message = rules.operator_limit_message("Acme", 1, 2)
    assert message is not None
    assert "at most 2 operators per organisation" in message
    assert "Acme has 1" in message


def test_operator_limit_allows_two():
    assert rules.operator_limit_message("Acme", 1, 1) is None


def test_prove_incomplete_without_pack():
    steps = rules.derive_steps(operator(), admitted(), trained(), [])
    assert steps[2].complete is False
    assert steps[2].explanation == "no recovery-operator capstone pack submitted yet"


def test_prove_complete_after_pass():
    steps = rules.derive_steps(operator(), admitted(), trained(), [pack(decision="pass")])
    prove = steps[2]
    assert prove.complete is True
    assert prove.derived is True
    assert prove.by == "Avery Chen"
    assert "EP-1 passed review" in prove.explanation


@pytest.mark.parametrize("decision", [None, "fail", "resubmission requested"])
def test_prove_incomplete_unless_pass(decision: str | None):
    steps = rules.derive_steps(operator(), admitted(), trained(), [pack(decision=decision)])
    assert steps[2].complete is False


def test_prove_ignores_other_partner_pack():
    other = pack(decision="pass", partner_id="P-002")
    steps = rules.derive_steps(operator(), admitted(), trained(), [other])
    assert steps[2].complete is False


def test_prove_ignores_pack_without_operator():
    other = pack(decision="pass", operators=("OP-102",))
    steps = rules.derive_steps(operator(), admitted(), trained(), [other])
    assert steps[2].complete is False


def test_prove_needs_operator_track():
    specialist = operator("implementation-specialist")
    steps = rules.derive_steps(specialist, admitted(), trained(), [pack(decision="pass")])
    assert steps[2].complete is False


def test_specialist_pack_proves_operator_track():
    higher = pack(decision="pass", track="implementation-specialist")
    steps = rules.derive_steps(operator(), admitted(), trained(), [higher])
    assert steps[2].complete is True


def test_supervise_needs_accepted_pilot():
    capstone = pack(decision="pass")
    pilot = pack("EP-2", decision=None, kind="supervised-pilot")
    steps = rules.derive_steps(operator(), admitted(), trained(), [capstone, pilot])
    assert rules.current_stage(steps) == "supervise"
    accepted = pack("EP-2", decision="pass", kind="supervised-pilot")
    steps = rules.derive_steps(operator(), admitted(), trained(), [capstone, accepted])
    assert rules.current_stage(steps) == "maintain"


def test_capstone_pass_does_not_supervise():
    steps = rules.derive_steps(operator(), admitted(), trained(), [pack(decision="pass")])
    assert steps[3].complete is False


def test_stage_waitlisted_is_apply():
    waitlisted = Membership("waitlisted", None, "cohort full", "x", NOW)
    steps = rules.derive_steps(operator(), waitlisted, trained(), [])
    assert rules.current_stage(steps) == "apply"


def test_stage_train_until_recorded():
    steps = rules.derive_steps(operator(), admitted(), None, [])
    assert rules.current_stage(steps) == "train"


def test_training_reopened_is_incomplete():
    reopened = StageEvent("OP-101", "train", "reopen", "module retired", "x", NOW)
    steps = rules.derive_steps(operator(), admitted(), reopened, [])
    assert steps[1].complete is False
    assert "reopened" in steps[1].explanation


def test_blocker_says_how_long_waiting():
    steps = rules.derive_steps(operator(), admitted(), trained(), [pack(days_ago=4)])
    blockers = rules.stage_blockers(operator(), steps, [pack(days_ago=4)], NOW)
    assert blockers == ["recovery-operator capstone pack EP-1 waiting for review for 4 days"]


def test_blocker_names_missing_evidence():
    packs = [pack(decision="fail", missing=True)]
    steps = rules.derive_steps(operator(), admitted(), trained(), packs)
    blockers = rules.stage_blockers(operator(), steps, packs, NOW)
    assert "recovery-operator capstone pack EP-1 failed review; a new pack is needed" in blockers
    assert "EP-1: the checks report required evidence missing" in blockers


def test_blocker_skips_superseded_pack():
    packs = [pack("EP-1", decision="fail", superseded=True), pack("EP-2", days_ago=1)]
    steps = rules.derive_steps(operator(), admitted(), trained(), packs)
    blockers = rules.stage_blockers(operator(), steps, packs, NOW)
    assert blockers == ["recovery-operator capstone pack EP-2 waiting for review for 1 day"]


def test_supervise_blocker_says_pilot_not_accepted():
    packs = [pack(decision="pass")]
    steps = rules.derive_steps(operator(), admitted(), trained(), packs)
    blockers = rules.stage_blockers(operator(), steps, packs, NOW)
    assert blockers[0] == "pilot not yet accepted"


def test_operator_credential_needs_passed_capstone():
    unmet = rules.credential_prerequisites("operator", operator(), [pack()], {}, {})
    assert [r.met for r in unmet] == [False]
    met = rules.credential_prerequisites("operator", operator(), [pack(decision="pass")], {}, {})
    assert [r.met for r in met] == [True]


def test_specialist_requires_operator_credential():
    packs = [pack(decision="pass", track="implementation-specialist")]
    specialist = operator("implementation-specialist")
    without = rules.credential_prerequisites("implementation-specialist", specialist, packs, {}, {})
    assert [r.met for r in without] == [False, True]
    credentials = {"operator": credential()}
    with_it = rules.credential_prerequisites(
        "implementation-specialist", specialist, packs, credentials, {}
    )
    assert [r.met for r in with_it] == [True, True]


def test_specialist_rejects_suspended_operator():
    packs = [pack(decision="pass", track="implementation-specialist")]
    credentials = {"operator": credential(action="suspend")}
    result = rules.credential_prerequisites(
        "implementation-specialist", operator(), packs, credentials, {}
    )
    assert result[0].met is False
    assert result[0].detail.startswith("suspended")


def test_recovery_lead_needs_four_records():
    credentials = {"operator": credential()}
    result = rules.credential_prerequisites("recovery-lead", operator(), [], credentials, {})
    assert [r.met for r in result] == [True, False, False, False, False]
    recorded = {key: item(key) for key in rules.RECOVERY_LEAD_REQUIREMENTS}
    result = rules.credential_prerequisites("recovery-lead", operator(), [], credentials, recorded)
    assert all(r.met for r in result)


def test_recovery_lead_pilot_counts_as_delivery():
    credentials = {"operator": credential()}
    pilot = pack(decision="pass", kind="supervised-pilot")
    result = rules.credential_prerequisites("recovery-lead", operator(), [pilot], credentials, {})
    delivery = next(r for r in result if r.label == "Supervised delivery")
    assert delivery.met is True
    assert "EP-1" in delivery.detail


def test_withdrawn_requirement_is_unmet():
    credentials = {"operator": credential()}
    recorded = {"practical-drill": item("practical-drill", "withdraw")}
    result = rules.credential_prerequisites("recovery-lead", operator(), [], credentials, recorded)
    drill = next(r for r in result if r.label == "Practical drill")
    assert drill.met is False
    assert drill.detail == "withdrawn"


def test_unknown_level_raises():
    with pytest.raises(ValueError, match="unknown credential level"):
        rules.credential_prerequisites("guru", operator(), [], {}, {})


def delivery_items() -> dict[str, RecordedItem]:
    return {key: item(key) for key in rules.DELIVERY_ITEMS}


def test_delivery_partner_when_all_met():
    pilot = pack(decision="pass", kind="supervised-pilot")
    result = rules.accreditation_status(delivery_items(), ["A", "B"], pilot)
    assert result.level == rules.DELIVERY_PARTNER
    assert len(result.missing()) == 4


def test_delivery_partner_needs_two_certified():
    pilot = pack(decision="pass", kind="supervised-pilot")
    result = rules.accreditation_status(delivery_items(), ["A"], pilot)
    assert result.level is None
    assert result.missing() == ["Two certified individuals: 1 certified (A)"]


def test_delivery_partner_needs_pilot():
    result = rules.accreditation_status(delivery_items(), ["A", "B"], None)
    assert result.level is None
    assert "Accepted supervised engagement" in result.missing()[0]


def test_insurance_not_required_counts():
    items = delivery_items()
    items["insurance"] = item("insurance", "not-required")
    pilot = pack(decision="pass", kind="supervised-pilot")
    assert rules.accreditation_status(items, ["A", "B"], pilot).level == rules.DELIVERY_PARTNER


def test_managed_partner_needs_all_items():
    items = delivery_items() | {key: item(key) for key in rules.MANAGED_ITEMS}
    pilot = pack(decision="pass", kind="supervised-pilot")
    result = rules.accreditation_status(items, ["A", "B"], pilot)
    assert result.level == rules.MANAGED_RESILIENCE_PARTNER
    assert result.missing() == []


def test_managed_items_without_delivery_status():
    items = {key: item(key) for key in rules.MANAGED_ITEMS}
    result = rules.accreditation_status(items, ["A", "B"], None)
    assert result.level is None
    assert result.managed[0].met is False


def test_directory_eligible_when_all_hold():
    pilot = pack(decision="pass", kind="supervised-pilot")
    accreditation = rules.accreditation_status(delivery_items(), ["A", "B"], pilot)
    result = rules.directory_eligibility(admitted(), accreditation, pilot, [])
    assert result.eligible is True
    assert result.reasons == ()


def test_directory_rejects_suspension():
    pilot = pack(decision="pass", kind="supervised-pilot")
    accreditation = rules.accreditation_status(delivery_items(), ["A", "B"], pilot)
    result = rules.directory_eligibility(admitted(), accreditation, pilot, ["Ken's credential"])
    assert result.eligible is False
    assert result.reasons == ("Ken's credential is suspended or revoked",)


def test_directory_rejects_suspended_org():
    pilot = pack(decision="pass", kind="supervised-pilot")
    accreditation = rules.accreditation_status(delivery_items(), ["A", "B"], pilot)
    suspended = Membership("suspended", "misrepresentation", "claimed Okta endorsement", "x", NOW)
    result = rules.directory_eligibility(suspended, accreditation, pilot, [])
    assert result.reasons == ("organisation is suspended: claimed Okta endorsement",)


def test_directory_names_missing_pilot():
    accreditation = rules.accreditation_status(delivery_items(), ["A", "B"], None)
    result = rules.directory_eligibility(admitted(), accreditation, None, [])
    assert "supervised pilot not yet accepted" in result.reasons
    assert result.eligible is False


def quality(days_ago: int, result: str) -> QualityCheck:
    return QualityCheck("P-001", TODAY - timedelta(days=days_ago), "DL-1", result, "", "x", NOW)


def test_quality_two_failures_flagged():
    summary = rules.quality_summary([quality(10, "fail"), quality(200, "fail")], TODAY)
    assert summary.flagged is True
    assert "grounds for suspension" in summary.message


def test_quality_old_failure_ignored():
    summary = rules.quality_summary([quality(10, "fail"), quality(400, "fail")], TODAY)
    assert summary.failures_in_window == 1
    assert summary.flagged is False


def test_quality_passes_not_counted():
    summary = rules.quality_summary([quality(1, "pass"), quality(2, "pass")], TODAY)
    assert summary.failures_in_window == 0
