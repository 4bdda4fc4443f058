"""Program rules of the founding cohort, as pure functions over records already loaded.

Nothing here reads the database or the clock: callers pass `today` (a UTC date) and `now`
(a UTC datetime), so each rule can be tested on fixed dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from cohort.models import (
    Accreditation,
    CredentialState,
    Eligibility,
    Membership,
    Operator,
    PackFact,
    QualityCheck,
    QualitySummary,
    RecordedItem,
    Requirement,
    StageEvent,
    StageStep,
)

STAGES = ("apply", "train", "prove", "supervise", "maintain")
MOTIONS = ("referral", "delivery", "managed-service")
TRACKS = ("recovery-operator", "implementation-specialist", "recovery-lead")

MAX_ORGANISATIONS = 5
MAX_OPERATORS_PER_ORG = 2
RENEWAL_WARNING_DAYS = 60
QUALITY_WINDOW_DAYS = 365
QUALITY_FAILURE_LIMIT = 2

# Membership statuses that hold one of the five founding-cohort places.
PLACE_HOLDING = ("admitted", "suspended")
ORG_STATUSES = ("admitted", "waitlisted", "suspended", "withdrawn")

LEVELS: dict[str, str] = {
    "operator": "Certified Operator",
    "implementation-specialist": "Implementation Specialist",
    "recovery-lead": "Recovery Lead",
}
REASONS: dict[str, str] = {
    "misrepresentation": "Misrepresentation",
    "customer-data-mishandling": "Customer data mishandling",
    "unauthorized-changes": "Unauthorized changes",
    "repeated-quality-failures": "Repeated quality failures",
    "other": "Other",
}
RECOVERY_LEAD_REQUIREMENTS: dict[str, str] = {
    "supervised-delivery": "Supervised delivery",
    "evidence-pack-review": "Evidence-pack review",
    "practical-drill": "Practical drill",
    "reviewer-interview": "Butterfly reviewer interview",
}
DELIVERY_ITEMS: dict[str, str] = {
    "partner-terms": "Signed partner terms",
    "security-review": "Security review",
    "insurance": "Insurance (where needed)",
}
MANAGED_ITEMS: dict[str, str] = {
    "l1-support-model": "L1 support model",
    "managed-customer-authorization": "Managed-customer authorization",
    "reporting-cadence": "Reporting cadence",
    "offboarding-process": "Offboarding process",
}
DELIVERY_PARTNER = "Delivery Partner"
MANAGED_RESILIENCE_PARTNER = "Managed Resilience Partner"

# Tracks whose capstone pack counts for each requested track: the spec requires the
# implementation-specialist and recovery-lead packs to hold all recovery-operator evidence.
COVERING_TRACKS: dict[str, tuple[str, ...]] = {
    "recovery-operator": TRACKS,
    "implementation-specialist": ("implementation-specialist",),
    "recovery-lead": ("recovery-lead",),
}

CAPSTONE = "capstone-lab"
SUPERVISED_PILOT = "supervised-pilot"

_LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "llp",
        "ltd",
        "limited",
        "gmbh",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "bv",
        "ag",
        "sa",
        "pty",
    ]
)


def add_years(start: date, years: int = 1) -> date:
    """Add whole years to a date; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def normalise_org_name(name: str) -> str:
    """Reduce an organisation name to the key that duplicate detection compares.

    Case, punctuation, '&' versus 'and', spacing and trailing legal suffixes (Inc, Ltd,
    GmbH, ...) are ignored, so 'Acme Identity, Inc.' and 'ACME identity' collide.
    """
    words = re.sub(r"[^\w\s]", " ", name.casefold().replace("&", " and ")).split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def organisation_limit_message(place_holders: Sequence[str]) -> str | None:
    """Return the limit message when the five founding-cohort places are all taken."""
    if len(place_holders) < MAX_ORGANISATIONS:
        return None
    return (
        f"The founding cohort is full: it admits at most {MAX_ORGANISATIONS} partner "
        f"organisations and already has {len(place_holders)} ({', '.join(place_holders)}). "
        "A cohort lead can record this applicant on the waitlist instead."
    )


def operator_limit_message(org_name: str, existing: int, adding: int) -> str | None:
    """Return the limit message when an organisation would have more than two operators."""
    if existing + adding <= MAX_OPERATORS_PER_ORG:
        return None
    return (
        f"The founding cohort admits at most {MAX_OPERATORS_PER_ORG} operators per "
        f"organisation: {org_name} has {existing} and this request adds {adding}. "
        f"Name at most {MAX_OPERATORS_PER_ORG - existing} more."
    )


