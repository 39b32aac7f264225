"""One training run: data -> tokenizer -> model -> HF Trainer -> checkpoints + run record.

Encoder-decoder models use Seq2SeqTrainer with predict_with_generate; decoder-only
models use Trainer with a prompt-masked collator and a generation-based
evaluation (CausalSummaryTrainer) so both report the competition score as
eval_score and pick the best checkpoint by it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import best_metrics
from .config import ResolvedConfig
from .data import Example, load_examples
from .errors import ConfigError, MissingDependencyError
from .events import EventEmitter
from .logging_utils import info, warn
from .preprocess import (DEFAULT_PROMPT_TEMPLATE, PreprocessSettings, encode_causal, encode_seq2seq,
                         seq2seq_framing)
from .devices import assigned_devices, fake_devices, is_main_process
from .run_record import RUN_RECORD_FILE, RunRecord
from .run_control import RunControl, check_resume_target

BASE_MODEL_DIR = "base_model"


@dataclass
class TrainResult:
    run_dir: str
    best_checkpoint: str | None
    final_metrics: dict[str, Any]
    batch_size_used: int | None


# ---------------------------------------------------------------- metrics

def make_score_fn(references: list[str], metric=None):
    """score(predictions) -> {rouge1, rouge2, rougeL, score} against the dev summaries (scoring.Metric)."""
    from .scoring import score_texts

    def score(predictions: list[str]) -> dict[str, float]:
        # Under torchrun, accelerate pads the last batch of every process with the first dev rows
        # again and (generation path, accelerate 1.15) does not cut them off: drop the wrap-around.
        predictions = predictions[: len(references)]
        refs = [[r] for r in references[: len(predictions)]]
        result = score_texts(predictions, refs, metric=metric)
        return {k: float(result[k]) for k in ("rouge1", "rouge2", "rougeL", "score")}

    return score


def seq2seq_compute_metrics(tokenizer, score_fn, keep_tokens):
    import numpy as np

    from .generation import decode_summaries

    def compute_metrics(eval_pred) -> dict[str, float]:
        preds = eval_pred.predictions[0] if isinstance(eval_pred.predictions, tuple) else eval_pred.predictions
        preds = np.where(preds < 0, tokenizer.pad_token_id, preds)  # -100 padding between batches
        # Decoded exactly as predict decodes, so eval_score is the score the submission gets.
        return score_fn(decode_summaries(tokenizer, preds, keep_tokens))

    return compute_metrics


class TiedWeightsLoadMixin:
    """load_best_model_at_end: a tied matrix is saved once, so the load reports its other names
    (lm_head.weight, embed_tokens) as missing. They are re-tied, not lost: say so in one line."""

    def _issue_warnings_after_load(self, load_result):
        model = self.accelerator.unwrap_model(self.model) if hasattr(self, "accelerator") else self.model
        base = model.get_base_model() if hasattr(model, "get_base_model") else model
        tied = set()
        for target, source in (getattr(base, "all_tied_weights_keys", None) or {}).items():
            tied.update((target, source))
        is_tied = lambda key: any(key == t or key.endswith("." + t) for t in tied)  # noqa: E731
        rest = [k for k in load_result.missing_keys if not is_tied(k)]
        if len(rest) != len(load_result.missing_keys):
            base.tie_weights()
            info("best checkpoint loaded; its tied weights (embeddings and lm_head, stored once) were re-tied")
        super()._issue_warnings_after_load(load_result._replace(missing_keys=rest))


def _seq2seq_trainer_class():
    from transformers import Seq2SeqTrainer

    class SummarySeq2SeqTrainer(TiedWeightsLoadMixin, Seq2SeqTrainer):
        """Evaluation generates with the infer section's decoding settings (beams, n-gram blocking,
        max new tokens), so the best checkpoint is chosen by the decoder that writes the submission."""

        def __init__(self, *args, eval_gen_kwargs=None, **kw):
            super().__init__(*args, **kw)
            self.eval_gen_kwargs = dict(eval_gen_kwargs or {})

        def evaluate(self, eval_dataset=None, ignore_keys=None, metric_key_prefix="eval", **gen_kwargs):
            return super().evaluate(eval_dataset, ignore_keys=ignore_keys, metric_key_prefix=metric_key_prefix,
                                    **{**self.eval_gen_kwargs, **gen_kwargs})

    return SummarySeq2SeqTrainer


# ---------------------------------------------------------------- decoder-only pieces

class CausalCollator:
    """Right-pads prompt+summary sequences; padded label positions are -100."""

    def __init__(self, pad_id: int, pad_to_multiple_of: int | None = None):
        self.pad_id, self.multiple = pad_id, pad_to_multiple_of

    def __call__(self, features: list[dict]) -> dict:
        import torch

        width = max(len(f["input_ids"]) for f in features)
        if self.multiple:
            width = -(-width // self.multiple) * self.multiple
        batch = {"input_ids": [], "attention_mask": [], "labels": []}
        for f in features:
            gap = width - len(f["input_ids"])
            batch["input_ids"].append(f["input_ids"] + [self.pad_id] * gap)
            batch["attention_mask"].append(f["attention_mask"] + [0] * gap)
            batch["labels"].append(f["labels"] + [-100] * gap)
        return {k: torch.tensor(v, dtype=torch.long) for k, v in batch.items()}


def _causal_trainer_class():
    from transformers import Trainer

    from .generation import GenerationOptions, generate_summaries

    class CausalSummaryTrainer(TiedWeightsLoadMixin, Trainer):
        """Trainer whose evaluation adds generated-summary scores to the loss."""

        def __init__(self, *args, eval_dialogues=None, score_fn=None, settings=None, gen_options=None, **kw):
            super().__init__(*args, **kw)
            self.eval_dialogues, self.score_fn = eval_dialogues, score_fn
            self.settings, self.gen_options = settings, gen_options

        def evaluation_loop(self, dataloader, description, prediction_loss_only=None, ignore_keys=None,
                            metric_key_prefix="eval"):
            output = super().evaluation_loop(dataloader, description, prediction_loss_only=True,
                                             ignore_keys=ignore_keys, metric_key_prefix=metric_key_prefix)
            if self.eval_dialogues and self.score_fn is not None:
                model = self.accelerator.unwrap_model(self.model)
                preds = generate_summaries(model, self.processing_class, self.eval_dialogues, self.settings,
                                           self.gen_options)
                for k, v in self.score_fn(preds).items():
                    output.metrics[f"{metric_key_prefix}_{k}"] = v
            return output

    return CausalSummaryTrainer


# ---------------------------------------------------------------- arguments

def _precision(cfg: ResolvedConfig) -> tuple[bool, bool]:
    import torch

    t = cfg.train
    cuda = _device_name(cfg) == "cuda"
    fp16, bf16 = t.fp16, t.bf16
    if bf16 and not (cuda and torch.cuda.is_bf16_supported()):
        warn("train.bf16 is true but this device has no bf16 support; training in fp32")
        bf16 = False
    if fp16 and not cuda:
        warn("train.fp16 is true but no CUDA GPU is available; training in fp32")
        fp16 = False
    return fp16, bf16


# T5-family activations overflow fp16's range (NaN loss a few hundred steps in).
_FP16_UNSAFE = {"t5", "mt5", "umt5", "longt5", "switch_transformers"}


def warn_fp16_family(cfg: ResolvedConfig, model_type: str) -> None:
    if cfg.train.fp16 and model_type in _FP16_UNSAFE:
        warn(f"train.fp16 with a {model_type} model: T5/mT5 overflow in fp16 (NaN loss); use train.bf16 on a "
             f"GPU that has it, or fp32")


def build_training_args(cfg: ResolvedConfig, *, seq2seq: bool):
    from transformers import Seq2SeqTrainingArguments, TrainingArguments

    t = cfg.train
    cls = Seq2SeqTrainingArguments if seq2seq else TrainingArguments
    fields = {f.name for f in dataclasses.fields(cls)}
    unknown = [k for k in t.extra_args if k not in fields]
    if unknown:
        raise ConfigError(f"{cfg.source}: key 'train.extra_args.{unknown[0]}' is not a "
                          f"{cls.__name__} option (transformers 5). Remove or rename it.")
    fp16, bf16 = _precision(cfg)
    auto_bs = t.per_device_train_batch_size == "auto"
    kwargs: dict[str, Any] = dict(
        output_dir=t.run_dir,
        num_train_epochs=t.num_train_epochs,
        max_steps=t.max_steps,
        learning_rate=t.learning_rate,
        per_device_train_batch_size=16 if auto_bs else t.per_device_train_batch_size,
        auto_find_batch_size=auto_bs,
        per_device_eval_batch_size=t.per_device_eval_batch_size,
        gradient_accumulation_steps=t.gradient_accumulation_steps,
        warmup_steps=t.warmup_ratio,  # transformers 5: a float < 1 is a ratio
        weight_decay=t.weight_decay,
        lr_scheduler_type=t.lr_scheduler_type,
        eval_strategy=t.eval_strategy,
        save_strategy=_save_strategy(t),
        logging_strategy="steps",
        logging_steps=t.logging_steps,
        save_total_limit=t.save_total_limit,
        load_best_model_at_end=t.load_best_model_at_end,
        metric_for_best_model=t.metric_for_best_model,
        greater_is_better=t.greater_is_better,  # None: HF's rule (False for a *loss metric)
        seed=t.seed,
        fp16=fp16,
        bf16=bf16,
        report_to=t.report_to,
        disable_tqdm=True,
        dataloader_num_workers=0,
        dataloader_pin_memory=_device_name(cfg) == "cuda",
    )
    # Only the strategy that uses them: null means "not set" (HF's own defaults apply).
    for name in ("eval_steps", "save_steps"):
        if getattr(t, name) is not None:
            kwargs[name] = getattr(t, name)
    if seq2seq:
        # The decoding settings go to generate() per evaluation (SummarySeq2SeqTrainer).
        kwargs.update(predict_with_generate=True, generation_num_beams=cfg.eval_decoding.num_beams)
    if fake_devices():
        kwargs["use_cpu"] = True  # also makes accelerate use gloo (multi-CPU DDP) under torchrun
    kwargs.update(t.extra_args)
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{cfg.source}: transformers rejected the train settings: {exc}. "
                          f"Fix the train.* keys it names.") from None


def _save_strategy(t) -> str:
    if t.eval_strategy != "no":
        return t.eval_strategy  # checkpoints where the evaluations are
    return "steps" if t.save_steps is not None else "epoch"


def eval_generation_kwargs(cfg: ResolvedConfig) -> dict[str, Any]:
    d = cfg.eval_decoding
    kwargs: dict[str, Any] = {"max_new_tokens": d.max_new_tokens, "num_beams": d.num_beams, "max_length": None}
    if d.no_repeat_ngram_size:
        kwargs["no_repeat_ngram_size"] = d.no_repeat_ngram_size
    return kwargs


def build_settings(cfg: ResolvedConfig, tokenizer, model_type: str) -> PreprocessSettings:
    """What the model sees, saved with every checkpoint so predict rebuilds the same inputs."""
    p, m = cfg.preprocess, cfg.model
    add_bos, add_eos = seq2seq_framing(tokenizer, model_type) if m.type == "seq2seq" else (False, False)
    chat = bool(m.type == "causal_lm" and p.use_chat_template and getattr(tokenizer, "chat_template", None))
    if add_eos:
        info(f"the tokenizer adds no {tokenizer.eos_token}: sources are framed "
             f"{(tokenizer.bos_token + ' ... ') if add_bos else '... '}{tokenizer.eos_token} and every label ends "
             f"in {tokenizer.eos_token}")
    if chat:
        info("prompts use the tokenizer's chat template (preprocess.use_chat_template: false keeps the raw prompt)")
    return PreprocessSettings(prefix=p.prefix, max_source_length=p.max_source_length,
                              max_target_length=p.max_target_length, model_type=m.type,
                              prompt_template=p.prompt_template or DEFAULT_PROMPT_TEMPLATE,
                              add_bos=add_bos, add_eos=add_eos, use_chat_template=chat,
                              keep_tokens=list(p.special_tokens))


# ---------------------------------------------------------------- helpers

def _check_run_dir(run_dir: Path) -> None:
    if run_dir.exists() and ((run_dir / RUN_RECORD_FILE).exists() or any(run_dir.glob("checkpoint-*"))):
        raise ConfigError(f"train.run_dir {run_dir} already holds a training run. Each run needs a "
                          f"fresh run_id (the orchestrator makes one per run); delete or move the folder "
                          f"to reuse it.")


def _device_name(cfg: ResolvedConfig) -> str:
    import torch

    use_cpu = cfg.train.extra_args.get("use_cpu", False) or fake_devices()
    return "cuda" if torch.cuda.is_available() and not use_cpu else "cpu"


# ---------------------------------------------------------------- entry point

# The package each `train.report_to` tracker needs (HF's integrations import them lazily and fail late).
TRACKER_PACKAGES = {"wandb": "wandb", "mlflow": "mlflow", "tensorboard": "tensorboard", "comet_ml": "comet_ml"}


def check_trackers_available(report_to) -> None:
    """A tracker named in train.report_to whose package is missing: a clear message before training, not a crash."""
    import importlib.util

    names = [report_to] if isinstance(report_to, str) else list(report_to or [])
    for name in names:
        pkg = TRACKER_PACKAGES.get(name)
        if pkg and importlib.util.find_spec(pkg) is None:
            raise MissingDependencyError(
                f"train.report_to is '{name}', but the {pkg} package is not installed in this environment. "
                f"Install it (`.venv/bin/pip install {pkg}`) or set train.report_to: none.")


def run_training(cfg: ResolvedConfig, emitter: EventEmitter, control: RunControl | None = None) -> TrainResult:
    from transformers import EarlyStoppingCallback, PrinterCallback, set_seed

    from .callbacks import ProgressEventsCallback, SavePreprocessCallback
    from .disk_preflight import preflight
    from .interrupt import SaveOnInterruptCallback, TrainingInterrupted
    from .modeling import build_model, check_qlora_available
    from .tokenizer_builder import build_tokenizer
    from .tokenizer_check import check_tokenizer
    from .tracking import TrackerRunsCallback

    t, m = cfg.train, cfg.model
    control = control or RunControl()
    # Bad data or hardware fails before anything is written.
    train_rows: list[Example] = load_examples(cfg.data.train, need_summary=True, limit=t.max_train_samples,
                                              what="train")
    dev_rows: list[Example] = []
    if t.eval_strategy != "no":
        dev_rows = load_examples(cfg.data.dev, need_summary=True, limit=t.max_eval_samples, what="dev")
    if m.quantization == "4bit":
        check_qlora_available()
    check_trackers_available(t.report_to)
    args = build_training_args(cfg, seq2seq=m.type == "seq2seq")  # rejects bad train.* before any write
    run_dir = Path(t.run_dir)
    resume_from = control.resume_from_checkpoint
    resume_step = check_resume_target(run_dir, cfg, control) if resume_from else None
    if not resume_from and is_main_process():  # under torchrun the other ranks would find rank 0's fresh run record
        _check_run_dir(run_dir)
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        # A file in the way, a read-only mount or a full disk: the user's to fix, not a crash.
        raise ConfigError(f"train.output_dir: cannot create the run folder {run_dir}: {exc.strerror}; "
                          f"point train.output_dir at a writable folder (a file may be in the way)") from None

    device = _device_name(cfg)
    base_dir = run_dir / BASE_MODEL_DIR
    record = RunRecord(run_dir, run_id=cfg.run_id, experiment=cfg.experiment, config_hash=cfg.config_hash,
                       model_type=m.type, adapter=m.lora is not None,
                       base_model=(str(base_dir) if m.init == "random" else m.name_or_path) if m.lora else None,
                       device=device, devices=assigned_devices(device),
                       batch_size_used=None if t.per_device_train_batch_size == "auto" else t.per_device_train_batch_size)
    record.resume(resume_from, resume_step) if resume_from else record.start()
    try:
        set_seed(t.seed)
        texts = [e.dialogue for e in train_rows] + [e.summary or "" for e in train_rows]
        tokenizer = build_tokenizer(m, cfg.preprocess, texts)
        check_tokenizer(tokenizer, texts, "model.tokenizer.name_or_path" if m.tokenizer.name_or_path
                        else "model.name_or_path" if m.init == "pretrained" else "the trained tokenizer")
        if m.type == "causal_lm":
            tokenizer.padding_side = "left"  # generation appends to the right end of each prompt
        built = build_model(m, tokenizer, t.seed, base_dir=base_dir if (m.lora and m.init == "random") else None,
                            tag_tokens=cfg.preprocess.special_tokens)
        model = built.model
        model_type = getattr(model.config, "model_type", "") or ""
        warn_fp16_family(cfg, model_type)
        settings = build_settings(cfg, tokenizer, model_type)

        dialogues = [e.dialogue for e in train_rows]
        summaries = [e.summary or "" for e in train_rows]
        dev_dialogues = [e.dialogue for e in dev_rows]
        dev_summaries = [e.summary or "" for e in dev_rows]
        seq2seq = m.type == "seq2seq"
        encode = encode_seq2seq if seq2seq else encode_causal
        train_ds = encode(tokenizer, dialogues, summaries, settings)
        eval_ds = encode(tokenizer, dev_dialogues, dev_summaries, settings) if dev_rows else None

        score_fn = make_score_fn(dev_summaries, cfg.metric) if dev_rows else None
        callbacks = [ProgressEventsCallback(emitter, cfg.run_id, device), SavePreprocessCallback(settings)]
        if t.early_stopping_patience:
            callbacks.append(EarlyStoppingCallback(early_stopping_patience=t.early_stopping_patience))
        on_interrupt = SaveOnInterruptCallback() if control.save_on_interrupt else None
        if on_interrupt:
            callbacks.append(on_interrupt)
        # Tensor-core friendly shapes under mixed precision.
        multiple = 8 if (args.fp16 or args.bf16) else None
        if dev_rows:
            info(f"evaluation decodes like infer: {cfg.eval_decoding.source}")

        if seq2seq:
            from transformers import DataCollatorForSeq2Seq

            trainer = _seq2seq_trainer_class()(
                model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                processing_class=tokenizer,
                data_collator=DataCollatorForSeq2Seq(tokenizer, model=model, label_pad_token_id=-100,
                                                     pad_to_multiple_of=multiple),
                compute_metrics=seq2seq_compute_metrics(tokenizer, score_fn, settings.keep_tokens) if score_fn else None,
                callbacks=callbacks, eval_gen_kwargs=eval_generation_kwargs(cfg))
        else:
            from .generation import GenerationOptions

            d = cfg.eval_decoding
            trainer = _causal_trainer_class()(
                model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                processing_class=tokenizer, data_collator=CausalCollator(tokenizer.pad_token_id, multiple),
                callbacks=callbacks, eval_dialogues=dev_dialogues, score_fn=score_fn, settings=settings,
                gen_options=GenerationOptions(batch_size=t.per_device_eval_batch_size, num_beams=d.num_beams,
                                              max_new_tokens=d.max_new_tokens,
                                              no_repeat_ngram_size=d.no_repeat_ngram_size))
        trainer.remove_callback(PrinterCallback)  # it prints raw dicts; our events replace it
        # Last in the list, so the report_to integrations have started their runs when it reads them.
        trainer.add_callback(TrackerRunsCallback(record, trainer.callback_handler.callbacks))

        info(f"training {m.type} ({m.architecture or m.name_or_path}) on {len(train_ds)} rows, "
             f"dev {len(dev_rows)} rows, device {device}, output {run_dir}")
        if control.disk_check:
            preflight(model, cfg, len(train_ds), run_dir)
        # resume_from_checkpoint restores weights, optimizer, scheduler, RNG and the data position.
        train_output = trainer.train(resume_from_checkpoint=resume_from)
        if on_interrupt:
            on_interrupt.check(trainer.state)

        best = best_metrics.best_checkpoint(trainer.state.best_model_checkpoint, run_dir)
        final = best_metrics.final_metrics(trainer.state, best, train_output.metrics)
        batch_used = getattr(trainer, "_train_batch_size", None) or args.per_device_train_batch_size
        record.complete(final_metrics=final, best_checkpoint=best, batch_size_used=int(batch_used))
        return TrainResult(run_dir=str(run_dir), best_checkpoint=best, final_metrics=final,
                           batch_size_used=int(batch_used))
    except BaseException as exc:
        if isinstance(exc, TrainingInterrupted):
            record.interrupted(exc.message)
        else:
            record.fail(f"{type(exc).__name__}: {exc}")
        raise
