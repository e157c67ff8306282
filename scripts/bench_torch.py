#!/usr/bin/env python3
"""bench_torch.py — the PyTorch peer of `paltrain bench`: the same workloads on the same shapes
with PyTorch and HF transformers on the CPU, each in a child process (so its peak resident memory is
its own), written as JSON rows with the names `paltrain bench` uses, for the ratios it prints.

  train 90M / tiny   BlenderbotSmallForConditionalGeneration, random weights, fp32, batch 4,
                     160 source and 40 target tokens: forward + backward + clip_grad_norm_ + AdamW
  train tiny varying lengths
                     the tiny step on batches of 16 whose source lengths change every step (VARYING),
                     targets a quarter of the source (at most 50); each sample the mean step of a pass
  train PAL 90M paper lengths
                     the reference's PAL forward on the same model: dialogue (512 tokens) and persona
                     (64 real tokens padded to 512, with its mask) through the shared encoder, the
                     unscaled, unmasked co-attention and its mix (PAL-SPEC §4), the decoder on 50 target
                     tokens; then backward + clip_grad_norm_ + AdamW
  decode 90M / tiny  HF generate, greedy, batch 1, 160 source tokens, exactly 40 new tokens, KV cache
  sgemm <shape>      torch.matmul on the 90M model's shapes (MKL/oneDNN), for reference

--tuned is the tuned peer: AdamW(fused=True), and (set by `make bench` around it) jemalloc from
Debian preloaded with MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1, so freed pages are kept for
reuse instead of being returned and faulted in again every step.

Comparison only: nothing in paltrain needs this. `make bench-peer` makes the virtual environment;
`make bench` runs this (default and tuned) with --runs 0, and then `paltrain bench`, which runs the
rows with speed targets of both peers itself through --workload, each process just before one of its own.
Usage: bench_torch.py [--output bench-torch.json] [--threads N] [--runs N] [--only SUBSTRING] [--tuned]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

BATCH, SOURCE, TARGET, NEW_TOKENS = 4, 160, 40, 40
PAPER_SOURCE, PAPER_PERSONA, PAPER_TARGET = 512, 64, 50  # as BenchWorkloads.paper
PAPER_STEP = "train PAL 90M paper lengths"
VARYING_STEP = "train tiny varying lengths"
VARYING = [320, 96, 512, 192, 64, 448, 256, 128, 384, 160, 480, 224]  # as BenchWorkloads.varyingShapes
WORKLOADS = ["train 90M", "train tiny", VARYING_STEP, PAPER_STEP, "decode 90M", "decode tiny"]
SPREAD_ROWS = ["train 90M", "train tiny"]  # as Bench.spreadRows: run in --runs processes, the fastest kept
SHAPES = [  # name, m, n, k, batch — as Bench.shapes in Sources/paltrain/Bench.swift
    ("q/k/v/out projection 640×512·512ᵀ", 640, 512, 512, 1),
    ("fc1 640×512·2048ᵀ", 640, 2048, 512, 1),
    ("fc2 640×2048·512ᵀ", 640, 512, 2048, 1),
    ("attention scores 64 × 160×32·160ᵀ", 160, 160, 32, 64),
    ("vocabulary projection 160×512·54944ᵀ", 160, 54944, 512, 1),
]


def config(size):
    from transformers import BlenderbotSmallConfig
    if size == "90M":
        return BlenderbotSmallConfig(vocab_size=54944, d_model=512, encoder_layers=8, decoder_layers=8,
                                     encoder_attention_heads=16, decoder_attention_heads=16,
                                     encoder_ffn_dim=2048, decoder_ffn_dim=2048, max_position_embeddings=512,
                                     dropout=0.1, scale_embedding=True)
    return BlenderbotSmallConfig(vocab_size=8192, d_model=128, encoder_layers=2, decoder_layers=2,
                                 encoder_attention_heads=4, decoder_attention_heads=4,
                                 encoder_ffn_dim=512, decoder_ffn_dim=512, max_position_embeddings=512,
                                 dropout=0.1, scale_embedding=True)


def ids(torch, rows, length, vocab, seed):
    """The ids BenchWorkloads.ids draws: 3 + ((i·7919 + seed·104729) mod (vocab − 3))."""
    values = [3 + ((i * 7919 + seed * 104729) % (vocab - 3)) for i in range(rows * length)]
    return torch.tensor(values, dtype=torch.long).view(rows, length)


def samples(repeats, body):
    body()  # warmup
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        out.append(time.perf_counter() - start)
    return out


def co_attention(torch):
    """The reference's persona co-attention: Z_D = softmax(H_D H_Pᵀ) H_P, Z_P = softmax(H_P H_Dᵀ) H_D,
    no scaling, no mask; H = λ₀ H_D + λ₁ LN(H_P + Z_P) + λ₂ LN(H_D + Z_D), λ = softmax(w)."""
    class CoAttention(torch.nn.Module):
        def __init__(self, width):
            super().__init__()
            self.context_norm = torch.nn.LayerNorm(width)
            self.persona_norm = torch.nn.LayerNorm(width)
            self.persona_context_w = torch.nn.Parameter(torch.full((3,), 1 / 3))

        def forward(self, hd, hp):
            zd = torch.softmax(hd @ hp.transpose(1, 2), dim=-1) @ hp
            zp = torch.softmax(hp @ hd.transpose(1, 2), dim=-1) @ hd
            w = torch.softmax(self.persona_context_w, dim=0)
            return w[0] * hd + w[1] * self.persona_norm(hp + zp) + w[2] * self.context_norm(hd + zd)
    return CoAttention


def run_workload(name, repeats, tuned):
    import torch
    from transformers import BlenderbotSmallForConditionalGeneration
    size = "90M" if "90M" in name else "tiny"
    repeats = repeats or (3 if name == PAPER_STEP else 5 if size == "90M" or name == VARYING_STEP else 50)
    torch.manual_seed(1)
    cfg = config(size)
    model = BlenderbotSmallForConditionalGeneration(cfg)
    if name == PAPER_STEP:
        model.train()
        mix = co_attention(torch)(cfg.d_model)
        optimizer = torch.optim.AdamW(list(model.parameters()) + list(mix.parameters()), lr=1e-5, weight_decay=0.01, fused=tuned)
        src = ids(torch, BATCH, PAPER_SOURCE, cfg.vocab_size, 1)
        mask = torch.ones_like(src)
        persona_mask = (torch.arange(PAPER_SOURCE) < PAPER_PERSONA).long().expand(BATCH, PAPER_SOURCE)
        persona = ids(torch, BATCH, PAPER_SOURCE, cfg.vocab_size, 3) * persona_mask  # pad id 0 past the persona
        dec = ids(torch, BATCH, PAPER_TARGET, cfg.vocab_size, 2)
        labels = ids(torch, BATCH, PAPER_TARGET, cfg.vocab_size, 4)
        encoder = model.get_encoder()

        def step():
            optimizer.zero_grad(set_to_none=False)
            hd = encoder(input_ids=src, attention_mask=mask).last_hidden_state
            hp = encoder(input_ids=persona, attention_mask=persona_mask).last_hidden_state
            out = model(encoder_outputs=(mix(hd, hp),), attention_mask=mask, decoder_input_ids=dec, labels=labels)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(list(model.parameters()) + list(mix.parameters()), 1.0)
            optimizer.step()
        times = samples(repeats, step)
        value, unit = statistics.median(times), "s/step"
        detail = f"PyTorch {torch.__version__}, the reference's PAL forward{', fused AdamW' if tuned else ''}, median of {repeats}"
    elif name.startswith("train"):
        model.train()
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5, weight_decay=0.01, fused=tuned)
        shapes = [(16, n, min(50, n // 4)) for n in VARYING] if name == VARYING_STEP else [(BATCH, SOURCE, TARGET)]
        batches = [(ids(torch, b, s, cfg.vocab_size, 1), ids(torch, b, t, cfg.vocab_size, 2), ids(torch, b, t, cfg.vocab_size, 4))
                   for b, s, t in shapes]

        def step():
            for src, dec, labels in batches:
                optimizer.zero_grad(set_to_none=False)
                out = model(input_ids=src, attention_mask=torch.ones_like(src), decoder_input_ids=dec, labels=labels)
                out.loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
        times = [t / len(batches) for t in samples(repeats, step)]
        value, unit = statistics.median(times), "s/step"
        detail = f"PyTorch {torch.__version__}{', fused AdamW' if tuned else ''}, median of {repeats}"
        if name == VARYING_STEP:
            detail += " passes (mean step of each)"
    else:
        model.eval()
        src = ids(torch, 1, SOURCE, cfg.vocab_size, 1)
        mask = torch.ones_like(src)

        def generate():
            with torch.no_grad():
                out = model.generate(input_ids=src, attention_mask=mask, do_sample=False, num_beams=1,
                                     max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS, use_cache=True)
            assert out.shape[1] - 1 == NEW_TOKENS, out.shape
        times = samples(repeats, generate)
        value, unit = NEW_TOKENS / statistics.median(times), "tokens/s"
        detail = f"HF generate, transformers {__import__('transformers').__version__}, median of {repeats}"
    if "jemalloc" in os.environ.get("LD_PRELOAD", ""):
        detail += ", jemalloc keeping freed pages"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"name": name, "value": value, "unit": unit, "samples": times, "peak_rss_mb": peak, "detail": detail}


def sgemm_rows():
    import torch
    rows = []
    for name, m, n, k, batch in SHAPES:
        a = torch.full((batch, m, k), 0.5)
        b = torch.full((batch, n, k), 0.25)
        bt = b.transpose(1, 2)
        best = min(samples(10, lambda: torch.matmul(a, bt)))
        rows.append({"name": f"sgemm {name}", "value": 2 * batch * m * n * k / best / 1e9, "unit": "GFLOP/s",
                     "detail": "torch.matmul, best of 10"})
    return rows


def run_child(name, args):
    """One workload's row, measured in a child process of its own."""
    child = subprocess.run([sys.executable, __file__, "--workload", name, "--threads", str(args.threads),
                            "--repeats", str(args.repeats)] + (["--tuned"] if args.tuned else []), capture_output=True, text=True)
    if child.returncode != 0:
        sys.exit(f"bench_torch: {name} failed:\n{child.stderr}")
    row = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"  {name}: {row['value']:.4g} {row['unit']}, peak {row['peak_rss_mb']:.0f} MB")
    return row


