#!/usr/bin/env python3
"""Writes Tests/NNTests/Fixtures/encoder_layer.json: one HuggingFace BlenderbotSmallEncoderLayer
(eager attention, dropout off) at a small width with random weights, a padded batch, its output,
and the gradients of sum(output * R) with respect to the input and every parameter, by HF name.
The Swift test rebuilds the layer from these weights and must match. Needs torch and transformers
from PyPI; the test reads only the JSON.

    python3 scripts/make_layer_fixture.py
"""
import json
import os

import torch
from transformers import BlenderbotSmallConfig
from transformers.models.blenderbot_small.modeling_blenderbot_small import BlenderbotSmallEncoderLayer

WIDTH, HEADS, FFN, BATCH, LENGTH = 32, 4, 64, 2, 5
LENGTHS = [5, 3]  # the second sequence ends in two padding positions


def floats(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(7)
    config = BlenderbotSmallConfig(d_model=WIDTH, encoder_attention_heads=HEADS, encoder_ffn_dim=FFN,
                                   dropout=0.0, attention_dropout=0.0, activation_dropout=0.0,
                                   activation_function="gelu")
    config._attn_implementation = "eager"
    layer = BlenderbotSmallEncoderLayer(config).train()
    with torch.no_grad():
        for name, p in layer.named_parameters():
            p.copy_(torch.randn_like(p) * (0.3 if "layer_norm" not in name else 0.1) + (1.0 if name.endswith("layer_norm.weight") else 0.0))

    x = torch.randn(BATCH, LENGTH, WIDTH, requires_grad=True)
    keep = torch.tensor([[1.0 if t < n else 0.0 for t in range(LENGTH)] for n in LENGTHS])
    additive = (1.0 - keep)[:, None, None, :].expand(BATCH, 1, LENGTH, LENGTH) * torch.finfo(torch.float32).min
    out = layer(x, attention_mask=additive)
    projection = torch.randn_like(out)
    (out * projection).sum().backward()

    fixture = {
        "torch_version": torch.__version__,
        "config": {"width": WIDTH, "heads": HEADS, "ffn": FFN, "batch": BATCH, "length": LENGTH, "lengths": LENGTHS},
        "parameters": [{"name": n, "shape": list(p.shape), "values": floats(p), "grad": floats(p.grad)}
                       for n, p in layer.named_parameters()],
        "input": floats(x), "input_grad": floats(x.grad),
        "projection": floats(projection), "output": floats(out),
    }
    path = os.path.join(os.path.dirname(__file__), "..", "Tests", "NNTests", "Fixtures", "encoder_layer.json")
    with open(path, "w") as f:
        json.dump(fixture, f)
    print(f"wrote {os.path.normpath(path)}: {len(fixture['parameters'])} parameters")


if __name__ == "__main__":
    main()
