"""The JSON Schema of the decision report, generated from the pydantic models.

Run `python -m reports.schema` to rewrite docs/report.schema.json after changing the models;
a test fails while the committed file differs from the generated one.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from reports.models import DecisionReport

logger = logging.getLogger(__name__)

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "docs" / "report.schema.json"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def report_json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a decision report as it is serialised."""
    schema = DecisionReport.model_json_schema(mode="serialization")
    return {"$schema": SCHEMA_DIALECT, **schema}


def report_schema_text() -> str:
    """Return the schema as the text docs/report.schema.json holds."""
    return json.dumps(report_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_report_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the generated schema to `path` and return it."""
    path.write_text(report_schema_text(), encoding="utf-8")
    logger.info("wrote %s", path)
    return path


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    write_report_schema()