def fastest(runs):
    """The fastest of one training row's runs, with every run's median and the largest peak memory."""
    row = dict(min(runs, key=lambda r: r["value"]))
    row["process_medians"] = [r["value"] for r in runs]
    row["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    medians = ", ".join(f"{r['value']:.4f}" for r in runs)
    row["detail"] += f"; the fastest of {len(runs)} processes (medians {medians} s)"
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="bench-torch.json")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--repeats", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3, help="processes for each of " + ", ".join(SPREAD_ROWS)
                        + "; the fastest is kept (0: leave them out, for `paltrain bench --peer-workload` to run)")
    parser.add_argument("--only")
    parser.add_argument("--tuned", action="store_true", help="fused AdamW (run under jemalloc: see the header)")
    parser.add_argument("--workload", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workload:
        import torch
        torch.set_num_threads(args.threads)
        print(json.dumps(run_workload(args.workload, args.repeats, args.tuned)))
        return
    # The workloads first, before this process imports torch: a child's peak resident memory starts
    # from its parent's at the time it is spawned.
    print(f"bench_torch: {args.threads} threads{', tuned' if args.tuned else ''}")
    rows = [run_child(name, args) for name in WORKLOADS
            if (not args.only or args.only in name) and (args.runs > 0 or name not in SPREAD_ROWS)]
    # The rows with speed targets again, after all the others, as `paltrain bench --runs` does.
    for i, row in enumerate(rows):
        if row["name"] in SPREAD_ROWS and args.runs > 1:
            rows[i] = fastest([row] + [run_child(row["name"], args) for _ in range(args.runs - 1)])
    if not args.only and not args.tuned:
        import torch
        torch.set_num_threads(args.threads)
        rows = sgemm_rows() + rows
    with open(args.output, "w") as f:
        json.dump(rows, f, indent=1, ensure_ascii=False)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
