#!/usr/bin/env python3
"""Writes Tests/ModelsTests/Fixtures/{blenderbot_small,bart,pal}/: three tiny encoder-decoder
models with random weights (HuggingFace BlenderbotSmall, HuggingFace BART, and PAL = BlenderbotSmall
plus the persona co-attention of PAL-SPEC §4), each with one padded batch, its forward outputs,
the gradient of the loss with respect to every trainable parameter, and 10 AdamW steps. The Swift
model tests load these and must match. Needs torch, transformers and safetensors from PyPI:

    pip install torch "transformers>=4.40,<5" safetensors
    python3 scripts/make_model_fixtures.py

transformers 4 is required: transformers 5 dropped the sqrt(d_model) scaling of the token
embeddings in BlenderbotSmall's decoder, which the released blenderbot_small-90M weights, PAL's
reference code (transformers 4) and paltrain all apply. (A virtual environment with
`--system-site-packages` and `pip install "transformers==4.46.3"` keeps a newer one elsewhere.)

Each folder holds:
  config.json        the HF config (HF key names; PAL adds "paltrain_persona_coattention": true)
  model.safetensors  the weights as HF's save_pretrained stores them (tied copies of the shared
                     embedding dropped, final_logits_bias included); for PAL written the same way
                     by hand, with the persona_coattention.* parameters added
  grads.safetensors  d loss / d p for every name in model.named_parameters() (tied parameters once,
                     under their named_parameters name, i.e. model.shared.weight)
  expected.json      batch, logits, loss, tied-name groups, AdamW losses, encoder states, versions

Everything runs on the CPU in float32, in train() mode with every dropout probability 0, with eager
attention. No decoder_attention_mask is passed: the decoder's self-attention is causal only, so
logits at padded decoder positions are those of a causal decoder reading the pad tokens.
"""
import copy
import json
import os
import shutil
import tempfile

import numpy as np
import safetensors
import safetensors.torch
import torch
import torch.nn.functional as F
import transformers
from torch import nn
from transformers import (BartConfig, BartForConditionalGeneration, BlenderbotSmallConfig,
                          BlenderbotSmallForConditionalGeneration)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ModelsTests", "Fixtures")
ADAMW = {"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.0, "steps": 10}
ENCODER_LENGTHS = [9, 6, 4]
DECODER_LENGTHS = [7, 5, 3]
PERSONA_LENGTHS = [5, 8, 3]
ADDED_TOKENS = 12  # the top 12 ids of each vocabulary stand in for PAL's added tokens
MIX_WEIGHTS = [0.2, 0.5, 0.1]


def tiny_config(cls, **overrides):
    common = dict(d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                  decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64,
                  max_position_embeddings=16, dropout=0, attention_dropout=0, activation_dropout=0,
                  init_std=0.2)
    common.update(overrides)
    config = cls(**common)
    config._attn_implementation = "eager"
    return config


def blenderbot_small_config():
    return tiny_config(BlenderbotSmallConfig, vocab_size=312, pad_token_id=0, bos_token_id=1,
                       eos_token_id=2, decoder_start_token_id=1, scale_embedding=True)


def bart_config():
    return tiny_config(BartConfig, vocab_size=320, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                       decoder_start_token_id=2, scale_embedding=False)


# ---------------------------------------------------------------------------------------------
# PAL: BlenderbotSmall + persona co-attention (PAL-SPEC §4, reference behaviour: no 1/sqrt(d),
# no padding mask inside the co-attention, decoder cross-attends H_final under the dialogue mask).

class PersonaCoAttention(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.dialogue_layer_norm = nn.LayerNorm(d_model)  # LN_1, eps 1e-5
        self.persona_layer_norm = nn.LayerNorm(d_model)   # LN_2, eps 1e-5
        self.mix_weights = nn.Parameter(torch.full((3,), 1.0 / 3.0))

    def forward(self, h_d, h_p):
        z_d = torch.softmax(torch.bmm(h_d, h_p.transpose(1, 2)), dim=-1) @ h_p
        hat_d = self.dialogue_layer_norm(h_d + z_d)
        z_p = torch.softmax(torch.bmm(h_p, h_d.transpose(1, 2)), dim=-1) @ h_d
        hat_p = self.persona_layer_norm(h_p + z_p)
        lam = torch.softmax(self.mix_weights, dim=0)
        return lam[0] * h_d + lam[1] * hat_p + lam[2] * hat_d


class PALForConditionalGeneration(BlenderbotSmallForConditionalGeneration):
    def __init__(self, config):
        super().__init__(config)
        self.persona_coattention = PersonaCoAttention(config.d_model)

    def forward(self, input_ids, attention_mask, persona_input_ids, persona_attention_mask,
                decoder_input_ids, labels=None, **_):
        encoder = self.model.encoder
        h_d = encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        h_p = encoder(input_ids=persona_input_ids, attention_mask=persona_attention_mask).last_hidden_state
        h_final = self.persona_coattention(h_d, h_p)
        out = self.model.decoder(input_ids=decoder_input_ids, encoder_hidden_states=h_final,
                                 encoder_attention_mask=attention_mask, use_cache=False).last_hidden_state
        logits = self.lm_head(out) + self.final_logits_bias
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1))
        return {"logits": logits, "loss": loss, "encoder_last_hidden_state": h_d,
                "persona_encoder_state": h_p, "mixed_encoder_state": h_final}


