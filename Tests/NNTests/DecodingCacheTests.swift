// The decoder's self-attention cache (`PositionBuffer`) and attention over its filled positions: the
// same values as concatenating every step's keys and values, which it replaces.
import NN
import TensorCore
import XCTest

final class DecodingCacheTests: XCTestCase {
    /// The cache holds what concatenating every step's positions would: across steps of one and
    /// several positions, past its first capacity (which makes it move), and after its entries are
    /// reordered, dropped and repeated (beam search).
    func testPositionBufferHoldsTheConcatenatedPositions() {
        var rng = RandomGenerator(seed: 3)
        let steps = [2, 1, 60, 1, 9].map { Tensor.uniform([3, $0, 4], low: -1, high: 1, rng: &rng) }
        var buffer = PositionBuffer(steps[0]), concatenated = steps[0]
        for step in steps.dropFirst() {
            buffer.append(step)
            concatenated = Tensor.concatenate([concatenated, step], axis: 1)
            XCTAssertEqual(buffer.buffer.slice(axis: 1, 0..<buffer.length).toArray(), concatenated.toArray())
        }
        XCTAssertEqual(buffer.length, 73)
        XCTAssertEqual(buffer.buffer.shape, [3, 128, 4], "doubled once, from 64")
        let rows = [2, 0, 0]
        let selected = buffer.selectingRows(rows)
        XCTAssertEqual(selected.buffer.slice(axis: 1, 0..<selected.length).toArray(), concatenated.selectingRows(rows).toArray())
    }

    /// Attention over the first positions of a cache with room to grow gives the bits of attention
    /// over those positions alone, for one query row (the decoding path) and several (the sgemm path).
    func testAttentionOverTheFilledPositionsOfACache() {
        var rng = RandomGenerator(seed: 4)
        let keys = Tensor.uniform([2, 9, 8], low: -1, high: 1, rng: &rng), values = Tensor.uniform([2, 9, 8], low: -1, high: 1, rng: &rng)
        for t in [1, 3] {
            let queries = Tensor.uniform([2, t, 8], low: -1, high: 1, rng: &rng)
            let mask = Tensor(shape: [t, 5], values: (0..<(t * 5)).map { $0 % 5 > $0 / 5 + 5 - t ? -.infinity : 0 })
            let filled = withNoGrad { queries.headAttention(keys: keys, values: values, heads: 2, scale: 0.5, mask: mask, keyLength: 5) }
            let alone = withNoGrad {
                queries.headAttention(keys: keys.slice(axis: 1, 0..<5), values: values.slice(axis: 1, 0..<5), heads: 2, scale: 0.5, mask: mask)
            }
            XCTAssertEqual(filled.toArray(), alone.toArray(), "\(t) queries")
        }
    }
}
