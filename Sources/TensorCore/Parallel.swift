// Parallel: splits a loop over rows or elements into one contiguous chunk per core, run on a
// persistent pool of worker threads (CKernels' workerpool.c). Chunking depends only on the thread
// count, so results are deterministic for a given count.
import CKernels
import Foundation

/// Threading settings for every TensorCore kernel, BLAS calls included (they run on the pool's threads).
public enum Threading {
    /// Number of chunks a large kernel is split into; defaults to the active core count.
    nonisolated(unsafe) public static var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// A loop body and its split, reached from the pool's C task through its context pointer.
private struct ChunkedLoop {
    let body: (_ chunk: Int, _ range: Range<Int>) -> Void
    let count: Int
    let chunks: Int
}

/// Calls `body` on disjoint sub-ranges covering `0..<count`, in parallel when each chunk would get at
/// least `grain` items; `body` receives the chunk index too, for per-thread partial results.
@inline(__always)
public func parallelChunks(_ count: Int, grain: Int, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
    let chunks = min(Threading.threads, count / max(grain, 1))
    if chunks <= 1 {
        body(0, 0..<count)
        return
    }
    withoutActuallyEscaping(body) { body in
        var loop = ChunkedLoop(body: body, count: count, chunks: chunks)
        withUnsafeMutablePointer(to: &loop) { pointer in
            ck_pool_run(chunks, Threading.threads, { context, chunk in
                let loop = context!.assumingMemoryBound(to: ChunkedLoop.self).pointee
                let c = Int(chunk)
                loop.body(c, (c * loop.count / loop.chunks)..<((c + 1) * loop.count / loop.chunks))
            }, pointer)
        }
    }
}

/// The number of chunks `parallelChunks` will use for `count` items at `grain`.
@inline(__always)
public func chunkCount(_ count: Int, grain: Int) -> Int { max(1, min(Threading.threads, count / max(grain, 1))) }

/// Elements per chunk below which an elementwise kernel stays on one thread.
public let elementwiseGrain = 1 << 15
