// BufferPool: what it keeps for reuse, and when it goes back to the system allocator.
@testable import TensorCore
import XCTest

final class BufferPoolTests: XCTestCase {
    /// A step whose buffers exceed `limitBytes` still allocates nothing after the first: the bound
    /// grows to the most bytes held at once.
    func testKeepsUpToThePeakOfLiveBytesBeyondTheLimit() {
        let pool = BufferPool()
        pool.limitBytes = 1 << 20
        let count = 1 << 18                                  // 1 MiB each: four of them are 4× the limit
        func step() {
            let buffers = (0..<4).map { _ in pool.take(count) }
            for b in buffers { pool.give(b, count: count) }
        }
        step()
        XCTAssertEqual(pool.freshAllocations, 4)
        XCTAssertEqual(pool.peakLiveBytes, 4 << 20)
        for _ in 0..<3 { step() }
        XCTAssertEqual(pool.freshAllocations, 4, "later steps reuse the first one's buffers")
        XCTAssertEqual(pool.liveBytes, 0)
    }

    /// Beyond both bounds, freed buffers go back: the pool never holds more than the peak.
    func testFreesWhatExceedsBothBounds() {
        let pool = BufferPool()
        pool.limitBytes = 0
        let count = 1 << 18
        let buffers = (0..<3).map { _ in pool.take(count) }      // peak 3 MiB
        for b in buffers { pool.give(b, count: count) }          // all kept: 3 MiB pooled
        let small = pool.take(16)                                // another class: fresh
        pool.give(small, count: 16)                              // 3 MiB + 64 bytes would pass the peak: freed
        XCTAssertEqual(pool.freshAllocations, 4)
        _ = pool.take(16)
        XCTAssertEqual(pool.freshAllocations, 5, "the small buffer was not kept")
        _ = pool.take(count)
        XCTAssertEqual(pool.freshAllocations, 5, "the large ones were")
    }
}
