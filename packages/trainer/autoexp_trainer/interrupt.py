"""Save first, then stop: SIGINT / SIGTERM / SIGUSR1 during training.

The signal only sets a flag; at the next optimizer step boundary the callback
asks the HF Trainer to save a checkpoint and stop, so the checkpoint is a
normal one (model, optimizer, scheduler, RNG, trainer_state) that
`resume_from_checkpoint` continues from. SLURM sends SIGUSR1 before a time
limit (--signal=USR1@<s>); the orchestrator sends SIGTERM on Ctrl-C and waits
a grace period before SIGKILL. A second signal exits at once, unless it comes
within SAME_INTERRUPT_S of the first: one Ctrl-C reaches the trainer more than
once (nx kills its task's process tree, and the orchestrator stops its child).
"""

from __future__ import annotations

import signal
import time

from transformers import TrainerCallback

from .errors import TrainerError
from .logging_utils import warn

SAME_INTERRUPT_S = 3.0
SIGNALS = tuple(s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGUSR1")) if s is not None)


_early: list[str] = []


def catch_early_signals() -> None:
    """SLURM may send SIGUSR1 before training starts (its timing is coarse, up to a minute early):
    remember it instead of dying by its default action; the callback acts on it at the first step."""
    if hasattr(signal, "SIGUSR1"):
        try:
            signal.signal(signal.SIGUSR1, lambda signum, frame: _early.append(signal.Signals(signum).name))
        except ValueError:  # not the main thread
            pass


class TrainingInterrupted(TrainerError):
    """Stopped by a signal after saving a checkpoint; running train again resumes from it."""

    exit_code = 8


class SaveOnInterruptCallback(TrainerCallback):
    def __init__(self):
        self.signal_name: str | None = None
        self._first_at = 0.0
        self.saved_step: int | None = None
        self._previous: dict[int, object] = {}

    def _handler(self, signum, frame):
        if self.signal_name is not None:
            if time.monotonic() - self._first_at < SAME_INTERRUPT_S:
                return  # the same interruption, passed on by another process
            raise SystemExit(128 + signum)  # a later second signal: the user insists
        self.signal_name = signal.Signals(signum).name
        self._first_at = time.monotonic()
        warn(f"{self.signal_name} received: saving a checkpoint at the next step, then stopping "
             f"(send it again to stop at once)")

    def on_train_begin(self, args, state, control, **kwargs):
        if _early and self.signal_name is None:
            self.signal_name, self._first_at = _early[0], time.monotonic()
            warn(f"{self.signal_name} received before training started: saving a checkpoint at the first step, then stopping")
        for s in SIGNALS:
            try:
                self._previous[s] = signal.signal(s, self._handler)
            except ValueError:  # not the main thread: signals stay as they were
                return

    def on_step_end(self, args, state, control, **kwargs):
        if self.signal_name is not None and self.saved_step is None:
            control.should_save = True
            control.should_training_stop = True
            self.saved_step = state.global_step

    def on_train_end(self, args, state, control, **kwargs):
        self.restore()

    def restore(self) -> None:
        for s, h in self._previous.items():
            signal.signal(s, h)
        self._previous.clear()

    def check(self, state) -> None:
        """After trainer.train(): raise TrainingInterrupted when a signal stopped it short of the end."""
        self.restore()
        if self.signal_name is not None and (self.saved_step is not None or state.global_step < state.max_steps):
            step = self.saved_step
            raise TrainingInterrupted(f"training stopped by {self.signal_name}"
                                      + (f" after saving checkpoint-{step}" if step is not None else "")
                                      + "; run the train target again to resume from it")
