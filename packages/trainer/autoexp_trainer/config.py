"""Read and validate the resolved config JSON (docs/architecture.md).

The orchestrator has already validated the YAML against its schema and
filled the schema's defaults; this module re-checks what the trainer relies on
so a hand-written or stale JSON fails early with exit code 4 and the key path,
instead of deep inside HF. It keeps no defaults of its own: a key missing from
a hand-written JSON takes the schema's default (schema_defaults.py), and
`null` means "not set" wherever the schema allows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .logging_utils import warn
from .schema_defaults import fill_defaults
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
    r: int
    alpha: float
    dropout: float
    target_modules: list[str] | None


@dataclass
class TokenizerSpec:
    name_or_path: str | None
    vocab_size: int


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
    prefix: str
    max_source_length: int
    max_target_length: int
    special_tokens: list[str]
    prompt_template: str | None
    use_chat_template: bool


@dataclass
class TrainSpec:
    output_dir: str
    run_dir: str
    num_train_epochs: float
    max_steps: int
    learning_rate: float
    per_device_train_batch_size: int | str
    per_device_eval_batch_size: int
    gradient_accumulation_steps: int
    warmup_ratio: float
    weight_decay: float
    lr_scheduler_type: str
    eval_strategy: str
    eval_steps: int | None
    save_steps: int | None
    logging_steps: int
    save_total_limit: int | None
    load_best_model_at_end: bool
    metric_for_best_model: str
    greater_is_better: bool | None  # None: HF's rule (False for *loss, else True)
    early_stopping_patience: int | None
    seed: int
    fp16: bool
    bf16: bool
    max_train_samples: int | None
    max_eval_samples: int | None
    generation_max_length: int | None
    generation_num_beams: int | None
    generation_no_repeat_ngram_size: int | None
    report_to: str | list[str]
    extra_args: dict[str, Any] = field(default_factory=dict)


@dataclass
class EvalDecoding:
    """How evaluation during training generates: the train.generation_* keys where set, else the
    first infer strategy's settings, so eval_score is the score the submission's decoder gets."""
    max_new_tokens: int
    num_beams: int
    no_repeat_ngram_size: int
    source: str  # where the values came from, for the log line


@dataclass
class ResolvedConfig:
    experiment: str
    run_id: str
    config_hash: str
    data: DataPaths
    model: ModelSpec
    preprocess: PreprocessSpec
    train: TrainSpec
    eval_decoding: EvalDecoding
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

_STR_OR_NULL = (str, type(None))


def _positive_or_null(s: _Section, name: str, allow_zero: bool = False) -> int | None:
    value = s.get(name, (int, type(None)))
    if value is not None and (value < 0 or (value == 0 and not allow_zero)):
        raise s.fail(name, f"must be a positive integer or null, got {value}")
    return value


def _parse_data(s: _Section) -> DataPaths:
    return DataPaths(
        train=s.get("train", (str,)),
        dev=s.get("dev", _STR_OR_NULL, None),
        test=s.get("test", _STR_OR_NULL, None),
        sample_submission=s.get("sample_submission", _STR_OR_NULL, None),
        test_references=s.get("test_references", _STR_OR_NULL, None),
    )


def _parse_model(s: _Section) -> ModelSpec:
    mtype = s.choice("type", ("seq2seq", "causal_lm"))
    init = s.choice("init", ("pretrained", "random"))
    name = s.get("name_or_path", _STR_OR_NULL)
    arch = s.get("architecture", _STR_OR_NULL)
    overrides = s.get("config_overrides", (dict,))
    ts = s.section("tokenizer")
    tokenizer = TokenizerSpec(name_or_path=ts.get("name_or_path", _STR_OR_NULL),
                              vocab_size=ts.positive("vocab_size"))
    lora_raw = s.get("lora", (dict, type(None)))
    lora = None
    if lora_raw is not None:
        ls = _Section(lora_raw, s.key("lora"), s.source)
        targets = ls.get("target_modules", (list, str, type(None)))
        if isinstance(targets, list) and not all(isinstance(t, str) for t in targets):
            raise ls.fail("target_modules", "must be a list of module names (strings)")
        lora = LoraSpec(r=ls.positive("r"), alpha=ls.get("alpha", (int, float)),
                        dropout=ls.get("dropout", (float,)),
                        target_modules=[targets] if isinstance(targets, str) else targets)
    quant = s.choice("quantization", ("none", "4bit"))

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
    special = s.get("special_tokens", (list,))
    if not all(isinstance(t, str) and t for t in special):
        raise s.fail("special_tokens", "must be a list of non-empty strings")
    template = s.get("prompt_template", _STR_OR_NULL)
    if template is not None and "{dialogue}" not in template:
        raise s.fail("prompt_template", "must contain the placeholder {dialogue}")
    return PreprocessSpec(
        prefix=s.get("prefix", (str,)),
        max_source_length=s.positive("max_source_length"),
        max_target_length=s.positive("max_target_length"),
        special_tokens=list(special),
        prompt_template=template,
        use_chat_template=s.get("use_chat_template", (bool,)),
    )


def _parse_train(s: _Section) -> TrainSpec:
    bs = s.get("per_device_train_batch_size", (int, str))
    if isinstance(bs, str) and bs != "auto":
        raise s.fail("per_device_train_batch_size", f"must be a positive integer or \"auto\", got {bs!r}")
    if isinstance(bs, int) and bs <= 0:
        raise s.fail("per_device_train_batch_size", f"must be positive, got {bs}")
    t = TrainSpec(
        output_dir=s.get("output_dir", (str,)),
        run_dir=s.get("run_dir", (str,)),
        num_train_epochs=s.get("num_train_epochs", (int, float)),
        max_steps=s.get("max_steps", (int,)),
        learning_rate=s.get("learning_rate", (float,)),
        per_device_train_batch_size=bs,
        per_device_eval_batch_size=s.positive("per_device_eval_batch_size"),
        gradient_accumulation_steps=s.positive("gradient_accumulation_steps"),
        warmup_ratio=s.get("warmup_ratio", (float,)),
        weight_decay=s.get("weight_decay", (float,)),
        lr_scheduler_type=s.get("lr_scheduler_type", (str,)),
        eval_strategy=s.choice("eval_strategy", ("no", "steps", "epoch")),
        eval_steps=_positive_or_null(s, "eval_steps"),
        save_steps=_positive_or_null(s, "save_steps"),
        logging_steps=s.positive("logging_steps"),
        save_total_limit=_positive_or_null(s, "save_total_limit"),
        load_best_model_at_end=s.get("load_best_model_at_end", (bool,)),
        metric_for_best_model=s.get("metric_for_best_model", (str,)),
        greater_is_better=s.get("greater_is_better", (bool, type(None))),
        early_stopping_patience=_positive_or_null(s, "early_stopping_patience"),
        seed=s.get("seed", (int,)),
        fp16=s.get("fp16", (bool,)),
        bf16=s.get("bf16", (bool,)),
        max_train_samples=_positive_or_null(s, "max_train_samples"),
        max_eval_samples=_positive_or_null(s, "max_eval_samples"),
        generation_max_length=_positive_or_null(s, "generation_max_length"),
        generation_num_beams=_positive_or_null(s, "generation_num_beams"),
        generation_no_repeat_ngram_size=_positive_or_null(s, "generation_no_repeat_ngram_size", allow_zero=True),
        report_to=s.get("report_to", (str, list)),
        extra_args=s.get("extra_args", (dict,)),
    )
    if not 0 <= t.warmup_ratio < 1:
        raise s.fail("warmup_ratio", f"must be in [0, 1), got {t.warmup_ratio}")
    if t.max_steps == 0 or t.max_steps < -1:
        raise s.fail("max_steps", f"must be -1 (use num_train_epochs) or a positive integer, got {t.max_steps}")
    if t.eval_strategy == "steps":
        if t.eval_steps is None:
            raise s.fail("eval_steps", "is needed because train.eval_strategy is 'steps' (evaluate every N "
                                       "steps); set it, or use eval_strategy: epoch")
        if t.save_steps is None:
            t.save_steps = t.eval_steps  # checkpoints where the evaluations are, so the best one is kept
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


_DECODING_KEYS = (("max_new_tokens", "generation_max_length"), ("num_beams", "generation_num_beams"),
                  ("no_repeat_ngram_size", "generation_no_repeat_ngram_size"))


def _eval_decoding(root: _Section, t: TrainSpec) -> EvalDecoding:
    """train.generation_* where set, else infer.strategies[0] over the infer section (the strategy
    that writes the submission when it succeeds)."""
    infer = root.section("infer")
    strategies = infer.get("strategies", (list, type(None)), None) or []
    first = strategies[0] if strategies and isinstance(strategies[0], dict) else {}
    values: dict[str, int] = {}
    origins: list[str] = []
    for infer_key, train_key in _DECODING_KEYS:
        own = getattr(t, train_key)
        if own is not None:
            values[infer_key] = own
            origins.append(f"{infer_key}={own} (train.{train_key})")
            continue
        value = first.get(infer_key)
        where = f"infer.strategies[0].{infer_key}"
        if value is None:
            value = infer.get(infer_key, (int, type(None)), None)
            where = f"infer.{infer_key}"
        if not isinstance(value, int) or isinstance(value, bool) or value < (0 if infer_key == "no_repeat_ngram_size" else 1):
            raise root.fail(f"infer.{infer_key}", f"must be an integer (evaluation during training decodes "
                                                  f"like infer), got {json.dumps(value)}")
        values[infer_key] = value
        origins.append(f"{infer_key}={value} ({where})")
    return EvalDecoding(**values, source=", ".join(origins))


def parse_config(raw: Any, source: str = "<memory>") -> ResolvedConfig:
    """Validate a decoded resolved-config object; raises ConfigError (exit 4)."""
    root = _Section(fill_defaults(raw), "", source)
    train = _parse_train(root.section("train"))
    cfg = ResolvedConfig(
        experiment=root.get("experiment", (str,)),
        run_id=root.get("run_id", (str,)),
        config_hash=root.get("config_hash", (str,), ""),
        data=_parse_data(root.section("data")),
        model=_parse_model(root.section("model")),
        preprocess=_parse_preprocess(root.section("preprocess")),
        train=train,
        eval_decoding=_eval_decoding(root, train),
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
