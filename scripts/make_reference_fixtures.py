#!/usr/bin/env python3
"""Writes Tests/ModelsTests/Fixtures/pal_reference/: a tiny random PAL stored under the released
code's parameter names, and what the released code's decoding does with it (PAL-SPEC §6, §11),
written independently from its description:

  strategy step  the first decoder step runs twice, on the persona-mixed memory and on the dialogue
                 alone, and the strategy is the argmax over the last 8 vocabulary ids (the strategy
                 tokens) of (1 + a)·logits(r|d,p) − a·logits(r|d), a = 0.075 (`paper`, `reference`)
                 or 0 (`none`); ACC is measured on that argmax. (`0.5:3`, a = 3, reorders them.)
  response       every later step mixes the two branches (each with its own KV cache) with the α of
                 the row's strategy: 0.5 for every strategy as released (`reference`), Table 2
                 (`paper`) or 0 (`none`); then HF's processors in
                 HF's order (repetition penalty, min length, banned added tokens) and the argmax
                 (greedy). `max_length` 50 counts response tokens only: 2 (start + strategy) are
                 added to it; `min_length` 10 is passed unchanged, so it counts the prefix.

The model is the co-attention of PAL-SPEC §4 (no 1/sqrt(d), no padding mask inside it) on
BlenderbotSmall, saved as the reference saves it: persona_norm, context_norm, persona_context_w and
strategy_alpha beside HF's names. The Swift test imports it with paltrain's HF name map and must
reproduce the strategy ids, the contrasted strategy logits and the greedy ids. Needs torch,
transformers 4 and safetensors (see make_model_fixtures.py):

    /tmp/fxenv/bin/python scripts/make_reference_fixtures.py
"""
import json
import os

import safetensors.torch
import torch
import transformers
from torch import nn
from transformers import BlenderbotSmallConfig, BlenderbotSmallForConditionalGeneration
from transformers.generation.logits_process import (LogitsProcessorList, MinLengthLogitsProcessor,
                                                    NoBadWordsLogitsProcessor, RepetitionPenaltyLogitsProcessor)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ModelsTests", "Fixtures", "pal_reference")
VOCAB = 120
ADDED = 12                      # the top 12 ids are PAL's added tokens; the top 8 of them the strategies
STRATEGIES = list(range(VOCAB - 8, VOCAB))
RESPONSE_ALPHA = 0.5            # the released strategy_alpha, every strategy
TABLE2 = [0, 0.75, 0, 0, 0.75, 0.75, 0.75, 0.375]
# paltrain's --alpha names → (strategy-step α, response α per strategy); "0.5:3" contrasts the
# strategy step hard enough to reorder strategies on a random model.
CONTROLS = {"paper": (0.075, TABLE2), "reference": (0.075, [RESPONSE_ALPHA] * 8), "none": (0.0, [0.0] * 8),
            "0.5:3": (3.0, [RESPONSE_ALPHA] * 8)}
MAX_LENGTH, MIN_LENGTH, REPETITION_PENALTY = 50, 10, 1.03
ROWS = 40
EOS_BIAS = 2.0


def config():
    c = BlenderbotSmallConfig(vocab_size=VOCAB, d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                              decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=64,
                              dropout=0, attention_dropout=0, activation_dropout=0, init_std=0.2, pad_token_id=0,
                              bos_token_id=1, eos_token_id=2, decoder_start_token_id=1, scale_embedding=True)
    c._attn_implementation = "eager"
    return c


class ReferencePAL(BlenderbotSmallForConditionalGeneration):
    """BlenderbotSmall plus the released code's extra parameters, under its names."""

    def __init__(self, c):
        super().__init__(c)
        self.persona_norm = nn.LayerNorm(c.d_model)      # normalises the persona side: persona + its view of the dialogue
        self.context_norm = nn.LayerNorm(c.d_model)      # normalises the dialogue side: dialogue + its view of the persona
        self.persona_context_w = nn.Parameter(torch.tensor([1 / 3, 1 / 3, 1 / 3]))
        self.strategy_alpha = nn.Parameter(torch.full((8,), RESPONSE_ALPHA))   # saved as released; never trained

    def memories(self, b):
        enc = self.model.encoder
        h_d = enc(input_ids=b["input_ids"], attention_mask=b["attention_mask"]).last_hidden_state
        h_p = enc(input_ids=b["persona_input_ids"], attention_mask=b["persona_attention_mask"]).last_hidden_state
        persona_view = torch.softmax(h_d @ h_p.transpose(1, 2), -1) @ h_p      # dialogue length
        dialogue_view = torch.softmax(h_p @ h_d.transpose(1, 2), -1) @ h_d     # persona length (= dialogue length here)
        w = torch.softmax(self.persona_context_w, 0)
        mixed = w[0] * h_d + w[1] * self.persona_norm(dialogue_view + h_p) + w[2] * self.context_norm(h_d + persona_view)
        return mixed, h_d

    def step(self, ids, memory, mask, past):
        out = self.model.decoder(input_ids=ids, encoder_hidden_states=memory, encoder_attention_mask=mask,
                                 past_key_values=past, use_cache=True)
        return self.lm_head(out.last_hidden_state[:, -1]) + self.final_logits_bias, out.past_key_values


