// SgemmProbe: raw cblas_sgemm throughput on a given shape, the ceiling TensorCore is measured against.
import COpenBLAS
import Foundation
import TensorCore

enum SgemmProbe {
    /// GFLOP/s of C (m×n) = A (m×k) · B (n×k)ᵀ, the layout of a linear layer, best of `repeats` after a warmup.
    static func gflops(m: Int, n: Int, k: Int, batch: Int = 1, repeats: Int) -> Double {
        let a = [Float](repeating: 0.5, count: batch * m * k), b = [Float](repeating: 0.25, count: batch * n * k)
        var c = [Float](repeating: 0, count: batch * m * n)
        let seconds = Stopwatch.best(repeats: repeats) {
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                for i in 0..<batch {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1,
                                pa.baseAddress! + i * m * k, Int32(k), pb.baseAddress! + i * n * k, Int32(k), 0,
                                pc.baseAddress! + i * m * n, Int32(n))
                }
            } } }
        }
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
