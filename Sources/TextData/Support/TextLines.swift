// TextLines: how every line-oriented reader splits and decodes text — "\n" or "\r\n" ends a line, a
// last line needs no newline; a file that is not UTF-8 is refused with the line and column of its
// first bad byte, and a line typed or piped in has its bad sequences counted (and read as U+FFFD)
// — so that no reader turns a CRLF file into one line or bad bytes into U+FFFD unseen.
import Foundation

public enum TextLines {
    /// The lines of `text`, split at "\n" with a "\r" before it removed; a final newline does not make
    /// an empty last line. Line k of the text is element k − 1.
    public static func split(_ text: String) -> [Substring] {
        if text.isEmpty { return [] }
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
        if text.utf8.last == UInt8(ascii: "\n") { lines.removeLast() }
        return lines.map { $0.utf8.last == UInt8(ascii: "\r") ? $0.dropLast() : $0 }
    }

    /// The text of the UTF-8 file at `url`.
    public static func text(of url: URL) throws -> String {
        try decode(FileAccess.read(url), file: url.path)
    }

    /// `data` as UTF-8 text (after a byte-order mark, if any), or a `DataError` naming `file` with the
    /// line and column of the first byte that is not UTF-8.
    public static func decode(_ data: Data, file: String) throws -> String {
        let bytes = [UInt8](data)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if let text = String(validating: bytes[start...], as: UTF8.self) { return text }
        var iterator = bytes[start...].makeIterator()
        var decoder = UTF8()
        var offset = start, line = 1, lineStart = start
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            offset += UTF8.width(scalar)
            if scalar == "\n" { line += 1; lineStart = offset }
        }
        throw DataError(file: file, line: line, String(format: "byte 0x%02X at column %d is not UTF-8: save the file as UTF-8 text",
                                                       bytes[offset], offset - lineStart + 1))
    }

    /// `bytes` as text, each sequence that is not UTF-8 read as U+FFFD, and how many there were.
    public static func decodeCountingInvalid<Bytes: Collection>(_ bytes: Bytes) -> (text: String, invalidSequences: Int)
    where Bytes.Element == UInt8 {
        if let text = String(validating: bytes, as: UTF8.self) { return (text, 0) }
        var scalars = String.UnicodeScalarView()
        var invalid = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .error:
                invalid += 1
                scalars.append("\u{FFFD}")
            case .emptyInput: break decoding
            }
        }
        return (String(scalars), invalid)
    }
}
