#!/usr/bin/env python3
"""Writes the BERT fixtures of Tests/ModelsTests/BertTests.swift (PAL-SPEC §7, the cosine-similarity
metric's sentence encoder). Needs torch, transformers (5.x: its BertTokenizer is `tokenizers`-backed)
and safetensors:

    python3 scripts/make_bert_fixtures.py

Tests/ModelsTests/Fixtures/bert_tiny/:
  vocab.txt          a 100-token uncased WordPiece vocabulary written here
  tokenizer.json     the same vocabulary as a `tokenizers` file (transformers' BertTokenizer saved),
                     plus two added tokens: "<persona>" (normalized) and "[Strategy]" (not normalized)
  config.json        a tiny random HF BertModel: 2 layers, hidden 32, 4 heads, intermediate 64
  model.safetensors  its weights as save_pretrained writes them (no `bert.` prefix)
  expected.json      a padded batch (input_ids, attention_mask, token_type_ids) and, from the model in
                     eval mode with eager attention: last_hidden_state (B, T, C) at every position,
                     pooler_output (B, C), mean-pooled (B, C) over the attention mask
  tokenizer_ids.json strings and the ids HF gives them ([CLS] ... [SEP]) under several tokenizer
                     settings, from vocab.txt and from tokenizer.json, some truncated
  code_points.json   for every code point of planes 0-3 and 14 (and the first and last 256 of planes
                     15-16): a sha256 over what `tokenizers`' BertNormalizer (four flag settings) and
                     BertPreTokenizer do to it, listing only the code points they change (see
                     code_point_digests for the exact lines hashed)
Tests/ModelsTests/Fixtures/bert_minilm.json, only when models/all-MiniLM-L6-v2 exists
(scripts/fetch-models.sh): sentence-transformers-style embeddings (AutoModel, mean pooling over the
attention mask, L2 normalisation; max_length 256) of a few sentences, and the ids of MiniLM's
tokenizer.json for a few hundred strings (and `tokenizers`' decoding of some).
"""
import hashlib
import json
import os
import random

import safetensors.torch
import torch
import torch.nn.functional as F
import transformers
from tokenizers import AddedToken, Tokenizer
from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
FIXTURES = os.path.join(ROOT, "Tests", "ModelsTests", "Fixtures")
TINY = os.path.join(FIXTURES, "bert_tiny")
MINILM = os.path.join(ROOT, "models", "all-MiniLM-L6-v2")

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PUNCTUATION = list(".,!?'\"-():;$")
WORDS = ["the", "cat", "sat", "on", "mat", "hello", "world", "un", "##aff", "##able", "play", "##ing", "##ed",
         "feel", "support", "emotion", "cafe", "naive", "我", "中", "国", "is", "to", "and", "persona"]
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
VOCAB = SPECIALS + PUNCTUATION + LETTERS + ["##" + c for c in LETTERS] + WORDS

# Pieces the random strings are made of: words in and out of the vocabulary, case, accents, CJK,
# punctuation (ASCII and Unicode), whitespace and control characters, special tokens, emoji.
PIECES = ["the", "The", "CAT", "sat", "on", "mat", "hello", "World", "unaffable", "Unaffable", "playing",
          "played", "plays", "feels", "Support", "emotion", "Café", "café", "naïve", "NAÏVE", "résumé",
          "我", "中国", "我们", "日本語", "한국어", "Ünïcödé", "ﬁne", "Straße", "İstanbul", "ΣΑΣ", "Ωmega",
          ".", ",", "!", "?", "'", "\"", "-", "(", ")", ":", ";", "$", "…", "—", "–", "«", "»", "¿", "¡",
          "“", "”", "‘", "’", "@", "#", "%", "&", "*", "+", "=", "<", ">", "^", "`", "|", "~", "€", "£",
          " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2028", "\u200b", "\u00ad", "\x00", "\x07",
          "\ufffd", "\u0085", "\ue000", "e\u0301", "a\u0308", "n\u0303",
          "[MASK]", "[CLS]", "[SEP]", "[UNK]", "[PAD]", "[mask]", "<persona>", "<PERSONA>", "[Strategy]",
          "[strategy]", "🙂", "🥰", "👍🏽", "x" * 120, "ab" * 51, "don't", "I'm", "it's", "e-mail",
          "3.14", "2024", "a1b2", "HTTP://EXAMPLE.COM/a_b", "u.s.a.", "Mr.", "zzzz", "qwerty", "xyzzy"]

SENTENCES = [
    "I feel so lonely since I moved to a new city.",
    "My best friend stopped talking to me and I don't know why.",
    "It sounds like you are going through a really hard time.",
    "Have you tried talking to your family about how you feel?",
    "The weather was lovely today, so we went for a long walk in the park.",
]

