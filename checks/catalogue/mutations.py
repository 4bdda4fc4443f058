"""Mutations and approvals: admin-role changes, destructive changes and restores need approval."""

from __future__ import annotations

from collections.abc import Iterator

from checks.catalogue.common import Record, event_field, json_records, utc
from checks.findings import Finding
from checks.registry import Check, PackContext, register
from ingest.manifest import Approval
from ingest.times import try_parse_timestamp

# Okta System Log event types, as RE2 patterns. Admin-role changes: privilege grants and
# revokes for users, groups and OAuth clients, and IAM role and resource-set changes.
ADMIN_ROLE_EVENTS = (
    r"^(user\.account|group|app\.oauth2\.client)\.privilege\.(grant|revoke)$"
    r"|^iam\.(role|resourceset)\."
)
# Destructive changes: any delete or deactivate step (user, group, app, policy, rule, zone,
# factor lifecycle events) and removals of a user from a group or app.
DESTRUCTIVE_EVENTS = r"(^|\.)(delete|deactivate)(\.|$)|\.user_membership\.remove$"
MAX_LISTED_EVENTS = 20

# Every successful mutating event with no approval that covers its action and precedes it.
# `first_cover` is the earliest approval covering the action at all, to explain a late one.
SELECT_UNAPPROVED_EVENTS = f"""
    WITH mutations AS (
        SELECT artifact_path, event_index, uuid, event_type, published, published_raw,
               CASE WHEN regexp_matches(event_type, '{ADMIN_ROLE_EVENTS}')
                    THEN 'admin-role-change' ELSE 'destructive-change' END AS action
        FROM log_events
        WHERE pack_id = ? AND event_type IS NOT NULL
          AND (regexp_matches(event_type, '{ADMIN_ROLE_EVENTS}')
               OR regexp_matches(event_type, '{DESTRUCTIVE_EVENTS}'))
          AND coalesce(upper(outcome_result), '') NOT IN ('FAILURE', 'DENY')
    ),
    unapproved AS (
        SELECT m.*,
               (SELECT arg_min(a.approval_id, a.approved_at) FROM approvals a
                WHERE a.pack_id = ? AND list_contains(a.covers, m.action)) AS first_cover,
               (SELECT min(a.approved_at) FROM approvals a
                WHERE a.pack_id = ? AND list_contains(a.covers, m.action)) AS first_cover_at,
               row_number() OVER (PARTITION BY m.artifact_path, m.action
                                  ORDER BY m.event_index, m.published, m.uuid) AS n,
               count(*) OVER (PARTITION BY m.artifact_path, m.action) AS total
        FROM mutations m
        WHERE NOT EXISTS (
            SELECT 1 FROM approvals a
            WHERE a.pack_id = ? AND list_contains(a.covers, m.action)
              AND a.approved_at IS NOT NULL AND m.published IS NOT NULL
              AND a.approved_at <= m.published
        )
    )
    SELECT artifact_path, event_index, uuid, event_type, published, published_raw, action,
           first_cover, first_cover_at, total
    FROM unapproved WHERE n <= {MAX_LISTED_EVENTS}
    ORDER BY artifact_path, action, event_index, published, uuid
"""


@register(
    "mutations.log",
    "Logged changes were approved",
    "Each admin-role change (privilege grant or revoke, role assignment) and destructive change "
    "(delete or deactivate of users, groups, apps, policies, zones; membership removals) in the "
    "System Log follows an approval whose covers include that action; otherwise critical "
    "failure 2.",
    category="Safety",
    severity="critical",
    critical_failure=2,
    group="Mutations and approvals",
)
def logged_changes(ctx: PackContext, check: Check) -> Iterator[Finding]:
    params = [ctx.pack_id] * 4
    for row in ctx.rows(SELECT_UNAPPROVED_EVENTS, params):
        path, index, uuid, event_type, published, raw, action, cover, cover_at, total = row
        when = utc(published) if published else f"an unreadable time ({raw!r})"
        if cover is None:
            reason = f"no approval in the manifest covers {action}"
        elif published is None:
            reason = f"its time cannot be compared with approval {cover}"
        else:
            reason = (
                f"the first approval covering {action}, {cover}, was given later ({utc(cover_at)})"
            )
        more = f" ({total} such events in this file; the first {MAX_LISTED_EVENTS} are listed)"
        yield check.finding(
            f"{event_type} event {uuid} at {when} in {path} needs an approval covering "
            f"{action}, but {reason}" + (more if int(total) > MAX_LISTED_EVENTS else "") + ".",
            str(path),
            event_field(index, uuid),
            expected=f"an approval covering {action} dated before the event",
            found=str(cover) if cover else "none",
        )


@register(
    "mutations.restore",
    "Restores were approved first",
    "Each restore execution cites an approval in the manifest that covers restore-execution "
    "and was approved before the restore started; otherwise critical failure 2.",
    category="Safety",
    severity="critical",
    critical_failure=2,
    group="Mutations and approvals",
)
def restore_approvals(ctx: PackContext, check: Check) -> Iterator[Finding]:
    approvals = {a.approval_id: a for a in ctx.manifest.approvals}
    for record in json_records(ctx, ("restore-execution",)):
        yield from _restore_finding(record, approvals, check)


def _cited_approval(record: Record) -> tuple[str | None, str]:
    cited = record.text("approval_id")
    if cited:
        return cited, "approval_id"
    for position, reference in enumerate(record.references):
        kind, _, ident = reference.partition(":")
        if kind == "approval" and ident.strip():
            return ident.strip(), f"references[{position}]"
    return None, "approval_id"


def _restore_finding(
    record: Record, approvals: dict[str, Approval], check: Check
) -> Iterator[Finding]:
    restore = record.object_id or record.path
    cited, field = _cited_approval(record)
    started = record.time("started_at") or record.time("completed_at")
    start = started.utc if started else record.captured_at
    if cited is None:
        problem, found = "cites no approval (approval_id is missing)", "none"
    elif cited not in approvals:
        problem, found = f"cites approval {cited}, which is not in the manifest approvals", cited
    else:
        approval = approvals[cited]
        approved = try_parse_timestamp(approval.approved_at)
        # NOTE: a restore that deletes objects needs no 'destructive-change' cover here.
        if "restore-execution" not in approval.covers:
            problem = (
                f"cites approval {cited}, which covers {', '.join(approval.covers)} but not "
                "restore-execution"
            )
        elif approved is None or start is None:
            problem = f"cites approval {cited}, but the two times cannot be compared"
        elif approved.utc > start:
            problem = (
                f"started at {utc(start)}, before approval {cited} was given ({utc(approved.utc)})"
            )
        else:
            return
        found = f"{cited} approved_at {approval.approved_at}"
    yield check.finding(
        f"Restore {restore} ({record.path}) {problem}: a restore executed without written "
        "approval.",
        record.path,
        field,
        expected="an approval covering restore-execution, dated before the restore started",
        found=found,
    )