def packs_for(operator: Operator, packs: Iterable[PackFact], kind: str) -> list[PackFact]:
    """Select the operator's packs of one engagement kind, newest first.

    A pack belongs to an operator when its partner_id is the operator's organisation and
    the operator_id is listed among its operators.
    """
    mine = [
        p
        for p in packs
        if p.engagement_kind == kind
        and p.partner_id == operator.partner_id
        and operator.operator_id in p.operator_ids
    ]
    return sorted(mine, key=lambda p: p.received_at, reverse=True)


def capstones_for(operator: Operator, packs: Iterable[PackFact], track: str) -> list[PackFact]:
    """Select the operator's capstone-lab packs that count for `track`, newest first."""
    covering = COVERING_TRACKS[track]
    return [p for p in packs_for(operator, packs, CAPSTONE) if p.track in covering]


def accepted_pack(packs: Iterable[PackFact]) -> PackFact | None:
    """Return the earliest-decided pack whose latest decision is a pass, or None."""
    passed = [p for p in packs if p.accepted and p.decided_at is not None]
    return min(passed, key=lambda p: p.decided_at or p.received_at) if passed else None


def step_apply(membership: Membership | None) -> StageStep:
    """Derive the apply stage: complete once the organisation is admitted to the cohort."""
    if membership is None:
        return StageStep("apply", False, "no intake record for the organisation")
    if membership.status in PLACE_HOLDING:
        return StageStep("apply", True, membership.reason, membership.at, membership.recorded_by)
    return StageStep("apply", False, f"organisation is {membership.status}: {membership.reason}")


def step_train(event: StageEvent | None) -> StageStep:
    """Derive the train stage from the latest training record a cohort lead made."""
    if event is None:
        return StageStep("train", False, "training is not recorded as complete yet")
    if event.action == "complete":
        return StageStep("train", True, event.reason, event.at, event.recorded_by)
    return StageStep("train", False, f"training was reopened: {event.reason}")


def step_from_packs(stage: str, packs: Sequence[PackFact], pack_label: str) -> StageStep:
    """Derive prove or supervise from the decisions on the operator's packs of that kind.

    The stage is complete when one of the packs has a pass as its latest decision. The
    reviewer and time of that decision become the step's `by` and `at`.
    """
    passed = accepted_pack(packs)
    if passed is not None:
        explanation = f"{pack_label} {passed.pack_id} passed review"
        if passed.rationale:
            explanation += f": {passed.rationale}"
        return StageStep(
            stage, True, explanation, passed.decided_at, passed.decided_by, derived=True
        )
    if not packs:
        return StageStep(stage, False, f"no {pack_label} submitted yet", derived=True)
    return StageStep(stage, False, f"no {pack_label} has passed review yet", derived=True)


def pack_blockers(packs: Sequence[PackFact], pack_label: str, now: datetime) -> list[str]:
    """Explain why packs of one kind do not complete a stage yet: waiting, failed, gaps."""
    live = [p for p in packs if not p.superseded]
    if not packs:
        return [f"no {pack_label} submitted yet"]
    blockers = []
    for pack in live:
        if pack.decision is None:
            days = max((now - pack.received_at).days, 0)
            blockers.append(f"{pack_label} {pack.pack_id} waiting for review for {_days(days)}")
        elif pack.decision == "fail":
            blockers.append(f"{pack_label} {pack.pack_id} failed review; a new pack is needed")
        elif pack.decision == "resubmission requested":
            blockers.append(f"resubmission requested for {pack_label} {pack.pack_id}")
        if pack.missing_evidence and not pack.accepted:
            blockers.append(f"{pack.pack_id}: the checks report required evidence missing")
    return blockers


def derive_steps(
    operator: Operator,
    membership: Membership | None,
    train_event: StageEvent | None,
    packs: Sequence[PackFact],
) -> tuple[StageStep, ...]:
    """Derive apply, train, prove and supervise for one operator.

    Prove needs a passed capstone-lab pack for the operator's requested track (or a track
    that contains its evidence, see COVERING_TRACKS);
    supervise needs an accepted supervised engagement: a supervised-pilot pack whose
    latest decision is a pass, with the operator listed on it.
    """
    capstones = capstones_for(operator, packs, operator.requested_track)
    pilots = packs_for(operator, packs, SUPERVISED_PILOT)
    return (
        step_apply(membership),
        step_train(train_event),
        step_from_packs("prove", capstones, f"{operator.requested_track} capstone pack"),
        step_from_packs("supervise", pilots, "supervised-pilot pack"),
    )


