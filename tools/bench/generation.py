#!/usr/bin/env python3
"""Benchmark: length-sorted batching vs batching in file order (same batch size).

    .venv/bin/python tools/bench/generation.py [--rows 0] [--batch-size 16] [--stop reference|natural] [--size tiny|base --device cuda --dtype bf16]

The official baseline batches dev/test in file order; the trainer's predict
(autoexp_trainer.generation.generate_summaries) sorts by token length so each
batch pads little and finishes together. This script times both on the same
model and the same rows and prints items/s and the ratio. It is a benchmark,
not a test: nothing is asserted.

Data: DialogSum dev (../shared/data/dialogsum/dev.csv from the repo root)
when present, else data/sample/dev.csv. Model: a random-init BART (tiny:
d_model 64, 2+2 layers; `--size base`: d_model 768, 6+6) with a BPE tokenizer
trained on the data. A random model never emits EOS, so every row would run
to max_new_tokens and hide what sorting buys at the decoder end; with the
default `--stop reference`, a stopping criterion ends each row after as many
tokens as its reference summary has (capped at --max-new-tokens), i.e. the
output lengths of a model that writes reference-length summaries.
`--stop natural` lets the model decide. Orderings alternate, after one
warm-up batch, and the best of --repeats is kept (the CPU may be shared).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[2]
try:
    import autoexp_trainer  # noqa: F401
except ImportError:  # bare checkout: use the package from the source tree
    sys.path.insert(0, str(REPO / "packages" / "trainer"))

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SIZES = {
    "tiny": dict(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                 decoder_attention_heads=4, encoder_ffn_dim=128, decoder_ffn_dim=128, max_position_embeddings=1024),
    "base": dict(d_model=768, encoder_layers=6, decoder_layers=6, encoder_attention_heads=12,
                 decoder_attention_heads=12, encoder_ffn_dim=3072, decoder_ffn_dim=3072,
                 max_position_embeddings=1024),
}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="dev CSV (default: ../shared/data/dialogsum/dev.csv if present, else data/sample/dev.csv)")
    ap.add_argument("--train-data", help="CSV to train the tokenizer on (default: the train.csv next to --data)")
    ap.add_argument("--rows", type=int, default=0, help="dev rows to generate for (default 0 = all)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-source-length", type=int, default=512)
    ap.add_argument("--max-new-tokens", type=int, default=60)
    ap.add_argument("--stop", choices=("reference", "natural"), default="reference",
                    help="reference: each row stops after its reference summary's token count (default)")
    ap.add_argument("--size", choices=sorted(SIZES), default="tiny")
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument("--dtype", choices=("fp32", "bf16", "fp16"), default="fp32")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per ordering; the best is kept")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch CPU threads (default 1: on a shared, oversubscribed CPU more threads spin-wait "
                         "and add noise; both orderings use the same setting)")
    ap.add_argument("--seed", type=int, default=0)
    return ap.parse_args(argv)


def default_paths(args) -> tuple[Path, Path]:
    shared = REPO.parent / "shared" / "data" / "dialogsum"
    dev = Path(args.data) if args.data else (shared / "dev.csv" if (shared / "dev.csv").is_file()
                                             else REPO / "data" / "sample" / "dev.csv")
    train = Path(args.train_data) if args.train_data else dev.with_name("train.csv")
    if not train.is_file():
        train = dev
    return dev, train


def build(args, train_rows):
    import torch

    from autoexp_trainer.modeling import build_model
    from autoexp_trainer.preprocess import DEFAULT_SPECIAL_TOKENS, PreprocessSettings
    from autoexp_trainer.tokenizer_builder import train_tokenizer

    texts = [e.dialogue for e in train_rows] + [e.summary for e in train_rows]
    tokenizer = train_tokenizer(texts, 4000, DEFAULT_SPECIAL_TOKENS, "seq2seq")
    spec = SimpleNamespace(type="seq2seq", init="random", architecture="bart", config_overrides=SIZES[args.size],
                           lora=None, quantization="none")
    model = build_model(spec, tokenizer, seed=args.seed).model
    settings = PreprocessSettings(max_source_length=args.max_source_length, max_target_length=args.max_new_tokens)
    model.eval()
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[args.dtype]
    model.to(device=args.device, dtype=dtype)
    return model, tokenizer, settings


class ReferenceLengthModel:
    """Wraps the model so each row of a batch stops after its reference's token count.

    generate_summaries reorders rows, so the wrapper finds each row's target
    length from its (unpadded) encoder input ids, which are unique per row
    here (duplicates share a length anyway).
    """

    def __init__(self, model, lengths_by_input: dict[tuple[int, ...], int]):
        self.model = model
        self.lengths_by_input = lengths_by_input

    def __getattr__(self, name):  # parameters(), training, eval(), train(), config ...
        return getattr(self.model, name)

    def generate(self, input_ids, attention_mask, **kwargs):
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        targets = torch.tensor([
            self.lengths_by_input[tuple(row[m.bool()].tolist())] for row, m in zip(input_ids.cpu(), attention_mask.cpu())
        ], device=input_ids.device)

        class StopAtTarget(StoppingCriteria):
            def __call__(self, ids, scores, **kw):
                return (ids.shape[1] - 1) >= targets  # -1: the decoder start token

        return self.model.generate(input_ids=input_ids, attention_mask=attention_mask,
                                   stopping_criteria=StoppingCriteriaList([StopAtTarget()]), **kwargs)


def timed(fn, device: str) -> float:
    import torch

    if device == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    fn()
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - t0


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    import torch

    from autoexp_trainer.data import load_examples
    from autoexp_trainer.generation import GenerationOptions, generate_summaries

    if args.device == "cuda" and not torch.cuda.is_available():
        print("error: --device cuda but no CUDA GPU is available", file=sys.stderr)
        return 7
    torch.manual_seed(args.seed)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    dev_path, train_path = default_paths(args)
    dev = load_examples(dev_path, need_summary=args.stop == "reference", what="dev", limit=args.rows or None)
    train_rows = load_examples(train_path, need_summary=True, what="train", limit=1000)
    print(f"data: {len(dev)} rows of {dev_path}; tokenizer trained on {len(train_rows)} rows of {train_path}",
          file=sys.stderr)
    t_build = time.perf_counter()
    model, tokenizer, settings = build(args, train_rows)
    print(f"model: {args.size} BART, {sum(p.numel() for p in model.parameters()):,} parameters, "
          f"{args.device} {args.dtype}, ready in {time.perf_counter() - t_build:.0f}s", file=sys.stderr)

    dialogues = [e.dialogue for e in dev]
    encoded = tokenizer(dialogues, max_length=args.max_source_length, truncation=True)["input_ids"]
    lengths = [len(x) for x in encoded]
    if args.stop == "reference":
        ref_lengths = [min(args.max_new_tokens, len(x) - 1)  # -1: the </s> the tokenizer appends
                       for x in tokenizer([e.summary for e in dev])["input_ids"]]
        model = ReferenceLengthModel(model, {tuple(ids): n for ids, n in zip(encoded, ref_lengths)})

    # A random model's argmax is often <s>/<pad>, which decode to "": keep it to real tokens.
    suppress = {"suppress_tokens": sorted({tokenizer.pad_token_id, tokenizer.bos_token_id, tokenizer.unk_token_id})}

    def run(sort: bool):
        opts = GenerationOptions(batch_size=args.batch_size, max_new_tokens=args.max_new_tokens, sort_by_length=sort,
                                 extra=suppress)
        return {"texts": generate_summaries(model, tokenizer, dialogues, settings, opts)}

    generate_summaries(model, tokenizer, dialogues[: args.batch_size], settings,
                       GenerationOptions(batch_size=args.batch_size, max_new_tokens=args.max_new_tokens,
                                         extra=suppress))  # warm-up
    best = {False: float("inf"), True: float("inf")}
    outputs = {}
    for _ in range(max(1, args.repeats)):
        for sort in (False, True):
            box = {}
            best[sort] = min(best[sort], timed(lambda: box.update(run(sort)), args.device))
            outputs[sort] = box["texts"]

    n = len(dialogues)
    file_ips, sorted_ips = n / best[False], n / best[True]
    same = sum(a == b for a, b in zip(outputs[False], outputs[True]))
    print(f"items: {n}, batch size {args.batch_size}, input tokens min/mean/max "
          f"{min(lengths)}/{sum(lengths) / n:.0f}/{max(lengths)}, max_new_tokens {args.max_new_tokens}, stop: {args.stop}"
          + (f" (target output tokens mean {sum(ref_lengths) / n:.1f})" if args.stop == "reference" else ""))
    print(f"file order  : {file_ips:7.2f} items/s ({best[False]:.1f}s)")
    print(f"length-sort : {sorted_ips:7.2f} items/s ({best[True]:.1f}s)")
    print(f"ratio sorted/file-order: {sorted_ips / file_ips:.2f}x   identical summaries: {same}/{n}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
          f"threads {torch.get_num_threads()}, {args.device} {args.dtype}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
