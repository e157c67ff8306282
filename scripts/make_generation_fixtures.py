#!/usr/bin/env python3
"""Writes Tests/ModelsTests/Fixtures/generation_{blenderbot_small,bart,pal}.json: HuggingFace
`generate` outputs of the tiny fixture models (Tests/ModelsTests/Fixtures/<model>/, written by
scripts/make_model_fixtures.py) on their fixture batch, for paltrain's Generator to reproduce.
Needs transformers 4 (see make_model_fixtures.py: transformers 5 dropped BlenderbotSmall's decoder
embedding scale):

    /tmp/fxenv/bin/python scripts/make_generation_fixtures.py     # a venv with transformers==4.46.3

Each file holds, for one model:
  cases          greedy and beam-search runs: the effective HF generation settings (HF key names,
                 as paltrain's GenerationConfig decodes them), an optional forced decoder prefix
                 (HF decoder_input_ids = [start] + prefix), the eos logit bias applied to the model
                 first, HF's raw `sequences`, and `expected`: per row the ids after the start token,
                 cut after the first end-of-sequence (HF pads finished rows).
  sampling       do_sample runs with output_scores: HF's draws (`sequences`) and, per step and row,
                 the processed scores that are not -inf (`scores`: indices and values). The Swift
                 test forces HF's draws and compares the scores; the draws themselves come from
                 torch's generator, which paltrain does not reproduce.

`eos_bias` (added to final_logits_bias[eos] of the loaded model, and by the Swift test the same
way) makes end-of-sequence likely enough that rows finish at different steps, so that min_length,
early stopping and the length penalty matter; with bias 0 the random models almost never end.
PAL runs HF's BlenderbotSmall decoder on PAL's co-attention output (encoder_outputs=H_final, under
the dialogue mask), which is how PAL's decoder reads its memory.
"""
import json
import os
import sys

import torch
import transformers
from transformers import BartForConditionalGeneration, BlenderbotSmallForConditionalGeneration, GenerationConfig
from transformers.modeling_outputs import BaseModelOutput

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "Tests", "ModelsTests", "Fixtures")
sys.path.insert(0, HERE)
import make_model_fixtures as mmf  # noqa: E402  (PAL's module, config and batch layout)

KEYS = ["max_length", "min_length", "num_beams", "length_penalty", "early_stopping", "do_sample", "top_k", "top_p",
        "temperature", "repetition_penalty", "no_repeat_ngram_size", "bad_words_ids", "forced_bos_token_id",
        "forced_eos_token_id", "decoder_start_token_id", "eos_token_id", "pad_token_id"]
EOS_BIAS = {"blenderbot_small": 1.5, "bart": 1.5, "pal": 1.5}
SAMPLING_SEED = 1234


