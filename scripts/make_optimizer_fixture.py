#!/usr/bin/env python3
"""Writes Tests/TrainingTests/Fixtures/adamw_trajectory.json: 20 steps of torch.optim.AdamW with
two parameter groups (weight decay on weights, none on biases and LayerNorm weights), global
gradient-norm clipping and transformers' linear warmup/decay schedule, on a fixed quadratic
problem whose gradient is set directly as g = c * (p - t), so the trajectory tests the optimizer,
clipping and schedule alone. Needs torch from PyPI; the Swift test reads only the JSON.

    python3 scripts/make_optimizer_fixture.py
"""
import json
import os

import torch

STEPS, LR, WARMUP, WEIGHT_DECAY, MAX_NORM = 20, 1e-2, 5, 0.1, 13.2  # clips the first 6 steps only
BETAS, EPS = (0.9, 0.999), 1e-8
SHAPES = {  # HF-style names decide the group, as the Swift side decides it from the same names
    "layer.weight": [4, 3],
    "layer.bias": [4],
    "layer_norm.weight": [3],
    "out.weight": [2, 4],
}


def linear_schedule_with_warmup(step):
    """transformers.get_linear_schedule_with_warmup's lambda."""
    if step < WARMUP:
        return float(step) / float(max(1, WARMUP))
    return max(0.0, float(STEPS - step) / float(max(1, STEPS - WARMUP)))


def floats(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(13)
    params, records = {}, []
    for name, shape in SHAPES.items():
        p = torch.nn.Parameter(torch.randn(shape))
        target = torch.randn(shape)
        coef = torch.rand(shape) * 3 + 0.5
        params[name] = (p, target, coef)
        no_decay = name.endswith(".bias") or "layer_norm" in name
        records.append({"name": name, "shape": shape, "decay": not no_decay,
                        "init": floats(p), "target": floats(target), "coef": floats(coef)})

    decay = [p for n, (p, _, _) in params.items() if not (n.endswith(".bias") or "layer_norm" in n)]
    no_decay = [p for n, (p, _, _) in params.items() if n.endswith(".bias") or "layer_norm" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY},
                             {"params": no_decay, "weight_decay": 0.0}], lr=LR, betas=BETAS, eps=EPS)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, linear_schedule_with_warmup)

    trajectory = []
    for _ in range(STEPS):
        opt.zero_grad()
        for p, target, coef in params.values():
            p.grad = coef * (p.detach() - target)
        norm = torch.nn.utils.clip_grad_norm_([p for p, _, _ in params.values()], MAX_NORM)
        lr = opt.param_groups[0]["lr"]
        opt.step()
        sched.step()
        trajectory.append({"lr": lr, "grad_norm": float(norm),
                           "params": {n: floats(p) for n, (p, _, _) in params.items()}})

    fixture = {"torch_version": torch.__version__, "steps": STEPS, "lr": LR, "warmup_steps": WARMUP,
               "total_steps": STEPS, "betas": list(BETAS), "eps": EPS, "weight_decay": WEIGHT_DECAY,
               "max_grad_norm": MAX_NORM, "params": records, "trajectory": trajectory}
    out = os.path.join(os.path.dirname(__file__), "..", "Tests", "TrainingTests", "Fixtures", "adamw_trajectory.json")
    with open(out, "w") as f:
        json.dump(fixture, f, indent=1)
    print(f"wrote {os.path.normpath(out)}: {STEPS} steps, grad norms "
          f"{trajectory[0]['grad_norm']:.3f} .. {trajectory[-1]['grad_norm']:.3f}")


if __name__ == "__main__":
    main()
