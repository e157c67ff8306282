// String+Shortened: text quoted in an error message, cut to a readable length (a key or label in a
// damaged file can be megabytes long, and the message should still fit on a screen).

extension String {
    /// The first `limit` characters and an ellipsis, or the whole text when it is no longer.
    public func shortened(to limit: Int) -> String {
        guard let end = index(startIndex, offsetBy: limit, limitedBy: endIndex), end != endIndex else { return self }
        return String(self[..<end]) + "…"
    }
}
