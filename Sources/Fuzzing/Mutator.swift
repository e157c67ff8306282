// Mutator: seeded, structured mutations of valid inputs. Byte level: bit flips, odd bytes, truncation,
// deleted, duplicated and repeated spans, the format's own tokens inserted or swapped in, deep nesting,
// huge numbers, invalid UTF-8, splices of two inputs. Tree level (JSON text, and the JSON header of a
// safetensors file): values of the wrong type, duplicated, deleted and added members, wrapped nodes.
import JSON
import TensorCore

/// What a target's inputs are made of, for the mutations that go beyond bytes.
public struct InputGrammar: Sendable {
    /// Punctuation, keywords and field names of the format (inserted and swapped in whole).
    public var tokens: [[UInt8]]
    /// Opening tokens whose repetition nests (`[` in JSON; `- ` on a new line in YAML).
    public var openers: [[UInt8]]
    /// How the tree of an input is reached: its JSON text, the JSON header of a safetensors file, or none.
    public var structure: Structure

    public enum Structure: Sendable {
        case bytes
        case json
        /// An 8-byte little-endian length, that many bytes of JSON header, then data.
        case safetensors
    }

    public init(tokens: [String], openers: [String], structure: Structure) {
        self.tokens = tokens.map { Array($0.utf8) }
        self.openers = openers.map { Array($0.utf8) }
        self.structure = structure
    }
}

/// Makes new inputs from old ones; the same seed gives the same sequence of inputs.
public struct Mutator {
    /// Inputs are cut to this size, so that no reader is asked to hold more than a few copies of it.
    public static let maximumInputSize = 1 << 20

    private var rng: RandomGenerator
    private let grammar: InputGrammar

    public init(seed: UInt64, grammar: InputGrammar) {
        rng = RandomGenerator(seed: seed)
        self.grammar = grammar
    }

