"""Self-service intake: validate an application and create the routing record.

The routing record is the organisation, its operators and a first membership row:
'admitted' while the founding cohort has a place, 'waitlisted' when a cohort lead records
an applicant beyond the limit.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cohort import queries, rules
from cohort.actions import require_actor
from cohort.errors import CohortError, DuplicateOrganisation, LimitReached
from cohort.snapshot import utc_now
from store.db import write_with_retry

logger = logging.getLogger(__name__)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
FIELD_LABELS = {
    "organisation": "Organisation name",
    "partner_id": "Partner id",
    "motion": "Motion",
    "target_customers": "Target customers",
    "pilot_context": "Pilot context",
    "operators": "Operators",
    "name": "name",
    "email": "email",
    "okta_iam_years": "years of Okta/IAM experience",
    "experience_notes": "Okta/IAM experience",
    "requested_track": "requested track",
    "operator_id": "operator id",
}

Track = Literal["recovery-operator", "implementation-specialist", "recovery-lead"]
Motion = Literal["referral", "delivery", "managed-service"]


class IntakeInvalid(CohortError):
    """The intake form has invalid fields; `problems` lists one message per field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The application is incomplete: " + "; ".join(problems))
        self.problems = problems


class OperatorApplication(BaseModel):
    """One operator named on an intake form."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=120)
    email: str = Field(max_length=254)
    okta_iam_years: int = Field(ge=0, le=50)
    experience_notes: str = Field(min_length=10, max_length=2000)
    requested_track: Track
    operator_id: str | None = Field(default=None, pattern=ID_PATTERN)

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str) -> str:
        if not EMAIL_PATTERN.match(value):
            raise ValueError(f"{value!r} is not an email address; write it as name@company.example")
        return value.lower()

    @field_validator("operator_id", mode="before")
    @classmethod
    def _blank_id_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class IntakeApplication(BaseModel):
    """The intake form: organisation, motion, customers, operators and pilot context."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    organisation: str = Field(min_length=2, max_length=120)
    partner_id: str | None = Field(default=None, pattern=ID_PATTERN)
    motion: Motion
    target_customers: str = Field(min_length=3, max_length=2000)
    pilot_context: str = Field(min_length=10, max_length=4000)
    operators: list[OperatorApplication] = Field(min_length=1)

    @field_validator("partner_id", mode="before")
    @classmethod
    def _blank_id_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _distinct_operators(self) -> IntakeApplication:
        emails = [op.email for op in self.operators]
        if len(set(emails)) != len(emails):
            raise ValueError("two operators have the same email; give each operator their own")
        return self


@dataclass(frozen=True)
class IntakeResult:
    """The routing record created: ids to use in manifests and the membership status."""

    partner_id: str
    operator_ids: tuple[str, ...]
    status: str
    message: str


def parse_application(data: dict[str, Any]) -> IntakeApplication:
    """Validate raw form values into an application.

    Raises IntakeInvalid with one plain message per invalid field.
    """
    try:
        return IntakeApplication.model_validate(data)
    except ValidationError as exc:
        raise IntakeInvalid(describe_errors(exc)) from None