def batch(gen, c):
    """ROWS dialogues and personas of mixed lengths, both padded to one common length as the reference does."""
    def ids(n):
        return torch.randint(3, VOCAB - ADDED, (n,), generator=gen).tolist()
    d_len = torch.randint(4, 14, (ROWS,), generator=gen).tolist()
    p_len = torch.randint(2, 10, (ROWS,), generator=gen).tolist()
    length = max(d_len + p_len)
    def pad(rows):
        return ([r + [c.pad_token_id] * (length - len(r)) for r in rows], [[1] * len(r) + [0] * (length - len(r)) for r in rows])
    input_ids, attention_mask = pad([ids(n) for n in d_len])
    persona_ids, persona_mask = pad([ids(n) for n in p_len])
    return {"input_ids": input_ids, "attention_mask": attention_mask, "persona_input_ids": persona_ids, "persona_attention_mask": persona_mask}


@torch.no_grad()
def decode(model, b, control, eos_bias):
    """The released decoding, greedy: the contrasted strategy step, then α-mixed response steps."""
    t = {k: torch.tensor(v) for k, v in b.items()}
    c = model.config
    model.final_logits_bias[0, c.eos_token_id] += eos_bias
    mixed, plain = model.memories(t)
    mask = t["attention_mask"]
    rows = mask.shape[0]
    start = torch.full((rows, 1), c.decoder_start_token_id)
    p, past_p = model.step(start, mixed, mask, None)
    q, past_q = model.step(start, plain, mask, None)
    a, response_alphas = CONTROLS[control]
    contrasted = (1 + a) * p - a * q
    strategy_logits = contrasted[:, STRATEGIES]
    strategy = strategy_logits.argmax(-1)
    sequences = torch.cat([start, (strategy + VOCAB - 8)[:, None]], 1)
    alphas = torch.tensor(response_alphas)[strategy][:, None]
    processors = LogitsProcessorList([
        RepetitionPenaltyLogitsProcessor(REPETITION_PENALTY),
        MinLengthLogitsProcessor(MIN_LENGTH, c.eos_token_id),
        NoBadWordsLogitsProcessor([[i] for i in range(VOCAB - ADDED, VOCAB)], c.eos_token_id),
    ])
    total = MAX_LENGTH + sequences.shape[1]           # the reference adds its prefix length to max_length
    done = torch.zeros(rows, dtype=torch.bool)
    while sequences.shape[1] < total and not done.all():
        last = sequences[:, -1:]
        p, past_p = model.step(last, mixed, mask, past_p)
        q, past_q = model.step(last, plain, mask, past_q)
        scores = processors(sequences, (1 + alphas) * p - alphas * q)
        token = torch.where(done, torch.tensor(c.pad_token_id), scores.argmax(-1))
        sequences = torch.cat([sequences, token[:, None]], 1)
        done |= token == c.eos_token_id
    model.final_logits_bias[0, c.eos_token_id] -= eos_bias
    expected = []
    for row in sequences[:, 1:].tolist():                # after the start token, cut after the first eos
        expected.append(row[:row.index(c.eos_token_id) + 1] if c.eos_token_id in row else row)
    return {"strategies": strategy.tolist(), "strategy_logits": strategy_logits.reshape(-1).tolist(), "sequences": expected}


def main():
    torch.manual_seed(5)
    gen = torch.Generator().manual_seed(6)
    c = config()
    model = ReferencePAL(c).eval()
    with torch.no_grad():
        # A persona-heavy mix and non-trivial norms and biases, so that the persona-free branch differs.
        model.persona_context_w.copy_(torch.tensor([0.1, 0.9, 1.2]))
        for name, p in model.named_parameters():
            if name.endswith("norm.weight") or ("layer_norm" in name and name.endswith(".weight")):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=gen))
            elif name.endswith(".bias"):
                p.copy_(0.05 * torch.randn(p.shape, generator=gen))
        model.final_logits_bias.copy_(0.1 * torch.randn(model.final_logits_bias.shape, generator=gen))
        # No strategy favoured by its bias: the argmax then varies from row to row, and the contrast can reorder it.
        model.final_logits_bias[0, STRATEGIES] = 0
    b = batch(gen, c)
    cases = []
    for control in CONTROLS:
        for eos_bias in (EOS_BIAS, -100.0):                 # rows ending at different steps; rows that never end (the length cap)
            cases.append({"control": control, "eos_bias": eos_bias, **decode(model, b, control, eos_bias)})
    for case in cases[::2]:
        flipped = sum(x != y for x, y in zip(case["strategies"], cases[4]["strategies"]))
        print(f"{case['control']}: {flipped} of {ROWS} strategies differ from the uncontrasted argmax; reply lengths {[len(s) for s in case['sequences']]}")
    assert all(len(s) == MAX_LENGTH + 1 for s in cases[1]["sequences"]), "eos suppressed: strategy + 50 response tokens"

    os.makedirs(OUT, exist_ok=True)
    state = {k: v.contiguous() for k, v in model.state_dict().items()
             if k not in ("model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight", "lm_head.weight")}
    safetensors.torch.save_file(state, os.path.join(OUT, "model.safetensors"), metadata={"format": "pt"})
    c.paltrain_persona_coattention = True
    c.to_json_file(os.path.join(OUT, "config.json"))
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"batch": b, "strategy_token_ids": STRATEGIES, "banned_token_ids": list(range(VOCAB - ADDED, VOCAB)),
                   "max_length": MAX_LENGTH, "min_length": MIN_LENGTH, "repetition_penalty": REPETITION_PENALTY,
                   "cases": cases, "torch_version": torch.__version__, "transformers_version": transformers.__version__}, f)
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
