// StudyError: a request a study refuses, with the kind of refusal (the server's HTTP status) and a
// sentence that says what to do.
public struct StudyError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable {
        /// Malformed or out-of-range input.
        case badRequest
        /// No such session or item.
        case notFound
        /// Done already (a second judgement, a turn after the judgement).
        case conflict
        /// A message or body over its limit.
        case tooLarge
        /// The study folder refused a write: nothing was recorded.
        case storage
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
