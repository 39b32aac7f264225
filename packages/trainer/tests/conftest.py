"""Fixtures: a small deterministic Korean dataset in the competition layout and
resolved-config builders for tiny random-init models (no downloads)."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO_ROOT = Path(__file__).resolve().parents[3]
DIALOGSUM_DIR = REPO_ROOT.parent / "shared" / "data" / "dialogsum"

_NAMES = ["민수", "지영", "철수", "영희", "하준", "서연"]
_PLACES = ["도서관", "병원", "카페", "공항", "은행", "학교"]
_TOPICS = [
    ("예약", "{p}에서 만날 약속을 잡는다", ["{p}에 언제 갈 수 있어요?", "내일 오후 세 시 어때요?", "좋아요, 그때 봬요."]),
    ("건강", "{p}에서 건강 검진을 받는다", ["요즘 몸이 좀 안 좋아요.", "{p}에 가서 검진을 받아 보세요.", "네, 내일 가 볼게요."]),
    ("쇼핑", "{p} 근처에서 선물을 산다", ["친구 생일 선물을 사야 해요.", "{p} 근처 가게에 가 봐요.", "거기 물건이 좋대요."]),
    ("여행", "{p}에서 비행기를 탄다", ["여권 챙겼어요?", "네, {p}에 일찍 가야 해요.", "짐은 두 개예요."]),
]


def make_rows(n: int, seed: int, with_summary: bool = True) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        topic, summary_t, turns = _TOPICS[rng.randrange(len(_TOPICS))]
        place = rng.choice(_PLACES)
        speakers = rng.randint(2, 3)
        lines = []
        for j, t in enumerate(turns + turns[: rng.randint(0, 2)]):
            text = t.format(p=place)
            if rng.random() < 0.15:
                text += " 제 번호는 #PhoneNumber# 이에요."
            lines.append(f"#Person{j % speakers + 1}#: {rng.choice(_NAMES)} 씨, {text}")
        row = {"fname": f"row_{seed}_{i}", "dialogue": "\n".join(lines)}
        if with_summary:
            row["summary"] = f"#Person1#와 #Person2#는 {summary_t.format(p=place)}."
            row["topic"] = topic
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in columns})
    return path


@pytest.fixture(autouse=True)
def _signal_dispositions_restored():
    """Tests call the interrupt callback in this process, and an interrupted run ignores SIGTERM and
    SIGUSR1 to its end: put the dispositions back, or every later test and its children inherit them."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGUSR1)}
    yield
    for s, h in saved.items():
        signal.signal(s, h)


@pytest.fixture(scope="session")
def dataset(tmp_path_factory) -> dict[str, Path]:
    """train 48 / dev 8 / test 10 rows of synthetic Korean dialogues."""
    d = tmp_path_factory.mktemp("data")
    return {
        "train": write_csv(d / "train.csv", make_rows(48, 1), ["fname", "dialogue", "summary", "topic"]),
        "dev": write_csv(d / "dev.csv", make_rows(8, 2), ["fname", "dialogue", "summary", "topic"]),
        "test": write_csv(d / "test.csv", make_rows(10, 3, with_summary=False), ["fname", "dialogue"]),
    }


TINY_MODELS = {
    "bart": {"type": "seq2seq", "architecture": "bart", "config_overrides": {
        "d_model": 64, "encoder_layers": 2, "decoder_layers": 2, "encoder_attention_heads": 4,
        "decoder_attention_heads": 4, "encoder_ffn_dim": 128, "decoder_ffn_dim": 128,
        "max_position_embeddings": 256}},
    "t5": {"type": "seq2seq", "architecture": "t5", "config_overrides": {
        "d_model": 64, "d_ff": 128, "num_layers": 2, "num_decoder_layers": 2, "num_heads": 4, "d_kv": 16}},
    "llama_lora": {"type": "causal_lm", "architecture": "llama", "config_overrides": {
        "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 4,
        "intermediate_size": 128, "max_position_embeddings": 512},
        "lora": {"r": 8, "alpha": 16, "dropout": 0.0, "target_modules": ["q_proj", "v_proj"]}},
}


def make_config(tmp_path: Path, data: dict[str, Path], model: str = "bart", **train_overrides) -> dict:
    spec = TINY_MODELS[model]
    run_dir = tmp_path / "outputs" / "exp" / "run1"
    train = {
        "output_dir": str(run_dir.parent), "run_dir": str(run_dir),
        "num_train_epochs": 1, "max_steps": 20, "learning_rate": 0.003,
        "per_device_train_batch_size": 8, "per_device_eval_batch_size": 8,
        "gradient_accumulation_steps": 1, "warmup_ratio": 0.0, "weight_decay": 0.0,
        "lr_scheduler_type": "linear", "eval_strategy": "steps", "eval_steps": 10,
        "save_steps": 10, "logging_steps": 5, "save_total_limit": 2,
        "load_best_model_at_end": True, "metric_for_best_model": "score",
        "greater_is_better": True, "early_stopping_patience": None, "seed": 42,
        "fp16": False, "bf16": False, "max_train_samples": None, "max_eval_samples": None,
        "generation_max_length": 32, "generation_num_beams": 1, "report_to": "none", "extra_args": {},
    }
    train.update(train_overrides)
    return {
        "experiment": "exp", "run_id": "run1", "config_hash": "0" * 64,
        "data": {"train": str(data["train"]), "dev": str(data["dev"]), "test": str(data["test"]),
                 "sample_submission": None, "test_references": None},
        "model": {"type": spec["type"], "name_or_path": None, "init": "random",
                  "architecture": spec["architecture"], "config_overrides": dict(spec["config_overrides"]),
                  "tokenizer": {"name_or_path": None, "vocab_size": 400}, "lora": spec.get("lora"),
                  "quantization": "none"},
        "preprocess": {"prefix": "summarize: " if model == "t5" else "", "max_source_length": 128,
                       "max_target_length": 32},
        "train": train,
    }


def write_config(tmp_path: Path, cfg: dict) -> Path:
    path = tmp_path / "resolved-config.json"
    path.write_text(json.dumps(cfg, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def config_factory(tmp_path, dataset):
    def factory(model: str = "bart", **train_overrides) -> Path:
        return write_config(tmp_path, make_config(tmp_path, dataset, model, **train_overrides))
    return factory


@pytest.fixture(scope="session")
def trained(tmp_path_factory, dataset):
    """Train each tiny model once per session; tests reuse the run folders.

    BART goes through the real CLI in a subprocess (dispatcher, exit code,
    stdout purity); the others run in-process to save the import time.
    """
    import contextlib
    import io

    from helpers import json_lines, run_cli

    cache: dict[str, dict] = {}

    def get(model: str) -> dict:
        if model in cache:
            return cache[model]
        tmp = tmp_path_factory.mktemp(model)
        cfg = make_config(tmp, dataset, model)
        cfg_path = write_config(tmp, cfg)
        if model == "bart":
            proc = run_cli("train", "--config", str(cfg_path))
            assert proc.returncode == 0, proc.stderr[-3000:]
            stdout = proc.stdout
        else:
            from autoexp_trainer.commands import train as train_cmd

            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                rc = train_cmd.main(["--config", str(cfg_path)])
            assert rc == 0
            stdout = buf.getvalue()
        cache[model] = {"cfg": cfg, "tmp": tmp, "events": json_lines(stdout),
                        "run_dir": Path(cfg["train"]["run_dir"])}
        return cache[model]

    return get