    /// `input` changed by one to four stacked mutations; `other` is material for splices.
    public mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            if grammar.structure != .bytes, below(3) == 0, let edited = editTree(bytes) {
                bytes = edited
            } else {
                mutateBytes(&bytes, other: other)
            }
        }
        return bytes.count > Self.maximumInputSize ? Array(bytes.prefix(Self.maximumInputSize)) : bytes
    }

    // MARK: - Randomness

    private mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(rng.next() % UInt64(bound)) }

    private mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// A position in `bytes` (its end included).
    private mutating func position(in bytes: [UInt8]) -> Int { below(bytes.count + 1) }

    /// A span of `bytes` of at most `longest` bytes.
    private mutating func span(in bytes: [UInt8], longest: Int) -> Range<Int> {
        let start = below(bytes.count + 1)
        return start..<min(bytes.count, start + 1 + below(longest))
    }

    // MARK: - Bytes

    /// Bytes that parsers treat specially: NUL, newlines, quotes, backslash, DEL, and UTF-8 lead and
    /// continuation bytes that cannot stand alone.
    private static let oddBytes: [UInt8] = [0x00, 0x0A, 0x0D, 0x09, 0x20, 0x22, 0x27, 0x5C, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xED, 0xF4, 0xFF]

    /// Numbers at and past the edges of Int, Int32, UInt64 and Double, and tiny and negative ones.
    private static let hugeNumbers = ["9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
                                      "2147483648", "-1", "-0", "1e999", "-1e999", "1e-999", "4.9e-324", "1.7976931348623157e308",
                                      "0.30000000000000004", "1" + String(repeating: "0", count: 400), "NaN", "Infinity", "-Infinity"]

    /// UTF-8 errors: lone continuation, truncated sequences, overlong forms, surrogates, past U+10FFFF.
    private static let invalidUTF8: [[UInt8]] = [[0x80], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xE0, 0x80, 0xAF],
                                                 [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xFE], [0xFF, 0xFE]]

    private mutating func mutateBytes(_ bytes: inout [UInt8], other: [UInt8]) {
        switch below(12) {
        case 0 where !bytes.isEmpty:
            let at = below(bytes.count)
            bytes[at] ^= 1 << UInt8(below(8))
        case 1 where !bytes.isEmpty:
            bytes[below(bytes.count)] = below(2) == 0 ? pick(Self.oddBytes) : UInt8(below(256))
        case 2:
            bytes.removeSubrange(position(in: bytes)...)
        case 3:
            bytes.removeSubrange(span(in: bytes, longest: 64))
        case 4:
            let copied = Array(bytes[span(in: bytes, longest: 256)])
            bytes.insert(contentsOf: copied, at: position(in: bytes))
        case 5:
            let copied = Array(bytes[span(in: bytes, longest: 32)])
            let times = pick([2, 10, 1000, 30_000])
            bytes.insert(contentsOf: Array([[UInt8]](repeating: copied, count: times).joined()), at: position(in: bytes))
        case 6:
            bytes.insert(contentsOf: pick(grammar.tokens), at: position(in: bytes))
        case 7:
            bytes.replaceSubrange(span(in: bytes, longest: 16), with: pick(grammar.tokens))
        case 8:
            let opener = pick(grammar.openers)
            let depth = pick([10, 100, 513, 1000, 5000, 100_000])
            bytes.insert(contentsOf: Array([[UInt8]](repeating: opener, count: depth).joined()), at: position(in: bytes))
        case 9:
            replaceNumber(&bytes)
        case 10:
            bytes.insert(contentsOf: pick(Self.invalidUTF8), at: position(in: bytes))
        default:
            bytes = Array(bytes.prefix(position(in: bytes))) + other.suffix(below(other.count + 1))
        }
    }

    /// A run of digits replaced by a huge or edge-case number (or one inserted when there is none).
    private mutating func replaceNumber(_ bytes: inout [UInt8]) {
        let number = Array(pick(Self.hugeNumbers).utf8)
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let digits = bytes.indices.filter { isDigit(bytes[$0]) }
        guard !digits.isEmpty else { bytes.insert(contentsOf: number, at: position(in: bytes)); return }
        var start = pick(digits), end = start
        while start > 0, isDigit(bytes[start - 1]) || bytes[start - 1] == UInt8(ascii: "-") { start -= 1 }
        while end < bytes.count, isDigit(bytes[end]) || bytes[end] == UInt8(ascii: ".") { end += 1 }
        bytes.replaceSubrange(start..<end, with: number)
    }

    // MARK: - Trees

    /// `bytes` with one edit of its JSON tree, or nil when it holds none that parses.
    private mutating func editTree(_ bytes: [UInt8]) -> [UInt8]? {
        switch grammar.structure {
        case .bytes:
            return nil
        case .json:
            guard let tree = bytes.withUnsafeBufferPointer({ try? JSONReader.parse($0, range: 0..<bytes.count) }) else { return nil }
            return Array(JSONWriter.text(edited(tree), style: below(4) == 0 ? .python : .compact).utf8)
        case .safetensors:
            guard bytes.count >= 8 else { return nil }
            let declared = bytes[0..<8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
            guard declared <= UInt64(bytes.count - 8),
                  let header = bytes.withUnsafeBufferPointer({ try? JSONReader.parse($0, range: 8..<(8 + Int(declared))) }) else { return nil }
            var text = Array(JSONWriter.text(edited(header), style: .compact).utf8)
            while text.count % 8 != 0 { text.append(0x20) }
            // Mostly a length that fits the new header; sometimes the old one, to test the check.
            let length = below(8) == 0 ? declared : UInt64(text.count)
            return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + text + bytes[(8 + Int(declared))...]
        }
    }

    /// `tree` with one node, chosen at random along a random path, edited.
    private mutating func edited(_ tree: JSONValue) -> JSONValue {
        switch tree {
        case .object(var members) where !members.isEmpty && below(3) != 0:
            let at = below(members.count)
            switch below(6) {
            case 0: members.insert(members[at], at: below(members.count + 1))  // a duplicated key
            case 1: members.remove(at: at)
            case 2: members.insert((keyToken(), randomValue(depth: 0)), at: below(members.count + 1))
            case 3: members.swapAt(at, below(members.count))
            default: members[at].1 = edited(members[at].1)
            }
            return .object(members)
        case .array(var items) where !items.isEmpty && below(3) != 0:
            let at = below(items.count)
            switch below(5) {
            case 0: items.insert(items[at], at: below(items.count + 1))
            case 1: items.remove(at: at)
            case 2: items.insert(randomValue(depth: 0), at: below(items.count + 1))
            default: items[at] = edited(items[at])
            }
            return .array(items)
        default:
            // This node: replaced by a value of any kind (often the wrong one), or nested deeper.
            if below(4) == 0 {
                return (0..<pick([1, 3, 600])).reduce(tree) { inner, _ in below(2) == 0 ? .array([inner]) : .object([(keyToken(), inner)]) }
            }
            return randomValue(depth: 0)
        }
    }

    /// A name from the grammar's tokens that reads as a key (a quoted token's contents), or a random one.
    private mutating func keyToken() -> String {
        let token = String(decoding: pick(grammar.tokens), as: UTF8.self)
        if token.count > 2, token.hasPrefix("\""), token.hasSuffix("\"") { return String(token.dropFirst().dropLast()) }
        return below(2) == 0 ? token : ""
    }

    private mutating func randomValue(depth: Int) -> JSONValue {
        switch below(depth > 2 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(below(2) == 0)
        case 2: return .number(pick(Self.hugeNumbers + ["0", "1", "2", "7", "0.5", "-3", "1e3"]))
        case 3: return .string(keyToken())
        case 4: return .string(pick(["", " ", "\u{0}", "é", "\u{FEFF}", "😀", String(repeating: "x", count: 10_000)]))
        case 5: return .array((0..<below(4)).map { _ in randomValue(depth: depth + 1) })
        default: return .object((0..<below(4)).map { _ in (keyToken(), randomValue(depth: depth + 1)) })
        }
    }
}
