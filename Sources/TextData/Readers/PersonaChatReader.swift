// PersonaChatReader: the namespace of the PERSONA-CHAT readers (one file per source format:
// +ParlAI, +CSV, +Xpersona, +Jwlyn, +RCDG) and the line splitting they share.

import Foundation

/// Readers for every PERSONA-CHAT form the toolkit meets, each giving `PersonaChatDialogue`s.
public enum PersonaChatReader {}

// MARK: - Shared helpers

extension PersonaChatReader {
    /// The bytes of `url`, or a `DataError` naming it.
    static func contents(of url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw DataError(file: url.path, "cannot read the file: \(error.localizedDescription)")
        }
    }

    /// The UTF-8 text of `url`, or a `DataError` naming it.
    static func text(of url: URL) throws -> String {
        try decodeUTF8(try contents(of: url), file: url.path)
    }

    static func decodeUTF8(_ data: Data, file: String) throws -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataError(file: file, "not valid UTF-8 text")
        }
        return text
    }

    /// The lines of `text`, split at "\n" with a trailing "\r" removed; a final newline does not make an
    /// empty last line. Line k of the file is element k − 1.
    static func lines(of text: String) -> [Substring] {
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
        if text.utf8.last == UInt8(ascii: "\n") { lines.removeLast() }
        return lines.map { $0.utf8.last == UInt8(ascii: "\r") ? $0.dropLast() : $0 }
    }

    /// `text` without surrounding whitespace.
    static func trimmed<S: StringProtocol>(_ text: S) -> String {
        text.trimmingCharacters(in: .whitespaces)
    }
}
