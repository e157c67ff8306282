// SgemmProbe: raw cblas_sgemm throughput on a given shape (OpenBLAS's own threading, on the kernel
// threads' count), the ceiling TensorCore is measured against.
import CKernels
import COpenBLAS
import Foundation
import Models
import TensorCore

enum SgemmProbe {
    /// GFLOP/s of C (m×n) = A (m×k) · B (n×k)ᵀ, the layout of a linear layer, best of `repeats` after a warmup.
    static func gflops(m: Int, n: Int, k: Int, batch: Int = 1, repeats: Int) -> Double {
        let a = [Float](repeating: 0.5, count: batch * m * k), b = [Float](repeating: 0.25, count: batch * n * k)
        var c = [Float](repeating: 0, count: batch * m * n)
        let seconds = BLAS.withOwnThreads(Threading.threads) { Stopwatch.best(repeats: repeats) {
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                for i in 0..<batch {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1,
                                pa.baseAddress! + i * m * k, Int32(k), pb.baseAddress! + i * n * k, Int32(k), 0,
                                pc.baseAddress! + i * m * n, Int32(n))
                }
            } } }
        } }
        return 2 * Double(batch * m * n * k) / seconds / 1e9
    }
}

/// Wall-clock timing on the monotonic clock.
enum Stopwatch {
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

    /// Seconds for each of `repeats` runs of `body`, after one untimed warmup run.
    static func samples(repeats: Int, _ body: () -> Void) -> [Double] {
        body()
        return (0..<max(1, repeats)).map { _ in
            let start = now()
            body()
            return now() - start
        }
    }

    static func best(repeats: Int, _ body: () -> Void) -> Double { samples(repeats: repeats, body).min()! }

    static func median(repeats: Int, _ body: () -> Void) -> Double {
        let s = samples(repeats: repeats, body).sorted()
        return s[s.count / 2]
    }
}

/// The memory-bandwidth floor of batch-1 decoding: every weight a decoder step multiplies is streamed
/// from memory once per token, so no step can be faster than those bytes at the machine's read
/// bandwidth. A copy's bytes per second (the usual quoted figure) count each byte once though it is
/// read and written, so on its own it understates what reading alone reaches.
enum BandwidthProbe {
    /// GB/s of a 1 GiB memcpy (bytes copied per second), best of `repeats` after a warmup.
    static func copyGBps(repeats: Int = 5) -> Double {
        let count = 1 << 30
        let source = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 64), target = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 64)
        defer { source.deallocate(); target.deallocate() }
        memset(source, 1, count)
        memset(target, 0, count)
        return Double(count) / Stopwatch.best(repeats: repeats) { memcpy(target, source, count) } / 1e9
    }

    /// GB/s of reading 1 GiB on every kernel thread (a sum of squares per chunk: the way decoding
    /// reads its weights), best of `repeats` after a warmup.
    static func readGBps(repeats: Int = 5) -> Double {
        let count = 1 << 28
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0.5, count: count)
        var sums = [Double](repeating: 0, count: chunkCount(count, grain: 1 << 20))
        let seconds = Stopwatch.best(repeats: repeats) {
            sums.withUnsafeMutableBufferPointer { partial in
                parallelChunks(count, grain: 1 << 20) { chunk, range in partial[chunk] = ck_sum_squares(buffer + range.lowerBound, range.count) }
            }
        }
        precondition(sums.reduce(0, +) > 0, "the read probe read nothing")
        return Double(count * MemoryLayout<Float>.stride) / seconds / 1e9
    }

    /// Bytes of weights one cached decoder step reads at `config`: per layer the self-attention's four
    /// projections, the cross-attention's query and output (its keys and values are cached), the FFN,
    /// with biases and layer norms; then the vocabulary projection (embeddings read one row: left out).
    /// The matrices take `matrixBytes` a value (2 with half-precision weights), the rest fp32's 4.
    static func decoderBytesPerToken(_ c: Seq2SeqConfig, matrixBytes: Int = MemoryLayout<Float>.stride) -> Int {
        let d = c.dModel, f = c.decoderFfnDim
        let matrices = c.decoderLayers * (6 * d * d + 2 * d * f) + c.vocabSize * d
        let vectors = c.decoderLayers * (6 * d + f + d + 3 * 2 * d)
        return matrixBytes * matrices + MemoryLayout<Float>.stride * vectors
    }
}
