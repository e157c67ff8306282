// The 8 ESConv support strategies, in the order of PAL's strategy head (and of their added tokens).

/// A supporter strategy; `allCases` is the order of the 8-way strategy head.
public enum Strategy: String, CaseIterable, Codable, Sendable {
    case question = "Question"
    case restatement = "Restatement or Paraphrasing"
    case reflection = "Reflection of feelings"
    case selfDisclosure = "Self-disclosure"
    case affirmation = "Affirmation and Reassurance"
    case suggestions = "Providing Suggestions"
    case information = "Information"
    case others = "Others"

    /// The added vocabulary token, e.g. `[Question]`.
    public var token: String { "[\(rawValue)]" }

    /// Position in the strategy head (0..<8).
    public var index: Int { Self.allCases.firstIndex(of: self)! }

    /// The strategy named `name` (the ESConv label, with or without brackets), or nil.
    public init?(label name: String) {
        let bare = name.hasPrefix("[") && name.hasSuffix("]") ? String(name.dropFirst().dropLast()) : name
        self.init(rawValue: bare)
    }

    /// The 8 labels, for error messages.
    public static var labelList: String { allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") }
}