def current_stage(steps: Sequence[StageStep]) -> str:
    """Return the first stage not complete, or 'maintain' when apply to supervise are done."""
    for step in steps:
        if not step.complete:
            return step.stage
    return "maintain"


def stage_blockers(
    operator: Operator, steps: Sequence[StageStep], packs: Sequence[PackFact], now: datetime
) -> list[str]:
    """Explain what keeps an operator in the current stage."""
    stage = current_stage(steps)
    if stage == "prove":
        capstones = capstones_for(operator, packs, operator.requested_track)
        return pack_blockers(capstones, f"{operator.requested_track} capstone pack", now)
    if stage == "supervise":
        pilots = packs_for(operator, packs, SUPERVISED_PILOT)
        return ["pilot not yet accepted"] + pack_blockers(pilots, "supervised-pilot pack", now)
    if stage in ("apply", "train"):
        return [next(s.explanation for s in steps if s.stage == stage)]
    return []


def credential_status(action: str, renews_on: date, today: date) -> str:
    """Derive a credential's status from its latest action and renewal date."""
    if action == "suspend":
        return "suspended"
    if action == "revoke":
        return "revoked"
    return "active" if today <= renews_on else "expired"


def renewal_due(credential: CredentialState, today: date) -> bool:
    """Return True when an active credential renews within the next 60 days."""
    return credential.status == "active" and (credential.renews_on - today).days <= (
        RENEWAL_WARNING_DAYS
    )


def credential_blockers(credentials: Iterable[CredentialState], today: date) -> list[str]:
    """List suspended, revoked, expired and soon-due credentials as blocker sentences."""
    blockers = []
    for cred in credentials:
        name = LEVELS[cred.level]
        if cred.status in ("suspended", "revoked"):
            reason = REASONS.get(cred.reason_code or "", "no reason code")
            blockers.append(f"{name} {cred.status} ({reason}): {cred.reason}")
        elif cred.status == "expired":
            blockers.append(f"{name} expired on {cred.renews_on.isoformat()}; renew it")
        elif renewal_due(cred, today):
            days = (cred.renews_on - today).days
            blockers.append(f"{name} renewal due {cred.renews_on.isoformat()} (in {_days(days)})")
    return blockers


def credential_prerequisites(
    level: str,
    operator: Operator,
    packs: Sequence[PackFact],
    credentials: Mapping[str, CredentialState],
    recorded: Mapping[str, RecordedItem],
) -> tuple[Requirement, ...]:
    """List the prerequisites of one credential level for an operator, each met or not.

    Certified Operator needs a passed capstone-lab pack on any track, because every track
    contains the recovery-operator evidence. Implementation Specialist needs an active
    Certified Operator credential and a passed implementation-specialist capstone.
    Recovery Lead needs an active Certified Operator credential, because the program
    describes it as a credential for senior operators, and the four recorded requirements.
    A passed supervised-pilot pack listing the operator counts as the supervised delivery.
    """
    if level == "operator":
        capstones = capstones_for(operator, packs, "recovery-operator")
        return (_passed_pack_requirement("Passed capstone lab", capstones),)

    operator_credential = _active_credential_requirement(credentials.get("operator"))
    if level == "implementation-specialist":
        implementation = capstones_for(operator, packs, "implementation-specialist")
        return (
            operator_credential,
            _passed_pack_requirement("Passed implementation-specialist capstone", implementation),
        )
    if level == "recovery-lead":
        pilot = accepted_pack(packs_for(operator, packs, SUPERVISED_PILOT))
        items = [operator_credential]
        for key, label in RECOVERY_LEAD_REQUIREMENTS.items():
            if key == "supervised-delivery" and pilot is not None and key not in recorded:
                items.append(Requirement(label, True, _pack_detail(pilot)))
            else:
                items.append(_recorded_requirement(label, recorded.get(key)))
        return tuple(items)
    raise ValueError(f"unknown credential level {level!r}; use one of {', '.join(LEVELS)}")


