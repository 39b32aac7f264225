"""Defaults for the resolved config, read from the plugin's JSON Schema.

The schema (packages/nx-autoexp/schema/experiment.schema.json) is the one
place defaults live: the orchestrator fills them with ajv's useDefaults, and a
hand-written resolved JSON gets the very same values here, so the two sides
cannot drift apart.
"""

from __future__ import annotations

import copy
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

# packages/trainer/autoexp_trainer/ -> packages/nx-autoexp/schema/
_DEFAULT_SCHEMA = Path(__file__).resolve().parents[2] / "nx-autoexp" / "schema" / "experiment.schema.json"


def schema_path() -> Path:
    return Path(os.environ.get("AUTOEXP_SCHEMA", str(_DEFAULT_SCHEMA)))


@lru_cache(maxsize=4)
def _load(path: str) -> dict | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


# Set by the orchestrator for each run, never defaulted here.
_NOT_DEFAULTED = {"output_dir", "command"}


def _fill(value: Any, schema: dict) -> Any:
    """ajv useDefaults semantics: a missing property with a default gets it, then objects recurse."""
    if not isinstance(value, dict):
        return value
    for key, sub in (schema.get("properties") or {}).items():
        if key not in value and "default" in sub and key not in _NOT_DEFAULTED:
            value[key] = copy.deepcopy(sub["default"])
        if key in value:
            value[key] = _fill(value[key], sub)
    return value


def fill_defaults(raw: Any) -> Any:
    """A copy of `raw` with the schema's defaults in every experiment section it holds.

    Only the experiment sections are filled (data paths, train.output_dir and
    run_dir come from the orchestrator); without the schema file (a trainer
    installed away from the plugin) nothing is filled and missing keys are errors.
    """
    raw = copy.deepcopy(raw)
    schema = _load(str(schema_path()))
    if not isinstance(raw, dict) or schema is None:
        return raw
    props = schema.get("properties") or {}
    for section in ("model", "preprocess", "train", "infer"):
        sub = props.get(section)
        if sub is None:
            continue
        if section not in raw and section in ("preprocess", "infer"):
            raw[section] = {}
        if isinstance(raw.get(section), dict):
            raw[section] = _fill(raw[section], sub)
    return raw
