#!/usr/bin/env python3
"""Trains a recipe's model in PyTorch + HuggingFace transformers on exactly the examples, batches and
settings that paltrain trains on, as an independent reference: when a paltrain model does not learn,
this run says whether the recipe can learn at all (then paltrain's trainer is at fault) or not.

    paltrain data export --recipe recipes/pal-small.yaml --variant joint -o /tmp/exp/joint-small.json
    .venv-fixtures/bin/python scripts/train_torch_reference.py \\
        --export /tmp/exp/joint-small.json --output /tmp/exp/torch-joint-small.json

Needs transformers 4 (transformers 5 dropped the sqrt(d_model) scaling of BlenderbotSmall's decoder
token embeddings, which paltrain applies as transformers 4 did):

    python3 -m venv .venv-fixtures && .venv-fixtures/bin/pip install torch "transformers==4.46.3"

What it matches (Sources/PAL/ExampleExport.swift describes the export file):
  model       BlenderbotSmallForConditionalGeneration or BartForConditionalGeneration from the export's
              config.json with HF's own random init (not paltrain's numbers, the same distribution),
              seeded from recipe.training.seed; for PAL, the persona co-attention of
              scripts/make_model_fixtures.py (PALForConditionalGeneration).
  batches     the export's train_batches (epoch by epoch, in order) and valid_batches, collated as
              Batcher.collate does: right padding with the pad id, labels with -100; for PAL, dialogue
              and persona padded to one length, the max over the batch of both.
  loss        mean token cross-entropy; with strategy_loss_weight w != 1 the weighted mean in which
              strategy-token labels weigh w; with label_smoothing, torch's label-smoothing per token;
              with encoder_denoising_weight λ > 0, encoder_mask_rate of the non-padding dialogue input
              tokens replaced by mask_token_id and λ times the cross-entropy of the originals predicted
              from the encoder's output there through the tied projection (the draws are torch's own).
  optimizer   torch.optim.AdamW (0.9, 0.999, eps 1e-8), weight decay on all but biases and LayerNorms;
              linear warmup from 0 over warmup_steps, then linear decay to 0 at total_steps; global
              gradient-norm clipping at max_grad_norm; dropout on in training (Trainer.swift,
              AdamW.swift, Schedule.swift).
  validation  before training, every eval_every steps and at each epoch's end: token-weighted mean
              cross-entropy, strategy ACC (argmax over the 8 strategy tokens at decoder position 0,
              teacher-forced) and how many examples each strategy is predicted for.

--output gets a JSON log (validations, training losses, best and final values, wall time, parameter
count, versions), rewritten after each validation. Runs on the CPU in float32.
"""
import argparse
import json
import math
import os
import platform
import sys
import time

import torch
import torch.nn.functional as F
import transformers
from transformers import (BartConfig, BartForConditionalGeneration, BlenderbotSmallConfig,
                          BlenderbotSmallForConditionalGeneration)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_model_fixtures import PALForConditionalGeneration  # noqa: E402  (one definition of PAL)

IGNORE_INDEX = -100


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--export", required=True, help="JSON file written by `paltrain data export`")
    p.add_argument("--output", required=True, help="JSON log to write")
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    p.add_argument("--max-steps", type=int, default=0,
                   help="stop after N optimizer steps (the schedule still spans the whole run); 0 = all")
    p.add_argument("--train-limit", type=int, default=0,
                   help="train on the first N examples only (smoke tests; the schedule spans the batches left)")
    p.add_argument("--valid-limit", type=int, default=0, help="validate on the first N examples only")
    p.add_argument("--log-every", type=int, default=1, help="record the training loss every N steps (default 1)")
    return p.parse_args()


def limited(batches, limit):
    """`batches` restricted to example indices below `limit` (0 = no limit), emptied batches dropped."""
    if limit <= 0:
        return batches
    kept = ([i for i in batch if i < limit] for batch in batches)
    return [batch for batch in kept if batch]