def parse_operator(data: dict[str, Any]) -> OperatorApplication:
    """Validate one operator's form values; raises IntakeInvalid per invalid field."""
    try:
        return OperatorApplication.model_validate(data)
    except ValidationError as exc:
        raise IntakeInvalid(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> list[str]:
    """Turn pydantic errors into messages that name the form field, e.g. 'Operator 2 email'."""
    problems = []
    for error in exc.errors():
        location = [part for part in error["loc"] if part != "__root__"]
        label = _field_label(location)
        problems.append(f"{label}: {_plain_message(error)}" if label else _plain_message(error))
    return problems


def _plain_message(error: Any) -> str:
    """Reword pydantic's length and missing-value messages for the intake form."""
    context = error.get("ctx") or {}
    if error["type"] == "string_too_short":
        return f"write at least {context.get('min_length')} characters"
    if error["type"] == "string_too_long":
        return f"shorten it to at most {context.get('max_length')} characters"
    if error["type"] == "missing":
        return "required; fill it in"
    return str(error["msg"]).removeprefix("Value error, ")


def submit_intake(
    con: duckdb.DuckDBPyConnection,
    application: IntakeApplication,
    actor: str,
    waitlist: bool = False,
    at: datetime | None = None,
) -> IntakeResult:
    """Create the routing record of a new organisation and its operators.

    With `waitlist` (a cohort lead's choice) the organisation is recorded as waitlisted
    instead of taking a cohort place. Raises DuplicateOrganisation when the partner id or
    the normalised name is already in the cohort, and LimitReached naming the limit hit.
    """
    actor = require_actor(actor)
    name_key = rules.normalise_org_name(application.organisation)
    limit = rules.operator_limit_message(application.organisation, 0, len(application.operators))
    if limit:
        raise LimitReached(limit)

    def work() -> IntakeResult:
        _reject_duplicate(con, application.partner_id, name_key)
        holders = [row[0] for row in con.execute(queries.SELECT_PLACE_HOLDERS).fetchall()]
        full = rules.organisation_limit_message(holders)
        if full and not waitlist:
            raise LimitReached(full)
        partner_id = application.partner_id or _next_id(
            con, queries.SELECT_PARTNER_NUMBERS, "P-", 1
        )
        moment = at or utc_now()
        con.execute(
            queries.INSERT_ORG,
            [
                partner_id,
                application.organisation,
                name_key,
                application.motion,
                application.target_customers,
                application.pilot_context,
                actor,
                moment,
            ],
        )
        status, reason = _first_status(waitlist, full, holders, actor)
        con.execute(queries.INSERT_ORG_STATUS, [partner_id, status, None, reason, actor, moment])
        operator_ids = tuple(
            _insert_operator(con, partner_id, op, actor, moment) for op in application.operators
        )
        return IntakeResult(partner_id, operator_ids, status, reason)

    result = write_with_retry(con, work)
    logger.info(
        "intake created %s (%s) with %d operators",
        result.partner_id,
        result.status,
        len(result.operator_ids),
    )
    return result


def add_operator(
    con: duckdb.DuckDBPyConnection,
    partner_id: str,
    operator: OperatorApplication,
    actor: str,
    at: datetime | None = None,
) -> str:
    """Add an operator to an organisation already in the cohort and return the operator id.

    Raises LimitReached when the organisation already has two operators.
    """
    actor = require_actor(actor)

    def work() -> str:
        row = con.execute(queries.SELECT_ORG_BY_KEY, [partner_id, None]).fetchone()
        if row is None:
            raise CohortError(
                f"organisation {partner_id} is not in the cohort; submit the intake form first"
            )
        existing = con.execute(queries.SELECT_OPERATOR_COUNT, [partner_id]).fetchone()
        limit = rules.operator_limit_message(row[1], existing[0] if existing else 0, 1)
        if limit:
            raise LimitReached(limit)
        return _insert_operator(con, partner_id, operator, actor, at or utc_now())

    operator_id = write_with_retry(con, work)
    logger.info("operator %s added to %s", operator_id, partner_id)
    return operator_id


def _reject_duplicate(
    con: duckdb.DuckDBPyConnection, partner_id: str | None, name_key: str
) -> None:
    row = con.execute(queries.SELECT_ORG_BY_KEY, [partner_id, name_key]).fetchone()
    if row is not None:
        raise DuplicateOrganisation(
            f"{row[1]} is already in the cohort as {row[0]}, so it was not created again. "
            "Open it on the Accreditation or Credentials page, or add an operator to it below."
        )


def _first_status(
    waitlist: bool, full: str | None, holders: list[str], actor: str
) -> tuple[str, str]:
    if waitlist:
        cause = "founding cohort full" if full else "waitlisted by the cohort lead"
        return "waitlisted", f"{cause}; recorded on the waitlist by {actor}"
    place = len(holders) + 1
    return (
        "admitted",
        f"intake submitted; founding-cohort place {place} of {rules.MAX_ORGANISATIONS}",
    )


def _insert_operator(
    con: duckdb.DuckDBPyConnection,
    partner_id: str,
    operator: OperatorApplication,
    actor: str,
    moment: datetime,
) -> str:
    operator_id = operator.operator_id or _next_id(con, queries.SELECT_OPERATOR_NUMBERS, "OP-", 101)
    clash = con.execute(queries.SELECT_OPERATOR_CLASH, [operator_id, operator.email]).fetchone()
    if clash is not None:
        field = "operator id" if clash[0] == operator_id else "email"
        value = operator_id if field == "operator id" else operator.email
        raise CohortError(f"{field} {value} is already used by operator {clash[0]}; use another")
    con.execute(
        queries.INSERT_OPERATOR,
        [
            operator_id,
            partner_id,
            operator.name,
            operator.email,
            operator.okta_iam_years,
            operator.experience_notes,
            operator.requested_track,
            actor,
            moment,
        ],
    )
    return operator_id


def _next_id(con: duckdb.DuckDBPyConnection, sql: str, prefix: str, first: int) -> str:
    numbers = [first - 1]
    for (value,) in con.execute(sql).fetchall():
        match = re.fullmatch(re.escape(prefix) + r"(\d+)", value or "")
        if match:
            numbers.append(int(match.group(1)))
    return f"{prefix}{max(numbers) + 1:03d}"


def _field_label(location: list[Any]) -> str:
    if len(location) >= 2 and location[0] == "operators" and isinstance(location[1], int):
        rest = " ".join(FIELD_LABELS.get(str(p), str(p)) for p in location[2:])
        return f"Operator {location[1] + 1} {rest}".strip()
    return " ".join(FIELD_LABELS.get(str(p), str(p)) for p in location)