def accreditation_status(
    items: Mapping[str, RecordedItem],
    certified_names: Sequence[str],
    accepted_pilot: PackFact | None,
) -> Accreditation:
    """Compute an organisation's accreditation from its items, credentials and pilot.

    Delivery Partner: two certified individuals (an active credential each), signed partner
    terms, security review, insurance (recorded, or recorded as not required) and one
    accepted supervised engagement. Managed Resilience Partner: Delivery Partner plus an
    L1 support model, managed-customer authorization, reporting cadence and offboarding.
    """
    count = len(certified_names)
    individuals = Requirement(
        "Two certified individuals",
        count >= 2,
        f"{count} certified" + (f" ({', '.join(certified_names)})" if certified_names else ""),
    )
    pilot = Requirement(
        "Accepted supervised engagement",
        accepted_pilot is not None,
        _pack_detail(accepted_pilot) if accepted_pilot else "no supervised-pilot pack has passed",
    )
    delivery = [individuals]
    delivery += [
        _recorded_requirement(label, items.get(key)) for key, label in DELIVERY_ITEMS.items()
    ]
    delivery.append(pilot)
    delivery_met = all(r.met for r in delivery)

    managed = [
        Requirement(
            "Delivery Partner status",
            delivery_met,
            "held" if delivery_met else "Delivery Partner conditions are not all met",
        )
    ]
    managed += [
        _recorded_requirement(label, items.get(key)) for key, label in MANAGED_ITEMS.items()
    ]
    level = None
    if delivery_met:
        level = MANAGED_RESILIENCE_PARTNER if all(r.met for r in managed) else DELIVERY_PARTNER
    return Accreditation(level, tuple(delivery), tuple(managed))


def quality_summary(checks: Iterable[QualityCheck], today: date) -> QualitySummary:
    """Count failed quality checks in the last 365 days; two or more are repeated failures."""
    start = today - timedelta(days=QUALITY_WINDOW_DAYS)
    failures = [c for c in checks if c.result == "fail" and start <= c.checked_on <= today]
    flagged = len(failures) >= QUALITY_FAILURE_LIMIT
    if flagged:
        message = (
            f"{len(failures)} failed quality checks in the last {QUALITY_WINDOW_DAYS} days: "
            "repeated quality failures are grounds for suspension"
        )
    elif failures:
        message = f"1 failed quality check in the last {QUALITY_WINDOW_DAYS} days"
    else:
        message = "no failed quality checks in the last year"
    return QualitySummary(len(failures), flagged, message)


def directory_eligibility(
    membership: Membership | None,
    accreditation: Accreditation,
    accepted_pilot: PackFact | None,
    suspended_credentials: Sequence[str],
) -> Eligibility:
    """Decide whether an organisation may be listed in the partner directory.

    It must hold a cohort place, be accredited (Delivery Partner or higher), have its
    supervised pilot accepted, and have no suspension: neither the organisation nor any
    of its operators' credentials may be suspended or revoked.
    """
    reasons = []
    if membership is None or membership.status not in PLACE_HOLDING:
        status = membership.status if membership else "not in the cohort"
        reasons.append(f"organisation is {status}")
    elif membership.status == "suspended":
        reasons.append(f"organisation is suspended: {membership.reason}")
    if accepted_pilot is None:
        reasons.append("supervised pilot not yet accepted")
    if accreditation.level is None:
        missing = [r.label.lower() for r in accreditation.delivery if not r.met]
        reasons.append("not accredited as Delivery Partner (missing: " + ", ".join(missing) + ")")
    reasons += [f"{name} is suspended or revoked" for name in suspended_credentials]
    return Eligibility(not reasons, tuple(reasons))


def _passed_pack_requirement(label: str, packs: Sequence[PackFact]) -> Requirement:
    passed = accepted_pack(packs)
    if passed is not None:
        return Requirement(label, True, _pack_detail(passed))
    if packs:
        return Requirement(label, False, "submitted, but no pack has passed review yet")
    return Requirement(label, False, "no pack submitted yet")


def _active_credential_requirement(credential: CredentialState | None) -> Requirement:
    label = "Active Certified Operator credential"
    if credential is None:
        return Requirement(label, False, "not issued")
    detail = f"{credential.status}, renews {credential.renews_on.isoformat()}"
    return Requirement(label, credential.status == "active", detail)


def _recorded_requirement(label: str, item: RecordedItem | None) -> Requirement:
    if item is None or item.action == "withdraw":
        return Requirement(label, False, "not recorded" if item is None else "withdrawn")
    when = item.completed_on.isoformat()
    if item.action == "not-required":
        return Requirement(label, True, f"not required ({item.notes}), recorded {when}")
    return Requirement(label, True, f"{when}, evidence {item.evidence_ref}")


def _pack_detail(pack: PackFact | None) -> str:
    if pack is None:
        return "none"
    when = pack.decided_at.date().isoformat() if pack.decided_at else "an unknown date"
    return f"{pack.pack_id} passed on {when} ({pack.decided_by})"


def _days(days: int) -> str:
    if days == 0:
        return "less than a day"
    return "1 day" if days == 1 else f"{days} days"
