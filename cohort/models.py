"""Records read from the database, and the results the rules derive from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Organisation:
    """A partner organisation's routing record, as written by the intake."""

    partner_id: str
    name: str
    motion: str
    target_customers: str
    pilot_context: str
    recorded_by: str
    created_at: datetime


@dataclass(frozen=True)
class Operator:
    """An operator named at intake, with the track requested for them."""

    operator_id: str
    partner_id: str
    name: str
    email: str
    okta_iam_years: int
    experience_notes: str
    requested_track: str
    recorded_by: str
    created_at: datetime


@dataclass(frozen=True)
class Membership:
    """The latest cohort status of an organisation and who set it, when and why."""

    status: str
    reason_code: str | None
    reason: str
    recorded_by: str
    at: datetime


@dataclass(frozen=True)
class StageEvent:
    """The latest hand-recorded step for one operator and stage."""

    operator_id: str
    stage: str
    action: str
    reason: str
    recorded_by: str
    at: datetime


@dataclass(frozen=True)
class PackFact:
    """An evidence pack's partner, track, kind and operators, with its latest decision."""

    pack_id: str
    partner_id: str
    track: str
    engagement_kind: str
    operator_ids: tuple[str, ...]
    received_at: datetime
    superseded: bool
    decision: str | None
    decided_at: datetime | None
    decided_by: str | None
    rationale: str | None
    missing_evidence: bool

    @property
    def accepted(self) -> bool:
        """True when the latest decision on the pack is a pass."""
        return self.decision == "pass"


@dataclass(frozen=True)
class CredentialState:
    """The latest event of one operator's credential at one level, with its derived status.

    status is 'active', 'expired' (renewal date passed), 'suspended' or 'revoked'.
    """

    operator_id: str
    level: str
    action: str
    status: str
    issued_on: date
    renews_on: date
    reason_code: str | None
    reason: str
    recorded_by: str
    at: datetime


@dataclass(frozen=True)
class RecordedItem:
    """The latest record of a dated requirement or accreditation item with its evidence."""

    key: str
    action: str
    completed_on: date
    evidence_ref: str
    notes: str
    recorded_by: str
    at: datetime


@dataclass(frozen=True)
class QualityCheck:
    """One quality check on a customer delivery."""

    partner_id: str
    checked_on: date
    delivery_ref: str
    result: str
    notes: str
    recorded_by: str
    at: datetime


@dataclass(frozen=True)
class Requirement:
    """One condition of a stage, credential or accreditation: met or not, and why."""

    label: str
    met: bool
    detail: str


@dataclass(frozen=True)
class StageStep:
    """One stage of an operator's path: complete or not, with who, when and why."""

    stage: str
    complete: bool
    explanation: str
    at: datetime | None = None
    by: str | None = None
    derived: bool = False


@dataclass(frozen=True)
class Accreditation:
    """An organisation's accreditation level and the condition list behind each level."""

    level: str | None
    delivery: tuple[Requirement, ...]
    managed: tuple[Requirement, ...]

    def missing(self) -> list[str]:
        """List what is still missing for the next level, as short sentences."""
        pending = self.delivery if self.level is None else self.managed
        return [f"{r.label}: {r.detail}" for r in pending if not r.met]


@dataclass(frozen=True)
class Eligibility:
    """Whether an organisation may be listed in the partner directory, and why not."""

    eligible: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class QualitySummary:
    """Failed quality checks inside the review window, and whether they are repeated."""

    failures_in_window: int
    flagged: bool
    message: str
