// RangeProblems: collects what is out of range in a recipe's values, one readable line per key
// ("training.epochs -3 (must be at least 1)"), so a recipe is checked whole at load and every bad
// key is named at once instead of the run trapping or quietly doing nothing later.

public struct RangeProblems {
    public private(set) var lines: [String] = []

    public init() {}

    /// `key` must be at least `minimum`.
    public mutating func atLeast<Value: Comparable>(_ key: String, _ value: Value, _ minimum: Value) {
        if !(value >= minimum) { lines.append("\(key) \(value) (must be at least \(minimum))") }
    }

    /// `key` must be finite and greater than 0.
    public mutating func positive(_ key: String, _ value: Double) {
        if !(value.isFinite && value > 0) { lines.append("\(key) \(value) (must be a number above 0)") }
    }

    /// `key` must be finite and at least 0.
    public mutating func nonNegative(_ key: String, _ value: Double) {
        if !(value.isFinite && value >= 0) { lines.append("\(key) \(value) (must be a number, 0 or more)") }
    }

    /// `key` must be a probability below 1: in [0, 1).
    public mutating func rate(_ key: String, _ value: Double) {
        if !(value >= 0 && value < 1) { lines.append("\(key) \(value) (must be at least 0 and below 1)") }
    }

    /// Adds `line` when `condition` fails.
    public mutating func require(_ condition: Bool, _ line: @autoclosure () -> String) {
        if !condition { lines.append(line()) }
    }
}
