"""Dialogue preprocessing shared by training and prediction.

The settings travel with every checkpoint as autoexp_preprocess.json, so
`predict` rebuilds exactly the inputs the model was trained on.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
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


# Families whose encoder input is framed <s> ... </s> (fairseq BART); T5-style families end with </s> only.
_BOS_FRAMED = {"bart", "mbart", "plbart", "pegasus", "marian", "led", "bigbird_pegasus"}


@dataclass
class PreprocessSettings:
    prefix: str = ""
    max_source_length: int = 512
    max_target_length: int = 100
    model_type: str = "seq2seq"  # seq2seq | causal_lm
    prompt_template: str = DEFAULT_PROMPT_TEMPLATE
    # Seq2seq tokenizers that add no special tokens themselves (KoBART's tokenizer.json has no
    # post-processor): we add them, as the family expects, so every label ends in </s>.
    add_bos: bool = False
    add_eos: bool = False
    # Decoder-only: wrap the prompt in the tokenizer's chat template (instruct models).
    use_chat_template: bool = False
    # Dialogue tags decoding must keep even if the base tokenizer registered them as special.
    keep_tokens: list[str] = field(default_factory=lambda: list(DEFAULT_SPECIAL_TOKENS))

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


def tokenizer_adds_eos(tokenizer) -> bool:
    eos = tokenizer.eos_token_id
    ids = tokenizer("a")["input_ids"]
    return eos is not None and bool(ids) and ids[-1] == eos


def seq2seq_framing(tokenizer, model_type: str) -> tuple[bool, bool]:
    """(add_bos, add_eos) for an encoder-decoder whose tokenizer may not add special tokens itself."""
    if tokenizer.eos_token_id is None or tokenizer_adds_eos(tokenizer):
        return False, False
    ids = tokenizer("a")["input_ids"]
    adds_bos = bool(ids) and tokenizer.bos_token_id is not None and ids[0] == tokenizer.bos_token_id
    add_bos = model_type in _BOS_FRAMED and tokenizer.bos_token_id is not None and not adds_bos
    return add_bos, True


def encode_sources(tokenizer, dialogues: list[str], settings: PreprocessSettings) -> list[list[int]]:
    """Encoder inputs, truncated to max_source_length with their framing tokens kept."""
    sources = [settings.source_text(d) for d in dialogues]
    if not settings.add_eos:
        return tokenizer(sources, max_length=settings.max_source_length, truncation=True)["input_ids"]
    head = [tokenizer.bos_token_id] if settings.add_bos else []
    room = max(1, settings.max_source_length - len(head) - 1)
    bodies = tokenizer(sources, add_special_tokens=False)["input_ids"]
    return [head + ids[:room] + [tokenizer.eos_token_id] for ids in bodies]


def encode_labels(tokenizer, summaries: list[str], settings: PreprocessSettings) -> list[list[int]]:
    """Decoder targets, each closed by </s> (appended when the tokenizer does not add it)."""
    if not settings.add_eos:
        return tokenizer(text_target=summaries, max_length=settings.max_target_length, truncation=True)["input_ids"]
    bodies = tokenizer(text_target=summaries, add_special_tokens=False)["input_ids"]
    room = max(1, settings.max_target_length - 1)
    return [ids[:room] + [tokenizer.eos_token_id] for ids in bodies]


def encode_seq2seq(tokenizer, dialogues: list[str], summaries: list[str] | None,
                   settings: PreprocessSettings) -> list[dict[str, list[int]]]:
    """Tokenize sources (and labels) for an encoder-decoder model, truncated to the max lengths."""
    features = [{"input_ids": ids, "attention_mask": [1] * len(ids)}
                for ids in encode_sources(tokenizer, dialogues, settings)]
    if summaries is not None:
        for feat, ids in zip(features, encode_labels(tokenizer, summaries, settings)):
            feat["labels"] = ids
    return features


_DIALOGUE_SLOT = "\u0000DIALOGUE\u0000"


def _prompt_parts(tokenizer, settings: PreprocessSettings) -> tuple[str, str]:
    """The prompt's text before and after the dialogue, chat-templated when configured."""
    user = settings.prompt_template.replace("{prefix}", settings.prefix).replace("{dialogue}", _DIALOGUE_SLOT)
    if settings.use_chat_template:
        user = tokenizer.apply_chat_template([{"role": "user", "content": user}], tokenize=False,
                                             add_generation_prompt=True)
    head, _, tail = user.partition(_DIALOGUE_SLOT)
    return head, tail


def encode_prompt_ids(tokenizer, dialogue: str, settings: PreprocessSettings) -> list[int]:
    """Prompt tokens for a decoder-only model: [bos] + prompt, the dialogue truncated
    from the right so the instruction suffix ("요약: ", the assistant turn) always survives."""
    head_text, tail_text = _prompt_parts(tokenizer, settings)
    head = tokenizer(head_text, add_special_tokens=False)["input_ids"] if head_text else []
    tail = tokenizer(tail_text, add_special_tokens=False)["input_ids"] if tail_text else []
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None and not settings.use_chat_template else []
    budget = max(1, settings.max_source_length - len(head) - len(tail) - len(bos))
    body = tokenizer(dialogue, add_special_tokens=False)["input_ids"][:budget]
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
