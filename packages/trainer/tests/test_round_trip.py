"""train -> checkpoint-N on disk -> predict -> score, for tiny BART, T5 and LoRA-Llama (offline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autoexp_trainer.commands import predict as predict_cmd
from autoexp_trainer.scoring import Metric, score_texts

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
    assert record["trackers"] == []  # report_to: none
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
    assert all(0.0 <= e["eval_score"] <= 1.0 and "eval_rougeL" in e for e in evals)
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
    assert 0.0 <= result["score"] <= 1.0
    assert result["score"] == pytest.approx(Metric().combine(result))  # the competition's final


def test_sigterm_saves_a_checkpoint_and_marks_the_run_interrupted(tmp_path, dataset):
    """An orchestrator's SIGTERM (Ctrl-C, timeout): the trainer saves at the next step, exits 8, and the
    run record says interrupted, never "running"; a checkpoint at the interruption step is left to resume."""
    import os
    import signal
    import subprocess
    import sys

    from conftest import make_config, write_config
    from helpers import PACKAGE_ROOT

    cfg = make_config(tmp_path, dataset, "bart", max_steps=100000, eval_steps=100000, save_steps=100000,
                      logging_steps=1)
    env = dict(os.environ, PYTHONPATH=str(PACKAGE_ROOT), HF_HUB_OFFLINE="1")
    proc = subprocess.Popen([sys.executable, "-m", "autoexp_trainer", "train", "--config",
                             str(write_config(tmp_path, cfg))], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        for line in proc.stdout:  # wait until training is really under way
            if json.loads(line)["event"] == "log":
                break
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert rc == 8
    run_dir = Path(cfg["train"]["run_dir"])
    record = json.loads((run_dir / "autoexp_run.json").read_text())
    assert record["status"] == "interrupted" and record["finished_at"]
    saved = sorted(run_dir.glob("checkpoint-*"), key=step_of)
    assert saved and (saved[-1] / "trainer_state.json").is_file() and (saved[-1] / "optimizer.pt").is_file()


def test_pretrained_local_model_gets_the_dialogue_tokens(tmp_path, dataset, capsys):
    """model.init: pretrained from a local folder (how KoBART is used, minus the download)."""
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

    from autoexp_trainer.commands import train as train_cmd
    from autoexp_trainer.tokenizer_builder import train_tokenizer

    from conftest import make_config, make_rows, write_config

    rows = make_rows(40, 1)
    tok = train_tokenizer([r["dialogue"] for r in rows], 300, [], "seq2seq")  # no dialogue tokens
    assert len(tok.tokenize("#Person1#")) > 1
    base_cfg = AutoConfig.for_model("bart", vocab_size=len(tok), d_model=32, encoder_layers=1, decoder_layers=1,
                                    encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
                                    decoder_ffn_dim=64, pad_token_id=0, eos_token_id=1, bos_token_id=3,
                                    decoder_start_token_id=3, forced_eos_token_id=1)
    base = tmp_path / "pretrained"
    AutoModelForSeq2SeqLM.from_config(base_cfg).save_pretrained(base)
    tok.save_pretrained(base)

    cfg = make_config(tmp_path, dataset, "bart", max_steps=4, eval_steps=2, save_steps=2)
    cfg["model"].update(init="pretrained", name_or_path=str(base), architecture=None, config_overrides={})
    rc = train_cmd.main(["--config", str(write_config(tmp_path, cfg))])
    assert rc == 0, capsys.readouterr().err[-2000:]
    best = Path(json.loads((Path(cfg["train"]["run_dir"]) / "autoexp_run.json").read_text())["best_checkpoint"])
    saved_tok = AutoTokenizer.from_pretrained(best)
    assert saved_tok.tokenize("#Person1#") == ["#Person1#"]
    assert len(saved_tok) == len(tok) + 15
    model = AutoModelForSeq2SeqLM.from_pretrained(best)
    assert model.get_input_embeddings().weight.shape[0] == len(saved_tok)
    out = tmp_path / "p.csv"
    assert predict_cmd.main(["--checkpoint", str(best), "--input", str(dataset["test"]), "--output", str(out),
                             "--max-new-tokens", "8"]) == 0
    assert len(read_csv(out)) == len(read_csv(dataset["test"]))
