"""Pydantic models of manifest.json (evidence pack format v1), with the spec's field names."""

from __future__ import annotations

import difflib
import json
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from checks.findings import Finding
from ingest.times import parse_timestamp

Track = Literal["recovery-operator", "implementation-specialist", "recovery-lead"]
EngagementKind = Literal["capstone-lab", "supervised-pilot"]
ApprovalAction = Literal[
    "restore-execution", "admin-role-change", "destructive-change", "production-access"
]
ArtifactKind = Literal[
    "backup-record",
    "compare-report",
    "restore-preview",
    "restore-execution",
    "okta-system-log",
    "okta-api-response",
    "scim-exchange",
    "saml-response",
    "saml-metadata",
    "oidc-discovery",
    "id-token-claims",
    "screenshot",
    "readiness-notes",
    "handoff-summary",
    "change-control-plan",
    "approval",
    "drill-report",
    "other",
    "workflows-inventory",
]
REFERENCE_TYPES = (
    "backup",
    "restore_preview",
    "compare",
    "approval",
    "log",
    "transaction",
    "request",
)
MANIFEST_NAME = "manifest.json"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_timestamp(value: str) -> str:
    parse_timestamp(value)
    return value


class Partner(_Strict):
    partner_id: str = Field(min_length=1)
    name: str = Field(min_length=1)


class Operator(_Strict):
    operator_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Tenant(_Strict):
    org_url: str = Field(pattern=r"^https://[A-Za-z0-9.-]+/?$")
    environment: str = Field(min_length=1)


class AccessWindow(_Strict):
    start: str
    end: str

    _times = field_validator("start", "end")(_check_timestamp)


class Engagement(_Strict):
    kind: EngagementKind
    scope: str = ""
    access_window: AccessWindow


class Approval(_Strict):
    approval_id: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    approved_at: str
    covers: list[ApprovalAction] = Field(min_length=1)
    artifact: str | None = None

    _time = field_validator("approved_at")(_check_timestamp)


class ArtifactEntry(_Strict):
    path: str = Field(min_length=1)
    kind: ArtifactKind
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")
    captured_at: str
    description: str = ""
    references: list[str] = Field(default_factory=list)

    _time = field_validator("captured_at")(_check_timestamp)

    @field_validator("references")
    @classmethod
    def _typed_references(cls, values: list[str]) -> list[str]:
        for value in values:
            kind, sep, ident = value.partition(":")
            if not sep or kind not in REFERENCE_TYPES or not ident.strip():
                raise ValueError(
                    f"reference {value!r} is not written type:id with a type from "
                    + ", ".join(REFERENCE_TYPES)
                )
        return values


class Manifest(_Strict):
    spec_version: Literal["1.0"]
    pack_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    supersedes: str | None = None
    partner: Partner
    track: Track
    operators: list[Operator] = Field(min_length=1, max_length=2)
    tenant: Tenant
    engagement: Engagement
    submitted_at: str
    approvals: list[Approval] = Field(default_factory=list)
    artifacts: list[ArtifactEntry] = Field(min_length=1)

    _time = field_validator("submitted_at")(_check_timestamp)


class ManifestInvalid(Exception):
    """manifest.json could not be read or does not follow the format; carries every finding."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f.message for f in findings))
        self.findings = findings


def parse_manifest(raw: bytes) -> Manifest:
    """Decode and validate manifest.json bytes (UTF-8, with or without a BOM, any line endings).

    Raises ManifestInvalid with one finding per problem, collected rather than stopping at
    the first.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestInvalid(
            [_manifest_finding(None, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8")]
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = (
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; "
            "fix the syntax there"
        )
        raise ManifestInvalid([_manifest_finding(f"line {exc.lineno}", message)]) from None
    except RecursionError:
        message = "is nested too deeply to read; the manifest fields must sit at its top"
        raise ManifestInvalid([_manifest_finding(None, message)]) from None
    except ValueError as exc:
        # Python rejects integers of more than 4300 digits (sys.int_info.default_max_str_digits).
        detail = str(exc).split(":")[0]
        message = f"contains a number that cannot be read ({detail}); write it as a string"
        raise ManifestInvalid([_manifest_finding(None, message)]) from None
    if not isinstance(data, dict):
        raise ManifestInvalid(
            [_manifest_finding(None, "must be a JSON object with the manifest fields at its top")]
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise ManifestInvalid(
            [_finding_from_error(error, data) for error in exc.errors(include_url=False)]
        ) from None


def _manifest_finding(field: str | None, message: str) -> Finding:
    return Finding(
        check="manifest.valid",
        severity="critical",
        category="Evidence",
        artifact=MANIFEST_NAME,
        field=field,
        message=f"{MANIFEST_NAME} {message}",
    )


def _finding_from_error(error: Any, data: dict[str, Any]) -> Finding:
    loc = tuple(error["loc"])
    field, artifact_path = _dotted(loc, data)
    where = f" (artifact {artifact_path})" if artifact_path else ""
    value = error.get("input")
    kind = error["type"]
    if kind == "missing":
        fix = f"add the field '{loc[-1]}'"
        message = f"field {field}{where} is missing; {fix}"
    elif kind == "extra_forbidden":
        message = f"field {field}{where} is not part of format v1; remove it or check its spelling"
    elif kind == "literal_error":
        allowed = _literal_choices(error)
        nearest = difflib.get_close_matches(str(value), allowed, n=1)
        hint = f"did you mean {nearest[0]!r}? " if nearest else ""
        message = (
            f"field {field}{where} has value {_short(value)}, which is not allowed; "
            f"{hint}use one of: {', '.join(allowed)}"
        )
    else:
        message = (
            f"field {field}{where} has value {_short(value)}: {error['msg']}; correct the value"
        )
    return _manifest_finding(field, message)


def _dotted(loc: tuple[Any, ...], data: dict[str, Any]) -> tuple[str, str | None]:
    """Join a pydantic location into a dotted path; also return the artifact path it is under."""
    parts: list[str] = []
    node: Any = data
    artifact_path: str | None = None
    for item in loc:
        if isinstance(item, int):
            if isinstance(node, list) and item < len(node):
                node = node[item]
                if parts and parts[-1] == "artifacts" and isinstance(node, dict):
                    path = node.get("path")
                    artifact_path = path if isinstance(path, str) else None
            else:
                node = None
            label = f"[{item}]"
            parts[-1:] = [parts[-1] + label] if parts else [label]
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts), artifact_path


def _literal_choices(error: Any) -> list[str]:
    expected = (error.get("ctx") or {}).get("expected", "")
    return [part.strip(" '") for part in expected.replace(" or ", ",").split(",") if part.strip()]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


ARTIFACT_KINDS: tuple[str, ...] = get_args(ArtifactKind)
TRACKS: tuple[str, ...] = get_args(Track)
