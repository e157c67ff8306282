// PythonLiteralReader: a Python list of string literals, as `str(list_of_str)` prints it
// (`['i like to remodel homes .', "i'm very athletic ."]`), read without `eval`: single- or
// double-quoted literals with Python's escapes, commas, an optional trailing comma.

/// A syntax error in a Python literal: 1-based column (in characters) and what was expected there.
struct PythonLiteralError: Error, Equatable {
    var column: Int
    var message: String
}

/// Reads Python list-of-string literals.
struct PythonLiteralReader {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    private init<S: StringProtocol>(_ text: S) { scalars = Array(text.unicodeScalars) }

    /// The strings of the list literal `text` (surrounding whitespace allowed).
    static func stringList<S: StringProtocol>(_ text: S) throws -> [String] {
        var reader = PythonLiteralReader(text)
        reader.skipWhitespace()
        guard reader.peek == "[" else { throw reader.error("expected '[' starting a list, found \(reader.found)") }
        reader.position += 1
        var items: [String] = []
        while true {
            reader.skipWhitespace()
            if reader.peek == "]" { reader.position += 1; break }
            guard reader.peek == "'" || reader.peek == "\"" else {
                throw reader.error(items.isEmpty ? "expected a string literal or ']', found \(reader.found)"
                                                 : "expected a string literal or ']' after ',', found \(reader.found)")
            }
            items.append(try reader.stringLiteral())
            reader.skipWhitespace()
            if reader.peek == "," { reader.position += 1; continue }
            if reader.peek == "]" { reader.position += 1; break }
            throw reader.error("expected ',' or ']' after a string, found \(reader.found)")
        }
        reader.skipWhitespace()
        guard reader.position == reader.scalars.count else {
            throw reader.error("expected the end of the line after the list, found \(reader.found)")
        }
        return items
    }

    // MARK: - String literals

    /// A '…' or "…" literal starting at its quote.
    private mutating func stringLiteral() throws -> String {
        let quote = scalars[position]
        if position + 2 < scalars.count, scalars[position + 1] == quote, scalars[position + 2] == quote {
            throw error("triple-quoted string: expected a single-quoted or double-quoted one")
        }
        let start = position
        position += 1
        var out = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == quote { position += 1; return String(out) }
            if scalar == "\n" || scalar == "\r" { break }
            position += 1
            guard scalar == "\\" else { out.append(scalar); continue }
            guard position < scalars.count else { break }
            let escape = scalars[position]
            position += 1
            switch escape {
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append("\u{0B}")
            case "0"..."7":
                // Up to 3 octal digits.
                var value = escape.value - 48
                var digits = 1
                while digits < 3, position < scalars.count, ("0"..."7").contains(scalars[position]) {
                    value = value * 8 + scalars[position].value - 48
                    position += 1
                    digits += 1
                }
                out.append(try makeScalar(value, escape: "\\" + String(escape)))
            case "x": out.append(try hexEscape(digits: 2, name: "\\x"))
            case "u": out.append(try hexEscape(digits: 4, name: "\\u"))
            case "U": out.append(try hexEscape(digits: 8, name: "\\U"))
            case "N":
                position -= 2
                throw error("\\N{…} escapes are not supported: expected the character itself or \\u")
            default:
                // Python keeps an unknown escape as it is, backslash included.
                out.append("\\")
                out.append(escape)
            }
        }
        position = start
        throw error("unterminated string: expected a closing \(quote == "'" ? "\"'\"" : "'\"'") on the same line")
    }

    private mutating func hexEscape(digits: Int, name: String) throws -> Unicode.Scalar {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard position < scalars.count, let digit = hexValue(scalars[position]) else {
                throw error("expected \(digits) hex digits after \(name), found \(found)")
            }
            value = value * 16 + digit
            position += 1
        }
        return try makeScalar(value, escape: name)
    }

    private func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 48
        case "a"..."f": return scalar.value - 87
        case "A"..."F": return scalar.value - 55
        default: return nil
        }
    }

    private func makeScalar(_ value: UInt32, escape: String) throws -> Unicode.Scalar {
        guard let scalar = Unicode.Scalar(value) else {
            throw error("\(escape) escape of U+\(String(value, radix: 16, uppercase: true)) is not a Unicode scalar value (a lone surrogate or too large)")
        }
        return scalar
    }

    // MARK: - Helpers

    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private var found: String {
        guard let scalar = peek else { return "the end of the line" }
        return "'\(scalar)'"
    }

    private mutating func skipWhitespace() {
        while let scalar = peek, scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" { position += 1 }
    }

    private func error(_ message: String) -> PythonLiteralError {
        PythonLiteralError(column: position + 1, message: message)
    }
}