def collate(examples, indices, pad_id):
    """Batcher.collate: right-padded id matrices and 1/0 masks; persona inputs when any example has them."""
    chosen = [examples[i] for i in indices]
    has_persona = any(e["persona_ids"] for e in chosen)
    input_length = max(len(e["input_ids"]) for e in chosen)
    if has_persona:
        input_length = max(input_length, max(len(e["persona_ids"]) for e in chosen))
    target_length = max(len(e["labels"]) for e in chosen)

    def padded(key, width, value):
        return torch.tensor([e[key] + [value] * (width - len(e[key])) for e in chosen], dtype=torch.long)

    def mask(key, width):
        return torch.tensor([[1] * len(e[key]) + [0] * (width - len(e[key])) for e in chosen], dtype=torch.long)

    batch = {"input_ids": padded("input_ids", input_length, pad_id), "attention_mask": mask("input_ids", input_length),
             "decoder_input_ids": padded("decoder_input_ids", target_length, pad_id),
             "labels": padded("labels", target_length, IGNORE_INDEX),
             "strategy": torch.tensor([e["strategy"] for e in chosen], dtype=torch.long)}
    if has_persona:
        batch["persona_input_ids"] = padded("persona_ids", input_length, pad_id)
        batch["persona_attention_mask"] = mask("persona_ids", input_length)
    return batch


def build_model(config_json, seed):
    """HF's model for the export's config.json, randomly initialised by HF from `seed`."""
    model_type = config_json["model_type"]
    pal = bool(config_json.get("paltrain_persona_coattention"))
    unsupported = [k for k in ("paltrain_masked_coattention", "normalize_before", "add_final_layer_norm")
                   if config_json.get(k)]
    if unsupported or model_type not in ("blenderbot-small", "bart") or (pal and model_type != "blenderbot-small"):
        raise SystemExit(f"model_type {model_type!r} with {unsupported or 'no extra options'}"
                         f"{' and persona co-attention' if pal else ''}: not what HF's classes and "
                         "PALForConditionalGeneration implement")
    fields = {k: v for k, v in config_json.items() if k != "model_type"}
    config = (BartConfig if model_type == "bart" else BlenderbotSmallConfig)(**fields)
    config._attn_implementation = "eager"
    torch.manual_seed(seed)
    if pal:
        model = PALForConditionalGeneration(config)
    elif model_type == "bart":
        model = BartForConditionalGeneration(config)
    else:
        model = BlenderbotSmallForConditionalGeneration(config)
    assert model.lm_head.weight is model.model.shared.weight, "the output projection must be tied"
    return model, pal


def forward(model, pal, batch):
    """Logits and the encoded dialogue (before PAL's co-attention)."""
    if not pal:
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                    decoder_input_ids=batch["decoder_input_ids"], use_cache=False)
        return out.logits, out.encoder_last_hidden_state
    if "persona_input_ids" not in batch:
        raise SystemExit("a PAL model got a batch in which no example has persona ids")
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                persona_input_ids=batch["persona_input_ids"], persona_attention_mask=batch["persona_attention_mask"],
                decoder_input_ids=batch["decoder_input_ids"])
    return out["logits"], out["encoder_last_hidden_state"]


def mask_inputs(batch, rate, mask_id):
    """Trainer.maskInputs: each non-padding dialogue input token becomes mask_id with probability
    `rate`; returns the flat positions and the original ids."""
    chosen = (torch.rand(batch["input_ids"].shape) < rate) & (batch["attention_mask"] != 0)
    positions = chosen.reshape(-1).nonzero().squeeze(1)
    targets = batch["input_ids"].reshape(-1)[positions].clone()
    batch["input_ids"] = batch["input_ids"].masked_fill(chosen, mask_id)
    return positions, targets


def denoising_loss(model, encoded, positions, targets):
    rows = encoded.reshape(-1, encoded.size(-1))[positions]
    return F.cross_entropy(model.lm_head(rows) + model.final_logits_bias.reshape(-1), targets)


def decay_groups(model, weight_decay):
    """AdamW.huggingFaceDecayRule: no weight decay on biases or any LayerNorm parameter."""
    def decays(name):
        return not (name.endswith("bias") or any(s in name for s in ("layer_norm", "layernorm", "LayerNorm")))
    named = list(model.named_parameters())
    return [{"params": [p for n, p in named if decays(n)], "weight_decay": weight_decay},
            {"params": [p for n, p in named if not decays(n)], "weight_decay": 0.0}]


