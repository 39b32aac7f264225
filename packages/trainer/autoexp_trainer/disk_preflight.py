"""Before training: will the run's checkpoints fit on the output filesystem?

Estimate per checkpoint = saved weights (all parameters, or only the trainable
ones for an adapter) x bytes per weight + AdamW state (two fp32 values per
trainable parameter). The run keeps save_total_limit of them (every save when
unlimited) plus the one being written before rotation removes the oldest;
checkpoints already in the run folder (a resumed run) count as written.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import TrainerError
from .logging_utils import warn

OPTIMIZER_BYTES_PER_TRAINABLE = 8  # AdamW: exp_avg + exp_avg_sq in fp32
WARN_WITHIN = 0.10


class DiskSpaceError(TrainerError):
    """The output filesystem cannot hold the run's checkpoints."""

    exit_code = 9


@dataclass
class DiskEstimate:
    per_checkpoint: int
    kept: int
    already: int
    needed: int
    free: int
    mount: str


def mount_point(path: Path) -> str:
    p = path.resolve()
    while not p.exists():
        p = p.parent
    while not os.path.ismount(p) and p != p.parent:
        p = p.parent
    return str(p)


def _folder_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def estimate(model, *, adapter: bool, total_steps: int, save_steps: int, save_total_limit: int | None,
             run_dir: Path) -> DiskEstimate:
    params = list(model.parameters())
    trainable = [p for p in params if p.requires_grad]
    saved = trainable if adapter else params
    weights = sum(p.numel() * p.element_size() for p in saved)
    optimizer = sum(p.numel() for p in trainable) * OPTIMIZER_BYTES_PER_TRAINABLE
    per = weights + optimizer
    saves = max(1, math.ceil(total_steps / max(save_steps, 1)))
    kept = min(saves, save_total_limit) if save_total_limit else saves
    already = sum(_folder_bytes(c) for c in run_dir.glob("checkpoint-*") if c.is_dir()) if run_dir.exists() else 0
    # The save being written exists beside the kept ones until rotation removes the oldest.
    needed = max(per * min(kept + 1, saves) - already, per)
    probe = run_dir if run_dir.exists() else next(p for p in run_dir.parents if p.exists())
    return DiskEstimate(per_checkpoint=per, kept=kept, already=already, needed=needed,
                        free=shutil.disk_usage(probe).free, mount=mount_point(probe))


def _gb(n: int) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e8 else f"{n / 1e6:.1f} MB"


def check_disk(e: DiskEstimate, run_dir: Path) -> None:
    """Stops with the numbers when the checkpoints cannot fit; warns when they nearly do."""
    what = (f"{_gb(e.needed)} needed for checkpoints ({e.kept} kept x {_gb(e.per_checkpoint)} each incl. "
            f"optimizer state, plus the one being written{'; ' + _gb(e.already) + ' already written' if e.already else ''}), "
            f"{_gb(e.free)} free on {e.mount} (run folder {run_dir})")
    if e.needed > e.free:
        raise DiskSpaceError(f"not enough disk space: {what}. Free space there (`npx autoexp gc --yes` removes "
                             f"checkpoints nothing needs), lower train.save_total_limit, or point "
                             f"train.output_dir at a bigger filesystem.")
    if e.needed > e.free * (1 - WARN_WITHIN):
        warn(f"disk space is tight: {what}")


def planned_steps(max_steps: int, epochs: float, rows: int, batch_size, grad_accum: int) -> int:
    """Optimizer steps the run will take (as the HF Trainer counts them), for the number of saves."""
    if max_steps and max_steps > 0:
        return max_steps
    bs = batch_size if isinstance(batch_size, int) else 16  # "auto" starts at 16 and only shrinks
    return max(1, math.ceil(math.ceil(rows / bs) / max(grad_accum, 1)) * math.ceil(epochs))


def preflight(model, cfg, rows: int, run_dir: Path) -> None:
    t = cfg.train
    steps = planned_steps(t.max_steps, t.num_train_epochs, rows, t.per_device_train_batch_size,
                          t.gradient_accumulation_steps)
    save_steps = t.save_steps if t.eval_strategy != "epoch" else max(1, steps // max(math.ceil(t.num_train_epochs), 1))
    check_disk(estimate(model, adapter=cfg.model.lora is not None, total_steps=steps, save_steps=save_steps,
                        save_total_limit=t.save_total_limit, run_dir=run_dir), run_dir)
