// PersonaChatReader: the namespace of the PERSONA-CHAT readers (one file per source format:
// +ParlAI, +CSV, +Xpersona, +Jwlyn, +RCDG) and what they share.

import Foundation

/// Readers for every PERSONA-CHAT form the toolkit meets, each giving `PersonaChatDialogue`s.
public enum PersonaChatReader {}

// MARK: - Shared helpers

extension PersonaChatReader {
    /// `text` without surrounding whitespace.
    static func trimmed<S: StringProtocol>(_ text: S) -> String {
        text.trimmingCharacters(in: .whitespaces)
    }
}