MINILM_TEXTS = [
    "I lost my job last week and I'm worried about paying rent.",
    "That must be really stressful. What kind of work were you doing?",
    "I'm a student and exams are coming up; I can't sleep at night.",
    "Café au lait, s'il vous plaît!",
    "Naïve résumé — déjà vu…",
    "我今天很难过。",
    "日本語のテキストも少し。",
    "Don't worry, be happy :)",
    "HELLO WORLD!!! What's up???",
    "e-mail me at someone@example.com or call +1 (555) 123-4567.",
    "The quick brown fox jumps over the lazy dog.",
    "I have three cats, two dogs, and a parrot named Pickles.",
    "My persona: I love hiking. I have a sister. I work as a nurse.",
    "[CLS] tokens inside text [SEP] stay special [MASK]",
    "Tabs\tand\nnewlines\r\nand\u00a0non-breaking spaces.",
    "Emoji 🙂 and 🥰 and 👍🏽 are unknown to BERT.",
    "Straße, İstanbul, ΣΑΣ, Ωmega, ﬁne.",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "x" * 150,
    "",
    "   ",
]


def write_vocab(path):
    assert len(VOCAB) == len(set(VOCAB)), "duplicate vocabulary entries"
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(VOCAB) + "\n")


def read_vocab(path):
    """vocab.txt as transformers' load_vocab reads it (a line per token, id = line number)."""
    with open(path, encoding="utf-8") as f:
        return {line.rstrip("\n"): i for i, line in enumerate(f)}


def random_strings(count, seed):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        n = rng.randint(1, 12)
        parts = []
        for _ in range(n):
            parts.append(rng.choice(PIECES))
            parts.append(rng.choice(["", " ", " ", " ", "\t"]))
        out.append("".join(parts))
    return out


def ids_with(tokenizer, texts, max_length=None):
    if max_length is None:
        return [tokenizer(t, add_special_tokens=True)["input_ids"] for t in texts]
    return [tokenizer(t, add_special_tokens=True, truncation=True, max_length=max_length)["input_ids"] for t in texts]


def tokenizer_fixtures(vocab_path, tokenizer_json_path):
    texts = random_strings(300, seed=7) + MINILM_TEXTS
    cases = []
    for options in [dict(do_lower_case=True, strip_accents=None, tokenize_chinese_chars=True),
                    dict(do_lower_case=False, strip_accents=None, tokenize_chinese_chars=True),
                    dict(do_lower_case=True, strip_accents=False, tokenize_chinese_chars=False),
                    dict(do_lower_case=False, strip_accents=True, tokenize_chinese_chars=True)]:
        tok = BertTokenizer(vocab=read_vocab(vocab_path), **options)
        subset = texts if options["do_lower_case"] and options["strip_accents"] is None else texts[:120]
        cases.append({"source": "vocab.txt", "lowercase": options["do_lower_case"],
                      "strip_accents": options["strip_accents"],
                      "handle_chinese_chars": options["tokenize_chinese_chars"],
                      "max_length": None, "texts": subset, "ids": ids_with(tok, subset)})
    tok = BertTokenizer(vocab=read_vocab(vocab_path))
    cases.append({"source": "vocab.txt", "lowercase": True, "strip_accents": None, "handle_chinese_chars": True,
                  "max_length": 8, "texts": texts[:60], "ids": ids_with(tok, texts[:60], max_length=8)})
    fast = Tokenizer.from_file(tokenizer_json_path)
    fast.no_padding()
    fast.no_truncation()
    cases.append({"source": "tokenizer.json", "max_length": None, "texts": texts,
                  "ids": [fast.encode(t, add_special_tokens=True).ids for t in texts]})
    return cases


CODE_POINT_RANGES = [(0x0, 0x40000), (0xE0000, 0xE1000), (0xF0000, 0xF0100), (0x10FF00, 0x110000)]
NORMALIZER_SETTINGS = {
    "all": dict(clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True),
    "clean": dict(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False),
    "strip": dict(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False),
    "lower": dict(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=True),
}


def hex_scalars(text):
    return " ".join(f"{ord(c):X}" for c in text)


def code_point_digests():
    """Per setting: the count and sha256 of the lines "<cp hex>:<output scalars hex>\n" for each code
    point c (surrogates skipped) whose output differs from the input; the input is c for the
    normalizers and "a" + c + "b" for the pre-tokenizer, whose output is its words joined by "|"."""
    from tokenizers.normalizers import BertNormalizer
    from tokenizers.pre_tokenizers import BertPreTokenizer
    normalizers = {name: BertNormalizer(**flags) for name, flags in NORMALIZER_SETTINGS.items()}
    pre = BertPreTokenizer()
    lines = {name: [] for name in list(normalizers) + ["pre"]}
    for lo, hi in CODE_POINT_RANGES:
        for cp in range(lo, hi):
            if 0xD800 <= cp < 0xE000:
                continue
            c = chr(cp)
            for name, n in normalizers.items():
                out = n.normalize_str(c)
                if out != c:
                    lines[name].append(f"{cp:X}:{hex_scalars(out)}\n")
            words = [w for w, _ in pre.pre_tokenize_str("a" + c + "b")]
            if words != ["a" + c + "b"]:
                lines["pre"].append(f"{cp:X}:{'|'.join(hex_scalars(w) for w in words)}\n")
    return {
        "ranges": [[lo, hi] for lo, hi in CODE_POINT_RANGES],
        "normalizers": NORMALIZER_SETTINGS,
        "digests": {name: {"count": len(v), "sha256": hashlib.sha256("".join(v).encode()).hexdigest()}
                    for name, v in lines.items()},
    }


