// The JSON module: order and exact keys kept, numbers as written, errors with line and column;
// property-tested against JSONSerialization on random valid documents (FuzzingTests fuzzes the reader
// with mutated documents: every outcome a value or a JSONSyntaxError, never a crash).
import Foundation
import JSON
import XCTest

final class JSONTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue { try JSONReader.parse(Data(text.utf8)) }

    func testOrderDuplicatesExactKeysAndLiteralNumbers() throws {
        let value = try parse(#"{"b": 1, "a": [1.50, -0, 1e3, NaN, -Infinity], "b": "x", "\u037e": 1, ";": 2}"#)
        let members = try XCTUnwrap(value.objectValue)
        XCTAssertEqual(members.map(\.0), ["b", "a", "b", "\u{37E}", ";"], "file order, duplicates and look-alike keys kept")
        XCTAssertEqual(value.member(named: "b"), .string("x"), "the last duplicate wins, as in Python")
        XCTAssertEqual(JSONWriter.text(value, style: .compact), #"{"b":1,"a":[1.50,-0,1e3,NaN,-Infinity],"b":"x","\#u{37E}":1,";":2}"#)
        XCTAssertEqual(JSONWriter.text(value, style: .python), #"{"b": 1, "a": [1.5, 0, 1000.0, NaN, -Infinity], "b": "x", "\u037e": 1, ";": 2}"#,
                       "json.dumps(json.loads(text)) of the same document")
        let numbers = try XCTUnwrap(value.member(named: "a")?.arrayValue).map { $0.doubleValue! }
        XCTAssertEqual(Array(numbers[0...2]), [1.5, 0, 1000])
        XCTAssertTrue(numbers[3].isNaN)
        XCTAssertEqual(numbers[4], -.infinity)
        XCTAssertEqual(JSONValue.number("1.0"), JSONValue.number("1"), "numbers compare by value")
        XCTAssertNotEqual(JSONValue.string("e\u{301}"), JSONValue.string("\u{E9}"), "strings compare by scalars")
        XCTAssertEqual(JSONValue.number("12").intValue, 12)
        XCTAssertNil(JSONValue.number("1e3").intValue, "an exponent is not an exact integer")
        XCTAssertNil(JSONValue.number("99999999999999999999").intValue, "overflow")
    }

    func testEscapesPythonAndCompact() {
        let text = "q\" b\\ \u{08}\u{0C}\n\r\t \u{01} \u{7F} é 😀 /"
        XCTAssertEqual(JSONWriter.quoted(text, asciiOnly: true), #""q\" b\\ \b\f\n\r\t \u0001 \u007f \u00e9 \ud83d\ude00 /""#,
                       "json.dumps (ensure_ascii)")
        XCTAssertEqual(JSONWriter.quoted(text, asciiOnly: false), "\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001 \u{7F} é 😀 /\"",
                       "serde_json and json.dumps(ensure_ascii=False): DEL and non-ASCII as is")
        XCTAssertEqual(JSONWriter.pythonNumber(0.00001), "1e-05")
        XCTAssertEqual(JSONWriter.pythonNumber(1e16), "1e+16")
        XCTAssertEqual(JSONWriter.pythonNumber(100), "100.0")
    }

    func testErrorsGiveLineAndColumn() {
        func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONSyntaxError? {
            do { _ = try JSONReader.parse(Data(text.utf8)); XCTFail("accepted \(text)", file: file, line: line); return nil } catch {
                return error as? JSONSyntaxError
            }
        }
        XCTAssertEqual(error("{\n  \"a\": 1,\n  \"b\" 2\n}"), JSONSyntaxError(line: 3, column: 7, message: "expected ':' after the member name \"b\", found '2'"))
        XCTAssertEqual(error("[1, 2"), JSONSyntaxError(line: 1, column: 6, message: "expected ',' or ']' after an array element, found the end of the input"))
        XCTAssertEqual(error("[01]")?.message, "expected ',' or ']' after an array element, found '1'")
        XCTAssertEqual(error("[\"\\ud800\"]")?.message, "lone UTF-16 surrogate \\uD800 cannot be represented: expected a pair")
        XCTAssertEqual(error("[1]\u{FEFF}")?.column, 4, "a byte-order mark after the start is not whitespace")
        XCTAssertNoThrow(try JSONReader.parse(Data([0xEF, 0xBB, 0xBF] + Array("[1]".utf8))), "one at the start is skipped")
        var invalid = Array("{\"k\": \"ab".utf8)
        invalid += [0xC3, 0x28] + Array("\"}".utf8)
        do { _ = try JSONReader.parse(Data(invalid)); XCTFail("accepted invalid UTF-8") } catch let e as JSONSyntaxError {
            XCTAssertEqual(e.column, 7)
            XCTAssertTrue(e.message.contains("not valid UTF-8"), e.message)
        } catch { XCTFail("\(error)") }
        XCTAssertEqual(error(String(repeating: "[", count: 600))?.message, "objects and arrays nested deeper than 512")
        // Found by the fuzzer: an 800 KB member name made an 800 KB message.
        let longName = String(repeating: "k", count: 800_000)
        XCTAssertEqual(error("{\"\(longName)\" 1}")?.message,
                       "expected ':' after the member name \"\(String(repeating: "k", count: 60))…\", found '1'")
    }

    func testShortenedTextForMessages() {
        XCTAssertEqual("abc".shortened(to: 3), "abc")
        XCTAssertEqual("abcd".shortened(to: 3), "abc…")
        XCTAssertEqual("e\u{301}e\u{301}".shortened(to: 1), "e\u{301}…", "whole characters")
        XCTAssertEqual("".shortened(to: 0), "")
    }

    // MARK: - Property test against JSONSerialization

    /// A seeded generator of JSON values JSONSerialization can read back (finite numbers, keys unique
    /// within an object).
    private struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func string() -> String {
            let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{7F}", "é", "ß", "中", "😀", "\u{37E}", "\u{2028}"]
            var scalars = String.UnicodeScalarView()
            for _ in 0..<next(8) { scalars.append(alphabet[next(alphabet.count)]) }
            return String(scalars)
        }
        mutating func number() -> String {
            switch next(4) {
            case 0: return String(next(2_000_000) - 1_000_000)
            case 1: return "\(next(1000)).\(next(1000))"
            case 2: return "\(next(9) + 1).\(next(100))e\(["", "-", "+"][next(3)])\(next(30))"
            default: return String(next(10))
            }
        }
        mutating func value(depth: Int) -> JSONValue {
            switch next(depth > 3 ? 4 : 6) {
            case 0: return .string(string())
            case 1: return .number(number())
            case 2: return next(2) == 0 ? .bool(next(2) == 0) : .null
            case 3: return .number(String(next(100)))
            case 4: return .array((0..<next(5)).map { _ in value(depth: depth + 1) })
            default:
                var seen = Set<String>(), members: [(String, JSONValue)] = []
                for _ in 0..<next(5) {
                    let key = string()
                    if seen.insert(key).inserted { members.append((key, value(depth: depth + 1))) }
                }
                return .object(members)
            }
        }
    }

    /// Whether our value and JSONSerialization's object are the same document (objects as sets of
    /// members, numbers by value).
    private func same(_ ours: JSONValue, _ theirs: Any) -> Bool {
        switch ours {
        case .string(let s): return (theirs as? String).map { $0.unicodeScalars.elementsEqual(s.unicodeScalars) } ?? false
        case .number: return (theirs as? NSNumber).map { $0.doubleValue == ours.doubleValue } ?? false
        case .bool(let b): return (theirs as? Bool) == b
        case .null: return theirs is NSNull
        case .array(let items):
            guard let other = theirs as? [Any], other.count == items.count else { return false }
            return zip(items, other).allSatisfy { same($0, $1) }
        case .object(let members):
            guard let other = theirs as? [String: Any], other.count == members.count else { return false }
            return members.allSatisfy { key, value in other[key].map { same(value, $0) } ?? false }
        }
    }

    func testAgreesWithJSONSerializationOnRandomDocuments() throws {
        var generator = Generator(state: 13)
        for round in 0..<2000 {
            let value = generator.value(depth: 0)
            for style in [JSONWriter.Style.compact, .python] {
                let text = JSONWriter.text(value, style: style)
                let ours = try JSONReader.parse(Data(text.utf8))
                XCTAssertEqual(ours, value, "round \(round): \(text)")
                let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
                XCTAssertTrue(same(ours, theirs), "round \(round), \(style): JSONSerialization reads \(text) differently")
                if style == .compact { XCTAssertEqual(JSONWriter.text(ours, style: .compact), text, "byte-exact round trip") }
            }
        }
    }
}
