// The limits a study puts on what participants send, and the unguessable ids of their sessions
// (a session id is what lets a browser write to a session, so it is 128 random bits).
import Foundation

public enum Limits {
    /// Default longest seeker message, in characters (`--max-message-chars`).
    public static let messageCharacters = 1000
    /// Longest comment or reason, in characters.
    public static let commentCharacters = 2000
    /// Largest request body the server reads, in bytes.
    public static let requestBytes = 64 * 1024
}

public enum SessionID {
    /// 32 random hex digits.
    public static func make() -> String {
        (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
    }
}