# ---------------------------------------------------------------------------------------------

def perturb(model, gen):
    """LayerNorms away from 1/0, linear biases and final_logits_bias non-zero (HF inits them to 0),
    so that a missing bias or LayerNorm affine is caught. Weights keep HF's init (init_std 0.2)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            if "layer_norm" in name or "layernorm" in name:
                if name.endswith(".weight"):
                    p.copy_(1.0 + 0.1 * noise)
                else:
                    p.copy_(0.1 * noise)
            elif name.endswith(".bias"):
                p.copy_(0.05 * noise)
        model.final_logits_bias.copy_(0.1 * torch.randn(model.final_logits_bias.shape, generator=gen))


def tokens(gen, n, vocab):
    """n ids in 3..vocab-1, about a third drawn from the top ADDED_TOKENS ids."""
    low = torch.randint(3, vocab - ADDED_TOKENS, (n,), generator=gen)
    high = torch.randint(vocab - ADDED_TOKENS, vocab, (n,), generator=gen)
    pick = torch.rand(n, generator=gen) < 0.33
    return torch.where(pick, high, low).tolist()


def padded(rows, pad, length):
    ids = [r + [pad] * (length - len(r)) for r in rows]
    mask = [[1] * len(r) + [0] * (length - len(r)) for r in rows]
    return ids, mask


def make_batch(gen, vocab, pad, start, eos, persona=False):
    enc_len = max(ENCODER_LENGTHS + (PERSONA_LENGTHS if persona else []))
    dialogue = [tokens(gen, n, vocab) for n in ENCODER_LENGTHS]
    input_ids, attention_mask = padded(dialogue, pad, enc_len)
    targets = [tokens(gen, n - 1, vocab) for n in DECODER_LENGTHS]
    dec_len = max(DECODER_LENGTHS)
    decoder_input_ids, _ = padded([[start] + t for t in targets], pad, dec_len)
    labels = [t + [eos] + [-100] * (dec_len - len(t) - 1) for t in targets]
    batch = {"input_ids": input_ids, "attention_mask": attention_mask,
             "decoder_input_ids": decoder_input_ids, "labels": labels}
    if persona:
        persona_ids, persona_mask = padded([tokens(gen, n, vocab) for n in PERSONA_LENGTHS], pad, enc_len)
        batch["persona_input_ids"] = persona_ids
        batch["persona_attention_mask"] = persona_mask
    flat = [t for k in ("input_ids", "decoder_input_ids", "persona_input_ids") for row in batch.get(k, []) for t in row]
    assert any(t >= vocab - ADDED_TOKENS for t in flat), "batch must use the added-token range"
    return batch


def tensors(batch):
    return {k: torch.tensor(v, dtype=torch.long) for k, v in batch.items()}


def forward(model, t, pal):
    if pal:
        out = model(**t)
        return out["logits"], out["encoder_last_hidden_state"], out
    out = model(input_ids=t["input_ids"], attention_mask=t["attention_mask"],
                decoder_input_ids=t["decoder_input_ids"], labels=t["labels"], use_cache=False)
    return out.logits, out.encoder_last_hidden_state, out


def ce(logits, labels):
    return F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1))


def floats(t):
    """Row-major values, each written as the shortest decimal that parses back to the same float32."""
    values = t.detach().to(torch.float32).reshape(-1).numpy()
    out = [float(str(v)) for v in values]
    assert np.array_equal(np.array(out, dtype=np.float32), values)
    return out


def tied_groups(model):
    by_storage = {}
    for name, value in model.state_dict().items():
        key = (value.untyped_storage().data_ptr(), value.storage_offset(), tuple(value.shape))
        by_storage.setdefault(key, []).append(name)
    return [sorted(g, key=lambda n: (n != "model.shared.weight", n)) for g in by_storage.values() if len(g) > 1]


def save_pal(model, folder, tied):
    state = model.state_dict()
    drop = set()
    for group in tied:
        if "model.shared.weight" in group:
            drop.update(n for n in group if n != "model.shared.weight")
    weights = {k: v.detach().contiguous().clone() for k, v in state.items() if k not in drop}
    safetensors.torch.save_file(weights, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
    config = copy.deepcopy(model.config)  # HF's own writer (diff from defaults, as save_pretrained)
    config.paltrain_persona_coattention = True
    config.to_json_file(os.path.join(folder, "config.json"))


def build(name):
    seed = {"blenderbot_small": 11, "bart": 23, "pal": 37}[name]
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1000)
    if name == "bart":
        config = bart_config()
        model = BartForConditionalGeneration(config)
        batch = make_batch(gen, config.vocab_size, config.pad_token_id, config.decoder_start_token_id,
                           config.eos_token_id)
    else:
        config = blenderbot_small_config()
        cls = PALForConditionalGeneration if name == "pal" else BlenderbotSmallForConditionalGeneration
        model = cls(config)
        batch = make_batch(gen, config.vocab_size, config.pad_token_id, config.decoder_start_token_id,
                           config.eos_token_id, persona=(name == "pal"))
    perturb(model, gen)
    if name == "pal":
        with torch.no_grad():
            model.persona_coattention.mix_weights.copy_(torch.tensor(MIX_WEIGHTS))
    model.train()
    return model, batch


def write_fixture(name):
    pal = name == "pal"
    model, batch = build(name)
    folder = os.path.join(ROOT, name)
    os.makedirs(folder, exist_ok=True)
    tied = tied_groups(model)

    # Weights and config, before any step.
    if pal:
        save_pal(model, folder, tied)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            model.save_pretrained(tmp, safe_serialization=True)
            for f in ("model.safetensors", "config.json"):
                shutil.copy(os.path.join(tmp, f), os.path.join(folder, f))

    t = tensors(batch)
    params = [p for p in model.parameters() if p.requires_grad]
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]

    # First forward / backward.
    model.zero_grad(set_to_none=True)
    logits, enc, out = forward(model, t, pal)
    loss = ce(logits, t["labels"])
    if not pal:
        assert torch.allclose(loss, out.loss, rtol=0, atol=1e-6), (loss.item(), out.loss.item())
    loss.backward()
    grads = {n: p.grad.detach().contiguous().clone() for n, p in named}
    safetensors.torch.save_file(grads, os.path.join(folder, "grads.safetensors"), metadata={"format": "pt"})

    expected = {"model": name}
    expected.update(batch)
    expected["logits_shape"] = list(logits.shape)
    expected["logits"] = floats(logits)
    expected["loss"] = float(loss.item())
    expected["tied"] = tied
    expected["encoder_last_hidden_state_shape"] = list(enc.shape)
    expected["encoder_last_hidden_state"] = floats(enc)
    if pal:
        expected["persona_encoder_state_shape"] = list(out["persona_encoder_state"].shape)
        expected["persona_encoder_state"] = floats(out["persona_encoder_state"])
        expected["mixed_encoder_state_shape"] = list(out["mixed_encoder_state"].shape)
        expected["mixed_encoder_state"] = floats(out["mixed_encoder_state"])
        expected["mix_weights"] = floats(model.persona_coattention.mix_weights)
    expected["trainable_parameter_names"] = [n for n, _ in named]
    expected["trainable_parameter_count"] = sum(p.numel() for p in params)

    # AdamW over the same batch: loss before each of 10 steps, then after the 10th.
    opt = torch.optim.AdamW(params, lr=ADAMW["lr"], betas=tuple(ADAMW["betas"]), eps=ADAMW["eps"],
                            weight_decay=ADAMW["weight_decay"])
    losses = []
    for _ in range(ADAMW["steps"]):
        opt.zero_grad(set_to_none=True)
        step_loss = ce(forward(model, t, pal)[0], t["labels"])
        losses.append(float(step_loss.item()))
        step_loss.backward()
        opt.step()
    with torch.no_grad():
        losses.append(float(ce(forward(model, t, pal)[0], t["labels"]).item()))
    assert losses[0] == expected["loss"], (losses[0], expected["loss"])
    expected["adamw"] = ADAMW
    expected["adamw_losses"] = losses
    expected["torch_version"] = torch.__version__
    expected["transformers_version"] = transformers.__version__
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")

    # Sanity: a fresh HF model loaded from the fixture folder reproduces the logits exactly.
    if pal:
        fresh_model = PALForConditionalGeneration(blenderbot_small_config())
        state = safetensors.torch.load_file(os.path.join(folder, "model.safetensors"))
        missing, unexpected = fresh_model.load_state_dict(state, strict=False)
        assert not unexpected and set(missing) <= {"model.encoder.embed_tokens.weight",
                                                   "model.decoder.embed_tokens.weight", "lm_head.weight"}, (missing, unexpected)
        assert fresh_model.lm_head.weight.data_ptr() == fresh_model.model.shared.weight.data_ptr()
    else:
        cls = BartForConditionalGeneration if name == "bart" else BlenderbotSmallForConditionalGeneration
        fresh_model = cls.from_pretrained(folder, attn_implementation="eager")
    fresh_model.train()
    with torch.no_grad():
        again = forward(fresh_model, t, pal)[0]
    assert torch.equal(again.reshape(-1), torch.tensor(expected["logits"])), f"{name}: reloaded logits differ"
    with safetensors.safe_open(os.path.join(folder, "model.safetensors"), "pt") as f:
        saved_keys = sorted(f.keys())

    sizes = {f: os.path.getsize(os.path.join(folder, f)) for f in sorted(os.listdir(folder))}
    print(f"== {name}: {expected['trainable_parameter_count']} trainable parameters in "
          f"{len(named)} tensors, {len(saved_keys)} tensors in model.safetensors")
    print(f"   logits {expected['logits_shape']} std {logits.std().item():.3f}  loss {expected['loss']:.6f}")
    print(f"   adamw losses {[round(x, 4) for x in losses]}")
    print(f"   tied {tied}")
    print(f"   files {sizes}")
    print("   reload check: logits identical")


def main():
    if int(transformers.__version__.split(".")[0]) != 4:
        raise SystemExit(f"transformers {transformers.__version__}: these fixtures need transformers 4 (see the header)")
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)
    for name in ("blenderbot_small", "bart", "pal"):
        write_fixture(name)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(ROOT) for f in fs)
    print(f"total {total} bytes ({total / 2**20:.2f} MiB) under {os.path.normpath(ROOT)}")


if __name__ == "__main__":
    main()
