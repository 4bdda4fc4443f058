"""Customer data and secrets: real-looking personal data and credentials in the evidence."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from checks.catalogue.common import (
    mask_email,
    mask_name,
    mask_phone,
    mask_secret,
    plural,
    tenant_host,
)
from checks.catalogue.tenant import PACK_TEXTS, pack_text_params
from checks.findings import Finding
from checks.registry import Check, PackContext, register

# More distinct real-looking addresses and phone numbers than this in one pack suggests the
# lab used production data: a lab org has a handful of test users, a customer org hundreds.
PERSONAL_DATA_LIMIT = 5
MAX_SHOWN = 5

EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
# Domains are compared in SQL: an address is kept unless its domain is one of the allowed
# domains or a sub-domain of one, or reserved for examples (RFC 2606, RFC 6761).
SELECT_EMAILS = f"""
    SELECT path, email, count(*) AS hits FROM (
        SELECT path, lower(unnest(regexp_extract_all(text, ?))) AS email FROM ({PACK_TEXTS})
    )
    WHERE len(list_filter(?::VARCHAR[], lambda d: split_part(email, '@', 2) = d
                          OR ends_with(split_part(email, '@', 2), '.' || d))) = 0
      AND NOT regexp_matches(split_part(email, '@', 2),
              '(^|\\.)(example|test|invalid|localhost)$|(^|\\.)example\\.(com|org|net)$')
    GROUP BY ALL ORDER BY path, email
"""
# Phone numbers are only taken from fields named for them, never guessed from digits.
PHONE_PATTERN = (
    r'"(?:mobilePhone|primaryPhone|homePhone|workPhone|phone|phoneNumber|phone_number|'
    r'telephoneNumber)"\s*:\s*"([^"]{6,})"'
)
SCIM_PHONE_PATTERN = r'"phoneNumbers"\s*:\s*\[[^\]]*?"value"\s*:\s*"([^"]{6,})"'
# Only texts that mention a phone field reach the two regexps: one cheap `contains` pass
# over the pack instead of two full regexp scans of a large System Log.
SELECT_PHONES = f"""
    WITH candidates AS MATERIALIZED (
        SELECT path, text FROM ({PACK_TEXTS}) WHERE contains(text, 'hone')
    )
    SELECT path, phone FROM (
        SELECT path, unnest(regexp_extract_all(text, ?, 1)) AS phone FROM candidates
        UNION ALL
        SELECT path, unnest(regexp_extract_all(text, ?, 1)) FROM candidates
    ) GROUP BY ALL ORDER BY path, phone
"""
# Names that Okta pairs with an address: the actor and each target of a System Log event.
SELECT_LOG_NAMES = """
    SELECT DISTINCT lower(actor_alternate_id), actor_display_name FROM log_events
    WHERE pack_id = ? AND actor_alternate_id LIKE '%@%' AND actor_display_name IS NOT NULL
    UNION
    SELECT DISTINCT lower(t ->> '$.alternateId'), t ->> '$.displayName' FROM (
        SELECT unnest(from_json(target, '["json"]')) AS t FROM log_events
        WHERE pack_id = ? AND json_type(target) = 'ARRAY'
    ) WHERE t ->> '$.alternateId' LIKE '%@%' AND t ->> '$.displayName' IS NOT NULL
"""
SECRET_PATTERNS: dict[str, str] = {
    "an Okta API token (SSWS)": r"SSWS\s+[A-Za-z0-9_-]{20,}",
    "a bearer token": r"[Bb]earer\s+[A-Za-z0-9._~+/-]{20,}=*",
    "a private key": r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    "a password or client secret": (
        r'"(?:password|client_secret|clientSecret|apiToken|api_token)"\s*:\s*"[^"]+"'
    ),
}
# One regexp pass picks the texts that can hold a secret (it matches a prefix of every
# SECRET_PATTERNS match), and only those texts are scanned with the four full regexps.
SECRET_PREFILTER = (
    r'SSWS|[Bb]earer|PRIVATE KEY|"(?:password|client_secret|clientSecret|apiToken|api_token)"'
)
_SECRET_SCANS = "\n        UNION ALL\n".join(
    "        SELECT ? AS label, path, unnest(regexp_extract_all(text, ?)) AS secret FROM candidates"
    for _pattern in SECRET_PATTERNS
)
SELECT_SECRETS = f"""
    WITH candidates AS MATERIALIZED (
        SELECT path, text FROM ({PACK_TEXTS}) WHERE regexp_matches(text, ?)
    )
{_SECRET_SCANS}
"""
SELECT_SCIM_BODIES = """
    SELECT artifact_path, seq, method, CAST(request_body AS VARCHAR) FROM scim_exchanges
    WHERE pack_id = ? AND request_body IS NOT NULL ORDER BY artifact_path, seq
