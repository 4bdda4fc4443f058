"""The demo founding cohort: five fictional partner firms with packs, some reviewed.

The packs are the example packs under data/demo_packs with only manifest fields rewritten
(pack id, partner, operators, track, engagement kind), so every artifact hash still holds.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ingest.filestore import BlobStore
from ingest.loader import import_pack
from store.review import record_critical_failure_call, record_decision, record_score
from store.settings import PROJECT_ROOT, Settings

logger = logging.getLogger(__name__)

DEMO_PACKS_DIR = PROJECT_ROOT / "data" / "demo_packs"
COUNT_PACKS = "SELECT count(*) FROM packs"


@dataclass(frozen=True)
class DemoOperator:
    operator_id: str
    name: str
    email: str
    track: str


@dataclass(frozen=True)
class DemoPartner:
    partner_id: str
    name: str
    domain: str
    motion: str
    operators: tuple[DemoOperator, DemoOperator]


def _partner(
    partner_id: str, name: str, domain: str, motion: str, people: list[tuple[str, str, str]]
) -> DemoPartner:
    first, second = (
        DemoOperator(op_id, person, f"{person.split()[0].lower()}@{domain}", track)
        for op_id, person, track in people
    )
    return DemoPartner(partner_id, name, domain, motion, (first, second))


DEMO_PARTNERS: tuple[DemoPartner, ...] = (
    _partner("P-001", "Northwind Identity Partners", "northwind.example", "delivery",
             [("OP-101", "Dana Reyes", "implementation-specialist"),
              ("OP-102", "Lee Okafor", "recovery-operator")]),
    _partner("P-002", "Bluebird Cyber", "bluebird.example", "delivery",
             [("OP-111", "Priya Nair", "implementation-specialist"),
              ("OP-112", "Tomas Lind", "recovery-operator")]),
    _partner("P-003", "Harbor Resilience Group", "harbor.example", "managed service",
             [("OP-121", "Jonah Weiss", "recovery-lead"),
              ("OP-122", "Amara Obi", "recovery-operator")]),
    _partner("P-004", "Cedar Managed Services", "cedar-msp.example", "managed service",
             [("OP-131", "Sofia Marin", "recovery-operator"),
              ("OP-132", "Ken Ito", "recovery-operator")]),
    _partner("P-005", "Summit IAM Consulting", "summit.example", "referral",
             [("OP-141", "Grace Li", "implementation-specialist"),
              ("OP-142", "Omar Haddad", "recovery-operator")]),
)  # fmt: skip


@dataclass(frozen=True)
class DemoPack:
    """One demo submission and the review it gets (None: waiting for review)."""

    pack_id: str
    partner_id: str
    base: str
    track: str
    engagement_kind: str = "capstone-lab"
    supersedes: str | None = None
    scores: dict[str, int] = field(default_factory=dict)
    calls: tuple[tuple[int, str, str], ...] = ()
    decision: tuple[str, str] | None = None
    reviewer: str = ""


GOOD = {"Recoverability": 92, "Safety": 90, "Evidence": 88, "Communication": 85, "Claims": 95}
WEAK = {"Recoverability": 70, "Safety": 75, "Evidence": 60, "Communication": 80, "Claims": 90}

DEMO_PACKS: tuple[DemoPack, ...] = (
    DemoPack("EP-DEMO-0101", "P-001", "clean-implementation-specialist",
             "implementation-specialist", scores=GOOD,
             decision=("pass", "Complete and consistent lab evidence; SCIM lifecycle shown."),
             reviewer="Avery Chen"),
    DemoPack("EP-DEMO-0102", "P-001", "clean-implementation-specialist",
             "recovery-operator", engagement_kind="supervised-pilot", scores=GOOD,
             decision=("pass", "Supervised pilot accepted: preview-only restore, clean handoff."),
             reviewer="Morgan Patel"),
    DemoPack("EP-DEMO-0201", "P-002", "impl-scim-no-deactivate",
             "implementation-specialist", scores=WEAK,
             calls=((3, "confirm", "SCIM transcript never deactivates a user."),),
             decision=("fail", "SCIM deactivation missing and one response is from a "
                       "production org. Resubmit with the full lifecycle."),
             reviewer="Avery Chen"),
    DemoPack("EP-DEMO-0202", "P-002", "clean-implementation-specialist",
             "implementation-specialist", supersedes="EP-DEMO-0201"),
    DemoPack("EP-DEMO-0301", "P-003", "lead-late-approval", "recovery-lead",
             scores={"Recoverability": 80, "Safety": 40}),
    DemoPack("EP-DEMO-0401", "P-004", "clean-implementation-specialist",
             "recovery-operator", scores=GOOD,
             decision=("pass", "Operator capstone complete."), reviewer="Riley Santos"),
    DemoPack("EP-DEMO-0501", "P-005", "clean-implementation-specialist",
             "implementation-specialist"),
)  # fmt: skip


def seed_demo_if_empty(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    progress: Callable[[float, str], None] | None = None,
) -> bool:
    """Load the demo cohort into an empty database; return True when it seeded anything."""
    row = con.execute(COUNT_PACKS).fetchone()
    if row and row[0] > 0:
        return False
    logger.info("seeding the demo cohort into %s", settings.db_path)
    partners = {p.partner_id: p for p in DEMO_PARTNERS}
    store = BlobStore(settings.store_dir)
    with tempfile.TemporaryDirectory(prefix="butterfly-demo-") as work:
        for index, demo in enumerate(DEMO_PACKS):
            if progress:
                progress(index / len(DEMO_PACKS), f"Loading demo pack {demo.pack_id}")
            folder = _write_demo_pack(Path(work), demo, partners[demo.partner_id])
            report = import_pack(con, folder, store, settings.limits, source_name=folder.name)
            if report.status != "accepted":
                raise RuntimeError(f"demo pack {demo.pack_id} was rejected: {report.findings}")
            _review(con, demo)
    _seed_cohort(con)
    return True


def _write_demo_pack(work: Path, demo: DemoPack, partner: DemoPartner) -> Path:
    folder = work / demo.pack_id
    shutil.copytree(DEMO_PACKS_DIR / demo.base, folder)
    manifest_path = folder / "manifest.json"
    manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest.update(
        pack_id=demo.pack_id,
        supersedes=demo.supersedes,
        partner={"partner_id": partner.partner_id, "name": partner.name},
        track=demo.track,
        operators=[
            {"operator_id": op.operator_id, "name": op.name, "email": op.email}
            for op in partner.operators
        ],
    )
    manifest["engagement"]["kind"] = demo.engagement_kind
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def _review(con: duckdb.DuckDBPyConnection, demo: DemoPack) -> None:
    reviewer = demo.reviewer or "Morgan Patel"
    for category, score in demo.scores.items():
        record_score(con, demo.pack_id, category, score, "", reviewer)
    for number, action, reason in demo.calls:
        record_critical_failure_call(con, demo.pack_id, number, action, reason, reviewer)
    if demo.decision:
        decision, rationale = demo.decision
        record_decision(con, demo.pack_id, decision, rationale, reviewer)


def _seed_cohort(con: duckdb.DuckDBPyConnection) -> None:
    # Imported here because cohort.seed reads DEMO_PARTNERS from this module.
    from cohort.seed import seed_cohort

    seed_cohort(con)
