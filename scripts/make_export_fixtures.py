#!/usr/bin/env python3
"""Writes Tests/PALTests/Fixtures/export/: a tiny PAL trained for a few steps by paltrain on the
real data, written by `paltrain export`, then loaded by transformers — by the released PAL model
class (reimplemented in make_reference_fixtures.py: BlenderbotSmall plus persona_norm, context_norm,
persona_context_w, strategy_alpha) and by plain BlenderbotSmallForConditionalGeneration — with the
logits the released class computes on fixed inputs. The Swift test imports the folder, must give
the same logits (within 1e-4), and must export it again to the same tensors, bit for bit.

Run from the repository root after `make data` and a release build, with torch, transformers 4
and safetensors (see make_model_fixtures.py):

    /tmp/fxenv/bin/python scripts/make_export_fixtures.py

Files: the exported folder as paltrain wrote it, expected.json (inputs, what each HF class reported
when loading), hf_logits.safetensors (the released class's logits, (B, T, V) float32).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import safetensors.torch
import torch
import transformers
from transformers import BlenderbotSmallForConditionalGeneration

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
OUT = os.path.join(ROOT, "Tests", "PALTests", "Fixtures", "export")
sys.path.insert(0, HERE)
from make_reference_fixtures import ReferencePAL  # noqa: E402  (the released model class, as a reimplementation)

TINY = ["model.d_model=16", "model.layers=1", "model.heads=2", "model.ffn=32", "model.max_positions=64",
        "data.persona_source=seeker-utterances", 'data.pesconv=""', "data.train_limit=64", "data.valid_limit=8",
        "training.warmup_steps=2", "training.batch_size=8", "data.max_input_length=48", "data.max_decoder_length=24"]


def paltrain(*args):
    subprocess.run([os.path.join(ROOT, ".build", "release", "paltrain"), *args], cwd=ROOT, check=True)


def main():
    run = tempfile.mkdtemp(prefix="paltrain-export-")
    try:
        paltrain("pal", "--recipe", "recipes/pal-small.yaml", *[a for s in TINY for a in ("--set", s)],
                 "--max-steps", "12", "--output", os.path.join(run, "pal"))
        shutil.rmtree(OUT, ignore_errors=True)
        paltrain("export", os.path.join(run, "pal", "best.h5"), "-o", OUT)
    finally:
        shutil.rmtree(run, ignore_errors=True)

    pal, pal_info = ReferencePAL.from_pretrained(OUT, output_loading_info=True)
    plain, plain_info = BlenderbotSmallForConditionalGeneration.from_pretrained(OUT, output_loading_info=True)
    assert not pal_info["missing_keys"] and not pal_info["unexpected_keys"], pal_info
    assert not plain_info["missing_keys"], plain_info
    pal.eval()

    gen = torch.Generator().manual_seed(3)
    vocab = pal.config.vocab_size
    lengths, persona_lengths, length, targets = [10, 7], [4, 9], 10, 5
    def padded(ns):
        ids = [torch.randint(16, vocab, (n,), generator=gen).tolist() + [pal.config.pad_token_id] * (length - n) for n in ns]
        return ids, [[1] * n + [0] * (length - n) for n in ns]
    input_ids, attention_mask = padded(lengths)
    persona_ids, persona_mask = padded(persona_lengths)
    decoder_ids = [[pal.config.decoder_start_token_id] + torch.randint(16, vocab, (targets - 1,), generator=gen).tolist() for _ in lengths]
    batch = {"input_ids": input_ids, "attention_mask": attention_mask, "persona_input_ids": persona_ids,
             "persona_attention_mask": persona_mask, "decoder_input_ids": decoder_ids}
    t = {k: torch.tensor(v) for k, v in batch.items()}
    with torch.no_grad():
        mixed, _ = pal.memories(t)
        out = pal.model.decoder(input_ids=t["decoder_input_ids"], encoder_hidden_states=mixed, encoder_attention_mask=t["attention_mask"])
        logits = pal.lm_head(out.last_hidden_state) + pal.final_logits_bias
    safetensors.torch.save_file({"logits": logits.contiguous()}, os.path.join(OUT, "hf_logits.safetensors"))
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"batch": batch, "released_class_loading": {k: sorted(v) for k, v in pal_info.items() if k != "error_msgs"},
                   "blenderbot_small_loading": {k: sorted(v) for k, v in plain_info.items() if k != "error_msgs"},
                   "strategy_alpha": pal.strategy_alpha.tolist(),
                   "torch_version": torch.__version__, "transformers_version": transformers.__version__}, f, indent=1)
    print("wrote", OUT, "; plain BlenderbotSmall left out:", sorted(plain_info["unexpected_keys"]))


if __name__ == "__main__":
    main()