"""
SECRET_KEYS = frozenset({"password", "client_secret", "clientSecret", "apiToken", "api_token"})
# A NANP number whose area code or exchange is 555 is reserved for fiction.
FICTIONAL_PHONE = re.compile(r"^1?(555\d{7}|\d{3}555\d{4})$")


@dataclass
class _Personal:
    """Real-looking personal data found in one artifact."""

    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.emails) + len(self.phones)


def allowed_domains(ctx: PackContext) -> list[str]:
    """Return the e-mail domains that are not personal data: the partner's and the tenant's."""
    domains = {op.email.rsplit("@", 1)[-1].lower() for op in ctx.manifest.operators}
    host = tenant_host(ctx.manifest)
    if host:
        domains.add(host)
    return sorted(domains)


def _personal_by_artifact(ctx: PackContext) -> dict[str, _Personal]:
    found: dict[str, _Personal] = defaultdict(_Personal)
    params = [EMAIL_PATTERN, *pack_text_params(ctx.pack_id), allowed_domains(ctx)]
    for path, email, _hits in ctx.rows(SELECT_EMAILS, params):
        found[str(path)].emails.append(str(email))
    texts = pack_text_params(ctx.pack_id)
    for path, phone in ctx.rows(SELECT_PHONES, [*texts, PHONE_PATTERN, SCIM_PHONE_PATTERN]):
        digits = re.sub(r"\D", "", str(phone))
        if len(digits) >= 7 and not FICTIONAL_PHONE.match(digits):
            found[str(path)].phones.append(str(phone))
    return found


@register(
    "data.personal",
    "No real personal data",
    "E-mail addresses outside the partner's domains, the lab org and reserved example domains, "
    "and phone numbers outside the fictional 555 range, are counted per artifact and shown "
    f"masked; more than {PERSONAL_DATA_LIMIT} in a pack suggests critical failure 1.",
    category="Safety",
    severity="major",
    critical_failure=1,
    group="Customer data and secrets",
)
def personal_data(ctx: PackContext, check: Check) -> Iterator[Finding]:
    found = _personal_by_artifact(ctx)
    total = len({v for p in found.values() for v in p.emails + p.phones})
    if not total:
        return
    names = {str(email): str(name) for email, name in ctx.rows(SELECT_LOG_NAMES, [ctx.pack_id] * 2)}
    over = total > PERSONAL_DATA_LIMIT
    for path, personal in sorted(found.items()):
        shown = [mask_email(e) for e in personal.emails[:MAX_SHOWN]]
        shown += [mask_phone(p) for p in personal.phones[: max(0, MAX_SHOWN - len(shown))]]
        named = sorted({mask_name(names[e]) for e in personal.emails if e in names})
        yield check.finding(
            f"{path} holds {plural(len(personal.emails), 'e-mail address', 'e-mail addresses')} "
            f"and {plural(len(personal.phones), 'phone number')} that look real "
            f"({', '.join(shown)}"
            + (f"; names: {', '.join(named[:MAX_SHOWN])}" if named else "")
            + f"). The pack holds {total} in all"
            + (
                f", more than {PERSONAL_DATA_LIMIT}: the lab may have used customer data."
                if over
                else "; replace them with test identities on an example domain."
            ),
            path,
            None,
            severity="critical" if over else "minor",
            suggest=over,
            expected="test identities on the partner's, the lab org's or an example domain",
            found=f"{personal.count} values",
        )


@register(
    "data.secrets",
    "No secrets in the evidence",
    "Okta API tokens (SSWS), bearer tokens, private keys and passwords or client secrets in "
    "request bodies are reported masked, so they can be revoked and removed from the pack.",
    category="Safety",
    severity="major",
    group="Customer data and secrets",
)
def secrets(ctx: PackContext, check: Check) -> Iterator[Finding]:
    scim_paths: set[str] = set()
    for path, seq, method, body in ctx.rows(SELECT_SCIM_BODIES, [ctx.pack_id]):
        scim_paths.add(str(path))
        for key, value in _secret_fields(json.loads(str(body))):
            yield check.finding(
                f"{path}: the {method} request of exchange {seq} sends a {key} "
                f"({mask_secret(value)}); remove it from the evidence and rotate it if it was "
                "ever real.",
                str(path),
                f"[{seq}].request.body.{key}",
                found=mask_secret(value),
            )
    seen: set[tuple[str, str]] = set()
    scans = [value for pair in SECRET_PATTERNS.items() for value in pair]
    rows = ctx.rows(SELECT_SECRETS, [*pack_text_params(ctx.pack_id), SECRET_PREFILTER, *scans])
    for label, path, secret in sorted(rows, key=lambda row: list(SECRET_PATTERNS).index(row[0])):
        # SCIM request bodies are reported above, with the exchange they belong to.
        if str(path) in scim_paths and label == "a password or client secret":
            continue
        value = _secret_value(str(secret))
        key = (str(path), value)
        if key in seen:
            continue
        seen.add(key)
        yield check.finding(
            f"{path} contains {label} ({mask_secret(value)}); remove it from the evidence "
            "and revoke it.",
            str(path),
            None,
            found=mask_secret(value),
        )


def _secret_fields(body: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Yield (dotted key, value) for every non-empty string under a secret-named key."""
    if isinstance(body, dict):
        for key, value in body.items():
            name = f"{prefix}{key}"
            if key in SECRET_KEYS and isinstance(value, str) and value:
                yield name, value
            else:
                yield from _secret_fields(value, f"{name}.")
    elif isinstance(body, list):
        for index, item in enumerate(body):
            yield from _secret_fields(item, f"{prefix.rstrip('.')}[{index}].")


def _secret_value(match: str) -> str:
    """Return the secret itself from a pattern match: the value after the key or scheme."""
    if match.startswith("-----"):
        return match
    if match.startswith('"'):
        return match.split(":", 1)[-1].strip().strip('"')
    return match.split()[-1]