def learning_rate(step, peak, warmup, total):
    """LinearWarmupSchedule.learningRate(at:) for 0-based `step`."""
    if step < warmup:
        return peak * step / max(1, warmup)
    return peak * max(0.0, (total - step) / max(1, total - warmup))


def training_loss(logits, labels, strategy_ids, strategy_weight, smoothing):
    """sum_r w_r * ce_r / sum_r w_r over labels != -100; w_r = strategy_weight on strategy tokens, else 1."""
    flat_labels = labels.reshape(-1)
    ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), flat_labels, ignore_index=IGNORE_INDEX,
                         reduction="none", label_smoothing=smoothing)
    weights = (flat_labels != IGNORE_INDEX).to(ce.dtype)
    if strategy_weight != 1 and len(strategy_ids):
        weights = torch.where(torch.isin(flat_labels, strategy_ids), weights * strategy_weight, weights)
    return (weights * ce).sum() / weights.sum()


@torch.no_grad()
def validate(model, pal, examples, batches, pad_id, strategy_ids):
    """Trainer.validate: plain token-weighted mean cross-entropy, strategy ACC and predictions per strategy."""
    model.eval()
    total, tokens, correct, judged = 0.0, 0, 0, 0
    predicted = [0] * len(strategy_ids)
    for indices in batches:
        batch = collate(examples, indices, pad_id)
        logits, _ = forward(model, pal, batch)
        labels = batch["labels"].reshape(-1)
        total += F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels, ignore_index=IGNORE_INDEX,
                                 reduction="sum").item()
        tokens += int((labels != IGNORE_INDEX).sum())
        if len(strategy_ids):
            gold = batch["strategy"]
            choice = logits[:, 0, strategy_ids].argmax(dim=-1)[gold >= 0]
            gold = gold[gold >= 0]
            correct += int((choice == gold).sum())
            judged += len(gold)
            for s in choice.tolist():
                predicted[s] += 1
    model.train()
    loss = total / max(tokens, 1)
    result = {"valid_loss": loss, "valid_ppl": math.exp(loss)}
    if judged:
        result["valid_acc"] = 100.0 * correct / judged
        result["valid_predicted_strategy_counts"] = predicted
    return result


