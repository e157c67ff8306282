// DecodingError+Message: a config decoding error as one line that names the key and says what was
// wrong (`bad_words_ids[0]: Expected to decode Int32 but found a string instead.`), instead of Swift's
// dump of the error's context and coding keys.

extension DecodingError {
    /// The key path of the problem and what it is, for messages.
    public var message: String {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce("") { path, key in
                if let index = key.intValue, key.stringValue.hasPrefix("Index ") { return path + "[\(index)]" }
                return path.isEmpty ? key.stringValue : path + "." + key.stringValue
            }
        }
        func located(_ context: Context) -> String {
            context.codingPath.isEmpty ? context.debugDescription : path(context.codingPath) + ": " + context.debugDescription
        }
        switch self {
        case .keyNotFound(let key, let context): return "missing key \(path(context.codingPath + [key]))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): return located(context)
        @unknown default: return "\(self)"
        }
    }
}
