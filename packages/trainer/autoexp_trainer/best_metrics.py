"""Which checkpoint a finished run reports as its best, and the metrics it reports with it.

Kept apart from training.py (which needs torch and the HF Trainer) because a wrong answer
here is silent: a run would still finish green, only with the wrong checkpoint or the
last evaluation's numbers instead of the best one's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Copied from the Trainer's metrics into final_metrics (the rest is per-step noise).
TRAIN_METRIC_KEYS = ("train_loss", "train_runtime", "train_samples_per_second")


def checkpoint_step(path: str | Path) -> int | None:
    """N of a checkpoint-N folder; None for any other name."""
    tail = Path(path).name.split("-")[-1]
    return int(tail) if tail.isdigit() else None


def latest_checkpoint(run_dir: Path) -> Path | None:
    """The run's checkpoint-N folder with the highest N (by number, not name), or None."""
    ckpts = [p for p in run_dir.glob("checkpoint-*") if p.is_dir() and checkpoint_step(p) is not None]
    return max(ckpts, key=checkpoint_step) if ckpts else None


def best_checkpoint(reported: str | None, run_dir: Path) -> str | None:
    """The Trainer's best_model_checkpoint when it still exists (absolute), else the run's latest checkpoint.

    Without eval (or with save_total_limit pruning it) the Trainer has no best one; the latest
    checkpoint is then what infer should use.
    """
    if reported and Path(reported).is_dir():
        return str(Path(reported).resolve())
    latest = latest_checkpoint(run_dir)
    return str(latest.resolve()) if latest else None


def final_metrics(state, best: str | None, train_metrics: dict) -> dict[str, Any]:
    """The eval_* row of the best checkpoint's step (the last evaluation when no row matches),
    plus global_step, eval_step and the train summary."""
    evals = [e for e in state.log_history if any(k.startswith("eval_") for k in e)]
    chosen = None
    if best:
        step = checkpoint_step(best)
        chosen = next((e for e in evals if e.get("step") == step), None)
    if chosen is None and evals:
        chosen = evals[-1]
    out: dict[str, Any] = {"global_step": state.global_step}
    if chosen:
        out.update({k: v for k, v in chosen.items() if k.startswith("eval_")})
        out["eval_step"] = chosen.get("step")
    out.update({k: v for k, v in train_metrics.items() if k in TRAIN_METRIC_KEYS})
    return out
