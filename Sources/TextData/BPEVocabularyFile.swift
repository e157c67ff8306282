// BPEVocabularyFile: reads and writes the `vocab.json` + `merges.txt` pair shared by GPT-2, BART and
// BlenderbotSmall. vocab.json is parsed by hand: JSONSerialization's [String: Any] would merge keys
// that are canonically equivalent (BlenderbotSmall has both ";" U+037E and ";" U+003B).
import Foundation

/// The raw contents of a BPE tokenizer directory.
struct BPEVocabularyFile {
    /// vocab.json entries in file order.
    var entries: [(token: String, id: Int32)]
    /// The bytes of vocab.json and merges.txt, for the identity's sha256.
    var vocabularyData: Data
    var mergesData: Data
    var mergesText: String

    /// Reads `vocab.json` and `merges.txt` from `directory`, failing with the file and what is wrong.
    init(directory: URL) throws {
        let vocabularyURL = directory.appendingPathComponent("vocab.json")
        let mergesURL = directory.appendingPathComponent("merges.txt")
        for url in [vocabularyURL, mergesURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw DataError(file: url.path, "missing: a BPE tokenizer directory needs vocab.json and merges.txt")
        }
        vocabularyData = try Data(contentsOf: vocabularyURL)
        mergesData = try Data(contentsOf: mergesURL)
        guard let text = String(data: mergesData, encoding: .utf8) else {
            throw DataError(file: mergesURL.path, "not valid UTF-8")
        }
        mergesText = text
        entries = try Self.parseVocabulary(Array(vocabularyData), file: vocabularyURL.path)
    }

    // MARK: - vocab.json

    /// Parses a flat JSON object of string keys and integer values, keeping keys byte-exact.
    static func parseVocabulary(_ bytes: [UInt8], file: String) throws -> [(token: String, id: Int32)] {
        var parser = FlatJSONParser(bytes: bytes, file: file)
        return try parser.parseObject()
    }

    /// vocab.json text for `tokens` (id = index), keys in id order, as `json.dumps(ensure_ascii=False)`
    /// without spaces would write it.
    static func vocabularyJSON(_ tokens: [String]) -> Data {
        var out = "{"
        for (id, token) in tokens.enumerated() {
            if id > 0 { out += "," }
            out += jsonString(token) + ":" + String(id)
        }
        out += "}"
        return Data(out.utf8)
    }

    /// `"…"` with JSON escapes for quote, backslash and control characters.
    static func jsonString(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
                } else {
                    out.append(scalar)
                }
            }
        }
        out.append("\"")
        return String(out)
    }
}

// MARK: - A flat JSON object parser

/// Parses `{"key": 12, ...}` over UTF-8 bytes; keys keep their exact scalars.
private struct FlatJSONParser {
    let bytes: [UInt8]
    let file: String
    var i = 0

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    func fail(_ message: String) -> DataError {
        let line = bytes[..<min(i, bytes.count)].reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
        return DataError(file: file, line: line, "\(message) (byte \(i)); expected a JSON object of token → integer id")
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
        i += 1
    }

    mutating func parseObject() throws -> [(token: String, id: Int32)] {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        try expect(UInt8(ascii: "{"))
        var out: [(token: String, id: Int32)] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                let key = try parseString()
                try expect(UInt8(ascii: ":"))
                out.append((key, try parseInteger()))
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                throw fail("expected ',' or '}'")
            }
        }
        skipSpace()
        guard i == bytes.count else { throw fail("text after the object") }
        return out
    }

    mutating func parseInteger() throws -> Int32 {
        skipSpace()
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        guard i > start, let value = Int32(String(decoding: bytes[start..<i], as: UTF8.self)) else {
            throw fail("expected an integer id")
        }
        return value
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw fail("bad \\u escape")
        }
        i += 4
        return value
    }

    mutating func parseString() throws -> String {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
        i += 1
        var raw = [UInt8]()
        while true {
            guard i < bytes.count else { throw fail("unterminated string") }
            let byte = bytes[i]
            i += 1
            if byte == UInt8(ascii: "\"") { break }
            if byte != UInt8(ascii: "\\") { raw.append(byte); continue }
            guard i < bytes.count else { throw fail("unterminated escape") }
            let escape = bytes[i]
            i += 1
            var scalar: UInt32
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalar = UInt32(escape)
            case UInt8(ascii: "b"): scalar = 8
            case UInt8(ascii: "f"): scalar = 12
            case UInt8(ascii: "n"): scalar = 10
            case UInt8(ascii: "r"): scalar = 13
            case UInt8(ascii: "t"): scalar = 9
            case UInt8(ascii: "u"):
                scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
            default: throw fail("bad escape")
            }
            guard let value = Unicode.Scalar(scalar) else { throw fail("unpaired surrogate") }
            raw.append(contentsOf: Array(String(value).utf8))
        }
        let key = String(decoding: raw, as: UTF8.self)
        guard key.utf8.elementsEqual(raw) else { throw fail("key is not valid UTF-8") }
        return key
    }
}

/// Added tokens numbered as both HF libraries number them: one already in the vocabulary keeps its
/// id, any other takes the next id after the vocabulary, in order; repeats and empty strings are skipped.
struct AddedTokenNumbering {
    var ids: [BPEExactString: Int32] = [:]
    var tokenOfId: [Int32: String] = [:]
    /// The distinct tokens in the order given.
    var order: [String] = []
    /// The vocabulary size with the added tokens.
    var size: Int32

    init(_ tokens: [String], vocabulary: [BPEExactString: Int32]) {
        size = Int32(vocabulary.count)
        for token in tokens where !token.isEmpty && ids[BPEExactString(token)] == nil {
            let key = BPEExactString(token)
            let id: Int32
            if let existing = vocabulary[key] {
                id = existing
            } else {
                id = size
                size += 1
            }
            ids[key] = id
            tokenOfId[id] = token
            order.append(token)
        }
    }
}
