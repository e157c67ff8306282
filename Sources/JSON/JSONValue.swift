// JSONValue: any JSON value as written: object members in file order (names may repeat), strings
// with their exact Unicode scalars, numbers as their literal text. A document read and written in the
// compact style comes back byte for byte, and no two keys are merged because they look alike
// (JSONSerialization merges canonically equivalent keys and forgets member order).

public indirect enum JSONValue: Equatable, Sendable {
    case string(String)
    /// The number as written: `12`, `-1.5e3`, or Python's `NaN`, `Infinity` and `-Infinity`.
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    /// Members in file order; names may repeat.
    case object([(String, JSONValue)])

    /// Strings are equal when their scalars are (not by canonical equivalence), numbers when their
    /// values are (`1.0` and `1` are equal), objects member by member in order.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case let (.number(x), .number(y)): return x == y || (Double(x).map { $0 == Double(y) } ?? false)
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0.unicodeScalars.elementsEqual($1.0.unicodeScalars) && $0.1 == $1.1 }
        default: return false
        }
    }

    /// A number value for `value` (integral values without a fraction, as Python writes them).
    public static func number(_ value: Double) -> JSONValue { .number(JSONWriter.pythonNumber(value)) }

    /// A number value for an integer.
    public static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    // MARK: - Reading fields

    /// The value of member `name` of an object (the last one, as Python's `json` keeps), or nil.
    public func member(named name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.0 == name })?.1
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The number as a Double (NaN and ±Infinity included), or nil for a non-number.
    public var doubleValue: Double? {
        guard case .number(let literal) = self else { return nil }
        switch literal {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(literal)
        }
    }

    /// The number as an exact integer, or nil (fractions, exponents, overflow and non-numbers give nil).
    public var intValue: Int? {
        guard case .number(let literal) = self else { return nil }
        return Int(literal)
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var objectValue: [(String, JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// What kind of value this is, for messages: `a string`, `an array` …
    public var kindDescription: String {
        switch self {
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
