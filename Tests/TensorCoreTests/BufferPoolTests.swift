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
            for (b, capacity) in buffers { pool.give(b, capacity: capacity) }
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
        for (b, capacity) in buffers { pool.give(b, capacity: capacity) }  // all kept: 3 MiB pooled
        let (small, capacity) = pool.take(16)                    // another class: fresh
        pool.give(small, capacity: capacity)                     // 3 MiB + 64 bytes would pass the peak: freed
        XCTAssertEqual(pool.freshAllocations, 4)
        _ = pool.take(16)
        XCTAssertEqual(pool.freshAllocations, 5, "the small buffer was not kept")
        _ = pool.take(count)
        XCTAssertEqual(pool.freshAllocations, 5, "the large ones were")
    }

    /// A request whose class has no free buffer takes the smallest free one of up to twice its
    /// class, and that buffer goes back to its own class; a request under half of it allocates.
    func testTakesTheSmallestFreeBufferOfUpToTwiceTheClass() {
        let pool = BufferPool()
        let large = 1 << 18, larger = (1 << 18) + (1 << 17)     // classes 2^18 and 1.5 × 2^18
        let (a, aCapacity) = pool.take(large), (b, bCapacity) = pool.take(larger)
        pool.give(a, capacity: aCapacity)
        pool.give(b, capacity: bCapacity)
        let (c, cCapacity) = pool.take(large / 2 + 1)           // class 2^17 + 2^14: 2^18 is within twice that
        XCTAssertEqual(cCapacity, large, "the smallest free buffer that is large enough")
        XCTAssertEqual(c, a)
        XCTAssertEqual(pool.freshAllocations, 2)
        _ = pool.take(large / 4)                                 // 2^16: neither free buffer is within twice it
        XCTAssertEqual(pool.freshAllocations, 3)
        pool.give(c, capacity: cCapacity)
        let (d, dCapacity) = pool.take(large)                    // the exact class again, not the larger buffer
        XCTAssertEqual(d, a)
        XCTAssertEqual(dCapacity, large)
        XCTAssertEqual(pool.liveBytes, (large + large / 4) * 4)
    }
}
