// SafeTensorsJSON: the small JSON reader and writer a safetensors header needs. The reader keeps
// object members in file order (so duplicate tensor names can be reported, which a dictionary would
// hide) and numbers as written (offsets are exact 64-bit integers, never doubles); the writer escapes
// strings exactly as Rust's serde_json does, so our headers are byte-identical to the official ones.

/// A JSON value as written in a safetensors header.
indirect enum SafeTensorsJSON {
    /// Members in file order; names may repeat.
    case object([(key: String, value: SafeTensorsJSON)])
    case array([SafeTensorsJSON])
    case string(String)
    /// The number's literal text, e.g. `1024` or `-1.5e3`.
    case number(String)
    case bool(Bool)
    case null

    /// What kind of value this is, for messages ("an array", "a string", ...).
    var kind: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    /// The value as a non-negative integer that fits in `Int`, or nil (fractions, exponents,
    /// negative numbers, overflow and non-numbers all give nil).
    var nonNegativeInt: Int? {
        guard case .number(let literal) = self, !literal.isEmpty,
              literal.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(literal)
    }

    /// A compact rendering for error messages (long values cut short).
    var brief: String {
        let text: String
        switch self {
        case .object(let members): text = "{" + members.map { "\"\($0.key)\": \($0.value.brief)" }.joined(separator: ", ") + "}"
        case .array(let items): text = "[" + items.map(\.brief).joined(separator: ", ") + "]"
        case .string(let s): text = "\"\(s)\""
        case .number(let n): text = n
        case .bool(let b): text = b ? "true" : "false"
        case .null: text = "null"
        }
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}

/// A JSON syntax error at a byte offset of the header.
struct SafeTensorsJSONError: Error, CustomStringConvertible {
    let offset: Int
    let message: String
    var description: String { "at byte \(offset) of the header: \(message)" }
}

// MARK: - Reading

extension SafeTensorsJSON {
    /// Parses one JSON document (surrounding whitespace, such as the header's space padding, allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> SafeTensorsJSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected \(parser.describeNext()) after the JSON value") }
        return value
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        /// Headers nest three levels; a much deeper document is hostile and would exhaust the stack.
        static let maximumDepth = 64

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func error(_ message: String) -> SafeTensorsJSONError { SafeTensorsJSONError(offset: index, message: message) }

        func describeNext() -> String {
            guard index < bytes.count else { return "end of header" }
            let byte = bytes[index]
            return byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw error("expected '\(literal)'") }
                index += 1
            }
        }

        mutating func value(depth: Int) throws -> SafeTensorsJSON {
            guard depth < Parser.maximumDepth else { throw error("nested more than \(Parser.maximumDepth) levels deep") }
            guard index < bytes.count else { throw error("unexpected end of header, expected a value") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected \(describeNext()), expected a value")
            }
        }

        mutating func object(depth: Int) throws -> SafeTensorsJSON {
            index += 1  // {
            var members: [(key: String, value: SafeTensorsJSON)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("unexpected \(describeNext()), expected a member name in quotes")
                }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw error("unexpected \(describeNext()), expected ':' after \"\(key)\"")
                }
                index += 1
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of header inside an object") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(members)
                default: throw error("unexpected \(describeNext()), expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws -> SafeTensorsJSON {
            index += 1  // [
            var items: [SafeTensorsJSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of header inside an array") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array(items)
                default: throw error("unexpected \(describeNext()), expected ',' or ']'")
                }
            }
        }

        /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as written.
        mutating func number() throws -> String {
            let start = index
            func digits(_ parser: inout Parser) -> Int {
                let first = parser.index
                while parser.index < parser.bytes.count,
                      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) { parser.index += 1 }
                return parser.index - first
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            let integerStart = index
            let integerDigits = digits(&self)
            guard integerDigits > 0 else { throw error("expected a digit in number") }
            if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
                throw SafeTensorsJSONError(offset: integerStart, message: "number with a leading zero")
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw error("expected a digit after the decimal point") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw error("expected a digit in the exponent") }
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        /// A quoted string with its escapes resolved; the content must be valid UTF-8.
        mutating func string() throws -> String {
            let start = index
            index += 1  // "
            var utf8: [UInt8] = []
            while true {
                guard index < bytes.count else {
                    throw SafeTensorsJSONError(offset: start, message: "string is not closed before the end of the header")
                }
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let text = Self.decodeUTF8(utf8) else {
                        throw SafeTensorsJSONError(offset: start, message: "string is not valid UTF-8")
                    }
                    return text
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw error("unexpected end of header in an escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                    default:
                        index -= 1
                        throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))' in string")
                    }
                case 0x00..<0x20:
                    throw error("unescaped control character 0x\(String(byte, radix: 16)) in string")
                default:
                    utf8.append(byte)
                    index += 1
                }
            }
        }

        /// The UTF-8 bytes of `\uXXXX` (after the `u`), joining a surrogate pair when one follows.
        mutating func unicodeEscape() throws -> [UInt8] {
            var scalarValue = try hex4()
            if (0xD800..<0xDC00).contains(scalarValue) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("lone high surrogate \\u\(String(scalarValue, radix: 16)) in string")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate \\u\(String(low, radix: 16))") }
                scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else {
                throw error("lone low surrogate \\u\(String(scalarValue, radix: 16)) in string")
            }
            return Array(String(Character(scalar)).utf8)
        }

        mutating func hex4() throws -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard index < bytes.count, let digit = Self.hexValue(bytes[index]) else {
                    throw error("expected four hex digits after \\u")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        static func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }

        /// The string for `utf8`, or nil when it is not valid UTF-8.
        static func decodeUTF8(_ utf8: [UInt8]) -> String? {
            var codec = UTF8()
            var iterator = utf8.makeIterator()
            var scalars = String.UnicodeScalarView()
            while true {
                switch codec.decode(&iterator) {
                case .scalarValue(let scalar): scalars.append(scalar)
                case .emptyInput: return String(scalars)
                case .error: return nil
                }
            }
        }
    }
}

// MARK: - Writing

extension SafeTensorsJSON {
    /// `text` as a JSON string literal escaped the way serde_json escapes it: `"` and `\` with a
    /// backslash, \b \t \n \f \r by name, other bytes below 0x20 as `\u00xx` (lowercase hex), and
    /// everything else (including `/`, DEL and non-ASCII) as raw UTF-8.
    static func quoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        let hexDigits = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x00..<0x20:
                out += Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
