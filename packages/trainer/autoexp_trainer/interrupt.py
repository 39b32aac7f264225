"""Save first, then stop: SIGINT / SIGTERM / SIGUSR1 during training.

The signal only sets a flag; at the next optimizer step boundary the callback
asks the HF Trainer to save a checkpoint and stop, so the checkpoint is a
normal one (model, optimizer, scheduler, RNG, trainer_state) that
`resume_from_checkpoint` continues from. SLURM sends SIGUSR1 before a time
limit (--signal=USR1@<s>); the orchestrator sends SIGTERM on Ctrl-C and waits
a grace period before SIGKILL. Once stopping, only a second SIGINT exits at
once (a person pressing Ctrl-C again at a terminal), and not within
SAME_INTERRUPT_S of the first (torchrun passes one keypress on to its workers).
A repeated SIGTERM or SIGUSR1 never does, nor after training has ended: they
come from programs that each follow with their own SIGKILL after a grace, and
one Ctrl-C under nx brings up to three SIGTERMs (the orchestrator's stop, then
nx's tree kill of the task, twice), seconds apart on a loaded machine. Exiting
on a late one would lose the save in progress or cut the run record's last
write, leaving the run "running".

slurm sends the time-limit warning up to a minute earlier than --signal asks
(its time checks run every 30 s and fire 30 s ahead); with a short limit it
comes at job start. The job script exports AUTOEXP_STOP_AT, the epoch second
that is really signal_s before the limit; a SIGUSR1 before it is held until
then, so each attempt trains until its save point instead of stopping after a
step or two. The trainer also stops at that moment by itself: a warning that
came while the job was still starting (ignored by the job script's trap) is
not lost. SIGINT / SIGTERM (and a SIGTERM at the limit itself) act at once.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime

from transformers import TrainerCallback

from .errors import TrainerError
from .logging_utils import warn

SAME_INTERRUPT_S = 3.0
STOP_AT_ENV = "AUTOEXP_STOP_AT"
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


def ignore_late_time_limit_signal() -> None:
    """Once the run is over, a time-limit warning must not kill the exit: a training
    that ends within signal_s of the limit gets slurm's SIGUSR1 as it shuts down, and
    CPython resets Python-level handlers to the default (terminate) before it tears
    down its modules (torch's take seconds), so the job would end FAILED with a
    finished checkpoint. SIG_IGN is kept to the end."""
    if hasattr(signal, "SIGUSR1"):
        try:
            signal.signal(signal.SIGUSR1, signal.SIG_IGN)
        except ValueError:  # not the main thread
            pass


TIME_LIMIT = "the job's time limit"


def job_stop_at() -> float | None:
    """AUTOEXP_STOP_AT (epoch seconds, set by the slurm job script), or None."""
    try:
        return float(os.environ.get(STOP_AT_ENV, ""))
    except ValueError:
        return None


def held_until(signal_name: str, now: float | None = None) -> float | None:
    """For a SIGUSR1 that slurm sent early: the epoch second to act at (AUTOEXP_STOP_AT), else None (act now)."""
    stop_at = job_stop_at() if signal_name == "SIGUSR1" else None
    return stop_at if stop_at is not None and stop_at > (time.time() if now is None else now) else None


class TrainingInterrupted(TrainerError):
    """Stopped by a signal after saving a checkpoint; running train again resumes from it."""

    exit_code = 8


class SaveOnInterruptCallback(TrainerCallback):
    def __init__(self):
        self.signal_name: str | None = None
        self._first_at = 0.0
        self.saved_step: int | None = None
        self._previous: dict[int, object] = {}
        # A SIGUSR1 slurm sent early: acted on at this epoch second (None: at the next step).
        self.hold_until: float | None = None
        # Self-timed only in one process: ranks reading their own clocks could stop at different steps.
        self.stop_at = job_stop_at() if int(os.environ.get("WORLD_SIZE") or 1) == 1 else None

    def _received(self, name: str, when: str) -> None:
        self.signal_name, self._first_at = name, time.monotonic()
        self.hold_until = held_until(name)
        if self.hold_until is not None:
            at = datetime.fromtimestamp(self.hold_until).strftime("%H:%M:%S")
            warn(f"{name} received{when} {self.hold_until - time.time():.0f} s before the save point the job asked "
                 f"for (slurm signals up to a minute early): training on, saving a checkpoint and stopping at the "
                 f"first step after {at}")
        elif when:
            warn(f"{name} received{when}: saving a checkpoint at the first step, then stopping")
        else:
            again = " (Ctrl-C again stops at once)" if name == "SIGINT" else ""
            warn(f"{name} received: saving a checkpoint at the next step, then stopping{again}")

    def _handler(self, signum, frame):
        name = signal.Signals(signum).name
        if self.signal_name is not None and self.hold_until is not None:
            # Held early warning, then a real stop (Ctrl-C, the time limit's SIGTERM): save now.
            self._received(name, "")
            return
        if self.signal_name is not None and name != "SIGINT":
            return  # already stopping: a program's repeated SIGTERM, or a time-limit warning, adds nothing
        if self.signal_name is not None:
            if time.monotonic() - self._first_at < SAME_INTERRUPT_S:
                return  # the same keypress, passed on by another process
            raise SystemExit(128 + signum)  # a later second Ctrl-C: the user insists
        self._received(name, "")

    def on_train_begin(self, args, state, control, **kwargs):
        if _early and self.signal_name is None:
            self._received(_early[0], " before training started")
        for s in SIGNALS:
            try:
                self._previous[s] = signal.signal(s, self._handler)
            except ValueError:  # not the main thread: signals stay as they were
                return

    def on_step_end(self, args, state, control, **kwargs):
        if self.hold_until is not None and time.time() >= self.hold_until:
            self.hold_until = None
        if self.signal_name is None and self.stop_at is not None and time.time() >= self.stop_at:
            self.signal_name, self._first_at = TIME_LIMIT, time.monotonic()
            warn(f"{TIME_LIMIT} is near ({STOP_AT_ENV}): saving a checkpoint at this step, then stopping")
        if self.signal_name is not None and self.saved_step is None and self.hold_until is None:
            control.should_save = True
            control.should_training_stop = True
            self.saved_step = state.global_step

    def on_train_end(self, args, state, control, **kwargs):
        self.restore()

    def restore(self) -> None:
        """Gives the signals back, unless stopping: then this handler stays to the process's end (CPython
        resets it to the default only in its teardown, after the run record is written)."""
        if self.signal_name is not None and self.hold_until is None:
            return
        for s, h in self._previous.items():
            signal.signal(s, h)
        self._previous.clear()

    def check(self, state) -> None:
        """After trainer.train(): raise TrainingInterrupted when a signal stopped it short of the end."""
        self.restore()
        held = self.hold_until is not None  # an early warning whose moment never came: not an interruption
        if self.signal_name is not None and not held and (self.saved_step is not None or state.global_step < state.max_steps):
            step = self.saved_step
            # From here to exit 8 only the run record is left to write. A late duplicate SIGTERM is ignored at
            # the C level too: CPython's teardown drops Python handlers, and it would end the exit by SIGTERM.
            for s in SIGNALS:
                if s != signal.SIGINT:
                    try:
                        signal.signal(s, signal.SIG_IGN)
                    except ValueError:  # not the main thread
                        pass
            raise TrainingInterrupted(f"training stopped by {self.signal_name}"
                                      + (f" after saving checkpoint-{step}" if step is not None else "")
                                      + "; run the train target again to resume from it")
