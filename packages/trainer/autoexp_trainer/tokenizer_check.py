"""Tokenizer sanity check before training: a tokenizer that transformers loads as the wrong class
(a bart config without tokenizer_class maps to a byte-level BPE) turns Hangul into <unk> or nothing,
silently; the run would train on garbage. Encode and decode a few train rows and stop early instead."""

from __future__ import annotations

from .errors import ConfigError
from .logging_utils import info

MAX_UNKNOWN_RATE = 0.05  # of the tokens of the checked rows
MIN_TEXT_KEPT = 0.9  # of the non-space characters, after an encode/decode round trip


def _chars(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def check_tokenizer(tokenizer, texts: list[str], where: str, rows: int = 8) -> dict[str, float]:
    """Raises ConfigError (exit 4) naming the tokenizer class and the fix when the sample does not survive."""
    sample = [t for t in texts if t.strip()][:rows]
    unk = tokenizer.unk_token_id
    total = unknown = empty = 0
    kept = original = 0
    for text in sample:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        if not ids:
            empty += 1
        total += len(ids)
        unknown += sum(1 for i in ids if unk is not None and i == unk)
        back = tokenizer.decode(ids, skip_special_tokens=True)
        original += _chars(text)
        kept += min(_chars(back), _chars(text)) if ids else 0
    unk_rate = unknown / max(total, 1)
    kept_rate = kept / max(original, 1)
    cls = type(tokenizer).__name__
    if empty or unk_rate > MAX_UNKNOWN_RATE or kept_rate < MIN_TEXT_KEPT:
        problem = (f"{empty} of {len(sample)} train rows encode to nothing" if empty else
                   f"{unk_rate:.0%} of the tokens of {len(sample)} train rows are unknown ({tokenizer.unk_token})"
                   if unk_rate > MAX_UNKNOWN_RATE else
                   f"an encode/decode round trip of {len(sample)} train rows keeps only {kept_rate:.0%} of the text")
        raise ConfigError(
            f"{where}: the tokenizer loaded as {cls} does not fit the training text: {problem}. It is probably "
            f"the wrong tokenizer class for this model (e.g. a byte-level BPE for a SentencePiece/Metaspace "
            f"vocabulary). Set \"tokenizer_class\" (e.g. \"PreTrainedTokenizerFast\") in the model's "
            f"tokenizer_config.json, or point model.tokenizer.name_or_path at the matching tokenizer.")
    info(f"tokenizer {cls}: {total} tokens for {len(sample)} train rows, {unk_rate:.1%} unknown, "
         f"round trip keeps {kept_rate:.0%} of the text")
    return {"unknown_rate": unk_rate, "kept_rate": kept_rate}