def write_json(path, record):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def main():
    args = parse_args()
    if int(transformers.__version__.split(".")[0]) != 4:
        raise SystemExit(f"transformers {transformers.__version__}: this reference needs transformers 4 "
                         "(5 dropped BlenderbotSmall's decoder embedding scaling); see the header")
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    started = time.time()

    with open(args.export) as f:
        export = json.load(f)
    recipe, settings = export["recipe"], export["recipe"]["training"]
    train, valid = export["train"], export["valid"]
    if args.valid_limit > 0:
        valid = valid[:args.valid_limit]
    train_batches = [limited(epoch, args.train_limit) for epoch in export["train_batches"]]
    valid_batches = limited(export["valid_batches"], args.valid_limit)
    total_steps = min(export["total_steps"], sum(len(epoch) for epoch in train_batches))
    stop_at = min(total_steps, args.max_steps) if args.max_steps > 0 else total_steps
    strategy_ids = torch.tensor(export["strategy_token_ids"], dtype=torch.long)

    config_json = export["model_config"]
    pad_id = config_json["pad_token_id"]
    model, pal = build_model(config_json, settings["seed"])
    model.train()
    parameters = list(model.parameters())  # tied copies once
    parameter_count = sum(p.numel() for p in parameters)
    optimizer = torch.optim.AdamW(decay_groups(model, settings["weight_decay"]), lr=0.0, betas=(0.9, 0.999),
                                  eps=1e-8)
    max_norm = settings["max_grad_norm"] if settings["max_grad_norm"] > 0 else math.inf  # inf: measure only
    trained = [e for epoch in train_batches for batch in epoch for e in batch]
    print(f"{recipe.get('variant', recipe.get('stage'))} ({config_json['model_type']}{', PAL' if pal else ''}): "
          f"{parameter_count:,} trainable parameters in {len(parameters)} tensors (tied embedding once; "
          f"final_logits_bias, {model.final_logits_bias.numel():,}, is a buffer)")
    print(f"{len(train):,} train examples ({len(set(trained)):,} in batches), {len(valid):,} valid; "
          f"{total_steps} steps{f', stopping at {stop_at}' if stop_at < total_steps else ''}; "
          f"torch {torch.__version__}, transformers {transformers.__version__}, {args.threads} threads")

    gold_counts = [0] * len(strategy_ids)
    for e in valid:
        if 0 <= e["strategy"] < len(gold_counts):
            gold_counts[e["strategy"]] += 1
    log = {"export": os.path.abspath(args.export), "variant": recipe.get("variant"), "stage": recipe.get("stage"),
           "model_type": config_json["model_type"], "pal": pal, "parameter_count": parameter_count,
           "training": settings, "total_steps": total_steps, "max_steps": args.max_steps,
           "train_examples": len(train), "valid_examples": len(valid), "strategy_token_ids": export["strategy_token_ids"],
           "valid_gold_strategy_counts": gold_counts, "threads": args.threads,
           "versions": {"python": platform.python_version(), "torch": torch.__version__,
                        "transformers": transformers.__version__},
           "validations": [], "train_log": [], "steps": 0}

    def record_validation(step):
        result = {"step": step, **validate(model, pal, valid, valid_batches, pad_id, strategy_ids)}
        log["validations"].append(result)
        log.update(final_valid_loss=result["valid_loss"], final_valid_acc=result.get("valid_acc"))
        note = ""
        if log.get("best_valid_loss") is None or result["valid_loss"] < log["best_valid_loss"]:
            log.update(best_step=step, best_valid_loss=result["valid_loss"], best_valid_acc=result.get("valid_acc"))
            note = " (best so far)"
        acc = f", strategy ACC {result['valid_acc']:.2f}%, predicted {result['valid_predicted_strategy_counts']}" \
            if "valid_acc" in result else ""
        print(f"step {step}: validation loss {result['valid_loss']:.4f} (ppl {result['valid_ppl']:.2f}){acc}{note}",
              flush=True)
        log["wall_seconds"] = time.time() - started
        write_json(args.output, log)

    record_validation(0)
    step, recent = 0, []
    for epoch, batches in enumerate(train_batches, start=1):
        if step >= stop_at:
            break
        for indices in batches[:stop_at - step]:
            batch = collate(train, indices, pad_id)
            optimizer.zero_grad(set_to_none=True)
            denoising = settings.get("encoder_denoising_weight", 0)
            if denoising > 0:
                positions, targets = mask_inputs(batch, settings["encoder_mask_rate"], export["mask_token_id"])
            logits, encoded = forward(model, pal, batch)
            loss = training_loss(logits, batch["labels"], strategy_ids,
                                 settings["strategy_loss_weight"], settings["label_smoothing"])
            if denoising > 0 and positions.numel():
                loss = loss + denoising * denoising_loss(model, encoded, positions, targets)
            if not torch.isfinite(loss):
                raise SystemExit(f"the loss is {loss.item()} at step {step + 1}")
            loss.backward()
            norm = torch.nn.utils.clip_grad_norm_(parameters, max_norm).item()
            lr = learning_rate(step, settings["lr"], settings["warmup_steps"], total_steps)
            for group in optimizer.param_groups:
                group["lr"] = lr
            optimizer.step()
            step += 1
            recent.append(loss.item())
            if step % args.log_every == 0:
                log["train_log"].append({"step": step, "epoch": epoch, "loss": recent[-1], "lr": lr, "grad_norm": norm})
            if step % 100 == 0:
                print(f"step {step}/{total_steps}  loss {sum(recent) / len(recent):.4f} (mean of {len(recent)})  "
                      f"lr {lr:.2e}  grad norm {norm:.3f}  {time.time() - started:.0f} s", flush=True)
                recent = []
            if settings["eval_every"] > 0 and step % settings["eval_every"] == 0:
                record_validation(step)
        log["steps"] = step
        if log["validations"][-1]["step"] != step:
            record_validation(step)  # the epoch's end (or the stop)

    log["wall_seconds"] = time.time() - started
    write_json(args.output, log)
    acc = f", ACC {log['best_valid_acc']:.2f}%" if log.get("best_valid_acc") is not None else ""
    print(f"done: {step} steps in {log['wall_seconds']:.0f} s; best valid loss {log['best_valid_loss']:.4f} "
          f"at step {log['best_step']}{acc}; wrote {args.output}")


if __name__ == "__main__":
    main()
