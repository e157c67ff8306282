// DataError: a problem in an input file, located by file, line (or record index) and field, with
// what was expected, so the user can fix the file.

public struct DataError: Error, CustomStringConvertible, Equatable {
    public var file: String
    /// 1-based line number, when the format is line-oriented.
    public var line: Int?
    /// 0-based record index, when the format is a list of records, and what a record is.
    public var record: Int?
    public var recordKind: String
    /// The field or turn concerned, e.g. `dialog[7].strategy`.
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, record: Int? = nil, recordKind: String = "conversation",
                field: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.record = record
        self.recordKind = recordKind
        self.field = field
        self.message = message
    }

    /// `data/esconv/train.json:412: conversation 411, dialog[7].strategy: …`
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        var parts: [String] = []
        if let record { parts.append("\(recordKind) \(record)") }
        if let field { parts.append(field) }
        return location + ": " + (parts.isEmpty ? "" : parts.joined(separator: ", ") + ": ") + message
    }
}

/// Counts of what was left out or handled by a fallback, by reason, so nothing happens silently.
public struct SkipReport: Equatable, Sendable {
    public private(set) var counts: [String: Int] = [:]

    public init() {}

    public mutating func skip(_ reason: String, count: Int = 1) {
        if count > 0 { counts[reason, default: 0] += count }
    }

    public var total: Int { counts.values.reduce(0, +) }

    /// One line per reason, largest first; empty when nothing was skipped.
    public var lines: [String] {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.value) × \($0.key)" }
    }
}
