"""Bad data and bad config: distinct exit codes, messages that name file/row/key, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from autoexp_trainer.__main__ import main as dispatch
from autoexp_trainer.commands import train as train_cmd

from conftest import make_config, make_rows, write_config, write_csv
from helpers import run_cli

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")


def _train(tmp_path, cfg, capsys) -> tuple[int, str, str]:
    rc = train_cmd.main(["--config", str(write_config(tmp_path, cfg))])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_missing_column_exits_3_naming_file_and_column(tmp_path, dataset, capsys):
    bad = write_csv(tmp_path / "train.csv", make_rows(5, 1), ["fname", "dialogue", "topic"])
    cfg = make_config(tmp_path, dataset)
    cfg["data"]["train"] = str(bad)
    rc, out, err = _train(tmp_path, cfg, capsys)
    assert rc == 3
    assert str(bad) in err and "'summary'" in err
    assert out == ""
    assert not Path(cfg["train"]["run_dir"]).exists()  # nothing written for bad data


def test_empty_dialogue_exits_3_naming_row_and_fname(tmp_path, dataset, capsys):
    rows = make_rows(6, 1)
    rows[3]["dialogue"] = "   "
    bad = write_csv(tmp_path / "dev.csv", rows, ["fname", "dialogue", "summary", "topic"])
    cfg = make_config(tmp_path, dataset)
    cfg["data"]["dev"] = str(bad)
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 3
    assert str(bad) in err and "row 4" in err and rows[3]["fname"] in err and "empty dialogue" in err


def test_duplicate_fname_exits_3(tmp_path, dataset, capsys):
    rows = make_rows(4, 1)
    rows[2]["fname"] = rows[0]["fname"]
    bad = write_csv(tmp_path / "train.csv", rows, ["fname", "dialogue", "summary", "topic"])
    cfg = make_config(tmp_path, dataset)
    cfg["data"]["train"] = str(bad)
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 3 and "duplicate fname" in err and "row 3" in err


def test_missing_data_file_exits_3(tmp_path, dataset, capsys):
    cfg = make_config(tmp_path, dataset)
    cfg["data"]["train"] = str(tmp_path / "nope.csv")
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 3 and "nope.csv" in err


def test_unknown_architecture_exits_4(tmp_path, dataset, capsys):
    cfg = make_config(tmp_path, dataset)
    cfg["model"]["architecture"] = "bartt"
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 4
    assert "model.architecture" in err and "'bartt'" in err
    assert not Path(cfg["train"]["run_dir"]).exists()


def test_causal_architecture_for_seq2seq_exits_4(tmp_path, dataset, capsys):
    cfg = make_config(tmp_path, dataset)
    cfg["model"]["architecture"] = "llama"  # a decoder-only type under model.type seq2seq
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 4 and "not a known seq2seq model_type" in err


@pytest.mark.parametrize("section,key,value,needle", [
    ("train", "learning_rate", "fast", "train.learning_rate' must be number"),
    ("train", "max_steps", 2.5, "train.max_steps' must be integer"),
    ("train", "load_best_model_at_end", 1, "train.load_best_model_at_end' must be boolean"),
    ("train", "per_device_train_batch_size", "big", "per_device_train_batch_size"),
    ("model", "type", "encoder", "model.type' must be one of seq2seq, causal_lm"),
    ("preprocess", "max_source_length", 0, "preprocess.max_source_length' must be a positive integer"),
])
def test_wrong_type_exits_4_naming_the_key(tmp_path, dataset, capsys, section, key, value, needle):
    cfg = make_config(tmp_path, dataset)
    cfg[section][key] = value
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 4
    assert needle in err
    assert "resolved-config.json" in err  # names the file


def test_unknown_config_override_exits_4(tmp_path, dataset, capsys):
    cfg = make_config(tmp_path, dataset)
    cfg["model"]["config_overrides"]["hidden_sizee"] = 64
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 4 and "model.config_overrides.hidden_sizee" in err and "BartConfig" in err
    # the failure happened after the run started: the record says so
    record = json.loads((Path(cfg["train"]["run_dir"]) / "autoexp_run.json").read_text())
    assert record["status"] == "failed" and "hidden_sizee" in record["error"]


def test_unknown_extra_arg_exits_4(tmp_path, dataset, capsys):
    cfg = make_config(tmp_path, dataset, extra_args={"evaluation_strategy": "steps"})
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 4 and "train.extra_args.evaluation_strategy" in err
    assert not Path(cfg["train"]["run_dir"]).exists()


def test_save_steps_not_multiple_of_eval_steps_exits_4(tmp_path, dataset, capsys):
    cfg = make_config(tmp_path, dataset, save_steps=15, eval_steps=10)
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 4 and "train.save_steps" in err


def test_invalid_json_exits_4(tmp_path, capsys):
    path = tmp_path / "c.json"
    path.write_text('{"experiment": "x",\n  oops}', encoding="utf-8")
    rc = train_cmd.main(["--config", str(path)])
    err = capsys.readouterr().err
    assert rc == 4 and "line 2" in err and str(path) in err


def test_existing_run_dir_is_not_overwritten(tmp_path, dataset, capsys):
    cfg = make_config(tmp_path, dataset)
    run_dir = Path(cfg["train"]["run_dir"])
    (run_dir / "checkpoint-5").mkdir(parents=True)
    marker = run_dir / "autoexp_run.json"
    marker.write_text('{"status": "completed"}', encoding="utf-8")
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 4 and "already holds a training run" in err
    assert marker.read_text(encoding="utf-8") == '{"status": "completed"}'


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-GPU path")
def test_qlora_without_cuda_exits_7(tmp_path, dataset, capsys):
    cfg = make_config(tmp_path, dataset, "llama_lora")
    cfg["model"].update(init="pretrained", name_or_path="some/llm", quantization="4bit")
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 7 and "CUDA" in err and "quantization" in err
    assert not Path(cfg["train"]["run_dir"]).exists()


def test_usage_errors_exit_2(capsys):
    assert train_cmd.main([]) == 2
    assert "--config" in capsys.readouterr().err
    assert dispatch(["frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err
    assert dispatch(["predict", "--checkpoint", "x", "--input", "y", "--output", "z",
                     "--batch-size", "0"]) == 2


def test_cli_subprocess_reports_exit_code(tmp_path, dataset):
    cfg = make_config(tmp_path, dataset)
    cfg["model"]["architecture"] = "nonexistent"
    proc = run_cli("train", "--config", str(write_config(tmp_path, cfg)), timeout=120)
    assert proc.returncode == 4
    assert proc.stdout == ""  # errors never pollute the JSON event stream
    assert "model.architecture" in proc.stderr


def test_dispatcher_routes_every_command(capsys):
    for name in ("train", "predict", "score"):
        assert dispatch([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert "--config" in out and "--checkpoint" in out and "--predictions" in out


@pytest.mark.parametrize("tracker", ["wandb", "mlflow"])
def test_missing_tracker_package_exits_7_before_writing(tmp_path, dataset, capsys, monkeypatch, tracker):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == tracker else real(name, *a))
    cfg = make_config(tmp_path, dataset)
    cfg["train"]["report_to"] = tracker
    rc, _, err = _train(tmp_path, cfg, capsys)
    assert rc == 7, err
    assert f"train.report_to is '{tracker}'" in err and "report_to: none" in err
    assert not Path(cfg["train"]["run_dir"]).exists()
