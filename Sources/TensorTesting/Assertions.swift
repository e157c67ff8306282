// Comparison helpers for tests: the largest absolute and relative differences between two tensors
// or float arrays, with a readable report of where they disagree.
import TensorCore

/// The largest elementwise difference between `actual` and `expected`.
public struct Difference: CustomStringConvertible {
    public var maxAbsolute: Float = 0
    public var maxRelative: Float = 0
    public var worstIndex = -1
    public var countMismatch = false

    public var description: String {
        countMismatch ? "element counts differ" :
            "max |Δ| \(maxAbsolute), max relative \(maxRelative) at index \(worstIndex)"
    }
}

/// Elementwise difference report between two float arrays (NaN counts as an infinite difference).
public func difference(_ actual: [Float], _ expected: [Float]) -> Difference {
    var d = Difference()
    guard actual.count == expected.count else { d.countMismatch = true; return d }
    for i in actual.indices {
        let delta = actual[i].isNaN != expected[i].isNaN ? Float.infinity :
            (actual[i] == expected[i] ? 0 : abs(actual[i] - expected[i]))
        let rel = delta / max(abs(expected[i]), Float.leastNormalMagnitude)
        if delta > d.maxAbsolute { d.maxAbsolute = delta; d.worstIndex = i }
        if expected[i] != 0 { d.maxRelative = max(d.maxRelative, rel) }
    }
    return d
}

public func difference(_ actual: Tensor, _ expected: Tensor) -> Difference {
    var d = difference(actual.toArray(), expected.toArray())
    if actual.shape != expected.shape { d.countMismatch = true }
    return d
}
