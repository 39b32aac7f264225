"""JSON-lines progress events on stdout (the orchestrator parses them).

Libraries print to stdout too (transformers' printer callback, warnings), so
commands that emit events redirect sys.stdout to stderr and give the emitter
the real stdout stream captured before that.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any, TextIO


def _clean(value: Any) -> Any:
    # JSON has no NaN/Infinity; emit null so every line stays parseable.
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


class EventEmitter:
    def __init__(self, stream: TextIO | None = None):
        self._stream = stream if stream is not None else sys.stdout

    def emit(self, event: str, **fields: Any) -> dict:
        payload = {"event": event, **_clean(fields)}
        self._stream.write(json.dumps(payload, ensure_ascii=False) + "\n")
        self._stream.flush()
        return payload
