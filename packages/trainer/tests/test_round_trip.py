"""train -> checkpoint-N on disk -> predict -> score, for tiny BART, T5 and LoRA-Llama (offline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autoexp_trainer.commands import predict as predict_cmd
from autoexp_trainer.scoring import score_texts

from helpers import json_lines, read_csv, step_of

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")


@pytest.mark.parametrize("model", ["bart", "t5", "llama_lora"])
def test_train_predict_score(model, trained, dataset, tmp_path, capsys):
    run = trained(model)
    run_dir: Path = run["run_dir"]

    # checkpoints in the HF layout, each self-contained for predict
    ckpts = sorted(run_dir.glob("checkpoint-*"), key=step_of)
    assert ckpts, f"no checkpoint under {run_dir}"
    assert step_of(ckpts[-1]) == 20  # max_steps=20, final save
    for ck in ckpts:
        assert (ck / "trainer_state.json").is_file()
        assert (ck / "autoexp_preprocess.json").is_file()
        assert (ck / "tokenizer.json").is_file()
        weights = "adapter_model.safetensors" if model == "llama_lora" else "model.safetensors"
        assert (ck / weights).is_file(), f"{ck} lacks {weights}"
    state = json.loads((ckpts[-1] / "trainer_state.json").read_text())
    assert state["global_step"] == 20
    assert any("eval_score" in e for e in state["log_history"])

    # run record
    record = json.loads((run_dir / "autoexp_run.json").read_text())
    assert record["status"] == "completed" and record["run_id"] == "run1"
    assert record["config_hash"] == "0" * 64
    assert record["model_type"] == ("causal_lm" if model == "llama_lora" else "seq2seq")
    assert record["adapter"] is (model == "llama_lora")
    assert Path(record["best_checkpoint"]).is_dir()
    assert Path(record["best_checkpoint"]).parent == run_dir
    assert record["best_checkpoint"] == str(Path(state["best_model_checkpoint"]).resolve())
    assert "eval_score" in record["final_metrics"]
    if model == "llama_lora":
        assert record["base_model"] == str(run_dir / "base_model")
        adapter_cfg = json.loads((ckpts[-1] / "adapter_config.json").read_text())
        assert adapter_cfg["base_model_name_or_path"] == str(run_dir / "base_model")
        assert (run_dir / "base_model" / "model.safetensors").is_file()

    # progress events (docs/architecture.md)
    events = run["events"]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    assert events[0]["max_steps"] == 20 and events[0]["device"] == "cpu"
    logs = [e for e in events if e["event"] == "log"]
    evals = [e for e in events if e["event"] == "eval"]
    assert [e["step"] for e in logs] == [5, 10, 15, 20]
    assert all({"loss", "learning_rate", "eta_s", "max_steps", "epoch"} <= e.keys() for e in logs)
    assert [e["step"] for e in evals] == [10, 20]
    assert all(0.0 <= e["eval_score"] <= 3.0 and "eval_rougeL" in e for e in evals)
    assert events[-1]["best_checkpoint"] == record["best_checkpoint"]

    # predict with the chosen checkpoint, then score against the dev references
    out = tmp_path / "pred.csv"
    rc = predict_cmd.main(["--checkpoint", record["best_checkpoint"], "--input", str(dataset["dev"]),
                           "--output", str(out), "--batch-size", "4", "--device", "cpu"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err[-3000:]
    assert "items/s" in captured.err and "ETA" in captured.err
    done = json_lines(captured.out)[-1]
    assert done["event"] == "done" and done["rows"] == 8
    preds = read_csv(out)
    refs = read_csv(dataset["dev"])
    assert list(preds[0].keys()) == ["fname", "summary"]
    assert [p["fname"] for p in preds] == [r["fname"] for r in refs]
    assert all("<pad>" not in p["summary"] and "</s>" not in p["summary"] for p in preds)
    result = score_texts([p["summary"] for p in preds], [[r["summary"]] for r in refs])
    assert 0.0 <= result["score"] <= 3.0
    assert result["score"] == pytest.approx(result["rouge1"] + result["rouge2"] + result["rougeL"])
