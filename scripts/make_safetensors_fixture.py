#!/usr/bin/env python3
"""Writes the safetensors fixtures of Tests/CheckpointTests/Fixtures with the official library
(`safetensors.torch.save_file`), for SafeTensorsTests:

  safetensors_mixed.safetensors      F32, F16, BF16 and F64 tensors (awkward values: NaNs with
                                     payloads, infinities, signed zeros, subnormals, extremes), 0-d
                                     scalars, empty tensors, an I64 `position_ids` buffer and metadata
  safetensors_mixed_expected.json    what reading it must give: per tensor in file (offset) order its
                                     dtype, shape and the float32 bit patterns of `tensor.float()`,
                                     the metadata and the skipped buffers
  safetensors_official_f32.safetensors   F32 tensors only, one metadata key (the official library
                                     writes several keys in random order): the bytes our writer
                                     must reproduce for the same tensors and metadata

Needs torch and safetensors from PyPI.

    python3 scripts/make_safetensors_fixture.py
"""
import json
import os
import struct

import torch
from safetensors.torch import save_file

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "Tests", "CheckpointTests", "Fixtures")


def from_bits(bits, dtype, shape):
    """A tensor of `dtype` whose elements have the given raw bit patterns."""
    storage = {torch.float32: torch.int32, torch.float16: torch.int16, torch.bfloat16: torch.int16,
               torch.float64: torch.int64}[dtype]
    width = torch.iinfo(storage).bits
    signed = [b - (1 << width) if b >= 1 << (width - 1) else b for b in bits]
    return torch.tensor(signed, dtype=storage).view(dtype).reshape(shape)


def float_bits(t):
    return [b & 0xFFFFFFFF for b in t.reshape(-1).view(torch.int32).tolist()]


def half_to_float_bits(h):
    """IEEE half -> float32 bits with NaNs quieted and their payload kept (x86 F16C), for checking torch."""
    sign, exponent, mantissa = (h & 0x8000) << 16, (h >> 10) & 0x1F, h & 0x3FF
    if exponent == 0x1F:
        return sign | 0x7F800000 | (0x400000 if mantissa else 0) | mantissa << 13
    return struct.unpack("<I", struct.pack("<f", struct.unpack("<e", struct.pack("<H", h))[0]))[0]


def mixed_tensors():
    g = torch.Generator().manual_seed(11)
    f32 = torch.randn(3, 4, generator=g)
    f32.view(-1)[:10] = from_bits([0x7FC00001, 0xFFC12345, 0x7FA00000, 0x7F800000, 0xFF800000, 0x80000000,
                                   0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0x00800000], torch.float32, [10])
    # F16: 24 elements so PyTorch converts them all with its vectorized path (its scalar path for a
    # lone element turns every NaN into 0x7fffffff).
    f16 = torch.randn(4, 6, generator=g).half()
    f16.view(-1)[:12] = from_bits([0x7E00, 0xFE00, 0x7C01, 0x7D55, 0x7C00, 0xFC00, 0x8000, 0x0001, 0x83FF,
                                   0x0400, 0x7BFF, 0x3C01], torch.float16, [12])
    bf16 = torch.randn(2, 3, 3, generator=g).bfloat16()
    bf16.view(-1)[:8] = from_bits([0x7FC0, 0x7F81, 0xFF81, 0x7F80, 0x8000, 0x0001, 0x807F, 0x7F7F],
                                  torch.bfloat16, [8])
    f64 = torch.tensor([0.1, -1e-50, 1e300, -1e300, 1 + 2 ** -24, 1 + 3 * 2 ** -24, 2 ** -149, 2 ** -150 * 1.5,
                        float("nan"), -0.0, 3.4028235677973366e38], dtype=torch.float64)
    return {
        "model.encoder.weight": f32,
        "model.encoder.half.weight": f16,
        "model.decoder.bf16.weight": bf16,
        "model.decoder.bias64": f64,
        "model.scale": torch.tensor(-2.5),
        "model.half_scale": torch.tensor(0.333, dtype=torch.float16),
        "model.empty": torch.zeros(0),
        "model.empty.bf16_matrix": torch.zeros(3, 0, 2, dtype=torch.bfloat16),
        "model.embeddings.position_ids": torch.arange(6, dtype=torch.int64).reshape(1, 6),
    }


def header_of(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n))


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    metadata = {"format": "pt", "note": 'Grüße ✓ "quoted" back\\slash /slash\ttab\nline \x01'}
    tensors = mixed_tensors()
    mixed_path = os.path.join(FIXTURES, "safetensors_mixed.safetensors")
    save_file(tensors, mixed_path, metadata=metadata)

    header = header_of(mixed_path)
    file_metadata = header.pop("__metadata__")
    assert file_metadata == metadata
    expected = {"metadata": metadata, "tensors": [], "skipped": [], "source_dtypes": {}}
    for name, info in sorted(header.items(), key=lambda item: item[1]["data_offsets"]):
        expected["source_dtypes"][name] = info["dtype"]
        t = tensors[name]
        if not t.is_floating_point():
            expected["skipped"].append(name)
            continue
        converted = t.float()
        bits = float_bits(converted)
        if t.dtype == torch.float16 and t.numel() > 1:
            raw = [b & 0xFFFF for b in t.reshape(-1).view(torch.int16).tolist()]
            assert bits == [half_to_float_bits(h) for h in raw], "torch's half.float() is not the F16C rule"
        expected["tensors"].append({"name": name, "dtype": info["dtype"], "shape": list(t.shape), "bits": bits})
    with open(os.path.join(FIXTURES, "safetensors_mixed_expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")

    # F32 only: names out of byte order in insertion (upper case, digits, non-ASCII), a 0-d scalar,
    # empty tensors, and one metadata key whose value needs every kind of JSON escape.
    g = torch.Generator().manual_seed(5)
    f32 = {
        "z.last": torch.randn(2, 3, generator=g),
        "a.10.weight": torch.randn(5, generator=g),
        "a.2.weight": torch.randn(1, 2, 2, generator=g),
        "B.upper": torch.tensor(7.25),
        "ä.unicode": torch.randn(3, generator=g),
        "empty": torch.zeros(0, 4),
    }
    save_file(f32, os.path.join(FIXTURES, "safetensors_official_f32.safetensors"),
              metadata={"note": '"q" \\ / \b\f\n\r\t \x01\x1f \x7f é 😀'})


if __name__ == "__main__":
    main()
