"""autoexp_run.json: tells the orchestrator which run a folder holds and how it ended."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .devices import is_main_process
from .io_utils import write_json_atomic

RUN_RECORD_FILE = "autoexp_run.json"


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _attempt() -> dict[str, Any]:
    """One start of the trainer for this run; under SLURM, which job and which requeue it was."""
    a: dict[str, Any] = {"started_at": utc_now()}
    if os.environ.get("SLURM_JOB_ID"):
        a["slurm_job_id"] = os.environ["SLURM_JOB_ID"]
        a["slurm_restart_count"] = int(os.environ.get("SLURM_RESTART_COUNT") or 0)
    return a


class RunRecord:
    def __init__(self, run_dir: str | Path, *, run_id: str, experiment: str, config_hash: str,
                 model_type: str, adapter: bool, base_model: str | None, device: str,
                 batch_size_used: int | None, devices: list[str] | None = None):
        self.path = Path(run_dir) / RUN_RECORD_FILE
        self.data: dict[str, Any] = {
            "run_id": run_id, "experiment": experiment, "config_hash": config_hash,
            "status": "running", "started_at": utc_now(), "finished_at": None,
            "final_metrics": None, "best_checkpoint": None, "model_type": model_type,
            "adapter": adapter, "base_model": base_model, "device": device,
            "devices": list(devices or []),  # ids as strings (CUDA_VISIBLE_DEVICES / the pool's); [] on CPU
            "batch_size_used": batch_size_used,
            "trackers": [],  # filled by tracking.TrackerRunsCallback once report_to's runs start
        }

    def update(self, **fields: Any) -> None:
        self.data.update(fields)
        if is_main_process():  # one record per run, also under torchrun
            write_json_atomic(self.path, self.data)

    def start(self) -> None:
        self.data["attempts"] = [_attempt()]
        self.update(status="running")

    def resume(self, checkpoint: str, step: int | None) -> None:
        """Continue the run recorded in this folder: its record is kept and gets one `resumed_from` entry."""
        try:
            old = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        keep = {k: old[k] for k in ("started_at", "trackers", "resumed_from", "attempts") if k in old}
        self.data.update(keep)
        self.data["resumed_from"] = list(self.data.get("resumed_from") or []) + [
            {"checkpoint": checkpoint, "step": step, "at": utc_now()}]
        self.data["attempts"] = list(self.data.get("attempts") or []) + [_attempt()]
        self.data.pop("error", None)
        self.update(status="running", finished_at=None)

    def interrupted(self, message: str) -> None:
        self.update(status="interrupted", finished_at=utc_now(), error=message)

    def complete(self, *, final_metrics: dict | None, best_checkpoint: str | None,
                 batch_size_used: int | None) -> None:
        self.update(status="completed", finished_at=utc_now(), final_metrics=final_metrics,
                    best_checkpoint=best_checkpoint, batch_size_used=batch_size_used)

    def fail(self, error: str) -> None:
        self.update(status="failed", finished_at=utc_now(), error=error[-2000:])
