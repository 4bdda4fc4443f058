"""Cohort-lead actions, each appended as a new row with who, when and why.

Every action checks its rule against the state read inside its own write transaction.
NOTE: DuckDB reports a conflict only when two transactions write the same rows, so two
sessions admitting different organisations at the same moment could both pass the
five-place check.

`at` is the event time in UTC. It defaults to now, and the demo seeding passes earlier times.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

import duckdb

from cohort import queries, rules
from cohort.errors import CohortError, LimitReached
from cohort.models import CredentialState
from cohort.snapshot import load_snapshot, utc_now
from cohort.status import prerequisites
from store.db import write_with_retry

logger = logging.getLogger(__name__)

TRAINING_ACTIONS = ("complete", "reopen")
CREDENTIAL_ACTIONS = ("issue", "renew", "suspend", "revoke", "reinstate")
ITEM_ACTIONS = ("record", "not-required", "withdraw")
QUALITY_RESULTS = ("pass", "fail")


def require_actor(actor: str) -> str:
    """Return the stripped name of the person acting, or raise CohortError when it is empty."""
    if not actor or not actor.strip():
        raise CohortError("pick your name from the reviewer roster in the sidebar first")
    return actor.strip()


def record_training(
    con: duckdb.DuckDBPyConnection,
    operator_id: str,
    action: str,
    reason: str,
    actor: str,
    at: datetime | None = None,
) -> None:
    """Append a training step for an operator: 'complete' or 'reopen', with a reason."""
    actor = require_actor(actor)
    if action not in TRAINING_ACTIONS:
        raise CohortError(f"training action {action!r} is unknown; use complete or reopen")
    reason = _require_text(
        reason, "reason", "say which modules were completed, or why training reopens"
    )

    def work() -> None:
        _require_operator(con, operator_id)
        con.execute(
            queries.INSERT_STAGE, [operator_id, "train", action, reason, actor, at or utc_now()]
        )

    write_with_retry(con, work)
    logger.info("training %s recorded for operator %s by %s", action, operator_id, actor)


def issue_credential(
    con: duckdb.DuckDBPyConnection,
    operator_id: str,
    level: str,
    issued_on: date,
    note: str,
    actor: str,
    at: datetime | None = None,
) -> CredentialState:
    """Issue a credential once every prerequisite of its level is met.

    The renewal date is one year after the issue date (29 February renews on 28 February).
    Raises CohortError listing each unmet prerequisite, or when the credential is in force.
    """
    actor = require_actor(actor)
    _require_level(level)

    def work() -> CredentialState:
        snapshot = load_snapshot(con, at)
        _require_operator(con, operator_id)
        current = snapshot.credentials.get(operator_id, {}).get(level)
        if current is not None and current.status != "revoked":
            raise CohortError(
                f"{rules.LEVELS[level]} for {operator_id} is already {current.status}; "
                + ("reinstate it instead" if current.status == "suspended" else "renew it instead")
            )
        unmet = [r for r in prerequisites(snapshot, operator_id, level) if not r.met]
        if unmet:
            listed = "; ".join(f"{r.label} ({r.detail})" for r in unmet)
            raise CohortError(f"{rules.LEVELS[level]} cannot be issued yet: {listed}")
        renews_on = rules.add_years(issued_on)
        reason = note.strip() or "prerequisites met"
        return _insert_credential(
            con, operator_id, level, "issue", None, reason, issued_on, renews_on, actor, at
        )

    state = write_with_retry(con, work)
    logger.info("credential %s issued to %s by %s", level, operator_id, actor)
    return state


def renew_credential(
    con: duckdb.DuckDBPyConnection,
    operator_id: str,
    level: str,
    renewed_on: date,
    note: str,
    actor: str,
    at: datetime | None = None,
) -> CredentialState:
    """Renew an active or expired credential for another year.

    On time (on or before the renewal date) the anniversary is kept; late, the next year
    counts from the renewal day. Raises CohortError for a suspended or revoked credential.
    """
    actor = require_actor(actor)
    note = _require_text(
        note, "renewal note", "note the renewal evidence (e.g. quality checks passed)"
    )

    def work() -> CredentialState:
        current = _current_credential(con, operator_id, level, at)
        if current.status not in ("active", "expired"):
            raise CohortError(
                f"{rules.LEVELS[level]} for {operator_id} is {current.status}; "
                "only an active or expired credential can be renewed"
            )
        base = current.renews_on if renewed_on <= current.renews_on else renewed_on
        renews_on = rules.add_years(base)
        return _insert_credential(
            con, operator_id, level, "renew", None, note, current.issued_on, renews_on, actor, at
        )

    return write_with_retry(con, work)


def change_credential_standing(
    con: duckdb.DuckDBPyConnection,
    operator_id: str,
    level: str,
    action: str,
    reason_code: str | None,
    reason: str,
    actor: str,
    at: datetime | None = None,
) -> CredentialState:
    """Suspend, revoke or reinstate a credential, keeping its issue and renewal dates.

    Suspension and revocation need a reason code from rules.REASONS, and 'other' needs text
    as well. Reinstatement needs a written reason.
    """
    actor = require_actor(actor)
    allowed_from = {
        "suspend": ("active", "expired"),
        "revoke": ("active", "expired", "suspended"),
        "reinstate": ("suspended", "revoked"),
    }
    if action not in allowed_from:
        raise CohortError(f"action {action!r} is unknown; use suspend, revoke or reinstate")
    reason_code, reason = _check_reason(action, reason_code, reason)

    def work() -> CredentialState:
        current = _current_credential(con, operator_id, level, at)
        if current.status not in allowed_from[action]:
            raise CohortError(
                f"{rules.LEVELS[level]} for {operator_id} is {current.status} and cannot be "
                f"{'reinstated' if action == 'reinstate' else action + 'd'}"
            )
        return _insert_credential(
            con,
            operator_id,
            level,
            action,
            reason_code,
            reason,
            current.issued_on,
            current.renews_on,
            actor,
            at,
        )

    state = write_with_retry(con, work)
    logger.info(
        "credential %s of %s: %s by %s (%s)", level, operator_id, action, actor, reason_code
    )
    return state


def apply_credential_action(
    con: duckdb.DuckDBPyConnection,
    operator_id: str,
    level: str,
    action: str,
    on_date: date,
    reason_code: str | None,
    reason: str,
    actor: str,
) -> CredentialState:
    """Run one credential action chosen on the Credentials page.

    `on_date` is the issue date for 'issue' and the renewal day for 'renew'; the other
    actions ignore it. Raises CohortError as the action it runs does.
    """
    if action == "issue":
        return issue_credential(con, operator_id, level, on_date, reason, actor)
    if action == "renew":
        return renew_credential(con, operator_id, level, on_date, reason, actor)
    return change_credential_standing(con, operator_id, level, action, reason_code, reason, actor)


def record_requirement(
    con: duckdb.DuckDBPyConnection,
    operator_id: str,
    requirement: str,
    completed_on: date,
    evidence_ref: str,
    notes: str,
    actor: str,
    action: str = "record",
    at: datetime | None = None,
) -> None:
    """Append a Recovery Lead requirement (or its withdrawal) with its date and evidence."""
    actor = require_actor(actor)
    if requirement not in rules.RECOVERY_LEAD_REQUIREMENTS:
        known = ", ".join(rules.RECOVERY_LEAD_REQUIREMENTS)
        raise CohortError(f"requirement {requirement!r} is unknown; use one of {known}")
    if action not in ("record", "withdraw"):
        raise CohortError(f"action {action!r} is unknown; use record or withdraw")
    evidence_ref = _require_text(
        evidence_ref, "evidence reference", "give the file, ticket or pack id of the evidence"
    )
    row = [operator_id, requirement, action, completed_on, evidence_ref, notes.strip(), actor]

    def work() -> None:
        _require_operator(con, operator_id)
        con.execute(queries.INSERT_REQUIREMENT, [*row, at or utc_now()])

    write_with_retry(con, work)


def record_accreditation_item(
    con: duckdb.DuckDBPyConnection,
    partner_id: str,
    item: str,
    completed_on: date,
    evidence_ref: str,
    notes: str,
    actor: str,
    action: str = "record",
    at: datetime | None = None,
) -> None:
    """Append an accreditation item of an organisation with its date and evidence reference.

    'not-required' is accepted for insurance only and needs the reason in `notes`.
    """
    actor = require_actor(actor)
    known = {**rules.DELIVERY_ITEMS, **rules.MANAGED_ITEMS}
    if item not in known:
        raise CohortError(f"accreditation item {item!r} is unknown; use one of {', '.join(known)}")
    if action not in ITEM_ACTIONS:
        raise CohortError(f"action {action!r} is unknown; use one of {', '.join(ITEM_ACTIONS)}")
    if action == "not-required" and item != "insurance":
        raise CohortError(f"only insurance can be marked not required, not {known[item]}")
    if action == "not-required":
        _require_text(notes, "notes", "say why insurance is not needed for this organisation")
    evidence_ref = _require_text(
        evidence_ref, "evidence reference", "give the document or ticket id of the evidence"
    )
    row = [partner_id, item, action, completed_on, evidence_ref, notes.strip(), actor]

    def work() -> None:
        _require_org(con, partner_id)
        con.execute(queries.INSERT_ACCREDITATION, [*row, at or utc_now()])

    write_with_retry(con, work)


def record_quality_check(
    con: duckdb.DuckDBPyConnection,
    partner_id: str,
    checked_on: date,
    delivery_ref: str,
    result: str,
    notes: str,
    actor: str,
    at: datetime | None = None,
) -> None:
    """Append a quality check on one customer delivery of an organisation."""
    actor = require_actor(actor)
    if result not in QUALITY_RESULTS:
        raise CohortError(f"result {result!r} is unknown; use pass or fail")
    delivery_ref = _require_text(
        delivery_ref, "delivery", "name the customer delivery that was checked"
    )
    if result == "fail":
        notes = _require_text(notes, "notes", "describe what failed in the delivery")
    row = [partner_id, checked_on, delivery_ref, result, notes.strip(), actor]

    def work() -> None:
        _require_org(con, partner_id)
        con.execute(queries.INSERT_QUALITY_CHECK, [*row, at or utc_now()])

    write_with_retry(con, work)


def set_org_status(
    con: duckdb.DuckDBPyConnection,
    partner_id: str,
    status: str,
    reason_code: str | None,
    reason: str,
    actor: str,
    at: datetime | None = None,
) -> None:
    """Admit, waitlist, suspend or withdraw an organisation, with a reason.

    Admitting checks the five-organisation limit; suspending needs a program reason code.
    Raises LimitReached when admitting would exceed the founding-cohort limit.
    """
    actor = require_actor(actor)
    if status not in rules.ORG_STATUSES:
        raise CohortError(
            f"status {status!r} is unknown; use one of {', '.join(rules.ORG_STATUSES)}"
        )
    if status == "suspended":
        reason_code, reason = _check_reason("suspend", reason_code, reason)
    else:
        reason_code = None
        reason = _require_text(reason, "reason", f"say why the organisation is {status}")

    def work() -> None:
        _require_org(con, partner_id)
        snapshot = load_snapshot(con, at)
        current = snapshot.memberships.get(partner_id)
        holds_place = current is not None and current.status in rules.PLACE_HOLDING
        if status in rules.PLACE_HOLDING and not holds_place:
            holders = [row[0] for row in con.execute(queries.SELECT_PLACE_HOLDERS).fetchall()]
            message = rules.organisation_limit_message(holders)
            if message:
                raise LimitReached(message)
        con.execute(
            queries.INSERT_ORG_STATUS,
            [partner_id, status, reason_code, reason, actor, at or utc_now()],
        )

    write_with_retry(con, work)
    logger.info("organisation %s set to %s by %s", partner_id, status, actor)


def _insert_credential(
    con: duckdb.DuckDBPyConnection,
    operator_id: str,
    level: str,
    action: str,
    reason_code: str | None,
    reason: str,
    issued_on: date,
    renews_on: date,
    actor: str,
    at: datetime | None,
) -> CredentialState:
    moment = at or utc_now()
    con.execute(
        queries.INSERT_CREDENTIAL,
        [operator_id, level, action, reason_code, reason, issued_on, renews_on, actor, moment],
    )
    status = rules.credential_status(action, renews_on, moment.date())
    return CredentialState(
        operator_id, level, action, status, issued_on, renews_on, reason_code, reason, actor, moment
    )


def _current_credential(
    con: duckdb.DuckDBPyConnection, operator_id: str, level: str, at: datetime | None
) -> CredentialState:
    _require_level(level)
    current = load_snapshot(con, at).credentials.get(operator_id, {}).get(level)
    if current is None:
        raise CohortError(f"{rules.LEVELS[level]} has not been issued to {operator_id}")
    return current


def _check_reason(action: str, reason_code: str | None, reason: str) -> tuple[str | None, str]:
    text = reason.strip()
    if action == "reinstate":
        return None, _require_text(text, "reason", "say why the credential is reinstated")
    if reason_code not in rules.REASONS:
        raise CohortError(
            f"The reason is missing: pick one of {', '.join(rules.REASONS)} to {action}."
        )
    if reason_code == "other" and not text:
        raise CohortError(f"The reason text is missing: describe the 'other' reason to {action}.")
    return reason_code, text or rules.REASONS[reason_code]


def _require_text(value: str, field: str, hint: str) -> str:
    text = value.strip()
    if not text:
        raise CohortError(f"The {field} is missing: {hint}.")
    return text


def _require_level(level: str) -> None:
    if level not in rules.LEVELS:
        raise CohortError(
            f"credential level {level!r} is unknown; use one of {', '.join(rules.LEVELS)}"
        )


def _require_operator(con: duckdb.DuckDBPyConnection, operator_id: str) -> None:
    row = con.execute(queries.SELECT_OPERATOR_EXISTS, [operator_id]).fetchone()
    if row is None:
        raise CohortError(
            f"operator {operator_id} is not in the cohort; add them on the Intake page"
        )


def _require_org(con: duckdb.DuckDBPyConnection, partner_id: str) -> None:
    row = con.execute(queries.SELECT_ORG_EXISTS, [partner_id]).fetchone()
    if row is None:
        raise CohortError(
            f"organisation {partner_id} is not in the cohort; create it on the Intake page"
        )
