"""Dialogue preprocessing shared by training and prediction.

The settings travel with every checkpoint as autoexp_preprocess.json, so
`predict` rebuilds exactly the inputs the model was trained on.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .io_utils import write_json_atomic

PREPROCESS_FILE = "autoexp_preprocess.json"

# Speaker turns and the PII masks of the competition data. They are added to
# the vocabulary as unsplittable tokens that are NOT "special" for decoding:
# references contain "#Person1#", so predictions must keep them.
SPEAKER_TOKENS = [f"#Person{i}#" for i in range(1, 8)]
PII_TOKENS = ["#PhoneNumber#", "#Address#", "#PassportNumber#", "#DateOfBirth#", "#SSN#",
              "#CardNumber#", "#CarNumber#", "#Email#"]
DEFAULT_SPECIAL_TOKENS = SPEAKER_TOKENS + PII_TOKENS

# Decoder-only models see the dialogue and the summary as one sequence.
DEFAULT_PROMPT_TEMPLATE = "{prefix}{dialogue}\n요약: "


@dataclass
class PreprocessSettings:
    prefix: str = ""
    max_source_length: int = 512
    max_target_length: int = 100
    model_type: str = "seq2seq"  # seq2seq | causal_lm
    prompt_template: str = DEFAULT_PROMPT_TEMPLATE

    def source_text(self, dialogue: str) -> str:
        if self.model_type == "causal_lm":
            return self.prompt_template.format(prefix=self.prefix, dialogue=dialogue)
        return f"{self.prefix}{dialogue}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, folder: str | Path) -> None:
        write_json_atomic(Path(folder) / PREPROCESS_FILE, self.to_json())

    @classmethod
    def load(cls, folder: str | Path) -> "PreprocessSettings | None":
        path = Path(folder) / PREPROCESS_FILE
        if not path.is_file():
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw and raw[k] is not None}
        return cls(**known)


def encode_seq2seq(tokenizer, dialogues: list[str], summaries: list[str] | None,
                   settings: PreprocessSettings) -> list[dict[str, list[int]]]:
    """Tokenize sources (and labels) for an encoder-decoder model, truncated to the max lengths."""
    sources = [settings.source_text(d) for d in dialogues]
    enc = tokenizer(sources, max_length=settings.max_source_length, truncation=True)
    features = [{"input_ids": ids, "attention_mask": mask}
                for ids, mask in zip(enc["input_ids"], enc["attention_mask"])]
    if summaries is not None:
        labels = tokenizer(text_target=summaries, max_length=settings.max_target_length, truncation=True)
        for feat, ids in zip(features, labels["input_ids"]):
            feat["labels"] = ids
    return features


def encode_prompt_ids(tokenizer, dialogue: str, settings: PreprocessSettings) -> list[int]:
    """Prompt tokens for a decoder-only model: bos + prompt, the dialogue truncated
    from the right so the instruction suffix ("요약: ") always survives."""
    prefix_text, _, suffix_text = settings.prompt_template.partition("{dialogue}")
    head = tokenizer(prefix_text.format(prefix=settings.prefix), add_special_tokens=False)["input_ids"] if prefix_text else []
    tail = tokenizer(suffix_text.format(prefix=settings.prefix), add_special_tokens=False)["input_ids"] if suffix_text else []
    budget = max(1, settings.max_source_length - len(head) - len(tail) - 1)
    body = tokenizer(dialogue, add_special_tokens=False)["input_ids"][:budget]
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    return bos + head + body + tail


def encode_causal(tokenizer, dialogues: list[str], summaries: list[str],
                  settings: PreprocessSettings) -> list[dict[str, list[int]]]:
    """prompt + summary + eos as one sequence; loss only on the summary part."""
    features = []
    eos = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []
    for dialogue, summary in zip(dialogues, summaries):
        prompt = encode_prompt_ids(tokenizer, dialogue, settings)
        target = tokenizer(summary, add_special_tokens=False)["input_ids"][: settings.max_target_length] + eos
        ids = prompt + target
        features.append({"input_ids": ids, "attention_mask": [1] * len(ids),
                         "labels": [-100] * len(prompt) + target})
    return features
