"""Inspect and load a checkpoint folder for inference: a full model, or a PEFT
adapter on its base model (adapter_config.json base_model_name_or_path)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .devices import fake_devices
from .errors import CheckpointError, MissingDependencyError
from .logging_utils import info, warn
from .offline import hub_kwargs
from .preprocess import PreprocessSettings

FULL_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
SHARD_INDEXES = ("model.safetensors.index.json", "pytorch_model.bin.index.json")
ADAPTER_WEIGHTS = ("adapter_model.safetensors", "adapter_model.bin")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model", "spiece.model", "vocab.json")


@dataclass
class CheckpointInfo:
    path: Path
    kind: str  # full | adapter
    base_model: str | None = None


def _check_shards(folder: Path, index_name: str) -> None:
    try:
        index = json.loads((folder / index_name).read_text(encoding="utf-8"))
        shards = sorted(set(index["weight_map"].values()))
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise CheckpointError(f"{folder / index_name}: unreadable shard index ({exc}). "
                              f"The checkpoint is damaged; pick another one or retrain.") from None
    missing = [s for s in shards if not (folder / s).is_file()]
    if missing:
        raise CheckpointError(f"{folder}: shard index lists {len(shards)} weight files but "
                              f"{', '.join(missing[:3])} {'is' if len(missing) == 1 else 'are'} missing "
                              f"(an interrupted save?). Pick another checkpoint or retrain.")


def inspect_checkpoint(path: str | Path) -> CheckpointInfo:
    folder = Path(path)
    if not folder.is_dir():
        raise CheckpointError(f"checkpoint folder not found: {folder}. Pass a checkpoint-<step>/ folder "
                              f"written by `train` (see autoexp_run.json best_checkpoint).")
    if (folder / "adapter_config.json").is_file():
        if not any((folder / w).is_file() for w in ADAPTER_WEIGHTS):
            raise CheckpointError(f"{folder}: has adapter_config.json but no adapter weights "
                                  f"({' or '.join(ADAPTER_WEIGHTS)}); the save was probably interrupted. "
                                  f"Pick another checkpoint or retrain.")
        try:
            base = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8"))["base_model_name_or_path"]
        except (OSError, ValueError, KeyError) as exc:
            raise CheckpointError(f"{folder / 'adapter_config.json'}: unreadable or without "
                                  f"base_model_name_or_path ({exc}).") from None
        return CheckpointInfo(path=folder, kind="adapter", base_model=base)
    if not (folder / "config.json").is_file():
        raise CheckpointError(f"{folder}: no config.json and no adapter_config.json; this is not a model "
                              f"checkpoint. Pass a checkpoint-<step>/ folder written by `train`.")
    for index_name in SHARD_INDEXES:
        if (folder / index_name).is_file():
            _check_shards(folder, index_name)
            return CheckpointInfo(path=folder, kind="full")
    if not any((folder / w).is_file() for w in FULL_WEIGHTS):
        raise CheckpointError(f"{folder}: no model weights ({', '.join(FULL_WEIGHTS + SHARD_INDEXES)}); "
                              f"the save was probably interrupted. Pick another checkpoint or retrain.")
    return CheckpointInfo(path=folder, kind="full")


def _load_errors() -> tuple:
    import pickle

    from safetensors import SafetensorError

    return (OSError, ValueError, RuntimeError, KeyError, EOFError, SafetensorError, pickle.UnpicklingError)


@dataclass
class LoadedModel:
    model: object
    tokenizer: object
    settings: PreprocessSettings
    info: CheckpointInfo
    device: object
    dtype: object


def resolve_device(name: str):
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() and not fake_devices() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise MissingDependencyError("--device cuda was asked for but no CUDA GPU is available. "
                                     "Use --device cpu or --device auto.")
    return torch.device(name)


def resolve_dtype(name: str, device):
    import torch

    if name == "auto":
        if device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float32
    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[name]
    if device.type == "cpu" and dtype == torch.float16:
        warn("--dtype fp16 on CPU is slow and may be unsupported by some ops; consider fp32")
    return dtype


def _has_tokenizer(folder: Path) -> bool:
    return any((folder / f).is_file() for f in TOKENIZER_FILES)


def _load_tokenizer(ck: CheckpointInfo):
    from transformers import AutoTokenizer

    sources = [ck.path] if _has_tokenizer(ck.path) else []
    if ck.kind == "adapter" and ck.base_model:
        sources.append(ck.base_model)
    if not sources:
        raise CheckpointError(f"{ck.path}: no tokenizer files ({', '.join(TOKENIZER_FILES[:2])}). "
                              f"Checkpoints written by `train` include them; copy them from the run.")
    errors = []
    for src in sources:
        try:
            return AutoTokenizer.from_pretrained(str(src), **hub_kwargs())
        except (OSError, ValueError) as exc:
            errors.append(f"{src}: {exc}")
    raise CheckpointError(f"cannot load a tokenizer for {ck.path}: {'; '.join(errors)}")


def _model_type_of(folder: Path, adapter: bool, base_model: str | None) -> str:
    if adapter:
        task = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8")).get("task_type")
        if task == "SEQ_2_SEQ_LM":
            return "seq2seq"
        if task == "CAUSAL_LM":
            return "causal_lm"
        folder = Path(base_model) if base_model and Path(base_model).is_dir() else folder
    try:
        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        return "seq2seq" if cfg.get("is_encoder_decoder") else "causal_lm"
    except (OSError, ValueError):
        return "seq2seq"


def load_for_inference(path: str | Path, device: str = "auto", dtype: str = "auto") -> LoadedModel:
    import torch
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM

    _LOAD_ERRORS = _load_errors()  # noqa: N806 - exceptions a damaged checkpoint raises
    ck = inspect_checkpoint(path)
    dev = resolve_device(device)
    torch_dtype = resolve_dtype(dtype, dev)
    settings = PreprocessSettings.load(ck.path)
    if settings is None:
        settings = PreprocessSettings(model_type=_model_type_of(ck.path, ck.kind == "adapter", ck.base_model))
        warn(f"{ck.path} has no autoexp_preprocess.json; assuming no prefix, max_source_length "
             f"{settings.max_source_length}, {settings.model_type}")
    tokenizer = _load_tokenizer(ck)
    if settings.model_type == "causal_lm":
        tokenizer.padding_side = "left"
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
    auto = AutoModelForSeq2SeqLM if settings.model_type == "seq2seq" else AutoModelForCausalLM
    try:
        if ck.kind == "full":
            model = auto.from_pretrained(str(ck.path), dtype=torch_dtype, **hub_kwargs())
        else:
            from peft import PeftModel

            base = auto.from_pretrained(ck.base_model, dtype=torch_dtype, **hub_kwargs())
            if base.get_input_embeddings().weight.shape[0] < len(tokenizer):
                base.resize_token_embeddings(len(tokenizer))
            model = PeftModel.from_pretrained(base, str(ck.path), **hub_kwargs())
            model = model.merge_and_unload()  # plain model: faster generation, same outputs
    except CheckpointError:
        raise
    except _LOAD_ERRORS as exc:
        what = f"base model {ck.base_model!r} + adapter" if ck.kind == "adapter" else "model"
        raise CheckpointError(f"{ck.path}: cannot load the {what}: {str(exc).splitlines()[0][:500]}. "
                              f"The checkpoint may be damaged or incomplete; pick another one or retrain.") from None
    model.to(dev)
    model.eval()
    info(f"loaded {ck.kind} {settings.model_type} checkpoint {ck.path} on {dev} ({str(torch_dtype).replace('torch.', '')})")
    return LoadedModel(model=model, tokenizer=tokenizer, settings=settings, info=ck, device=dev, dtype=torch_dtype)
