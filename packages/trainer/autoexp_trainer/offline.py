"""Hub access policy: with HF_HUB_OFFLINE=1 / TRANSFORMERS_OFFLINE=1 never try the network."""

from __future__ import annotations

import os


def is_offline() -> bool:
    return any(os.environ.get(v, "").lower() in ("1", "true", "yes", "on")
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def hub_kwargs() -> dict:
    return {"local_files_only": True} if is_offline() else {}
