// Storage: reference-counted Float buffers, recycled through a size-keyed pool so that a training
// step of the same shapes allocates nothing after the first one, and steps of varying lengths reuse
// what earlier ones freed instead of faulting fresh pages in.
import Foundation

/// A heap buffer of `Float`s; returned to `BufferPool.shared` when the last tensor using it dies.
public final class Storage {
    public let base: UnsafeMutablePointer<Float>
    public let count: Int
    /// Floats the buffer holds (its pool class, `count` or more).
    let capacity: Int

    /// A buffer of `count` floats with unspecified contents (taken from the pool when possible).
    public init(uninitializedCount count: Int) {
        self.count = count
        (base, capacity) = BufferPool.shared.take(count)
    }

    /// A buffer of `count` zeros.
    public convenience init(zeroedCount count: Int) {
        self.init(uninitializedCount: count)
        base.initialize(repeating: 0, count: count)
    }

    deinit { BufferPool.shared.give(base, capacity: capacity) }
}

/// Free buffers keyed by capacity class, bounded in total bytes (the larger of `limitBytes` and the
/// most bytes tensors have held at once). A request is rounded up to its class (steps of 1/8 of a
/// power of two), and when that class has no free buffer it takes the smallest free one of up to
/// twice its size. So batches of varying lengths (attention's B×H×T×T buffers span dozens of classes)
/// reuse what the previous batches freed: before the fallback, a training stage over bucketed
/// lengths faulted in about 19 GB of fresh pages per epoch and spent 12–16% of its time in the kernel.
public final class BufferPool: @unchecked Sendable {
    public static let shared = BufferPool()

    /// Bytes kept for reuse even when tensors never held that many at once; buffers beyond the bound are freed.
    public var limitBytes = 2 << 30
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var pooledBytes = 0
    private let lock = NSLock()

    /// Buffers obtained from the system allocator so far (a steady-state training step adds none).
    public private(set) var freshAllocations = 0
    /// Bytes (by capacity) in buffers currently held by tensors.
    public private(set) var liveBytes = 0
    /// The most bytes tensors have held at once. The pool keeps up to this much, so a step that needs
    /// more than `limitBytes` (PAL at 512 tokens needs about 3 GB) takes back what the last one freed
    /// instead of faulting fresh pages in, and the process holds no more than its peak.
    public private(set) var peakLiveBytes = 0

    /// The capacity class of a request: `count` rounded up to a multiple of 1/8 of its power of two.
    static func capacity(_ count: Int) -> Int {
        guard count > 16 else { return 16 }
        let step = 1 << (Int.bitWidth - (count - 1).leadingZeroBitCount - 4)
        return (count + step - 1) / step * step
    }

    /// A buffer of at least `count` floats and its capacity: a free one of `count`'s class, else the
    /// smallest free one of up to twice that class, else a fresh one of the class.
    func take(_ count: Int) -> (UnsafeMutablePointer<Float>, capacity: Int) {
        let wanted = Self.capacity(count)
        lock.lock()
        defer { lock.unlock() }
        var capacity = wanted
        while capacity <= 2 * wanted {
            if let p = free[capacity]?.popLast() {
                if free[capacity]?.isEmpty == true { free[capacity] = nil }
                pooledBytes -= capacity * 4
                hold(capacity)
                return (p, capacity)
            }
            capacity = Self.capacity(capacity + 1)
        }
        hold(wanted)
        freshAllocations += 1
        return (UnsafeMutablePointer<Float>.allocate(capacity: wanted), wanted)
    }

    private func hold(_ capacity: Int) {
        liveBytes += capacity * 4
        peakLiveBytes = max(peakLiveBytes, liveBytes)
    }

    func give(_ p: UnsafeMutablePointer<Float>, capacity: Int) {
        lock.lock()
        liveBytes -= capacity * 4
        if pooledBytes + capacity * 4 <= max(limitBytes, peakLiveBytes) {
            free[capacity, default: []].append(p)
            pooledBytes += capacity * 4
            lock.unlock()
        } else {
            lock.unlock()
            p.deallocate()
        }
    }
}
