"""Trainer callbacks: JSON progress events, and autoexp_preprocess.json in every checkpoint."""

from __future__ import annotations

import os
import time
from pathlib import Path

from transformers import TrainerCallback

from .events import EventEmitter
from .logging_utils import info
from .preprocess import PreprocessSettings

# The orchestrator renders the JSON events itself; a human copy on stderr would show twice.
_EVENTS_ONLY = os.environ.get("AUTOEXP_EVENTS_ONLY") == "1"

_EVAL_KEYS = ("eval_score", "eval_rouge1", "eval_rouge2", "eval_rougeL", "eval_loss")


class ProgressEventsCallback(TrainerCallback):
    """`start`, `log` and `eval` events (docs/architecture.md) on the emitter's stream."""

    def __init__(self, emitter: EventEmitter, run_id: str, device: str):
        self.emitter, self.run_id, self.device = emitter, run_id, device
        self._t0: float | None = None

    def on_train_begin(self, args, state, control, **kwargs):
        self._t0 = time.monotonic()
        self.emitter.emit("start", run_id=self.run_id, max_steps=state.max_steps, device=self.device)

    def _eta(self, state) -> float | None:
        if self._t0 is None or state.global_step <= 0 or not state.max_steps:
            return None
        per_step = (time.monotonic() - self._t0) / state.global_step
        return round(per_step * max(state.max_steps - state.global_step, 0), 1)

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = logs or {}
        if any(k in logs for k in _EVAL_KEYS):
            fields = {k: v for k, v in logs.items() if k.startswith("eval_")}
            self.emitter.emit("eval", step=state.global_step, epoch=logs.get("epoch", state.epoch), **fields)
            score = logs.get("eval_score")
            if not _EVENTS_ONLY:
                info(f"eval step {state.global_step}: score={score}, loss={logs.get('eval_loss')}")
        elif "loss" in logs:
            self.emitter.emit("log", step=state.global_step, max_steps=state.max_steps,
                              epoch=logs.get("epoch", state.epoch), loss=logs.get("loss"),
                              learning_rate=logs.get("learning_rate"), eta_s=self._eta(state))
            if not _EVENTS_ONLY:
                info(f"step {state.global_step}/{state.max_steps} loss={logs.get('loss')} eta={self._eta(state)}s")


class SavePreprocessCallback(TrainerCallback):
    """Checkpoints must be self-contained for `predict`: write the preprocessing settings."""

    def __init__(self, settings: PreprocessSettings):
        self.settings = settings

    def on_save(self, args, state, control, **kwargs):
        if not state.is_world_process_zero:  # the Trainer saves on rank 0 only
            return
        folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        if folder.is_dir():
            self.settings.save(folder)
