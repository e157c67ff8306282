// JSONWriter: `JSONValue` → JSON text in one of two styles, with one string escaper.
//   python   json.dumps(value) with its defaults: separators ", " and ": ", ensure_ascii (everything
//            outside space…`~` escaped, astral characters as surrogate pairs), numbers as Python
//            prints them after reading them (ints as written, floats by repr, NaN and ±Infinity).
//   compact  no spaces, text as is but for the escapes JSON requires — what serde_json and
//            json.dumps(ensure_ascii=False, separators=(",", ":")) write — and numbers as written, so a
//            document read by `JSONReader` comes back byte for byte.

public enum JSONWriter {
    public enum Style: Sendable {
        case python
        case compact
    }

    /// `value` as JSON text in `style`.
    public static func text(_ value: JSONValue, style: Style) -> String {
        var out = ""
        write(value, style: style, to: &out)
        return out
    }

    /// Appends `value` as JSON text in `style` to `out`.
    public static func write(_ value: JSONValue, style: Style, to out: inout String) {
        let (itemSeparator, nameSeparator) = style == .python ? (", ", ": ") : (",", ":")
        switch value {
        case .string(let text): out += quoted(text, asciiOnly: style == .python)
        case .number(let literal): out += style == .python ? pythonNumber(literal: literal) : literal
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += itemSeparator }
                write(item, style: style, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (name, member)) in members.enumerated() {
                if index > 0 { out += itemSeparator }
                out += quoted(name, asciiOnly: style == .python)
                out += nameSeparator
                write(member, style: style, to: &out)
            }
            out += "}"
        }
    }

    /// `text` as a JSON string literal: `"` and `\` escaped with a backslash, \b \t \n \f \r by name,
    /// other characters below U+0020 as `\u00xx`; with `asciiOnly`, also every character from U+007F
    /// on as `\uxxxx` (astral ones as a UTF-16 surrogate pair), as Python's ensure_ascii does.
    public static func quoted(_ text: String, asciiOnly: Bool) -> String {
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: #"\""#.unicodeScalars)
            case "\\": out.append(contentsOf: #"\\"#.unicodeScalars)
            case "\u{08}": out.append(contentsOf: #"\b"#.unicodeScalars)
            case "\t": out.append(contentsOf: #"\t"#.unicodeScalars)
            case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
            case "\u{0C}": out.append(contentsOf: #"\f"#.unicodeScalars)
            case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value >= 0x7F) {
                    for unit in UTF16.encode(scalar)! { out.append(contentsOf: ("\\u" + hex4(unit)).unicodeScalars) }
                } else {
                    out.append(scalar)
                }
            }
        }
        out.append("\"")
        return String(out)
    }

    /// A number as Python's json.dumps writes it: NaN, Infinity, -Infinity, the shortest repr of a
    /// float (`1.5`, `100.0`, `1e-05`, `1e+16`).
    public static func pythonNumber(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }

    /// A number literal as Python writes it back after json.loads: an int as written (`-0` as `0`),
    /// anything with a fraction or an exponent as a float.
    static func pythonNumber(literal: String) -> String {
        if ["NaN", "Infinity", "-Infinity"].contains(literal) { return literal }
        if literal.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }) {
            return literal == "-0" ? "0" : literal
        }
        return pythonNumber(Double(literal) ?? .nan)
    }

    private static func hex4(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
