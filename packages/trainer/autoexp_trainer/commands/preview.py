"""`python -m autoexp_trainer preview --config resolved.json [--rows N]`

What the model sees: for N train rows, the encoder/prompt input and the labels
exactly as training builds them, decoded with special tokens visible (a missing
</s> or a stripped tag shows), with token counts; then how many rows of the
whole train set the configured max lengths truncate. Loads the tokenizer (and
for a pretrained model its config), never the weights; writes nothing."""

from __future__ import annotations

import contextlib
import os
import sys

from ..cli import ArgumentParser, command
from ..config import load_config
from ..data import load_examples


def _positive(text: str) -> int:
    import argparse

    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def build_parser() -> ArgumentParser:
    p = ArgumentParser(prog="python -m autoexp_trainer preview",
                       description="Show train rows exactly as the model gets them, and how many are truncated.")
    p.add_argument("--config", required=True, help="resolved config JSON written by the orchestrator")
    p.add_argument("--rows", type=_positive, default=3, help="how many train rows to show (default 3)")
    return p


def model_type_of(cfg) -> str:
    """The HF model_type that decides the input framing: from the config.json, not the weights."""
    m = cfg.model
    if m.init == "random":
        return m.architecture or ""
    from transformers import AutoConfig

    from ..errors import ConfigError
    from ..offline import hub_kwargs

    try:
        return AutoConfig.from_pretrained(m.name_or_path, **hub_kwargs()).model_type
    except (OSError, ValueError) as exc:
        raise ConfigError(f"model.name_or_path = {m.name_or_path!r}: cannot read its config.json ({exc}). Give a "
                          f"local folder or a cached hub id (HF_HUB_OFFLINE=1 forbids downloads).") from None


def truncated_counts(tokenizer, rows, settings) -> tuple[int, int]:
    """Rows whose source or summary is longer than max_source_length / max_target_length allows."""
    from ..preprocess import encode_causal, encode_seq2seq

    src_cut = tgt_cut = 0
    if settings.model_type == "causal_lm":
        import dataclasses

        long = dataclasses.replace(settings, max_source_length=10**9, max_target_length=10**9)
        for full, cut in zip(encode_causal(tokenizer, [r.dialogue for r in rows], [r.summary for r in rows], long),
                             encode_causal(tokenizer, [r.dialogue for r in rows], [r.summary for r in rows], settings)):
            full_prompt = sum(1 for x in full["labels"] if x == -100)
            cut_prompt = sum(1 for x in cut["labels"] if x == -100)
            src_cut += full_prompt > cut_prompt
            tgt_cut += len(full["input_ids"]) - full_prompt > len(cut["input_ids"]) - cut_prompt
        return src_cut, tgt_cut
    import dataclasses

    long = dataclasses.replace(settings, max_source_length=10**9, max_target_length=10**9)
    dialogues, summaries = [r.dialogue for r in rows], [r.summary for r in rows]
    tokenizer.model_max_length = 10**9  # measure full lengths without a warning
    for full, cut in zip(encode_seq2seq(tokenizer, dialogues, summaries, long),
                         encode_seq2seq(tokenizer, dialogues, summaries, settings)):
        src_cut += len(full["input_ids"]) > len(cut["input_ids"])
        tgt_cut += len(full["labels"]) > len(cut["labels"])
    return src_cut, tgt_cut


@command
def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    cfg = load_config(args.config)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    rows = load_examples(cfg.data.train, need_summary=True, limit=cfg.train.max_train_samples, what="train")
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):
        from ..preprocess import encode_causal, encode_seq2seq
        from ..tokenizer_builder import build_tokenizer
        from ..tokenizer_check import check_tokenizer
        from ..training import build_settings

        texts = [r.dialogue for r in rows] + [r.summary or "" for r in rows]
        tokenizer = build_tokenizer(cfg.model, cfg.preprocess, texts)
        check_tokenizer(tokenizer, texts, "model.name_or_path" if cfg.model.init == "pretrained" else "the tokenizer")
        settings = build_settings(cfg, tokenizer, model_type_of(cfg))
        shown = rows[: args.rows]
        encode = encode_seq2seq if cfg.model.type == "seq2seq" else encode_causal
        features = encode(tokenizer, [r.dialogue for r in shown], [r.summary for r in shown], settings)
        src_cut, tgt_cut = truncated_counts(tokenizer, rows, settings)

    what = "encoder input" if cfg.model.type == "seq2seq" else "prompt"
    print(f"{cfg.experiment}: tokenizer {type(tokenizer).__name__} ({len(tokenizer)} tokens), {cfg.model.type}, "
          f"max_source_length {settings.max_source_length}, max_target_length {settings.max_target_length}", file=out)
    for row, feat in zip(shown, features):
        if cfg.model.type == "seq2seq":
            source, labels = feat["input_ids"], feat["labels"]
        else:
            n = sum(1 for x in feat["labels"] if x == -100)
            source, labels = feat["input_ids"][:n], feat["input_ids"][n:]
        print(f"\n--- {row.fname} (train row {row.row})", file=out)
        print(f"{what} ({len(source)} tokens):\n{tokenizer.decode(source, skip_special_tokens=False)}", file=out)
        print(f"labels ({len(labels)} tokens):\n{tokenizer.decode(labels, skip_special_tokens=False)}", file=out)
    print(f"\ntruncated at the configured lengths: {src_cut} of {len(rows)} train rows' {what}s "
          f"(max_source_length {settings.max_source_length}), {tgt_cut} of {len(rows)} labels "
          f"(max_target_length {settings.max_target_length})", file=out)
    return 0
