"""Tokenizer trained on Korean text, and config parsing defaults."""

from __future__ import annotations

import pytest

from autoexp_trainer.config import parse_config
from autoexp_trainer.errors import ConfigError
from autoexp_trainer.preprocess import DEFAULT_SPECIAL_TOKENS, PreprocessSettings, encode_causal
from autoexp_trainer.tokenizer_builder import train_tokenizer

from conftest import make_config, make_rows


@pytest.fixture(scope="module")
def tok():
    rows = make_rows(40, 1)
    texts = [r["dialogue"] for r in rows] + [r["summary"] for r in rows]
    return train_tokenizer(texts, 400, DEFAULT_SPECIAL_TOKENS, "seq2seq")


def test_dialogue_tokens_are_single_tokens_and_survive_decoding(tok):
    text = "#Person1#: 민수 씨, 제 번호는 #PhoneNumber# 이에요.\n#Person2#는 병원에 간다."
    ids = tok(text)["input_ids"]
    pieces = tok.convert_ids_to_tokens(ids)
    assert "#Person1#" in pieces and "#PhoneNumber#" in pieces and "#Person2#" in pieces
    assert ids[-1] == tok.eos_token_id
    assert tok.decode(ids, skip_special_tokens=True) == text  # exact round trip, tokens kept
    assert len(DEFAULT_SPECIAL_TOKENS) == 15 and "#CarNumber#" in DEFAULT_SPECIAL_TOKENS


def test_unseen_characters_round_trip_through_byte_fallback(tok):
    text = "뷁 Hello 2024, OK? 간다"  # 뷁/간 never occur in the training text
    ids = tok(text)["input_ids"]
    assert tok.unk_token_id not in ids
    assert tok.decode(ids, skip_special_tokens=True) == text


def test_causal_labels_mask_the_prompt(tok):
    settings = PreprocessSettings(model_type="causal_lm", max_source_length=64, max_target_length=16)
    feat = encode_causal(tok, ["#Person1#: 안녕하세요"], ["#Person1#는 인사한다."], settings)[0]
    n_prompt = feat["labels"].count(-100)
    assert n_prompt > 0 and all(x == -100 for x in feat["labels"][:n_prompt])
    assert feat["labels"][n_prompt:] == feat["input_ids"][n_prompt:]
    assert feat["labels"][-1] == tok.eos_token_id


def test_config_defaults_and_eval_no(tmp_path):
    raw = make_config(tmp_path, {"train": "a.csv", "dev": "b.csv", "test": "c.csv"}, eval_strategy="no")
    raw["data"]["dev"] = None
    del raw["preprocess"]
    cfg = parse_config(raw)
    assert cfg.preprocess.special_tokens == DEFAULT_SPECIAL_TOKENS
    assert cfg.train.load_best_model_at_end is False  # nothing to compare without eval
    raw["train"]["eval_strategy"] = "steps"
    with pytest.raises(ConfigError, match="data.dev"):
        parse_config(raw)


def test_mixed_precision_only_where_supported(tmp_path, capsys):
    import torch

    from autoexp_trainer.training import build_training_args, eval_generation_kwargs

    raw = make_config(tmp_path, {"train": "a.csv", "dev": "b.csv", "test": "c.csv"}, bf16=True)
    cfg = parse_config(raw)
    args = build_training_args(cfg, seq2seq=True)
    if torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        assert args.bf16 is True
    else:
        assert args.bf16 is False
        assert "train.bf16 is true but this device has no bf16 support" in capsys.readouterr().err
    # train.generation_max_length (32) overrides the infer section's max_new_tokens for evaluation.
    assert args.predict_with_generate and eval_generation_kwargs(cfg)["max_new_tokens"] == 32
    assert args.metric_for_best_model == "eval_score" or args.metric_for_best_model == "score"


def test_early_stopping_needs_load_best(tmp_path):
    raw = make_config(tmp_path, {"train": "a.csv", "dev": "b.csv", "test": "c.csv"},
                      early_stopping_patience=2, load_best_model_at_end=False)
    with pytest.raises(ConfigError, match="early_stopping_patience"):
        parse_config(raw)
