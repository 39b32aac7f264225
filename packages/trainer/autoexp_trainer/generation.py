"""Batched summary generation shared by `predict` and decoder-only evaluation.

Inputs are sorted by token length so each batch pads little; results are
written back in input order. A CUDA out-of-memory error halves the batch and
retries the same items; at batch size 1 it gives up (GenerationOOMError, exit 6).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Callable, TextIO

from .errors import GenerationOOMError
from .preprocess import PreprocessSettings, encode_prompt_ids, encode_sources


@dataclass
class GenerationOptions:
    batch_size: int = 16
    num_beams: int = 1
    max_new_tokens: int = 100
    no_repeat_ngram_size: int = 0
    sort_by_length: bool = True
    extra: dict = field(default_factory=dict)


def is_oom_error(exc: BaseException) -> bool:
    import torch

    if isinstance(exc, torch.cuda.OutOfMemoryError):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def _model_generate(model, **kwargs):
    """The one place that calls model.generate (tests replace it to simulate OOM)."""
    return model.generate(**kwargs)


class Progress:
    """items, items/s and ETA on stderr, at most about once a second."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None, every_s: float = 1.0):
        self.total, self.label, self.every_s = total, label, every_s
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.monotonic()
        self.last = 0.0
        self.done = 0

    def advance(self, n: int, force: bool = False) -> None:
        self.done += n
        now = time.monotonic()
        if not force and now - self.last < self.every_s and self.done < self.total:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else float("inf")
        print(f"[{self.label}] {self.done}/{self.total} items, {rate:.1f} items/s, ETA {eta:.0f}s",
              file=self.stream, flush=True)

    def note(self, message: str) -> None:
        print(f"[{self.label}] {message}", file=self.stream, flush=True)


def strip_token_ids(tokenizer, keep_tokens) -> set[int]:
    """Ids decoding drops: pad/bos/eos/unk and the model's own control tokens (<|im_end|>, <usr>,
    mT5's sentinels ...), but never the dialogue tags, even when the base registered them as special."""
    keep = set(keep_tokens or [])
    names = {tokenizer.pad_token, tokenizer.bos_token, tokenizer.eos_token, tokenizer.unk_token}
    names |= set(getattr(tokenizer, "all_special_tokens", []) or [])
    ids = {tokenizer.convert_tokens_to_ids(name) for name in names - keep - {None}}
    return {i for i in ids if isinstance(i, int)}


def decode_summaries(tokenizer, sequences, keep_tokens) -> list[str]:
    """Token ids -> summaries as the submission needs them (shared by predict and evaluation)."""
    drop = strip_token_ids(tokenizer, keep_tokens)
    texts = []
    for seq in sequences:
        ids = [int(i) for i in (seq.tolist() if hasattr(seq, "tolist") else seq) if int(i) >= 0 and int(i) not in drop]
        texts.append(" ".join(tokenizer.decode(ids, skip_special_tokens=False).split()))
    return texts


def _encode(tokenizer, dialogues: list[str], settings: PreprocessSettings) -> list[list[int]]:
    if settings.model_type == "causal_lm":
        return [encode_prompt_ids(tokenizer, d, settings) for d in dialogues]
    return encode_sources(tokenizer, dialogues, settings)


def _pad_batch(seqs: list[list[int]], pad_id: int, left: bool):
    import torch

    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        if left:
            ids[i, width - len(s):] = torch.tensor(s)
            mask[i, width - len(s):] = 1
        else:
            ids[i, : len(s)] = torch.tensor(s)
            mask[i, : len(s)] = 1
    return ids, mask


def generate_summaries(model, tokenizer, dialogues: list[str], settings: PreprocessSettings,
                       options: GenerationOptions, device=None, progress: Progress | None = None,
                       on_batch_size_change: Callable[[int], None] | None = None) -> list[str]:
    """Summaries for `dialogues`, in the same order."""
    import torch

    if not dialogues:
        return []
    device = device if device is not None else next(model.parameters()).device
    encoded = _encode(tokenizer, dialogues, settings)
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]), reverse=True) \
        if options.sort_by_length else list(range(len(encoded)))
    decoder_only = settings.model_type == "causal_lm"
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    # max_length=None: a saved generation_config carries max_length=20, which would
    # otherwise warn on every batch that max_new_tokens takes precedence.
    gen_kwargs = {"max_new_tokens": options.max_new_tokens, "max_length": None, "num_beams": options.num_beams,
                  "do_sample": False, "pad_token_id": pad_id, **options.extra}
    if options.no_repeat_ngram_size:
        gen_kwargs["no_repeat_ngram_size"] = options.no_repeat_ngram_size
    if decoder_only and tokenizer.eos_token_id is not None:
        gen_kwargs["eos_token_id"] = tokenizer.eos_token_id

    results: list[str | None] = [None] * len(dialogues)
    batch_size = max(1, options.batch_size)
    was_training = model.training
    model.eval()
    cursor = 0
    try:
        while cursor < len(order):
            idx = order[cursor: cursor + batch_size]
            ids, mask = _pad_batch([encoded[i] for i in idx], pad_id, left=decoder_only)
            try:
                with torch.inference_mode():
                    out = _model_generate(model, input_ids=ids.to(device), attention_mask=mask.to(device),
                                          **gen_kwargs)
            except Exception as exc:  # noqa: BLE001 - only OOM is handled, the rest re-raised
                if not is_oom_error(exc):
                    raise
                if torch.cuda.is_available():
                    torch.cuda.empty_cache()
                if batch_size == 1:
                    raise GenerationOOMError(
                        "CUDA out of memory even at batch size 1. Use a smaller --max-new-tokens or "
                        "--num-beams, --dtype bf16/fp16, a GPU with more memory, or --device cpu.") from None
                batch_size = max(1, batch_size // 2)
                msg = f"CUDA out of memory; retrying with batch size {batch_size}"
                if progress:
                    progress.note(msg)
                else:
                    print(msg, file=sys.stderr, flush=True)
                if on_batch_size_change:
                    on_batch_size_change(batch_size)
                continue
            if decoder_only:
                out = out[:, ids.shape[1]:]  # keep only the new tokens
            texts = decode_summaries(tokenizer, out, settings.keep_tokens)
            for i, text in zip(idx, texts):
                results[i] = text
            cursor += len(idx)
            if progress:
                progress.advance(len(idx), force=cursor >= len(order))
    finally:
        if was_training:
            model.train()
    return [r if r is not None else "" for r in results]
