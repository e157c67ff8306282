// StandardInput: the lines of stdin for tokenize, score and generate, read as bytes so that a line
// that is not UTF-8 is reported on stderr (its bad sequences counted, each read as U+FFFD) instead of
// repaired unseen as `readLine` does; "\n" or "\r\n" ends a line.
import Foundation
import TextData

struct StandardInput: Sequence, IteratorProtocol {
    /// The 1-based number of the line last returned.
    private(set) var lineNumber = 0

    mutating func next() -> String? {
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        let length = getline(&buffer, &capacity, stdin)
        guard length >= 0, let buffer else { return nil }
        lineNumber += 1
        var bytes = UnsafeRawBufferPointer(start: buffer, count: length)
        if bytes.last == UInt8(ascii: "\n") { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        if bytes.last == UInt8(ascii: "\r") { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        let (text, invalid) = TextLines.decodeCountingInvalid(bytes)
        if invalid > 0 {
            let warning = "stdin:\(lineNumber): \(invalid) byte sequence\(invalid == 1 ? "" : "s") not UTF-8, read as U+FFFD (\u{FFFD}); send UTF-8 text\n"
            FileHandle.standardError.write(Data(warning.utf8))
        }
        return text
    }
}
