"""The trainer on model-faithful snapshots of the real recipes' base models
(tools/snapshots/build_snapshots.py: KoBART, mT5 XLSum, Qwen2.5-Instruct in an
offline HF hub cache). Each test pins one behaviour a real model needs."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from conftest import REPO_ROOT

KOBART = "digit82/kobart-summarization"
MT5 = "csebuetnlp/mT5_multilingual_XLSum"
QWEN = "Qwen/Qwen2.5-1.5B-Instruct"
TAGS = [f"#Person{i}#" for i in range(1, 8)] + ["#PhoneNumber#", "#Address#", "#PassportNumber#",
                                                 "#DateOfBirth#", "#SSN#", "#CardNumber#", "#CarNumber#", "#Email#"]
DIALOGUE = "#Person1#: 민수 씨, 요즘 몸이 좀 안 좋아요.\n#Person2#: 병원에 가서 검진을 받아 보세요."
SUMMARY = "#Person1#와 #Person2#는 병원에 간다."


@pytest.fixture(scope="module")
def hub(monkeypatch_module):
    sys.path.insert(0, str(REPO_ROOT / "tools" / "snapshots"))
    import build_snapshots

    from huggingface_hub import constants

    home = build_snapshots.build()
    # huggingface_hub reads HF_HOME at import: point its cache constant at the snapshots.
    monkeypatch_module.setattr(constants, "HF_HUB_CACHE", str(home / "hub"))
    return home


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def _tokenizer(name):
    from autoexp_trainer.tokenizer_builder import load_pretrained_tokenizer

    return load_pretrained_tokenizer(name, TAGS, "model.name_or_path")


def _settings(tok, model_type, kind="seq2seq", **kw):
    from autoexp_trainer.preprocess import PreprocessSettings, seq2seq_framing

    add_bos, add_eos = seq2seq_framing(tok, model_type) if kind == "seq2seq" else (False, False)
    return PreprocessSettings(max_source_length=64, max_target_length=16, model_type=kind, add_bos=add_bos,
                              add_eos=add_eos, keep_tokens=TAGS, **kw)


def test_kobart_labels_end_in_eos_and_source_is_framed(hub):
    from autoexp_trainer.preprocess import encode_seq2seq

    tok = _tokenizer(KOBART)
    assert tok(SUMMARY)["input_ids"][-1] != tok.eos_token_id  # KoBART's tokenizer adds no </s> itself
    s = _settings(tok, "bart")
    long = SUMMARY + " 그리고 내일 다시 만나기로 한다." * 5  # truncated labels keep their </s>
    feats = encode_seq2seq(tok, [DIALOGUE, DIALOGUE * 9], [SUMMARY, long], s)
    for f in feats:
        assert f["labels"][-1] == tok.eos_token_id and f["labels"].count(tok.eos_token_id) == 1
        assert f["input_ids"][0] == tok.bos_token_id and f["input_ids"][-1] == tok.eos_token_id
        assert len(f["labels"]) <= 16 and len(f["input_ids"]) <= 64


def test_mt5_tokenizer_appends_eos_itself_once(hub):
    from autoexp_trainer.preprocess import encode_seq2seq

    tok = _tokenizer(MT5)
    s = _settings(tok, "mt5")
    assert (s.add_bos, s.add_eos) == (False, False)
    f = encode_seq2seq(tok, [DIALOGUE], [SUMMARY], s)[0]
    assert f["labels"][-1] == tok.eos_token_id and f["labels"].count(tok.eos_token_id) == 1
    assert f["input_ids"][0] != tok.eos_token_id and f["input_ids"][-1] == tok.eos_token_id


def test_qwen_prompt_uses_the_chat_template_and_ends_turns_with_im_end(hub):
    from autoexp_trainer.preprocess import encode_causal

    tok = _tokenizer(QWEN)
    assert tok.bos_token is None and tok.eos_token == "<|im_end|>"
    chat = encode_causal(tok, [DIALOGUE], [SUMMARY], _settings(tok, "qwen2", "causal_lm", use_chat_template=True))[0]
    n = chat["labels"].count(-100)
    prompt = tok.decode(chat["input_ids"][:n], skip_special_tokens=False)
    assert prompt.startswith("<|im_start|>system\n") and prompt.endswith("<|im_start|>assistant\n")
    assert tok.decode(chat["input_ids"][n:], skip_special_tokens=False) == SUMMARY + "<|im_end|>"
    raw = encode_causal(tok, [DIALOGUE], [SUMMARY], _settings(tok, "qwen2", "causal_lm", use_chat_template=False))[0]
    assert "<|im_start|>" not in tok.decode(raw["input_ids"], skip_special_tokens=False)


def test_pre_registered_special_tags_survive_decoding(hub):
    from autoexp_trainer.generation import decode_summaries

    tok = _tokenizer(KOBART)
    # What a checkpoint saved by the official baseline does: the tags are registered as special.
    tok.add_special_tokens({"additional_special_tokens": TAGS})
    ids = [tok.eos_token_id] + tok(SUMMARY, add_special_tokens=False)["input_ids"] + [tok.eos_token_id, tok.pad_token_id]
    assert "#Person1#" not in tok.decode(ids, skip_special_tokens=True)  # the bug this guards against
    text = decode_summaries(tok, [ids], TAGS)[0]
    assert text.startswith("#Person1#") and "#Person2#" in text and "</s>" not in text and "<pad>" not in text


def test_qwen_lora_trains_the_tag_rows_without_resizing(hub):
    import torch

    from autoexp_trainer.config import LoraSpec, ModelSpec, TokenizerSpec
    from autoexp_trainer.modeling import build_model

    tok = _tokenizer(QWEN)
    spec = ModelSpec(type="causal_lm", name_or_path=QWEN, init="pretrained", architecture=None, config_overrides={},
                     tokenizer=TokenizerSpec(None, 100), lora=LoraSpec(8, 16, 0.0, ["q_proj", "v_proj"]),
                     quantization="none")
    model = build_model(spec, tok, 0, tag_tokens=TAGS).model
    emb = model.get_base_model().get_input_embeddings().token_adapter
    assert emb.base_layer.weight.shape[0] > len(tok)  # padded vocabulary: the tags took spare rows, no resize
    assert emb.base_layer.weight.dtype == torch.float32  # bf16 checkpoint, float32 master weights
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert any("trainable_tokens" in n for n in trainable)
    delta = next(p for n, p in model.named_parameters() if "trainable_tokens_delta" in n)
    assert delta.shape[0] == len(TAGS)
    ids = [tok.convert_tokens_to_ids(t) for t in TAGS]
    assert sorted(emb.token_indices["default"]) == sorted(ids)


def test_wrong_tokenizer_class_stops_with_the_fix(hub, tmp_path):
    from autoexp_trainer.errors import ConfigError
    from autoexp_trainer.tokenizer_check import check_tokenizer

    src = next((hub / "hub" / "models--digit82--kobart-summarization" / "snapshots").iterdir())
    folder = tmp_path / "kobart-no-class"
    shutil.copytree(src, folder)
    for name in ("config.json", "tokenizer_config.json"):
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        data.pop("tokenizer_class", None)
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
    good = _tokenizer(KOBART)
    assert check_tokenizer(good, [DIALOGUE, SUMMARY], "model.name_or_path")["kept_rate"] > 0.9
    wrong = _tokenizer(str(folder))  # a bart config without tokenizer_class: a byte-level BPE
    with pytest.raises(ConfigError, match=r"loaded as \w+ .*tokenizer_class"):
        check_tokenizer(wrong, [DIALOGUE, SUMMARY], "model.name_or_path")


def test_greater_is_better_follows_the_metric_unless_set(tmp_path, dataset):
    from autoexp_trainer.config import parse_config
    from autoexp_trainer.training import build_training_args

    from conftest import make_config

    def gib(**train):
        raw = make_config(tmp_path, dataset, **train)
        del raw["train"]["greater_is_better"]
        raw["train"].update(train)
        return build_training_args(parse_config(raw), seq2seq=True).greater_is_better

    assert gib(metric_for_best_model="loss") is False
    assert gib(metric_for_best_model="score") is True
    assert gib(metric_for_best_model="loss", greater_is_better=True) is True
