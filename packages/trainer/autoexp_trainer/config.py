"""Read and validate the resolved config JSON (docs/architecture.md).

The orchestrator has already validated the YAML against its schema; this
module re-checks what the trainer relies on so a hand-written or stale JSON
fails early with exit code 4 and the key path, instead of deep inside HF.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .logging_utils import warn
from .preprocess import DEFAULT_SPECIAL_TOKENS
from .scoring import Metric

_MISSING = object()


@dataclass
class DataPaths:
    train: str
    dev: str | None
    test: str | None = None
    sample_submission: str | None = None
    test_references: str | None = None


@dataclass
class LoraSpec:
    r: int = 8
    alpha: float = 16
    dropout: float = 0.05
    target_modules: list[str] | None = None


@dataclass
class TokenizerSpec:
    name_or_path: str | None = None
    vocab_size: int = 3000


@dataclass
class ModelSpec:
    type: str  # seq2seq | causal_lm
    name_or_path: str | None
    init: str  # pretrained | random
    architecture: str | None
    config_overrides: dict[str, Any]
    tokenizer: TokenizerSpec
    lora: LoraSpec | None
    quantization: str  # none | 4bit


@dataclass
class PreprocessSpec:
    prefix: str = ""
    max_source_length: int = 512
    max_target_length: int = 100
    special_tokens: list[str] = field(default_factory=lambda: list(DEFAULT_SPECIAL_TOKENS))
    prompt_template: str | None = None


@dataclass
class TrainSpec:
    output_dir: str
    run_dir: str
    num_train_epochs: float = 3
    max_steps: int = -1
    learning_rate: float = 5e-4
    per_device_train_batch_size: int | str = 8
    per_device_eval_batch_size: int = 16
    gradient_accumulation_steps: int = 1
    warmup_ratio: float = 0.0
    weight_decay: float = 0.0
    lr_scheduler_type: str = "linear"
    eval_strategy: str = "steps"
    eval_steps: int = 20
    save_steps: int = 20
    logging_steps: int = 5
    save_total_limit: int | None = 2
    load_best_model_at_end: bool = True
    metric_for_best_model: str = "score"
    greater_is_better: bool = True
    early_stopping_patience: int | None = None
    seed: int = 42
    fp16: bool = False
    bf16: bool = False
    max_train_samples: int | None = None
    max_eval_samples: int | None = None
    generation_max_length: int = 64
    generation_num_beams: int = 1
    report_to: str | list[str] = "none"
    extra_args: dict[str, Any] = field(default_factory=dict)


@dataclass
class ResolvedConfig:
    experiment: str
    run_id: str
    config_hash: str
    data: DataPaths
    model: ModelSpec
    preprocess: PreprocessSpec
    train: TrainSpec
    source: str = "<memory>"
    metric: Metric = field(default_factory=Metric)  # how eval_score is formed (scoring.Metric)


# ---------------------------------------------------------------- helpers

def _type_name(types: tuple) -> str:
    names = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "object",
             list: "array", type(None): "null"}
    return " or ".join(names.get(t, t.__name__) for t in types)


class _Section:
    """Typed access to one object of the config, errors name the key path."""

    def __init__(self, data: Any, path: str, source: str):
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: '{path}' must be an object, got {type(data).__name__}")
        self.data, self.path, self.source = data, path, source

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.source}: key '{self.key(name)}' {problem}. "
                           f"Fix it in the experiment YAML (or config/base.yaml) and re-run.")

    def get(self, name: str, types: tuple, default: Any = _MISSING) -> Any:
        if name not in self.data:
            if default is _MISSING:
                raise self.fail(name, "is missing")
            return default
        value = self.data[name]
        # bool is an int subclass: reject true/false where a number is expected.
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if not ok and float in types and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            raise self.fail(name, f"must be {_type_name(types)}, got {json.dumps(value)[:60]}")
        if float in types and isinstance(value, int) and not isinstance(value, bool):
            value = float(value) if int not in types else value
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: Any = _MISSING) -> str:
        value = self.get(name, (str,), default)
        if value not in choices:
            raise self.fail(name, f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    def positive(self, name: str, default: Any = _MISSING, allow_zero: bool = False) -> int:
        value = self.get(name, (int,), default)
        if value is not None and (value < 0 or (value == 0 and not allow_zero)):
            raise self.fail(name, f"must be a positive integer, got {value}")
        return value

    def section(self, name: str, default: Any = _MISSING) -> "_Section":
        return _Section(self.get(name, (dict,), default), self.key(name), self.source)


# ---------------------------------------------------------------- parsing

def _parse_data(s: _Section) -> DataPaths:
    return DataPaths(
        train=s.get("train", (str,)),
        dev=s.get("dev", (str, type(None)), None),
        test=s.get("test", (str, type(None)), None),
        sample_submission=s.get("sample_submission", (str, type(None)), None),
        test_references=s.get("test_references", (str, type(None)), None),
    )


def _parse_model(s: _Section) -> ModelSpec:
    mtype = s.choice("type", ("seq2seq", "causal_lm"))
    init = s.choice("init", ("pretrained", "random"), "pretrained")
    name = s.get("name_or_path", (str, type(None)), None)
    arch = s.get("architecture", (str, type(None)), None)
    overrides = s.get("config_overrides", (dict,), {}) or {}
    tok = s.get("tokenizer", (dict, type(None)), None) or {}
    ts = _Section(tok, s.key("tokenizer"), s.source)
    tokenizer = TokenizerSpec(
        name_or_path=ts.get("name_or_path", (str, type(None)), None),
        vocab_size=ts.positive("vocab_size", 3000),
    )
    lora_raw = s.get("lora", (dict, type(None)), None)
    lora = None
    if lora_raw is not None:
        ls = _Section(lora_raw, s.key("lora"), s.source)
        targets = ls.get("target_modules", (list, str, type(None)), None)
        if isinstance(targets, list) and not all(isinstance(t, str) for t in targets):
            raise ls.fail("target_modules", "must be a list of module names (strings)")
        lora = LoraSpec(r=ls.positive("r", 8), alpha=ls.get("alpha", (int, float), 16),
                        dropout=ls.get("dropout", (float,), 0.05),
                        target_modules=[targets] if isinstance(targets, str) else targets)
    quant = s.choice("quantization", ("none", "4bit"), "none")

    if init == "random":
        if not arch:
            raise s.fail("architecture", "is required when model.init is 'random' (e.g. bart, t5, llama)")
        _check_architecture(s, mtype, arch)
    elif not name:
        raise s.fail("name_or_path", "is required when model.init is 'pretrained' "
                                     "(a hub id or a local folder)")
    if quant == "4bit":
        if mtype != "causal_lm" or lora is None or init != "pretrained":
            raise s.fail("quantization", "'4bit' (QLoRA) needs model.type causal_lm, model.init "
                                         "pretrained and a model.lora section")
    return ModelSpec(type=mtype, name_or_path=name, init=init, architecture=arch,
                     config_overrides=dict(overrides), tokenizer=tokenizer, lora=lora,
                     quantization=quant)


def _check_architecture(s: _Section, mtype: str, arch: str) -> None:
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
        MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES,
    )

    table = MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES if mtype == "seq2seq" else MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
    if arch not in CONFIG_MAPPING_NAMES or arch not in table:
        examples = ", ".join(x for x in (("bart", "t5", "mt5", "mbart", "pegasus") if mtype == "seq2seq"
                                         else ("llama", "gpt2", "qwen2", "mistral", "gemma")) if x in table)
        raise s.fail("architecture", f"is {arch!r}, which is not a known {mtype} model_type in "
                                     f"transformers (examples: {examples})")


def _parse_preprocess(s: _Section) -> PreprocessSpec:
    special = s.get("special_tokens", (list, type(None)), None)
    if special is None:
        special = list(DEFAULT_SPECIAL_TOKENS)
    if not all(isinstance(t, str) and t for t in special):
        raise s.fail("special_tokens", "must be a list of non-empty strings")
    template = s.get("prompt_template", (str, type(None)), None)
    if template is not None and "{dialogue}" not in template:
        raise s.fail("prompt_template", "must contain the placeholder {dialogue}")
    return PreprocessSpec(
        prefix=s.get("prefix", (str,), "") or "",
        max_source_length=s.positive("max_source_length", 512),
        max_target_length=s.positive("max_target_length", 100),
        special_tokens=special,
        prompt_template=template,
    )


def _parse_train(s: _Section) -> TrainSpec:
    d = TrainSpec(output_dir="", run_dir="")
    bs = s.get("per_device_train_batch_size", (int, str), d.per_device_train_batch_size)
    if isinstance(bs, str) and bs != "auto":
        raise s.fail("per_device_train_batch_size", f"must be a positive integer or \"auto\", got {bs!r}")
    if isinstance(bs, int) and bs <= 0:
        raise s.fail("per_device_train_batch_size", f"must be positive, got {bs}")
    report_to = s.get("report_to", (str, list), "none")
    t = TrainSpec(
        output_dir=s.get("output_dir", (str,)),
        run_dir=s.get("run_dir", (str,)),
        num_train_epochs=s.get("num_train_epochs", (int, float), d.num_train_epochs),
        max_steps=s.get("max_steps", (int,), d.max_steps),
        learning_rate=s.get("learning_rate", (float,), d.learning_rate),
        per_device_train_batch_size=bs,
        per_device_eval_batch_size=s.positive("per_device_eval_batch_size", d.per_device_eval_batch_size),
        gradient_accumulation_steps=s.positive("gradient_accumulation_steps", d.gradient_accumulation_steps),
        warmup_ratio=s.get("warmup_ratio", (float,), d.warmup_ratio),
        weight_decay=s.get("weight_decay", (float,), d.weight_decay),
        lr_scheduler_type=s.get("lr_scheduler_type", (str,), d.lr_scheduler_type),
        eval_strategy=s.choice("eval_strategy", ("no", "steps", "epoch"), d.eval_strategy),
        eval_steps=s.positive("eval_steps", d.eval_steps),
        save_steps=s.positive("save_steps", d.save_steps),
        logging_steps=s.positive("logging_steps", d.logging_steps),
        save_total_limit=s.get("save_total_limit", (int, type(None)), d.save_total_limit),
        load_best_model_at_end=s.get("load_best_model_at_end", (bool,), d.load_best_model_at_end),
        metric_for_best_model=s.get("metric_for_best_model", (str,), d.metric_for_best_model),
        greater_is_better=s.get("greater_is_better", (bool,), d.greater_is_better),
        early_stopping_patience=s.get("early_stopping_patience", (int, type(None)), None),
        seed=s.get("seed", (int,), d.seed),
        fp16=s.get("fp16", (bool,), False),
        bf16=s.get("bf16", (bool,), False),
        max_train_samples=s.get("max_train_samples", (int, type(None)), None),
        max_eval_samples=s.get("max_eval_samples", (int, type(None)), None),
        generation_max_length=s.positive("generation_max_length", d.generation_max_length),
        generation_num_beams=s.positive("generation_num_beams", d.generation_num_beams),
        report_to=report_to,
        extra_args=s.get("extra_args", (dict,), {}) or {},
    )
    if not 0 <= t.warmup_ratio < 1:
        raise s.fail("warmup_ratio", f"must be in [0, 1), got {t.warmup_ratio}")
    if t.max_steps == 0 or t.max_steps < -1:
        raise s.fail("max_steps", f"must be -1 (use num_train_epochs) or a positive integer, got {t.max_steps}")
    for name in ("max_train_samples", "max_eval_samples", "early_stopping_patience", "save_total_limit"):
        value = getattr(t, name)
        if value is not None and value <= 0:
            raise s.fail(name, f"must be a positive integer or null, got {value}")
    if t.eval_strategy == "no":
        if t.load_best_model_at_end:
            warn("train.eval_strategy is 'no': load_best_model_at_end is turned off (nothing to compare)")
            t.load_best_model_at_end = False
        if t.early_stopping_patience:
            raise s.fail("early_stopping_patience", "needs train.eval_strategy 'steps' or 'epoch'")
    elif t.eval_strategy == "steps" and t.load_best_model_at_end and t.save_steps % t.eval_steps:
        raise s.fail("save_steps", f"({t.save_steps}) must be a multiple of train.eval_steps "
                                   f"({t.eval_steps}) when load_best_model_at_end is true")
    if t.early_stopping_patience and not t.load_best_model_at_end:
        raise s.fail("early_stopping_patience", "needs train.load_best_model_at_end: true")
    if t.fp16 and t.bf16:
        raise s.fail("fp16", "and train.bf16 cannot both be true")
    return t


def parse_config(raw: Any, source: str = "<memory>") -> ResolvedConfig:
    """Validate a decoded resolved-config object; raises ConfigError (exit 4)."""
    root = _Section(raw, "", source)
    cfg = ResolvedConfig(
        experiment=root.get("experiment", (str,)),
        run_id=root.get("run_id", (str,)),
        config_hash=root.get("config_hash", (str,), ""),
        data=_parse_data(root.section("data")),
        model=_parse_model(root.section("model")),
        preprocess=_parse_preprocess(root.section("preprocess", {})),
        train=_parse_train(root.section("train")),
        source=source,
        metric=Metric.from_dict(root.get("metric", (dict, type(None)), None), source),
    )
    if cfg.train.eval_strategy != "no" and not cfg.data.dev:
        raise root.fail("data.dev", f"is needed because train.eval_strategy is {cfg.train.eval_strategy!r} "
                                    f"(or set train.eval_strategy: no)")
    return cfg


def load_config(path: str | Path) -> ResolvedConfig:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {p}. Pass the resolved config JSON written by the "
                          f"orchestrator (runs/<exp>/train/resolved-config.json).") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {p}: {exc}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{p}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    return parse_config(raw, str(p))
