"""Generate a recovery-operator evidence pack whose System Log has N Okta-shaped events.

The small artifacts (backup, compare, restore preview, users API response, approval and
handoff summary) are copied from the clean demo pack in data/demo_packs. The System Log is
written in batches and hashed while it is written, so memory stays flat whatever N is.
Events follow the LogEvent shape of Okta's `/api/v1/logs` as seen in real exports: nested
actor, client with user agent and geolocation, target list, debugContext.debugData,
transaction, outcome, authenticationContext, securityContext and request.ipChain.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import string
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEMO_PACKS = Path(__file__).resolve().parent.parent / "data" / "demo_packs"
SAMPLE_PACK = DEMO_PACKS / "clean-implementation-specialist"
LOG_PATH = "okta/system-log.ndjson"
# Copied unchanged from the demo pack: (path, kind, captured_at, description, references).
COPIED_ARTIFACTS: list[tuple[str, str, str, str, list[str]]] = [
    ("approvals/CHG-0420.pdf", "approval", "2026-11-03T13:25:00Z", "Written approval", []),
    ("butterfly/backup.json", "backup-record", "2026-11-03T14:06:12Z", "Full backup", []),
    (
        "butterfly/compare.json",
        "compare-report",
        "2026-11-03T14:20:00Z",
        "Backup compared to the live org",
        ["backup:BK-51D0E2"],
    ),
    (
        "butterfly/restore-preview.json",
        "restore-preview",
        "2026-11-03T14:35:00Z",
        "Restore preview",
        ["backup:BK-51D0E2", "compare:CMP-3307"],
    ),
    ("okta/users.json", "okta-api-response", "2026-11-03T14:10:00Z", "GET /api/v1/users", []),
    (
        "docs/handoff-summary.pdf",
        "handoff-summary",
        "2026-11-04T10:00:00Z",
        "Handoff summary",
        ["backup:BK-51D0E2"],
    ),
]
# Events are spread evenly over this span, inside the manifest's access window and before
# the log's captured_at.
FIRST_EVENT = datetime(2026, 11, 3, 13, 30, tzinfo=UTC)
EVENT_SPAN = timedelta(minutes=100)
LOG_CAPTURED_AT = "2026-11-03T15:15:00Z"
WRITE_BATCH = 2000

# (eventType, displayMessage, target type) as they appear in real System Log exports.
EVENT_TYPES: list[tuple[str, str, str]] = [
    ("user.session.start", "User login to Okta", "AuthenticatorEnrollment"),
    ("user.authentication.sso", "User single sign on to app", "AppInstance"),
    ("user.authentication.auth_via_mfa", "Authentication of user via MFA", "User"),
    ("user.authentication.auth_via_IDP", "Authenticate user via IDP", "User"),
    ("user.account.lock", "Max sign in attempts exceeded", "User"),
    ("user.account.update_password", "User update password for Okta", "User"),
    ("user.account.privilege.grant", "Grant user privilege", "User"),
    ("user.lifecycle.create", "Create Okta user", "User"),
    ("user.lifecycle.activate", "Activate Okta user", "User"),
    ("user.lifecycle.deactivate", "Deactivate Okta user", "User"),
    ("group.user_membership.add", "Add user to group membership", "UserGroup"),
    ("group.user_membership.remove", "Remove user from group membership", "UserGroup"),
    ("application.user_membership.add", "Add user to application membership", "AppUser"),
    ("application.lifecycle.update", "Update application", "AppInstance"),
    ("policy.lifecycle.update", "Update policy", "PolicyEntity"),
    ("policy.rule.update", "Update policy rule", "PolicyRule"),
    ("system.api_token.create", "Create API token", "Token"),
    ("app.oauth2.as.token.grant", "OAuth2 access token is granted", "access_token"),
    ("zone.update", "Update network zone", "Zone"),
    ("system.mfa.factor.activate", "Activate factor or authenticator", "User"),
]
USER_AGENTS: list[tuple[str, str, str]] = [
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/141.0.0.0 Safari/537.36",
        "Mac OS X",
        "CHROME",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0",
        "Windows 10",
        "FIREFOX",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; Infinix X6525 Build/TP1A.220624.014) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/141.0.7390.122 Mobile Safari/537.36",
        "Android",
        "CHROME",
    ),
    ("Jersey/3.1.8 (HttpUrlConnection 21.0.6)", "Unknown", "UNKNOWN"),
    ("okta-sdk-python/2.9.2 python/3.11.7 Linux/6.1.0", "Linux", "UNKNOWN"),
]
PLACES: list[dict[str, Any]] = [
    {"city": "Ashburn", "state": "Virginia", "country": "United States", "postalCode": "20149",
     "geolocation": {"lat": 39.0469, "lon": -77.4903}},
    {"city": "San Francisco", "state": "California", "country": "United States",
     "postalCode": "94105", "geolocation": {"lat": 37.7852, "lon": -122.3874}},
    {"city": "Paris", "state": "Ile-de-France", "country": "France", "postalCode": "75000",
     "geolocation": {"lat": 48.856944, "lon": 2.351389}},
    {"city": "Dublin", "state": "Leinster", "country": "Ireland", "postalCode": "D02",
     "geolocation": {"lat": 53.3498, "lon": -6.2603}},
]  # fmt: skip
NETWORKS: list[dict[str, Any]] = [
    {"asNumber": 14618, "asOrg": "amazon technologies inc.", "isp": "amazon.com  inc.",
     "domain": "amazonaws.com", "isProxy": False},
    {"asNumber": 7922, "asOrg": "comcast", "isp": "comcast cable communications  llc",
     "domain": "comcast.net", "isProxy": False},
    {"asNumber": 3215, "asOrg": "orange", "isp": "orange s.a.", "domain": "orange.fr",
     "isProxy": True},
]  # fmt: skip
BEHAVIORS = (
    "{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=NEGATIVE, New State=NEGATIVE, "
    "New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}"
)
OKTA_ID_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class GeneratedPack:
    """A generated pack folder and the size of its System Log."""

    folder: Path
    log_file: Path
    events: int
    log_bytes: int
    seconds: float


def okta_id(rng: random.Random, prefix: str) -> str:
    """Return a 20-character Okta object id such as 00u1ab2cd3EF4gh5i6j7."""
    return prefix + "".join(rng.choices(OKTA_ID_ALPHABET, k=20 - len(prefix)))


class EventFactory:
    """Build varied LogEvents from fixed pools of actors, addresses and clients."""

    def __init__(self, seed: int, events: int) -> None:
        self.rng = random.Random(seed)
        self.step = EVENT_SPAN / max(events, 1)
        rng = self.rng
        self.actors = [
            {
                "id": okta_id(rng, "00u"),
                "type": "User",
                "alternateId": f"person-{n:04d}@partner-lab.example",
                "displayName": f"Lab User {n:04d}",
                "detailEntry": None,
            }
            for n in range(200)
        ]
        self.ips = [f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
                    f"{rng.randint(1, 254)}" for _ in range(300)]  # fmt: skip
        self.targets = [okta_id(rng, "0oa") for _ in range(500)]

    def event(self, index: int) -> dict[str, Any]:
        """Return event number `index`: its time, uuid and ids all depend on the index."""
        rng = self.rng
        event_type, message, target_type = EVENT_TYPES[rng.randrange(len(EVENT_TYPES))]
        actor = self.actors[rng.randrange(len(self.actors))]
        ip = self.ips[rng.randrange(len(self.ips))]
        place = PLACES[rng.randrange(len(PLACES))]
        raw_agent, agent_os, browser = USER_AGENTS[rng.randrange(len(USER_AGENTS))]
        published = FIRST_EVENT + self.step * index
        transaction_id = "".join(rng.choices(OKTA_ID_ALPHABET, k=27))
        session = "102" + "".join(rng.choices(OKTA_ID_ALPHABET, k=22))
        failed = rng.random() < 0.05
        target = [
            {
                "id": self.targets[rng.randrange(len(self.targets))],
                "type": target_type,
                "alternateId": f"object-{rng.randrange(10_000):04d}",
                "displayName": f"{target_type} {rng.randrange(10_000)}",
                "detailEntry": None,
            }
        ]
        if rng.random() < 0.2:
            target.append(dict(actor, type="User"))
        return {
            "actor": actor,
            "client": {
                "userAgent": {"rawUserAgent": raw_agent, "os": agent_os, "browser": browser},
                "zone": "null",
                "device": "Computer",
                "id": None,
                "ipAddress": ip,
                "geographicalContext": place,
            },
            "device": None,
            "authenticationContext": {
                "authenticationProvider": None,
                "credentialProvider": None,
                "credentialType": None,
                "issuer": None,
                "interface": None,
                "authenticationStep": 0,
                "rootSessionId": session,
                "externalSessionId": session,
            },
            "displayMessage": message,
            "eventType": event_type,
            "outcome": {
                "result": "FAILURE" if failed else "SUCCESS",
                "reason": "INVALID_CREDENTIALS" if failed else None,
            },
            "published": published.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "securityContext": NETWORKS[rng.randrange(len(NETWORKS))],
            "severity": "WARN" if failed else "INFO",
            "debugContext": {"debugData": self.debug_data(event_type, transaction_id, session)},
            "legacyEventType": None,
            "transaction": {"type": "WEB", "id": transaction_id, "detail": {}},
            "uuid": f"{index & 0xFFFFFFFF:08x}-6641-11f0-{rng.getrandbits(16):04x}-"
            f"{rng.getrandbits(48):012x}",
            "version": "0",
            "request": {
                "ipChain": [
                    {"ip": ip, "geographicalContext": place, "version": "V4", "source": None}
                ]
            },
            "target": target,
        }

    def debug_data(self, event_type: str, transaction_id: str, session: str) -> dict[str, str]:
        """Return debugContext.debugData, with the risk fields Okta adds to sign-in events."""
        data = {
            "requestId": transaction_id,
            "requestUri": "/api/v1/authn",
            "url": f"/api/v1/authn?session={session[:8]}",
            "threatSuspected": "false",
        }
        if event_type.startswith(("user.session", "user.authentication")):
            data["dtHash"] = f"{self.rng.getrandbits(256):064x}"
            data["behaviors"] = BEHAVIORS
            data["oktaUserAgentExtended"] = "okta-auth-js/7.14.0 okta-signin-widget-7.35.3"
        return data


def write_system_log(path: Path, events: int, seed: int) -> str:
    """Write `events` LogEvents as NDJSON to `path` in batches and return its SHA-256."""
    factory = EventFactory(seed, events)
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        for start in range(0, events, WRITE_BATCH):
            stop = min(start + WRITE_BATCH, events)
            chunk = "".join(json.dumps(factory.event(i)) + "\n" for i in range(start, stop))
            data = chunk.encode()
            digest.update(data)
            handle.write(data)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def build_pack(folder: Path, events: int, seed: int = 7) -> GeneratedPack:
    """Create a recovery-operator pack in `folder` (which must not exist yet)."""
    started = time.perf_counter()
    folder.mkdir(parents=True)
    entries: list[dict[str, Any]] = []
    for rel, kind, captured_at, description, references in COPIED_ARTIFACTS:
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE_PACK / rel, target)
        entries.append(
            {
                "path": rel,
                "kind": kind,
                "sha256": _sha256(target),
                "captured_at": captured_at,
                "description": description,
                "references": references,
            }
        )
    log_file = folder / LOG_PATH
    entries.append(
        {
            "path": LOG_PATH,
            "kind": "okta-system-log",
            "sha256": write_system_log(log_file, events, seed),
            "captured_at": LOG_CAPTURED_AT,
            "description": f"System Log, {events} generated events",
            "references": [],
        }
    )
    manifest = json.loads((SAMPLE_PACK / "manifest.json").read_text(encoding="utf-8"))
    manifest["pack_id"] = f"EP-BENCH-{events}"
    manifest["track"] = "recovery-operator"
    manifest["artifacts"] = entries
    # The log has deactivations and membership removals, so the lab approval covers them.
    manifest["approvals"][0]["covers"] = ["admin-role-change", "destructive-change"]
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return GeneratedPack(
        folder=folder,
        log_file=log_file,
        events=events,
        log_bytes=log_file.stat().st_size,
        seconds=time.perf_counter() - started,
    )
