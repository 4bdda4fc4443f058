"""Derived status of each operator and organisation, with the reasons behind it."""

from __future__ import annotations

from dataclasses import dataclass

from cohort import rules
from cohort.models import (
    Accreditation,
    CredentialState,
    Eligibility,
    Membership,
    Operator,
    Organisation,
    PackFact,
    QualitySummary,
    Requirement,
    StageStep,
)
from cohort.snapshot import CohortSnapshot


@dataclass(frozen=True)
class OperatorStatus:
    """One operator's stages, credentials and what blocks progress now."""

    operator: Operator
    org_name: str
    steps: tuple[StageStep, ...]
    stage: str
    credentials: tuple[CredentialState, ...]
    blockers: tuple[str, ...]

    def active_levels(self) -> list[str]:
        """List the display names of the operator's active credentials."""
        return [rules.LEVELS[c.level] for c in self.credentials if c.status == "active"]


@dataclass(frozen=True)
class OrgStatus:
    """One organisation's membership, accreditation, pilot, quality and listing status."""

    organisation: Organisation
    membership: Membership | None
    accreditation: Accreditation
    accepted_pilot: PackFact | None
    quality: QualitySummary
    eligibility: Eligibility
    operators: tuple[OperatorStatus, ...]
    blockers: tuple[str, ...]


def operator_status(snapshot: CohortSnapshot, operator_id: str) -> OperatorStatus:
    """Derive the stage, credentials and blockers of one operator.

    Raises KeyError when the operator is not in the cohort.
    """
    operator = snapshot.operators[operator_id]
    membership = snapshot.memberships.get(operator.partner_id)
    steps = rules.derive_steps(
        operator, membership, snapshot.train_events.get(operator_id), snapshot.packs
    )
    credentials = tuple(snapshot.credentials.get(operator_id, {}).values())
    blockers = rules.stage_blockers(operator, steps, snapshot.packs, snapshot.now)
    blockers += _missing_credential(snapshot, operator, steps)
    blockers += rules.credential_blockers(credentials, snapshot.today)
    org = snapshot.orgs[operator.partner_id]
    stage = rules.current_stage(steps)
    return OperatorStatus(operator, org.name, steps, stage, credentials, tuple(blockers))


def prerequisites(
    snapshot: CohortSnapshot, operator_id: str, level: str
) -> tuple[Requirement, ...]:
    """List the prerequisites of a credential level for one operator, each met or not."""
    operator = snapshot.operators[operator_id]
    return rules.credential_prerequisites(
        level,
        operator,
        snapshot.packs,
        snapshot.credentials.get(operator_id, {}),
        snapshot.requirements.get(operator_id, {}),
    )


def org_status(snapshot: CohortSnapshot, partner_id: str) -> OrgStatus:
    """Derive accreditation, pilot, quality, directory eligibility and blockers of one org.

    Raises KeyError when the organisation is not in the cohort.
    """
    org = snapshot.orgs[partner_id]
    membership = snapshot.memberships.get(partner_id)
    operators = tuple(
        operator_status(snapshot, op.operator_id) for op in snapshot.operators_of(partner_id)
    )
    pilots = [
        p
        for p in snapshot.packs
        if p.partner_id == partner_id and p.engagement_kind == rules.SUPERVISED_PILOT
    ]
    # An accepted supervised engagement is a supervised-pilot pack whose latest decision
    # is a pass. A later fail or resubmission request on the same pack withdraws it.
    pilot = rules.accepted_pack(pilots)
    certified = [s.operator.name for s in operators if s.active_levels()]
    accreditation = rules.accreditation_status(snapshot.items.get(partner_id, {}), certified, pilot)
    quality = rules.quality_summary(snapshot.quality_checks.get(partner_id, []), snapshot.today)
    suspended = [
        f"{s.operator.name}'s {rules.LEVELS[c.level]} credential"
        for s in operators
        for c in s.credentials
        if c.status in ("suspended", "revoked")
    ]
    eligibility = rules.directory_eligibility(membership, accreditation, pilot, suspended)
    blockers = _org_blockers(membership, accreditation, pilot, pilots, quality, snapshot)
    return OrgStatus(
        org, membership, accreditation, pilot, quality, eligibility, operators, blockers
    )


def cohort_status(snapshot: CohortSnapshot) -> list[OrgStatus]:
    """Derive the status of every organisation in the cohort, by partner_id."""
    return [org_status(snapshot, partner_id) for partner_id in sorted(snapshot.orgs)]


def _missing_credential(
    snapshot: CohortSnapshot, operator: Operator, steps: tuple[StageStep, ...]
) -> list[str]:
    prove = next(s for s in steps if s.stage == "prove")
    if not prove.complete or "operator" in snapshot.credentials.get(operator.operator_id, {}):
        return []
    return ["Certified Operator credential not issued yet, though its prerequisites are met"]


def _org_blockers(
    membership: Membership | None,
    accreditation: Accreditation,
    pilot: PackFact | None,
    pilots: list[PackFact],
    quality: QualitySummary,
    snapshot: CohortSnapshot,
) -> tuple[str, ...]:
    blockers = []
    if membership is not None and membership.status != "admitted":
        blockers.append(f"organisation {membership.status}: {membership.reason}")
    if pilot is None:
        blockers.append("pilot not yet accepted")
        blockers += [b for b in rules.pack_blockers(pilots, "supervised-pilot pack", snapshot.now)]
    if accreditation.level is None:
        # The pilot is already named above, so it is left out of the missing list.
        missing = [
            r.label.lower() if r.detail == "not recorded" else f"{r.label.lower()} ({r.detail})"
            for r in accreditation.delivery
            if not r.met and r.label != "Accepted supervised engagement"
        ]
        if missing:
            blockers.append("Delivery Partner still missing: " + ", ".join(missing))
    if quality.flagged:
        blockers.append(quality.message)
    return tuple(blockers)