def make_tiny():
    os.makedirs(TINY, exist_ok=True)
    vocab_path = os.path.join(TINY, "vocab.txt")
    write_vocab(vocab_path)

    # tokenizer.json: BertTokenizer's backend, plus one normalized and one raw added token.
    backend = BertTokenizer(vocab=read_vocab(vocab_path)).backend_tokenizer
    backend.no_padding()
    backend.no_truncation()
    backend.add_tokens([AddedToken("<persona>", normalized=True), AddedToken("[Strategy]", normalized=False)])
    tokenizer_json_path = os.path.join(TINY, "tokenizer.json")
    backend.save(tokenizer_json_path)

    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=40, type_vocab_size=2,
                        hidden_act="gelu", layer_norm_eps=1e-12, pad_token_id=0,
                        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1)
    config._attn_implementation = "eager"
    model = BertModel(config, add_pooling_layer=True)
    # Larger-than-default weights, so every layer visibly shapes the output.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
            else:
                p.copy_(0.3 * torch.randn_like(p))
    model.eval()
    model.save_pretrained(TINY, safe_serialization=True)

    tok = BertTokenizer(vocab=read_vocab(vocab_path))
    texts = ["the cat sat on the mat.", "hello, world! unaffable playing", "我 feel 中国 support emotion; naïve café"]
    enc = tok(texts, padding=True, return_tensors="pt")
    token_type_ids = enc["token_type_ids"].clone()
    token_type_ids[2, 5:] = 1  # a second segment in the last sequence, to exercise token_type_embeddings
    token_type_ids = token_type_ids * enc["attention_mask"]
    with torch.no_grad():
        out = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], token_type_ids=token_type_ids)
    mask = enc["attention_mask"].unsqueeze(-1).float()
    mean = (out.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    expected = {
        "texts": texts,
        "input_ids": enc["input_ids"].tolist(),
        "attention_mask": enc["attention_mask"].tolist(),
        "token_type_ids": token_type_ids.tolist(),
        "last_hidden_state": out.last_hidden_state.flatten().tolist(),
        "pooler_output": out.pooler_output.flatten().tolist(),
        "mean_pooled": mean.flatten().tolist(),
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
    }
    with open(os.path.join(TINY, "expected.json"), "w") as f:
        json.dump(expected, f)
    with open(os.path.join(TINY, "tokenizer_ids.json"), "w") as f:
        json.dump({"cases": tokenizer_fixtures(vocab_path, tokenizer_json_path)}, f, ensure_ascii=False)
    with open(os.path.join(TINY, "code_points.json"), "w") as f:
        json.dump(code_point_digests(), f, indent=1)
    print(f"wrote {TINY}")


def make_minilm():
    path = os.path.join(FIXTURES, "bert_minilm.json")
    if not os.path.isdir(MINILM):
        print(f"{MINILM} is absent (scripts/fetch-models.sh installs it): {path} left as it is")
        return
    tok = AutoTokenizer.from_pretrained(MINILM)
    model = AutoModel.from_pretrained(MINILM, attn_implementation="eager").eval()
    enc = tok(SENTENCES, padding=True, truncation=True, max_length=256, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    embeddings = F.normalize((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9), p=2, dim=1)

    fast = Tokenizer.from_file(os.path.join(MINILM, "tokenizer.json"))
    fast.no_padding()
    fast.no_truncation()
    texts = MINILM_TEXTS + random_strings(300, seed=11)
    with open(os.path.join(MINILM, "model.safetensors"), "rb") as f:
        weights_sha = hashlib.sha256(f.read()).hexdigest()
    fixture = {
        "sentences": SENTENCES,
        "input_ids": [ids[: int(m.sum())] for ids, m in zip(enc["input_ids"].tolist(), enc["attention_mask"])],
        "embeddings": embeddings.tolist(),
        "tokenizer_texts": texts,
        "tokenizer_ids": [fast.encode(t, add_special_tokens=True).ids for t in texts],
        "decoded": [fast.decode(fast.encode(t).ids, skip_special_tokens=True) for t in MINILM_TEXTS],
        "truncated_ids_max_length_16": [tok(t, truncation=True, max_length=16)["input_ids"] for t in MINILM_TEXTS],
        "model_safetensors_sha256": weights_sha,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
    }
    with open(path, "w") as f:
        json.dump(fixture, f, ensure_ascii=False)
    print(f"wrote {path}")


if __name__ == "__main__":
    make_tiny()
    make_minilm()
