// Splits by conversation. PAL's process.py shuffles the 1,300 conversations of ESConv.json with
// Python's random.seed(13) and cuts valid = s[0:d] + s[2d:3d], test = s[d:2d], train = s[3d:] with
// d = int(0.1·n) — 7:2:1. The HuggingFace `thu-coai/esconv` files were cut from the same seeded
// shuffle (valid = s[0:195], test = s[195:390], train = s[390:]), so the original order, and with
// it PAL's split, can be recovered from those files exactly.
import PythonSemantics

/// Conversation indices (into the original ESConv.json order) of each part.
public struct DataSplit: Equatable, Sendable {
    public var train: [Int]
    public var valid: [Int]
    public var test: [Int]

    /// The seed of the paper's split (over the 1,300 published conversations in ESConv.json order).
    public static let papersSeed: UInt64 = 13

    /// PAL's 7:2:1 split of `count` conversations; seed 13 is the paper's.
    public static func pal(count: Int, seed: UInt64 = papersSeed) -> DataSplit {
        let s = shuffledIndices(count: count, seed: seed)
        let d = Int(0.1 * Double(count))
        return DataSplit(train: Array(s[(3 * d)...]), valid: Array(s[0..<d] + s[(2 * d)..<(3 * d)]), test: Array(s[d..<(2 * d)]))
    }

    /// `list(range(count))` after `random.seed(seed); random.shuffle(…)`.
    public static func shuffledIndices(count: Int, seed: UInt64) -> [Int] {
        var rng = PythonRandom(seed: seed)
        var s = Array(0..<count)
        rng.shuffle(&s)
        return s
    }
}

/// The HuggingFace ESConv files (`train.json`, `valid.json`, `test.json`) put back in ESConv.json order.
public enum HuggingFaceESConvOrder {
    /// Sizes of the HF files' parts: valid and test 195 each, the rest train.
    public static let heldOutSize = 195

    /// The ESConv.json indices of the conversations in the HF train, valid and test files, in each file's order.
    public static func originalIndices(total: Int = total) -> (train: [Int], valid: [Int], test: [Int]) {
        let s = DataSplit.shuffledIndices(count: total, seed: 13)
        return (Array(s[(2 * heldOutSize)...]), Array(s[0..<heldOutSize]), Array(s[heldOutSize..<(2 * heldOutSize)]))
    }

    /// Conversations in the three files together.
    public static let total = 1300

    /// The three files' conversations merged into ESConv.json order; nil unless they hold the published
    /// counts (train 910, valid and test 195 each), the only ones from which that order can be recovered.
    public static func merge<T>(train: [T], valid: [T], test: [T]) -> [T]? {
        guard valid.count == heldOutSize, test.count == heldOutSize, train.count + valid.count + test.count == total else { return nil }
        let index = originalIndices(total: total)
        var merged = [T?](repeating: nil, count: total)
        for (rows, items) in [(index.train, train), (index.valid, valid), (index.test, test)] {
            for (row, item) in zip(rows, items) { merged[row] = item }
        }
        return merged.map { $0! }
    }
}
