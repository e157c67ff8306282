// JSONReader: JSON text → `JSONValue`, keeping the order of object members, the exact scalars of
// strings and the literal text of numbers, and locating every syntax error by line and column. It
// accepts what Python's `json.loads` accepts, NaN and ±Infinity included, and nothing that is not
// valid UTF-8; a byte-order mark is skipped at the start of a document and refused anywhere else.

import Foundation

/// A JSON syntax error: 1-based line and column (counted in UTF-8 bytes) and what was expected there.
public struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// Parses JSON text held as UTF-8 bytes.
public struct JSONReader {
    /// Objects and arrays nested deeper than this are refused rather than overflowing the stack.
    static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position: Int
    private let end: Int
    /// Where line `firstLine` starts, for columns; lines are counted from here on error.
    private let lineStart: Int
    private let firstLine: Int
    /// What the end of the range is called in messages ("the end of the line" for JSON lines).
    private let endName: String
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, firstLine: Int, endName: String) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
        self.lineStart = range.lowerBound
        self.firstLine = firstLine
        self.endName = endName
    }

    // MARK: - Entry points

    /// The single JSON value in `bytes[range]` (whitespace around it allowed); `range` starts on line `firstLine`.
    /// `endName` names the end of the range in messages ("the end of the line" for JSON lines).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, firstLine: Int = 1,
                             endName: String = "the end of the input") throws -> JSONValue {
        var reader = JSONReader(bytes, range: range, firstLine: firstLine, endName: endName)
        let value = try reader.value()
        reader.skipWhitespace()
        if reader.position < reader.end {
            throw reader.error("expected \(endName) after the JSON value, found \(reader.found())")
        }
        return value
    }

    /// The single JSON value in `data` (after a byte-order mark, if it starts with one).
    public static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            return try parse(bytes, range: byteOrderMarkLength(bytes)..<bytes.count)
        }
    }

    /// 3 when `bytes` start with the UTF-8 byte-order mark, else 0.
    public static func byteOrderMarkLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    // MARK: - Values

    private mutating func value() throws -> JSONValue {
        skipWhitespace()
        guard position < end else { throw error("expected a JSON value, found \(found())") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "N"): try literal("NaN"); return .number("NaN")
        case UInt8(ascii: "I"): try literal("Infinity"); return .number("Infinity")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default:
            throw error("expected a JSON value (object, array, string, number, true, false or null), found \(found())")
        }
    }

    private mutating func object() throws -> JSONValue {
        try enter()
        position += 1  // {
        var members: [(String, JSONValue)] = []
        skipWhitespace()
        if position < end, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < end, bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a member name in double quotes, found \(found())")
            }
            let key = try string()
            skipWhitespace()
            guard position < end, bytes[position] == UInt8(ascii: ":") else {
                throw error("expected ':' after the member name \"\(key.shortened(to: 60))\", found \(found())")
            }
            position += 1
            members.append((key, try value()))
            skipWhitespace()
            guard position < end else { throw error("expected ',' or '}' after an object member, found \(found())") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; break }
            throw error("expected ',' or '}' after an object member, found \(found())")
        }
        depth -= 1
        return .object(members)
    }

    private mutating func array() throws -> JSONValue {
        try enter()
        position += 1  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if position < end, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(items)
        }
        while true {
            items.append(try value())
            skipWhitespace()
            guard position < end else { throw error("expected ',' or ']' after an array element, found \(found())") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; break }
            throw error("expected ',' or ']' after an array element, found \(found())")
        }
        depth -= 1
        return .array(items)
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maximumDepth { throw error("objects and arrays nested deeper than \(Self.maximumDepth)") }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        let matches = position + count <= end && word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        guard matches else { throw error("expected a JSON value, found \(found())") }
        position += count
    }

    // MARK: - Numbers

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, or `-Infinity`, as written.
    private mutating func number() throws -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "-") {
            position += 1
            if position < end, bytes[position] == UInt8(ascii: "I") { try literal("Infinity"); return "-Infinity" }
        }
        guard position < end, isDigit(bytes[position]) else { throw error("expected a digit in a number, found \(found())") }
        if bytes[position] == UInt8(ascii: "0") { position += 1 } else { skipDigits() }
        if position < end, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < end, isDigit(bytes[position]) else {
                throw error("expected a digit after the decimal point, found \(found())")
            }
            skipDigits()
        }
        if position < end, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < end, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < end, isDigit(bytes[position]) else {
                throw error("expected a digit in the exponent, found \(found())")
            }
            skipDigits()
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while position < end, isDigit(bytes[position]) { position += 1 }
    }

    // MARK: - Strings

    /// A string starting at the opening quote; leaves `position` after the closing quote.
    private mutating func string() throws -> String {
        position += 1  // "
        let start = position
        // Fast path: no escapes.
        while position < end {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = try utf8String(UnsafeBufferPointer(rebasing: bytes[start..<position]), from: start)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character \(describe(byte)) inside a string: expected it escaped") }
            position += 1
        }
        var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < end {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = try utf8.withUnsafeBufferPointer { try utf8String($0, from: start) }
                position += 1
                return text
            }
            if byte < 0x20 { throw error("control character \(describe(byte)) inside a string: expected it escaped") }
            if byte != UInt8(ascii: "\\") {
                utf8.append(byte)
                position += 1
                continue
            }
            position += 1
            guard position < end else { break }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): utf8.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): utf8.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): utf8.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by \u and a low surrogate (a UTF-16 pair).
                    guard position + 1 < end, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                    else { throw error("lone UTF-16 surrogate \\u\(hex(scalar)) cannot be represented: expected a pair") }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw error("lone UTF-16 surrogate \\u\(hex(scalar)) cannot be represented: expected a pair")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw error("lone UTF-16 surrogate \\u\(hex(scalar)) cannot be represented: expected a pair")
                }
                UTF8.encode(Unicode.Scalar(scalar)!) { utf8.append($0) }
            default:
                position -= 1
                throw error("invalid escape \\\(found()) in a string: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
            }
        }
        throw error("unterminated string: expected a closing '\"' before \(found())")
    }

    /// `utf8` as a String, or an error at the string's opening quote (just before `start`) when it is
    /// not valid UTF-8: a replacement character would change the text silently.
    private mutating func utf8String(_ utf8: UnsafeBufferPointer<UInt8>, from start: Int) throws -> String {
        if let text = String(validating: utf8, as: UTF8.self) { return text }
        position = start - 1
        throw error("the string here is not valid UTF-8: expected UTF-8 text")
    }

    private mutating func hex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < end else { throw error("expected 4 hex digits after \\u, found \(found())") }
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("expected 4 hex digits after \\u, found \(found())")
            }
            value = value * 16 + UInt32(digit)
            position += 1
        }
        return value
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // MARK: - Whitespace and errors

    private mutating func skipWhitespace() {
        while position < end {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// What is at `position`, for messages: `'x'`, `byte 0x07` or the end of the input.
    private func found() -> String {
        guard position < end else { return endName }
        return describe(bytes[position])
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte >= 0x80 {
            // Show the whole character when it is valid UTF-8.
            var length = 1
            while position + length < end, length < 4, bytes[position + length] & 0xC0 == 0x80 { length += 1 }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<min(end, position + length)]), as: UTF8.self)
            return "'\(text)'"  // (only called with `byte` at `position`)
        }
        return "byte 0x" + String(format: "%02X", byte)
    }

    /// An error at `position`, with its line and column counted from the start of the range.
    private func error(_ message: String) -> JSONSyntaxError {
        var line = firstLine
        var start = lineStart
        var index = lineStart
        let stop = min(position, end)
        while index < stop {
            if bytes[index] == 0x0A { line += 1; start = index + 1 }
            index += 1
        }
        return JSONSyntaxError(line: line, column: stop - start + 1, message: message)
    }
}
