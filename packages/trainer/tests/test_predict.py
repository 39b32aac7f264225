"""predict: length-sorted batching, input order, adapters, OOM back-off, bad checkpoints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from autoexp_trainer import generation
from autoexp_trainer.checkpoint import load_for_inference
from autoexp_trainer.commands import predict as predict_cmd
from autoexp_trainer.errors import GenerationOOMError
from autoexp_trainer.generation import GenerationOptions, generate_summaries

from conftest import make_rows
from helpers import read_csv

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")


def _best(run) -> Path:
    return Path(json.loads((run["run_dir"] / "autoexp_run.json").read_text())["best_checkpoint"])


def _dialogues(n: int = 10) -> list[str]:
    # Lengths vary (2-5 turns), so sorting really reorders the batch.
    rows = make_rows(n, 7, with_summary=False)
    return [r["dialogue"] for r in rows]


@pytest.fixture(scope="module")
def t5(trained):
    return load_for_inference(_best(trained("t5")), device="cpu", dtype="fp32")


def test_sorted_batching_matches_one_by_one_greedy(t5):
    dialogues = _dialogues(10)
    lengths = [len(t5.tokenizer(d)["input_ids"]) for d in dialogues]
    assert sorted(lengths, reverse=True) != lengths, "fixture must need reordering"
    opts = dict(num_beams=1, max_new_tokens=24)
    one_by_one = [generate_summaries(t5.model, t5.tokenizer, [d], t5.settings,
                                     GenerationOptions(batch_size=1, **opts))[0] for d in dialogues]
    batched = generate_summaries(t5.model, t5.tokenizer, dialogues, t5.settings,
                                 GenerationOptions(batch_size=4, sort_by_length=True, **opts))
    assert batched == one_by_one
    assert len(set(batched)) > 1, "outputs should differ between inputs for the order check to mean something"


def _echo_generate(model, input_ids, attention_mask, **kwargs):
    # A stand-in "model" that returns its input: each output names its own row.
    return input_ids


def test_results_come_back_in_input_order(t5, monkeypatch):
    monkeypatch.setattr(generation, "_model_generate", _echo_generate)
    dialogues = [f"#Person1#: {i} " + "도서관 " * (i * 3 % 7) for i in range(9)]  # in-vocabulary words
    out = generate_summaries(t5.model, t5.tokenizer, dialogues, t5.settings, GenerationOptions(batch_size=4))
    expected = [" ".join(t5.settings.source_text(d).split()) for d in dialogues]
    assert out == expected


def test_oom_halves_the_batch_and_retries(t5, monkeypatch, capsys):
    sizes = []

    def flaky(model, input_ids, attention_mask, **kwargs):
        sizes.append(input_ids.shape[0])
        if input_ids.shape[0] > 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return input_ids

    monkeypatch.setattr(generation, "_model_generate", flaky)
    dialogues = [f"#Person2#: 병원 {i}" for i in range(7)]
    progress = generation.Progress(len(dialogues), "predict")
    out = generate_summaries(t5.model, t5.tokenizer, dialogues, t5.settings,
                             GenerationOptions(batch_size=8), progress=progress)
    assert out == [" ".join(t5.settings.source_text(d).split()) for d in dialogues]
    assert sizes[:3] == [7, 4, 2]  # 8 -> 4 -> 2, then batches of 2
    assert max(sizes[2:]) <= 2
    err = capsys.readouterr().err
    assert "retrying with batch size 4" in err and "retrying with batch size 2" in err


def test_oom_at_batch_one_exits_6(trained, dataset, tmp_path, monkeypatch, capsys):
    def always_oom(model, input_ids, attention_mask, **kwargs):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory.")

    monkeypatch.setattr(generation, "_model_generate", always_oom)
    with pytest.raises(GenerationOOMError):
        t = load_for_inference(_best(trained("t5")), device="cpu")
        generate_summaries(t.model, t.tokenizer, ["#Person1#: 안녕"], t.settings, GenerationOptions(batch_size=1))
    out = tmp_path / "p.csv"
    out.write_text("keep me\n", encoding="utf-8")
    rc = predict_cmd.main(["--checkpoint", str(_best(trained("t5"))), "--input", str(dataset["test"]),
                           "--output", str(out), "--batch-size", "4"])
    assert rc == 6
    err = capsys.readouterr().err
    assert "batch size 1" in err and "retrying with batch size 2" in err
    assert out.read_text(encoding="utf-8") == "keep me\n"  # nothing the user had is lost


def test_other_runtime_errors_are_not_treated_as_oom(t5, monkeypatch):
    def broken(model, input_ids, attention_mask, **kwargs):
        raise RuntimeError("shape mismatch")

    monkeypatch.setattr(generation, "_model_generate", broken)
    with pytest.raises(RuntimeError, match="shape mismatch"):
        generate_summaries(t5.model, t5.tokenizer, ["#Person1#: 안녕"], t5.settings, GenerationOptions())


def test_adapter_checkpoint_loads_on_its_base(trained, dataset, tmp_path):
    run = trained("llama_lora")
    ck = _best(run)
    loaded = load_for_inference(ck, device="cpu")
    assert loaded.info.kind == "adapter"
    assert loaded.info.base_model == str(run["run_dir"] / "base_model")
    assert loaded.settings.model_type == "causal_lm"
    # The adapter changed the model: its (trained) embeddings differ from the saved random base.
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(loaded.info.base_model)
    assert not torch.equal(base.get_input_embeddings().weight, loaded.model.get_input_embeddings().weight)
    out = tmp_path / "p.csv"
    rc = predict_cmd.main(["--checkpoint", str(ck), "--input", str(dataset["test"]), "--output", str(out),
                           "--max-new-tokens", "8"])
    assert rc == 0
    assert [r["fname"] for r in read_csv(out)] == [r["fname"] for r in read_csv(dataset["test"])]


def _copy_checkpoint(src: Path, dst: Path, drop: list[str]) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(*drop))
    return dst


@pytest.mark.parametrize("model,drop,needle", [
    ("t5", ["model.safetensors"], "no model weights"),
    ("llama_lora", ["adapter_model.safetensors"], "no adapter weights"),
])
def test_checkpoint_without_weights_exits_5(model, drop, needle, trained, dataset, tmp_path, capsys):
    ck = _copy_checkpoint(_best(trained(model)), tmp_path / "checkpoint-9", drop)
    rc = predict_cmd.main(["--checkpoint", str(ck), "--input", str(dataset["test"]),
                           "--output", str(tmp_path / "p.csv")])
    err = capsys.readouterr().err
    assert rc == 5
    assert needle in err and str(ck) in err
    assert not (tmp_path / "p.csv").exists()


def test_sharded_checkpoint_with_missing_shard_exits_5(trained, dataset, tmp_path, capsys):
    ck = _copy_checkpoint(_best(trained("t5")), tmp_path / "checkpoint-3", ["model.safetensors"])
    (ck / "model.safetensors.index.json").write_text(json.dumps(
        {"metadata": {}, "weight_map": {"a": "model-00001-of-00002.safetensors",
                                        "b": "model-00002-of-00002.safetensors"}}))
    shutil.copy(_best(trained("t5")) / "model.safetensors", ck / "model-00001-of-00002.safetensors")
    rc = predict_cmd.main(["--checkpoint", str(ck), "--input", str(dataset["test"]),
                           "--output", str(tmp_path / "p.csv")])
    assert rc == 5
    assert "model-00002-of-00002.safetensors" in capsys.readouterr().err


def test_missing_checkpoint_folder_exits_5(dataset, tmp_path, capsys):
    rc = predict_cmd.main(["--checkpoint", str(tmp_path / "nope"), "--input", str(dataset["test"]),
                           "--output", str(tmp_path / "p.csv")])
    assert rc == 5
    assert "checkpoint folder not found" in capsys.readouterr().err


def test_corrupt_weights_exit_5(trained, dataset, tmp_path, capsys):
    ck = _copy_checkpoint(_best(trained("t5")), tmp_path / "checkpoint-4", [])
    (ck / "model.safetensors").write_bytes(b"\x00" * 64)
    rc = predict_cmd.main(["--checkpoint", str(ck), "--input", str(dataset["test"]),
                           "--output", str(tmp_path / "p.csv")])
    assert rc == 5
    assert "cannot load the model" in capsys.readouterr().err


def test_predict_input_missing_column_exits_3(trained, tmp_path, capsys):
    bad = tmp_path / "test.csv"
    bad.write_text("fname,text\nt1,안녕\n", encoding="utf-8")
    rc = predict_cmd.main(["--checkpoint", str(_best(trained("t5"))), "--input", str(bad),
                           "--output", str(tmp_path / "p.csv")])
    err = capsys.readouterr().err
    assert rc == 3
    assert str(bad) in err and "'dialogue'" in err
