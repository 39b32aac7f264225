"""The checkpoint a finished run reports as best, and the final_metrics it reports with it.

The round trip through the real HF Trainer is in test_best_checkpoint.py; these cases cover
the choices that run never makes: a pruned best checkpoint, no evaluation, step 9 vs 10.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from autoexp_trainer.best_metrics import best_checkpoint, checkpoint_step, final_metrics, latest_checkpoint

TRAIN = {"train_loss": 1.7, "train_runtime": 12.5, "train_samples_per_second": 3.2, "total_flos": 1e12, "epoch": 3.0}


def state(history, global_step=15):
    return SimpleNamespace(log_history=history, global_step=global_step)


def make_checkpoints(run_dir: Path, *names: str) -> None:
    for name in names:
        (run_dir / name).mkdir(parents=True)


# ------------------------------------------------------------ final_metrics


HISTORY = [
    {"loss": 2.0, "learning_rate": 1e-4, "step": 5},
    {"eval_score": 0.20, "eval_loss": 1.9, "epoch": 1.0, "step": 5},
    {"loss": 1.6, "learning_rate": 5e-5, "step": 10},  # a training log at the best step: not an evaluation
    {"eval_score": 0.55, "eval_loss": 1.5, "epoch": 2.0, "step": 10},
    {"eval_score": 0.30, "eval_loss": 1.4, "epoch": 3.0, "step": 15},
]


def test_final_metrics_are_the_best_evaluations_row_not_the_last():
    out = final_metrics(state(HISTORY), "/runs/r/checkpoint-10", TRAIN)
    assert out == {"global_step": 15, "eval_score": 0.55, "eval_loss": 1.5, "eval_step": 10,
                   "train_loss": 1.7, "train_runtime": 12.5, "train_samples_per_second": 3.2}


def test_final_metrics_fall_back_to_the_last_evaluation_when_the_best_step_has_none():
    # e.g. the latest checkpoint was taken as best (no eval at its step), or no checkpoint at all
    for best in ("/runs/r/checkpoint-12", "/runs/r/not-a-checkpoint", None):
        out = final_metrics(state(HISTORY), best, TRAIN)
        assert (out["eval_score"], out["eval_loss"], out["eval_step"]) == (0.30, 1.4, 15), best


def test_final_metrics_without_any_evaluation_hold_the_train_summary_only():
    out = final_metrics(state([{"loss": 2.0, "step": 5}], global_step=5), None, TRAIN)
    assert out == {"global_step": 5, "train_loss": 1.7, "train_runtime": 12.5, "train_samples_per_second": 3.2}


# ------------------------------------------------------------ which checkpoint


def test_checkpoint_step_reads_the_number_of_a_checkpoint_folder_only():
    assert checkpoint_step("/runs/r/checkpoint-120") == 120
    assert checkpoint_step(Path("checkpoint-7")) == 7
    assert checkpoint_step("/runs/r/checkpoint-best") is None
    assert checkpoint_step("/runs/r/checkpoint-") is None


def test_latest_checkpoint_orders_by_step_number_and_ignores_other_entries(tmp_path):
    make_checkpoints(tmp_path, "checkpoint-9", "checkpoint-10", "checkpoint-best", "checkpoint-50-copy")  # a user's copy
    (tmp_path / "checkpoint-99").write_text("a file, not a checkpoint folder")
    assert latest_checkpoint(tmp_path) == tmp_path / "checkpoint-10"  # by name, 9 would win


def test_latest_checkpoint_of_a_run_without_checkpoints_is_none(tmp_path):
    make_checkpoints(tmp_path, "checkpoint-final")
    assert latest_checkpoint(tmp_path) is None


def test_best_checkpoint_is_the_trainers_choice_as_an_absolute_path(tmp_path, monkeypatch):
    make_checkpoints(tmp_path, "r/checkpoint-10", "r/checkpoint-20")
    monkeypatch.chdir(tmp_path)
    assert best_checkpoint("r/checkpoint-10", Path("r")) == str(tmp_path / "r" / "checkpoint-10")


def test_best_checkpoint_falls_back_to_the_latest_when_the_trainers_is_gone_or_unknown(tmp_path, monkeypatch):
    make_checkpoints(tmp_path, "r/checkpoint-10", "r/checkpoint-20")
    monkeypatch.chdir(tmp_path)
    latest = str(tmp_path / "r" / "checkpoint-20")
    assert best_checkpoint(str(tmp_path / "r" / "checkpoint-5"), Path("r")) == latest  # pruned by save_total_limit
    assert best_checkpoint(None, Path("r")) == latest  # no evaluation, so no best
    assert best_checkpoint(None, tmp_path / "empty") is None
