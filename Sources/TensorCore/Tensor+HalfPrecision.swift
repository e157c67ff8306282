// Half-precision weights for decoding: a weight's values rounded to IEEE fp16 or to bf16 and kept as a
// 16-bit copy beside them. Batch-1 decoding reads every weight once per token, so reading half the
// bytes makes it up to twice as fast. With fp16, products of many rows (the encoder, teacher forcing)
// keep using the fp32 array, which holds the same rounded values, so every path computes with the same
// weights. With bf16 on a CPU with AVX512-BF16, products of many rows multiply in bf16 as well (the
// inputs rounded to bf16, sums in fp32: `ck_gemm_bf16_bt`), twice the multiply-adds per instruction.
import CKernels

/// How a half-precision copy stores each value: IEEE fp16 (11 significant bits, F16C converts it) or
/// bf16 (the top half of an fp32: 8 significant bits, fp32's range).
public enum HalfPrecisionFormat: String, CaseIterable, Sendable {
    case f16, bf16
}

/// 16-bit patterns of a tensor's values in the layout the 16-bit kernels read (`ck_round_to_half_rows`:
/// blocks of 8 rows on AVX-512, rows as stored elsewhere).
public final class HalfPrecisionCopy {
    public let format: HalfPrecisionFormat
    public let bits: UnsafeMutablePointer<UInt16>
    public let count: Int

    /// The copy of `rows` × `columns` values, which are rounded to `format` in place (exact in fp32:
    /// both formats are subsets of it), so the fp32 array holds the copy's values.
    init(rounding values: UnsafeMutablePointer<Float>, rows: Int, columns: Int, format: HalfPrecisionFormat) {
        self.format = format
        count = rows * columns
        bits = .allocate(capacity: count)
        ck_round_to_half_rows(values, bits, rows, columns, format == .bf16 ? 1 : 0)
    }

    deinit { bits.deallocate() }
}

/// Whether products of many rows with bf16 weights run in bf16 (`ck_gemm_bf16_bt`) on this CPU.
public let bf16ProductsAvailable = ck_has_bf16_products() != 0

extension Tensor {
    /// Rounds the values to `format` in place and keeps their 16-bit copy (for a weight that is no
    /// longer trained: the copy does not follow later updates).
    public func makeHalfPrecision(_ format: HalfPrecisionFormat = .f16) {
        let (rows, columns) = rank == 2 ? (shape[0], shape[1]) : (1, count)
        halfPrecision = HalfPrecisionCopy(rounding: data, rows: rows, columns: columns, format: format)
    }
}

/// out (rows×outF) = x·Wᵀ + β·out in bf16 products with fp32 sums, W given by its bf16 copy: x is
/// rounded to bf16 and packed once (its blocks of rows split across the pool), then the weight rows
/// are split across the pool at multiples of the kernel's tile.
func bf16ProductBT(_ x: UnsafePointer<Float>, _ weight: HalfPrecisionCopy, _ out: UnsafeMutablePointer<Float>,
                   rows: Int, inF: Int, outF: Int, beta: Float) {
    let packed = UnsafeMutablePointer<UInt32>.allocate(capacity: ck_bf16_packed_rows_count(rows, inF))
    defer { packed.deallocate() }
    let blockRows = ck_bf16_block_rows()
    parallelChunks((rows + blockRows - 1) / blockRows, grain: max(1, elementwiseGrain / (blockRows * inF))) { _, blocks in
        ck_bf16_pack_rows(x, packed, rows, inF, blocks.lowerBound, blocks.upperBound)
    }
    let tile = ck_bf16_tile_weights()
    parallelChunks((outF + tile - 1) / tile, grain: gemmGrain(rows * tile * inF)) { _, tiles in
        ck_gemm_bf16_bt(packed, weight.bits, out, rows, inF, outF, outF, tiles.lowerBound * tile, min(outF, tiles.upperBound * tile), 1, beta)
    }
}
