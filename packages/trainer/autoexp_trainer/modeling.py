"""Build the model a training run starts from.

- init=random: AutoConfig.for_model(architecture, **config_overrides) sized to
  the tokenizer, so demos and tests need no downloads.
- init=pretrained: from_pretrained (local_files_only when offline).
- model.lora: wrap with a peft LoRA adapter; quantization=4bit (QLoRA) needs
  CUDA and bitsandbytes.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from .devices import is_main_process
from .errors import ConfigError, MissingDependencyError
from .logging_utils import info
from .offline import hub_kwargs

# Families whose decoder starts from pad (T5-style); others start from bos.
_PAD_STARTS = {"t5", "mt5", "umt5", "longt5", "switch_transformers"}


@dataclass
class BuiltModel:
    model: object
    adapter: bool


def check_qlora_available() -> None:
    import torch

    if not torch.cuda.is_available():
        raise MissingDependencyError(
            "model.quantization is '4bit' (QLoRA), which needs a CUDA GPU, and none is available. "
            "Run on a GPU machine, or set model.quantization: none to train LoRA in full precision.")
    if importlib.util.find_spec("bitsandbytes") is None:
        raise MissingDependencyError(
            "model.quantization is '4bit' (QLoRA), which needs the bitsandbytes package. Install it "
            "with `pip install 'autoexp-trainer[qlora]'` (or bitsandbytes), or set model.quantization: none.")


def _random_config(spec, tokenizer):
    from transformers import AutoConfig

    pad = tokenizer.pad_token_id
    bos = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
    ids = {"pad_token_id": pad, "eos_token_id": tokenizer.eos_token_id, "bos_token_id": bos}
    if spec.type == "seq2seq":
        ids["decoder_start_token_id"] = pad if spec.architecture in _PAD_STARTS else bos
        ids["is_encoder_decoder"] = True
    try:
        default = AutoConfig.for_model(spec.architecture)
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"model.architecture {spec.architecture!r}: {exc}") from None
    if hasattr(default, "forced_eos_token_id"):
        # BART's defaults force eos id 2, which is <unk> in our vocabulary.
        ids["forced_eos_token_id"] = tokenizer.eos_token_id
    if hasattr(default, "forced_bos_token_id"):
        ids["forced_bos_token_id"] = None
    unknown = [k for k in spec.config_overrides if not hasattr(default, k)]
    if unknown:
        raise ConfigError(f"model.config_overrides.{unknown[0]} is not a setting of "
                          f"{type(default).__name__} (architecture {spec.architecture!r}). "
                          f"Use the field names of that config class.")
    try:
        return AutoConfig.for_model(spec.architecture, **{**spec.config_overrides, **ids,
                                                           "vocab_size": len(tokenizer)})
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"model.config_overrides for {spec.architecture!r} are invalid: {exc}") from None


def _auto_class(model_type: str):
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM

    return AutoModelForSeq2SeqLM if model_type == "seq2seq" else AutoModelForCausalLM


def build_model(spec, tokenizer, seed: int, base_dir=None, tag_tokens=()) -> BuiltModel:
    """`base_dir`: where to save a random base before wrapping it in LoRA, so
    adapter checkpoints (adapter_config.json base_model_name_or_path) can find it.
    `tag_tokens`: the dialogue tags, whose embedding (and output) rows LoRA must train."""
    import torch

    auto = _auto_class(spec.type)
    if spec.quantization == "4bit":
        check_qlora_available()

    if spec.init == "random":
        torch.manual_seed(seed)
        config = _random_config(spec, tokenizer)
        model = auto.from_config(config)
        info(f"random-init {spec.architecture} model: {sum(p.numel() for p in model.parameters()):,} parameters")
    else:
        # float32 master weights: bf16/fp16 are applied as mixed precision by the Trainer (transformers 5
        # would otherwise load a bf16 checkpoint such as Qwen2.5 as bf16 and train it in pure bf16).
        kwargs = dict(hub_kwargs(), dtype=torch.float32)
        if spec.quantization == "4bit":
            kwargs.pop("dtype")
            from transformers import BitsAndBytesConfig

            kwargs["quantization_config"] = BitsAndBytesConfig(
                load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                bnb_4bit_compute_dtype=torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16)
        try:
            model = auto.from_pretrained(spec.name_or_path, **kwargs)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"model.name_or_path = {spec.name_or_path!r}: cannot load a {spec.type} model "
                              f"({exc}). Give a local folder or a cached hub id (offline mode forbids "
                              f"downloads).") from None
        _align_special_ids(model, tokenizer)

    # Only when the tokens outgrow the rows: Qwen2.5 and mT5 carry spare rows (151,936 for 151,665
    # tokens), which the added tags simply take.
    if model.get_input_embeddings().weight.shape[0] < len(tokenizer):
        model.resize_token_embeddings(len(tokenizer))

    if spec.lora is None:
        return BuiltModel(model=model, adapter=False)

    from peft import LoraConfig, TaskType, get_peft_model, prepare_model_for_kbit_training

    if spec.quantization == "4bit":
        model = prepare_model_for_kbit_training(model)
    if base_dir is not None and is_main_process():  # one copy under torchrun
        model.save_pretrained(base_dir)
        tokenizer.save_pretrained(base_dir)
        info(f"saved the random-init base model to {base_dir}")
    modules_to_save, token_indices = None, None
    if spec.init == "random":
        # A random base: every embedding row is untrained, so train (and save) the whole matrices.
        modules_to_save = [n for n in ("embed_tokens", "lm_head", "shared") if _has_module(model, n)]
    else:
        token_indices = tag_token_indices(model, tokenizer, tag_tokens)
    lora = LoraConfig(
        task_type=TaskType.SEQ_2_SEQ_LM if spec.type == "seq2seq" else TaskType.CAUSAL_LM,
        r=spec.lora.r, lora_alpha=spec.lora.alpha, lora_dropout=spec.lora.dropout,
        target_modules=spec.lora.target_modules, modules_to_save=modules_to_save,
        trainable_token_indices=token_indices)
    try:
        model = get_peft_model(model, lora)
    except ValueError as exc:
        raise ConfigError(f"model.lora: {exc}. Check model.lora.target_modules against the model's "
                          f"module names.") from None
    if base_dir is not None:
        for peft_cfg in model.peft_config.values():
            peft_cfg.base_model_name_or_path = str(base_dir)
    if token_indices:
        rows = len(next(iter(token_indices.values())))
        info(f"LoRA: the {rows} dialogue tag rows of {' and '.join(token_indices)} train "
             f"(peft trainable_token_indices{'; the tied output layer follows' if len(token_indices) == 1 else ''})")
    trainable, total = model.get_nb_trainable_parameters()
    info(f"LoRA adapter: {trainable:,} trainable of {total:,} parameters")
    return BuiltModel(model=model, adapter=True)


def tag_token_indices(model, tokenizer, tag_tokens) -> dict[str, list[int]] | None:
    """peft trainable_token_indices for the dialogue tags: only their rows train (new or pre-existing,
    resized or not), far less than whole embedding matrices, which also keeps QLoRA memory down.
    Tied output layers follow the embedding inside peft; an untied lm_head gets the same rows."""
    ids = sorted({tokenizer.convert_tokens_to_ids(t) for t in tag_tokens} - {None, tokenizer.unk_token_id})
    if not ids:
        return None
    names = {id(m): n.split(".")[-1] for n, m in model.named_modules()}
    indices = {names[id(model.get_input_embeddings())]: ids}
    out = model.get_output_embeddings()
    tied = out is None or out.weight.data_ptr() == model.get_input_embeddings().weight.data_ptr()
    if not tied:
        indices[names[id(out)]] = ids
    return indices


def _has_module(model, name: str) -> bool:
    return any(n.split(".")[-1] == name for n, _ in model.named_modules())


def _align_special_ids(model, tokenizer) -> None:
    # A pad token added to the tokenizer must be known to the model and its generation config.
    if getattr(model.config, "pad_token_id", None) is None and tokenizer.pad_token_id is not None:
        model.config.pad_token_id = tokenizer.pad_token_id
        if getattr(model, "generation_config", None) is not None:
            model.generation_config.pad_token_id = tokenizer.pad_token_id
