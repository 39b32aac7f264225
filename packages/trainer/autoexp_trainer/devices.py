"""Which devices this process was given, and whether it is the main process of a torchrun launch.

The orchestrator's device pool sets CUDA_VISIBLE_DEVICES for each local
task; AUTOEXP_FAKE_DEVICES marks pseudo-devices
(tests, benchmarks), which train and predict on CPU whatever GPUs exist.
torchrun sets RANK / WORLD_SIZE for each of its processes.
"""

from __future__ import annotations

import os


def fake_devices() -> bool:
    return bool(os.environ.get("AUTOEXP_FAKE_DEVICES"))


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1") or 1)


def is_main_process() -> bool:
    """Rank 0 of a torchrun launch, or a plain single process: the one that writes records and events."""
    return int(os.environ.get("RANK", "0") or 0) == 0


def assigned_devices(device: str) -> list[str]:
    """The device ids this run used, as strings: CUDA_VISIBLE_DEVICES (the pool sets it, pseudo-devices
    included), else every CUDA device; [] for a CPU run outside a pool of pseudo-devices."""
    if device != "cuda" and not fake_devices():
        return []
    ids = os.environ.get("CUDA_VISIBLE_DEVICES")
    if ids is None:
        import torch

        return [str(i) for i in range(torch.cuda.device_count())]
    return [i.strip() for i in ids.split(",") if i.strip() and i.strip() != "-1"]