def load(name):
    folder = os.path.join(ROOT, name)
    with open(os.path.join(folder, "expected.json")) as f:
        e = json.load(f)
    batch = {k: torch.tensor(e[k]) for k in ("input_ids", "attention_mask", "persona_input_ids", "persona_attention_mask") if k in e}
    if name == "pal":
        import safetensors.torch
        pal = mmf.PALForConditionalGeneration(mmf.blenderbot_small_config())
        pal.load_state_dict(safetensors.torch.load_file(os.path.join(folder, "model.safetensors")), strict=False)
        pal.eval()
        with torch.no_grad():
            enc = pal.model.encoder
            h_d = enc(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
            h_p = enc(input_ids=batch["persona_input_ids"], attention_mask=batch["persona_attention_mask"]).last_hidden_state
            memory = pal.persona_coattention(h_d, h_p)
        model = BlenderbotSmallForConditionalGeneration(pal.config)
        missing, unexpected = model.load_state_dict(
            {k: v for k, v in pal.state_dict().items() if not k.startswith("persona_coattention.")}, strict=False)
        assert not missing and not unexpected, (missing, unexpected)
        model.generation_config = GenerationConfig.from_model_config(pal.config)
        inputs = {"encoder_outputs": BaseModelOutput(last_hidden_state=memory), "attention_mask": batch["attention_mask"]}
    else:
        cls = BartForConditionalGeneration if name == "bart" else BlenderbotSmallForConditionalGeneration
        model = cls.from_pretrained(folder, attn_implementation="eager")
        inputs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
    model.eval()
    return model, inputs


def case_list(config):
    """(name, eos_bias, overrides, prefix?) for greedy and beam search."""
    start, eos, vocab = config.decoder_start_token_id, config.eos_token_id, config.vocab_size
    strategy = [vocab - 12 + i for i in range(3)]  # "strategy tokens": the top ids stand in for PAL's added tokens
    banned = [[eos], [vocab - 1], [vocab - 2], [vocab - 3], [47, 19], [216, 216]]  # eos is dropped by HF itself
    greedy = {"num_beams": 1, "do_sample": False, "max_length": 12, "min_length": 0, "forced_eos_token_id": None}
    constrained = dict(greedy, min_length=5, repetition_penalty=1.3, no_repeat_ngram_size=2, bad_words_ids=banned)
    cases = [("greedy", 0.0, greedy, None),
             ("greedy_hf_defaults", 0.0, dict(greedy, forced_eos_token_id=eos), None),
             ("greedy_constrained", 0.0, constrained, None)]
    for lp in (1.0, 0.65):
        for es in (True, False):
            cases.append((f"beam4_lp{lp}_es{es}", 0.0, dict(greedy, num_beams=4, length_penalty=lp, early_stopping=es), None))
    b = None
    cases += [("eos_greedy", b, greedy, None),
              ("eos_greedy_min3", b, dict(greedy, min_length=3), None),
              ("eos_greedy_constrained", b, constrained, None),
              ("eos_greedy_forced_first", b, greedy, [[t] for t in strategy]),
              ("eos_greedy_forced_two", b, dict(greedy, min_length=5), [[t, 100 + t % 7] for t in strategy])]
    for min_length in (0, 3, 5):
        for lp in (1.0, 0.65):
            for es in (True, False, "never"):
                cases.append((f"eos_beam4_min{min_length}_lp{lp}_es{es}", b,
                              dict(greedy, num_beams=4, min_length=min_length, length_penalty=lp, early_stopping=es), None))
    cases += [("eos_beam4_forced_eos", b, dict(greedy, num_beams=4, min_length=3, forced_eos_token_id=eos, max_length=9), None),
              ("eos_beam3_constrained", b, dict(constrained, num_beams=3, length_penalty=0.65), None),
              ("eos_beam4_forced_first", b, dict(greedy, num_beams=4, min_length=3, length_penalty=0.65), [[t] for t in strategy]),
              ("eos_beam2_lp2_forced_bos", b, dict(greedy, num_beams=2, length_penalty=2.0, forced_bos_token_id=strategy[0]), None),
              ("eos_greedy_forced_bos", b, dict(greedy, forced_bos_token_id=strategy[1]), None)]
    return cases


def settings(model, overrides):
    gc = GenerationConfig.from_dict(model.generation_config.to_dict())
    gc.update(**overrides)
    d = gc.to_dict()
    return gc, {k: d.get(k) for k in KEYS}


def with_eos_bias(model, bias):
    with torch.no_grad():
        model.final_logits_bias[0, model.config.eos_token_id] += bias
    return bias


def run(model, inputs, gc, prefix, batch_size, **extra):
    kwargs = dict(inputs)
    if prefix is not None:
        start = gc.decoder_start_token_id
        kwargs["decoder_input_ids"] = torch.tensor([[start] + p for p in prefix])
    if "encoder_outputs" in kwargs:  # a fresh copy: generate expands it in place for beams
        kwargs["encoder_outputs"] = BaseModelOutput(last_hidden_state=kwargs["encoder_outputs"].last_hidden_state.clone())
    with torch.no_grad():
        return model.generate(generation_config=gc, **kwargs, **extra)


def trimmed(rows, eos):
    out = []
    for r in rows:
        r = r[1:]
        out.append(r[: r.index(eos) + 1] if eos in r else r)
    return out


def write(name):
    model, inputs = load(name)
    eos = model.config.eos_token_id
    batch_size = inputs["attention_mask"].shape[0]
    doc = {"model": name, "transformers_version": transformers.__version__, "torch_version": torch.__version__,
           "eos_bias": EOS_BIAS[name], "cases": [], "sampling": []}
    applied = 0.0
    for case_name, bias, overrides, prefix in case_list(model.config):
        bias = EOS_BIAS[name] if bias is None else bias
        applied += with_eos_bias(model, bias - applied)
        gc, effective = settings(model, overrides)
        seqs = run(model, inputs, gc, prefix, batch_size).tolist()
        doc["cases"].append({"name": case_name, "eos_bias": bias, "generation_config": effective, "prefix": prefix,
                             "sequences": seqs, "expected": trimmed(seqs, eos)})
    applied += with_eos_bias(model, 0.0 - applied)

    # Sampling: PAL-SPEC §6 settings, 3 steps after a forced "strategy" token; the second case adds
    # a min length (eos banned for the first two of the 3 steps) and bans the added tokens, as PAL does.
    vocab = model.config.vocab_size
    strategy = [[vocab - 12 + i] for i in range(batch_size)]
    base = {"do_sample": True, "num_beams": 1, "top_k": 10, "top_p": 0.9, "temperature": 0.5, "repetition_penalty": 1.03,
            "max_length": 5, "min_length": 0, "forced_eos_token_id": None}
    for case_name, overrides in [("pal_sampling", base),
                                 ("pal_sampling_min_length_banned",
                                  dict(base, min_length=4, bad_words_ids=[[t] for t in range(vocab - 12, vocab)]))]:
        gc, effective = settings(model, overrides)
        torch.manual_seed(SAMPLING_SEED)
        out = run(model, inputs, gc, strategy, batch_size, output_scores=True, return_dict_in_generate=True)
        steps = []
        for s in out.scores:  # (B, V) per generated step
            rows = []
            for r in s:
                idx = torch.nonzero(torch.isfinite(r)).flatten().tolist()
                rows.append({"indices": idx, "values": [float(r[i].item()) for i in idx]})
            steps.append(rows)
        doc["sampling"].append({"name": case_name, "seed": SAMPLING_SEED, "generation_config": effective, "prefix": strategy,
                                "sequences": out.sequences.tolist(), "scores": steps})
    path = os.path.join(ROOT, f"generation_{name}.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    lengths = [[len(r) for r in c["expected"]] for c in doc["cases"]]
    print(f"== {name}: {len(doc['cases'])} cases, {len(set(json.dumps(c['expected']) for c in doc['cases']))} distinct outputs, "
          f"row lengths {lengths}; {os.path.getsize(path)} bytes")


def main():
    if int(transformers.__version__.split(".")[0]) != 4:
        raise SystemExit(f"transformers {transformers.__version__}: these fixtures need transformers 4 (see the header)")
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    transformers.logging.set_verbosity_error()
    for name in ("blenderbot_small", "bart", "pal"):
        write(name)


if __name__ == "__main__":
    main()
