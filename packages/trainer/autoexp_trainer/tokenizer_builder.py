"""Tokenizers: train one on the training text (model.init: random, offline),
or load a pretrained one; in both cases add the dialogue tokens."""

from __future__ import annotations

import string
from typing import Iterable

from .errors import ConfigError
from .logging_utils import info
from .offline import hub_kwargs

PAD, EOS, UNK, BOS = "<pad>", "</s>", "<unk>", "<s>"


def _dialogue_added_tokens(tokens: Iterable[str]):
    from tokenizers import AddedToken

    # special=False: kept by decode(skip_special_tokens=True), since references use them.
    return [AddedToken(t, single_word=False, lstrip=False, rstrip=False, normalized=False, special=False)
            for t in tokens]


def train_tokenizer(texts: Iterable[str], vocab_size: int, added_tokens: list[str], model_type: str):
    """BPE on Metaspace pieces (works for Hangul without a pre-segmenter).

    vocab_size is the BPE part; 256 byte-fallback tokens and the dialogue
    tokens come on top. Ids: <pad>=0 </s>=1 <unk>=2 <s>=3, as T5 expects pad=0 and eos=1; BART
    and Llama take their ids from the model config we build to match.
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=UNK))
    tok.normalizer = normalizers.NFC()
    # prepend_scheme="first": no spurious space after "#Person1#" when decoding.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme="first")
    tok.decoder = decoders.Metaspace(prepend_scheme="first")
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[PAD, EOS, UNK, BOS],
        min_frequency=2,
        # ASCII always in the alphabet, so English/digits in test never become <unk>.
        initial_alphabet=list(string.printable.strip()) + ["▁"],
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    tok = _with_byte_fallback(tok)
    tok.add_tokens(_dialogue_added_tokens(added_tokens))
    if model_type == "seq2seq":
        # Encoder inputs and labels end with </s>; decoder-only sequences are built by hand.
        tok.post_processor = processors.TemplateProcessing(single=f"$A {EOS}", special_tokens=[(EOS, 1)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token=PAD, eos_token=EOS, unk_token=UNK,
                                   bos_token=BOS, model_max_length=100_000)
    info(f"trained a BPE tokenizer on the training text: {len(fast)} tokens")
    return fast


def _with_byte_fallback(tok):
    """Append <0x00>..<0xFF> and enable byte fallback: a character never seen in
    training (a rare Hangul syllable) becomes its UTF-8 bytes instead of <unk>,
    so decoding gives it back instead of silently dropping it."""
    import json

    from tokenizers import Tokenizer, decoders

    spec = json.loads(tok.to_str())
    vocab = spec["model"]["vocab"]
    for b in range(256):
        vocab.setdefault(f"<0x{b:02X}>", len(vocab))
    spec["model"]["byte_fallback"] = True
    rebuilt = Tokenizer.from_str(json.dumps(spec))
    rebuilt.decoder = decoders.Sequence([decoders.ByteFallback(),
                                         decoders.Metaspace(prepend_scheme="first")])
    return rebuilt


def load_pretrained_tokenizer(name_or_path: str, added_tokens: list[str], key: str):
    from transformers import AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(name_or_path, **hub_kwargs())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{key} = {name_or_path!r}: cannot load a tokenizer ({exc}). Give a local folder "
                          f"or a hub id that is in the HF cache (HF_HUB_OFFLINE=1 forbids downloads).") from None
    vocab = tok.get_vocab()
    new = [t for t in added_tokens if t not in vocab]
    if new:
        tok.add_tokens(_dialogue_added_tokens(new))
        info(f"added {len(new)} dialogue tokens to the tokenizer ({len(tok)} tokens)")
    if tok.pad_token is None:
        # Decoder-only tokenizers often lack a pad token; eos is the usual stand-in.
        tok.pad_token = tok.eos_token
    return tok


def build_tokenizer(model_spec, preprocess_spec, training_texts: list[str]):
    """The tokenizer for a training run, from the config's model section."""
    name = model_spec.tokenizer.name_or_path
    if name:
        return load_pretrained_tokenizer(name, preprocess_spec.special_tokens, "model.tokenizer.name_or_path")
    if model_spec.init == "pretrained":
        return load_pretrained_tokenizer(model_spec.name_or_path, preprocess_spec.special_tokens,
                                         "model.name_or_path")
    return train_tokenizer(training_texts, model_spec.tokenizer.vocab_size, preprocess_spec.special_tokens,
                           model_spec.type)
