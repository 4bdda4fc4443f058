"""Pydantic models of the decision report; docs/report.schema.json is generated from them.

Decimals serialise as strings ("86.00") so totals stay exact, and times as ISO 8601 in UTC.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

REPORT_FORMAT: Final = "butterfly-decision-report/1"

Audience = Literal["internal", "partner"]
StatusState = Literal["current", "stale", "superseded", "not decided"]
CallAction = Literal["confirm", "dismiss", "raise"]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_serialization_defaults_required=True
    )


class DecisionStatus(_Model):
    """Whether the latest decision on a pack is still valid, and the reason."""

    state: StatusState = Field(
        description="current: the decision is valid; stale: the reviewed bytes changed; "
        "superseded: a resubmission replaces the pack; not decided: no decision yet"
    )
    reason: str = Field(description="One or more sentences that say why the state applies")
    superseded_by: list[str] = Field(
        default_factory=list, description="pack_id of every stored pack that supersedes this one"
    )
    mismatched_artifacts: list[str] = Field(
        default_factory=list,
        description="Paths whose stored bytes are missing or no longer hash to sha256_actual",
    )
    decided_content_digest: str | None = Field(
        default=None, description="Content digest the decision recorded"
    )
    pack_content_digest: str = Field(description="Content digest of the pack as stored")
    warnings: list[str] = Field(
        default_factory=list,
        description="Things that do not change the state but a reader should know",
    )
    checked_at: datetime


class Operator(_Model):
    """An operator named in the manifest."""

    operator_id: str
    name: str
    email: str


class PackSummary(_Model):
    """The pack's partner, operators, track, tenant and submission time."""

    pack_id: str
    supersedes: str | None
    partner_id: str
    partner_name: str
    track: str
    operators: list[Operator]
    tenant_org_url: str
    environment: str
    engagement_kind: str
    scope: str | None
    access_window_start: datetime | None
    access_window_end: datetime | None
    submitted_at: datetime | None
    submitted_at_raw: str
    received_at: datetime


class DecisionRecord(_Model):
    """The latest recorded decision and what it was made on."""

    decision: str
    rationale: str
    total: Decimal | None = Field(description="Weighted total recorded with the decision")
    rubric_version: str
    content_digest: str = Field(description="Content digest of the bytes the decision covers")
    decided_by: str | None = Field(description="Reviewer who recorded it; null when partner-facing")
    reviewers: list[str] = Field(
        description="Everyone who scored, called or decided; empty when partner-facing"
    )
    decided_at: datetime


class CategoryScore(_Model):
    """One rubric category: score x weight / 100 = weighted points."""

    category: str
    score: Decimal | None
    weight: int = Field(description="Weight in percent")
    points: Decimal | None = Field(description="score x weight / 100, unrounded")
    comment: str
    reviewer: str | None = Field(description="null when partner-facing")
    scored_at: datetime | None


class Scoring(_Model):
    """The rubric scores the decision was made on, the total and the pass rule."""

    categories: list[CategoryScore]
    total: Decimal | None = Field(description="Sum of the weighted points; null while unscored")
    total_display: str | None = Field(description="Total rounded half up to two decimals")
    arithmetic: str | None
    pass_threshold: Decimal
    pass_rule: str
    meets_pass_rule: bool | None = Field(description="null while a category is unscored")
    pass_rule_reasons: list[str] = Field(description="Every reason the pass rule is not met")


class Suggestion(_Model):
    """A finding of an automatic check that suggests a critical failure."""

    check: str
    artifact: str | None
    field: str | None
    message: str


class CriticalFailureCall(_Model):
    """One automatic critical failure: the checks' suggestions and the reviewer's call."""

    number: int = Field(ge=1, le=4)
    title: str
    suggestions: list[Suggestion]
    call: CallAction | None = Field(description="Latest call; null while no reviewer has made one")
    confirmed: bool
    reason: str | None = Field(
        description="Reason for the call; null for a dismissal when partner-facing"
    )
    reviewer: str | None = Field(description="null when partner-facing")
    called_at: datetime | None


class FindingLine(_Model):
    """One finding of the latest check run."""

    check: str
    severity: str
    category: str
    artifact: str | None
    field: str | None
    message: str
    expected: str | None
    found: str | None
    critical_failure: int | None


class FindingGroup(_Model):
    """The findings of one severity, most severe group first."""

    severity: str
    findings: list[FindingLine]


class EvidenceItem(_Model):
    """One file of the pack: listed in the manifest, present, or both."""

    path: str
    kind: str | None
    listed: bool
    present: bool
    captured_at: datetime | None
    captured_at_raw: str | None
    description: str | None
    size_bytes: int | None
    sha256_declared: str | None = Field(description="SHA-256 the manifest lists")
    sha256_actual: str | None = Field(description="SHA-256 of the bytes received")


class FileHash(_Model):
    """Path and SHA-256 of one file that was received, manifest.json included."""

    path: str
    sha256: str


class EvidenceInventory(_Model):
    """Every file of the pack with its hashes, and the content digest over them."""

    items: list[EvidenceItem]
    files: list[FileHash] = Field(description="Every file received, sorted by path")
    manifest_sha256: str
    content_digest: str = Field(
        description="SHA-256 over the UTF-8 lines 'path NUL sha256 LF' of `files`, sorted by path"
    )


class TimelineEntry(_Model):
    """One event or span on the pack's timeline, in UTC."""

    label: str
    category: str
    start: datetime
    end: datetime
    artifact: str | None


class HistoryEntry(_Model):
    """One reviewer action from the append-only history, newest first."""

    at: datetime
    reviewer: str
    kind: str
    subject: str | None
    value: str | None
    note: str | None


class DecisionReport(_Model):
    """Everything a decision report contains; the PDF and CSV are rendered from it."""

    report_format: Literal["butterfly-decision-report/1"] = REPORT_FORMAT
    report_digest: str = Field(
        default="",
        description="SHA-256 of the canonical JSON of this object without report_digest: "
        "keys sorted, separators ',' and ':', UTF-8, no ASCII escaping",
    )
    audience: Audience
    generated_at: datetime
    rubric_version: str = Field(description="Rubric version of the software that built the report")
    status: DecisionStatus
    pack: PackSummary
    decision: DecisionRecord | None = Field(description="null when the pack is not decided")
    scoring: Scoring
    critical_failures: list[CriticalFailureCall]
    findings: list[FindingGroup]
    evidence: EvidenceInventory
    timeline: list[TimelineEntry]
    history: list[HistoryEntry] | None = Field(description="null when partner-facing")
