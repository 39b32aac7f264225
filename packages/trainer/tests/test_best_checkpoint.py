"""The run's best checkpoint is the one with the best eval score of the run,
and final_metrics is that evaluation's row (not the last evaluation's), through the real HF
Trainer. The choice itself, case by case: test_best_metrics.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import step_of

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")


@pytest.mark.parametrize("model", ["bart", "llama_lora"])
def test_best_checkpoint_has_the_runs_best_eval_score(model, trained):
    run = trained(model)
    run_dir: Path = run["run_dir"]
    record = json.loads((run_dir / "autoexp_run.json").read_text())
    newest = max(run_dir.glob("checkpoint-*"), key=step_of)
    history = json.loads((newest / "trainer_state.json").read_text())["log_history"]
    metric = "eval_" + run["cfg"]["train"]["metric_for_best_model"]
    evals = [e for e in history if metric in e]
    assert len(evals) >= 2, "the fixture must evaluate more than once for this test to mean anything"
    # Computed from the evaluations themselves, not from HF's best_model_checkpoint field.
    sign = 1 if run["cfg"]["train"]["greater_is_better"] else -1
    best = max(evals, key=lambda e: (sign * e[metric], -e["step"]))  # ties: the earliest (HF keeps the first)
    assert step_of(Path(record["best_checkpoint"])) == best["step"]
    assert record["final_metrics"][metric] == best[metric]
    assert record["final_metrics"]["eval_step"] == best["step"]
